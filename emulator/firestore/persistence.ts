/**
 * `--import DIR` / `--export-on-exit DIR`: the emulator's data as one JSON file,
 * `DIR/firestore-data.json`:
 *
 * ```json
 * {
 *   "format": "defiyieldopt-firestore-emulator",
 *   "version": 1,
 *   "exportedAt": "2024-05-01T12:00:00.000000Z",
 *   "databases": [
 *     {
 *       "project": "demo-yieldopt",
 *       "database": "(default)",
 *       "documents": [
 *         {
 *           "path": "runs/2024-05-01",
 *           "createTime": "2024-05-01T11:59:58.123456Z",
 *           "updateTime": "2024-05-01T11:59:59.654321Z",
 *           "fields": { "status": { "stringValue": "ok" }, "n": { "integerValue": "3" } }
 *         }
 *       ]
 *     }
 *   ]
 * }
 * ```
 *
 * `fields` uses the google.firestore.v1 Value JSON mapping (as in the REST API): integerValue as
 * a decimal string, bytesValue as base64, timestampValue as RFC 3339 with microseconds, doubleValue
 * as a number or "NaN" / "Infinity" / "-Infinity", nullValue as null.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Fields, Value } from './types';
import type { FirestoreEmulatorState } from './emulator';
import { makeStoredDoc } from './store';
import { fromTimestamp, toTimestamp, type Micros } from './clock';
import { valueKind } from './values';

export const EXPORT_FILE = 'firestore-data.json';
const FORMAT = 'defiyieldopt-firestore-emulator';

type JsonValue = Record<string, unknown>;

function microsToRfc3339(t: Micros): string {
  const ms = Math.floor(t / 1000);
  const iso = new Date(ms).toISOString(); // ...SS.mmmZ
  return iso.slice(0, 19) + '.' + String(t % 1_000_000).padStart(6, '0') + 'Z';
}

function rfc3339ToMicros(s: string): Micros {
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(s);
  if (!m) throw new Error(`invalid timestamp "${s}"`);
  const seconds = Math.floor(Date.parse(m[1] + m[3]) / 1000);
  const frac = (m[2] ?? '').padEnd(6, '0').slice(0, 6);
  return seconds * 1e6 + Number(frac);
}

function encodeValue(v: Value): JsonValue {
  switch (valueKind(v)) {
    case 'nullValue':
      return { nullValue: null };
    case 'booleanValue':
      return { booleanValue: !!v.booleanValue };
    case 'integerValue':
      return { integerValue: String(v.integerValue ?? '0') };
    case 'doubleValue': {
      const d = Number(v.doubleValue);
      return { doubleValue: Number.isFinite(d) ? d : String(d) };
    }
    case 'timestampValue':
      return { timestampValue: microsToRfc3339(fromTimestamp(v.timestampValue!)) };
    case 'stringValue':
      return { stringValue: v.stringValue ?? '' };
    case 'bytesValue':
      return { bytesValue: Buffer.from(v.bytesValue ?? Buffer.alloc(0)).toString('base64') };
    case 'referenceValue':
      return { referenceValue: v.referenceValue ?? '' };
    case 'geoPointValue':
      return { geoPointValue: { latitude: v.geoPointValue?.latitude ?? 0, longitude: v.geoPointValue?.longitude ?? 0 } };
    case 'arrayValue':
      return { arrayValue: { values: (v.arrayValue?.values ?? []).map(encodeValue) } };
    case 'mapValue':
      return { mapValue: { fields: encodeFields(v.mapValue?.fields ?? {}) } };
  }
}

function encodeFields(fields: Fields): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const k of Object.keys(fields)) out[k] = encodeValue(fields[k]);
  return out;
}

function decodeValue(j: JsonValue): Value {
  if ('nullValue' in j) return { nullValue: 'NULL_VALUE' };
  if ('booleanValue' in j) return { booleanValue: Boolean(j.booleanValue) };
  if ('integerValue' in j) return { integerValue: String(j.integerValue) };
  if ('doubleValue' in j) return { doubleValue: Number(j.doubleValue) };
  if ('timestampValue' in j) return { timestampValue: toTimestamp(rfc3339ToMicros(String(j.timestampValue))) };
  if ('stringValue' in j) return { stringValue: String(j.stringValue) };
  if ('bytesValue' in j) return { bytesValue: Buffer.from(String(j.bytesValue), 'base64') };
  if ('referenceValue' in j) return { referenceValue: String(j.referenceValue) };
  if ('geoPointValue' in j) {
    const g = j.geoPointValue as { latitude?: number; longitude?: number };
    return { geoPointValue: { latitude: g.latitude ?? 0, longitude: g.longitude ?? 0 } };
  }
  if ('arrayValue' in j) return { arrayValue: { values: (((j.arrayValue as { values?: JsonValue[] }).values) ?? []).map(decodeValue) } };
  if ('mapValue' in j) return { mapValue: { fields: decodeFields(((j.mapValue as { fields?: Record<string, JsonValue> }).fields) ?? {}) } };
  throw new Error(`unrecognised value ${JSON.stringify(j).slice(0, 100)}`);
}

function decodeFields(j: Record<string, JsonValue>): Fields {
  const out: Fields = {};
  for (const k of Object.keys(j)) out[k] = decodeValue(j[k]);
  return out;
}

/** Writes every database's live documents to `dir/firestore-data.json` (atomically via rename). */
export function exportData(state: FirestoreEmulatorState, dir: string): { file: string; documents: number } {
  fs.mkdirSync(dir, { recursive: true });
  let count = 0;
  const databases = state.all().map((db) => {
    const documents = [...db.store.allDocuments()]
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
      .map((d) => ({
        path: d.path,
        createTime: microsToRfc3339(d.createMicros),
        updateTime: microsToRfc3339(d.updateMicros),
        fields: encodeFields(d.fields),
      }));
    count += documents.length;
    return { project: db.ref.projectId, database: db.ref.databaseId, documents };
  });
  const file = path.join(dir, EXPORT_FILE);
  const body = JSON.stringify({ format: FORMAT, version: 1, exportedAt: microsToRfc3339(Date.now() * 1000), databases }, null, 1);
  fs.writeFileSync(file + '.tmp', body);
  fs.renameSync(file + '.tmp', file);
  return { file, documents: count };
}

/** Loads `dir/firestore-data.json` into the (empty) emulator state. */
export function importData(state: FirestoreEmulatorState, dir: string): { file: string; documents: number } {
  const file = path.join(dir, EXPORT_FILE);
  const data = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    format?: string;
    version?: number;
    databases?: Array<{ project: string; database: string; documents?: Array<{ path: string; createTime: string; updateTime: string; fields?: Record<string, JsonValue> }> }>;
  };
  if (data.format !== FORMAT || data.version !== 1) throw new Error(`${file} is not a version 1 ${FORMAT} export`);
  let count = 0;
  for (const dbData of data.databases ?? []) {
    const db = state.database({ projectId: dbData.project, databaseId: dbData.database });
    let latest = 0;
    const changes = (dbData.documents ?? []).map((d) => {
      const created = rfc3339ToMicros(d.createTime);
      const updated = rfc3339ToMicros(d.updateTime);
      if (updated > latest) latest = updated;
      return { path: d.path, after: makeStoredDoc(d.path, decodeFields(d.fields ?? {}), created, updated) };
    });
    db.clock.advanceTo(latest);
    db.store.apply(changes, db.clock.nextCommitTime());
    count += changes.length;
  }
  return { file, documents: count };
}
