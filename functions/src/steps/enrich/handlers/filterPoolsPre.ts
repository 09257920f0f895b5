/**
 * Step 2, filterPoolsPre: the day's pools (the ids of `poolSnapshots/{runDate}`, attributes from the
 * `pools` registry) + market caps (latest `priceDaily` marketCap on or before the as-of day, per
 * approved token) + parameters → prefilter.ts → every decision with every reason
 * (`prefilter/{runDate}`) and the survivors (`eligiblePools/{runDate}`). The response's counts say
 * how many pools each rule removed (`removedBy.<rule>`), which `npm run local-workflow` prints.
 */
import type { Firestore } from '@google-cloud/firestore';
import { newDocIo, writeCrossSection, type DocIo } from '../../../lib/cross-section';
import { addDays } from '../../../lib/dates';
import { getFirestore } from '../../../lib/firestore';
import { monthsBetween, readSeries } from '../../../lib/series';
import { defineStep, type StepResult } from '../../../lib/step';
import { INGEST_COLLECTIONS, loadRunParams } from '../../ingest/common';
import { filterPoolsPre as prefilterCore, type MarketCaps, type PoolRecord } from '../prefilter';
import { asOfDay, ENRICH_COLLECTIONS, finish, MissingInputError } from './common';

/** Ids of the pools DefiLlama listed on runDate (the snapshot fetchPools wrote). */
async function snapshotIds(db: Firestore, runDate: string, io: DocIo): Promise<string[]> {
  const ref = db.collection(INGEST_COLLECTIONS.poolSnapshots).doc(runDate);
  const manifest = await ref.get();
  io.reads += 1;
  if (!manifest.exists) throw new MissingInputError(`${INGEST_COLLECTIONS.poolSnapshots}/${runDate}`, 'fetchPools');
  const n = Number(manifest.get('chunks') ?? 0);
  if (n === 0) return [];
  const chunks = await db.getAll(...Array.from({ length: n }, (_, i) => ref.collection('chunks').doc(String(i).padStart(4, '0'))));
  io.reads += n;
  return chunks.flatMap((c) => (c.get('ids') as string[] | undefined) ?? []);
}

const REGISTRY_FIELDS = ['project', 'chain', 'symbol', 'underlyingTokens', 'poolMeta', 'tvlUsd', 'apy', 'apyBase', 'apyReward'];

/**
 * Registry records of the given ids. Pools seen on or after runDate are read with one query, which
 * skips the pools that went inactive earlier (they pile up over the years). `lastSeen` is the date
 * of the LAST fetchPools that listed the pool, so a run for an earlier date (a backfill, or a run
 * for the day before going on at the same time) may have set it below this runDate after this
 * date's fetchPools: snapshot ids the query did not return are read by id.
 */
async function registryRecords(db: Firestore, ids: readonly string[], runDate: string, io: DocIo): Promise<{ pools: PoolRecord[]; missing: string[] }> {
  const snap = await db
    .collection(INGEST_COLLECTIONS.pools)
    .where('lastSeen', '>=', runDate)
    .select(...REGISTRY_FIELDS)
    .get();
  io.reads += Math.max(1, snap.size);
  const byId = new Map<string, FirebaseFirestore.DocumentSnapshot>(snap.docs.map((d) => [d.id, d]));
  const unseen = ids.filter((id) => !byId.has(id));
  for (let i = 0; i < unseen.length; i += 500) {
    const refs = unseen.slice(i, i + 500).map((id) => db.collection(INGEST_COLLECTIONS.pools).doc(id));
    const docs = await db.getAll(...refs, { fieldMask: REGISTRY_FIELDS });
    io.reads += refs.length;
    for (const d of docs) if (d.exists) byId.set(d.id, d);
  }
  const pools: PoolRecord[] = [];
  const missing: string[] = [];
  for (const id of ids) {
    const d = byId.get(id);
    if (!d) {
      missing.push(id);
      continue;
    }
    const g = (f: string) => d.get(f) as unknown;
    const numOrNull = (v: unknown) => (typeof v === 'number' ? v : null);
    pools.push({
      pool: id,
      project: String(g('project') ?? ''),
      chain: String(g('chain') ?? ''),
      symbol: String(g('symbol') ?? ''),
      underlyingTokens: Array.isArray(g('underlyingTokens')) ? (g('underlyingTokens') as string[]) : null,
      poolMeta: typeof g('poolMeta') === 'string' ? (g('poolMeta') as string) : null,
      tvlUsd: numOrNull(g('tvlUsd')),
      apy: numOrNull(g('apy')),
      apyBase: numOrNull(g('apyBase')),
      apyReward: numOrNull(g('apyReward')),
    });
  }
  return { pools, missing };
}

/** Latest known market cap on or before `asOf` (two months back at most), per symbol. */
async function marketCaps(db: Firestore, symbols: readonly string[], asOf: string, io: DocIo): Promise<MarketCaps> {
  const months = monthsBetween(addDays(asOf, -45), asOf);
  const caps: Record<string, number | null> = {};
  for (const symbol of symbols) {
    const series = await readSeries<{ marketCap?: unknown }>(db, INGEST_COLLECTIONS.priceDaily, symbol, months);
    io.reads += months.length;
    let cap: number | null = null;
    for (const [day, v] of series) if (day <= asOf && typeof v.marketCap === 'number' && Number.isFinite(v.marketCap)) cap = v.marketCap;
    caps[symbol] = cap;
  }
  return caps;
}

export const filterPoolsPre = defineStep({ name: 'filterPoolsPre' }, async (body, ctx): Promise<StepResult> => {
  const db = getFirestore();
  const io = newDocIo();
  const params = await loadRunParams(db, body.runDate);
  io.reads += 1;
  const ids = await snapshotIds(db, body.runDate, io);
  const { pools, missing } = await registryRecords(db, ids, body.runDate, io);
  const caps = await marketCaps(db, params.approvedTokens.map((t) => t.symbol), asOfDay(body.runDate), io);

  const result = prefilterCore(pools, body.runDate, params, caps);
  const decisions = result.decisions;
  await writeCrossSection(
    db,
    ENRICH_COLLECTIONS.prefilter,
    body.runDate,
    { pools: decisions.length, eligible: result.passed.length, removed: decisions.length - result.passed.length, removedBy: result.removedBy, marketCaps: caps },
    decisions.map((d) => d.pool),
    {
      passed: decisions.map((d) => d.passed),
      reasons: decisions.map((d) => ({ v: d.reasons })),
      approvedSymbols: decisions.map((d) => ({ v: d.approvedSymbols })),
    },
    io,
  );
  const passed = decisions.filter((d) => d.passed);
  const byId = new Map(pools.map((p) => [p.pool, p]));
  await writeCrossSection(
    db,
    ENRICH_COLLECTIONS.eligiblePools,
    body.runDate,
    { pools: passed.length },
    passed.map((d) => d.pool),
    {
      project: passed.map((d) => byId.get(d.pool)!.project),
      symbol: passed.map((d) => byId.get(d.pool)!.symbol),
      approvedSymbols: passed.map((d) => ({ v: d.approvedSymbols })),
    },
    io,
  );

  const warnings: string[] = [];
  if (missing.length) warnings.push(`${missing.length} pool(s) of the snapshot are missing from the registry and were not evaluated (e.g. ${missing.slice(0, 3).join(', ')})`);
  const unknownCaps = Object.entries(caps).filter(([, v]) => v === null).map(([s]) => s);
  if (unknownCaps.length) warnings.push(`no market cap for ${unknownCaps.join(', ')}: pools holding them are removed (market-cap-unknown)`);
  const removedBy = Object.fromEntries(Object.entries(result.removedBy).filter(([, n]) => n > 0).map(([code, n]) => [`removedBy.${code}`, n]));
  return finish(
    db,
    ctx,
    {
      status: missing.length ? 'degraded' : 'ok',
      counts: { pools: decisions.length, eligible: result.passed.length, removed: decisions.length - result.passed.length, ...removedBy },
      warnings,
      extra: { removedBy: result.removedBy },
    },
    io,
  );
});
