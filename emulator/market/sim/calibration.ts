/**
 * Typed access to calibration.json: numbers measured on the real recordings by
 * scripts/calibrate-market.ts. The generator takes its targets from here, and the statistics test checks
 * the generated market against the same numbers.
 */
import raw from './calibration.json';

/** Probabilities at which every `Quantiles` array is measured. */
export const QPROBS = [0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99] as const;
/** Values at QPROBS, ascending. */
export type Quantiles = number[];

export interface Calibration {
  comment: string;
  measuredAt: string;
  sources: string[];
  apy: {
    /** Share of listed pools with apy == 0, by stablecoin flag. */
    zeroShare: { stable: number; other: number };
    /** Quantiles of apy (%) over listed pools with apy > 0. */
    level: { stable: Quantiles; other: Quantiles };
    /** Share of listed pools with apyReward > 0. */
    rewardShare: number;
    /** Quantiles of |apy_t − apy_{t−1}| (percentage points) over consecutive chart days. */
    dAbs: { stable: Quantiles; other: Quantiles };
    /** Across pools: quantiles of each pool's median |Δ ln apy| (daily jitter heterogeneity). */
    poolMedianDLog: { stable: Quantiles; other: Quantiles };
    /** Aave V3 USDC (Ethereum) chart: median |Δ ln apy| and apy quantiles, the reference for lending pools. */
    lendingReference: { medianDLogApy: number; apy: Quantiles };
  };
  chart: {
    /** Missing calendar days / span, over all chart histories (first to last row). */
    missingDayShare: number;
    /** Reward spikes (apy > 2× trailing 7-day median, +≥0.5 pp, back below 1.5× within 3 days). */
    spikesPerPoolYear: number;
    spikeRatio: Quantiles;
    /** Level changes: |ln(median next 30 d / median previous 30 d)| > ln 1.5, counted once per 30 days. */
    regimeShiftsPerPoolYear: number;
    regimeShiftAbsLog: Quantiles;
    /** Quantiles of each chart pool's median apy: the chart bundle favours high-APY pools. */
    poolMedianApy: Quantiles;
  };
  tvl: {
    /** Quantiles of log10(tvlUsd) in the /pools snapshots. */
    log10Level: Quantiles;
    /** Quantiles of |Δ ln tvl| over consecutive chart days. */
    dLogAbs: Quantiles;
    /** Across pools: quantiles of each pool's median |Δ ln tvl|. */
    poolMedianDLog: Quantiles;
  };
  lifecycle: {
    /** Per listed pool per day: share gone the next day (consecutive poolsOld snapshots). */
    dailyDeathRate: number;
    /** New pools per day as a share of the listed pools. */
    dailyBirthRate: number;
  };
  universe: {
    stablecoinShare: number;
    ethereumShare: number;
    /** Per project (≥ 20 pools): share of its pools on Ethereum. */
    ethereumShareByProject: Record<string, number>;
    chainShare: Record<string, number>;
  };
  gas: {
    /** Median of the daily average gas price (gwei) per calendar year. */
    yearlyMedianGwei: Record<string, number>;
    /** Mean of daily/rolling-28-day-median ratio per weekday (0 = Sunday). */
    weekdayFactor: number[];
    /** Std dev of the daily log change, recent years. */
    dailyLogSd: number;
    /** Share of days whose average is > 2× the trailing 28-day median (recent years). */
    spikeDayShare: number;
    spikeRatio: Quantiles;
  };
}

export const CALIBRATION: Calibration = raw as unknown as Calibration;

/**
 * Inverse CDF from measured quantiles: linear interpolation between the QPROBS points in
 * (optionally) log space, tails extended by the slope of the outer segment.
 */
export function fromQuantiles(q: Quantiles, u: number, log = true): number {
  const v = log ? q.map((x) => Math.log(Math.max(x, 1e-9))) : q;
  const p = QPROBS;
  let i = 0;
  if (u <= p[0]) i = 0;
  else if (u >= p[p.length - 1]) i = p.length - 2;
  else while (i < p.length - 2 && u > p[i + 1]) i++;
  const t = (u - p[i]) / (p[i + 1] - p[i]);
  // Tails: damp the extrapolation so a steep outer segment cannot explode.
  const tt = t < 0 ? t * 0.5 : t > 1 ? 1 + (t - 1) * 0.5 : t;
  const x = v[i] + (v[i + 1] - v[i]) * tt;
  return log ? Math.exp(x) : x;
}
