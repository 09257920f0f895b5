/**
 * startRun through the real functions host over HTTP, against the embedded Firestore emulator,
 * checked with the real @google-cloud/firestore client.
 */
import crypto from 'node:crypto';
import { mintLocalIdToken } from '../../emulator/functions/auth';
import { startFunctionsHost, type FunctionsHost } from '../../emulator/functions/host';
import { closeFirestore } from '../../functions/src/lib/firestore';
import { setLogSink, type LogSink } from '../../functions/src/lib/log';
import { DEFAULT_PARAMS } from '../../functions/src/lib/params';
import { useFirestoreEmulator } from '../support/firestore';

const SECRET = crypto.randomBytes(32).toString('hex');
const RUN_DATE = '2025-01-31';

const firestore = useFirestoreEmulator('startrun-http');
let host: FunctionsHost;
const db = () => firestore();
let logLines: string[] = [];
let previousSink: LogSink;

async function post(path: string, body: unknown, token?: string | null): Promise<{ status: number; json: any; headers: Headers }> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  const bearer = token === undefined ? mintLocalIdToken(`${host.baseUrl}${path}`, SECRET) : token;
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  const res = await fetch(`${host.baseUrl}${path}`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined, headers: res.headers };
}

beforeAll(async () => {
  previousSink = setLogSink((line) => logLines.push(line));
  host = await startFunctionsHost({
    port: 0,
    secret: SECRET,
    env: { FIRESTORE_EMULATOR_HOST: firestore.host(), GOOGLE_CLOUD_PROJECT: firestore.projectId, GCLOUD_PROJECT: firestore.projectId },
  });
});

afterAll(async () => {
  await closeFirestore();
  await host?.stop();
  setLogSink(previousSink);
});

beforeEach(() => {
  // The helper clears the database before each test.
  logLines = [];
  delete process.env.RISK_AVERSION;
});

describe('functions host: one URL per function, authenticated like --no-allow-unauthenticated', () => {
  it('serves startRun at <base>/startRun and answers the health probe', async () => {
    expect(host.functionNames).toContain('startRun');
    expect(host.url('startRun')).toBe(`${host.baseUrl}/startRun`);
    const res = await fetch(`${host.baseUrl}/_host/health`);
    expect(await res.json()).toEqual({ status: 'ok', functions: host.functionNames });
  });

  it('rejects a call without a token with 401', async () => {
    const res = await post('/startRun', { runDate: RUN_DATE }, null);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect((await db().collection('runs').doc(RUN_DATE).get()).exists).toBe(false);
  });

  it('rejects a token signed with another secret with 401', async () => {
    const res = await post('/startRun', { runDate: RUN_DATE }, mintLocalIdToken(`${host.baseUrl}/startRun`, 'not-the-secret-at-all-0123456789'));
    expect(res.status).toBe(401);
  });

  it('rejects a token minted for another function with 403', async () => {
    const res = await post('/startRun', { runDate: RUN_DATE }, mintLocalIdToken(`${host.baseUrl}/otherFunction`, SECRET));
    expect(res.status).toBe(403);
  });

  it('answers 404 for an unknown function', async () => {
    const res = await post('/noSuchFunction', {}, mintLocalIdToken(`${host.baseUrl}/noSuchFunction`, SECRET));
    expect(res.status).toBe(404);
    expect(res.json.error.message).toContain('noSuchFunction');
  });

  it('never writes the token into its logs', async () => {
    const token = mintLocalIdToken(`${host.baseUrl}/startRun`, SECRET);
    await post('/startRun', { runDate: 'bad' }, token);
    expect(logLines.length).toBeGreaterThan(0);
    const all = logLines.join('\n');
    expect(all).not.toContain(token);
    expect(all).not.toContain(SECRET);
  });
});

describe('startRun step contract', () => {
  it('400 on a bad runDate, naming the field', async () => {
    const res = await post('/startRun', { runDate: '2025-02-30' });
    expect(res.status).toBe(400);
    expect(res.json.error.field).toBe('runDate');
    expect(res.json.error.message).toContain('runDate');
  });

  it('400 on a missing runDate and on a non-JSON body', async () => {
    expect((await post('/startRun', {})).json.error.field).toBe('runDate');
    const text = await fetch(host.url('startRun'), {
      method: 'POST',
      headers: { Authorization: `Bearer ${mintLocalIdToken(host.url('startRun'), SECRET)}`, 'Content-Type': 'text/plain' },
      body: 'hello',
    });
    expect(text.status).toBe(400);
  });

  it('405 for GET', async () => {
    const res = await fetch(host.url('startRun'), { headers: { Authorization: `Bearer ${mintLocalIdToken(host.url('startRun'), SECRET)}` } });
    expect(res.status).toBe(405);
  });

  it('400 on bad request params, naming params.<field> and the source', async () => {
    const res = await post('/startRun', { runDate: RUN_DATE, params: { weightCap: 2 } });
    expect(res.status).toBe(400);
    expect(res.json.error.field).toBe('params.weightCap');
    expect(res.json.error.message).toContain('request params');
  });

  it('200 creates runs/{runDate} with a fresh runId, the parameter snapshot and the icebox list', async () => {
    await db().doc('params/current').set({ minPools: 4, riskAversion: 1 });
    await db().doc('icebox/current').set({
      tokens: [
        { symbol: 'USDe', address: '0x4c9EDD5852cd905f086C759E8383e09bff1E68B3', reason: 'low below peg', addedAt: '2025-01-30' },
        { symbol: 'DAI', reason: 'old', addedAt: '2025-01-01', removedAt: '2025-01-04' },
      ],
    });
    process.env.RISK_AVERSION = '2.5';
    const res = await post('/startRun', { runDate: RUN_DATE, params: { maxPools: 10 } });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ status: 'ok', runDate: RUN_DATE, counts: { attempt: 1, icebox: 1 }, warnings: [] });
    expect(res.json.runId).toMatch(/^[0-9a-f-]{36}$/);

    const snap = await db().collection('runs').doc(RUN_DATE).get();
    expect(snap.exists).toBe(true);
    const run = snap.data()!;
    expect(run.runId).toBe(res.json.runId);
    expect(run.status).toBe('running');
    expect(run.params).toEqual({ ...DEFAULT_PARAMS, minPools: 4, riskAversion: 2.5, maxPools: 10 });
    expect(run.paramSources).toEqual(['defaults', 'Firestore params/current', 'env RISK_AVERSION', 'request params']);
    expect(run.icebox.map((t: { symbol: string }) => t.symbol)).toEqual(['USDe']);
    expect(run.createdAt.toDate()).toBeInstanceOf(Date);
  });

  it('warns when no params/current exists and uses the defaults', async () => {
    const res = await post('/startRun', { runDate: RUN_DATE });
    expect(res.status).toBe(200);
    expect(res.json.warnings).toEqual([expect.stringContaining('params/current')]);
    expect((await db().doc(`runs/${RUN_DATE}`).get()).data()!.params).toEqual(DEFAULT_PARAMS);
  });

  it('a rerun of the same date replaces the run: new runId, old runId-keyed outputs removed', async () => {
    const first = await post('/startRun', { runDate: RUN_DATE });
    await db().doc(`allocations/${first.json.runId}`).set({ runId: first.json.runId, total: 1 });
    await db().doc('allocations/other-day-run').set({ total: 2 });

    const second = await post('/startRun', { runDate: RUN_DATE });
    expect(second.status).toBe(200);
    expect(second.json.runId).not.toBe(first.json.runId);
    expect(second.json.supersededRunId).toBe(first.json.runId);

    const run = (await db().doc(`runs/${RUN_DATE}`).get()).data()!;
    expect(run).toMatchObject({ runId: second.json.runId, attempt: 2, supersededRunId: first.json.runId });
    expect((await db().doc(`allocations/${first.json.runId}`).get()).exists).toBe(false);
    expect((await db().doc('allocations/other-day-run').get()).exists).toBe(true);
    expect((await db().collection('runs').get()).size).toBe(1);
  });

  it('500 naming field and source when the stored parameters are invalid', async () => {
    await db().doc('params/current').set({ groupCaps: { '1': 3 } });
    const res = await post('/startRun', { runDate: RUN_DATE });
    expect(res.status).toBe(500);
    expect(res.json.error.field).toBe('params.groupCaps.1');
    expect(res.json.error.message).toContain('Firestore params/current');
    expect((await db().doc(`runs/${RUN_DATE}`).get()).exists).toBe(false);
  });
});
