/**
 * The five ingestion steps through real HTTP: functions host → market stand-ins → embedded
 * Firestore emulator. Happy path, rerun identity, second day, and a few step-contract checks.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readRawPayload } from '../../functions/src/lib/raw-layer';
import { DEFAULT_APPROVED_TOKENS } from '../../functions/src/lib/params';
import { TREASURY, VANISHING_POOL, VANISH_DATE } from './fake-market';
import { useIngestHarness } from './harness';

const h = useIngestHarness('ingest-http');
const DAY1 = '2025-03-01';
const DAY2 = VANISH_DATE;
const STEPS = ['fetchPools', 'fetchPrices', 'fetchGas', 'fetchAccount'] as const;
const CLEAN = ['pools', 'poolSnapshots', 'priceDaily', 'gasDaily', 'accounts', 'accountTransfers', 'accountTxs', 'accountBalances', 'scores', 'raw'];
const SYMBOLS = 2 + DEFAULT_APPROVED_TOKENS.length;

async function runAll(runDate: string, runId = `run-${runDate}`) {
  h.market().clock.set(runDate);
  const out: Record<string, any> = {};
  for (const step of STEPS) {
    const res = await h.post(step, { runDate, runId });
    expect({ step, status: res.status, body: res.status === 200 ? 'ok' : res.json }).toEqual({ step, status: 200, body: 'ok' });
    out[step] = res.json;
  }
  return out;
}

describe('ingestion steps over HTTP', () => {
  it('fetchPools: raw payload verbatim + manifest, registry, snapshot', async () => {
    h.market().clock.set(DAY1);
    const res = await h.post('fetchPools', { runDate: DAY1, runId: 'r1' });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ status: 'ok', counts: { pools: 30, created: 30, deactivated: 0, duplicates: 0 } });

    const db = h.db();
    const manifest = (await db.doc(`raw/defillama/days/${DAY1}`).get()).data()!;
    expect(manifest).toMatchObject({ status: 'complete', source: 'defillama', runDate: DAY1 });
    const body = await readRawPayload(db, 'defillama', DAY1, 'pools');
    expect(JSON.parse(body!.toString('utf8')).data).toHaveLength(30);
    expect(manifest.payloads[0].bytes).toBe(body!.length);

    const pool = (await db.doc('pools/00000003-aaaa-4bbb-8ccc-000000000003').get()).data()!;
    expect(pool).toMatchObject({ project: 'aave-v3', chain: 'Ethereum', symbol: 'USDC', poolMeta: 'Syrup USDC', active: true, lastSeen: DAY1, firstSeen: DAY1 });
    expect(pool.underlyingTokens).toHaveLength(1);
    const snap = (await db.doc(`poolSnapshots/${DAY1}`).get()).data()!;
    expect(snap).toMatchObject({ pools: 30, chunks: 1 });
    const chunk = (await db.doc(`poolSnapshots/${DAY1}/chunks/0000`).get()).data()!;
    expect(chunk.ids).toHaveLength(30);
    expect(chunk.tvlUsd).toHaveLength(30);
  });

  it('fetchPools never erases fields learned elsewhere', async () => {
    h.market().clock.set(DAY1);
    await h.db().doc('pools/00000003-aaaa-4bbb-8ccc-000000000003').set({ address: '0xabc', symbol: 'OLD' });
    expect((await h.post('fetchPools', { runDate: DAY1, runId: 'r1' })).status).toBe(200);
    const pool = (await h.db().doc('pools/00000003-aaaa-4bbb-8ccc-000000000003').get()).data()!;
    expect(pool.address).toBe('0xabc');
    expect(pool.symbol).toBe('USDC');
  });

  it('all steps: first run, rerun of the same date is identical, second day adds only new data', async () => {
    const first = await runAll(DAY1);
    expect(first.fetchPrices.counts).toMatchObject({ symbols: SYMBOLS, fetched: SYMBOLS, points: SYMBOLS * 365 });
    expect(first.fetchGas.counts.daysWritten).toBe(6); // the feed is a week up to the end of DAY1, which is excluded
    expect(first.fetchAccount.counts).toMatchObject({ transfers: 20, txs: 10, tokens: 2 });

    const db = h.db();
    const eth = (await db.doc('priceDaily/ETH_2025-02').get()).data()!;
    expect(Object.keys(eth.points)).toHaveLength(28);
    expect(eth.points['2025-02-28']).toMatchObject({ cmcId: 1027, ingestedOn: DAY1 });
    expect((await db.doc('priceDaily/ETH_2025-03').get()).exists).toBe(false); // DAY1's own bar is incomplete
    const gasFeb = (await db.doc('gasDaily/mainnet_2025-02').get()).data()!;
    expect(gasFeb.points['2025-02-28']).toMatchObject({ hours: 24 });
    expect(gasFeb.points['2025-02-28'].maxBaseFeeGwei).toBeGreaterThanOrEqual(gasFeb.points['2025-02-28'].meanBaseFeeGwei);
    expect((await db.doc('gasDaily/mainnet_2025-03').get()).exists).toBe(false); // today's aggregate absent
    const account = (await db.doc(`accounts/${TREASURY}`).get()).data()!;
    expect(account).toMatchObject({ ethBalance: 5, balancesAsOf: DAY1, transfers: 20 });
    expect(Object.values(account.tokenBalances).map((t: any) => t.amount).sort()).toEqual([1000, 250000]);

    const before = await h.dump(CLEAN);
    await runAll(DAY1);
    expect(await h.dump(CLEAN)).toEqual(before);

    const second = await runAll(DAY2);
    expect(second.fetchPools.counts).toMatchObject({ pools: 29, created: 0, deactivated: 1 });
    expect(second.fetchPrices.counts).toMatchObject({ fetched: SYMBOLS, points: SYMBOLS });
    expect(second.fetchAccount.counts).toMatchObject({ newTransfers: 2, newTxs: 1 });
    const after = await h.dump(CLEAN);
    // Every document of day 1 outside the runDate-keyed ones is unchanged or only gained points.
    const gone = (await db.doc(`pools/${VANISHING_POOL}`).get()).data()!;
    expect(gone).toMatchObject({ active: false, inactiveSince: DAY2, lastSeen: DAY1 });
    const eth3 = (await db.doc('priceDaily/ETH_2025-03').get()).data()!;
    expect(Object.keys(eth3.points)).toEqual([DAY1]);
    for (const [p, doc] of Object.entries(before)) {
      if (!/^(priceDaily|gasDaily|accountTransfers|accountTxs)\//.test(p)) continue;
      const old = (doc as any).points as Record<string, unknown>;
      const now = (after[p] as any).points as Record<string, unknown>;
      for (const [id, v] of Object.entries(old)) expect({ p, id, v: now[id] }).toEqual({ p, id, v });
    }
  });

  it('400 for a bad runDate, naming the field; nothing written', async () => {
    const res = await h.post('fetchPools', { runDate: '2025-02-30', runId: 'x' });
    expect(res.status).toBe(400);
    expect(res.json.error.field).toBe('runDate');
    expect((await h.db().collection('pools').limit(1).get()).empty).toBe(true);
  });

  it('notes the step in runs/{runDate} when the run exists', async () => {
    await h.db().doc(`runs/${DAY1}`).set({ runId: 'r9', steps: {} });
    h.market().clock.set(DAY1);
    expect((await h.post('fetchGas', { runDate: DAY1, runId: 'r9' })).status).toBe(200);
    const run = (await h.db().doc(`runs/${DAY1}`).get()).data()!;
    expect(run.steps.fetchGas).toMatchObject({ status: 'ok', runId: 'r9' });
  });
});

describe('importScores', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scores-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('skipped without a source', async () => {
    const res = await h.post('importScores', { runDate: DAY1, runId: 'r' });
    expect(res.status).toBe(200);
    expect(res.json.status).toBe('skipped');
  });

  it('imports a CSV file into scores/{provider}_{YYYY-MM}, keeping the file raw', async () => {
    const file = path.join(dir, 'scores.csv');
    fs.writeFileSync(file, 'date,key,provider,score\n2025-02-28,aave-v3,acme,0.9\n2025-02-28,curve-dex,acme,0.7\n2025-02-28,curve-dex,acme,0.7\n2025-03-01,aave-v3,other,55\n');
    const res = await h.post('importScores', { runDate: DAY1, runId: 'r', source: file });
    expect(res.status).toBe(200);
    expect(res.json.counts).toMatchObject({ rows: 3, duplicates: 1 });
    const acme = (await h.db().doc('scores/acme_2025-02').get()).data()!;
    expect(acme.points['2025-02-28|aave-v3']).toEqual({ date: '2025-02-28', key: 'aave-v3', score: 0.9 });
    expect((await readRawPayload(h.db(), 'scores', DAY1, 'scores.csv'))!.toString()).toContain('curve-dex');
  });

  it('400 naming line and field for a bad row; nothing half-written', async () => {
    const file = path.join(dir, 'bad.csv');
    fs.writeFileSync(file, 'date,key,provider,score\n2025-02-28,aave-v3,acme,0.9\n2025-02-28,curve-dex,acme,high\n');
    const res = await h.post('importScores', { runDate: DAY1, runId: 'r', source: file });
    expect(res.status).toBe(400);
    expect(res.json.error.message).toContain('line 3.score: expected a number');
    expect(res.json.error.message).toContain('bad.csv');
    expect((await h.db().collection('scores').get()).empty).toBe(true);
    expect((await h.db().doc(`raw/scores/days/${DAY1}`).get()).data()).toMatchObject({ status: 'failed' });
  });

  it('400 for gs:// sources (not supported locally)', async () => {
    const res = await h.post('importScores', { runDate: DAY1, runId: 'r', source: 'gs://bucket/scores.csv' });
    expect(res.status).toBe(400);
    expect(res.json.error.message).toContain('gs://');
  });
});
