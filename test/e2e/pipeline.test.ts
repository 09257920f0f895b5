/**
 * The daily pipeline end to end, as a user runs it (issue 9, "Done when"): `npm run emulate` on the
 * DEFAULT market (fresh YIELDOPT_RUNS_DIR, free ports), then `npm run local-workflow` against it —
 * the compiled CLIs as child processes. The emulate instance is the test's, so the Slack stand-in's
 * messages and the Firestore documents are read from it after the run (a local-workflow that
 * started its own stack would have stopped them on exit).
 *
 * Checks the allocation document (a feasible plan within the parameters), the ledger, the Slack
 * message, the summary the CLI prints, and that no credential reached any output or log.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Firestore } from '@google-cloud/firestore';
import { DEFAULT_CMC_API_KEY, DEFAULT_ETHERSCAN_API_KEY, DEFAULT_SLACK_TOKEN, type PostedMessage } from '../../emulator/market/server';
import type { AllocationRecord, AllocationSolved } from '../../functions/src/steps/allocate/types';
import { cliEnv, requireBuilt, runToEnd, start, tempRunsDir, stopIfRunning, waitForOutput, type Running } from './cli';

const PROJECT = 'demo-e2e-pipeline';
const RUN_DATE = '2025-04-01';

jest.setTimeout(300_000);

describe('the pipeline end to end on the default market', () => {
  let runsDir: string;
  let emulate: Running | undefined;
  let db: Firestore | undefined;

  beforeAll(() => {
    requireBuilt('scripts/local-workflow.js', 'scripts/emulate.js', 'emulator/functions/main.js');
    runsDir = tempRunsDir('pipeline');
  });

  afterAll(async () => {
    await db?.terminate();
    await stopIfRunning(emulate);
    fs.rmSync(runsDir, { recursive: true, force: true });
  });

  it('npm run local-workflow: allocation, ledger and Slack report from a fresh state', async () => {
    const env = cliEnv(runsDir, { GOOGLE_CLOUD_PROJECT: PROJECT });
    emulate = start('scripts/emulate.js', ['--firestore-port', '0', '--functions-port', '0', '--run-date', RUN_DATE], env);
    await waitForOutput(emulate, 'emulate: ready', 180_000);
    const state = JSON.parse(fs.readFileSync(path.join(runsDir, 'emulate.json'), 'utf8'));
    const control: string = state.env.MARKET_CONTROL_URL;

    const res = await runToEnd('scripts/local-workflow.js', ['--run-date', RUN_DATE], env);
    if (res.code !== 0) throw new Error(`local-workflow exited ${res.code}\n${res.stdout}\n${res.stderr}`);
    const out = res.stdout;
    expect(out).toContain('using the running emulate instance');
    expect(out).toMatch(/^Run 2025-04-01 {2}(SUCCEEDED|DEGRADED) {3}runId ([0-9a-f-]{36})/m);
    const runId = /^Run 2025-04-01 .* runId ([0-9a-f-]{36})/m.exec(out)![1];

    // The execution record: every step ran (none failed or was skipped for a failure).
    const executionId = /Execution ([0-9a-f-]{36}): SUCCEEDED/.exec(out)?.[1];
    expect(executionId).toBeDefined();
    const record = JSON.parse(fs.readFileSync(path.join(runsDir, 'executions', `${executionId}.json`), 'utf8'));
    const summary = JSON.parse(record.result);
    expect(summary.runId).toBe(runId);
    expect(summary.failedSteps).toEqual([]);
    expect(Object.keys(summary.steps)).toHaveLength(18);
    for (const [name, s] of Object.entries<{ status: string; reason?: string }>(summary.steps)) {
      expect([name, s.status]).toEqual([name, expect.stringMatching(/^(ok|degraded|skipped)$/)]);
      expect(s.reason).toBeUndefined(); // nothing skipped by the workflow (phase or failed dependency)
    }

    process.env.FIRESTORE_EMULATOR_HOST = state.firestore.address;
    db = new Firestore({ projectId: PROJECT });

    // The allocation document: a feasible plan within the parameters.
    const run = (await db.doc(`runs/${RUN_DATE}`).get()).data()!;
    expect(run.runId).toBe(runId);
    const allocation = (await db.doc(`allocations/${runId}`).get()).data() as AllocationRecord;
    expect(allocation).toMatchObject({ runId, runDate: RUN_DATE, status: expect.stringMatching(/^(optimal|time-limit-feasible)$/), objective: 'yield' });
    const result = allocation.result as AllocationSolved;
    const params = run.params as { minPools: number; maxPools: number; maxAllocShare: number };
    const pools = result.finalAllocation.pools;
    expect(pools.length).toBeGreaterThanOrEqual(params.minPools);
    expect(pools.length).toBeLessThanOrEqual(params.maxPools);
    for (const p of pools) expect(p.amountUsd).toBeLessThanOrEqual(params.maxAllocShare * result.aumUsd * (1 + 1e-6));
    const invested = pools.reduce((s, p) => s + p.amountUsd, 0);
    expect(invested).toBeCloseTo(result.investedUsd, 0);
    expect(invested).toBeLessThanOrEqual(result.aumUsd * (1 + 1e-9));
    expect(result.transactions.length).toBeGreaterThan(0);
    for (const t of result.transactions) expect(['HOLD', 'WITHDRAW', 'CONVERT', 'DEPOSIT']).toContain(t.type);
    expect(result.costs.totalUsd).toBeCloseTo(result.costs.gasUsd + result.costs.conversionUsd, 6);
    expect(summary.allocation).toMatchObject({ status: allocation.status, transactions: result.transactions.length, pools: pools.length, path: `allocations/${runId}` });
    expect(summary.allocation.totalCostUsd).toBeCloseTo(result.costs.totalUsd, 6);
    expect(summary.allocation.projectedApyPct).toBeCloseTo(result.projectedApy.net, 6);
    expect(out).toContain(`${result.transactions.length} transaction(s), ${pools.length} pool(s)`);

    // The ledger: the treasury's start-of-day balances, valued.
    const ledger = (await db.doc(`ledger/${RUN_DATE}`).get()).data()!;
    expect(ledger).toMatchObject({ runDate: RUN_DATE, runId, wallet: state.env.TREASURY_ADDRESS.toLowerCase() });
    expect(ledger.navUsd).toBeGreaterThan(0);
    expect(Object.keys(ledger.tokens).length).toBeGreaterThan(0);
    // The optimizer valued the same treasury (AUM = wallet + positions, ledger NAV: the same assets).
    expect(result.aumUsd).toBeGreaterThan(0.5 * ledger.navUsd);
    expect(result.aumUsd).toBeLessThan(2 * ledger.navUsd);

    // The Slack message, as the stand-in received it.
    const messages = (await (await fetch(`${control}/slack/messages`)).json()) as PostedMessage[] | { messages: PostedMessage[] };
    const posted = Array.isArray(messages) ? messages : messages.messages;
    expect(posted).toHaveLength(1);
    const message = posted[0];
    expect(message.text).toContain(RUN_DATE);
    const blocks = JSON.stringify(message.blocks);
    expect(blocks).toContain(runId);
    expect(message.blocks!.length).toBeLessThanOrEqual(50);
    // Every allocated pool's DefiLlama link, and the numbered transaction sequence.
    for (const p of pools) if (!p.poolId.startsWith('contract:')) expect(blocks).toContain(p.poolId);
    expect(blocks).toMatch(/1\. /);
    const report = (await db.doc(`reports/${runId}`).get()).data()!;
    expect(report).toMatchObject({ status: 'posted', ts: message.ts });

    // No credential in any output, log or record of the run. (emulate's banner and emulate.json
    // list the stand-ins' local keys on purpose, as `export` lines for another shell: not logs.)
    const secret = fs.readFileSync(path.join(runsDir, 'local-functions.secret'), 'utf8').trim();
    const files = fs.readdirSync(runsDir, { recursive: true, withFileTypes: true }).filter((f) => f.isFile() && !f.name.endsWith('.secret') && f.name !== 'emulate.json');
    const emulateLog = emulate.stdout().split('\n').filter((l) => !l.startsWith('  export ')).join('\n');
    const corpus = [res.stdout, res.stderr, emulateLog, emulate.stderr(), ...files.map((f) => fs.readFileSync(path.join(f.parentPath, f.name), 'utf8'))].join('\n');
    expect(corpus).toContain('fetchPools');
    for (const value of [DEFAULT_CMC_API_KEY, DEFAULT_ETHERSCAN_API_KEY, DEFAULT_SLACK_TOKEN, secret]) expect(corpus.includes(value)).toBe(false);
  });
});
