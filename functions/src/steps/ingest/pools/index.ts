/**
 * Step 1, fetchPools (DOMAIN.md): DefiLlama `/pools` → raw layer (verbatim) → validate → the pool
 * registry `pools/{uuid}` (merge upsert: only fields present are set, fields learned elsewhere stay;
 * pools absent today become inactive) and the day's cross-section snapshot
 * `poolSnapshots/{runDate}` (+ `chunks/{i}`, columnar, written before the manifest). Per-pool
 * monthly history documents come from /chart (fetchPoolHistories), not from here: the snapshot keeps
 * the daily cost at ~N/5000 writes instead of N.
 */
import { FieldValue, type Firestore } from '@google-cloud/firestore';
import { getFirestore } from '../../../lib/firestore';
import { RawRecorder } from '../../../lib/raw-layer';
import { commitWrites, type PlannedWrite } from '../../../lib/series';
import { defineStep, type StepResult } from '../../../lib/step';
import { INGEST_COLLECTIONS, noteStepInRun, withRawLayer } from '../common';
import { defillamaClient, fetchPoolsPayload, SOURCE } from './fetch';
import { normalizePools, planRegistry, snapshotChunks, type PoolRecord, type RegistryState } from './normalize';

async function readRegistry(db: Firestore): Promise<Map<string, RegistryState>> {
  const snap = await db.collection(INGEST_COLLECTIONS.pools).select('active', 'lastSeen').get();
  const out = new Map<string, RegistryState>();
  for (const d of snap.docs) {
    const lastSeen = d.get('lastSeen');
    out.set(d.id, { active: d.get('active') === true, lastSeen: typeof lastSeen === 'string' ? lastSeen : null });
  }
  return out;
}

function registryData(record: PoolRecord, runDate: string, created: boolean): Record<string, unknown> {
  const { id: _id, ...fields } = record;
  return { ...fields, lastSeen: runDate, active: true, inactiveSince: FieldValue.delete(), ...(created ? { firstSeen: runDate } : {}) };
}

export const fetchPools = defineStep({ name: 'fetchPools' }, async (body, ctx): Promise<StepResult> => {
  const db = getFirestore();
  const raw = new RawRecorder(db, SOURCE, body.runDate, body.runId ?? null);
  const payload = await withRawLayer(raw, () => fetchPoolsPayload(defillamaClient(), raw));

  // Everything validated: only now does the clean layer change.
  const { pools, duplicates, warnings } = normalizePools(payload.data);
  const plan = planRegistry(pools, await readRegistry(db), body.runDate);

  const snapshotRef = db.collection(INGEST_COLLECTIONS.poolSnapshots).doc(body.runDate);
  const previous = await snapshotRef.get();
  const chunks = snapshotChunks(pools);
  const writes: PlannedWrite[] = [{ ref: snapshotRef, delete: true }];
  await commitWrites(db, writes);
  const chunkWrites: PlannedWrite[] = chunks.map((c) => ({ ref: snapshotRef.collection('chunks').doc(String(c.index).padStart(4, '0')), data: { ...c }, replace: true }));
  const previousChunks = Number(previous.get('chunks') ?? 0);
  for (let i = chunks.length; i < previousChunks; i++) chunkWrites.push({ ref: snapshotRef.collection('chunks').doc(String(i).padStart(4, '0')), delete: true });
  const registryWrites: PlannedWrite[] = [
    ...plan.upserts.map(({ record, created }) => ({ ref: db.collection(INGEST_COLLECTIONS.pools).doc(record.id), data: registryData(record, body.runDate, created), merge: true as const })),
    ...plan.deactivate.map((id) => ({ ref: db.collection(INGEST_COLLECTIONS.pools).doc(id), data: { active: false, inactiveSince: body.runDate }, merge: true as const })),
  ];
  await commitWrites(db, [...chunkWrites, ...registryWrites]);
  // The manifest last: a snapshot without it is incomplete.
  await snapshotRef.set({ runDate: body.runDate, source: 'DefiLlama /pools', pools: pools.length, chunks: chunks.length, rowsPerChunk: chunks[0]?.ids.length ?? 0 });

  if (plan.skippedNewer > 0) warnings.push(`${plan.skippedNewer} pool(s) already seen after ${body.runDate}: registry left as is`);
  const result: StepResult = {
    status: 'ok',
    counts: {
      pools: pools.length,
      created: plan.upserts.filter((u) => u.created).length,
      updated: plan.upserts.filter((u) => !u.created).length,
      deactivated: plan.deactivate.length,
      duplicates,
      snapshotChunks: chunks.length,
      rawBytes: raw.totalBytes,
      documentsWritten: chunkWrites.length + registryWrites.length + 1,
    },
    warnings,
  };
  ctx.log.info('pools ingested', { counts: result.counts });
  await noteStepInRun(db, ctx, result);
  return result;
});
