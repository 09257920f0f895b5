/**
 * Rolling-origin evaluation on a series' own past. For a forecast origin `end`, the K origins
 * o = end−H−K+1 … end−H each forecast 1..H steps from y[0..o) and are scored against y[o..o+H),
 * all of which lie before `end`. Parameters are fitted once, on the history before the first
 * origin, and reused at every origin (fast, and still no look-ahead).
 */
import type { ForecastMethod } from './types';

export interface BacktestOptions {
  horizon: number;
  /** Maximum number of origins. */
  maxOrigins: number;
  /** Fewer origins than this → no backtest (null). */
  minOrigins: number;
  /** History every origin must have before it. */
  minTrain: number;
  /** Models see at most this many most recent days (regime relevance and speed). */
  fitWindow: number;
}

export interface BacktestResult {
  origins: number;
  /** In-sample one-step naive MAE on the fit window before the first origin (MASE denominator). */
  scale: number;
  /** MAE over origins × horizons, per method (same order as the methods given). */
  mae: Float64Array;
  /** maeByHorizon[m][h−1]: MAE of method m at horizon h. */
  maeByHorizon: Float64Array[];
}

/** Mean absolute one-step change of y[from..to): the naive in-sample MAE. */
export function naiveScale(y: Float64Array, from: number, to: number): number {
  let s = 0;
  for (let t = from + 1; t < to; t++) s += Math.abs(y[t] - y[t - 1]);
  return to - from > 1 ? s / (to - from - 1) : 0;
}

/** Number of origins a backtest of y[0..end) can use, given the options. */
export function originCount(end: number, opts: BacktestOptions): number {
  return Math.max(0, Math.min(opts.maxOrigins, end - opts.horizon - opts.minTrain + 1));
}

/**
 * Backtests `methods` on y[0..end). Only y[0..end) is read. Returns null when fewer than
 * minOrigins origins fit. `buf` is a scratch array of length ≥ horizon.
 */
export function rollingOriginBacktest(
  y: Float64Array,
  end: number,
  methods: readonly ForecastMethod[],
  opts: BacktestOptions,
  buf: Float64Array = new Float64Array(opts.horizon),
): BacktestResult | null {
  const H = opts.horizon;
  const K = originCount(end, opts);
  if (K < opts.minOrigins) return null;
  const first = end - H - K + 1;
  const fitFrom = Math.max(0, first - opts.fitWindow);
  const scale = naiveScale(y, fitFrom, first);
  const mae = new Float64Array(methods.length);
  const maeByHorizon: Float64Array[] = [];
  const fitTrain = y.subarray(fitFrom, first);
  for (let m = 0; m < methods.length; m++) {
    const method = methods[m];
    const params = method.fit(fitTrain);
    const byH = new Float64Array(H);
    let total = 0;
    for (let o = first; o < first + K; o++) {
      method.forecast(y.subarray(Math.max(0, o - opts.fitWindow), o), H, params, buf);
      for (let h = 0; h < H; h++) {
        const e = Math.abs(y[o + h] - buf[h]);
        byH[h] += e;
        total += e;
      }
    }
    // A method that produced NaN/∞ anywhere loses (NaN would otherwise poison comparisons).
    mae[m] = Number.isFinite(total) ? total / (K * H) : Infinity;
    for (let h = 0; h < H; h++) byH[h] = Number.isFinite(byH[h]) ? byH[h] / K : Infinity;
    maeByHorizon.push(byH);
  }
  return { origins: K, scale, mae, maeByHorizon };
}
