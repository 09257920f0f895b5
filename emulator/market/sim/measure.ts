/**
 * Statistics of daily pool series, shared by scripts/calibrate-market.ts (on the real recordings) and the
 * statistics test (on the simulated market), so both sides are measured by exactly the same code.
 */
import { QPROBS, type Quantiles } from './calibration';

/** One pool's history: one entry per calendar day that has a row (gaps = missing days). */
export interface DailySeries {
  stable: boolean;
  days: number[];
  apy: (number | null)[];
  tvl: (number | null)[];
}

export function quantiles(xs: number[]): Quantiles {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (s.length === 0) return QPROBS.map(() => 0);
  return QPROBS.map((q) => round(quantileSorted(s, q)));
}

export function quantileSorted(s: number[], q: number): number {
  if (s.length === 0) return NaN;
  const i = (s.length - 1) * q;
  const lo = Math.floor(i);
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (i - lo);
}

export const median = (xs: number[]): number => quantileSorted([...xs].sort((a, b) => a - b), 0.5);
export const round = (x: number): number => Number(x.toPrecision(5));

export interface SeriesStats {
  dAbs: { stable: Quantiles; other: Quantiles };
  poolMedianDLog: { stable: Quantiles; other: Quantiles };
  tvlDLogAbs: Quantiles;
  tvlPoolMedianDLog: Quantiles;
  missingDayShare: number;
  spikesPerPoolYear: number;
  spikeRatio: Quantiles;
  regimeShiftsPerPoolYear: number;
  regimeShiftAbsLog: Quantiles;
  pools: { stable: number; other: number };
  /** Quantiles of each pool's median apy (the level mix of the measured pools). */
  poolMedianApy: Quantiles;
}

/**
 * Day-to-day changes (consecutive calendar days only), per-pool median |Δ ln|, share of missing days,
 * reward spikes (apy > 2× trailing 7-row median and ≥ 0.5 pp above it, back under 1.5× within 3 rows),
 * and regime shifts (|ln(median of next 30 rows / previous 30 rows)| > ln 1.5, once per 30 rows).
 */
export function seriesStats(series: DailySeries[]): SeriesStats {
  const dAbs = { stable: [] as number[], other: [] as number[] };
  const poolMed = { stable: [] as number[], other: [] as number[] };
  const tvlD: number[] = [];
  const tvlPoolMed: number[] = [];
  const count = { stable: 0, other: 0 };
  let span = 0, present = 0, rows = 0, spikes = 0, shiftRows = 0, shifts = 0;
  const spikeRatios: number[] = [];
  const shiftSizes: number[] = [];
  const medApy: number[] = [];
  for (const s of series) {
    const n = s.days.length;
    if (n < 2) continue;
    const bucket = s.stable ? 'stable' : 'other';
    count[bucket]++;
    span += s.days[n - 1] - s.days[0] + 1;
    present += n;
    const dl: number[] = [];
    const tl: number[] = [];
    for (let i = 1; i < n; i++) {
      if (s.days[i] - s.days[i - 1] !== 1) continue;
      const a = s.apy[i - 1], b = s.apy[i];
      if (a !== null && b !== null) {
        dAbs[bucket].push(Math.abs(b - a));
        if (a > 0 && b > 0) dl.push(Math.abs(Math.log(b / a)));
      }
      const ta = s.tvl[i - 1], tb = s.tvl[i];
      if (ta && tb && ta > 0 && tb > 0) tl.push(Math.abs(Math.log(tb / ta)));
    }
    if (dl.length >= 30) poolMed[bucket].push(median(dl));
    for (const x of tl) tvlD.push(x);
    if (tl.length >= 30) tvlPoolMed.push(median(tl));
    const apy = s.apy.map((x) => x ?? 0);
    medApy.push(median(apy));
    rows += n;
    for (let i = 7; i < n - 3; i++) {
      const med7 = median(apy.slice(i - 7, i));
      if (apy[i] > 2 * med7 && apy[i] - med7 >= 0.5 && apy.slice(i + 1, i + 4).some((x) => x < 1.5 * med7)) {
        spikes++;
        spikeRatios.push(apy[i] / Math.max(med7, 1e-9));
        i += 3;
      }
    }
    if (n >= 120) {
      for (let i = 30; i + 30 <= n; i++) {
        shiftRows++;
        const before = median(apy.slice(i - 30, i));
        const after = median(apy.slice(i, i + 30));
        if (before > 0.05 && after > 0.05 && Math.abs(Math.log(after / before)) > Math.log(1.5)) {
          shifts++;
          shiftSizes.push(Math.abs(Math.log(after / before)));
          i += 29;
          shiftRows += 29;
        }
      }
    }
  }
  return {
    dAbs: { stable: quantiles(dAbs.stable), other: quantiles(dAbs.other) },
    poolMedianDLog: { stable: quantiles(poolMed.stable), other: quantiles(poolMed.other) },
    tvlDLogAbs: quantiles(tvlD),
    tvlPoolMedianDLog: quantiles(tvlPoolMed),
    missingDayShare: span > 0 ? round(1 - present / span) : 0,
    spikesPerPoolYear: rows > 0 ? round(spikes / (rows / 365)) : 0,
    spikeRatio: quantiles(spikeRatios),
    regimeShiftsPerPoolYear: shiftRows > 0 ? round(shifts / (shiftRows / 365)) : 0,
    regimeShiftAbsLog: quantiles(shiftSizes),
    pools: count,
    poolMedianApy: quantiles(medApy),
  };
}
