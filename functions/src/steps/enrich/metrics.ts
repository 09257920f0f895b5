/**
 * computeMetrics, pure core (DOMAIN.md step 2). Per pool and calendar day, from the clean APY panel
 * (percent, NaN = gap):
 *
 *   mean7 / mean30   mean APY over the trailing 7 / 30 CALENDAR days ending at d (inclusive)
 *   std7 / std30     SAMPLE standard deviation (ddof 1) over the same window, percentage points
 *   deltaAbs         |APY(d) − APY(d−1)|
 *   dailyReturn      APY(d) / 100 / 365 (the simple daily yield DOMAIN.md names)
 *   mu / sigma       DefiLlama's lifetime statistics as of d (external-apis.md §1.3):
 *                    r = (1 + apy/100)^(1/365) − 1 per observed day,
 *                    mu = (Π(1 + r))^(365/count) − 1, × 100;
 *                    sigma = sqrt(M2(r)/(count − 1) · 365) × 100, 0 when count < 2;
 *                    a non-finite mu or sigma becomes 0, as DefiLlama does. count = observed days.
 *   count            number of observed days up to d (DefiLlama's `count`)
 *
 * Gaps (how missing days affect each metric — nothing is forward-filled):
 *   - Rolling windows are calendar windows; the statistics use the points AVAILABLE in the window and
 *     are NaN unless at least `minPoints` are available (default ceil(window/2): 4 of 7, 15 of 30,
 *     the same "at least half the window" rule DOMAIN.md sets for covariance). The std needs ≥ 2
 *     points in any case. So a pool younger than 15 days has no σ30 and lands in group 4.
 *   - deltaAbs is NaN unless both d and d−1 have a value (a jump across a gap is not a day's change).
 *   - dailyReturn is NaN on a gap day.
 *   - mu/sigma/count skip gap days (DefiLlama folds one value per day it has); before the first
 *     observation mu and sigma are NaN (no DefiLlama value exists then), count is 0.
 *   The panel must start at (or before) the pool's first day for mu/sigma to be "lifetime".
 *
 * Performance: one pass per pool with O(1) window updates (20k × 365 in well under 2 s). Rolling
 * variance uses Welford add/remove (no sum/sum-of-squares cancellation) and recomputes the window
 * exactly (two-pass) every `window` steps so rounding drift cannot accumulate. Hand-written over
 * Float64Arrays because simple-statistics works on JS arrays per call, which would allocate millions
 * of slices here; simple-statistics still serves the naive reference in the tests.
 */

export interface MetricsOptions {
  /** Minimum available points for the 7-day window statistics (default 4). */
  minPoints7?: number;
  /** Minimum available points for the 30-day window statistics (default 15). */
  minPoints30?: number;
}

export interface PanelMetrics {
  nPools: number;
  nDays: number;
  mean7: Float64Array;
  std7: Float64Array;
  mean30: Float64Array;
  std30: Float64Array;
  deltaAbs: Float64Array;
  dailyReturn: Float64Array;
  mu: Float64Array;
  sigma: Float64Array;
  count: Uint32Array;
}

export const WINDOW_SHORT = 7;
export const WINDOW_LONG = 30;

/**
 * Trailing calendar-window mean and sample std of x[base .. base+n) into outMean/outStd (same
 * indices). NaN entries are gaps.
 */
export function rollingMeanStd(
  x: Float64Array,
  base: number,
  n: number,
  window: number,
  minPoints: number,
  outMean: Float64Array,
  outStd: Float64Array,
): void {
  const need = Math.max(1, minPoints);
  const needStd = Math.max(2, minPoints);
  let k = 0;
  let mean = 0;
  let m2 = 0;
  let sinceExact = 0;
  // Current run of identical finite values (gaps do not interrupt it) and the index of the last
  // finite point before it: when that point has left the window, the window is exactly flat.
  let runValue = NaN;
  let lastFinite = -1;
  let lastBreak = Number.NEGATIVE_INFINITY;
  for (let d = 0; d < n; d++) {
    if (d >= window) {
      const old = x[base + d - window];
      if (old === old) {
        k--;
        if (k === 0) {
          mean = 0;
          m2 = 0;
        } else {
          const delta = old - mean;
          mean -= delta / k;
          m2 -= delta * (old - mean);
        }
      }
    }
    const v = x[base + d];
    if (v === v) {
      k++;
      const delta = v - mean;
      mean += delta / k;
      m2 += delta * (v - mean);
      if (v !== runValue) {
        if (lastFinite >= 0) lastBreak = lastFinite;
        runValue = v;
      }
      lastFinite = d;
    }
    if (k > 0 && lastBreak < d - window + 1) {
      // Every available point in the window is equal: std is exactly 0 (no rounding residue).
      mean = runValue;
      m2 = 0;
    } else if (++sinceExact >= window) {
      // Exact two-pass recompute of the current window: bounds the drift of the running updates.
      sinceExact = 0;
      const start = Math.max(0, d - window + 1);
      let c = 0;
      let s = 0;
      for (let j = start; j <= d; j++) {
        const w = x[base + j];
        if (w === w) {
          c++;
          s += w;
        }
      }
      mean = c > 0 ? s / c : 0;
      let q = 0;
      for (let j = start; j <= d; j++) {
        const w = x[base + j];
        if (w === w) q += (w - mean) * (w - mean);
      }
      k = c;
      m2 = q;
    }
    if (m2 < 0) m2 = 0;
    outMean[base + d] = k >= need ? mean : NaN;
    outStd[base + d] = k >= needStd ? Math.sqrt(m2 / (k - 1)) : NaN;
  }
}

/** DefiLlama's daily return for an APY in percent: (1 + apy/100)^(1/365) − 1, computed stably. */
export function defillamaDailyReturn(apyPct: number): number {
  return Math.expm1(Math.log1p(apyPct / 100) / 365);
}

export interface LifetimeStats {
  count: number;
  mu: number;
  sigma: number;
}

/**
 * DefiLlama's lifetime mu/sigma of one daily APY series (percent; NaN/null entries are skipped).
 * Π(1+r)^(365/count) is evaluated as exp(Σ log(1+r) · 365/count): identical in exact arithmetic,
 * but it cannot overflow or lose digits over thousands of days.
 */
export function lifetimeMuSigma(apys: ReadonlyArray<number | null>): LifetimeStats {
  const life = new LifetimeAccumulator();
  for (const a of apys) {
    if (a === null || !Number.isFinite(a)) continue;
    life.add(a);
  }
  return { count: life.count, mu: life.mu(), sigma: life.sigma() };
}

/**
 * The running state of lifetimeMuSigma: daily APYs (percent) are added in order, and mu/sigma can be
 * read after each one (computeMetrics reads them every day). Daily returns r = (1 + APY)^(1/365) − 1
 * feed Welford's mean/variance; mu and sigma are NaN before the first value and 0 when not finite.
 */
class LifetimeAccumulator {
  count = 0;
  private sumLog = 0;
  private mean = 0;
  private m2 = 0;

  add(apy: number): void {
    const logGrowth = Math.log1p(apy / 100) / 365;
    const r = Math.expm1(logGrowth);
    this.count++;
    this.sumLog += logGrowth;
    const delta = r - this.mean;
    this.mean += delta / this.count;
    this.m2 += delta * (r - this.mean);
  }

  mu(): number {
    if (this.count === 0) return NaN;
    const mu = Math.expm1((this.sumLog * 365) / this.count) * 100;
    return Number.isFinite(mu) ? mu : 0;
  }

  sigma(): number {
    if (this.count === 0) return NaN;
    const sigma = this.count < 2 ? 0 : Math.sqrt((this.m2 / (this.count - 1)) * 365) * 100;
    return Number.isFinite(sigma) ? sigma : 0;
  }
}

/** All metrics for a pool-major APY panel (nPools × nDays). */
export function computeMetrics(apy: Float64Array, nPools: number, nDays: number, options: MetricsOptions = {}): PanelMetrics {
  if (apy.length !== nPools * nDays) throw new RangeError(`panel has ${apy.length} values, expected ${nPools} × ${nDays}`);
  const size = nPools * nDays;
  const m: PanelMetrics = {
    nPools,
    nDays,
    mean7: new Float64Array(size),
    std7: new Float64Array(size),
    mean30: new Float64Array(size),
    std30: new Float64Array(size),
    deltaAbs: new Float64Array(size),
    dailyReturn: new Float64Array(size),
    mu: new Float64Array(size),
    sigma: new Float64Array(size),
    count: new Uint32Array(size),
  };
  const min7 = options.minPoints7 ?? Math.ceil(WINDOW_SHORT / 2);
  const min30 = options.minPoints30 ?? Math.ceil(WINDOW_LONG / 2);

  for (let p = 0; p < nPools; p++) {
    const base = p * nDays;
    rollingMeanStd(apy, base, nDays, WINDOW_SHORT, min7, m.mean7, m.std7);
    rollingMeanStd(apy, base, nDays, WINDOW_LONG, min30, m.mean30, m.std30);

    const life = new LifetimeAccumulator();
    let prev = NaN;
    for (let d = 0; d < nDays; d++) {
      const i = base + d;
      const v = apy[i];
      m.deltaAbs[i] = Math.abs(v - prev); // NaN when either side is a gap
      prev = v;
      m.dailyReturn[i] = v / 100 / 365;
      if (v === v) life.add(v);
      m.count[i] = life.count;
      m.mu[i] = life.mu();
      m.sigma[i] = life.sigma();
    }
  }
  return m;
}

/** Daily returns APY/100/365 of a panel (NaN on gap days), the series buildFeatures works on. */
export function dailyReturns(apy: Float64Array): Float64Array {
  const out = new Float64Array(apy.length);
  for (let i = 0; i < apy.length; i++) out[i] = apy[i] / 100 / 365;
  return out;
}

/** One pool-day's metrics as plain numbers (null for NaN), e.g. for a Firestore document. */
export interface MetricsRecord {
  mean7: number | null;
  std7: number | null;
  mean30: number | null;
  std30: number | null;
  deltaAbs: number | null;
  dailyReturn: number | null;
  mu: number | null;
  sigma: number | null;
  count: number;
}

const orNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

export function metricsAt(m: PanelMetrics, p: number, d: number): MetricsRecord {
  const i = p * m.nDays + d;
  return {
    mean7: orNull(m.mean7[i]),
    std7: orNull(m.std7[i]),
    mean30: orNull(m.mean30[i]),
    std30: orNull(m.std30[i]),
    deltaAbs: orNull(m.deltaAbs[i]),
    dailyReturn: orNull(m.dailyReturn[i]),
    mu: orNull(m.mu[i]),
    sigma: orNull(m.sigma[i]),
    count: m.count[i],
  };
}
