/**
 * Normalises an AllocationInput into the numbers every later stage shares (model builder, diagnosis,
 * transaction derivation): AUM, per-pool caps and minimum sizes, token supplies, gas cost per
 * operation in USD. Pure; bad input is reported as reasons, not thrown.
 */
import type { AllocationInput, AllocationParams, CandidatePool, StabilityGroup } from './types';

export interface PreparedPool {
  id: string;
  name?: string;
  group: StabilityGroup;
  tokens: string[];
  forecastApy: number;
  /** Forecast yield per USD held over the horizon: APY/100 × horizonDays/365. */
  yieldPerUsd: number;
  /** Current position per token (USD) and its total. */
  heldByToken: Record<string, number>;
  heldUsd: number;
  /** Largest allowed final value: min(maxAllocShare × AUM, maxPoolTvlShare × TVL), 0 if it must be exited. */
  capUsd: number;
  /** Why capUsd is 0 (shown in diagnostics). */
  exitReason?: string;
  /** Smallest non-zero final value: min(minPositionUsd, current position) (a held small position may stay). */
  minKeepUsd: number;
  /** Smallest withdrawal: min(minPositionUsd, held) so that a small position can always be exited. */
  minWithdrawUsd: number;
}

export interface GasCosts {
  withdrawUsd: number;
  depositUsd: number;
  swapUsd: number;
}

export interface PreparedProblem {
  pools: PreparedPool[];
  wallet: Record<string, number>;
  aumUsd: number;
  /** Wallet + held, per token: the most of a token that can ever be sold in one swap. */
  supplyUsd: Record<string, number>;
  gas: GasCosts;
  params: AllocationParams;
  prices: Record<string, number>;
  warnings: string[];
}

export type PrepareOutcome = { ok: true; problem: PreparedProblem } | { ok: false; reasons: string[]; warnings: string[] };

const GWEI = 1e-9;

/** USD cost of one operation using `units` gas at the forecast max gas price. */
export function gasUsd(units: number, gasPriceGwei: number, ethPriceUsd: number): number {
  return units * gasPriceGwei * GWEI * ethPriceUsd;
}

export function gasCosts(input: Pick<AllocationInput, 'gasPriceGwei' | 'ethPriceUsd' | 'params'>): GasCosts {
  const g = input.params.gasUnits;
  return {
    withdrawUsd: gasUsd(g.withdraw, input.gasPriceGwei, input.ethPriceUsd),
    depositUsd: gasUsd(g.deposit, input.gasPriceGwei, input.ethPriceUsd),
    swapUsd: gasUsd(g.swap, input.gasPriceGwei, input.ethPriceUsd),
  };
}

const finite = (x: number): boolean => typeof x === 'number' && Number.isFinite(x);

export function prepareProblem(input: AllocationInput): PrepareOutcome {
  const reasons: string[] = [];
  const warnings: string[] = [];
  const p = input.params;
  if (!finite(input.ethPriceUsd) || input.ethPriceUsd <= 0) reasons.push(`ethPriceUsd must be a positive number (got ${input.ethPriceUsd})`);
  if (!finite(input.gasPriceGwei) || input.gasPriceGwei < 0) reasons.push(`gasPriceGwei must be a non-negative number (got ${input.gasPriceGwei})`);

  const byId = new Map<string, CandidatePool>();
  for (const pool of input.pools) {
    if (byId.has(pool.id)) reasons.push(`pool ${pool.id} appears twice in the candidate list`);
    if (pool.tokens.length === 0) reasons.push(`pool ${pool.id} has no tokens`);
    if (!finite(pool.forecastApy) || !finite(pool.forecastTvlUsd)) reasons.push(`pool ${pool.id} has a non-finite forecast`);
    byId.set(pool.id, pool);
  }

  // Holdings in pools the candidate list does not know are still exits to plan.
  const held = new Map<string, Record<string, number>>();
  for (const h of input.holdings) {
    if (!finite(h.amountUsd)) {
      reasons.push(`holding ${h.poolId}/${h.token} has a non-finite amountUsd`);
      continue;
    }
    if (h.amountUsd < 0) {
      warnings.push(`holding ${h.poolId}/${h.token} is negative (${h.amountUsd}); treated as 0`);
      continue;
    }
    if (h.amountUsd === 0) continue;
    if (!byId.has(h.poolId)) {
      warnings.push(`held pool ${h.poolId} is not among the candidates; it will be exited`);
      byId.set(h.poolId, { id: h.poolId, tokens: [h.token], forecastApy: 0, forecastTvlUsd: 0, group: 4, passesFinalFilter: false });
    }
    const rec = held.get(h.poolId) ?? {};
    rec[h.token] = (rec[h.token] ?? 0) + h.amountUsd;
    held.set(h.poolId, rec);
  }

  const wallet: Record<string, number> = {};
  for (const [token, usd] of Object.entries(input.wallet)) {
    if (!finite(usd)) reasons.push(`wallet balance of ${token} is not a finite number`);
    else if (usd < 0) warnings.push(`wallet balance of ${token} is negative (${usd}); treated as 0`);
    else if (usd > 0) wallet[token] = usd;
  }
  if (reasons.length) return { ok: false, reasons, warnings };

  let aumUsd = Object.values(wallet).reduce((s, v) => s + v, 0);
  for (const rec of held.values()) for (const v of Object.values(rec)) aumUsd += v;

  const supplyUsd: Record<string, number> = { ...wallet };
  for (const rec of held.values()) for (const [t, v] of Object.entries(rec)) supplyUsd[t] = (supplyUsd[t] ?? 0) + v;

  const horizonFactor = p.horizonDays / 365;
  const pools: PreparedPool[] = [];
  for (const pool of byId.values()) {
    const heldByToken = held.get(pool.id) ?? {};
    const heldUsd = Object.values(heldByToken).reduce((s, v) => s + v, 0);
    for (const t of Object.keys(heldByToken)) {
      if (!pool.tokens.includes(t)) warnings.push(`pool ${pool.id} holds ${t}, which is not among its tokens; it can be withdrawn but not deposited`);
    }
    let capUsd = Math.max(0, Math.min(p.maxAllocShare * aumUsd, p.maxPoolTvlShare * Math.max(0, pool.forecastTvlUsd)));
    let exitReason: string | undefined;
    if (!pool.passesFinalFilter) exitReason = 'fails the final filter';
    else if (pool.group === 4) exitReason = 'is in stability group 4 (not investable)';
    else if (p.groupCaps[String(pool.group) as '1' | '2' | '3'] <= 0) exitReason = `is in group ${pool.group} whose cap is 0`;
    if (exitReason) capUsd = 0;
    const minKeepUsd = heldUsd > 0 ? Math.min(p.minPositionUsd, heldUsd) : p.minPositionUsd;
    pools.push({
      id: pool.id,
      name: pool.name,
      group: pool.group,
      tokens: [...new Set(pool.tokens)],
      forecastApy: pool.forecastApy,
      yieldPerUsd: (pool.forecastApy / 100) * horizonFactor,
      heldByToken,
      heldUsd,
      capUsd,
      exitReason,
      minKeepUsd,
      minWithdrawUsd: Math.min(p.minPositionUsd, heldUsd),
    });
  }

  // Prices only translate USD into token units; the USD model does not depend on them.
  const prices: Record<string, number> = {};
  const tokensSeen = new Set<string>([...Object.keys(supplyUsd), ...pools.filter((x) => x.capUsd > 0 || x.heldUsd > 0).flatMap((x) => x.tokens)]);
  for (const t of [...tokensSeen].sort()) {
    const price = input.prices[t];
    if (finite(price) && price > 0) prices[t] = price;
    else {
      prices[t] = 1;
      warnings.push(`price of ${t} missing; 1.0 used`);
    }
  }

  return {
    ok: true,
    problem: { pools, wallet, aumUsd, supplyUsd, gas: gasCosts(input), params: p, prices, warnings },
  };
}
