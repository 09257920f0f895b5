/**
 * The ingestion tests' 30-pool market, extended for the clean/enrich steps: pools that trip each
 * pre-filter rule, /chart histories (a gap, an outlier, a duplicated day, a one-day and a short
 * history, a flat and a volatile pool), a token under the market-cap floor (USDM) and a token that
 * depegs for two days just before DAY1 and recovers on DAY2 (GUSD).
 */
import { DEFAULT_APPROVED_TOKENS, DEFAULT_BLACKLISTED_TOKENS } from '../../functions/src/lib/params';
import type { MarketSource } from '../../emulator/market/server/types';
import type { ChartRow } from '../../emulator/market/sim/types';
import { fakeMarket } from '../ingest/fake-market';

export const DAY1 = '2025-03-01';
export const DAY2 = '2025-03-02';
export const poolId = (i: number) => `${String(i).padStart(8, '0')}-aaaa-4bbb-8ccc-${String(i).padStart(12, '0')}`;
const addr = (s: string) => DEFAULT_APPROVED_TOKENS.find((t) => t.symbol === s)!.address;
const FRAX = DEFAULT_BLACKLISTED_TOKENS.find((b) => b.symbol === 'FRAX')!.address!;
const PT = '0x' + 'ab'.repeat(20);
const JUNK = '0x' + 'cd'.repeat(20);
const cmcIdOf = (s: string) => 5000 + DEFAULT_APPROVED_TOKENS.findIndex((t) => t.symbol === s);

/** Per-pool overrides of the /pools row and the rule(s) each must trip (empty: passes). */
export const POOL_CASES: Record<number, { patch: Record<string, unknown>; reasons: string[] }> = {
  1: { patch: { project: 'mystery-fi' }, reasons: ['protocol-not-approved'] },
  2: { patch: { underlyingTokens: [addr('USDC'), FRAX], symbol: 'USDC-FRAX' }, reasons: ['token-not-approved', 'token-blacklisted'] },
  4: { patch: { project: 'mystery-fi' }, reasons: ['protocol-not-approved', 'chain-not-allowed'] }, // pool 4 is on Arbitrum
  5: { patch: { underlyingTokens: [addr('USDM')], symbol: 'USDM' }, reasons: ['market-cap-below-floor'] },
  6: { patch: { project: 'pendle', underlyingTokens: [PT, addr('USDC')], symbol: 'PT-USDC' }, reasons: [] },
  9: { patch: { project: 'pendle', underlyingTokens: [PT, JUNK], symbol: 'PT-XYZ' }, reasons: ['pendle-no-approved-token'] },
  10: { patch: { symbol: 'SUSD-USDC' }, reasons: ['token-blacklisted'] },
  11: { patch: { symbol: 'USDC-SUSDE' }, reasons: [] }, // SUSD is not a substring match
  13: { patch: { underlyingTokens: [] }, reasons: ['underlying-tokens-unknown'] },
};

const CHART_START = '2024-12-01';
const DAY_MS = 86_400_000;
export const dayNum = (d: string) => Math.round(Date.parse(`${d}T00:00:00Z`) / DAY_MS);
export const dayStr = (n: number) => new Date(n * DAY_MS).toISOString().slice(0, 10);

export const GAP = { pool: 3, day: '2025-02-15' };
export const OUTLIER = { pool: 15, day: '2025-02-10' };
export const DUPLICATE = { pool: 18, day: '2025-02-20' };
export const ONE_DAY_POOL = 21; // first row on DAY1 − 1
export const SHORT_POOL = 22; // first row on 2025-02-20
export const FLAT_POOL = 19;
export const VOLATILE_POOL = 17;

export function chartApy(i: number, day: string): number {
  const d = dayNum(day);
  if (i === FLAT_POOL) return 5;
  if (i === VOLATILE_POOL) return d % 2 ? 2 : 12;
  if (i === OUTLIER.pool && day === OUTLIER.day) return 80;
  return Math.round((3 + (i % 5) + ((d * 7 + i) % 10) / 10) * 1e5) / 1e5;
}

export function chart(i: number, upTo: string): ChartRow[] {
  const start = i === ONE_DAY_POOL ? dayNum('2025-02-28') : i === SHORT_POOL ? dayNum('2025-02-20') : dayNum(CHART_START);
  const rows: ChartRow[] = [];
  for (let d = start; d <= dayNum(upTo); d++) {
    const day = dayStr(d);
    if (i === GAP.pool && day === GAP.day) continue;
    const apy = chartApy(i, day);
    const base = { tvlUsd: 1_000_000 * (30 - i) + d, apy, apyBase: apy, apyReward: null, il7d: null, apyBase7d: null } as const;
    // The current day's row is still moving: an early timestamp and a different value.
    if (day === upTo) {
      rows.push({ ...base, timestamp: `${day}T05:00:00.000Z`, apy: apy + 0.5 });
      continue;
    }
    if (i === DUPLICATE.pool && day === DUPLICATE.day) rows.push({ ...base, timestamp: `${day}T01:00:00.000Z`, apy: 999 });
    rows.push({ ...base, timestamp: `${day}T23:00:00.000Z` });
  }
  return rows;
}

export const enrichMarket: MarketSource = {
  ...fakeMarket,
  poolsSnapshot(date: string) {
    const rows = fakeMarket.poolsSnapshot(date) as unknown as Array<Record<string, unknown>>;
    return rows.map((r) => {
      const i = Number(String(r.pool).slice(0, 8));
      return { ...r, ...(POOL_CASES[i]?.patch ?? {}) };
    }) as never;
  },
  poolChart(pool: string, upTo: string) {
    const i = Number(pool.slice(0, 8));
    if (!/^0000\d{4}-aaaa/.test(pool) || i >= 30) return undefined;
    return chart(i, upTo);
  },
  ohlcvDaily(cmcId: number, from: string, to: string) {
    const bars = fakeMarket.ohlcvDaily(cmcId, from, to);
    return bars.map((b) => {
      if (cmcId === cmcIdOf('USDM')) return { ...b, marketCap: 1_000_000 };
      if (cmcId === cmcIdOf('GUSD') && (b.date === '2025-02-26' || b.date === '2025-02-27')) return { ...b, low: 0.97 };
      return b;
    });
  },
};
