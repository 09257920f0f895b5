/**
 * Property tests on seeded random instances: every returned solution satisfies every constraint
 * (replayed independently), and no single move improves the objective beyond the gap tolerance.
 * The instances use single-token pools over two tokens, so the cheapest way to realise any vector of
 * final pool values (and its cost) can be written down independently of the model.
 */
import { optimizeAllocation, type AllocationInput, type AllocationSolved } from '../../functions/src/steps/allocate';
import { expectSolved, gasUsd, input, params, pool, rng, violations } from './helpers';

const TOKENS = ['USDC', 'USDT'];

function randomInstance(seed: number): AllocationInput {
  const r = rng(seed);
  const n = 4 + Math.floor(r() * 7);
  const pools = Array.from({ length: n }, (_, i) =>
    pool(`p${i}`, [TOKENS[Math.floor(r() * 2)]], +(1 + r() * 12).toFixed(2), {
      group: (1 + Math.floor(r() * 4)) as 1 | 2 | 3 | 4,
      passesFinalFilter: r() > 0.15,
      forecastTvlUsd: Math.round(2e5 + r() * 4e6),
    }),
  );
  const holdings = pools
    .filter(() => r() < 0.35)
    .map((p) => ({ poolId: p.id, token: p.tokens[0], amountUsd: Math.round(r() < 0.2 ? 200 + r() * 800 : 5_000 + r() * 60_000) }));
  const wallet = { USDC: Math.round(r() * 150_000), USDT: Math.round(r() * 50_000) };
  const minPools = 1 + Math.floor(r() * 3);
  return input({
    pools,
    holdings,
    wallet,
    gasPriceGwei: 5 + r() * 60,
    params: params({
      minPools,
      maxPools: minPools + Math.floor(r() * 4),
      maxAllocShare: 0.25 + r() * 0.5,
      maxPoolTvlShare: 0.05,
      minPositionUsd: [500, 1000, 5000][Math.floor(r() * 3)],
      horizonDays: [1, 7, 30, 365][Math.floor(r() * 4)],
      groupCaps: { '1': 0.3 + r() * 0.5, '2': 0.2 + r() * 0.5, '3': 0.1 + r() * 0.4 },
      conversionFee: 0.0004,
    }),
  });
}

/** Objective of final pool values X under the DOMAIN rules, or null when X is infeasible. */
function evaluate(inp: AllocationInput, X: Record<string, number>): number | null {
  const p = inp.params;
  const tol = 1e-6;
  const aum = Object.values(inp.wallet).reduce((s, v) => s + v, 0) + inp.holdings.reduce((s, h) => s + h.amountUsd, 0);
  const held: Record<string, number> = {};
  for (const h of inp.holdings) held[h.poolId] = (held[h.poolId] ?? 0) + h.amountUsd;
  let value = 0;
  let used = 0;
  let ops = 0;
  const group: Record<number, number> = { 1: 0, 2: 0, 3: 0, 4: 0 };
  const need: Record<string, number> = { USDC: -(inp.wallet.USDC ?? 0), USDT: -(inp.wallet.USDT ?? 0) };
  for (const pl of inp.pools) {
    const x = X[pl.id] ?? 0;
    const h = held[pl.id] ?? 0;
    if (x < -tol) return null;
    if (x > tol) {
      used++;
      const cap = pl.passesFinalFilter && pl.group !== 4 ? Math.min(p.maxAllocShare * aum, p.maxPoolTvlShare * pl.forecastTvlUsd) : 0;
      if (x > cap + tol) return null;
      if (x < Math.min(p.minPositionUsd, h > 0 ? h : Infinity) - tol) return null;
      group[pl.group] += x;
    }
    const delta = x - h;
    if (delta > tol) {
      if (delta < p.minPositionUsd - tol) return null;
      ops += gasUsd(inp, p.gasUnits.deposit);
    } else if (delta < -tol) {
      if (-delta < Math.min(p.minPositionUsd, h) - tol) return null;
      ops += gasUsd(inp, p.gasUnits.withdraw);
    }
    need[pl.tokens[0]] += delta;
    value += x * (pl.forecastApy / 100) * (p.horizonDays / 365);
  }
  if (used < p.minPools || used > p.maxPools) return null;
  for (const g of [1, 2, 3] as const) if (group[g] > p.groupCaps[String(g) as '1'] * aum + tol) return null;
  let fee = 0;
  for (const [to, from] of [['USDC', 'USDT'], ['USDT', 'USDC']]) {
    if (need[to] <= tol) continue;
    const supply = (inp.wallet[from] ?? 0) + inp.holdings.filter((h) => h.token === from).reduce((s, h) => s + h.amountUsd, 0);
    const c = Math.max(need[to] / (1 - p.conversionFee), Math.min(p.minPositionUsd, supply));
    if (c > -need[from] + tol) return null;
    fee += c * p.conversionFee;
    ops += gasUsd(inp, p.gasUnits.swap);
  }
  return value - ops - fee;
}

function finalX(r: AllocationSolved): Record<string, number> {
  return Object.fromEntries(r.finalAllocation.pools.map((p) => [p.poolId, p.amountUsd]));
}

const SEEDS = Array.from({ length: 40 }, (_, i) => 1000 + i);
const tally = { solved: 0, infeasible: 0, moved: 0 };

describe('MILP properties on random instances', () => {
  test.each(SEEDS)('seed %i: constraints hold and no single move improves', async (seed) => {
    const inp = randomInstance(seed);
    const res = await optimizeAllocation(inp);
    if (res.status === 'infeasible') {
      expect(res.reasons.length).toBeGreaterThan(0);
      expect(res.reasons[0]).toMatch(/minPools/);
      tally.infeasible++;
      return;
    }
    const r = expectSolved(res);
    tally.solved++;
    if (r.transactions.some((t) => t.type !== 'HOLD')) tally.moved++;
    expect(violations(inp, r)).toEqual([]);
    const X = finalX(r);
    const obj = evaluate(inp, X);
    expect(obj).not.toBeNull();
    const reported = r.expectedYieldUsd - r.costs.totalUsd;
    const gapTol = inp.params.solver.mipRelGap * Math.max(1, Math.abs(obj!)) + 1e-6;
    // The reported objective is what the cheapest realisation of X costs (no wasted operation).
    expect(Math.abs(reported - obj!)).toBeLessThanOrEqual(gapTol + 1e-6 * Math.abs(obj!));

    const ids = inp.pools.map((p) => p.id);
    const held: Record<string, number> = {};
    for (const h of inp.holdings) held[h.poolId] = (held[h.poolId] ?? 0) + h.amountUsd;
    const neighbours: Array<Record<string, number>> = [];
    const step = inp.params.minPositionUsd;
    for (const a of ids) {
      for (const b of ids) {
        if (a === b) continue;
        const xa = X[a] ?? 0;
        if (xa <= 0) continue;
        for (const amount of [step, xa]) {
          if (amount > xa) continue;
          neighbours.push({ ...X, [a]: xa - amount, [b]: (X[b] ?? 0) + amount });
        }
      }
      // One operation fewer: leave pool a as it is today.
      if (Math.abs((X[a] ?? 0) - (held[a] ?? 0)) > 1e-6) neighbours.push({ ...X, [a]: held[a] ?? 0 });
      // One deposit more, from the wallet.
      neighbours.push({ ...X, [a]: (X[a] ?? 0) + step });
    }
    for (const nb of neighbours) {
      const v = evaluate(inp, nb);
      if (v === null) continue;
      expect(v).toBeLessThanOrEqual(obj! + gapTol);
    }
  });

  test('the random instances exercise both outcomes', () => {
    expect(tally.solved).toBeGreaterThanOrEqual(25);
    expect(tally.moved).toBeGreaterThanOrEqual(20);
    expect(tally.infeasible).toBeGreaterThanOrEqual(1);
  });
});
