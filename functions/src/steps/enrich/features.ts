/**
 * buildFeatures, pure core (DOMAIN.md step 2): inputs of the mean-variance optimizer and its score
 * tilt.
 *
 * - Scores (importScores rows `date, key, provider, score`) are normalised per (date, provider)
 *   across keys: percentile = average rank / n (ties share the mean of their positions, so equal
 *   scores get equal values; order of appearance never matters) and min–max = (s − min)/(max − min).
 *   When every score of the group is equal both are 0.5 (no information, neutral). Missing scores
 *   stay null and do not count in n.
 * - Covariance: SAMPLE covariance (ddof 1) of daily pool returns over the trailing `covWindowDays`
 *   calendar days ending at the given day, pairwise-complete (each pair uses the days on which both
 *   pools have a return, with that pair's own means). A pair (or a variance) needs at least
 *   ceil(window/2) overlapping days, otherwise it is NaN (no estimate).
 * - Expected returns: arithmetic mean of the daily returns available in the trailing
 *   `expectedReturnLookback` calendar days; NaN when the window holds none (no fallback to older
 *   history: a pool silent for the whole lookback has no current expectation).
 *
 * Returns are the clean-layer daily returns APY/100/365 (metrics.ts), NaN on gap days.
 */
export interface ScoreRow {
  date: string;
  /** Protocol slug or pool id. */
  key: string;
  provider: string;
  score: number | null;
}

export interface NormalizedScoreRow extends ScoreRow {
  percentile: number | null;
  minMax: number | null;
}

export interface NormalizedScores {
  percentile: Array<number | null>;
  minMax: Array<number | null>;
}

const finite = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

/** Percentile (average rank / n) and min–max of one cross-section; 0.5 for both when all equal. */
export function normalizeScores(values: ReadonlyArray<number | null>): NormalizedScores {
  const idx: number[] = [];
  values.forEach((v, i) => {
    if (finite(v)) idx.push(i);
  });
  const percentile: Array<number | null> = values.map(() => null);
  const minMax: Array<number | null> = values.map(() => null);
  const n = idx.length;
  if (n === 0) return { percentile, minMax };
  idx.sort((a, b) => (values[a] as number) - (values[b] as number));
  const min = values[idx[0]] as number;
  const max = values[idx[n - 1]] as number;
  if (max === min) {
    for (const i of idx) percentile[i] = minMax[i] = 0.5;
    return { percentile, minMax };
  }
  for (let start = 0; start < n; ) {
    let end = start;
    while (end + 1 < n && values[idx[end + 1]] === values[idx[start]]) end++;
    const avgRank = (start + 1 + end + 1) / 2; // 1-based positions start+1 .. end+1
    for (let k = start; k <= end; k++) percentile[idx[k]] = avgRank / n;
    start = end + 1;
  }
  for (const i of idx) minMax[i] = ((values[i] as number) - min) / (max - min);
  return { percentile, minMax };
}

/** Normalises score rows per (date, provider). A repeated (date, provider, key) keeps its last row. */
export function normalizeScoreRows(rows: readonly ScoreRow[]): NormalizedScoreRow[] {
  const groups = new Map<string, Map<string, ScoreRow>>();
  for (const r of rows) {
    const g = `${r.date}\u0000${r.provider}`;
    let byKey = groups.get(g);
    if (!byKey) groups.set(g, (byKey = new Map()));
    byKey.set(r.key, r);
  }
  const out: NormalizedScoreRow[] = [];
  for (const byKey of groups.values()) {
    const list = [...byKey.values()];
    const { percentile, minMax } = normalizeScores(list.map((r) => (finite(r.score) ? r.score : null)));
    list.forEach((r, i) => out.push({ ...r, percentile: percentile[i], minMax: minMax[i] }));
  }
  return out;
}

/**
 * One score per pool for the optimizer's tilt on `date`: a pool-keyed score wins over its
 * protocol's; several providers are averaged; null when no provider scores the pool or protocol.
 */
export function scoreVector(
  pools: ReadonlyArray<{ pool: string; project: string }>,
  normalized: readonly NormalizedScoreRow[],
  date: string,
  field: 'percentile' | 'minMax' = 'percentile',
): Array<number | null> {
  const byKey = new Map<string, number[]>();
  for (const r of normalized) {
    const v = r[field];
    if (r.date !== date || v === null) continue;
    const list = byKey.get(r.key) ?? [];
    list.push(v);
    byKey.set(r.key, list);
  }
  return pools.map(({ pool, project }) => {
    const list = byKey.get(pool) ?? byKey.get(project);
    return list && list.length > 0 ? list.reduce((a, b) => a + b, 0) / list.length : null;
  });
}

/**
 * scoreVector on each provider's latest scored date on or before `upTo`: score files arrive
 * irregularly (a monthly CSV, say), and a pool's score stays valid until the provider publishes
 * the next one. Providers are averaged as in scoreVector.
 */
export function latestScoreVector(
  pools: ReadonlyArray<{ pool: string; project: string }>,
  normalized: readonly NormalizedScoreRow[],
  upTo: string,
  field: 'percentile' | 'minMax' = 'percentile',
): { scores: Array<number | null>; dates: Record<string, string> } {
  const dates: Record<string, string> = {};
  for (const r of normalized) {
    if (r.date <= upTo && (dates[r.provider] === undefined || r.date > dates[r.provider])) dates[r.provider] = r.date;
  }
  const latest = normalized.filter((r) => dates[r.provider] === r.date).map((r) => ({ ...r, date: upTo }));
  return { scores: scoreVector(pools, latest, upTo, field), dates };
}

export interface CovarianceEstimate {
  /** Day index the window ends on (inclusive). */
  endDay: number;
  window: number;
  minOverlap: number;
  /** Pool indices (into the panel) of the matrix rows/columns, in order. */
  pools: number[];
  /** k × k row-major sample covariance; NaN where the pair overlaps on fewer than minOverlap days. */
  cov: Float64Array;
  /** k × k overlapping-day counts. */
  overlap: Uint16Array;
}

/** Minimum overlapping days for a covariance estimate: at least half the window. */
export function minOverlapFor(window: number): number {
  return Math.ceil(window / 2);
}

/**
 * Pairwise-complete sample covariance of the returns panel (pool-major, NaN gaps) over the window
 * [endDay − window + 1, endDay] (clipped at day 0), for the given pools (default all).
 */
export function covarianceAt(
  returns: Float64Array,
  nPools: number,
  nDays: number,
  endDay: number,
  window: number,
  pools: readonly number[] = Array.from({ length: nPools }, (_, i) => i),
): CovarianceEstimate {
  if (endDay < 0 || endDay >= nDays) throw new RangeError(`endDay ${endDay} outside 0..${nDays - 1}`);
  if (!(window >= 2)) throw new RangeError(`window must be at least 2, got ${window}`);
  const minOverlap = minOverlapFor(window);
  const start = Math.max(0, endDay - window + 1);
  const len = endDay - start + 1;
  const k = pools.length;
  const cov = new Float64Array(k * k).fill(NaN);
  const overlap = new Uint16Array(k * k);
  // Copy each pool's window once (contiguous, cache-friendly inner loop).
  const w = new Float64Array(k * len);
  for (let a = 0; a < k; a++) w.set(returns.subarray(pools[a] * nDays + start, pools[a] * nDays + endDay + 1), a * len);

  for (let a = 0; a < k; a++) {
    for (let b = a; b < k; b++) {
      let m = 0;
      let sx = 0;
      let sy = 0;
      for (let t = 0; t < len; t++) {
        const x = w[a * len + t];
        const y = w[b * len + t];
        if (x === x && y === y) {
          m++;
          sx += x;
          sy += y;
        }
      }
      overlap[a * k + b] = overlap[b * k + a] = m;
      if (m < minOverlap || m < 2) continue;
      const mx = sx / m;
      const my = sy / m;
      let sxy = 0;
      for (let t = 0; t < len; t++) {
        const x = w[a * len + t];
        const y = w[b * len + t];
        if (x === x && y === y) sxy += (x - mx) * (y - my);
      }
      cov[a * k + b] = cov[b * k + a] = sxy / (m - 1);
    }
  }
  return { endDay, window, minOverlap, pools: [...pools], cov, overlap };
}

/** The covariance estimate at each of the given end days (a rolling covariance). */
export function rollingCovariance(
  returns: Float64Array,
  nPools: number,
  nDays: number,
  window: number,
  endDays: readonly number[],
  pools?: readonly number[],
): CovarianceEstimate[] {
  return endDays.map((d) => covarianceAt(returns, nPools, nDays, d, window, pools));
}

/** Mean daily return per pool over [endDay − lookback + 1, endDay]; NaN when the window has none. */
export function expectedReturns(returns: Float64Array, nPools: number, nDays: number, endDay: number, lookback: number): Float64Array {
  if (endDay < 0 || endDay >= nDays) throw new RangeError(`endDay ${endDay} outside 0..${nDays - 1}`);
  if (!(lookback >= 1)) throw new RangeError(`lookback must be at least 1, got ${lookback}`);
  const start = Math.max(0, endDay - lookback + 1);
  const out = new Float64Array(nPools);
  for (let p = 0; p < nPools; p++) {
    let c = 0;
    let s = 0;
    for (let d = start; d <= endDay; d++) {
      const v = returns[p * nDays + d];
      if (v === v) {
        c++;
        s += v;
      }
    }
    out[p] = c > 0 ? s / c : NaN;
  }
  return out;
}
