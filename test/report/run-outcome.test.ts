/** The run's final outcome on runs/{runDate} (pure core): what is recorded and when it is written. */
import { buildRunOutcome, decideOutcomeWrite } from '../../functions/src/steps/report/run-outcome';
import { summarizeRun } from '../../functions/src/steps/report/run-summary';

const STEPS = { startRun: { status: 'ok' }, fetchPools: { status: 'ok' }, fetchPrices: { status: 'degraded', warnings: ['x'] } };

describe('buildRunOutcome', () => {
  it('a clean run with an ok report: succeeded/degraded as the steps say, every step in the status map', () => {
    const out = buildRunOutcome(summarizeRun({ status: 'degraded', steps: STEPS }), { step: 'postSlackReport', status: 'ok' });
    expect(out).toEqual({ status: 'degraded', failedSteps: [], stepStatuses: { startRun: 'ok', fetchPools: 'ok', fetchPrices: 'degraded', postSlackReport: 'ok' } });
    const clean = buildRunOutcome(summarizeRun({ status: 'succeeded', steps: { startRun: { status: 'ok' } } }), { step: 'postSlackReport', status: 'skipped' });
    expect(clean.status).toBe('succeeded');
  });

  it('failed steps are named, in the workflow order, without the unnamed-failure placeholder', () => {
    const run = summarizeRun({ status: 'failed', steps: { ...STEPS, fetchGas: { status: 'failed', error: { message: 'boom' } } }, failures: [{ step: 'fetchGas', error: { message: 'boom' } }] });
    expect(buildRunOutcome(run)).toMatchObject({ status: 'failed', failedSteps: ['fetchGas'] });
    expect(buildRunOutcome(summarizeRun({ status: 'failed' }))).toEqual({ status: 'failed', failedSteps: [], stepStatuses: {} });
  });

  it("the report's own result: failed fails the run, degraded degrades a succeeded one only", () => {
    const ok = summarizeRun({ status: 'succeeded', steps: { startRun: { status: 'ok' } } });
    expect(buildRunOutcome(ok, { step: 'postSlackReport', status: 'failed' })).toEqual({ status: 'failed', failedSteps: ['postSlackReport'], stepStatuses: { startRun: 'ok', postSlackReport: 'failed' } });
    expect(buildRunOutcome(ok, { step: 'postSlackReport', status: 'degraded' }).status).toBe('degraded');
    const failed = summarizeRun({ steps: { fetchGas: { status: 'failed' } } });
    expect(buildRunOutcome(failed, { step: 'postSlackReport', status: 'degraded' })).toMatchObject({ status: 'failed', failedSteps: ['fetchGas'] });
  });

  it('finishOnly (no report result): the skipped report record passes through as given', () => {
    const out = buildRunOutcome(summarizeRun({ status: 'succeeded', steps: { startRun: { status: 'ok' }, postSlackReport: { status: 'skipped' } } }));
    expect(out).toEqual({ status: 'succeeded', failedSteps: [], stepStatuses: { startRun: 'ok', postSlackReport: 'skipped' } });
  });
});

describe('decideOutcomeWrite', () => {
  const outcome = { status: 'failed' as const, failedSteps: ['fetchGas'], stepStatuses: { startRun: 'ok', fetchGas: 'failed' } };
  it('writes only onto the same run; a newer runId or no document is left alone', () => {
    expect(decideOutcomeWrite(undefined, 'r1', outcome)).toBe('missing');
    expect(decideOutcomeWrite({ runId: 'r2', status: 'running' }, 'r1', outcome)).toBe('superseded');
    expect(decideOutcomeWrite({ runId: 'r1', status: 'running' }, 'r1', outcome)).toBe('recorded');
  });
  it('the same outcome already recorded is unchanged (a retry keeps finishedAt); a different one is rewritten', () => {
    const stored = { runId: 'r1', ...outcome, finishedAt: new Date(0) };
    expect(decideOutcomeWrite(stored, 'r1', outcome)).toBe('unchanged');
    expect(decideOutcomeWrite({ ...stored, status: 'succeeded' }, 'r1', outcome)).toBe('recorded');
    expect(decideOutcomeWrite({ ...stored, stepStatuses: { startRun: 'ok' } }, 'r1', outcome)).toBe('recorded');
  });
});
