/** Test data sources for the backtest: a tiny hand-made market and a wrapper that perturbs the future. */
import { addDays, dayRange } from '../../functions/src/lib/dates';
import { DEFAULT_PARAMS, type Params } from '../../functions/src/lib/params';
import type { PoolRecord } from '../../functions/src/steps/enrich/prefilter';
import { dateToDay } from '../../functions/src/steps/forecast';
import type { BacktestDataSource, GasDay, PoolObservation, TokenDay } from '../../functions/src/steps/backtest';

export const USDC = DEFAULT_PARAMS.approvedTokens.find((t) => t.symbol === 'USDC')!.address;

export interface TinyPool {
  id: string;
  tvl: number;
  /** APY (percent) on a day. */
  apy: (date: string) => number;
}

/** Single-token USDC aave-v3 pools with constant TVL; USDC at 1.00 (cap 70 B); gas 10 gwei, ETH 2,000 USD. */
export class TinySource implements BacktestDataSource {
  readonly description = 'tiny hand-made market';
  constructor(
    readonly pools: TinyPool[],
    readonly firstDate = '2024-10-01',
  ) {}

  async listing(): Promise<PoolRecord[]> {
    return this.pools.map((p) => ({ pool: p.id, project: 'aave-v3', chain: 'Ethereum', symbol: 'USDC', underlyingTokens: [USDC], poolMeta: null, tvlUsd: p.tvl, apy: null, apyBase: null, apyReward: null }));
  }

  async histories(ids: readonly string[], from: string, to: string): Promise<Map<string, PoolObservation[]>> {
    const out = new Map<string, PoolObservation[]>();
    const start = from < this.firstDate ? this.firstDate : from;
    for (const id of ids) {
      const p = this.pools.find((x) => x.id === id);
      if (!p) continue;
      out.set(id, dayRange(start, to).map((d) => ({ day: dateToDay(d), apy: p.apy(d), tvlUsd: p.tvl })));
    }
    return out;
  }

  async tokenDays(): Promise<Record<string, TokenDay>> {
    return { USDC: { low: 1, close: 1, marketCap: 7e10 } };
  }

  async gasDays(from: string, to: string): Promise<GasDay[]> {
    const start = from < this.firstDate ? this.firstDate : from;
    return dayRange(start, to).map((date) => ({ date, meanGwei: 10, maxGwei: 10, ethPriceUsd: 2000 }));
  }
}

/** Parameters of the tiny case: no cap binds, one pool is enough. */
export function tinyParams(over: Partial<Params> = {}): Params {
  return { ...DEFAULT_PARAMS, minPools: 1, maxPools: 2, maxAllocShare: 1, maxPoolTvlShare: 1, groupCaps: { '1': 1, '2': 1, '3': 1 }, ...over };
}

/**
 * Every value dated on or after `cutoff` is changed: listings (pools dropped and TVL/APY scaled),
 * history rows, token candles (a depeg), gas (×5). Anything dated before it is passed through.
 */
export class PerturbFrom implements BacktestDataSource {
  readonly description: string;
  private readonly cut: number;
  constructor(
    private readonly inner: BacktestDataSource,
    private readonly cutoff: string,
  ) {
    this.description = `${inner.description}, perturbed from ${cutoff}`;
    this.cut = dateToDay(cutoff);
  }

  async listing(date: string): Promise<PoolRecord[]> {
    const rows = await this.inner.listing(date);
    if (date < this.cutoff) return rows;
    return rows.filter((_, i) => i % 3 !== 0).map((r) => ({ ...r, tvlUsd: (r.tvlUsd ?? 0) * 0.3, apy: (r.apy ?? 0) * 2 }));
  }

  async histories(ids: readonly string[], from: string, to: string): Promise<Map<string, PoolObservation[]>> {
    const got = await this.inner.histories(ids, from, to);
    const out = new Map<string, PoolObservation[]>();
    for (const [id, rows] of got) {
      // A pool-dependent change so the ranking of pools changes too, not just the level.
      const k = (id.charCodeAt(0) % 7) + 1;
      out.set(id, rows.map((r) => (r.day >= this.cut ? { day: r.day, apy: r.apy * k + 3, tvlUsd: r.tvlUsd / k } : r)));
    }
    return out;
  }

  async tokenDays(tokens: ReadonlyArray<{ symbol: string; address: string }>, date: string): Promise<Record<string, TokenDay>> {
    const got = await this.inner.tokenDays(tokens, date);
    if (date < this.cutoff) return got;
    return Object.fromEntries(Object.entries(got).map(([s, t]) => [s, s === 'USDC' ? { low: 0.9, close: 0.95, marketCap: t.marketCap } : { ...t, marketCap: (t.marketCap ?? 0) / 1000 }]));
  }

  async gasDays(from: string, to: string): Promise<GasDay[]> {
    return (await this.inner.gasDays(from, to)).map((g) => (g.date >= this.cutoff ? { ...g, meanGwei: g.meanGwei * 5, maxGwei: g.maxGwei * 5, ethPriceUsd: g.ethPriceUsd * 2 } : g));
  }
}

export const before = (date: string): string => addDays(date, -1);
