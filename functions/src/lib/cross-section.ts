/**
 * Per-day cross-sections (one value per pool for one runDate) stored column-wise in chunks under
 * the 1 MiB document limit (DESIGN.md), the same shape fetchPools gives `poolSnapshots/{runDate}`:
 *
 *   {collection}/{runDate}                 manifest: the caller's fields + {rows, chunks}, written LAST
 *   {collection}/{runDate}/chunks/{0000}   {index, ids: [...], <column>: [...]} for a slice of rows
 *
 * Chunks are cut by estimated size (JSON length, which over-estimates Firestore's 8-byte numbers),
 * not by a fixed row count, because a row can be one number (groups) or a covariance row.
 * Nothing half-written: the manifest is deleted first and rewritten last, so a reader that finds
 * a manifest finds every chunk it lists; a rerun overwrites chunks in place and deletes the surplus.
 * Firestore forbids arrays directly inside arrays: a column whose cells are arrays must wrap them
 * in a map (e.g. `{v: [...]}`).
 */
import type { Firestore } from '@google-cloud/firestore';
import { commitWrites, type PlannedWrite } from './series';

/** ~600 KB of JSON per chunk leaves ample room under 1 MiB for field names and overhead. */
export const CROSS_SECTION_CHUNK_BYTES = 600_000;

/** Documents touched, for the step's counts (the bench sums them over the phase). */
export interface DocIo {
  reads: number;
  writes: number;
}

export function newDocIo(): DocIo {
  return { reads: 0, writes: 0 };
}

export type Columns = Record<string, unknown[]>;

export interface CrossSection<M extends Record<string, unknown> = Record<string, unknown>> {
  manifest: M & { rows: number; chunks: number };
  ids: string[];
  columns: Columns;
}

const chunkId = (i: number): string => String(i).padStart(4, '0');

/** Pure: row ranges [start, end) whose estimated size stays under `maxBytes` (at least one row each). */
export function planChunks(ids: readonly string[], columns: Columns, maxBytes = CROSS_SECTION_CHUNK_BYTES): Array<[number, number]> {
  const names = Object.keys(columns);
  for (const n of names) {
    if (columns[n].length !== ids.length) throw new RangeError(`column ${n} has ${columns[n].length} rows, ids has ${ids.length}`);
  }
  const out: Array<[number, number]> = [];
  let start = 0;
  let size = 0;
  for (let i = 0; i < ids.length; i++) {
    let row = ids[i].length + 4;
    for (const n of names) row += (JSON.stringify(columns[n][i]) ?? 'null').length + 1;
    if (i > start && size + row > maxBytes) {
      out.push([start, i]);
      start = i;
      size = 0;
    }
    size += row;
  }
  if (ids.length > start || out.length === 0) out.push([start, ids.length]);
  return out;
}

/** Writes one runDate's cross-section (manifest last); returns the number of documents written. */
export async function writeCrossSection(
  db: Firestore,
  collection: string,
  runDate: string,
  manifest: Record<string, unknown>,
  ids: readonly string[],
  columns: Columns,
  io: DocIo = newDocIo(),
  maxBytes = CROSS_SECTION_CHUNK_BYTES,
): Promise<number> {
  const ref = db.collection(collection).doc(runDate);
  const previous = await ref.get();
  io.reads += 1;
  const previousChunks = Number(previous.get('chunks') ?? 0);
  if (previous.exists) {
    await ref.delete();
    io.writes += 1;
  }
  const ranges = planChunks(ids, columns, maxBytes);
  const writes: PlannedWrite[] = ranges.map(([a, b], index) => {
    const data: Record<string, unknown> = { index, ids: ids.slice(a, b) };
    for (const [name, values] of Object.entries(columns)) data[name] = values.slice(a, b);
    return { ref: ref.collection('chunks').doc(chunkId(index)), data, replace: true };
  });
  for (let i = ranges.length; i < previousChunks; i++) writes.push({ ref: ref.collection('chunks').doc(chunkId(i)), delete: true });
  // A covariance chunk nears 1 MB: a few per batch keeps each commit well under the 10 MiB request cap.
  await commitWrites(db, writes, 8, 2);
  await ref.set({ ...manifest, runDate, rows: ids.length, chunks: ranges.length });
  io.writes += writes.length + 1;
  return writes.length + 1;
}

/** Reads a cross-section back; undefined when the manifest is missing (never written, or mid-write). */
export async function readCrossSection<M extends Record<string, unknown> = Record<string, unknown>>(
  db: Firestore,
  collection: string,
  runDate: string,
  io: DocIo = newDocIo(),
): Promise<CrossSection<M> | undefined> {
  const ref = db.collection(collection).doc(runDate);
  const snap = await ref.get();
  io.reads += 1;
  if (!snap.exists) return undefined;
  const manifest = snap.data() as M & { rows: number; chunks: number };
  const ids: string[] = [];
  const columns: Columns = {};
  if (manifest.chunks > 0) {
    const chunks = await db.getAll(...Array.from({ length: manifest.chunks }, (_, i) => ref.collection('chunks').doc(chunkId(i))));
    io.reads += chunks.length;
    for (const c of chunks) {
      if (!c.exists) throw new Error(`${collection}/${runDate}: chunk ${c.id} missing (partial write; rerun the step)`);
      const data = c.data() as Record<string, unknown>;
      ids.push(...(data.ids as string[]));
      for (const [name, values] of Object.entries(data)) {
        if (name === 'ids' || name === 'index') continue;
        (columns[name] ??= []).push(...(values as unknown[]));
      }
    }
  }
  if (ids.length !== manifest.rows) throw new Error(`${collection}/${runDate}: ${ids.length} rows in chunks, manifest says ${manifest.rows}`);
  return { manifest, ids, columns };
}
