/**
 * Clean layer, pure core (DOMAIN.md step 2): raw /chart rows → one value per pool and UTC day on a
 * shared calendar, gaps explicit, plus cross-sectional APY outlier flags.
 *
 * - The calendar is every day from `from` to `to` inclusive (the caller excludes the still-incomplete
 *   current day). Rows outside it are ignored.
 * - Several rows on one day: the one with the latest timestamp wins (DefiLlama's own daily rule).
 * - A day without a row, or whose value is null/non-finite, is NaN. No forward-fill: no rule asks for
 *   one, and a filled value would fake stability in the σ7/σ30 metrics that decide the groups.
 * - Outliers: per day, z = (apy − mean)/std over the pools with a value that day (population std,
 *   ddof 0, the usual cross-sectional z-score); |z| > 3 is flagged, never removed or altered. With a
 *   zero std (all equal, or a single pool) nothing is flagged.
 *
 * Layout: pool-major Float64Arrays, value of pool p on day d at index p * days.length + d. Typed
 * arrays keep the 20k × 365 panel at ~58 MB per series and make the metrics loops fast.
 */
import { dayRange } from '../../lib/dates';

/** A /chart row as fetched (only the fields the clean layer uses). */
export interface RawChartRow {
  timestamp: string;
  apy: number | null;
  tvlUsd: number | null;
}

export interface CleanPanel {
  days: string[];
  pools: string[];
  /** APY in percent, NaN for gaps. */
  apy: Float64Array;
  /** TVL in USD, NaN for gaps. */
  tvl: Float64Array;
  /** 1 where the day's APY is a cross-sectional outlier (|z| > zThreshold). */
  outlier: Uint8Array;
}

export interface CleanOptions {
  zThreshold?: number;
}

export const DEFAULT_Z_THRESHOLD = 3;

function finiteOrNaN(v: number | null | undefined): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : NaN;
}

/** Builds the panel from raw histories (pool id → rows in any order). */
export function buildCleanPanel(
  histories: ReadonlyMap<string, readonly RawChartRow[]> | Readonly<Record<string, readonly RawChartRow[]>>,
  from: string,
  to: string,
  options: CleanOptions = {},
): CleanPanel {
  const entries: Array<[string, readonly RawChartRow[]]> =
    histories instanceof Map ? [...histories.entries()] : Object.entries(histories as Record<string, readonly RawChartRow[]>);
  const days = dayRange(from, to);
  const dayIndex = new Map(days.map((d, i) => [d, i]));
  const nDays = days.length;
  const pools = entries.map(([id]) => id);
  const apy = new Float64Array(pools.length * nDays).fill(NaN);
  const tvl = new Float64Array(pools.length * nDays).fill(NaN);
  const chosenTs: string[] = new Array(nDays);

  entries.forEach(([, rows], p) => {
    chosenTs.fill('');
    for (const row of rows) {
      const day = typeof row.timestamp === 'string' ? row.timestamp.slice(0, 10) : '';
      const d = dayIndex.get(day);
      if (d === undefined) continue;
      // ISO-8601 UTC strings of the same format order lexically; the latest row of the day wins.
      if (row.timestamp < chosenTs[d]) continue;
      chosenTs[d] = row.timestamp;
      apy[p * nDays + d] = finiteOrNaN(row.apy);
      tvl[p * nDays + d] = finiteOrNaN(row.tvlUsd);
    }
  });

  const outlier = flagOutliers(apy, pools.length, nDays, options.zThreshold ?? DEFAULT_Z_THRESHOLD);
  return { days, pools, apy, tvl, outlier };
}

/**
 * Mean and (population) standard deviation of day d across the pools that have a value, in two
 * passes (mean, then squared deviations) so a large common level does not cancel the spread. null
 * when fewer than 2 pools have a value or the spread is zero: no z-score is defined that day.
 */
function dayMoments(values: Float64Array, nPools: number, nDays: number, d: number): { mean: number; std: number } | null {
  let n = 0;
  let sum = 0;
  for (let p = 0; p < nPools; p++) {
    const v = values[p * nDays + d];
    if (v === v) {
      n++;
      sum += v;
    }
  }
  if (n < 2) return null;
  const mean = sum / n;
  let ss = 0;
  for (let p = 0; p < nPools; p++) {
    const v = values[p * nDays + d];
    if (v === v) ss += (v - mean) * (v - mean);
  }
  const std = Math.sqrt(ss / n);
  return std > 0 ? { mean, std } : null;
}

/** Cross-sectional z-score flags per day (see dayMoments). */
export function flagOutliers(values: Float64Array, nPools: number, nDays: number, zThreshold = DEFAULT_Z_THRESHOLD): Uint8Array {
  const flags = new Uint8Array(nPools * nDays);
  for (let d = 0; d < nDays; d++) {
    const m = dayMoments(values, nPools, nDays, d);
    if (!m) continue;
    for (let p = 0; p < nPools; p++) {
      const i = p * nDays + d;
      const v = values[i];
      if (v === v && Math.abs(v - m.mean) / m.std > zThreshold) flags[i] = 1;
    }
  }
  return flags;
}

/**
 * The cross-sectional z-score of every pool on day d (the statistic flagOutliers thresholds):
 * NaN for a pool without a value that day, and for everyone when fewer than 2 pools have one or
 * the spread is zero.
 */
export function zScoresOn(values: Float64Array, nPools: number, nDays: number, d: number): Float64Array {
  const z = new Float64Array(nPools).fill(NaN);
  const m = dayMoments(values, nPools, nDays, d);
  if (!m) return z;
  for (let p = 0; p < nPools; p++) {
    const v = values[p * nDays + d];
    if (v === v) z[p] = (v - m.mean) / m.std;
  }
  return z;
}

/** A pool's row of a pool-major panel (a view, not a copy). */
export function poolRow(values: Float64Array, p: number, nDays: number): Float64Array {
  return values.subarray(p * nDays, (p + 1) * nDays);
}
