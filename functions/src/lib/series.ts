/**
 * Time series in the clean layer: ONE document per (series, month) (DESIGN.md), so a year of a
 * daily series is 12 documents, not 365:
 *
 *   {collection}/{seriesKey}_{YYYY-MM} = { series, month, points: { <pointId>: {...values} } }
 *
 * `points` is a map keyed by the point's id (the day YYYY-MM-DD for daily series; a stable event id
 * for event series such as wallet transfers). A map rather than an array lets a step replace exactly
 * the points it owns with a blind write (set + mergeFields on `points.<id>`): no read-modify-write,
 * a rerun of the same runDate rewrites identical values, a new day adds one key, and points other
 * steps wrote are never touched. Readers get the points sorted by id (`readSeries`).
 */
import { FieldPath, type DocumentReference, type Firestore, type WriteBatch } from '@google-cloud/firestore';

export interface SeriesPoint<V extends Record<string, unknown>> {
  /** Unique within the series; for daily series the day itself. */
  id: string;
  /** UTC day YYYY-MM-DD; decides the month document. */
  date: string;
  value: V;
}

/** Series keys become document ids: no "/", and "_" separates the month. */
export function seriesKey(raw: string): string {
  return raw.replace(/[^A-Za-z0-9.+-]/g, '-');
}

export function seriesDocId(key: string, month: string): string {
  return `${seriesKey(key)}_${month}`;
}

/** Months YYYY-MM from the month of `from` to that of `to`, inclusive. */
export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let [y, m] = [Number(from.slice(0, 4)), Number(from.slice(5, 7))];
  const [ty, tm] = [Number(to.slice(0, 4)), Number(to.slice(5, 7))];
  while (y < ty || (y === ty && m <= tm)) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
    if (++m > 12) [y, m] = [y + 1, 1];
  }
  return out;
}

export interface SeriesWrite {
  ref: DocumentReference;
  data: Record<string, unknown>;
  mergeFields: Array<string | FieldPath>;
}

/** Pure: groups points by month into one write per (series, month) document. */
export function planSeriesWrites<V extends Record<string, unknown>>(
  db: Firestore,
  collection: string,
  key: string,
  points: ReadonlyArray<SeriesPoint<V>>,
  extra: Record<string, unknown> = {},
): SeriesWrite[] {
  const byMonth = new Map<string, SeriesPoint<V>[]>();
  for (const p of points) {
    const month = p.date.slice(0, 7);
    const list = byMonth.get(month) ?? [];
    list.push(p);
    byMonth.set(month, list);
  }
  const writes: SeriesWrite[] = [];
  for (const [month, list] of [...byMonth.entries()].sort()) {
    const pointsMap: Record<string, V> = {};
    for (const p of list) pointsMap[p.id] = p.value;
    writes.push({
      ref: db.collection(collection).doc(seriesDocId(key, month)),
      data: { series: key, month, ...extra, points: pointsMap },
      mergeFields: ['series', 'month', ...Object.keys(extra), ...Object.keys(pointsMap).map((id) => new FieldPath('points', id))],
    });
  }
  return writes;
}

/** A write the batch helper understands: series writes, plain merge upserts, updates. */
export type PlannedWrite =
  | SeriesWrite
  | { ref: DocumentReference; data: Record<string, unknown>; merge: true }
  | { ref: DocumentReference; data: Record<string, unknown>; replace: true }
  | { ref: DocumentReference; delete: true };

function add(batch: WriteBatch, w: PlannedWrite): void {
  if ('delete' in w) batch.delete(w.ref);
  else if ('mergeFields' in w) batch.set(w.ref, w.data, { mergeFields: w.mergeFields });
  else if ('merge' in w) batch.set(w.ref, w.data, { merge: true });
  else batch.set(w.ref, w.data);
}

/**
 * Commits writes in batches of ≤ `size` (Firestore allows 500), a few batches in flight. Batches are
 * not atomic together: callers validate everything first and write a completion marker last.
 */
export async function commitWrites(db: Firestore, writes: ReadonlyArray<PlannedWrite>, size = 400, parallel = 4): Promise<number> {
  const batches: PlannedWrite[][] = [];
  for (let i = 0; i < writes.length; i += size) batches.push(writes.slice(i, i + size));
  for (let i = 0; i < batches.length; i += parallel) {
    await Promise.all(
      batches.slice(i, i + parallel).map((group) => {
        const batch = db.batch();
        for (const w of group) add(batch, w);
        return batch.commit();
      }),
    );
  }
  return writes.length;
}

/** Reads the points of a series over some months: id → value (missing months are skipped). */
export async function readSeries<V = Record<string, unknown>>(db: Firestore, collection: string, key: string, months: string[]): Promise<Map<string, V>> {
  const out = new Map<string, V>();
  if (months.length === 0) return out;
  const snaps = await db.getAll(...months.map((m) => db.collection(collection).doc(seriesDocId(key, m))));
  for (const snap of snaps) {
    const points = (snap.get('points') ?? {}) as Record<string, V>;
    for (const id of Object.keys(points).sort()) out.set(id, points[id]);
  }
  return new Map([...out.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
