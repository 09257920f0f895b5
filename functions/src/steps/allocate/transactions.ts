/**
 * From a move plan (per-pool withdrawal and deposit, token conversions) to the ordered transaction
 * list, the final allocation and its costs. Shared by both objectives, so a MILP plan and a
 * mean-variance plan are priced and listed identically. Also derives a move plan from target values
 * (mean-variance) with the MILP's rules: withdraw → convert → deposit, moves below minPositionUsd
 * skipped, small positions exited whole, deposits split equally over a pool's tokens, withdrawals in
 * proportion to the tokens held.
 */
import type { PreparedPool, PreparedProblem } from './prepare';
import type { CostBreakdown, PoolAllocation, Transaction } from './types';

export interface PoolMove {
  pool: PreparedPool;
  withdrawUsd: number;
  depositUsd: number;
}

export interface ConversionMove {
  from: string;
  to: string;
  /** USD sold; (1 − conversionFee) × amount arrives. */
  amountUsd: number;
}

export interface MovePlan {
  pools: PoolMove[];
  conversions: ConversionMove[];
}

export interface DerivedAllocation {
  transactions: Transaction[];
  finalAllocation: { pools: PoolAllocation[]; wallet: Record<string, number> };
  investedUsd: number;
  expectedYieldUsd: number;
  projectedApy: { gross: number; net: number };
  costs: CostBreakdown;
  /** Per-token final wallet shortfalls (should be none; kept for checks). */
  walletShortfalls: Record<string, number>;
}

/** Amounts below this are solver noise, not transactions. */
export function dustUsd(aumUsd: number): number {
  return Math.max(0.01, 1e-9 * aumUsd);
}

export function deriveTransactions(problem: PreparedProblem, plan: MovePlan): DerivedAllocation {
  const p = problem.params;
  const dust = dustUsd(problem.aumUsd);
  const clean = (v: number): number => (Math.abs(v) < dust ? 0 : v);
  const rows: Array<Omit<Transaction, 'seq'>> = [];
  const holds: typeof rows = [];
  const withdrawals: typeof rows = [];
  const deposits: typeof rows = [];
  const converts: typeof rows = [];
  const wallet: Record<string, number> = { ...problem.wallet };
  const addWallet = (t: string, v: number): void => {
    wallet[t] = (wallet[t] ?? 0) + v;
  };
  const tokenRow = (type: Transaction['type'], token: string, amountUsd: number, gas: number, fee: number, extra: Partial<Transaction>): Omit<Transaction, 'seq'> => ({
    type,
    ...extra,
    token,
    amountUsd,
    amountToken: amountUsd / problem.prices[token],
    costUsd: gas + fee,
    gasUsd: gas,
    feeUsd: fee,
  });
  let gasTotal = 0;
  let feeTotal = 0;
  const finalPools: PoolAllocation[] = [];
  let invested = 0;
  let yieldUsd = 0;

  for (const move of plan.pools) {
    const pool = move.pool;
    const W = Math.min(clean(move.withdrawUsd), pool.heldUsd);
    const D = clean(move.depositUsd);
    const finalTokens: Record<string, number> = {};
    const heldTokens = Object.entries(pool.heldByToken).sort(([a], [b]) => a.localeCompare(b));
    const withdrawShare = pool.heldUsd > 0 ? W / pool.heldUsd : 0;
    const withdrawLegs = heldTokens.filter(([, v]) => v * withdrawShare > 0);
    for (const [t, v] of heldTokens) {
      const out = v * withdrawShare;
      const keep = clean(v - out);
      if (keep > 0) {
        holds.push(tokenRow('HOLD', t, keep, 0, 0, { poolId: pool.id }));
        finalTokens[t] = (finalTokens[t] ?? 0) + keep;
      }
      if (out > 0) {
        const gas = problem.gas.withdrawUsd / withdrawLegs.length;
        withdrawals.push(tokenRow('WITHDRAW', t, out, gas, 0, { poolId: pool.id }));
        addWallet(t, out);
        gasTotal += gas;
      }
    }
    if (D > 0) {
      const gas = problem.gas.depositUsd / pool.tokens.length;
      for (const t of pool.tokens) {
        const leg = D / pool.tokens.length;
        deposits.push(tokenRow('DEPOSIT', t, leg, gas, 0, { poolId: pool.id }));
        addWallet(t, -leg);
        finalTokens[t] = (finalTokens[t] ?? 0) + leg;
        gasTotal += gas;
      }
    }
    const value = Object.values(finalTokens).reduce((s, v) => s + v, 0);
    if (value > 0) {
      invested += value;
      yieldUsd += value * pool.yieldPerUsd;
      finalPools.push({
        poolId: pool.id,
        name: pool.name,
        group: pool.group,
        forecastApy: pool.forecastApy,
        amountUsd: value,
        shareOfAum: value / problem.aumUsd,
        tokens: finalTokens,
      });
    }
  }
  for (const c of plan.conversions) {
    const amount = clean(c.amountUsd);
    if (amount <= 0) continue;
    const fee = amount * p.conversionFee;
    converts.push(tokenRow('CONVERT', c.from, amount, problem.gas.swapUsd, fee, { toToken: c.to }));
    addWallet(c.from, -amount);
    addWallet(c.to, amount - fee);
    gasTotal += problem.gas.swapUsd;
    feeTotal += fee;
  }
  rows.push(...holds, ...withdrawals, ...converts, ...deposits);

  const walletShortfalls: Record<string, number> = {};
  const finalWallet: Record<string, number> = {};
  for (const [t, v] of Object.entries(wallet).sort(([a], [b]) => a.localeCompare(b))) {
    if (v < -dust) walletShortfalls[t] = -v;
    const c = clean(v);
    if (c > 0) finalWallet[t] = c;
  }
  const costs: CostBreakdown = { gasUsd: gasTotal, conversionUsd: feeTotal, totalUsd: gasTotal + feeTotal };
  const annualise = 365 / p.horizonDays;
  return {
    transactions: rows.map((r, i) => ({ seq: i + 1, ...r })),
    finalAllocation: { pools: finalPools, wallet: finalWallet },
    investedUsd: invested,
    expectedYieldUsd: yieldUsd,
    projectedApy: {
      gross: invested > 0 ? finalPools.reduce((s, x) => s + x.amountUsd * x.forecastApy, 0) / invested : 0,
      net: problem.aumUsd > 0 ? ((yieldUsd - costs.totalUsd) / problem.aumUsd) * annualise * 100 : 0,
    },
    costs,
    walletShortfalls,
  };
}

/**
 * Move plan that brings current positions to `targetUsd` per pool id (pools not named → 0). Pools that
 * must be exited are exited whatever the target. Greedy and deterministic: skip moves below
 * minPositionUsd, cover token shortfalls by swapping from the largest surpluses (each swap at least
 * min(minPositionUsd, supply)), then shrink deposits that a remaining shortfall (e.g. the swap fee)
 * cannot fund, dropping those that fall below minPositionUsd.
 */
export function planFromTargets(problem: PreparedProblem, targetUsd: Record<string, number>): { plan: MovePlan; warnings: string[] } {
  const p = problem.params;
  const minPos = p.minPositionUsd;
  const dust = dustUsd(problem.aumUsd);
  const warnings: string[] = [];
  const moves: PoolMove[] = [];
  for (const pool of problem.pools) {
    let target = Math.max(0, targetUsd[pool.id] ?? 0);
    if (pool.capUsd <= 0 || pool.capUsd < pool.minKeepUsd) target = 0;
    if (target > pool.capUsd) target = pool.capUsd;
    if (target > 0 && target < pool.minKeepUsd) target = 0;
    const delta = target - pool.heldUsd;
    let withdrawUsd = 0;
    let depositUsd = 0;
    if (target === 0 && pool.heldUsd > 0) withdrawUsd = pool.heldUsd;
    else if (-delta >= Math.max(pool.minWithdrawUsd, dust)) withdrawUsd = -delta;
    else if (delta >= minPos && delta > dust) depositUsd = delta;
    if (withdrawUsd > 0 || depositUsd > 0 || pool.heldUsd > 0) moves.push({ pool, withdrawUsd, depositUsd });
  }

  const conversions: ConversionMove[] = [];
  const fee = p.conversionFee;
  for (let pass = 0; pass < 3; pass++) {
    const balance = tokenBalances(problem, moves, conversions);
    const deficits = Object.entries(balance).filter(([, v]) => v < -dust).sort((a, b) => a[1] - b[1]);
    if (deficits.length === 0) break;
    for (const [to, v] of deficits) {
      let need = -v;
      const surpluses = Object.entries(tokenBalances(problem, moves, conversions))
        .filter(([t, s]) => t !== to && s > dust)
        .sort((a, b) => b[1] - a[1]);
      for (const [from, s] of surpluses) {
        if (need <= dust) break;
        const sell = Math.min(s, need / (1 - fee));
        const supply = problem.supplyUsd[from] ?? 0;
        if (sell < Math.min(minPos, supply) - dust) continue;
        const existing = conversions.find((c) => c.from === from && c.to === to);
        if (existing) existing.amountUsd += sell;
        else conversions.push({ from, to, amountUsd: sell });
        need -= sell * (1 - fee);
      }
    }
    // Whatever is still short (fees, swaps too small to make) shrinks the deposits that need the token.
    const after = tokenBalances(problem, moves, conversions);
    for (const [t, v] of Object.entries(after)) {
      if (v >= -dust) continue;
      const users = moves.filter((m) => m.depositUsd > 0 && m.pool.tokens.includes(t));
      const legs = users.reduce((s, m) => s + m.depositUsd / m.pool.tokens.length, 0);
      const keep = Math.max(0, 1 + v / legs);
      for (const m of users) {
        m.depositUsd *= keep;
        if (m.depositUsd < minPos) {
          warnings.push(`deposit into ${m.pool.id} dropped: not enough ${t} after conversions`);
          m.depositUsd = 0;
        }
      }
    }
  }
  return { plan: { pools: moves, conversions }, warnings };
}

function tokenBalances(problem: PreparedProblem, moves: PoolMove[], conversions: ConversionMove[]): Record<string, number> {
  const bal: Record<string, number> = { ...problem.wallet };
  const add = (t: string, v: number): void => {
    bal[t] = (bal[t] ?? 0) + v;
  };
  for (const m of moves) {
    if (m.withdrawUsd > 0) for (const [t, v] of Object.entries(m.pool.heldByToken)) add(t, (v / m.pool.heldUsd) * m.withdrawUsd);
    if (m.depositUsd > 0) for (const t of m.pool.tokens) add(t, -m.depositUsd / m.pool.tokens.length);
  }
  for (const c of conversions) {
    add(c.from, -c.amountUsd);
    add(c.to, c.amountUsd * (1 - problem.params.conversionFee));
  }
  return bal;
}
