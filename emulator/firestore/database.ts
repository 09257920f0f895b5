/**
 * One isolated (project, database): its store, clock, transactions and query indexes, and the
 * operations the RPCs are made of — consistent reads (latest, at a read time, or in a
 * transaction), atomic commits, non-atomic batch writes, queries and aggregations — plus commit
 * notifications for Listen.
 */
import type { StructuredAggregationQuery, StructuredQuery, Timestamp, Value } from './types';
import type { StoredDocument } from './query-source';
import { DocumentStore, type ChangedDocument, type StoredDoc } from './store';
import { DatabaseClock, fromTimestamp, toTimestamp, type Micros } from './clock';
import { TransactionManager, type Transaction, type TransactionOptions } from './transactions';
import { aborted, failedPrecondition, FirestoreError, invalidArgument, GrpcStatus } from './errors';
import { applyWrite, requestTimeOf, type Write, type WriteResult } from './writes';
import { documentsRoot, type DatabaseRef } from './names';
import { runQuery } from './query/engine';
import { runAggregation } from './query/aggregate';
import { QueryIndexes } from './query/indexes';

/** A write whose target name was parsed and validated by the service layer. */
export interface ParsedWrite {
  write: Write;
  path: string;
  segments: string[];
  name: string;
}

/** The oneof `consistency_selector` of read requests. */
export interface ConsistencySelector {
  transaction?: Buffer;
  newTransaction?: TransactionOptions;
  readTime?: Timestamp;
}

/** How a read is served: at which time, and in which (possibly new) transaction. */
export interface ReadContext {
  /** Snapshot time for the read; undefined = latest state. */
  snapshot?: Micros;
  /** The time reported to the client. */
  readTime: Micros;
  txn?: Transaction;
  /** Set when the request began a transaction (its id goes into the first response). */
  newTransactionId?: Buffer;
}

export type CommitListener = (changes: ChangedDocument[], commitTime: Micros) => void;

export interface BatchWriteOutcome {
  results: WriteResult[];
  statuses: Array<{ code: number; message?: string }>;
}

export class Database {
  readonly store = new DocumentStore();
  readonly clock = new DatabaseClock();
  readonly txns = new TransactionManager();
  readonly indexes = new QueryIndexes();
  readonly root: string;
  private readonly listeners = new Set<CommitListener>();

  constructor(readonly ref: DatabaseRef) {
    this.root = documentsRoot(ref);
    this.store.addObserver(this.indexes);
  }

  onCommit(listener: CommitListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---- reads ---------------------------------------------------------------------------------

  /** Resolves the consistency selector of a read request (may begin a transaction). */
  readContext(sel: ConsistencySelector): ReadContext {
    if (sel.transaction && sel.transaction.length > 0) {
      const txn = this.txns.get(sel.transaction);
      return this.contextFor(txn);
    }
    if (sel.newTransaction) {
      const txn = this.txns.begin(sel.newTransaction, this.clock.readTime());
      this.checkSnapshotTime(txn.readTime);
      return { ...this.contextFor(txn), newTransactionId: txn.id };
    }
    if (sel.readTime) {
      const t = this.checkSnapshotTime(fromTimestamp(sel.readTime))!;
      return { snapshot: t, readTime: t };
    }
    return { readTime: this.clock.readTime() };
  }

  private contextFor(txn: Transaction): ReadContext {
    if (txn.readOnly) return { snapshot: txn.readTime, readTime: txn.readTime!, txn };
    return { readTime: this.clock.readTime(), txn };
  }

  /** Validates a snapshot time: not older than the retained history; future times read the latest. */
  private checkSnapshotTime(t: Micros | undefined): Micros | undefined {
    if (t === undefined) return undefined;
    const now = this.clock.readTime();
    if (t < this.store.oldestReadableTime(now)) {
      throw failedPrecondition('The requested read time is too old: read_time must be within the past hour.');
    }
    return t > now ? now : t;
  }

  /**
   * Reads documents under `ctx`. In a read-write transaction the documents get shared read locks
   * (never a wait) and their versions are recorded for the commit-time check.
   */
  getDocuments(paths: string[], ctx: ReadContext): Array<StoredDoc | null> {
    const txn = ctx.txn;
    if (txn && !txn.readOnly) {
      this.txns.lock(txn, paths);
      return paths.map((p) => {
        const doc = this.store.get(p);
        txn.recordRead(p, doc ? doc.updateMicros : null);
        return doc;
      });
    }
    return paths.map((p) => this.store.getAt(p, ctx.snapshot));
  }

  /** Runs a structured query under `ctx`; in a read-write transaction its results are read-locked too. */
  query(parentPath: string, query: StructuredQuery, ctx: ReadContext): StoredDocument[] {
    const run = (): StoredDocument[] =>
      runQuery(this.store, parentPath, query, {
        readTime: ctx.snapshot === undefined ? undefined : toTimestamp(ctx.snapshot),
        indexes: this.indexes,
        documentsRoot: this.root,
      }).documents;
    const txn = ctx.txn;
    const docs = run();
    if (!txn || txn.readOnly) return docs;
    this.txns.lock(txn, docs.map((d) => d.path));
    for (const d of docs) txn.recordRead(d.path, this.store.get(d.path)?.updateMicros ?? null);
    // Phantoms (documents entering or leaving the result) are caught by re-running at commit.
    const signature = querySignature(docs);
    txn.queries.push({ signature, rerun: () => querySignature(run()) });
    return docs;
  }

  aggregate(parentPath: string, query: StructuredAggregationQuery, ctx: ReadContext): Record<string, Value> {
    const run = (): Record<string, Value> =>
      runAggregation(this.store, parentPath, query, {
        readTime: ctx.snapshot === undefined ? undefined : toTimestamp(ctx.snapshot),
        indexes: this.indexes,
        documentsRoot: this.root,
      });
    const result = run();
    const txn = ctx.txn;
    if (txn && !txn.readOnly) {
      const signature = JSON.stringify(result);
      txn.queries.push({ signature, rerun: () => JSON.stringify(run()) });
    }
    return result;
  }

  // ---- writes --------------------------------------------------------------------------------

  /**
   * Commits a read-write (or read-only) transaction: first settles lock conflicts on the written
   * documents by wound-wait (may wait for older transactions, or fail with ABORTED), then commits
   * synchronously, in the same turn as the last check.
   */
  async commitTransaction(writes: ParsedWrite[], txn: Transaction): Promise<{ commitTime: Micros; results: WriteResult[] }> {
    if (!txn.readOnly && writes.length > 0) {
      const paths = new Set(writes.map((w) => w.path));
      for (let wait = this.txns.commitBlockers(txn, paths); wait; wait = this.txns.commitBlockers(txn, paths)) await wait;
    }
    return this.commit(writes, txn);
  }

  /**
   * Applies `writes` atomically with one commit time. With a transaction, first verifies that
   * nothing it read changed (ABORTED otherwise), then ends it and releases its locks.
   */
  commit(writes: ParsedWrite[], txn?: Transaction): { commitTime: Micros; results: WriteResult[] } {
    if (txn) {
      if (txn.readOnly) {
        if (writes.length > 0) throw invalidArgument('Cannot modify entities in a read-only transaction.');
        const t = this.clock.readTime();
        this.txns.end(txn, 'committed');
        return { commitTime: t, results: [] };
      }
      try {
        this.verifyReads(txn);
      } catch (e) {
        this.txns.end(txn, 'aborted');
        throw e;
      }
    }
    const commitTime = this.clock.nextCommitTime();
    const requestTs = requestTimeOf(commitTime);
    const overlay = new Map<string, StoredDoc | null>();
    const results: WriteResult[] = new Array(writes.length);
    try {
      for (let i = 0; i < writes.length; i++) {
        const pw = writes[i];
        const current = overlay.has(pw.path) ? overlay.get(pw.path)! : this.store.get(pw.path);
        const applied = applyWrite(pw.write, pw.path, pw.segments, pw.name, current, commitTime, requestTs);
        overlay.set(pw.path, applied.after);
        results[i] = applied.result;
      }
    } catch (e) {
      if (txn) this.txns.end(txn, 'rolledBack');
      throw e;
    }
    const changes: Array<{ path: string; after: StoredDoc | null }> = [];
    for (const [path, after] of overlay) changes.push({ path, after });
    const applied = this.store.apply(changes, commitTime);
    if (txn) this.txns.end(txn, 'committed');
    this.notify(applied, commitTime);
    return { commitTime, results };
  }

  private verifyReads(txn: Transaction): void {
    for (const [path, seen] of txn.reads) {
      const doc = this.store.get(path);
      if ((doc ? doc.updateMicros : null) !== seen) {
        throw aborted(`Transaction aborted: document "${path}" was modified after it was read in the transaction.`);
      }
    }
    for (const q of txn.queries) {
      if (q.rerun() !== q.signature) throw aborted('Transaction aborted: the result of a query read in the transaction changed.');
    }
  }

  /** BatchWrite: every write applied independently (no atomicity), each with its own status. */
  batchWrite(writes: ParsedWrite[]): BatchWriteOutcome {
    const seen = new Set<string>();
    for (const w of writes) {
      if (seen.has(w.path)) throw invalidArgument(`BatchWrite does not allow more than one write per document: ${w.name}`);
      seen.add(w.path);
    }
    const commitTime = this.clock.nextCommitTime();
    const commitTs = toTimestamp(commitTime);
    const requestTs = requestTimeOf(commitTime);
    const results: WriteResult[] = [];
    const statuses: Array<{ code: number; message?: string }> = [];
    const changes: Array<{ path: string; after: StoredDoc | null }> = [];
    for (const pw of writes) {
      try {
        const applied = applyWrite(pw.write, pw.path, pw.segments, pw.name, this.store.get(pw.path), commitTime, requestTs);
        changes.push({ path: pw.path, after: applied.after });
        results.push(applied.result.updateTime ? applied.result : { ...applied.result, updateTime: commitTs });
        statuses.push({ code: GrpcStatus.OK });
      } catch (e) {
        if (!(e instanceof FirestoreError)) throw e;
        results.push({});
        statuses.push({ code: e.code, message: e.message });
      }
    }
    const applied = this.store.apply(changes, commitTime);
    this.notify(applied, commitTime);
    return { results, statuses };
  }

  private notify(applied: ChangedDocument[], commitTime: Micros): void {
    if (applied.length === 0) return;
    for (const l of this.listeners) l(applied, commitTime);
  }

  /** Deletes every document; open transactions are aborted. Listeners see the deletions. */
  clear(): void {
    this.txns.abortAll();
    const now = this.clock.nextCommitTime();
    const before = [...this.store.allDocuments()];
    this.store.clear(now);
    this.notify(
      before.map((d) => ({ path: d.path, before: d, after: null })),
      now,
    );
  }

  /** Periodic housekeeping: history pruning and transaction expiry. */
  sweep(): void {
    this.store.prune(this.clock.readTime());
    this.txns.sweep();
  }
}

function querySignature(docs: StoredDocument[]): string {
  let s = '';
  for (const d of docs) s += d.path + '@' + d.updateTime.seconds + '.' + d.updateTime.nanos + '\n';
  return s;
}
