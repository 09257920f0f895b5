/**
 * The simulated market (issue 4, scope 2): a deterministic, offline, lazy stand-in for DefiLlama,
 * CoinMarketCap, the gas feed and Etherscan. Everything for a day depends only on the seed and on
 * days ≤ that day; nothing is materialised up front (pools are rebuilt from their ids, series are
 * evaluated at any day in O(1), snapshots are cached per day).
 */
import { dayIndex, dayString, todayUtc } from './dates';
import { GasModel } from './gas';
import { PRICE_ANCHOR, PriceModel } from './prices';
import { chartRows } from './pool-series';
import { buildSnapshot } from './snapshot';
import { buildTokens, type SimToken } from './tokens';
import { SimTreasury } from './treasury';
import { Universe } from './universe';
import { hashInts } from './prng';
import type { ChartRow, GasHour, LlamaPool, OhlcvBar, SimMarketOptions, SimulatedMarket, TokenInfo, Treasury } from './types';

export * from './types';
export { CALIBRATION, QPROBS } from './calibration';

const SNAPSHOT_CACHE = 3;
const SLOTS_PER_LISTED_POOL = 1.14;

function publicToken(t: SimToken): TokenInfo {
  return { symbol: t.symbol, name: t.name, address: t.address, cmcId: t.cmcId, decimals: t.decimals, kind: t.kind, blacklisted: t.blacklisted };
}

class Market implements SimulatedMarket {
  readonly options: Required<SimMarketOptions>;
  readonly startDate: string;
  readonly endDate: string;
  private readonly startDay: number;
  private readonly endDay: number;
  private readonly universe: Universe;
  private readonly simTokens: SimToken[];
  private readonly byCmc: Map<number, SimToken>;
  private readonly prices: PriceModel;
  private readonly gas: GasModel;
  private treasuryInst: SimTreasury | undefined;
  private readonly snapshots = new Map<number, LlamaPool[]>();

  constructor(opts: SimMarketOptions) {
    const seed = opts.seed ?? 42;
    const pools = opts.pools ?? 19_000;
    const days = opts.days ?? 1095;
    const endDate = opts.endDate ?? todayUtc();
    if (!Number.isInteger(seed)) throw new Error(`seed must be an integer, got ${seed}`);
    if (!Number.isInteger(pools) || pools < 1 || pools > 1_000_000) throw new Error(`pools must be an integer in [1, 1e6], got ${pools}`);
    if (!Number.isInteger(days) || days < 1) throw new Error(`days must be a positive integer, got ${days}`);
    this.endDay = dayIndex(endDate);
    this.startDay = this.endDay - days + 1;
    this.options = { seed, pools, days, endDate: dayString(this.endDay) };
    this.endDate = dayString(this.endDay);
    this.startDate = dayString(this.startDay);
    const seedKey = hashInts(seed, 0x51a1);
    this.simTokens = buildTokens();
    this.byCmc = new Map(this.simTokens.map((t) => [t.cmcId, t]));
    // About 1 slot in 8 is between pools, silent for over 6 days or under $10k on a given day, so the
    // slot count is scaled up for the listed count to come out at ≈ `pools`.
    this.universe = new Universe(seedKey, Math.max(1, Math.round(pools * SLOTS_PER_LISTED_POOL)), this.simTokens);
    this.prices = new PriceModel(seedKey);
    const eth = this.simTokens.find((t) => t.symbol === 'ETH')!;
    this.gas = new GasModel(seedKey, (day) => this.prices.bar(eth, day).close);
    this.seedKey = seedKey;
  }
  private readonly seedKey: number;

  /** Clamp a requested day into the simulated range's end (no data from the future). */
  private clampEnd(day: number): number {
    return Math.min(day, this.endDay);
  }

  poolsSnapshot(date: string): LlamaPool[] {
    const day = this.clampEnd(dayIndex(date));
    let snap = this.snapshots.get(day);
    if (!snap) {
      snap = day < this.startDay ? [] : buildSnapshot(this.universe, day);
      if (this.snapshots.size >= SNAPSHOT_CACHE) this.snapshots.delete(this.snapshots.keys().next().value as number);
      this.snapshots.set(day, snap);
    }
    // The pool objects are shared with the cache: treat them as read-only.
    return snap.slice();
  }

  poolChart(poolId: string, upTo: string): ChartRow[] | undefined {
    const p = this.universe.byId(poolId);
    if (!p) return undefined;
    const upToDay = this.clampEnd(dayIndex(upTo));
    // A pool not yet born on `upTo` is unknown to the real API at that time.
    if (p.birth > upToDay) return undefined;
    return chartRows(p, this.startDay, upToDay);
  }

  tokens(): TokenInfo[] {
    return this.simTokens.map(publicToken);
  }

  ohlcvDaily(cmcId: number, from: string, to: string): OhlcvBar[] {
    const t = this.byCmc.get(cmcId);
    if (!t) return [];
    const a = Math.max(dayIndex(from), PRICE_ANCHOR + 1);
    const b = this.clampEnd(dayIndex(to));
    const out: OhlcvBar[] = [];
    for (let d = a; d <= b; d++) out.push(this.prices.bar(t, d));
    return out;
  }

  gasHourly(from: string, to: string): GasHour[] {
    const a = Math.floor(Date.parse(from) / 3_600_000);
    const b = Math.min(Math.floor(Date.parse(to) / 3_600_000), (this.endDay + 1) * 24 - 1);
    if (!Number.isFinite(a) || !Number.isFinite(b)) throw new Error(`invalid ISO time range ${from} .. ${to}`);
    const out: GasHour[] = [];
    for (let h = Math.max(a, PRICE_ANCHOR * 24 + 24); h <= b; h++) out.push(this.gas.hour(h));
    return out;
  }

  treasury(): Treasury {
    if (!this.treasuryInst) this.treasuryInst = new SimTreasury(this.seedKey, this.universe, this.simTokens, this.gas);
    const t = this.treasuryInst;
    const clamp = (date: string): string => dayString(this.clampEnd(dayIndex(date)));
    return {
      address: t.address,
      ethBalanceWei: (date) => t.ethBalanceWei(clamp(date)),
      tokenBalanceRaw: (contract, date) => t.tokenBalanceRaw(contract, clamp(date)),
      transfers: (upTo) => t.transfers(clamp(upTo)),
      normalTxs: (upTo) => t.normalTxs(clamp(upTo)),
      poolContracts: (upTo) => t.poolContracts(clamp(upTo)),
    };
  }
}

export function createSimulatedMarket(opts: SimMarketOptions = {}): SimulatedMarket {
  return new Market(opts);
}
