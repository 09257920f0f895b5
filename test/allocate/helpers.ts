/**
 * Independent checks for allocation results: they replay the transaction list against the input and
 * re-derive every DOMAIN rule from scratch, never reading solver internals.
 */
import { DEFAULT_PARAMS } from '../../functions/src/lib/params';
import type { AllocationInput, AllocationParams, AllocationResult, AllocationSolved, CandidatePool } from '../../functions/src/steps/allocate';

export function params(over: Partial<AllocationParams> = {}): AllocationParams {
  return { ...DEFAULT_PARAMS, ...over };
}

export function pool(id: string, tokens: string[], forecastApy: number, over: Partial<CandidatePool> = {}): CandidatePool {
  return { id, tokens, forecastApy, forecastTvlUsd: 1e12, group: 1, passesFinalFilter: true, ...over };
}

export function input(over: Partial<AllocationInput> & Pick<AllocationInput, 'pools'>): AllocationInput {
  return { holdings: [], wallet: {}, prices: { USDC: 1, USDT: 1, DAI: 1 }, ethPriceUsd: 3000, gasPriceGwei: 10, params: params(), ...over };
}

export function expectSolved(r: AllocationResult): AllocationSolved {
  if ('reasons' in r) throw new Error(`expected a solution, got ${r.status}: ${r.reasons.join('; ')}`);
  return r;
}

export function gasUsd(inp: AllocationInput, units: number): number {
  return units * inp.gasPriceGwei * 1e-9 * inp.ethPriceUsd;
}

export function finalValue(r: AllocationSolved, poolId: string): number {
  return r.finalAllocation.pools.find((p) => p.poolId === poolId)?.amountUsd ?? 0;
}

/** Every DOMAIN constraint, checked on the replayed transaction list. Returns the violations. */
export function violations(inp: AllocationInput, r: AllocationSolved, tol = 1e-6): string[] {
  const v: string[] = [];
  const p = inp.params;
  const aum = Object.values(inp.wallet).reduce((s, x) => s + x, 0) + inp.holdings.reduce((s, h) => s + h.amountUsd, 0);
  const t = Math.max(1e-6, tol * aum);
  const pos = new Map<string, Record<string, number>>();
  for (const h of inp.holdings) {
    const rec = pos.get(h.poolId) ?? {};
    rec[h.token] = (rec[h.token] ?? 0) + h.amountUsd;
    pos.set(h.poolId, rec);
  }
  const heldOf = (id: string): number => Object.values(pos.get(id) ?? {}).reduce((s, x) => s + x, 0);
  const held0 = new Map([...pos.keys()].map((id) => [id, heldOf(id)]));
  const supply: Record<string, number> = { ...inp.wallet };
  for (const h of inp.holdings) supply[h.token] = (supply[h.token] ?? 0) + h.amountUsd;
  const wallet: Record<string, number> = { ...inp.wallet };
  const order = ['HOLD', 'WITHDRAW', 'CONVERT', 'DEPOSIT'];
  let last = 0;
  const wd = new Map<string, number>();
  const dep = new Map<string, Record<string, number>>();
  let gas = 0;
  let fees = 0;
  const gw = gasUsd(inp, p.gasUnits.withdraw);
  const gd = gasUsd(inp, p.gasUnits.deposit);
  const gs = gasUsd(inp, p.gasUnits.swap);
  r.transactions.forEach((x, i) => {
    if (x.seq !== i + 1) v.push(`seq ${x.seq} at position ${i}`);
    const o = order.indexOf(x.type);
    if (o < last) v.push(`transaction ${x.seq} (${x.type}) out of order`);
    last = o;
    if (!(x.amountUsd > 0)) v.push(`transaction ${x.seq} has amount ${x.amountUsd}`);
    if (x.type === 'WITHDRAW') {
      const rec = pos.get(x.poolId!) ?? {};
      if ((rec[x.token] ?? 0) < x.amountUsd - t) v.push(`withdraw ${x.amountUsd} of ${x.token} from ${x.poolId} exceeds held ${rec[x.token] ?? 0}`);
      rec[x.token] = (rec[x.token] ?? 0) - x.amountUsd;
      pos.set(x.poolId!, rec);
      wallet[x.token] = (wallet[x.token] ?? 0) + x.amountUsd;
      wd.set(x.poolId!, (wd.get(x.poolId!) ?? 0) + x.amountUsd);
    } else if (x.type === 'CONVERT') {
      wallet[x.token] = (wallet[x.token] ?? 0) - x.amountUsd;
      if (wallet[x.token] < -t) v.push(`convert overdraws ${x.token}`);
      wallet[x.toToken!] = (wallet[x.toToken!] ?? 0) + x.amountUsd * (1 - p.conversionFee);
      if (x.amountUsd < Math.min(p.minPositionUsd, supply[x.token] ?? 0) - t) v.push(`conversion ${x.amountUsd} below minPositionUsd`);
      gas += gs;
      fees += x.amountUsd * p.conversionFee;
    } else if (x.type === 'DEPOSIT') {
      wallet[x.token] = (wallet[x.token] ?? 0) - x.amountUsd;
      const rec = pos.get(x.poolId!) ?? {};
      rec[x.token] = (rec[x.token] ?? 0) + x.amountUsd;
      pos.set(x.poolId!, rec);
      const d = dep.get(x.poolId!) ?? {};
      d[x.token] = (d[x.token] ?? 0) + x.amountUsd;
      dep.set(x.poolId!, d);
    }
  });
  for (const [tok, bal] of Object.entries(wallet)) if (bal < -t) v.push(`final wallet ${tok} negative: ${bal}`);
  for (const [id, w] of wd) {
    gas += gw;
    const h = held0.get(id) ?? 0;
    if (w < Math.min(p.minPositionUsd, h) - t) v.push(`withdrawal ${w} from ${id} below min(minPositionUsd, held ${h})`);
  }
  const pools = new Map(inp.pools.map((x) => [x.id, x]));
  for (const [id, d] of dep) {
    gas += gd;
    const legs = Object.values(d);
    const total = legs.reduce((s, x) => s + x, 0);
    if (total < p.minPositionUsd - t) v.push(`deposit ${total} into ${id} below minPositionUsd`);
    const pl = pools.get(id)!;
    if (legs.length !== pl.tokens.length || legs.some((x) => Math.abs(x - total / pl.tokens.length) > t)) v.push(`deposit into ${id} not split equally over ${pl.tokens.join('/')}`);
    if (wd.has(id)) v.push(`pool ${id} both withdrawn from and deposited into`);
  }
  let used = 0;
  const group: Record<number, number> = { 1: 0, 2: 0, 3: 0, 4: 0 };
  let yieldUsd = 0;
  for (const [id, rec] of pos) {
    const x = Object.values(rec).reduce((s, y) => s + y, 0);
    if (Object.values(rec).some((y) => y < -t)) v.push(`pool ${id} has a negative token position`);
    if (x <= t) continue;
    used++;
    const pl = pools.get(id);
    if (!pl) {
      v.push(`unknown pool ${id} still held`);
      continue;
    }
    const cap = Math.min(p.maxAllocShare * aum, p.maxPoolTvlShare * pl.forecastTvlUsd);
    if (!pl.passesFinalFilter) v.push(`pool ${id} fails the final filter but holds ${x}`);
    if (pl.group === 4) v.push(`group-4 pool ${id} holds ${x}`);
    if (x > cap + t) v.push(`pool ${id} holds ${x} above its cap ${cap}`);
    const h = held0.get(id) ?? 0;
    if (x < Math.min(p.minPositionUsd, h > 0 ? h : Infinity) - t) v.push(`pool ${id} final ${x} below the minimum position`);
    group[pl.group] += x;
    yieldUsd += x * (pl.forecastApy / 100) * (p.horizonDays / 365);
    const reported = finalValue(r, id);
    if (Math.abs(reported - x) > t) v.push(`final allocation of ${id} is ${reported}, replay gives ${x}`);
  }
  for (const g of [1, 2, 3] as const) if (group[g] > p.groupCaps[String(g) as '1'] * aum + t) v.push(`group ${g} holds ${group[g]} above its cap`);
  if (used < p.minPools) v.push(`${used} pools used < minPools ${p.minPools}`);
  if (used > p.maxPools) v.push(`${used} pools used > maxPools ${p.maxPools}`);
  if (Math.abs(gas - r.costs.gasUsd) > 1e-6 * Math.max(1, gas)) v.push(`gas cost ${r.costs.gasUsd} ≠ replay ${gas}`);
  if (Math.abs(fees - r.costs.conversionUsd) > 1e-6 * Math.max(1, fees)) v.push(`conversion cost ${r.costs.conversionUsd} ≠ replay ${fees}`);
  if (Math.abs(yieldUsd - r.expectedYieldUsd) > 1e-6 * Math.max(1, yieldUsd)) v.push(`expected yield ${r.expectedYieldUsd} ≠ replay ${yieldUsd}`);
  return v;
}

/** Deterministic PRNG (mulberry32), shared with the market simulator and the benches. */
export { mulberry32 as rng } from '../../emulator/market/sim/prng';
