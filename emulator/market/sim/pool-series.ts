/**
 * Daily APY and TVL of one pool, computed at any day in O(1) from counter-based randomness:
 *   apyBase(t)   = baseLevel · regime(t) · exp(noise(t))
 *   apyReward(t) = rewardLevel · incentivesOn(t) · exp(noise'(t)) + reward spikes
 *   tvl(t)       = exp(logTvl + noise''(t)) with a ramp after birth and a fade before death
 * Nothing here reads a day later than t, so a pool's history never depends on endDate.
 */
import { CALIBRATION, fromQuantiles } from './calibration';
import { dayIndex, dayString } from './dates';
import { hashInts, uAt, nAt, valueNoise } from './prng';
import type { PoolDef } from './universe';
import type { ChartRow } from './types';

// Stream labels (any distinct integers).
const S_SHIFT = 1, S_SIZE = 2, S_SPIKE = 3, S_SPIKE_LEN = 4, S_SPIKE_SIZE = 5, S_MISS = 6, S_OUT = 7, S_OUT_START = 8,
  S_OUT_LEN = 9, S_INCENT = 10, S_TIME = 11;
/** Before this day DefiLlama's rows were backfilled: midnight timestamps, only `apy` set. */
export const BACKFILL_END = dayIndex('2022-06-15');
const MAX_SPIKE_DAYS = 3;

export interface PoolDay {
  apyBase: number;
  apyReward: number;
  apy: number;
  tvlUsd: number;
}

function regimeMultiplier(p: PoolDef, day: number): number {
  const b = Math.floor((day + p.regimePhase) / p.regimeBlock);
  const birthBlock = Math.floor((p.birth + p.regimePhase) / p.regimeBlock);
  // Walk back to the most recent block that started a new regime (expected 1/regimeProb steps).
  for (let k = b, steps = 0; k > birthBlock && steps < 60; k--, steps++) {
    if (uAt(p.key, k, S_SHIFT) < p.regimeProb) return Math.exp(p.regimeSigma * nAt(p.key, k, S_SIZE));
  }
  return 1;
}

/** Incentive programmes run in 60-day blocks and are switched off in about one block out of five. */
function incentivesOn(p: PoolDef, day: number): boolean {
  return uAt(p.key, Math.floor((day + p.regimePhase) / 60), S_INCENT) >= 0.2;
}

function spikeFactor(p: PoolDef, day: number): number {
  let f = 0;
  for (let k = 0; k < MAX_SPIKE_DAYS; k++) {
    const s = day - k;
    if (s <= p.birth) break;
    if (uAt(p.key, s, S_SPIKE) >= p.spikeRate) continue;
    const len = 1 + Math.floor(uAt(p.key, s, S_SPIKE_LEN) * MAX_SPIKE_DAYS);
    if (k >= len) continue;
    const ratio = fromQuantiles(CALIBRATION.chart.spikeRatio, uAt(p.key, s, S_SPIKE_SIZE));
    f += (ratio - 1) * Math.pow(0.7, k);
  }
  return f;
}

/** APY parts on a day inside the pool's life (percent, not rounded). */
export function apyParts(p: PoolDef, day: number): { base: number; reward: number } {
  if (p.baseLevel === 0 && p.rewardLevel === 0) return { base: 0, reward: 0 };
  const regime = regimeMultiplier(p, day);
  const base = p.baseLevel * regime * Math.exp(valueNoise(p.key ^ 0xa5a5, day, p.apyAmps));
  let reward = p.rewardLevel > 0 && incentivesOn(p, day)
    ? p.rewardLevel * regime * Math.exp(valueNoise(p.key ^ 0x5a5a, day, p.apyAmps)) : 0;
  const spike = spikeFactor(p, day);
  if (spike > 0) reward += (base + reward) * spike;
  return { base, reward };
}

/** Total APY on a day inside the pool's life. */
export function apyAt(p: PoolDef, day: number): number {
  const a = apyParts(p, day);
  return a.base + a.reward;
}

/** Values on `day` (undefined outside the pool's life). Not rounded. */
export function poolDay(p: PoolDef, day: number): PoolDay | undefined {
  if (day < p.birth || day >= p.death) return undefined;
  const { base, reward } = apyParts(p, day);
  let lt = p.logTvl + valueNoise(p.key ^ 0x3c3c, day, p.tvlAmps);
  const age = day - p.birth;
  if (age < 30) lt += Math.log(0.05 + (0.95 * age) / 30);
  const left = p.death - 1 - day;
  if (left < 20) lt += Math.log(0.05 + (0.95 * left) / 20);
  return { apyBase: base, apyReward: reward, apy: base + reward, tvlUsd: Math.exp(lt) };
}

/** True when DefiLlama has no accepted row for that day (the chart simply skips it). */
export function isMissing(p: PoolDef, day: number): boolean {
  if (day === p.birth) return false;
  if (uAt(p.key, day, S_MISS) < p.missRate) return true;
  const blk = Math.floor(day / 32);
  if (uAt(p.key, blk, S_OUT) < p.outageRate) {
    const start = blk * 32 + Math.floor(uAt(p.key, blk, S_OUT_START) * 24);
    const len = 2 + Math.floor(uAt(p.key, blk, S_OUT_LEN) * 7);
    if (day >= start && day < start + len) return true;
  }
  return false;
}

export const round5 = (x: number): number => Math.round(x * 1e5) / 1e5;

/** Time of the row: backfilled rows at midnight; later ones at the last hourly run (~23:0x), or earlier on a partial day. */
function rowTimestamp(p: PoolDay | undefined, key: number, day: number, partial: boolean): string {
  void p;
  if (day < BACKFILL_END) return `${dayString(day)}T00:00:00.000Z`;
  const h = hashInts(key, day, S_TIME);
  const hour = partial ? 1 + (h % 20) : 23;
  const min = partial ? (h >>> 8) % 60 : (h >>> 8) % 10;
  const sec = (h >>> 16) % 60;
  const ms = (h >>> 4) % 1000;
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${dayString(day)}T${pad(hour)}:${pad(min)}:${pad(sec)}.${pad(ms, 3)}Z`;
}

/** /chart rows from max(birth, fromDay) to min(upToDay, death − 1), skipping missing days. */
export function chartRows(p: PoolDef, fromDay: number, upToDay: number): ChartRow[] {
  const rows: ChartRow[] = [];
  const first = Math.max(p.birth, fromDay);
  const last = Math.min(upToDay, p.death - 1);
  for (let d = first; d <= last; d++) {
    if (isMissing(p, d)) continue;
    const v = poolDay(p, d)!;
    const split = d >= BACKFILL_END && !p.onlyTotal;
    rows.push({
      timestamp: rowTimestamp(v, p.key, d, d === upToDay),
      tvlUsd: Math.round(v.tvlUsd),
      apy: round5(v.apy),
      apyBase: split ? round5(v.apyBase) : null,
      apyReward: split ? (v.apyReward > 0 ? round5(v.apyReward) : null) : null,
      il7d: null,
      apyBase7d: null,
    });
  }
  return rows;
}
