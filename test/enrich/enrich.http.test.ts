/**
 * The clean/enrich steps end to end through real HTTP: startRun + ingestion against the market
 * stand-ins (enrichMarket), then filterPoolsPre → fetchPoolHistories → computeMetrics → groupPools →
 * updateIcebox → buildFeatures on the embedded Firestore emulator. Checks the stored documents
 * against the pure cores, rerun identity, a second day (only missing days fetched), and a pool
 * whose /chart fails persistently (degraded, others stored).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readCrossSection } from '../../functions/src/lib/cross-section';
import { DEFAULT_PARAMS } from '../../functions/src/lib/params';
import { readMeanVarianceFeatures } from '../../functions/src/steps/enrich/handlers/buildFeatures';
import { buildCleanPanel } from '../../functions/src/steps/enrich/clean';
import { groupFor } from '../../functions/src/steps/enrich/groups';
import { computeMetrics, metricsAt } from '../../functions/src/steps/enrich/metrics';
import { useIngestHarness } from '../ingest/harness';
import { chart, chartApy, DAY1, DAY2, DUPLICATE, enrichMarket, FLAT_POOL, GAP, ONE_DAY_POOL, OUTLIER, POOL_CASES, poolId, VOLATILE_POOL } from './fake-market';

const ENRICH_OUT = ['prefilter', 'eligiblePools', 'poolHistory', 'poolClean', 'poolMetrics', 'poolGroups', 'iceboxHistory', 'icebox', 'features'];
const h = useIngestHarness('enrich-http', { source: enrichMarket, nested: ['raw', 'poolSnapshots', ...ENRICH_OUT] });
const ENRICH = ['filterPoolsPre', 'fetchPoolHistories', 'computeMetrics', 'groupPools', 'updateIcebox', 'buildFeatures'] as const;
const ARBITRUM = [0, 4, 8, 12, 16, 20, 24, 28];

let scoresFile: string;
beforeAll(() => {
  scoresFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'enrich-scores-')), 'scores.csv');
  fs.writeFileSync(scoresFile, 'date,key,provider,score\n2025-02-15,aave-v3,acme,80\n2025-02-15,compound-v3,acme,60\n2025-02-15,curve-dex,acme,60\n');
});

async function ingest(runDate: string): Promise<string> {
  h.market().clock.set(runDate);
  const start = await h.post('startRun', { runDate });
  expect(start.status).toBe(200);
  const runId = start.json.runId as string;
  for (const [step, extra] of [['fetchPools', {}], ['fetchPrices', {}], ['importScores', { source: scoresFile }]] as const) {
    const res = await h.post(step, { runDate, runId, ...extra });
    expect({ step, status: res.status }).toEqual({ step, status: 200 });
  }
  return runId;
}

async function enrich(runDate: string, runId: string, expectStatus: Partial<Record<(typeof ENRICH)[number], string>> = {}) {
  const out: Record<string, any> = {};
  for (const step of ENRICH) {
    const res = await h.post(step, { runDate, runId });
    expect({ step, status: res.status, body: res.status === 200 ? res.json.status : res.json }).toEqual({ step, status: 200, body: expectStatus[step] ?? 'ok' });
    out[step] = res.json;
  }
  return out;
}

/** The enrich layer's documents, minus fields that legitimately differ between reruns. */
async function enrichDump() {
  const all = await h.dump(ENRICH_OUT, ['runId', 'updatedAt']);
  return all;
}

describe('clean and enrich over HTTP', () => {
  it('day 1, a rerun of it, then day 2', async () => {
    const db = h.db();
    const run1 = await ingest(DAY1);
    const r1 = await enrich(DAY1, run1);

    // ---- filterPoolsPre: every reason recorded per pool, counts per rule ----
    const f = r1.filterPoolsPre;
    expect(f.counts).toMatchObject({ pools: 30, eligible: 16, removed: 14 });
    expect(f.removedBy).toMatchObject({
      'chain-not-allowed': ARBITRUM.length,
      'protocol-not-approved': 2,
      'token-not-approved': 1,
      'token-blacklisted': 2,
      'market-cap-below-floor': 1,
      'pendle-no-approved-token': 1,
      'underlying-tokens-unknown': 1,
      'market-cap-unknown': 0,
    });
    expect(f.counts['removedBy.chain-not-allowed']).toBe(ARBITRUM.length);
    const pre = (await readCrossSection(db, 'prefilter', DAY1))!;
    expect(pre.manifest).toMatchObject({ pools: 30, eligible: 16 });
    const reasonsOf = (i: number) => ((pre.columns.reasons[pre.ids.indexOf(poolId(i))] as { v: Array<{ code: string }> }).v).map((r) => r.code).sort();
    for (const [i, c] of Object.entries(POOL_CASES)) {
      const expected = [...c.reasons, ...(ARBITRUM.includes(Number(i)) && !c.reasons.includes('chain-not-allowed') ? ['chain-not-allowed'] : [])].sort();
      expect({ i, reasons: reasonsOf(Number(i)) }).toEqual({ i, reasons: expected });
    }
    expect(reasonsOf(0)).toEqual(['chain-not-allowed']);
    const eligible = (await readCrossSection(db, 'eligiblePools', DAY1))!;
    expect(eligible.ids).toHaveLength(16);
    expect(eligible.ids).toContain(poolId(6)); // Pendle PT with USDC among its underlying tokens
    expect(eligible.columns.approvedSymbols[eligible.ids.indexOf(poolId(6))]).toEqual({ v: ['USDC'] });

    // ---- fetchPoolHistories: full charts on the first day, up to DAY1 − 1, raw kept ----
    expect(r1.fetchPoolHistories.counts).toMatchObject({ eligible: 16, requested: 16, fetched: 16, failed: 0, gapDays: 1 });
    const raw = (await db.doc(`raw/defillama-chart/days/${DAY1}`).get()).data()!;
    expect(raw).toMatchObject({ status: 'complete' });
    expect(raw.payloads).toHaveLength(16);
    const feb = (await db.doc(`poolHistory/${poolId(GAP.pool)}_2025-02`).get()).data()!;
    expect(Object.keys(feb.points)).toHaveLength(28);
    expect(feb.points[GAP.day]).toMatchObject({ apy: null, tvlUsd: null, ingestedOn: DAY1 }); // explicit gap
    expect(feb.points['2025-02-14'].apy).toBe(chartApy(GAP.pool, '2025-02-14'));
    expect((await db.doc(`poolHistory/${poolId(GAP.pool)}_2025-03`).get()).exists).toBe(false); // DAY1's row still moving
    expect((await db.doc(`poolHistory/${poolId(DUPLICATE.pool)}_2025-02`).get()).get('points')[DUPLICATE.day].apy).toBe(chartApy(DUPLICATE.pool, DUPLICATE.day));
    expect(Object.keys((await db.doc(`poolHistory/${poolId(ONE_DAY_POOL)}_2025-02`).get()).get('points'))).toEqual(['2025-02-28']);

    // ---- computeMetrics: equals the pure core on the pool's own series ----
    const metrics = (await readCrossSection(db, 'poolMetrics', DAY1))!;
    for (const i of [GAP.pool, FLAT_POOL, ONE_DAY_POOL, VOLATILE_POOL, 14]) {
      const rows = chart(i, DAY1).filter((r) => r.timestamp.slice(0, 10) < DAY1);
      const panel = buildCleanPanel({ p: rows }, '2024-12-01', '2025-02-28');
      const expected = metricsAt(computeMetrics(panel.apy, 1, panel.days.length), 0, panel.days.length - 1);
      const k = metrics.ids.indexOf(poolId(i));
      const stored = Object.fromEntries(Object.keys(expected).map((f) => [f, metrics.columns[f][k]]));
      for (const [field, v] of Object.entries(expected)) {
        if (v === null) expect({ i, field, v: stored[field] }).toEqual({ i, field, v: null });
        else expect(stored[field]).toBeCloseTo(v as number, 10);
      }
    }
    const at = (i: number, field: string) => metrics.columns[field][metrics.ids.indexOf(poolId(i))] as number | null;
    expect(at(FLAT_POOL, 'std30')).toBe(0);
    expect(at(ONE_DAY_POOL, 'count')).toBe(1);
    expect(at(ONE_DAY_POOL, 'std7')).toBeNull();
    const clean = (await readCrossSection(db, 'poolClean', DAY1))!;
    expect(clean.columns.outlierDays[clean.ids.indexOf(poolId(OUTLIER.pool))]).toEqual({ v: [OUTLIER.day] });
    // The flags over the whole history equal the core's on the eligible pools' charts.
    const full = buildCleanPanel(Object.fromEntries(eligible.ids.map((id) => [id, chart(Number(id.slice(0, 8)), DAY1)])), '2024-12-01', '2025-02-28');
    const flagged = (ids: string[], daysOf: (id: string, k: number) => string[]) => ids.flatMap((id, k) => daysOf(id, k).map((d) => `${id} ${d}`)).sort();
    const expectedFlags = flagged(full.pools, (_, k) => full.days.filter((_, d) => full.outlier[k * full.days.length + d] === 1));
    expect(flagged(clean.ids, (_, k) => (clean.columns.outlierDays[k] as { v: string[] }).v)).toEqual(expectedFlags);
    expect(r1.computeMetrics.counts.flaggedPoolDays).toBe(expectedFlags.length);

    // ---- groupPools: the groups the core gives the stored metrics ----
    const groups = (await readCrossSection(db, 'poolGroups', DAY1))!;
    groups.ids.forEach((id, k) => {
      const j = metrics.ids.indexOf(id);
      const expected = groupFor({ deltaAbs: metrics.columns.deltaAbs[j] as number | null, std7: metrics.columns.std7[j] as number | null, std30: metrics.columns.std30[j] as number | null }, DEFAULT_PARAMS.groupThresholds);
      expect({ id, g: groups.columns.group[k] }).toEqual({ id, g: expected });
    });
    expect(groups.columns.group[groups.ids.indexOf(poolId(FLAT_POOL))]).toBe(1);
    expect(groups.columns.group[groups.ids.indexOf(poolId(ONE_DAY_POOL))]).toBe(4);
    expect(groups.columns.group[groups.ids.indexOf(poolId(VOLATILE_POOL))]).toBe(3);
    expect(r1.groupPools.counts.pools).toBe(16);

    // ---- updateIcebox: GUSD's two lows below 0.98 → iceboxed, in startRun's format ----
    expect(r1.updateIcebox.counts).toMatchObject({ added: 1, removed: 0, active: 1 });
    const icebox = (await db.doc('icebox/current').get()).data()!;
    const gusd = icebox.tokens.find((t: any) => t.symbol === 'GUSD');
    expect(gusd).toMatchObject({ addedAt: '2025-02-27', removedAt: null, rules: ['low'] });
    expect(gusd.reason).toContain('daily low below 0.98');

    // ---- buildFeatures ----
    const feats = await readMeanVarianceFeatures(db, DAY1);
    expect(feats.assets).toHaveLength(16);
    const a = feats.assets.indexOf(poolId(FLAT_POOL));
    expect(feats.expectedReturns[a]).toBeCloseTo(5 / 100 / 365, 15);
    expect(feats.covariance[a][a]).toBeCloseTo(0, 15);
    const v = feats.assets.indexOf(poolId(VOLATILE_POOL));
    // Alternating 2 / 12 over 20 days: sample variance of the daily return = (5/36500)^2 · 20/19.
    expect(feats.covariance[v][v]).toBeCloseTo((5 / 36500) ** 2 * (20 / 19), 15);
    for (let x = 0; x < feats.assets.length; x++) for (let y = 0; y < x; y++) expect(feats.covariance[x][y]).toBe(feats.covariance[y][x]);
    const aave = feats.assets.indexOf(poolId(3)); // pool 3: aave-v3 (i % 3 === 0)
    expect(feats.scores[aave]).toBe(1);
    expect(feats.scores[feats.assets.indexOf(poolId(7))]).toBe(0.5); // compound-v3 ties curve-dex
    expect(r1.buildFeatures.counts).toMatchObject({ assets: 16, scored: 15, scoreProviders: 1 }); // pool 6 is Pendle: unscored

    // ---- rerun of DAY1: identical documents ----
    const before = await enrichDump();
    const again = await enrich(DAY1, await ingest(DAY1));
    expect(again.fetchPoolHistories.counts).toMatchObject({ requested: 16, daysWritten: r1.fetchPoolHistories.counts.daysWritten });
    expect(await enrichDump()).toEqual(before);

    // ---- DAY2: only the missing day is fetched; icebox recovery ----
    const r2 = await enrich(DAY2, await ingest(DAY2));
    expect(r2.filterPoolsPre.counts).toMatchObject({ pools: 29, eligible: 15 });
    expect(r2.fetchPoolHistories.counts).toMatchObject({ requested: 15, daysWritten: 15, gapDays: 0 });
    const mar = (await db.doc(`poolHistory/${poolId(GAP.pool)}_2025-03`).get()).data()!;
    expect(mar.points).toEqual({ [DAY1]: { apy: chartApy(GAP.pool, DAY1), tvlUsd: expect.any(Number), apyBase: chartApy(GAP.pool, DAY1), apyReward: null, ingestedOn: DAY2 } });
    const after = await enrichDump();
    for (const [p, doc] of Object.entries(before)) {
      if (!p.startsWith('poolHistory/')) continue;
      expect({ p, doc: after[p] }).toEqual({ p, doc }); // earlier days untouched
    }
    expect(r2.updateIcebox.counts).toMatchObject({ added: 0, removed: 1, active: 0 });
    const gusd2 = (await db.doc('icebox/current').get()).get('tokens').find((t: any) => t.symbol === 'GUSD');
    expect(gusd2).toMatchObject({ addedAt: '2025-02-27', removedAt: DAY1 });
    expect((await readCrossSection(db, 'poolMetrics', DAY2))!.manifest).toMatchObject({ asOf: DAY1 });

    // Rerunning the older date afterwards leaves the live icebox alone.
    const old = await enrich(DAY1, await ingest(DAY1));
    expect(old.updateIcebox.warnings.join(' ')).toContain('belongs to the later run');
    expect((await db.doc('icebox/current').get()).get('runDate')).toBe(DAY2);
  });

  it("one pool's /chart failing persistently: degraded, the others stored", async () => {
    const db = h.db();
    const runId = await ingest(DAY1);
    const bad = poolId(14);
    h.market().faults.configure({ rules: [{ match: { service: 'defillama', path: `/chart/${bad}` }, kind: '5xx' }] });
    for (const step of ['filterPoolsPre', 'fetchPoolHistories'] as const) {
      const res = await h.post(step, { runDate: DAY1, runId });
      expect(res.status).toBe(200);
      if (step === 'fetchPoolHistories') {
        expect(res.json.status).toBe('degraded');
        expect(res.json.counts).toMatchObject({ requested: 16, fetched: 15, failed: 1 });
        expect(res.json.failedPools).toEqual([bad]);
        expect(res.json.warnings[0]).toContain(bad);
      }
    }
    expect((await db.collection('poolHistory').where('series', '==', bad).get()).empty).toBe(true);
    expect((await db.collection('poolHistory').where('series', '==', poolId(3)).get()).size).toBe(3);
    h.market().faults.clear();
    // The rest of the phase runs on what there is: the failed pool has no metrics and sits in group 4.
    for (const step of ['computeMetrics', 'groupPools'] as const) expect((await h.post(step, { runDate: DAY1, runId })).status).toBe(200);
    const groups = (await readCrossSection(db, 'poolGroups', DAY1))!;
    expect(groups.columns.group[groups.ids.indexOf(bad)]).toBe(4);
    // The next attempt fetches the missing pool.
    const retry = await h.post('fetchPoolHistories', { runDate: DAY1, runId });
    expect(retry.json).toMatchObject({ status: 'ok', counts: { requested: 16, failed: 0 } });
  });

  it('a step whose input is missing fails with a message naming it', async () => {
    const res = await h.post('computeMetrics', { runDate: '2025-01-05', runId: 'x' });
    expect(res.status).toBe(500);
    expect(res.json.error.message).toContain('eligiblePools/2025-01-05 is missing: run filterPoolsPre');
  });
});
