/**
 * Seed data for the console tests, in the exact shapes the pipeline writes: execution records as
 * emulator/workflows/record.ts saves them and AllocationRecord documents as the optimize step
 * stores them (plus runs/{runDate}). Times are fixed so pages are reproducible.
 */
import type { Firestore } from '@google-cloud/firestore';
import fs from 'node:fs';
import path from 'node:path';
import type { StepRecord } from '../../emulator/workflows/execute/tracker';
import type { ExecutionRecord } from '../../emulator/workflows/record';
import type { AllocationRecord } from '../../functions/src/steps/allocate/types';

export const XSS = '<script>console.error("xss-executed")</script><img src=x onerror="console.error(1)">';

type StepSpec = [name: string, line: number, durationMs: number, extra?: Partial<StepRecord>];

/** Steps whose branches run in parallel: they start with their branches. */
const PARALLEL_PARENTS = new Set(['ingest']);

function steps(start: string, specs: StepSpec[]): StepRecord[] {
  let t = Date.parse(start);
  let branchesEnd = t;
  return specs.map(([name, line, durationMs, extra]) => {
    if (!extra?.branch) t = Math.max(t, branchesEnd);
    const rec: StepRecord = {
      name,
      workflow: 'main',
      line,
      column: 7,
      status: 'SUCCEEDED',
      startTime: new Date(t).toISOString(),
      endTime: new Date(t + durationMs).toISOString(),
      durationMs,
      retries: 0,
      ...extra,
    };
    // Parallel branches start together (with their parent); other steps follow each other.
    if (extra?.branch) branchesEnd = Math.max(branchesEnd, t + durationMs);
    else if (!PARALLEL_PARENTS.has(name)) t += durationMs;
    return rec;
  });
}

function execution(id: string, start: string, state: ExecutionRecord['state'], stepList: StepRecord[], extra: Partial<ExecutionRecord> = {}): ExecutionRecord {
  const end = stepList.length ? stepList[stepList.length - 1].endTime ?? start : start;
  const ms = Date.parse(end) - Date.parse(start);
  return {
    name: `projects/demo-yieldopt/locations/us-central1/workflows/pipeline/executions/${id}`,
    executionId: id,
    workflowId: 'pipeline',
    state,
    argument: JSON.stringify({ runDate: start.slice(0, 10) }),
    startTime: start,
    ...(state === 'ACTIVE' ? {} : { endTime: end, duration: `${(ms / 1000).toFixed(3)}s` }),
    workflowRevisionId: '000001-local',
    stepsExecuted: stepList.length,
    steps: stepList,
    droppedStepRecords: 0,
    sourceFile: '/repo/workflows/pipeline.yaml',
    ...extra,
  };
}

/** Succeeded, 2026-11-22: the full pipeline with one retried ingest call. */
export const SUCCEEDED_ID = '5b1d2c3e-0000-4000-8000-000000000001';
/** Failed, 2026-11-21: optimizeAllocations fails after retries; its error holds markup. */
export const FAILED_ID = '5b1d2c3e-0000-4000-8000-000000000002';
/** Still running, 2026-11-20 (oldest). */
export const ACTIVE_ID = '5b1d2c3e-0000-4000-8000-000000000003';

const PIPELINE: StepSpec[] = [
  ['init', 19, 1],
  ['startRun', 43, 164],
  ['ingest', 73, 6887],
  ['fetchPools', 79, 6887, { branch: 'fetchPoolsBranch' }],
  ['fetchPrices', 106, 2982, { branch: 'fetchPricesBranch', retries: 2 }],
  ['fetchGas', 133, 1082, { branch: 'fetchGasBranch' }],
  ['fetchAccount', 160, 2130, { branch: 'fetchAccountBranch' }],
  ['filterPoolsPre', 217, 3819],
  ['fetchPoolHistories', 242, 10021],
  ['computeMetrics', 267, 4467],
  ['groupPools', 292, 31],
  ['updateIcebox', 317, 105],
  ['buildFeatures', 342, 1364],
  ['forecastPools', 376, 1940],
  ['filterPoolsFinal', 428, 122],
];

export function executionRecords(): ExecutionRecord[] {
  const ok = execution(
    SUCCEEDED_ID,
    '2026-11-22T06:00:00.000Z',
    'SUCCEEDED',
    steps('2026-11-22T06:00:00.000Z', [...PIPELINE, ['optimizeAllocations', 470, 2210], ['postSlackReport', 520, 640], ['summary', 560, 0]]),
    { result: JSON.stringify({ runId: 'run-2026-11-22', runDate: '2026-11-22', steps: { startRun: { status: 'ok' } }, allocation: { status: 'optimal', projectedApyNet: 6.42 } }) },
  );
  const failedSteps = steps('2026-11-21T06:00:00.000Z', [
    ...PIPELINE,
    ['optimizeAllocations', 470, 9000, { status: 'FAILED', retries: 3, error: { message: `HTTP 503 from optimizeAllocations: ${XSS}`, code: 503, tags: ['HttpError'] } }],
  ]);
  const failed = execution(FAILED_ID, '2026-11-21T06:00:00.000Z', 'FAILED', failedSteps, {
    error: {
      payload: JSON.stringify({ message: `HTTP 503 from optimizeAllocations: ${XSS}`, code: 503, tags: ['HttpError'] }),
      context: 'step "optimizeAllocations" (workflows/pipeline.yaml:470:7) raised an HttpError',
      stackTrace: { elements: [{ step: 'optimizeAllocations', routine: 'main', position: { line: 470, column: 7 } }] },
    },
    failingStep: { workflow: 'main', step: 'optimizeAllocations', file: 'workflows/pipeline.yaml', line: 470, column: 7 },
  });
  const active = execution(ACTIVE_ID, '2026-11-20T06:00:00.000Z', 'ACTIVE', steps('2026-11-20T06:00:00.000Z', PIPELINE.slice(0, 3)));
  active.steps[active.steps.length - 1] = { ...active.steps[active.steps.length - 1], status: 'ACTIVE', endTime: undefined, durationMs: undefined };
  return [ok, failed, JSON.parse(JSON.stringify(active)) as ExecutionRecord];
}

function allocation(runId: string, runDate: string, pools: Array<[id: string, name: string, apy: number, amount: number]>): AllocationRecord {
  const aum = 10_000_000;
  const invested = pools.reduce((s, p) => s + p[3], 0);
  return {
    runId,
    runDate,
    status: 'optimal',
    objective: 'yield',
    result: {
      status: 'optimal',
      objective: 'yield',
      transactions: pools.map(([id, , , amount], i) => ({ seq: i + 1, type: 'DEPOSIT', poolId: id, token: 'USDC', amountUsd: amount, amountToken: amount, costUsd: 1.25, gasUsd: 1.25, feeUsd: 0 })),
      finalAllocation: {
        pools: pools.map(([id, name, apy, amount]) => ({ poolId: id, name, group: 1, forecastApy: apy, amountUsd: amount, shareOfAum: amount / aum, tokens: { USDC: amount } })),
        wallet: { USDC: aum - invested },
      },
      aumUsd: aum,
      investedUsd: invested,
      expectedYieldUsd: 1760.55,
      projectedApy: { gross: 6.51, net: 6.42 },
      costs: { gasUsd: 1.25 * pools.length, conversionUsd: 0, totalUsd: 1.25 * pools.length },
      solver: { status: 'optimal', modelStatus: 7, mipGap: 0, solveTimeMs: 84, columns: 42, rows: 57, binaries: 14, prunedPools: 3 },
      warnings: [],
    },
  };
}

export const LATEST_RUN_ID = 'run-2026-11-22';
export const OLDER_RUN_ID = 'run-2026-11-19';

export function allocationRecords(): AllocationRecord[] {
  return [
    allocation(OLDER_RUN_ID, '2026-11-19', [['pool-old-1', 'compound-v3 USDT', 4.1, 5_000_000]]),
    allocation(LATEST_RUN_ID, '2026-11-22', [
      ['7c2a0c1e-aave', 'aave-v3 USDC', 6.8, 3_500_000],
      ['91f0e2d4-morpho', 'morpho-blue USDC', 7.2, 3_000_000],
      ['3b7d19aa-spark', 'spark sDAI', 5.9, 2_500_000],
    ]),
  ];
}

/** Writes the records to workflowExecutions/, allocations/ and runs/ (as the pipeline does). */
export async function seedFirestore(db: Firestore, records = executionRecords(), allocations = allocationRecords()): Promise<void> {
  const batch = db.batch();
  for (const r of records) batch.set(db.collection('workflowExecutions').doc(r.executionId), JSON.parse(JSON.stringify(r)) as Record<string, unknown>);
  for (const a of allocations) {
    const at = new Date(`${a.runDate}T06:05:00.000Z`);
    batch.set(db.collection('allocations').doc(a.runId), { ...(JSON.parse(JSON.stringify(a)) as Record<string, unknown>), updatedAt: at });
    batch.set(db.collection('runs').doc(a.runDate), { runId: a.runId, runDate: a.runDate, status: 'completed', attempt: 1, createdAt: at, updatedAt: at });
  }
  await batch.commit();
}

/** Writes the records as `.runs/executions/<id>.json`, like saveExecutionRecord. */
export function writeRecordFiles(dir: string, records = executionRecords()): void {
  fs.mkdirSync(path.join(dir, 'executions'), { recursive: true });
  for (const r of records) fs.writeFileSync(path.join(dir, 'executions', `${r.executionId}.json`), `${JSON.stringify(r, null, 2)}\n`);
  // Not an execution record: must be ignored, not break the page.
  fs.writeFileSync(path.join(dir, 'emulate.json'), '{"pid": 1}\n');
}

/** Failed, 2026-11-24: two pipeline steps failed; the interpreter saw only failIfAnyStepFailed raise. */
export const SUMMARY_FAILED_ID = '5b1d2c3e-0000-4000-8000-000000000004';
/** Succeeded (degraded), 2026-11-25: the summary holds the per-step retries and warnings. */
export const SUMMARY_OK_ID = '5b1d2c3e-0000-4000-8000-000000000005';

const stepRecord = (status: string, durationMs: number, retries = 0, warnings: string[] = [], error: unknown = null) => ({ status, durationMs, retries, warnings, counts: {}, error });

/** Execution records holding a pipeline summary: in the error payload (FAILED) and the result (SUCCEEDED). */
export function pipelineSummaryRecords(): ExecutionRecord[] {
  const failedSummary = {
    runId: 'run-2026-11-24',
    runDate: '2026-11-24',
    status: 'failed',
    phases: ['ingest', 'ledger', 'enrich', 'forecast', 'allocate', 'report'],
    steps: {
      startRun: stepRecord('ok', 160),
      fetchGas: stepRecord('failed', 31_000, 5, [], { message: `HTTP 503: gas feed down ${XSS}`, code: 503, tags: ['HttpError'] }),
      forecastGas: { ...stepRecord('skipped', 0), reason: 'skipped: depends on fetchGas which failed', blockedBy: 'fetchGas' },
      optimizeAllocations: stepRecord('failed', 9000, 0, [], { message: 'solver crashed', code: 500, tags: ['HttpError'] }),
      postSlackReport: stepRecord('ok', 640, 1, ['report posted late']),
    },
    failedSteps: ['fetchGas', 'optimizeAllocations'],
    allocation: null,
  };
  const failed = execution(
    SUMMARY_FAILED_ID,
    '2026-11-24T06:00:00.000Z',
    'FAILED',
    steps('2026-11-24T06:00:00.000Z', [...PIPELINE.slice(0, 3), ['summary', 390, 0], ['failIfAnyStepFailed', 400, 0, { status: 'FAILED', error: { message: 'pipeline run 2026-11-24 failed: fetchGas, optimizeAllocations' } }]]),
    {
      error: {
        payload: JSON.stringify({ message: 'pipeline run 2026-11-24 failed: fetchGas, optimizeAllocations', failedSteps: failedSummary.failedSteps, summary: failedSummary }),
        context: 'step "failIfAnyStepFailed" (workflows/pipeline.yaml:400:7) raised an error',
        stackTrace: { elements: [{ step: 'failIfAnyStepFailed', routine: 'main', position: { line: 400, column: 7 } }] },
      },
      failingStep: { workflow: 'main', step: 'failIfAnyStepFailed', file: 'workflows/pipeline.yaml', line: 400, column: 7 },
    },
  );
  const okSummary = {
    runId: 'run-2026-11-25',
    runDate: '2026-11-25',
    status: 'degraded',
    phases: ['ingest'],
    steps: { startRun: stepRecord('ok', 150), fetchPrices: stepRecord('degraded', 2982, 2, ['USDL: 1 day missing', 'DAI: stale']) },
    failedSteps: [],
    allocation: null,
  };
  const ok = execution(SUMMARY_OK_ID, '2026-11-25T06:00:00.000Z', 'SUCCEEDED', steps('2026-11-25T06:00:00.000Z', [...PIPELINE.slice(0, 3), ['summary', 390, 0]]), {
    result: JSON.stringify(okSummary),
  });
  return [ok, failed];
}
