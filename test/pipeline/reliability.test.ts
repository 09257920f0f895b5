/**
 * Reliability of the whole pipeline (issue 9, scope 4): workflows/pipeline.yaml through the local
 * interpreter against the functions host (a child process), the embedded Firestore emulator and
 * the market stand-ins over a small simulated market (stack.ts). Each "env" is a fresh state.
 *
 *   reference        D2 then D1 (a backfill) on a fresh state: both allocations solved; each date's
 *                    documents are the ones it gets alone on a fresh state (the references below)
 *   idempotent       a rerun of D2 leaves identical documents apart from run metadata
 *   concurrent       D1 and D2 at once on a fresh state: each date gets the documents it got above
 *   faults           429/5xx/timeouts/malformed/truncated payloads at PIPELINE_FAULT_RATE (default
 *                    0.05 per rule): the same allocation as without faults, or a FAILED execution
 *                    whose Slack failure message names every failed step
 *   dependencies     a persistent Etherscan outage: fetchAccount fails, its dependents are skipped
 *                    with the reason, independent steps and the report still run
 *   killed host      the functions host killed (SIGKILL) mid-step and restarted: the workflow's
 *                    retry recovers and the allocation is the reference one
 *   auth             the host rejects every function call without a bearer token; a workflow
 *                    without the secret fails at startRun with 401, not retried
 *   secrets          no credential value appears in any host log line, workflow log line, in-process
 *                    log line, execution record or Slack message of this file
 */
import type { FaultRule } from '../../emulator/market/server';
import { allocationOf, D1, D2, dumpCollections, SECRETS, stripRunMetadata, usePipelineSuite, waitFor, type PipelineEnv, type RunOutcome } from './stack';

jest.setTimeout(240_000);

const suite = usePipelineSuite();
const FAULT_RATE = Number(process.env.PIPELINE_FAULT_RATE ?? 0.05);
const PIPELINE = ['startRun', 'fetchPools', 'fetchPrices', 'fetchGas', 'fetchAccount', 'importScores', 'updateLedger', 'filterPoolsPre', 'fetchPoolHistories', 'computeMetrics', 'groupPools', 'updateIcebox', 'buildFeatures', 'forecastPools', 'forecastGas', 'filterPoolsFinal', 'optimizeAllocations', 'postSlackReport'];

/** The per-date decision layers a run writes (compared across runs, run metadata stripped). */
const DATED = ['ledger', 'finalFilter', 'poolForecasts', 'gasForecasts', 'poolGroups', 'iceboxHistory', 'features', 'eligiblePools', 'prefilter'];

const reference: Record<string, { allocation: Record<string, unknown>; dated: Record<string, unknown> }> = {};
let main: PipelineEnv;

function expectSucceeded(out: RunOutcome): void {
  if (out.record.state !== 'SUCCEEDED') throw new Error(`execution ${out.record.state}: ${out.record.error?.payload ?? ''}`);
  expect(out.summary).toBeDefined();
  expect(out.summary!.status).not.toBe('failed');
  for (const name of PIPELINE) expect([name, out.summary!.steps[name]?.status]).toEqual([name, expect.stringMatching(/^(ok|degraded|skipped)$/)]);
}

/**
 * The documents of one date in the dated layers (ids are the date, subcollections included). The
 * icebox is a chain (each date starts from the latest EARLIER date's iceboxHistory), so a date run
 * concurrently with the day before may start from that day's state or from the bootstrap window:
 * of iceboxHistory only the decision is compared, the icebox active on that date.
 */
async function datedDocs(env: PipelineEnv, date: string): Promise<Record<string, unknown>> {
  const all = await dumpCollections(env.db, DATED);
  const out: Record<string, unknown> = {};
  for (const [p, doc] of Object.entries(all)) {
    if (p.split('/')[1] !== date) continue;
    if (p.startsWith('iceboxHistory/')) {
      const history = ((doc as { state?: { history?: Array<{ removedAt?: unknown }> } }).state?.history ?? []).filter((e) => !e.removedAt);
      out[p] = { active: history };
    } else out[p] = doc;
  }
  return out;
}

async function decisionOf(env: PipelineEnv, out: RunOutcome) {
  return { allocation: await allocationOf(env.db, out.summary!.runId), dated: await datedDocs(env, out.summary!.runDate) };
}

beforeAll(async () => {
  main = await suite.env('main');
});

describe('the pipeline on a fresh state', () => {
  it('runs D2 then D1 (a backfill): every step ok, the allocation solved, the report posted', async () => {
    for (const date of [D2, D1]) {
      const out = await main.run({ runDate: date });
      expectSucceeded(out);
      const s = out.summary!;
      expect(s.runDate).toBe(date);
      expect(s.failedSteps).toEqual([]);
      expect(s.allocation).toMatchObject({ status: 'optimal', path: `allocations/${s.runId}` });
      expect(s.allocation!.transactions).toBeGreaterThan(0);
      expect(typeof s.allocation!.projectedApyPct).toBe('number');
      // Step records: duration and retries from the workflow, counts and warnings from the function.
      expect(s.steps.fetchPools).toMatchObject({ status: 'ok', retries: 0, error: null });
      expect(s.steps.fetchPools.durationMs).toBeGreaterThan(0);
      expect(s.steps.filterPoolsPre.counts!.eligible).toBeGreaterThan(5);
      reference[date] = await decisionOf(main, out);
    }
    const posted = main.market.slack.messages();
    expect(posted).toHaveLength(2);
    expect(posted.map((m) => m.text)).toEqual([expect.stringContaining(D2), expect.stringContaining(D1)]);
  });

  it('a rerun of the same date is idempotent: identical documents apart from run metadata', async () => {
    // D1 was the last run; rerunning it starts from the same state (the icebox chain reads only
    // EARLIER dates), so everything it writes must come out the same.
    const collections = ['allocations', 'ledger', 'finalFilter', 'poolForecasts', 'gasForecasts', 'poolGroups', 'poolMetrics', 'poolClean', 'poolHistory', 'iceboxHistory', 'icebox', 'features', 'eligiblePools', 'prefilter', 'pools', 'priceDaily', 'gasDaily', 'accountTransfers', 'accountBalances'];
    const before = await dumpCollections(main.db, collections);
    const runBefore = stripRunMetadata((await main.db.doc(`runs/${D1}`).get()).data()) as Record<string, unknown>;
    const out = await main.run({ runDate: D1 });
    expectSucceeded(out);
    const after = await dumpCollections(main.db, collections);
    // allocations/{runId}: the superseded run's document is replaced by the new run's, same content.
    const strip = (d: Record<string, unknown>) => Object.fromEntries(Object.entries(d).map(([k, v]) => [k.startsWith('allocations/') ? `allocations/<${(v as { runDate: string }).runDate}>` : k, v]));
    expect(Object.keys(after).length).toBeGreaterThan(50);
    expect(strip(after)).toEqual(strip(before));
    const runAfter = stripRunMetadata((await main.db.doc(`runs/${D1}`).get()).data()) as Record<string, unknown>;
    // What each step did (fetched vs already up to date) is run metadata too; the rest is the same.
    for (const run of [runBefore, runAfter]) {
      delete run.steps;
      delete run.supersededRunId;
      delete (run.allocation as Record<string, unknown>).path;
    }
    expect(runAfter).toEqual(runBefore);
    expect(await allocationOf(main.db, out.summary!.runId)).toEqual(reference[D1].allocation);
    expect(main.market.slack.messages()).toHaveLength(3); // one report per run, none twice
  });

  it('the local functions host rejects every call without a bearer token; a workflow without it fails at startRun', async () => {
    for (const name of PIPELINE) {
      const res = await fetch(`${main.host().baseUrl}/${name}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ runDate: D2, runId: 'x' }) });
      expect([name, res.status]).toEqual([name, 401]);
    }
    const out = await main.run({ runDate: D2 }, { secret: null });
    expect(out.record.state).toBe('FAILED');
    const payload = JSON.parse(out.record.error!.payload);
    expect(payload).toMatchObject({ step: 'startRun', code: 401 });
    expect(payload.message).toMatch(/^startRun failed: /);
    expect(payload.error.message).not.toContain(SECRETS.LOCAL_FUNCTIONS_SECRET);
    // 401 is not retried.
    expect(out.workflowLog.filter((l) => l.includes('"event":"retry"'))).toEqual([]);
  });
});

describe('concurrent runs for different dates', () => {
  it('do not interfere: each date gets the documents it gets when run alone', async () => {
    expect(reference[D1] && reference[D2]).toBeTruthy();
    const env = await suite.env('concurrent');
    try {
      const [o1, o2] = await Promise.all([env.run({ runDate: D1 }), env.run({ runDate: D2 })]);
      expectSucceeded(o1);
      expectSucceeded(o2);
      expect(o1.summary!.runId).not.toBe(o2.summary!.runId);
      expect(await decisionOf(env, o1)).toEqual(reference[D1]);
      expect(await decisionOf(env, o2)).toEqual(reference[D2]);
      expect(env.market.slack.messages().map((m) => m.text).sort()).toEqual([expect.stringContaining(D1), expect.stringContaining(D2)].sort());
    } finally {
      await env.stop();
    }
  });
});

describe('faults', () => {
  it(`429s, 5xx, timeouts and malformed/truncated payloads at rate ${FAULT_RATE}: the same allocation, or a clear failure report`, async () => {
    const env = await suite.env('faults');
    try {
      // Five 5xx in a row on the gas feed outlast fetchGas's own retries (1 + HTTP_MAX_RETRIES 4):
      // its first invocation answers 503 and the workflow's retry policy takes over.
      const rules: FaultRule[] = [{ match: { service: 'gas' }, kind: '5xx', times: 5, status: 502 }];
      for (const service of ['defillama', 'cmc', 'gas', 'etherscan'] as const) {
        rules.push(
          { match: { service }, kind: '429', rate: FAULT_RATE, retryAfterSeconds: 0 },
          { match: { service }, kind: '5xx', rate: FAULT_RATE, status: 502 },
          { match: { service }, kind: '5xx', rate: FAULT_RATE, status: 503 },
          { match: { service }, kind: 'malformed', rate: FAULT_RATE },
          { match: { service }, kind: 'truncated', rate: FAULT_RATE },
          { match: { service }, kind: 'timeout', rate: FAULT_RATE / 2 },
        );
      }
      rules.push({ match: { service: 'slack' }, kind: '429', times: 1, retryAfterSeconds: 0 });
      env.market.faults.configure({ rules, seed: 7 });
      const out = await env.run({ runDate: D2 });
      const injected = env.market.faults.injected().reduce((a, b) => a + b, 0);
      expect(injected).toBeGreaterThan(3);
      const summary = out.summary!;
      expect(summary).toBeDefined();
      const posted = env.market.slack.messages();
      expect(posted).toHaveLength(1);
      if (out.record.state === 'SUCCEEDED') {
        expect(summary.failedSteps).toEqual([]);
        expect(summary.steps.fetchGas.retries).toBeGreaterThanOrEqual(1);
        expect(await allocationOf(env.db, summary.runId)).toEqual(reference[D2].allocation);
      } else {
        // A clear report: the execution names the failed steps, the Slack message names each of them.
        expect(summary.status).toBe('failed');
        expect(summary.failedSteps!.length).toBeGreaterThan(0);
        expect(JSON.parse(out.record.error!.payload).message).toContain(summary.failedSteps![0]);
        for (const step of summary.failedSteps!) expect(posted[0].text).toContain(step);
      }
    } finally {
      await env.stop();
    }
  });

  it('a persistent Etherscan outage: fetchAccount fails, its dependents are skipped with the reason, the rest and the report run', async () => {
    main.market.faults.configure({ rules: [{ match: { service: 'etherscan' }, kind: '5xx', status: 503 }] });
    const before = main.market.slack.messages().length;
    try {
      const out = await main.run({ runDate: D2 });
      expect(out.record.state).toBe('FAILED');
      const s = out.summary!;
      expect(s.status).toBe('failed');
      expect(s.failedSteps).toEqual(['fetchAccount']);
      expect(s.steps.fetchAccount).toMatchObject({ status: 'failed', error: { code: 503 } });
      // 503 is retried by the workflow (FAST_RETRY: 6 retries) before giving up.
      expect(s.steps.fetchAccount.retries).toBe(6);
      expect(s.steps.fetchAccount.error!.message).toMatch(/etherscan/i);
      expect(s.steps.updateLedger).toMatchObject({ status: 'skipped', reason: 'skipped: depends on fetchAccount which failed', blockedBy: 'fetchAccount' });
      // Transitively, each naming its first blocked dependency and the failure behind it.
      for (const [name, dep] of [['forecastPools', 'updateLedger'], ['filterPoolsFinal', 'forecastPools'], ['optimizeAllocations', 'filterPoolsFinal']]) {
        expect(s.steps[name]).toMatchObject({ status: 'skipped', blockedBy: 'fetchAccount', reason: `skipped: depends on ${dep} which was skipped because fetchAccount failed` });
      }
      for (const name of ['fetchPools', 'fetchPrices', 'fetchGas', 'filterPoolsPre', 'fetchPoolHistories', 'computeMetrics', 'groupPools', 'updateIcebox', 'buildFeatures', 'forecastGas', 'postSlackReport']) {
        expect([name, s.steps[name].status]).toEqual([name, 'ok']);
      }
      expect(s.allocation).toBeNull();
      const payload = JSON.parse(out.record.error!.payload);
      expect(payload.message).toBe(`pipeline run ${D2} failed: fetchAccount`);
      const failure = main.market.slack.messages().slice(before);
      expect(failure).toHaveLength(1);
      expect(failure[0].text).toMatch(/FAILED at fetchAccount/);
      expect(JSON.stringify(failure[0].blocks)).toContain('fetchAccount');
    } finally {
      main.market.faults.clear();
    }
  });
});

describe('phases and degraded steps', () => {
  it('runs only the selected phases; a degraded step lets its dependents run with a warning', async () => {
    const env = await suite.env('phases');
    try {
      // Every /chart of pools whose id starts with 0-3 fails for good: fetchPoolHistories is
      // "degraded" (some pools' histories missing), not failed.
      env.market.faults.configure({ rules: [{ match: { service: 'defillama', path: '^/chart/[0-3]' }, kind: '5xx', status: 503 }] });
      const out = await env.run({ runDate: D2, phases: ['ingest', 'ledger', 'enrich'] });
      expect(out.record.state).toBe('SUCCEEDED');
      const s = out.summary!;
      expect(s).toMatchObject({ status: 'degraded', phases: ['ingest', 'ledger', 'enrich'], failedSteps: [], allocation: null });
      expect(s.steps.fetchPoolHistories.status).toBe('degraded');
      for (const name of ['computeMetrics', 'buildFeatures']) {
        expect(s.steps[name].status).toBe('ok');
        expect(s.steps[name].warnings![0]).toBe('input fetchPoolHistories is degraded: see its warnings');
      }
      expect(s.steps.groupPools.warnings).not.toContain('input fetchPoolHistories is degraded: see its warnings');
      for (const [name, phase] of [['forecastPools', 'forecast'], ['forecastGas', 'forecast'], ['filterPoolsFinal', 'forecast'], ['optimizeAllocations', 'allocate'], ['postSlackReport', 'report']]) {
        expect(s.steps[name]).toMatchObject({ status: 'skipped', reason: `phase ${phase} not selected`, blockedBy: null, durationMs: 0 });
      }
      expect(env.market.slack.messages()).toEqual([]);

      const bad = await env.run({ runDate: D2, phases: ['ingest', 'bogus'] });
      expect(bad.record.state).toBe('FAILED');
      expect(JSON.parse(bad.record.error!.payload).message).toBe('unknown phase "bogus"; known: ["ingest","ledger","enrich","forecast","allocate","report"]');
      expect(bad.record.steps.some((st) => st.name === 'startRun')).toBe(false);
    } finally {
      await env.stop();
    }
  });
});

describe('a function process killed mid-run', () => {
  it('is retried by the workflow once the host is back: same allocation as the reference', async () => {
    const env = await suite.env('killed');
    try {
      // The first /chart request hangs: fetchPoolHistories is then certainly in flight.
      env.market.faults.configure({ rules: [{ match: { service: 'defillama', path: '^/chart/' }, kind: 'timeout', times: 1 }] });
      const running = env.run({ runDate: D2 });
      await waitFor(() => env.market.faults.injected()[0] === 1, 120_000, 'fetchPoolHistories to call /chart');
      env.killHost();
      await new Promise((r) => setTimeout(r, 300));
      await env.restartHost();
      const out = await running;
      expectSucceeded(out);
      const s = out.summary!;
      expect(s.steps.fetchPoolHistories.status).toBe('ok');
      expect(s.steps.fetchPoolHistories.retries).toBeGreaterThanOrEqual(1);
      const retries = out.workflowLog.filter((l) => l.includes('"event":"retry"') && l.includes('fetchPoolHistories'));
      expect(retries.join('\n')).toMatch(/Connection(Failed)?Error|connection/i);
      expect(env.hostLog.filter((l) => l.includes('functions host ready'))).toHaveLength(2);
      expect(await allocationOf(env.db, s.runId)).toEqual(reference[D2].allocation);
    } finally {
      await env.stop();
    }
  });
});

describe('secrets', () => {
  it('never appear in the host logs, the workflow logs, the in-process logs, the execution records or Slack', () => {
    const corpora: Record<string, string> = {
      hostLog: suite.hostLog.join('\n'),
      workflowLog: suite.workflowLog.join('\n'),
      processLog: suite.processLog.join('\n'),
      records: JSON.stringify(suite.records),
      slack: JSON.stringify(main.market.slack.messages()),
    };
    // Not vacuous: every corpus holds what this file ran.
    expect(corpora.hostLog).toContain('fetchAccount ok');
    expect(corpora.hostLog).toContain('postSlackReport');
    expect(corpora.workflowLog).toContain('"pipelineStep":"fetchPools"');
    expect(suite.records.length).toBeGreaterThanOrEqual(8);
    for (const [name, value] of Object.entries(SECRETS)) {
      for (const [where, text] of Object.entries(corpora)) expect([name, where, text.includes(value)]).toEqual([name, where, false]);
    }
  });
});
