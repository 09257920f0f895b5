/**
 * The simulated market (emulator/market/sim) as a backtest data source — the default one. Only the
 * market's public interface is used (type import, so deployed code does not pull in the emulator):
 *   listing      poolsSnapshot(date) — GET /pools as of that day
 *   histories    poolChart(id, endDate), cached per pool and served in [from, to] slices (a pool's
 *                rows never depend on later days, so the slice is what poolChart(id, to) returns)
 *   tokenDays    ohlcvDaily of each approved token, matched by contract address
 *   gasDays      gasHourly base fee → per-day mean and max (as fetchGas aggregates), ETH close
 */
import type { SimulatedMarket } from '../../../../emulator/market/sim/types';
import type { PoolRecord } from '../enrich/prefilter';
import { dateToDay } from '../forecast';
import type { BacktestDataSource, GasDay, PoolObservation, TokenDay } from './types';

const ETH_CMC_ID = 1027;
const MAX_CACHED_POOLS = 6000;

export class SimulatedMarketSource implements BacktestDataSource {
  readonly description: string;
  private readonly charts = new Map<string, PoolObservation[]>();
  private readonly cmcByAddress: Map<string, number>;

  constructor(private readonly market: SimulatedMarket) {
    const o = market.options;
    this.description = `simulated market (seed ${o.seed}, ${o.pools} pools, ${market.startDate} .. ${market.endDate})`;
    this.cmcByAddress = new Map(market.tokens().filter((t) => t.address).map((t) => [t.address!.toLowerCase(), t.cmcId]));
  }

  async listing(date: string): Promise<PoolRecord[]> {
    return this.market.poolsSnapshot(date).map((p) => ({
      pool: p.pool,
      project: p.project,
      chain: p.chain,
      symbol: p.symbol,
      underlyingTokens: p.underlyingTokens,
      poolMeta: p.poolMeta,
      tvlUsd: p.tvlUsd,
      apy: p.apy,
      apyBase: p.apyBase,
      apyReward: p.apyReward,
    }));
  }

  private chart(id: string): PoolObservation[] {
    let rows = this.charts.get(id);
    if (!rows) {
      const raw = this.market.poolChart(id, this.market.endDate) ?? [];
      rows = raw.map((r) => ({ day: dateToDay(r.timestamp.slice(0, 10)), apy: r.apy ?? NaN, tvlUsd: r.tvlUsd }));
      if (this.charts.size >= MAX_CACHED_POOLS) this.charts.clear();
      this.charts.set(id, rows);
    }
    return rows;
  }

  async histories(poolIds: readonly string[], from: string, to: string): Promise<Map<string, PoolObservation[]>> {
    const a = dateToDay(from);
    const b = dateToDay(to);
    const out = new Map<string, PoolObservation[]>();
    for (const id of poolIds) {
      const rows = this.chart(id);
      // Rows are sorted by day: binary search for the first row ≥ a.
      let lo = 0;
      let hi = rows.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (rows[mid].day < a) lo = mid + 1;
        else hi = mid;
      }
      const slice: PoolObservation[] = [];
      for (let i = lo; i < rows.length && rows[i].day <= b; i++) slice.push(rows[i]);
      if (slice.length) out.set(id, slice);
    }
    return out;
  }

  async tokenDays(tokens: ReadonlyArray<{ symbol: string; address: string }>, date: string): Promise<Record<string, TokenDay>> {
    const out: Record<string, TokenDay> = {};
    for (const t of tokens) {
      const cmc = this.cmcByAddress.get(t.address.toLowerCase());
      if (cmc === undefined) continue;
      const bar = this.market.ohlcvDaily(cmc, date, date)[0];
      if (bar && bar.date.slice(0, 10) === date) out[t.symbol] = { low: bar.low, close: bar.close, marketCap: bar.marketCap };
    }
    return out;
  }

  async gasDays(from: string, to: string): Promise<GasDay[]> {
    const eth = new Map(this.market.ohlcvDaily(ETH_CMC_ID, from, to).map((b) => [b.date.slice(0, 10), b.close]));
    const byDay = new Map<string, number[]>();
    for (const h of this.market.gasHourly(`${from}T00:00:00Z`, `${to}T23:00:00Z`)) {
      const day = new Date(Date.parse(h.period)).toISOString().slice(0, 10);
      const list = byDay.get(day) ?? [];
      list.push(h.baseFee);
      byDay.set(day, list);
    }
    const out: GasDay[] = [];
    for (const [date, fees] of [...byDay].sort(([x], [y]) => (x < y ? -1 : 1))) {
      const price = eth.get(date);
      if (price === undefined || fees.length === 0) continue;
      out.push({ date, meanGwei: fees.reduce((s, v) => s + v, 0) / fees.length, maxGwei: Math.max(...fees), ethPriceUsd: price });
    }
    return out;
  }
}
