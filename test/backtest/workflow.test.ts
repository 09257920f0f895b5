/**
 * workflows/backtest.yaml end to end: the local Workflows interpreter calls backtestStart →
 * backtestStep (2 days a call) → backtestReport on the local functions host, over stored layers the
 * real ingestion functions wrote. The decisions, NAVs and metrics must be those of the engine run
 * directly (in one go) on the same stored source: segmenting through Firestore changes nothing.
 * `yieldopt backtest --source stored` (compiled CLI) over the same Firestore must agree too.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadWorkflowFile, executeWorkflow } from '../../emulator/workflows';
import { Backtest, FirestoreBacktestSource, initialState, type BacktestConfig, type BacktestResult } from '../../functions/src/steps/backtest';
import { configOf, readBacktestDoc, readBacktestFile, readDays } from '../../functions/src/steps/backtest/store';
import { useIngestHarness } from '../ingest/harness';
import { FROM, seedMarket, seedStoredHistory, TO } from './stored-seed';

const h = useIngestHarness('backtest-workflow', { source: seedMarket() });
const ROOT = path.resolve(__dirname, '..', '..');
const WORKFLOW = path.join(ROOT, 'workflows', 'backtest.yaml');
let dir: string;

beforeAll(() => {
  execFileSync('npm', ['run', '-s', 'build'], { cwd: ROOT, stdio: 'pipe' });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yieldopt-backtest-stored-'));
}, 240_000);

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** The compiled CLI, asynchronously: the embedded Firestore emulator runs in this process. */
function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // The in-process functions host put FIRESTORE_EMULATOR_HOST and the project into process.env.
    const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'scripts', 'yieldopt.js'), 'backtest', ...args], { cwd: dir, env: { ...process.env, METADATA_SERVER_DETECTION: 'none' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
/** What JSON storage makes of a value (NaN → null), for comparing with what went through Firestore. */
const json = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

test('the workflow replays the stored window in segments and reports what the engine computes directly', async () => {
  await seedStoredHistory(h);
  const { baseUrl, secret } = h.functions();
  const record = await executeWorkflow(await loadWorkflowFile(WORKFLOW), {
    argument: { from: FROM, to: TO, aumUsd: 5_000_000, daysPerCall: 2, params: { minPools: 2 }, functionsBaseUrl: baseUrl },
    localFunctionsSecret: secret,
    logSink: () => undefined,
  });
  expect({ state: record.state, error: record.error }).toEqual({ state: 'SUCCEEDED', error: undefined });
  const out = JSON.parse(record.result!);
  expect(out).toMatchObject({ backtestId: record.executionId, from: FROM, to: TO, days: 5, calls: 3, report: `backtests/${record.executionId}/files/report.html` });

  const db = h.db();
  const doc = (await readBacktestDoc(db, out.backtestId))!;
  expect(doc).toMatchObject({ status: 'reported', next: 5, total: 5, source: 'stored' });
  const config: BacktestConfig = configOf(doc);
  expect(config).toMatchObject({ from: FROM, to: TO, aumUsd: 5_000_000, startToken: 'USDC', forecastReselectDays: 1 });
  expect(config.params.minPools).toBe(2);

  // The engine in one go over the same stored source and configuration.
  const direct = new Backtest(new FirestoreBacktestSource(db), initialState(config));
  await direct.run();
  const expected: BacktestResult = json(direct.result());
  expect(expected.days[0].feasible).toBe(true);
  expect(expected.days[0].transactions.some((t) => t.type === 'DEPOSIT')).toBe(true);
  expect(expected.days.some((d) => d.counts.eligible > 5)).toBe(true);

  const days = await readDays(db, out.backtestId);
  expect(days.map((d) => d.date)).toEqual(expected.days.map((d) => d.date));
  expect(days.map((d) => d.transactions)).toEqual(expected.days.map((d) => d.transactions));
  expect(days.map((d) => d.weights)).toEqual(expected.days.map((d) => d.weights));
  expect(days).toEqual(expected.days);
  expect(out.summary).toEqual(expected.summary);
  expect((await db.doc(`backtests/${out.backtestId}`).get()).get('summary')).toEqual(expected.summary);

  // The output files and the column-wise series.
  const result = JSON.parse((await readBacktestFile(db, out.backtestId, 'result.json'))!) as BacktestResult;
  expect(result.days).toEqual(expected.days);
  expect(result.source).toBe(expected.source);
  const html = (await readBacktestFile(db, out.backtestId, 'report.html'))!;
  for (const id of ['chart-nav', 'chart-allocation', 'chart-costs', 'metrics']) expect(html).toContain(`id="${id}"`);
  const series = await db.collection(`backtests/${out.backtestId}/series`).get();
  expect(series.docs.flatMap((d) => d.get('date') as string[])).toEqual(expected.days.map((d) => d.date));
  expect(series.docs.flatMap((d) => d.get('navStrategy') as number[])).toEqual(expected.days.map((d) => d.nav.strategy));

  // A retried start of the same backtest keeps its progress; a step after the end is a no-op.
  const again = await h.post('backtestStart', { backtestId: out.backtestId, from: FROM, to: TO, aumUsd: 5_000_000, params: { minPools: 2 }, source: 'stored' });
  expect(again.json).toMatchObject({ status: 'ok', existing: true, day: 5 });
  expect((await h.post('backtestStep', { backtestId: out.backtestId, maxDays: 2 })).json).toMatchObject({ done: true, day: 5, of: 5 });

  // The CLI over the same stored history and parameters decides the same.
  fs.writeFileSync(path.join(dir, 'params.json'), JSON.stringify({ minPools: 2 }));
  const r = await cli(['--source', 'stored', '--from', FROM, '--to', TO, '--aum', '5000000', '--params', 'params.json', '--out', 'stored', '--quiet']);
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
  const fromCli = JSON.parse(fs.readFileSync(path.join(dir, 'stored', 'result.json'), 'utf8')) as BacktestResult;
  expect(fromCli.config).toEqual(config);
  expect(fromCli.days).toEqual(expected.days);
  expect(fromCli.summary).toEqual(expected.summary);
  // A window the pipeline never ran for is refused up front.
  const uncovered = await cli(['--source', 'stored', '--from', '2025-01-01', '--to', '2025-01-03', '--quiet']);
  expect(uncovered.code).toBe(2);
  expect(uncovered.stderr).toMatch(/does not cover 2025-01-01 \.\. 2025-01-03: no pool snapshot for 3 day/);
}, 180_000);

test('bad requests are 400s naming the problem', async () => {
  const sim = await h.post('backtestStart', { from: FROM, to: TO, source: 'simulated' });
  expect(sim.status).toBe(400);
  expect(sim.json.error.message).toMatch(/only available from the CLI/);
  // Nothing stored (the database is cleared between tests): the window is not covered.
  const empty = await h.post('backtestStart', { from: FROM, to: TO });
  expect(empty.status).toBe(400);
  expect(empty.json.error.message).toMatch(/no pool snapshot for 5 day\(s\) \(2025-03-04, /);
  expect((await h.post('backtestStart', { from: TO, to: FROM })).status).toBe(400);
  expect((await h.post('backtestStep', { backtestId: 'nope' })).json.error).toMatchObject({ code: 400, field: 'backtestId' });
  expect((await h.post('backtestReport', { backtestId: 'a/b' })).status).toBe(400);
});
