/** Registry of forecasting methods by name. */
import type { ForecastMethod, MethodName } from '../types';
import { hampelSes } from './hampel';
import { mean7, median7, naive, trimmedMean14 } from './simple';
import { dampedTrend, ses, theta } from './smoothing';
import { combination } from './combination';

/** Mean of SES, damped trend and Theta (the M4 "Comb" idea with Theta in place of Holt). */
export const comb = combination('comb', [ses, dampedTrend, theta], 'mean');
/** Median of SES, Theta, Hampel-SES, the 7-day median and the 14-day trimmed mean: three robust votes outvote a spike that SES and Theta chase. */
export const robustComb = combination('robustComb', [ses, theta, hampelSes, median7, trimmedMean14], 'median');

export const METHODS: Record<MethodName, ForecastMethod> = {
  naive,
  mean7,
  ses,
  dampedTrend,
  theta,
  median7,
  trimmedMean14,
  hampelSes,
  comb,
  robustComb,
};

export { naive, mean7, ses, dampedTrend, theta, median7, trimmedMean14, hampelSes };
export { hampelFilter } from './hampel';
export { fitDamped, dampedSse, fitSesAlpha, sesLevel, olsSlope } from './smoothing';
export { windowMean, windowMedian, windowTrimmedMean } from './simple';
export { nelderMead, goldenSection } from './optimize';
