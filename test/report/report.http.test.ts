/**
 * updateLedger and postSlackReport through real HTTP: functions host → Firestore emulator, and the
 * real @slack/web-api client → the Slack stand-in (with fault injection for the 429).
 */
import { addDays } from '../../functions/src/lib/dates';
import { DEFAULT_APPROVED_TOKENS } from '../../functions/src/lib/params';
import { useIngestHarness } from '../ingest/harness';
import { TREASURY } from '../ingest/fake-market';
import { LEDGER, poolInfos, poolUuid, solvedAllocation } from './fixtures';

const h = useIngestHarness('report-http');
const DAY = '2025-03-01';
const YESTERDAY = addDays(DAY, -1);
const USDC = DEFAULT_APPROVED_TOKENS.find((t) => t.symbol === 'USDC')!.address!.toLowerCase();
const DAI = DEFAULT_APPROVED_TOKENS.find((t) => t.symbol === 'DAI')!.address!.toLowerCase();

const blockText = (blocks: any[] | undefined) => JSON.stringify(blocks ?? []);

beforeAll(() => {
  // Keep the client's backoff short in tests; the Retry-After wait itself is the stand-in's (1 s).
  process.env.SLACK_RETRY_MIN_MS = '10';
  process.env.SLACK_RETRY_MAX_MS = '50';
});
beforeEach(() => h.market().slack.clear());

async function seedReportInputs(runId: string, nPools: number): Promise<void> {
  const db = h.db();
  await db.doc(`allocations/${runId}`).set(solvedAllocation(runId, DAY, nPools));
  await db.doc(`ledger/${DAY}`).set({ ...LEDGER, runDate: DAY });
  const batch = db.batch();
  for (const [id, info] of Object.entries(poolInfos(nPools))) batch.set(db.doc(`pools/${id}`), { ...info, chain: 'Ethereum', active: true });
  await batch.commit();
}

const STEPS = { startRun: { status: 'ok', counts: {}, warnings: [] }, fetchPools: { status: 'ok', counts: { pools: 30 }, warnings: [] } };

describe('updateLedger over HTTP', () => {
  it('without account data: degraded, an empty ledger, the reason named', async () => {
    const res = await h.post('updateLedger', { runDate: DAY, runId: 'r0' });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ status: 'degraded', counts: { transfers: 0, pools: 0 } });
    expect(res.json.warnings[0]).toContain(`no account data for ${TREASURY}`);
    const doc = (await h.db().doc(`ledger/${DAY}`).get()).data()!;
    expect(doc).toMatchObject({ runDate: DAY, runId: 'r0', navUsd: 0, status: 'degraded' });
  });

  it('from the stored transfers and closes (fetchAccount, fetchPrices): balances, NAV, yield, flows; a rerun rewrites the same document', async () => {
    h.market().clock.set(DAY);
    for (const step of ['fetchPrices', 'fetchAccount']) expect((await h.post(step, { runDate: DAY, runId: 'r1' })).status).toBe(200);
    const res = await h.post('updateLedger', { runDate: DAY, runId: 'r1' });
    expect(res.status).toBe(200);

    // The fake treasury: from 02-20, every day +1,000 USDC from 0x22… and −100 DAI to 0x33… (both
    // external). Start of 03-01: 9 days → 9,000 USDC and −900 DAI (it never received DAI).
    const close = async (sym: string, day: string) => ((await h.db().doc(`priceDaily/${sym}_${day.slice(0, 7)}`).get()).get('points') as any)[day].close as number;
    const [u1, d1, u0, d0] = [await close('USDC', YESTERDAY), await close('DAI', YESTERDAY), await close('USDC', addDays(YESTERDAY, -1)), await close('DAI', addDays(YESTERDAY, -1))];
    const doc = (await h.db().doc(`ledger/${DAY}`).get()).data()!;
    expect(doc.tokens.USDC).toMatchObject({ contract: USDC, amount: 9000, price: u1 });
    expect(doc.tokens.DAI).toMatchObject({ contract: DAI, amount: -900, price: d1 });
    expect(doc.navUsd).toBeCloseTo(9000 * u1 - 900 * d1, 9);
    // Yesterday: start 8,000 USDC / −800 DAI; flows +1,000 USDC, −100 DAI at yesterday's closes: the
    // only "yield" is the price change on the start balances.
    expect(doc.yesterday.netFlowsUsd).toBeCloseTo(1000 * u1 - 100 * d1, 9);
    expect(doc.yesterday.yieldUsd).toBeCloseTo(8000 * (u1 - u0) - 800 * (d1 - d0), 9);
    expect(doc.flows.map((f: any) => [f.direction, f.symbol, f.amount])).toEqual([['in', 'USDC', 1000], ['out', 'DAI', 100]]);
    expect(doc.gasReserve.eth).toBe(5);
    // The fake Etherscan's balances (250,000 USDC) do not match the transfers: degraded, named.
    expect(res.json.status).toBe('degraded');
    expect(res.json.warnings.join('\n')).toMatch(/USDC: Etherscan balance 250000 ≠ 10000 from the stored transfers/);

    const again = await h.post('updateLedger', { runDate: DAY, runId: 'r1' });
    expect(again.json.counts).toEqual(res.json.counts);
    expect((await h.db().doc(`ledger/${DAY}`).get()).data()).toEqual(doc);
  });
});

describe('postSlackReport over HTTP (real @slack/web-api client → Slack stand-in)', () => {
  it('posts the report once with the expected content and records the ts; a workflow retry does not post again', async () => {
    await seedReportInputs('run-ok', 6);
    const res = await h.post('postSlackReport', { runDate: DAY, runId: 'run-ok', steps: STEPS });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ status: 'ok', kind: 'report', alreadyPosted: false, counts: { messages: 1, posted: 1, rateLimited: 0 } });

    const messages = h.market().slack.messages();
    expect(messages).toHaveLength(1);
    const m = messages[0];
    expect(m).toMatchObject({ channel: h.market().env.SLACK_CHANNEL, ts: res.json.ts });
    expect(m.text).toContain(`DefiYieldOpt daily report ${DAY}: AUM $650,000, 6 pools`);
    const text = blockText(m.blocks);
    expect(m.blocks![0]).toEqual({ type: 'header', text: { type: 'plain_text', text: `DefiYieldOpt · ${DAY}` } });
    for (const s of ['*AUM*\\n$650,000', '*Average APY*\\n4.25%', '*Total costs*\\n$25.00', '*NAV (start of day)*\\n$1,047,200', `https://defillama.com/yields/pool/${poolUuid(5)}|morpho-v1 USDT`, '*Token allocation*', '  3. CONVERT', 'Run `run-ok` · status *succeeded*']) {
      expect(text).toContain(s);
    }
    expect(JSON.stringify(m.args)).not.toContain(h.market().env.SLACK_BOT_TOKEN);

    const record = (await h.db().doc('reports/run-ok').get()).data()!;
    expect(record).toMatchObject({ status: 'posted', ts: res.json.ts, channel: h.market().env.SLACK_CHANNEL, posted: [{ index: 0, ts: res.json.ts }], kind: 'report' });

    // The workflow retries the step (say its HTTP call timed out after the function succeeded).
    const retry = await h.post('postSlackReport', { runDate: DAY, runId: 'run-ok', steps: STEPS });
    expect(retry.status).toBe(200);
    expect(retry.json).toMatchObject({ status: 'skipped', alreadyPosted: true, ts: res.json.ts });
    expect(h.market().slack.messages()).toHaveLength(1);
    expect(h.logs().join('\n')).not.toContain(h.market().env.SLACK_BOT_TOKEN);
  });

  it('429 with Retry-After: the client waits and retries; one message lands, not two', async () => {
    await seedReportInputs('run-429', 3);
    h.market().faults.configure({ rules: [{ match: { service: 'slack', path: 'chat\\.postMessage' }, kind: '429', times: 1, retryAfterSeconds: 1 }] });
    const res = await h.post('postSlackReport', { runDate: DAY, runId: 'run-429', steps: STEPS });
    expect(res.status).toBe(200);
    expect(res.json.counts).toMatchObject({ rateLimited: 1, posted: 1 });
    expect(h.market().faults.injected()).toEqual([1]);
    expect(h.market().slack.messages().map((m) => m.ts)).toEqual([res.json.ts]);
  });

  it('a 429 that outlasts the client retries is a 503 for the workflow; its retry posts exactly once', async () => {
    await seedReportInputs('run-503', 3);
    process.env.SLACK_RETRIES = '1';
    try {
      h.market().faults.configure({ rules: [{ match: { service: 'slack', path: 'chat\\.postMessage' }, kind: '429', retryAfterSeconds: 0 }] });
      const res = await h.post('postSlackReport', { runDate: DAY, runId: 'run-503', steps: STEPS });
      expect(res.status).toBe(503);
      expect(res.json.error.message).toMatch(/rate limit/i);
      expect((await h.db().doc('reports/run-503').get()).data()).toMatchObject({ status: 'failed', posted: [] });
      h.market().faults.clear();
      const retry = await h.post('postSlackReport', { runDate: DAY, runId: 'run-503', steps: STEPS });
      expect(retry.json).toMatchObject({ status: 'ok', alreadyPosted: false });
      expect(h.market().slack.messages()).toHaveLength(1);
    } finally {
      delete process.env.SLACK_RETRIES;
    }
  });

  it('another invocation holding a live claim → 503 and nothing posted', async () => {
    await seedReportInputs('run-busy', 3);
    await h.db().doc('reports/run-busy').set({ runId: 'run-busy', runDate: DAY, kind: 'report', status: 'posting', claimId: 'other', claimedAt: Date.now(), channel: null, messages: 1, posted: [] });
    const res = await h.post('postSlackReport', { runDate: DAY, runId: 'run-busy', steps: STEPS });
    expect(res.status).toBe(503);
    expect(res.json.error.message).toContain('being posted by another invocation');
    expect(h.market().slack.messages()).toHaveLength(0);
  });

  it('a long report goes out as a message plus thread replies; a retry after a partial post sends only the rest, in the same thread', async () => {
    await seedReportInputs('run-big', 120);
    const full = await h.post('postSlackReport', { runDate: DAY, runId: 'run-big', steps: STEPS });
    expect(full.status).toBe(200);
    const n = full.json.counts.messages;
    expect(n).toBeGreaterThan(1);
    const posted = h.market().slack.messages();
    expect(posted).toHaveLength(n);
    expect(posted[0].threadTs).toBeUndefined();
    for (const m of posted.slice(1)) expect(m.threadTs).toBe(posted[0].ts);
    for (const m of posted) expect(m.blocks!.length).toBeLessThanOrEqual(50);

    // Same report, but the record says only the first message made it before the step failed.
    h.market().slack.clear();
    await h.db().doc('reports/run-big').set({ runId: 'run-big', runDate: DAY, kind: 'report', status: 'failed', claimId: 'old', claimedAt: 0, channel: h.market().env.SLACK_CHANNEL, messages: n, posted: [{ index: 0, ts: '1740787200.000001' }], error: 'Slack unreachable' });
    const resumed = await h.post('postSlackReport', { runDate: DAY, runId: 'run-big', steps: STEPS });
    expect(resumed.json.counts).toMatchObject({ messages: n, posted: n - 1 });
    const rest = h.market().slack.messages();
    expect(rest).toHaveLength(n - 1);
    for (const m of rest) expect(m.threadTs).toBe('1740787200.000001');
    const record = (await h.db().doc('reports/run-big').get()).data()!;
    expect(record.status).toBe('posted');
    expect(record.posted.map((p: any) => p.index)).toEqual(Array.from({ length: n }, (_, i) => i));
  });

  it('a failed run posts the failure message naming the step and its error', async () => {
    const res = await h.post('postSlackReport', {
      runDate: DAY,
      runId: 'run-failed',
      steps: STEPS,
      failedStep: 'fetchPrices',
      error: { message: 'HTTP server responded with error code 503', code: 503, body: { status: 'error', error: { code: 503, message: 'CoinMarketCap: HTTP 503 after 3 attempts' } } },
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ status: 'ok', kind: 'failure' });
    const [m] = h.market().slack.messages();
    expect(m.text).toBe(`DefiYieldOpt daily report ${DAY}: run FAILED at fetchPrices: HTTP server responded with error code 503: CoinMarketCap: HTTP 503 after 3 attempts`);
    const text = blockText(m.blocks);
    expect(text).toContain('run FAILED');
    expect(text).toContain('failed at step *fetchPrices*');
    expect(text).toContain('fetchPools: ok');
  });

  it('a succeeded run without an allocation document: degraded, and the message says so', async () => {
    const res = await h.post('postSlackReport', { runDate: DAY, runId: 'run-noalloc', steps: STEPS });
    expect(res.json).toMatchObject({ status: 'degraded' });
    expect(blockText(h.market().slack.messages()[0].blocks)).toContain('No allocation document for this run');
  });

  it('bad bodies are 400s naming the field', async () => {
    const res = await h.post('postSlackReport', { runDate: DAY, runId: 'x', failures: [{ error: 'no step' }] });
    expect(res.status).toBe(400);
    expect(res.json.error.field).toBe('failures.0.step');
  });
});

describe('postSlackReport records the run outcome on runs/{runDate}', () => {
  const RUN_DAY = '2025-03-02';
  const seedRun = (runId: string) => h.db().doc(`runs/${RUN_DAY}`).set({ runId, runDate: RUN_DAY, status: 'running', steps: { startRun: { status: 'ok' } } });
  const runDoc = async () => (await h.db().doc(`runs/${RUN_DAY}`).get()).data()!;
  const seedAllocation = (runId: string) => h.db().doc(`allocations/${runId}`).set(solvedAllocation(runId, RUN_DAY, 2));

  it('a succeeded run: status, finishedAt, failedSteps, the step map (report included); a retry rewrites nothing', async () => {
    await seedRun('fin-ok');
    await seedAllocation('fin-ok');
    const res = await h.post('postSlackReport', { runDate: RUN_DAY, runId: 'fin-ok', status: 'succeeded', steps: STEPS });
    expect(res.json).toMatchObject({ status: 'ok', runOutcome: 'recorded' });
    const doc = await runDoc();
    expect(doc).toMatchObject({ runId: 'fin-ok', status: 'succeeded', failedSteps: [], stepStatuses: { startRun: 'ok', fetchPools: 'ok', postSlackReport: 'ok' } });
    expect(doc.finishedAt.toMillis()).toBeGreaterThan(0);

    const retry = await h.post('postSlackReport', { runDate: RUN_DAY, runId: 'fin-ok', status: 'succeeded', steps: STEPS });
    expect(retry.json).toMatchObject({ status: 'skipped', alreadyPosted: true, runOutcome: 'recorded' });
    // The retry saw the report already posted (its own status "skipped"): recorded as such, once.
    const afterRetry = await runDoc();
    expect(afterRetry.stepStatuses.postSlackReport).toBe('skipped');
    const again = await h.post('postSlackReport', { runDate: RUN_DAY, runId: 'fin-ok', status: 'succeeded', steps: STEPS });
    expect(again.json.runOutcome).toBe('unchanged');
    expect((await runDoc()).finishedAt.toMillis()).toBe(afterRetry.finishedAt.toMillis());
    expect(h.market().slack.messages()).toHaveLength(1);
  });

  it('a failed run: failed, the failed steps named', async () => {
    await seedRun('fin-failed');
    const steps = { ...STEPS, fetchGas: { status: 'failed', error: { message: 'gas feed down' } } };
    const res = await h.post('postSlackReport', { runDate: RUN_DAY, runId: 'fin-failed', status: 'failed', steps, failures: [{ step: 'fetchGas', error: { message: 'gas feed down' } }] });
    expect(res.json).toMatchObject({ kind: 'failure', runOutcome: 'recorded' });
    expect(await runDoc()).toMatchObject({ status: 'failed', failedSteps: ['fetchGas'], stepStatuses: { fetchGas: 'failed', postSlackReport: 'ok' } });
  });

  it('a superseded run (the document has a newer runId) leaves the newer run untouched', async () => {
    await seedRun('newer-run');
    const res = await h.post('postSlackReport', { runDate: RUN_DAY, runId: 'older-run', status: 'succeeded', steps: STEPS });
    expect(res.status).toBe(200);
    expect(res.json.runOutcome).toBe('superseded');
    const doc = await runDoc();
    expect(doc).toMatchObject({ runId: 'newer-run', status: 'running' });
    expect(doc.finishedAt).toBeUndefined();
  });

  it('a report that cannot be posted records the run as failed at postSlackReport; the retry that posts replaces it', async () => {
    await seedRun('fin-503');
    await seedAllocation('fin-503');
    process.env.SLACK_RETRIES = '0';
    try {
      h.market().faults.configure({ rules: [{ match: { service: 'slack', path: 'chat\\.postMessage' }, kind: '429', retryAfterSeconds: 0 }] });
      const res = await h.post('postSlackReport', { runDate: RUN_DAY, runId: 'fin-503', status: 'succeeded', steps: STEPS });
      expect(res.status).toBe(503);
      expect(await runDoc()).toMatchObject({ status: 'failed', failedSteps: ['postSlackReport'], stepStatuses: { postSlackReport: 'failed' } });
      h.market().faults.clear();
      const retry = await h.post('postSlackReport', { runDate: RUN_DAY, runId: 'fin-503', status: 'succeeded', steps: STEPS });
      expect(retry.json.status).toBe('ok');
      expect(await runDoc()).toMatchObject({ status: 'succeeded', failedSteps: [], stepStatuses: { postSlackReport: 'ok' } });
    } finally {
      delete process.env.SLACK_RETRIES;
    }
  });

  it('finishOnly (report phase not selected): records the outcome, posts nothing, needs no allocation', async () => {
    await seedRun('fin-only');
    const steps = { ...STEPS, postSlackReport: { status: 'skipped', reason: 'phase report not selected' } };
    const res = await h.post('postSlackReport', { runDate: RUN_DAY, runId: 'fin-only', status: 'degraded', steps: { ...steps, fetchPools: { status: 'degraded', warnings: ['w'] } }, finishOnly: true });
    expect(res.json).toMatchObject({ status: 'skipped', runOutcome: 'recorded' });
    expect(await runDoc()).toMatchObject({ status: 'degraded', failedSteps: [], stepStatuses: { fetchPools: 'degraded', postSlackReport: 'skipped' } });
    expect(h.market().slack.messages()).toEqual([]);
    expect((await h.db().doc('reports/fin-only').get()).exists).toBe(false);
  });
});
