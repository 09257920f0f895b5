/**
 * Where a backtest run through the functions keeps its progress and output (Firestore):
 *
 *   backtests/{id}                      status running|done|reported, source, description, config
 *                                       (configJson + readable from/to/aumUsd), next/total days,
 *                                       stateChunks; after the report: summary and counts
 *   backtests/{id}/state/{0000..}       {index, json}: the resumable BacktestState WITHOUT its days
 *                                       (portfolios, depeg guard, remembered forecast methods), as
 *                                       JSON text cut into ≤ 300,000-character pieces (< 1 MiB each)
 *   backtests/{id}/days/{YYYY-MM-DD}    {date, json}: one BacktestDay each
 *   backtests/{id}/series/{0000..}      the daily series column-wise (date, NAV/costs/turnover per
 *                                       series, counts), chunked like lib/cross-section
 *   backtests/{id}/files/{name}         {contentType, bytes, chunks} for report.html and result.json,
 *   backtests/{id}/files/{name}/chunks/{0000..}   {index, data: Bytes} ≤ 900,000 bytes each
 *
 * Why the state is minimal: the days grow without bound (a year of transactions passes 1 MiB) and
 * the source caches (histories, gas) are rebuilt from the source on each call (engine.ts), so only
 * what carries over between days is stored. JSON text rather than Firestore maps because the state
 * contains arrays of arrays and must round-trip exactly as the engine's JSON contract says.
 *
 * A step's day documents, state pieces and progress are committed in ONE batch, so a crashed or
 * retried call leaves either the old state or the new one; replays are deterministic, so a
 * duplicated call rewrites the same values.
 */
import type { Firestore, WriteBatch } from '@google-cloud/firestore';
import { planChunks } from '../../lib/cross-section';
import { commitWrites, type PlannedWrite } from '../../lib/series';
import type { BacktestState } from './engine';
import type { BacktestConfig, BacktestDay, BacktestResult } from './types';
import { SERIES_NAMES } from './types';

export const BACKTESTS = 'backtests';
const STATE_PIECE_CHARS = 300_000; // ≤ 3 bytes per UTF-16 unit → < 900 KB per document
const FILE_CHUNK_BYTES = 900_000;

export type BacktestStatus = 'running' | 'done' | 'reported';

export interface BacktestDoc {
  backtestId: string;
  status: BacktestStatus;
  source: 'stored';
  description: string;
  configJson: string;
  from: string;
  to: string;
  aumUsd: number;
  next: number;
  total: number;
  stateChunks: number;
}

const pad = (i: number): string => String(i).padStart(4, '0');
type CoreState = Omit<BacktestState, 'days'>;

function statePieces(state: BacktestState): string[] {
  const { days: _days, ...core } = state;
  const json = JSON.stringify(core satisfies CoreState);
  const out: string[] = [];
  for (let i = 0; i < json.length; i += STATE_PIECE_CHARS) out.push(json.slice(i, i + STATE_PIECE_CHARS));
  return out.length ? out : ['{}'];
}

function putState(db: Firestore, batch: WriteBatch, id: string, state: BacktestState, previousChunks: number): number {
  const ref = db.collection(BACKTESTS).doc(id);
  const pieces = statePieces(state);
  pieces.forEach((json, index) => batch.set(ref.collection('state').doc(pad(index)), { index, json }));
  for (let i = pieces.length; i < previousChunks; i++) batch.delete(ref.collection('state').doc(pad(i)));
  return pieces.length;
}

export async function readBacktestDoc(db: Firestore, id: string): Promise<BacktestDoc | undefined> {
  const snap = await db.collection(BACKTESTS).doc(id).get();
  return snap.exists ? (snap.data() as BacktestDoc) : undefined;
}

/** Creates the backtest with its initial state (days run: none). */
export async function createBacktest(db: Firestore, id: string, state: BacktestState, total: number, description: string): Promise<BacktestDoc> {
  const ref = db.collection(BACKTESTS).doc(id);
  const batch = db.batch();
  const stateChunks = putState(db, batch, id, state, 0);
  const c = state.config;
  const doc: BacktestDoc = { backtestId: id, status: 'running', source: 'stored', description, configJson: JSON.stringify(c), from: c.from, to: c.to, aumUsd: c.aumUsd, next: state.next, total, stateChunks };
  batch.set(ref, { ...doc, createdAt: new Date(), updatedAt: new Date() });
  await batch.commit();
  return doc;
}

/** The stored state, days left out (the engine only appends to them). */
export async function loadState(db: Firestore, doc: BacktestDoc): Promise<BacktestState> {
  const ref = db.collection(BACKTESTS).doc(doc.backtestId);
  const snaps = await db.getAll(...Array.from({ length: doc.stateChunks }, (_, i) => ref.collection('state').doc(pad(i))));
  const missing = snaps.find((s) => !s.exists);
  if (missing) throw new Error(`${ref.path}: state piece ${missing.id} missing`);
  const core = JSON.parse(snaps.map((s) => String(s.get('json'))).join('')) as CoreState;
  return { ...core, days: [] };
}

/** Commits the days run by one call, the new state and the progress together. */
export async function saveProgress(db: Firestore, doc: BacktestDoc, state: BacktestState, newDays: readonly BacktestDay[], total: number): Promise<void> {
  const ref = db.collection(BACKTESTS).doc(doc.backtestId);
  const batch = db.batch();
  for (const d of newDays) batch.set(ref.collection('days').doc(d.date), { date: d.date, json: JSON.stringify(d) });
  const stateChunks = putState(db, batch, doc.backtestId, state, doc.stateChunks);
  const done = state.next >= total;
  batch.update(ref, { next: state.next, stateChunks, status: done ? 'done' : 'running', updatedAt: new Date() });
  await batch.commit();
}

/** Every day run so far, in date order. */
export async function readDays(db: Firestore, id: string): Promise<BacktestDay[]> {
  const snap = await db.collection(BACKTESTS).doc(id).collection('days').orderBy('date').get();
  return snap.docs.map((d) => JSON.parse(String(d.get('json'))) as BacktestDay);
}

export function configOf(doc: BacktestDoc): BacktestConfig {
  return JSON.parse(doc.configJson) as BacktestConfig;
}

/** The daily series column-wise (what a dashboard plots), one column per value. */
export function seriesColumns(days: readonly BacktestDay[]): Record<string, unknown[]> {
  const cols: Record<string, unknown[]> = { date: days.map((d) => d.date) };
  for (const s of SERIES_NAMES) {
    const cap = s[0].toUpperCase() + s.slice(1);
    cols[`nav${cap}`] = days.map((d) => d.nav[s]);
    cols[`costs${cap}`] = days.map((d) => d.costs[s].totalUsd);
    cols[`turnover${cap}`] = days.map((d) => d.turnover[s]);
  }
  cols.feasible = days.map((d) => d.feasible);
  cols.eligible = days.map((d) => d.counts.eligible);
  cols.held = days.map((d) => d.counts.held);
  return cols;
}

/** A file as Bytes chunks under files/{name} (manifest last, surplus chunks of an earlier write deleted). */
async function writeFile(db: Firestore, id: string, name: string, contentType: string, content: string): Promise<number> {
  const ref = db.collection(BACKTESTS).doc(id).collection('files').doc(name);
  const bytes = Buffer.from(content, 'utf8');
  const previous = Number((await ref.get()).get('chunks') ?? 0);
  const n = Math.max(1, Math.ceil(bytes.length / FILE_CHUNK_BYTES));
  const writes: PlannedWrite[] = [];
  for (let i = 0; i < n; i++) writes.push({ ref: ref.collection('chunks').doc(pad(i)), data: { index: i, data: bytes.subarray(i * FILE_CHUNK_BYTES, (i + 1) * FILE_CHUNK_BYTES) }, replace: true });
  for (let i = n; i < previous; i++) writes.push({ ref: ref.collection('chunks').doc(pad(i)), delete: true });
  // A chunk is ~0.9 MB: two per batch keeps each commit well under the 10 MiB request cap.
  await commitWrites(db, writes, 2, 2);
  await ref.set({ name, contentType, bytes: bytes.length, chunks: n, updatedAt: new Date() });
  return n;
}

/** A stored file's content (undefined when it was never written). */
export async function readBacktestFile(db: Firestore, id: string, name: string): Promise<string | undefined> {
  const ref = db.collection(BACKTESTS).doc(id).collection('files').doc(name);
  const snap = await ref.get();
  if (!snap.exists) return undefined;
  const n = Number(snap.get('chunks'));
  const chunks = await db.getAll(...Array.from({ length: n }, (_, i) => ref.collection('chunks').doc(pad(i))));
  return Buffer.concat(chunks.map((c) => Buffer.from(c.get('data') as Uint8Array))).toString('utf8');
}

export interface ReportCounts {
  days: number;
  seriesChunks: number;
  reportBytes: number;
  reportChunks: number;
  resultBytes: number;
  resultChunks: number;
}

/** Writes the summary, the daily series, report.html and result.json; marks the backtest reported. */
export async function writeReport(db: Firestore, id: string, result: BacktestResult, html: string): Promise<ReportCounts> {
  const ref = db.collection(BACKTESTS).doc(id);
  const cols = seriesColumns(result.days);
  const dates = cols.date as string[];
  const ranges = planChunks(dates, cols);
  const previous = Number((await ref.get()).get('seriesChunks') ?? 0);
  const writes: PlannedWrite[] = ranges.map(([a, b], index) => ({
    ref: ref.collection('series').doc(pad(index)),
    data: { index, ...Object.fromEntries(Object.entries(cols).map(([k, v]) => [k, v.slice(a, b)])) },
    replace: true,
  }));
  for (let i = ranges.length; i < previous; i++) writes.push({ ref: ref.collection('series').doc(pad(i)), delete: true });
  await commitWrites(db, writes, 8, 2);
  const resultJson = `${JSON.stringify(result, null, 1)}\n`;
  const reportChunks = await writeFile(db, id, 'report.html', 'text/html; charset=utf-8', html);
  const resultChunks = await writeFile(db, id, 'result.json', 'application/json', resultJson);
  const counts: ReportCounts = {
    days: result.days.length,
    seriesChunks: ranges.length,
    reportBytes: Buffer.byteLength(html),
    reportChunks,
    resultBytes: Buffer.byteLength(resultJson),
    resultChunks,
  };
  // JSON round trip: the summary holds nulls where a metric is undefined, never `undefined`.
  await ref.update({ status: 'reported', summary: JSON.parse(JSON.stringify(result.summary)), seriesChunks: ranges.length, reportCounts: counts, reportedAt: new Date(), updatedAt: new Date() });
  return counts;
}
