/**
 * GET /pools on a given day: every pool whose latest accepted row is at most 7 days old (so dead or
 * silent pools linger with stale numbers, like the real list), TVL ≥ $10k, with DefiLlama's derived
 * fields (apyPct*, apyMean30d, mu/sigma/count, outlier, predictions) computed from the simulated history.
 */
import { apyAt, apyParts, isMissing, poolDay, round5, BACKFILL_END } from './pool-series';
import { uAt } from './prng';
import type { LlamaPool } from './types';
import type { PoolDef, Universe } from './universe';

const STALE_DAYS = 6;
const MIN_TVL = 10_000;
/** mu/sigma are lifetime statistics; we estimate them from this many evenly spaced days (cost bound). */
const LIFETIME_SAMPLES = 8;

function apyOn(p: PoolDef, day: number): number | null {
  if (day < p.birth || day >= p.death || isMissing(p, day)) return null;
  return apyAt(p, day);
}

function lifetimeStats(p: PoolDef, last: number): { mu: number; sigma: number; count: number } {
  const count = last - p.birth + 1;
  const n = Math.min(LIFETIME_SAMPLES, count);
  let sumLog = 0;
  let sum = 0;
  let sum2 = 0;
  for (let i = 0; i < n; i++) {
    const d = n === 1 ? last : p.birth + Math.round((i * (last - p.birth)) / (n - 1));
    const r = Math.pow(1 + apyAt(p, d) / 100, 1 / 365) - 1;
    sumLog += Math.log1p(r);
    sum += r;
    sum2 += r * r;
  }
  const mu = (Math.exp((365 * sumLog) / n) - 1) * 100;
  const variance = n > 1 ? Math.max(0, (sum2 - (sum * sum) / n) / (n - 1)) : 0;
  const sigma = count < 2 ? 0 : Math.sqrt(variance * 365) * 100;
  return { mu: Number.isFinite(mu) ? mu : 0, sigma: Number.isFinite(sigma) ? sigma : 0, count };
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  const i = (sorted.length - 1) * q;
  const lo = Math.floor(i);
  return sorted[lo] + (sorted[Math.min(lo + 1, sorted.length - 1)] - sorted[lo]) * (i - lo);
}

export function buildSnapshot(universe: Universe, day: number): LlamaPool[] {
  const out: LlamaPool[] = [];
  for (const p of universe.poolsAround(day, STALE_DAYS)) {
    // Latest day with an accepted row, no older than STALE_DAYS.
    let t = Math.min(day, p.death - 1);
    const floor = Math.max(p.birth, day - STALE_DAYS);
    while (t >= floor && isMissing(p, t)) t--;
    if (t < floor) continue;
    const v = poolDay(p, t)!;
    if (v.tvlUsd < MIN_TVL || v.apy > 1e6) continue;
    const apy = v.apy;
    const pct = (n: number): number | null => {
      const before = apyOn(p, t - n);
      return before === null ? null : round5(apy - before);
    };
    let s = 0;
    let c = 0;
    for (let d = t; d > t - 30 && d >= p.birth; d -= 5) {
      const a = apyOn(p, d);
      if (a !== null) { s += a; c++; }
    }
    const stats = lifetimeStats(p, t);
    const split = t >= BACKFILL_END && !p.onlyTotal;
    const dex = p.category === 'dex';
    const vol1d = dex && p.feeRate > 0 ? (v.apyBase / 100) * v.tvlUsd / 365 / p.feeRate : null;
    const predictable = apy > 0 && stats.count >= 7;
    const prob = predictable ? Math.round(50 + 49 * uAt(p.key, Math.floor(t / 7), 77)) : null;
    let base7 = 0;
    let n7 = 0;
    if (dex) for (let d = t; d > t - 7 && d >= p.birth; d -= 3) { base7 += apyParts(p, d).base; n7++; }
    out.push({
      chain: p.chain,
      project: p.project,
      symbol: p.symbol,
      tvlUsd: Math.round(v.tvlUsd),
      apyBase: split ? round5(v.apyBase) : null,
      apyReward: split ? (v.apyReward > 0 ? round5(v.apyReward) : null) : null,
      apy: round5(apy),
      rewardTokens: p.rewardTokens,
      pool: p.id,
      apyPct1D: pct(1),
      apyPct7D: pct(7),
      apyPct30D: pct(30),
      stablecoin: p.stablecoin,
      ilRisk: p.ilRisk,
      exposure: p.exposure,
      predictions: {
        predictedClass: predictable ? (apy > 1.6 * Math.max(stats.mu, 0.01) ? 'Down' : 'Stable/Up') : null,
        predictedProbability: prob,
        binnedConfidence: null,
      },
      poolMeta: p.poolMeta,
      mu: round5(stats.mu),
      sigma: round5(stats.sigma),
      count: stats.count,
      outlier: false,
      underlyingTokens: p.underlyingTokens,
      il7d: dex && p.ilRisk === 'yes' && (p.key & 3) === 0 ? round5(-Math.abs(v.apyBase) / 400) : null,
      apyBase7d: dex && split && (p.key & 1) === 0 ? round5(base7 / n7) : null,
      apyMean30d: c > 0 ? round5(s / c) : null,
      volumeUsd1d: vol1d === null ? null : Math.round(vol1d),
      volumeUsd7d: vol1d === null ? null : Math.round(vol1d * 7 * (0.8 + 0.4 * uAt(p.key, t, 78))),
      apyBaseInception: null,
    });
  }
  // Cross-sectional fields, as DefiLlama's enrichment computes them over the whole run.
  const mus = out.map((x) => x.mu).sort((a, b) => a - b);
  const sigmas = out.map((x) => x.sigma).sort((a, b) => a - b);
  const bounds = (xs: number[]): [number, number] => {
    const med = quantile(xs, 0.5);
    const iqr = quantile(xs, 0.75) - quantile(xs, 0.25);
    return [Math.max(0, med - 1.5 * iqr), med + 1.5 * iqr];
  };
  const [muLo, muHi] = bounds(mus);
  const [sgLo, sgHi] = bounds(sigmas);
  const probs = out.map((x) => x.predictions.predictedProbability).filter((x): x is number => x !== null).sort((a, b) => a - b);
  const q33 = quantile(probs, 0.333);
  const q66 = quantile(probs, 0.666);
  for (const x of out) {
    x.outlier = x.mu < muLo || x.mu > muHi || x.sigma < sgLo || x.sigma > sgHi;
    const pr = x.predictions.predictedProbability;
    if (pr !== null) x.predictions.binnedConfidence = pr <= q33 ? 1 : pr <= q66 ? 2 : 3;
  }
  out.sort((a, b) => b.tvlUsd - a.tvlUsd || (a.pool < b.pool ? -1 : 1));
  return out;
}
