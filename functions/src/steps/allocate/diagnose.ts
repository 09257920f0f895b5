/**
 * Explains infeasibility in words. The MILP can only be infeasible through minPools: every other
 * family (caps, group caps, minimum sizes, flows) is satisfied by "exit what must be exited, do nothing
 * else". So the pre-checks count how many pools can be held at all, family by family, and after a
 * solver-proved infeasibility the exact maximum is computed by a second MILP (maximise Σu without the
 * minPools bound).
 */
import type { MilpModel } from './model-builder';
import type { PreparedPool, PreparedProblem } from './prepare';
import { solveModel } from './solve';

const usd = (v: number): string => `${Math.round(v).toLocaleString('en-US')} USD`;
const pct = (v: number): string => `${+(v * 100).toFixed(4)} %`;

export function isEligible(pool: PreparedPool): boolean {
  return pool.capUsd > 0 && pool.capUsd >= pool.minKeepUsd;
}

/** Largest number of pools whose minimum sizes fit the budgets (greedy on ascending need is exact: unit profits). */
function maxFundable(pools: PreparedPool[], aum: number, groupBudget?: Record<number, number>): number {
  const needs = pools.map((x) => ({ need: x.minKeepUsd, group: x.group })).sort((a, b) => a.need - b.need);
  const used: Record<number, number> = { 1: 0, 2: 0, 3: 0 };
  let total = 0;
  let count = 0;
  const tol = 1e-9 * Math.max(1, aum);
  for (const n of needs) {
    if (total + n.need > aum + tol) break;
    if (groupBudget && used[n.group] + n.need > groupBudget[n.group] + tol) continue;
    used[n.group] += n.need;
    total += n.need;
    count++;
  }
  return count;
}

/** Reasons the MILP must be infeasible, found without solving; [] when none is found. */
export function precheckMilp(problem: PreparedProblem): string[] {
  const p = problem.params;
  const minPools = p.minPools;
  if (minPools <= 0) return [];
  if (problem.aumUsd <= 0) return [`AUM is 0 USD (empty wallet, no positions): nothing to allocate, minPools is ${minPools}`];
  // Money first: whatever the caps, each held pool needs min(minPositionUsd, position) of AUM.
  const investable = problem.pools.filter((x) => !x.exitReason);
  const byAum = maxFundable(investable, problem.aumUsd);
  if (byAum < minPools && investable.length >= minPools) {
    return [
      `AUM ${usd(problem.aumUsd)} can fund at most ${byAum} position${byAum === 1 ? '' : 's'} of at least minPositionUsd ${usd(p.minPositionUsd)}` +
        ` (or a smaller existing position), minPools is ${minPools} (needs about ${usd(minPools * p.minPositionUsd)})`,
    ];
  }
  const eligible = problem.pools.filter(isEligible);
  if (eligible.length < minPools) {
    const failed = problem.pools.filter((x) => x.exitReason === 'fails the final filter').length;
    const group4 = problem.pools.filter((x) => x.exitReason?.startsWith('is in stability group 4')).length;
    const zeroGroup = problem.pools.filter((x) => x.exitReason?.includes('whose cap is 0')).length;
    const small = problem.pools.filter((x) => !x.exitReason && !isEligible(x)).length;
    const parts = [
      failed && `${failed} fail the final filter`,
      group4 && `${group4} are in group 4`,
      zeroGroup && `${zeroGroup} are in a group whose cap is 0`,
      small && `${small} have a cap (min(maxAllocShare × AUM, maxPoolTvlShare × forecast TVL)) below minPositionUsd ${usd(p.minPositionUsd)}`,
    ].filter(Boolean);
    return [
      `only ${eligible.length} eligible pool${eligible.length === 1 ? '' : 's'}, minPools is ${minPools}` +
        ` (${problem.pools.length} candidates${parts.length ? `: ${parts.join(', ')}` : ''})`,
    ];
  }
  const budget: Record<number, number> = { 1: p.groupCaps['1'] * problem.aumUsd, 2: p.groupCaps['2'] * problem.aumUsd, 3: p.groupCaps['3'] * problem.aumUsd };
  const byGroups = maxFundable(eligible, problem.aumUsd, budget);
  if (byGroups < minPools) {
    const perGroup = [1, 2, 3].map((g) => `${g}: ${eligible.filter((x) => x.group === g).length} eligible, cap ${pct(p.groupCaps[String(g) as '1' | '2' | '3'])} = ${usd(budget[g])}`);
    return [
      `group caps allow at most ${byGroups} pools of at least minPositionUsd ${usd(p.minPositionUsd)}, minPools is ${minPools}` +
        ` (groups sum to ${pct(p.groupCaps['1'] + p.groupCaps['2'] + p.groupCaps['3'])} of AUM; ${perGroup.join('; ')})`,
    ];
  }
  return [];
}

/** After the solver proved infeasibility: the exact number of pools that can be held without minPools. */
export async function explainInfeasibleMilp(problem: PreparedProblem, model: MilpModel): Promise<string[]> {
  const p = problem.params;
  const colCost = new Array<number>(model.numCols).fill(0);
  for (const pc of model.pools) colCost[pc.u] = 1;
  const rowLower = [...model.rowLower];
  rowLower[model.poolCountRow] = 0;
  const out = await solveModel({ ...model, colCost, rowLower }, { maximize: true, timeLimitSeconds: p.solver.timeLimitSeconds, mipRelGap: 0 });
  if (out.label === 'optimal' || out.label === 'time-limit-feasible') {
    const k = Math.round(out.objective);
    const bound = out.label === 'optimal' ? `at most ${k}` : `only ${k} found within the time limit`;
    return [
      `minPools is ${p.minPools} but ${bound} pools can be held at once under the pool caps, group caps, minimum sizes` +
        ` (minPositionUsd ${usd(p.minPositionUsd)}), conversion fees and the tokens available`,
    ];
  }
  return [`the model is infeasible even without minPools (solver status ${out.label}); check holdings, wallet and caps`];
}
