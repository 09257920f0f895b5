/**
 * `googleapis.firestore.v1.projects.databases.documents.{get,createDocument,patch,delete,list}`
 * against the local Firestore emulator (FIRESTORE_EMULATOR_HOST) or a given Firestore client.
 * The embedded emulator speaks gRPC only, so calls go through @google-cloud/firestore and are
 * translated to and from the REST shapes the connector returns (Document {name, fields,
 * createTime, updateTime} with typed Values). Errors surface like connector errors do: HttpError
 * with the HTTP code of the gRPC status and a Google API error body.
 * Known divergence: the client stores integral doubles (2.0) as integers.
 */
import type { StdlibContext } from '../stdlib/registry';
import { builtinError, typeName, type WfMap, type WfValue } from '../values';
import { fromPlain, toPlain } from '../convert';
import { runtimeOf } from './services';

const BASE = 'googleapis.firestore.v1.projects.databases.documents.';
export const FIRESTORE_DOCUMENT_METHODS = new Set(['get', 'createDocument', 'patch', 'delete', 'list'].map((m) => BASE + m));

/* Minimal structural types of the parts of @google-cloud/firestore used here. */
interface FsTimestamp {
  toDate(): Date;
}
interface FsSnapshot {
  exists: boolean;
  ref: { path: string };
  data(): Record<string, unknown> | undefined;
  createTime?: FsTimestamp;
  updateTime?: FsTimestamp;
}
interface FsDocRef {
  path: string;
  get(): Promise<FsSnapshot>;
  create(d: unknown): Promise<unknown>;
  set(d: unknown, o?: unknown): Promise<unknown>;
  delete(): Promise<unknown>;
}
interface FsDb {
  doc(path: string): FsDocRef;
  collection(path: string): { listDocuments(): Promise<FsDocRef[]> };
  terminate?(): Promise<void>;
}

type FsModule = typeof import('@google-cloud/firestore');

const GRPC_TO_HTTP: Record<number, [number, string]> = {
  3: [400, 'INVALID_ARGUMENT'],
  5: [404, 'NOT_FOUND'],
  6: [409, 'ALREADY_EXISTS'],
  7: [403, 'PERMISSION_DENIED'],
  9: [400, 'FAILED_PRECONDITION'],
  10: [409, 'ABORTED'],
  14: [503, 'UNAVAILABLE'],
};

function apiError(code: number, status: string, message: string): Error {
  const body: WfMap = new Map([['error', new Map<string, WfValue>([['code', BigInt(code)], ['message', message], ['status', status]])]]);
  return builtinError('HttpError', `HTTP server responded with error code ${code}`, { code: BigInt(code), headers: new Map(), body });
}

function str(args: WfMap, key: string, required = true): string | undefined {
  const v = args.get(key);
  if (v === undefined || v === null) {
    if (required) throw builtinError('TypeError', `missing required argument '${key}'`);
    return undefined;
  }
  if (typeof v !== 'string') throw builtinError('TypeError', `argument '${key}' must be a string, got ${typeName(v)}`);
  return v;
}

/** `projects/p/databases/(default)/documents/a/b` → {project, path: 'a/b'}. */
function parseName(name: string): { project: string; path: string } {
  const m = /^projects\/([^/]+)\/databases\/([^/]+)\/documents(?:\/(.*))?$/.exec(name);
  if (!m) throw apiError(400, 'INVALID_ARGUMENT', `invalid resource name: ${name}`);
  return { project: m[1], path: m[3] ?? '' };
}

/** REST Value → JS value for the client. */
function fromRestValue(fs: FsModule, db: FsDb, v: unknown): unknown {
  if (!v || typeof v !== 'object') throw apiError(400, 'INVALID_ARGUMENT', 'invalid Firestore value');
  const o = v as Record<string, unknown>;
  if ('nullValue' in o) return null;
  if ('booleanValue' in o) return Boolean(o.booleanValue);
  if ('integerValue' in o) return Number(o.integerValue);
  if ('doubleValue' in o) return Number(o.doubleValue);
  if ('stringValue' in o) return String(o.stringValue);
  if ('timestampValue' in o) return fs.Timestamp.fromDate(new Date(String(o.timestampValue)));
  if ('bytesValue' in o) return Buffer.from(String(o.bytesValue), 'base64');
  if ('referenceValue' in o) return db.doc(parseName(String(o.referenceValue)).path);
  if ('geoPointValue' in o) {
    const g = o.geoPointValue as { latitude: number; longitude: number };
    return new fs.GeoPoint(g.latitude, g.longitude);
  }
  if ('arrayValue' in o) return (((o.arrayValue as { values?: unknown[] }).values ?? []) as unknown[]).map((x) => fromRestValue(fs, db, x));
  if ('mapValue' in o) return fromRestFields(fs, db, (o.mapValue as { fields?: Record<string, unknown> }).fields ?? {});
  throw apiError(400, 'INVALID_ARGUMENT', `unsupported Firestore value ${JSON.stringify(o)}`);
}

function fromRestFields(fs: FsModule, db: FsDb, fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) out[k] = fromRestValue(fs, db, v);
  return out;
}

/** JS value from the client → REST Value (integers as decimal strings, like the REST API). */
function toRestValue(fs: FsModule, project: string, v: unknown): unknown {
  if (v === null || v === undefined) return { nullValue: null };
  if (typeof v === 'boolean') return { booleanValue: v };
  if (typeof v === 'number') return Number.isInteger(v) ? { integerValue: String(v) } : { doubleValue: v };
  if (typeof v === 'string') return { stringValue: v };
  if (v instanceof fs.Timestamp) return { timestampValue: v.toDate().toISOString() };
  if (Buffer.isBuffer(v) || v instanceof Uint8Array) return { bytesValue: Buffer.from(v).toString('base64') };
  if (v instanceof fs.GeoPoint) return { geoPointValue: { latitude: v.latitude, longitude: v.longitude } };
  if (v instanceof fs.DocumentReference) return { referenceValue: `projects/${project}/databases/(default)/documents/${v.path}` };
  if (Array.isArray(v)) return { arrayValue: { values: v.map((x) => toRestValue(fs, project, x)) } };
  const fields: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) fields[k] = toRestValue(fs, project, x);
  return { mapValue: { fields } };
}

function toRestDocument(fs: FsModule, project: string, snap: FsSnapshot): unknown {
  const fields: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(snap.data() ?? {})) fields[k] = toRestValue(fs, project, x);
  return {
    name: `projects/${project}/databases/(default)/documents/${snap.ref.path}`,
    fields,
    ...(snap.createTime ? { createTime: snap.createTime.toDate().toISOString() } : {}),
    ...(snap.updateTime ? { updateTime: snap.updateTime.toDate().toISOString() } : {}),
  };
}

function bodyFields(args: WfMap): Record<string, unknown> {
  const body = args.get('body');
  if (body === undefined || body === null) return {};
  if (!(body instanceof Map)) throw builtinError('TypeError', `argument 'body' must be a Document map, got ${typeName(body)}`);
  const plain = toPlain(body) as { fields?: Record<string, unknown> };
  return plain.fields ?? {};
}

async function withDb<T>(ctx: StdlibContext, project: string, fn: (fs: FsModule, db: FsDb) => Promise<T>): Promise<T> {
  const fs: FsModule = await import('@google-cloud/firestore');
  const given = runtimeOf(ctx).firestore as FsDb | undefined;
  if (given) return fn(fs, given);
  if (!process.env.FIRESTORE_EMULATOR_HOST)
    throw builtinError('SystemError', 'googleapis.firestore connectors need FIRESTORE_EMULATOR_HOST (the local Firestore emulator) or a Firestore client');
  const db = new fs.Firestore({ projectId: project }) as unknown as FsDb;
  try {
    return await fn(fs, db);
  } finally {
    await db.terminate?.();
  }
}

function mapGrpcError(err: unknown): never {
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'number' && GRPC_TO_HTTP[code]) {
    const [http, status] = GRPC_TO_HTTP[code];
    throw apiError(http, status, (err as Error).message);
  }
  throw err;
}

export async function callFirestoreConnector(name: string, args: WfMap, ctx: StdlibContext): Promise<WfValue> {
  const method = name.slice(BASE.length);
  const target = method === 'createDocument' || method === 'list' ? str(args, 'parent')! : str(args, 'name')!;
  const { project, path } = parseName(target);
  const result = await withDb(ctx, project, async (fs, db) => {
    try {
      switch (method) {
        case 'get': {
          const snap = await db.doc(path).get();
          if (!snap.exists) throw apiError(404, 'NOT_FOUND', `Document "${target}" not found`);
          return toRestDocument(fs, project, snap);
        }
        case 'createDocument': {
          const collectionId = str(args, 'collectionId')!;
          const documentId = str(args, 'documentId', false);
          const collectionPath = path ? `${path}/${collectionId}` : collectionId;
          const ref = documentId ? db.doc(`${collectionPath}/${documentId}`) : (db.collection(collectionPath) as unknown as { doc(): FsDocRef }).doc();
          await ref.create(fromRestFields(fs, db, bodyFields(args)));
          return toRestDocument(fs, project, await ref.get());
        }
        case 'patch': {
          const ref = db.doc(path);
          const data = fromRestFields(fs, db, bodyFields(args));
          const mask = args.get('updateMask');
          const paths = mask instanceof Map ? mask.get('fieldPaths') : undefined;
          if (Array.isArray(paths)) await ref.set(data, { mergeFields: paths.map(String) });
          else await ref.set(data);
          return toRestDocument(fs, project, await ref.get());
        }
        case 'delete':
          await db.doc(path).delete();
          return {};
        case 'list': {
          const collectionId = str(args, 'collectionId')!;
          const refs = await db.collection(path ? `${path}/${collectionId}` : collectionId).listDocuments();
          const docs: unknown[] = [];
          for (const r of refs) {
            const snap = await r.get();
            if (snap.exists) docs.push(toRestDocument(fs, project, snap));
          }
          return docs.length ? { documents: docs } : {};
        }
      }
      throw builtinError('SystemError', `connector ${name} not emulated`);
    } catch (err) {
      return mapGrpcError(err);
    }
  });
  return fromPlain(result, { integralNumbersAsInts: true });
}
