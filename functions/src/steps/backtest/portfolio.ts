/**
 * The simulated book: USD per token per pool plus an unallocated wallet. Pure functions, new objects
 * returned (a day's state is never mutated behind the caller's back).
 *
 * Cost model: the allocation's transaction list is executed as derived by the optimizer (conversion
 * fees are already netted out of the amounts that arrive); gas is paid in ETH bought by selling a
 * pro-rata slice of every balance, so NAV falls by exactly the day's total cost and the weights the
 * optimizer chose are kept. Positions are valued in USD (stablecoin prices are used for the depeg
 * guard and market caps, not for marking positions).
 */
import type { Holding, Transaction } from '../allocate/types';
import type { CostSplit, Portfolio } from './types';

export function emptyPortfolio(startToken: string, aumUsd: number): Portfolio {
  return { positions: {}, wallet: aumUsd > 0 ? { [startToken]: aumUsd } : {} };
}

export function navOf(p: Portfolio): number {
  let s = 0;
  for (const rec of Object.values(p.positions)) for (const v of Object.values(rec)) s += v;
  for (const v of Object.values(p.wallet)) s += v;
  return s;
}

export function poolValue(p: Portfolio, poolId: string): number {
  const rec = p.positions[poolId];
  return rec ? Object.values(rec).reduce((s, v) => s + v, 0) : 0;
}

/** The optimizer's view of the positions. */
export function holdingsOf(p: Portfolio): Holding[] {
  const out: Holding[] = [];
  for (const [poolId, rec] of Object.entries(p.positions)) for (const [token, amountUsd] of Object.entries(rec)) if (amountUsd > 0) out.push({ poolId, token, amountUsd });
  return out;
}

/** Multiplies every balance by `factor` (used to pay gas pro rata). */
function scale(p: Portfolio, factor: number): Portfolio {
  const positions: Portfolio['positions'] = {};
  for (const [id, rec] of Object.entries(p.positions)) positions[id] = Object.fromEntries(Object.entries(rec).map(([t, v]) => [t, v * factor]));
  return { positions, wallet: Object.fromEntries(Object.entries(p.wallet).map(([t, v]) => [t, v * factor])) };
}

/**
 * The book after executing an allocation: its final pools and wallet, minus gas paid pro rata.
 * `costs` are the allocation's own figures (conversion fees are already out of `final`).
 */
export function afterTrades(
  final: { pools: ReadonlyArray<{ poolId: string; tokens: Record<string, number> }>; wallet: Record<string, number> },
  costs: CostSplit,
): Portfolio {
  const p: Portfolio = { positions: {}, wallet: { ...final.wallet } };
  for (const pool of final.pools) p.positions[pool.poolId] = { ...pool.tokens };
  const nav = navOf(p);
  return nav > 0 && costs.gasUsd > 0 ? scale(p, Math.max(0, 1 - costs.gasUsd / nav)) : p;
}

/**
 * One day of yield: each position × (1 + APY/100/365) with that day's realised APY (percent) of its
 * pool; the wallet earns nothing. A pool absent from `apyByPool` earns 0 that day.
 */
export function accrue(p: Portfolio, apyByPool: ReadonlyMap<string, number>): Portfolio {
  const positions: Portfolio['positions'] = {};
  for (const [id, rec] of Object.entries(p.positions)) {
    const apy = apyByPool.get(id);
    const g = apy !== undefined && Number.isFinite(apy) ? 1 + apy / 100 / 365 : 1;
    positions[id] = Object.fromEntries(Object.entries(rec).map(([t, v]) => [t, v * g]));
  }
  return { positions, wallet: { ...p.wallet } };
}

/** Σ|withdrawals| + Σ|deposits| (USD) over a transaction list; conversions and holds are not trades in a pool. */
export function tradedUsd(transactions: readonly Transaction[]): number {
  let s = 0;
  for (const t of transactions) if (t.type === 'WITHDRAW' || t.type === 'DEPOSIT') s += Math.abs(t.amountUsd);
  return s;
}

/** Share of NAV per pool (the wallet is the remainder). */
export function weightsOf(p: Portfolio): Record<string, number> {
  const nav = navOf(p);
  const out: Record<string, number> = {};
  if (nav <= 0) return out;
  for (const id of Object.keys(p.positions).sort()) {
    const v = poolValue(p, id);
    if (v > 0) out[id] = v / nav;
  }
  return out;
}

export const NO_COSTS: CostSplit = Object.freeze({ gasUsd: 0, conversionUsd: 0, totalUsd: 0 });
