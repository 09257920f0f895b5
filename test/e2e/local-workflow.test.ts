/**
 * `npm run local-workflow` end to end: workflows/pipeline.yaml through the local interpreter
 * against the local functions host — reusing a running `emulate`, or starting what is missing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Firestore } from '@google-cloud/firestore';
import { cliEnv, requireBuilt, runToEnd, start, tempRunsDir, stopIfRunning, waitForOutput, type Running } from './cli';

const PROJECT = 'demo-e2e-workflow';
/** A small market: these tests are about the CLI; test/e2e/pipeline.test.ts runs the default one. */
const SMALL = ['--pools', '1500', '--days', '120'];

describe('npm run local-workflow', () => {
  let runsDir: string;
  let emulate: Running | undefined;
  let db: Firestore | undefined;

  beforeAll(() => {
    requireBuilt('scripts/local-workflow.js', 'scripts/emulate.js', 'emulator/functions/main.js');
    runsDir = tempRunsDir('workflow');
  });

  afterAll(async () => {
    await db?.terminate();
    await stopIfRunning(emulate);
    fs.rmSync(runsDir, { recursive: true, force: true });
  });

  it('starts Firestore and the functions host itself when none is running, and stops them after', async () => {
    const res = await runToEnd('scripts/local-workflow.js', ['--run-date', '2025-04-01', '--format', 'json', ...SMALL], cliEnv(runsDir, { GOOGLE_CLOUD_PROJECT: PROJECT }));
    expect(res.stderr).not.toMatch(/Error/);
    expect(res.code).toBe(0);
    const record = JSON.parse(res.stdout);
    expect(record.state).toBe('SUCCEEDED');
    expect(JSON.parse(record.argument)).toEqual({ runDate: '2025-04-01' });
    const result = JSON.parse(record.result);
    expect(result).toMatchObject({ runDate: '2025-04-01', status: expect.stringMatching(/^(succeeded|degraded)$/), steps: { startRun: { status: 'ok' }, optimizeAllocations: { status: 'ok' } } });
    expect(result.allocation).toMatchObject({ status: 'optimal', path: `allocations/${result.runId}` });
    expect(result.runId).toMatch(/^[0-9a-f-]{36}$/);
    expect(fs.existsSync(path.join(runsDir, 'executions', `${record.executionId}.json`))).toBe(true);
  });

  it('reuses a running emulate: the run document and the execution record land in its Firestore', async () => {
    const env = cliEnv(runsDir, { GOOGLE_CLOUD_PROJECT: PROJECT });
    emulate = start('scripts/emulate.js', ['--firestore-port', '0', '--functions-port', '0', ...SMALL, '--run-date', '2025-04-02'], env);
    await waitForOutput(emulate, 'emulate: ready');
    const state = JSON.parse(fs.readFileSync(path.join(runsDir, 'emulate.json'), 'utf8'));

    const res = await runToEnd('scripts/local-workflow.js', ['--data', '{"runDate":"2025-04-02","params":{"riskAversion":3}}'], env);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('using the running emulate instance');
    // Live progress, then the summary table, the allocation headline and the pool filter counts.
    expect(res.stdout).toMatch(/▶ startRun/);
    expect(res.stdout).toMatch(/✓ startRun\s+ok\s+\d+ ms/);
    expect(res.stdout).toMatch(/▶ fetchPools[\s\S]*✓ fetchPools\s+ok[\s\S]*▶ postSlackReport/);
    expect(res.stdout).toMatch(/^Run 2025-04-02 {2}(SUCCEEDED|DEGRADED) {3}runId [0-9a-f-]{36}/m);
    expect(res.stdout).toMatch(/^ {2}optimizeAllocations\s+ok\s+\d+ ms\s+0/m);
    expect(res.stdout).toMatch(/Allocation: optimal, projected APY -?[\d.]+ % net .*\d+ transaction\(s\)/);
    expect(res.stdout).toMatch(/Pool filter: \d+ pools → \d+ eligible after the pre-filter → \d+ kept by the final filter/);
    expect(res.stdout).toContain('SUCCEEDED');

    process.env.FIRESTORE_EMULATOR_HOST = state.firestore.address;
    db = new Firestore({ projectId: PROJECT });
    const run = (await db.doc('runs/2025-04-02').get()).data();
    // postSlackReport records the run's final outcome on the run document.
    expect(run).toMatchObject({ runDate: '2025-04-02', status: expect.stringMatching(/^(succeeded|degraded)$/), failedSteps: [] });
    expect(run!.stepStatuses).toMatchObject({ startRun: 'ok', optimizeAllocations: 'ok' });
    expect(run!.params.riskAversion).toBe(3);
    const executionId = /Execution ([0-9a-f-]{36})/.exec(res.stdout)?.[1];
    expect(executionId).toBeDefined();
    const saved = (await db.doc(`workflowExecutions/${executionId}`).get()).data();
    expect(saved).toMatchObject({ state: 'SUCCEEDED' });
    expect(JSON.parse(saved!.result).runId).toBe(run!.runId);
  });

  it('fails (exit 1) with the function\'s 400 message when the runDate is not a calendar day', async () => {
    const res = await runToEnd('scripts/local-workflow.js', ['--data', '{"runDate":"2025-02-30"}', '--format', 'json', '--pools', '100', '--days', '30'], cliEnv(runsDir, { GOOGLE_CLOUD_PROJECT: PROJECT }));
    expect(res.code).toBe(1);
    const record = JSON.parse(res.stdout);
    expect(record.state).toBe('FAILED');
    const payload = JSON.parse(record.error.payload);
    expect(payload).toMatchObject({ code: 400, step: 'startRun' });
    expect(payload.message).toMatch(/^startRun failed: .*runDate/);
  });

  it('exits 2 with file:line:column for an invalid workflow, and for bad flags', async () => {
    const bad = path.join(runsDir, 'bad.yaml');
    fs.writeFileSync(bad, 'main:\n  steps:\n    - a:\n        next: nowhere\n');
    const res = await runToEnd('scripts/local-workflow.js', ['--workflow', bad], cliEnv(runsDir));
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/bad\.yaml:\d+:\d+/);
    const flags = await runToEnd('scripts/local-workflow.js', ['--run-date', '2025-13-01'], cliEnv(runsDir));
    expect(flags.code).toBe(2);
    expect(flags.stderr).toContain('--run-date');
  });
});
