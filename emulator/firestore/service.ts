/**
 * gRPC handlers of google.firestore.v1.Firestore. Each handler parses and validates resource names,
 * picks the (project, database) store, delegates to Database, and turns FirestoreError into the
 * matching gRPC status. Request/response shapes follow PROTO_LOADER_OPTIONS (see proto.ts).
 */
import { randomBytes } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import type { Document, StructuredAggregationQuery, StructuredQuery, Timestamp } from './types';
import { FirestoreError, GrpcStatus, invalidArgument, notFound } from './errors';
import { FirestoreEmulatorState } from './emulator';
import type { ConsistencySelector, Database, ParsedWrite } from './database';
import { toTimestamp } from './clock';
import { writeTarget, type Precondition, type Write } from './writes';
import { parseDatabaseName, parseDocumentName, parseParentName, fullName, type ParsedName } from './names';
import { checkRequestSize, validateCollectionId, validateDocumentPathForWrite } from './limits';
import { parseMask, toDocumentProto, type DocumentMask } from './documents';
import { compareDocumentPaths, compareUtf8 } from './values';
import { handleListen } from './listen';
import type { TransactionOptions } from './transactions';

export type LogFn = (entry: { severity: string; message: string; [k: string]: unknown }) => void;

/** Encoded request sizes, recorded by the deserializer for the 10 MiB request limit. */
const requestSizes = new WeakMap<object, number>();

/** The service definition with deserializers that remember each request's encoded size. */
export function withRequestSizes(def: grpc.ServiceDefinition): grpc.ServiceDefinition {
  const out: Record<string, grpc.MethodDefinition<object, object>> = {};
  for (const [name, method] of Object.entries(def)) {
    const original = method.requestDeserialize;
    out[name] = {
      ...method,
      requestDeserialize: (buf: Buffer) => {
        const obj = original(buf) as object;
        if (obj && typeof obj === 'object') requestSizes.set(obj, buf.length);
        return obj;
      },
    } as grpc.MethodDefinition<object, object>;
  }
  return out as grpc.ServiceDefinition;
}

function toStatus(e: unknown, log?: LogFn): Partial<grpc.StatusObject> {
  if (e instanceof FirestoreError) return { code: e.code, details: e.message };
  const message = e instanceof Error ? e.message : String(e);
  log?.({ severity: 'ERROR', message: `internal error: ${message}`, stack: e instanceof Error ? e.stack : undefined });
  return { code: GrpcStatus.INTERNAL, details: `Internal emulator error: ${message}` };
}

interface ReadRequest extends ConsistencySelector {
  consistencySelector?: string;
}

function selector(req: ReadRequest & { newTransaction?: TransactionOptions }): ConsistencySelector {
  return { transaction: req.transaction, newTransaction: req.newTransaction, readTime: req.readTime };
}

const AUTO_ID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A 20-character id like the client libraries generate. */
export function autoId(): string {
  const bytes = randomBytes(40);
  let id = '';
  for (let i = 0; i < bytes.length && id.length < 20; i++) if (bytes[i] < 248) id += AUTO_ID_CHARS[bytes[i] % 62];
  return id.padEnd(20, 'A');
}

export function createFirestoreHandlers(state: FirestoreEmulatorState, log?: LogFn): grpc.UntypedServiceImplementation {
  const databaseOf = (name: string): Database => state.database(parseDatabaseName(name));

  /** Parses a document name and checks it belongs to `db`. */
  const docIn = (db: Database, name: string): ParsedName => {
    const parsed = parseDocumentName(name);
    if (parsed.projectId !== db.ref.projectId || parsed.databaseId !== db.ref.databaseId) {
      throw invalidArgument(`Document "${name}" is not in database projects/${db.ref.projectId}/databases/${db.ref.databaseId}.`);
    }
    return parsed;
  };

  const parseWrites = (db: Database, writes: Write[] | undefined): ParsedWrite[] =>
    (writes ?? []).map((write) => {
      const name = writeTarget(write);
      const parsed = docIn(db, name);
      validateDocumentPathForWrite(parsed.segments, name);
      return { write, path: parsed.path, segments: parsed.segments, name };
    });

  /** Wraps a unary handler: FirestoreError → status. */
  const unary =
    <Req, Res>(fn: (req: Req, call: grpc.ServerUnaryCall<Req, Res>) => Promise<Res> | Res): grpc.handleUnaryCall<Req, Res> =>
    (call, callback) => {
      Promise.resolve()
        .then(() => fn(call.request, call))
        .then(
          (res) => callback(null, res),
          (e) => callback(toStatus(e, log) as grpc.ServerErrorResponse),
        );
    };

  /** Wraps a server-streaming handler. */
  const serverStream =
    <Req, Res>(fn: (req: Req, write: (msg: Res) => void, call: grpc.ServerWritableStream<Req, Res>) => Promise<void> | void): grpc.handleServerStreamingCall<Req, Res> =>
    (call) => {
      Promise.resolve()
        .then(() => fn(call.request, (msg) => call.write(msg), call))
        .then(
          () => call.end(),
          (e) => call.emit('error', toStatus(e, log)),
        );
    };

  const readTimeOf = (t: number): Timestamp => toTimestamp(t);

  const handlers: grpc.UntypedServiceImplementation = {
    GetDocument: unary(async (req: ReadRequest & { name: string; mask?: DocumentMask }) => {
      const parsed = parseDocumentName(req.name);
      const db = state.database(parsed);
      const mask = parseMask(req.mask);
      const ctx = db.readContext(selector(req));
      const [doc] = db.getDocuments([parsed.path], ctx);
      if (!doc) throw notFound(`Document "${req.name}" not found.`);
      return toDocumentProto(db.root, doc, mask);
    }),

    BatchGetDocuments: serverStream(async (req: ReadRequest & { database: string; documents?: string[]; mask?: DocumentMask; newTransaction?: TransactionOptions }, write) => {
      const db = databaseOf(req.database);
      const names = req.documents ?? [];
      const paths = names.map((n) => docIn(db, n).path);
      const mask = parseMask(req.mask);
      const ctx = db.readContext(selector(req));
      const docs = db.getDocuments(paths, ctx);
      const readTime = readTimeOf(ctx.readTime);
      let transaction = ctx.newTransactionId;
      docs.forEach((doc, i) => {
        write({
          ...(doc ? { found: toDocumentProto(db.root, doc, mask) } : { missing: names[i] }),
          readTime,
          ...(transaction ? { transaction } : {}),
        });
        transaction = undefined;
      });
      if (transaction) write({ transaction, readTime });
    }),

    Commit: unary(async (req: { database: string; writes?: Write[]; transaction?: Buffer }) => {
      checkRequestSize(requestSizes.get(req));
      const db = databaseOf(req.database);
      const writes = parseWrites(db, req.writes);
      const txn = req.transaction && req.transaction.length > 0 ? db.txns.get(req.transaction) : undefined;
      const { commitTime, results } = txn ? await db.commitTransaction(writes, txn) : db.commit(writes);
      return { writeResults: results, commitTime: toTimestamp(commitTime) };
    }),

    BatchWrite: unary((req: { database: string; writes?: Write[] }) => {
      checkRequestSize(requestSizes.get(req));
      const db = databaseOf(req.database);
      const writes = parseWrites(db, req.writes);
      const { results, statuses } = db.batchWrite(writes);
      return { writeResults: results, status: statuses };
    }),

    BeginTransaction: unary((req: { database: string; options?: TransactionOptions }) => {
      const db = databaseOf(req.database);
      const txn = db.txns.begin(req.options, db.clock.readTime());
      return { transaction: txn.id };
    }),

    Rollback: unary((req: { database: string; transaction?: Buffer }) => {
      const db = databaseOf(req.database);
      db.txns.rollback(req.transaction);
      return {};
    }),

    RunQuery: serverStream(async (req: ReadRequest & { parent: string; structuredQuery?: StructuredQuery; newTransaction?: TransactionOptions; explainOptions?: { analyze?: boolean } }, write) => {
      const parsed = parseParentName(req.parent);
      const db = state.database(parsed);
      if (!req.structuredQuery) throw invalidArgument('RunQuery requires a structured query.');
      const ctx = db.readContext(selector(req));
      const started = process.hrtime.bigint();
      const docs = db.query(parsed.path, req.structuredQuery, ctx);
      const readTime = readTimeOf(ctx.readTime);
      let transaction = ctx.newTransactionId;
      const explain = req.explainOptions;
      if (explain && !explain.analyze) {
        // Planning only: no results, just the (trivial) plan.
        write({ explainMetrics: { planSummary: { indexesUsed: [] } }, readTime, ...(transaction ? { transaction } : {}) });
        return;
      }
      for (const doc of docs) {
        write({ document: toDocumentProto(db.root, doc), readTime, ...(transaction ? { transaction } : {}) });
        transaction = undefined;
      }
      if (explain) {
        const nanos = Number(process.hrtime.bigint() - started);
        write({
          readTime,
          explainMetrics: {
            planSummary: { indexesUsed: [] },
            executionStats: {
              resultsReturned: String(docs.length),
              executionDuration: { seconds: String(Math.floor(nanos / 1e9)), nanos: nanos % 1e9 },
              readOperations: String(Math.max(1, docs.length)),
              debugStats: { fields: {} },
            },
          },
          ...(transaction ? { transaction } : {}),
        });
        return;
      }
      if (docs.length === 0 || transaction) write({ readTime, ...(transaction ? { transaction } : {}) });
    }),

    RunAggregationQuery: serverStream(
      async (req: ReadRequest & { parent: string; structuredAggregationQuery?: StructuredAggregationQuery; newTransaction?: TransactionOptions; explainOptions?: { analyze?: boolean } }, write) => {
        const parsed = parseParentName(req.parent);
        const db = state.database(parsed);
        if (!req.structuredAggregationQuery) throw invalidArgument('RunAggregationQuery requires a structured aggregation query.');
        const ctx = db.readContext(selector(req));
        const transaction = ctx.newTransactionId;
        if (req.explainOptions && !req.explainOptions.analyze) {
          write({ explainMetrics: { planSummary: { indexesUsed: [] } }, readTime: readTimeOf(ctx.readTime), ...(transaction ? { transaction } : {}) });
          return;
        }
        const result = db.aggregate(parsed.path, req.structuredAggregationQuery, ctx);
        write({
          result: { aggregateFields: result },
          readTime: readTimeOf(ctx.readTime),
          ...(transaction ? { transaction } : {}),
          ...(req.explainOptions
            ? { explainMetrics: { planSummary: { indexesUsed: [] }, executionStats: { resultsReturned: '1', readOperations: '1', executionDuration: { seconds: '0', nanos: 0 }, debugStats: { fields: {} } } } }
            : {}),
        });
      },
    ),

    ListDocuments: unary(
      async (req: ReadRequest & { parent: string; collectionId?: string; pageSize?: number; pageToken?: string; mask?: DocumentMask; showMissing?: boolean }) => {
        const parsed = parseParentName(req.parent);
        const db = state.database(parsed);
        const collectionId = req.collectionId ?? '';
        if (collectionId === '') throw invalidArgument('ListDocuments requires a collection id.');
        validateCollectionId(collectionId);
        const mask = parseMask(req.mask);
        const ctx = db.readContext(selector(req));
        let entries = db.store.listDocuments(parsed.path, collectionId, !!req.showMissing, ctx.snapshot);
        if (req.pageToken) {
          const after = decodePageToken(req.pageToken);
          entries = entries.filter((e) => compareDocumentPaths(e.path, after) > 0);
        }
        const pageSize = req.pageSize && req.pageSize > 0 ? req.pageSize : entries.length;
        const page = entries.slice(0, pageSize);
        const documents: Document[] = page.map((e) => (e.doc ? toDocumentProto(db.root, e.doc, mask) : { name: fullName(db.root, e.path) }));
        const nextPageToken = entries.length > pageSize ? encodePageToken(page[page.length - 1].path) : '';
        return { documents, nextPageToken };
      },
    ),

    ListCollectionIds: unary((req: { parent: string; pageSize?: number; pageToken?: string }) => {
      const parsed = parseParentName(req.parent);
      const db = state.database(parsed);
      let ids = db.store.collectionIds(parsed.path).sort(compareUtf8);
      if (req.pageToken) {
        const after = decodePageToken(req.pageToken);
        ids = ids.filter((id) => compareUtf8(id, after) > 0);
      }
      const pageSize = req.pageSize && req.pageSize > 0 ? req.pageSize : ids.length;
      const page = ids.slice(0, pageSize);
      return { collectionIds: page, nextPageToken: ids.length > pageSize ? encodePageToken(page[page.length - 1]) : '' };
    }),

    CreateDocument: unary((req: { parent: string; collectionId: string; documentId?: string; document?: Document; mask?: DocumentMask }) => {
      const parsed = parseParentName(req.parent);
      const db = state.database(parsed);
      validateCollectionId(req.collectionId ?? '');
      const id = req.documentId || autoId();
      const name = fullName(db.root, (parsed.path ? parsed.path + '/' : '') + req.collectionId + '/' + id);
      const [pw] = parseWrites(db, [{ update: { name, fields: req.document?.fields ?? {} }, currentDocument: { exists: false } }]);
      db.commit([pw]);
      return toDocumentProto(db.root, db.store.get(pw.path)!, parseMask(req.mask));
    }),

    UpdateDocument: unary((req: { document: Document; updateMask?: DocumentMask; mask?: DocumentMask; currentDocument?: Precondition }) => {
      if (!req.document) throw invalidArgument('UpdateDocument requires a document.');
      const db = state.database(parseDocumentName(req.document.name));
      const write: Write = { update: req.document, currentDocument: req.currentDocument };
      if (req.updateMask) write.updateMask = { fieldPaths: req.updateMask.fieldPaths ?? [] };
      const [pw] = parseWrites(db, [write]);
      db.commit([pw]);
      return toDocumentProto(db.root, db.store.get(pw.path)!, parseMask(req.mask));
    }),

    DeleteDocument: unary((req: { name: string; currentDocument?: Precondition }) => {
      const db = state.database(parseDocumentName(req.name));
      db.commit(parseWrites(db, [{ delete: req.name, currentDocument: req.currentDocument }]));
      return {};
    }),

    PartitionQuery: unary((req: { parent: string; structuredQuery?: StructuredQuery; partitionCount?: string | number; readTime?: Timestamp }) => {
      const parsed = parseParentName(req.parent);
      const db = state.database(parsed);
      const count = Number(req.partitionCount ?? 0);
      if (!(count > 0)) throw invalidArgument('partition_count must be positive.');
      const q = req.structuredQuery ?? {};
      const from = q.from?.[0];
      if (!from?.allDescendants) throw invalidArgument('PartitionQuery requires a collection group query (all_descendants).');
      const ctx = db.readContext({ readTime: req.readTime });
      // Split points over all documents of the group, in name order.
      const all = [...db.store.collectionGroup(parsed.path, from.collectionId ?? '', req.readTime ? readTimeOf(ctx.snapshot!) : undefined)];
      const partitions = [];
      // partition_count is the maximum number of split points (count + 1 partitions).
      if (all.length > 1) {
        const step = all.length / (count + 1);
        let last = -1;
        for (let i = 1; i <= count; i++) {
          const idx = Math.floor(i * step);
          if (idx <= last || idx >= all.length) continue;
          last = idx;
          partitions.push({ values: [{ referenceValue: fullName(db.root, all[idx].path) }] });
        }
      }
      return { partitions, nextPageToken: '' };
    }),

    Listen: (call: grpc.ServerDuplexStream<unknown, unknown>) => handleListen(call, state, log),

    Write: (call: grpc.ServerDuplexStream<unknown, unknown>) => {
      call.emit('error', { code: GrpcStatus.UNIMPLEMENTED, details: 'The Write stream is not supported by this emulator; use Commit.' });
    },

    ExecutePipeline: (call: grpc.ServerWritableStream<unknown, unknown>) => {
      call.emit('error', { code: GrpcStatus.UNIMPLEMENTED, details: 'Pipelines are not supported by this emulator.' });
    },
  };
  return handlers;
}

function encodePageToken(key: string): string {
  return Buffer.from(key, 'utf8').toString('base64url');
}

function decodePageToken(token: string): string {
  try {
    return Buffer.from(token, 'base64url').toString('utf8');
  } catch {
    throw invalidArgument('Invalid page token.');
  }
}
