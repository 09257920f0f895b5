/**
 * The Listen bidirectional stream (what `onSnapshot` uses). For every target added the server sends
 * ADD, the matching documents, CURRENT, then a global NO_CHANGE carrying the read time — the
 * signal on which the client raises a consistent snapshot. After every commit that touches a
 * target, the changes (documentChange / documentDelete / documentRemove) are followed by another
 * global NO_CHANGE. Query targets are re-evaluated with the query engine, so limits, orderings and
 * cursors behave exactly as in RunQuery. Resumption (resume token / read time) re-sends the full
 * state after a RESET, which the client reconciles.
 */
import * as grpc from '@grpc/grpc-js';
import type { StructuredQuery } from './types';
import type { StoredDocument } from './query-source';
import { FirestoreError, GrpcStatus, invalidArgument } from './errors';
import type { FirestoreEmulatorState } from './emulator';
import type { Database } from './database';
import type { ChangedDocument } from './store';
import { toTimestamp, type Micros } from './clock';
import { parseDatabaseName, parseDocumentName, parseParentName, fullName } from './names';
import { toDocumentProto } from './documents';
import { runQuery } from './query/engine';
import type { LogFn } from './service';

interface ListenTarget {
  targetId: number;
  resumeToken?: Buffer;
  readTime?: unknown;
  once?: boolean;
  documents?: { documents?: string[] };
  query?: { parent: string; structuredQuery?: StructuredQuery };
}

interface ListenRequest {
  database?: string;
  addTarget?: ListenTarget;
  removeTarget?: number;
}

interface TargetState {
  id: number;
  /** Current result: path → update time (micros as string for cheap comparison). */
  docs: Map<string, string>;
  /** Document target: the watched paths. */
  paths?: Set<string>;
  /** Query target. */
  parentPath?: string;
  query?: StructuredQuery;
  collectionId?: string;
  allDescendants?: boolean;
}

function resumeToken(t: Micros): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(BigInt(t));
  return b;
}

function versionKey(d: StoredDocument): string {
  return d.updateTime.seconds + '.' + d.updateTime.nanos;
}

export function handleListen(call: grpc.ServerDuplexStream<unknown, unknown>, state: FirestoreEmulatorState, log?: LogFn): void {
  let db: Database | undefined;
  let unsubscribe: (() => void) | undefined;
  const targets = new Map<number, TargetState>();
  let pending = new Set<string>();
  let flushScheduled = false;
  let closed = false;

  const send = (msg: unknown): void => {
    if (!closed) call.write(msg);
  };

  const close = (): void => {
    if (closed) return;
    closed = true;
    unsubscribe?.();
  };

  const evaluate = (t: TargetState): Map<string, StoredDocument> => {
    const out = new Map<string, StoredDocument>();
    if (t.paths) {
      for (const p of t.paths) {
        const d = db!.store.get(p);
        if (d) out.set(p, d);
      }
    } else {
      for (const d of runQuery(db!.store, t.parentPath!, t.query!, { indexes: db!.indexes, documentsRoot: db!.root }).documents) out.set(d.path, d);
    }
    return out;
  };

  /** Whether a change at `path` can affect target `t`. */
  const affects = (t: TargetState, path: string): boolean => {
    if (t.paths) return t.paths.has(path);
    const prefix = t.parentPath === '' ? '' : t.parentPath + '/';
    if (prefix && !path.startsWith(prefix)) return false;
    const segs = path.split('/');
    const collectionId = segs[segs.length - 2];
    if (t.allDescendants) return t.collectionId === '' || t.collectionId === collectionId;
    return collectionId === t.collectionId && segs.length === (prefix ? prefix.split('/').length - 1 : 0) + 2;
  };

  const flush = (): void => {
    flushScheduled = false;
    if (closed || !db) return;
    const changed = pending;
    pending = new Set();
    const readTime = db.clock.readTime();
    let sent = false;
    for (const t of targets.values()) {
      let relevant = false;
      for (const p of changed) {
        if (affects(t, p)) {
          relevant = true;
          break;
        }
      }
      if (!relevant) continue;
      const now = evaluate(t);
      for (const [path, d] of now) {
        const v = versionKey(d);
        if (t.docs.get(path) !== v) {
          send({ documentChange: { document: toDocumentProto(db.root, d), targetIds: [t.id] } });
          t.docs.set(path, v);
          sent = true;
        }
      }
      for (const path of [...t.docs.keys()]) {
        if (now.has(path)) continue;
        t.docs.delete(path);
        const name = fullName(db.root, path);
        if (db.store.get(path)) send({ documentRemove: { document: name, removedTargetIds: [t.id], readTime: toTimestamp(readTime) } });
        else send({ documentDelete: { document: name, removedTargetIds: [t.id], readTime: toTimestamp(readTime) } });
        sent = true;
      }
    }
    if (sent) send({ targetChange: { targetChangeType: 'NO_CHANGE', targetIds: [], readTime: toTimestamp(readTime), resumeToken: resumeToken(readTime) } });
  };

  const onCommit = (changes: ChangedDocument[]): void => {
    for (const c of changes) pending.add(c.path);
    if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(flush);
    }
  };

  const addTarget = (t: ListenTarget): void => {
    const id = t.targetId ?? 0;
    if (targets.has(id)) throw invalidArgument(`Target id ${id} is already in use on this stream.`);
    const ts: TargetState = { id, docs: new Map() };
    if (t.documents) {
      ts.paths = new Set((t.documents.documents ?? []).map((n) => checkDb(parseDocumentName(n)).path));
    } else if (t.query) {
      const parsed = checkDb(parseParentName(t.query.parent));
      if (!t.query.structuredQuery) throw invalidArgument('A query target requires a structured query.');
      ts.parentPath = parsed.path;
      ts.query = t.query.structuredQuery;
      const from = ts.query.from?.[0];
      ts.collectionId = from?.collectionId ?? '';
      ts.allDescendants = !!from?.allDescendants;
    } else {
      throw invalidArgument('A target must be a documents or a query target.');
    }
    const initial = evaluate(ts); // validates the query before anything is sent
    const readTime = db!.clock.readTime();
    send({ targetChange: { targetChangeType: 'ADD', targetIds: [id] } });
    if (t.resumeToken?.length || t.readTime) send({ targetChange: { targetChangeType: 'RESET', targetIds: [id] } });
    for (const [path, d] of initial) {
      send({ documentChange: { document: toDocumentProto(db!.root, d), targetIds: [id] } });
      ts.docs.set(path, versionKey(d));
    }
    send({ targetChange: { targetChangeType: 'CURRENT', targetIds: [id], resumeToken: resumeToken(readTime), readTime: toTimestamp(readTime) } });
    send({ targetChange: { targetChangeType: 'NO_CHANGE', targetIds: [], readTime: toTimestamp(readTime), resumeToken: resumeToken(readTime) } });
    if (t.once) send({ targetChange: { targetChangeType: 'REMOVE', targetIds: [id] } });
    else targets.set(id, ts);
  };

  const checkDb = <T extends { projectId: string; databaseId: string }>(parsed: T): T => {
    if (!db) db = state.database(parsed);
    if (parsed.projectId !== db.ref.projectId || parsed.databaseId !== db.ref.databaseId) {
      throw invalidArgument('All targets of a Listen stream must be in the database named by the request.');
    }
    if (!unsubscribe) unsubscribe = db.onCommit(onCommit);
    return parsed;
  };

  call.on('data', (req: ListenRequest) => {
    if (closed) return;
    try {
      if (req.database && !db) checkDb(parseDatabaseName(req.database));
      if (req.addTarget) {
        try {
          addTarget(req.addTarget);
        } catch (e) {
          if (!(e instanceof FirestoreError)) throw e;
          // The service reports a bad target by removing it with a cause.
          send({ targetChange: { targetChangeType: 'REMOVE', targetIds: [req.addTarget.targetId ?? 0], cause: { code: e.code, message: e.message } } });
        }
      } else if (req.removeTarget !== undefined) {
        targets.delete(req.removeTarget);
        send({ targetChange: { targetChangeType: 'REMOVE', targetIds: [req.removeTarget] } });
      }
    } catch (e) {
      const err = e instanceof FirestoreError ? { code: e.code, details: e.message } : { code: GrpcStatus.INTERNAL, details: String(e) };
      if (!(e instanceof FirestoreError)) log?.({ severity: 'ERROR', message: `listen: ${String(e)}` });
      close();
      call.emit('error', err);
    }
  });
  call.on('end', () => {
    close();
    call.end();
  });
  call.on('cancelled', close);
  call.on('error', close);
  call.on('close', close);
}
