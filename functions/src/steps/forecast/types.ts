/**
 * Shared types of the forecasting core. Everything here is plain data so forecasts can be stored
 * in Firestore or printed by the CLI as they are.
 */

/** Every forecasting method the core knows; the selection set is a subset (see DEFAULT_CANDIDATES). */
export type MethodName =
  | 'naive'
  | 'mean7'
  | 'ses'
  | 'dampedTrend'
  | 'theta'
  | 'median7'
  | 'trimmedMean14'
  | 'hampelSes'
  | 'comb'
  | 'robustComb';

/** Fitted parameters of one method (empty for parameter-free methods). */
export type MethodParams = Float64Array;

/**
 * A forecasting method. `train` is ONLY the history up to the forecast origin (a subarray view,
 * so reading past its end yields undefined): look-ahead is impossible by construction.
 */
export interface ForecastMethod {
  readonly name: MethodName;
  /** Fit parameters on the training history (may return an empty array). */
  fit(train: Float64Array): MethodParams;
  /** Write forecasts for 1..h steps after the end of `train` into out[0..h). */
  forecast(train: Float64Array, h: number, params: MethodParams, out: Float64Array): void;
}

/** Outcome of the rolling-origin backtest of the chosen method. */
export interface BacktestSummary {
  /** MAE over origins × horizons divided by the in-sample one-step naive MAE; null when that scale is 0 or no backtest ran. */
  mase: number | null;
  /** The same figure for naive over the same origins (the bar the chosen method had to clear). */
  naiveMase: number | null;
  /** Number of rolling origins evaluated (0 when a rule forced naive before any backtest). */
  n: number;
}

/** One series' forecast, on the series' original scale. */
export interface SeriesForecast {
  method: MethodName;
  /** Forecasts for the H calendar days after `lastDate`. */
  values: number[];
  /** Last observed UTC day (YYYY-MM-DD), or null for an empty series. */
  lastDate: string | null;
  backtest: BacktestSummary;
  /** Why naive was forced (short history, gap, constant, ...); null when the backtest chose. */
  reason: string | null;
}

/** Working scale of a series: models run on transform(y) and forecasts are mapped back. */
export type Scale = 'linear' | 'log1p';
