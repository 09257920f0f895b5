/**
 * Step 4, optimizeAllocations (DOMAIN.md): load the run's stored layers (load.ts) → AllocationInput
 * (build-input.ts, pure) → optimizeAllocation (the pure optimizer next door) → `allocations/{runId}`
 * + `runs/{runDate}.allocation` (store.ts).
 *
 * Request body: {runDate, runId}. Response (step contract):
 *   solved (optimal, time-limit-feasible, heuristic) → 200 "ok", or "degraded" when the inputs were
 *     incomplete (no/old ledger, unmapped positions, prices valued at 1.0)
 *   infeasible → 200 "degraded" with the reasons first among the warnings: a model without a feasible
 *     allocation is a business outcome (e.g. "only 3 eligible pools, minPools is 5"), reported and
 *     stored (status "infeasible"), not a crash; the report then says why there is no plan
 *   optimizer error (bad stored input, solver failure) → stored with status "error", then 500
 *   missing inputs (earlier step not run) → 500 naming the document; superseded runId → 400
 * Idempotent per runId: the same inputs give the same document, replaced in place.
 */
import { newDocIo } from '../../../lib/cross-section';
import { getFirestore } from '../../../lib/firestore';
import { defineStep, type StepResult } from '../../../lib/step';
import { noteStepInRun } from '../../ingest/common';
import { optimizeAllocation, toAllocationRecord } from '../optimize';
import type { AllocationResult } from '../types';
import { buildAllocationInput } from './build-input';
import { loadLayers } from './load';
import { storeAllocation } from './store';

/** The optimizer reported an error (not infeasibility): stored for diagnosis, then a 500. */
export class AllocationError extends Error {
  constructor(reasons: string[]) {
    super(`the optimizer failed: ${reasons.join('; ')}`);
    this.name = 'AllocationError';
  }
}

const round = (v: number, digits = 2): number => Math.round(v * 10 ** digits) / 10 ** digits;

function countsOf(result: AllocationResult): Record<string, number> {
  const base = { aumUsd: round(result.aumUsd) };
  if (!('transactions' in result)) return base;
  const byType = (t: string) => result.transactions.filter((x) => x.type === t).length;
  return {
    ...base,
    investedUsd: round(result.investedUsd),
    pools: result.finalAllocation.pools.length,
    transactions: result.transactions.length,
    withdrawals: byType('WITHDRAW'),
    conversions: byType('CONVERT'),
    deposits: byType('DEPOSIT'),
    costUsd: round(result.costs.totalUsd),
    projectedApyNetPct: round(result.projectedApy.net, 4),
    mipGap: result.solver.mipGap,
    solveTimeMs: result.solver.solveTimeMs,
  };
}

export const optimizeAllocations = defineStep({ name: 'optimizeAllocations' }, async (body, ctx): Promise<StepResult> => {
  const db = getFirestore();
  const io = newDocIo();
  const runId = body.runId!; // defineStep requires it for every step but startRun
  const layers = await loadLayers(db, body.runDate, runId, io);
  const built = buildAllocationInput(layers);
  const result = await optimizeAllocation(built.input);
  const record = toAllocationRecord(runId, body.runDate, result);
  // The optimizer's own warnings already include prepare's; the input warnings are the handler's.
  const inputWarnings = built.warnings;
  await storeAllocation(db, record, { inputWarnings, inputCounts: built.counts, ledgerDate: layers.ledger?.date ?? null }, ctx.startedAt);
  io.reads += 1;
  io.writes += 2;

  if (result.status === 'error') throw new AllocationError(result.reasons);
  const solved = 'transactions' in result;
  const warnings = [...('reasons' in result ? result.reasons.map((r) => `infeasible: ${r}`) : []), ...inputWarnings, ...result.warnings];
  const stepResult: StepResult = {
    status: solved && !built.incomplete ? 'ok' : 'degraded',
    counts: { ...built.counts, ...countsOf(result), documentsRead: io.reads, documentsWritten: io.writes },
    warnings,
    extra: {
      allocation: {
        path: `allocations/${runId}`,
        status: result.status,
        objective: result.objective,
        ...(solved ? { projectedApy: result.projectedApy, costs: result.costs } : { reasons: result.reasons }),
      },
    },
  };
  ctx.log.info('optimizeAllocations done', { allocationStatus: result.status, counts: stepResult.counts });
  await noteStepInRun(db, ctx, stepResult);
  return stepResult;
});
