/**
 * Entry point of the allocation optimizer: AllocationInput → AllocationResult, for both objectives.
 * "yield": prepare → pre-check → dominance pruning → MILP → transactions.
 * "mean-variance": prepare → QP over the eligible pools (weights ≤ min(weightCap, pool cap / AUM), group
 * caps, cardinality heuristic) → target values w·AUM → the same transaction derivation.
 * Infeasibility and bad input come back as {status: "infeasible" | "error", reasons}, never thrown.
 */
import { explainInfeasibleMilp, isEligible, precheckMilp } from './diagnose';
import { solveMeanVariance } from './mean-variance';
import { buildMilp } from './model-builder';
import { prepareProblem, type PreparedProblem } from './prepare';
import { prunePools } from './prune';
import { solveModel } from './solve';
import { deriveTransactions, planFromTargets, type MovePlan } from './transactions';
import type { AllocationFailed, AllocationInput, AllocationRecord, AllocationResult, AllocationSolved, MeanVarianceProblem, SolverInfo } from './types';

export async function optimizeAllocation(input: AllocationInput): Promise<AllocationResult> {
  const objective = input.params.objective;
  const prep = prepareProblem(input);
  if (!prep.ok) return { status: 'error', objective, reasons: prep.reasons, aumUsd: 0, warnings: prep.warnings };
  return objective === 'mean-variance' ? optimizeMeanVariance(prep.problem, input) : optimizeYield(prep.problem);
}

function failed(problem: PreparedProblem, status: AllocationFailed['status'], reasons: string[], objective: AllocationFailed['objective'], solver?: Partial<SolverInfo>): AllocationFailed {
  return { status, objective, reasons, aumUsd: problem.aumUsd, warnings: problem.warnings, ...(solver ? { solver } : {}) };
}

function solved(problem: PreparedProblem, plan: MovePlan, objective: AllocationSolved['objective'], solver: SolverInfo, extraWarnings: string[] = []): AllocationSolved {
  const d = deriveTransactions(problem, plan);
  const warnings = [...problem.warnings, ...extraWarnings];
  for (const [t, v] of Object.entries(d.walletShortfalls)) warnings.push(`plan overdraws ${t} by ${v.toFixed(2)} USD (numerical tolerance)`);
  return {
    status: solver.status,
    objective,
    transactions: d.transactions,
    finalAllocation: d.finalAllocation,
    aumUsd: problem.aumUsd,
    investedUsd: d.investedUsd,
    expectedYieldUsd: d.expectedYieldUsd,
    projectedApy: d.projectedApy,
    costs: d.costs,
    solver,
    warnings,
  };
}

async function optimizeYield(problem: PreparedProblem): Promise<AllocationResult> {
  const p = problem.params;
  const pre = precheckMilp(problem);
  if (pre.length) return failed(problem, 'infeasible', pre, 'yield');
  const { kept, pruned } = prunePools(problem.pools, p.maxPools, p.minPositionUsd);
  const model = buildMilp(problem, kept);
  const out = await solveModel(model, { maximize: true, timeLimitSeconds: p.solver.timeLimitSeconds, mipRelGap: p.solver.mipRelGap });
  const info = { modelStatus: out.modelStatus, solveTimeMs: out.solveTimeMs, columns: model.numCols, rows: model.numRows, binaries: model.binaries, prunedPools: pruned };
  if (out.label === 'infeasible') return failed(problem, 'infeasible', await explainInfeasibleMilp(problem, model), 'yield', info);
  if (out.label !== 'optimal' && out.label !== 'time-limit-feasible') {
    const why =
      out.label === 'no-solution'
        ? `no feasible allocation found within the time limit of ${p.solver.timeLimitSeconds} s`
        : `solver ended with status ${out.label} (HiGHS model status ${out.modelStatus})${out.message ? `: ${out.message}` : ''}`;
    return failed(problem, 'error', [why], 'yield', info);
  }
  const U = model.unitUsd;
  const plan: MovePlan = {
    pools: model.pools.map((pc) => ({
      pool: pc.pool,
      withdrawUsd: pc.w !== undefined ? out.x[pc.w] * U : 0,
      depositUsd: pc.d !== undefined ? out.x[pc.d] * U : pc.pool.heldUsd <= 0 ? out.x[pc.x] * U : 0,
    })),
    conversions: model.conversions.map((cc) => ({ from: cc.from, to: cc.to, amountUsd: out.x[cc.c] * U })),
  };
  const extra = out.label === 'time-limit-feasible' ? [`time limit ${p.solver.timeLimitSeconds} s reached: best solution found, relative gap ${(out.mipGap * 100).toFixed(4)} %`] : [];
  return solved(problem, plan, 'yield', { status: out.label, mipGap: out.mipGap, ...info }, extra);
}

async function optimizeMeanVariance(problem: PreparedProblem, input: AllocationInput): Promise<AllocationResult> {
  const p = problem.params;
  const f = input.meanVariance;
  if (!f) return failed(problem, 'error', ['objective "mean-variance" needs meanVariance features (expected returns and covariance per pool)'], 'mean-variance');
  const pools = new Map(problem.pools.map((x) => [x.id, x]));
  const index: number[] = [];
  const warnings: string[] = [];
  f.assets.forEach((id, i) => {
    const pool = pools.get(id);
    if (pool && isEligible(pool)) index.push(i);
  });
  const missing = problem.pools.filter((x) => isEligible(x) && !f.assets.includes(x.id)).length;
  if (missing) warnings.push(`${missing} eligible pools have no mean-variance features and are left out`);
  if (problem.aumUsd <= 0) return failed(problem, 'infeasible', ['AUM is 0 USD: nothing to allocate'], 'mean-variance');
  const assets = index.map((i) => f.assets[i]);
  const groups = assets.map((id) => pools.get(id)!.group);
  const mv: MeanVarianceProblem = {
    objective: 'mean-variance',
    assets,
    expectedReturns: index.map((i) => f.expectedReturns[i]),
    covariance: index.map((i) => index.map((j) => f.covariance[i][j])),
    scores: f.scores ? index.map((i) => f.scores![i]) : undefined,
    scorePreference: p.scorePreference,
    riskAversion: p.riskAversion,
    weightCap: p.weightCap,
    upperBounds: assets.map((id) => pools.get(id)!.capUsd / problem.aumUsd),
    groupCaps: ([1, 2, 3] as const).map((g) => ({ name: `group ${g}`, cap: p.groupCaps[String(g) as '1' | '2' | '3'], members: groups.flatMap((x, k) => (x === g ? [k] : [])) })),
    minAssets: p.minPools,
    maxAssets: p.maxPools,
    minWeight: p.minPositionUsd / problem.aumUsd,
    timeLimitSeconds: p.solver.timeLimitSeconds,
  };
  const res = await solveMeanVariance(mv);
  const info = { modelStatus: 0, mipGap: 0, columns: assets.length, rows: 1 + 3, binaries: 0, prunedPools: 0 };
  if (!('weights' in res)) {
    return { ...failed(problem, res.status, res.reasons, 'mean-variance', info), warnings: [...problem.warnings, ...warnings, ...res.warnings] };
  }
  const targets: Record<string, number> = {};
  const targetWeights: Record<string, number> = {};
  assets.forEach((id, k) => {
    if (res.weights[k] > 0) {
      targets[id] = res.weights[k] * problem.aumUsd;
      targetWeights[id] = res.weights[k];
    }
  });
  const { plan, warnings: planWarnings } = planFromTargets(problem, targets);
  const out = solved(problem, plan, 'mean-variance', { status: res.status === 'heuristic' ? 'heuristic' : 'optimal', solveTimeMs: res.solveTimeMs, ...info }, [...warnings, ...res.warnings, ...planWarnings]);
  const held = out.finalAllocation.pools.length;
  if (held < p.minPools || held > p.maxPools) out.warnings.push(`after skipping moves below minPositionUsd the allocation holds ${held} pools (minPools ${p.minPools}, maxPools ${p.maxPools})`);
  return { ...out, targetWeights };
}

/** The document the handler stores at allocations/{runId}. */
export function toAllocationRecord(runId: string, runDate: string, result: AllocationResult): AllocationRecord {
  return { runId, runDate, status: result.status, objective: result.objective, result };
}
