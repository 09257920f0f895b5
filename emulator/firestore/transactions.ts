/**
 * Transactions of one database.
 *
 * Read-write transactions follow the PESSIMISTIC concurrency mode that Google documents for the
 * server client libraries (https://cloud.google.com/firestore/docs/transaction-data-contention):
 * a document read in a read-write transaction is locked until the transaction ends, and the lock
 * blocks other operations from *changing* it, not from reading it. Read locks are therefore
 * shared: reads never wait. Conflicts are settled when a transaction commits and needs the
 * documents it writes, by wound-wait: readers of those documents that are younger are aborted
 * (wounded; ABORTED, which the client retries keeping its age through `retryTransaction`), older
 * ones are waited for. Waits only ever go from younger to older, so there is no deadlock; the
 * classic "both read, both commit" upgrade conflict ends at once with the younger aborted.
 *
 * Writes outside a transaction are not blocked; instead the commit re-checks the version of every
 * document the transaction read (and re-runs its queries) and fails with ABORTED if anything changed.
 * Together this guarantees no lost updates.
 *
 * Read-only transactions read a consistent snapshot at their read time and take no locks.
 * Expiry follows the documented limits: 270 s in total, 60 s idle (not while waiting to commit).
 */
import { randomBytes } from 'node:crypto';
import type { Timestamp } from './types';
import { aborted, invalidArgument } from './errors';
import { fromTimestamp, type Micros } from './clock';

export const TRANSACTION_MAX_AGE_MS = 270_000;
export const TRANSACTION_MAX_IDLE_MS = 60_000;
/** How long ended transactions are remembered (for retryTransaction and clear errors). */
const FINISHED_RETENTION_MS = 5 * 60_000;
const ABORTED_MESSAGE = 'Transaction was aborted because of contention with another transaction; retry it.';
const EXPIRED_MESSAGE = 'The referenced transaction has expired or is no longer valid.';

export interface TransactionOptions {
  mode?: 'readOnly' | 'readWrite';
  readOnly?: { readTime?: Timestamp; consistencySelector?: string };
  readWrite?: { retryTransaction?: Buffer };
}

type State = 'active' | 'committed' | 'rolledBack' | 'aborted' | 'expired';

/** A commit waiting for older readers of the documents it writes. */
interface CommitWait {
  resolve: () => void;
  reject: (e: Error) => void;
}

export interface RecordedQuery {
  /** Re-runs the query at the latest state and returns its signature. */
  rerun(): string;
  signature: string;
}

export class Transaction {
  state: State = 'active';
  /** Document versions seen: path → update time (null = absent). */
  readonly reads = new Map<string, Micros | null>();
  readonly queries: RecordedQuery[] = [];
  /** Paths this transaction holds a (shared) read lock on. */
  readonly locks = new Set<string>();
  /** Set while its commit waits for older transactions. */
  waiting: CommitWait | undefined;
  /** Commits of younger transactions waiting for this one to end. */
  readonly waiters = new Set<() => void>();
  lastActivity = Date.now();
  readonly startedAt = Date.now();
  endedAt = 0;

  constructor(
    readonly id: Buffer,
    readonly readOnly: boolean,
    /** Smaller = older = higher priority. */
    readonly priority: number,
    /** Snapshot time of a read-only transaction. */
    readonly readTime: Micros | undefined,
  ) {}

  get key(): string {
    return this.id.toString('hex');
  }

  recordRead(path: string, updateMicros: Micros | null): void {
    if (!this.reads.has(path)) this.reads.set(path, updateMicros);
  }
}

export class TransactionManager {
  private readonly txns = new Map<string, Transaction>();
  /** path → active read-write transactions holding a shared read lock on it. */
  private readonly lockTable = new Map<string, Set<Transaction>>();
  private seq = 0;

  /** Starts a transaction; `now` is the database read time for read-only ones without readTime. */
  begin(options: TransactionOptions | undefined, now: Micros): Transaction {
    const readOnly = !!options?.readOnly || options?.mode === 'readOnly';
    let priority = ++this.seq;
    const retry = options?.readWrite?.retryTransaction;
    if (!readOnly && retry && retry.length > 0) {
      const previous = this.txns.get(Buffer.from(retry).toString('hex'));
      if (previous) priority = Math.min(priority, previous.priority);
    }
    let readTime: Micros | undefined;
    if (readOnly) readTime = options?.readOnly?.readTime ? fromTimestamp(options.readOnly.readTime) : now;
    const id = Buffer.concat([randomBytes(8), Buffer.from(this.seq.toString(16).padStart(8, '0'), 'hex')]);
    const txn = new Transaction(id, readOnly, priority, readTime);
    this.txns.set(txn.key, txn);
    return txn;
  }

  /** The active transaction with this id; INVALID_ARGUMENT if unknown/ended, ABORTED if wounded. */
  get(id: Buffer | undefined): Transaction {
    const txn = id && id.length > 0 ? this.txns.get(Buffer.from(id).toString('hex')) : undefined;
    if (!txn) throw invalidArgument('The referenced transaction has expired or is no longer valid.');
    this.expireIfDue(txn, Date.now());
    this.checkActive(txn);
    txn.lastActivity = Date.now();
    return txn;
  }

  /** Rollback: idempotent for ended transactions, INVALID_ARGUMENT for unknown ids. */
  rollback(id: Buffer | undefined): void {
    const txn = id && id.length > 0 ? this.txns.get(Buffer.from(id).toString('hex')) : undefined;
    if (!txn) throw invalidArgument('The referenced transaction has expired or is no longer valid.');
    if (txn.state === 'active') this.end(txn, 'rolledBack');
  }

  /** Takes shared read locks on `paths` for a read-write transaction; never waits. */
  lock(txn: Transaction, paths: Iterable<string>): void {
    this.checkActive(txn);
    if (txn.readOnly) return;
    for (const path of paths) {
      if (txn.locks.has(path)) continue;
      let holders = this.lockTable.get(path);
      if (!holders) this.lockTable.set(path, (holders = new Set()));
      holders.add(txn);
      txn.locks.add(path);
    }
    txn.lastActivity = Date.now();
  }

  /**
   * Wound-wait for a commit of `txn` that writes `paths`: younger transactions holding read locks
   * on them are aborted now; if older ones hold some, returns a promise that settles when one of
   * them ends (the caller then asks again) and rejects with ABORTED if `txn` is wounded meanwhile.
   * Undefined means the commit may proceed now (synchronously, before anything else runs).
   */
  commitBlockers(txn: Transaction, paths: Iterable<string>): Promise<void> | undefined {
    this.checkActive(txn);
    const older = new Set<Transaction>();
    for (const path of paths) {
      const holders = this.lockTable.get(path);
      if (!holders) continue;
      for (const other of [...holders]) {
        if (other === txn || other.state !== 'active') continue;
        if (other.priority < txn.priority) older.add(other);
        else this.end(other, 'aborted');
      }
    }
    if (older.size === 0) return undefined;
    return new Promise<void>((resolve, reject) => {
      const done = (): void => {
        for (const o of older) o.waiters.delete(done);
        txn.waiting = undefined;
        resolve();
      };
      for (const o of older) o.waiters.add(done);
      txn.waiting = {
        resolve: done,
        reject: (e) => {
          for (const o of older) o.waiters.delete(done);
          txn.waiting = undefined;
          reject(e);
        },
      };
    });
  }

  private checkActive(txn: Transaction): void {
    if (txn.state === 'aborted') throw aborted(ABORTED_MESSAGE);
    if (txn.state !== 'active') throw invalidArgument(EXPIRED_MESSAGE);
  }

  /** Ends a transaction: releases its locks, fails its own pending commit, wakes commits waiting for it. */
  end(txn: Transaction, state: Exclude<State, 'active'>): void {
    if (txn.state !== 'active') return;
    txn.state = state;
    txn.endedAt = Date.now();
    for (const path of txn.locks) {
      const holders = this.lockTable.get(path);
      if (!holders) continue;
      holders.delete(txn);
      if (holders.size === 0) this.lockTable.delete(path);
    }
    txn.locks.clear();
    txn.waiting?.reject(state === 'aborted' ? aborted(ABORTED_MESSAGE) : invalidArgument(EXPIRED_MESSAGE));
    for (const wake of [...txn.waiters]) wake();
    txn.waiters.clear();
  }

  private expireIfDue(txn: Transaction, nowMs: number): void {
    if (txn.state !== 'active') return;
    if (nowMs - txn.startedAt > TRANSACTION_MAX_AGE_MS || (!txn.waiting && nowMs - txn.lastActivity > TRANSACTION_MAX_IDLE_MS)) {
      this.end(txn, 'expired');
    }
  }

  /** Periodic housekeeping: expire idle/old transactions, forget long-ended ones. */
  sweep(nowMs = Date.now()): void {
    for (const [key, txn] of this.txns) {
      this.expireIfDue(txn, nowMs);
      if (txn.state !== 'active' && nowMs - txn.endedAt > FINISHED_RETENTION_MS) this.txns.delete(key);
    }
  }

  /** Ends every transaction (database cleared or server stopping). */
  abortAll(): void {
    for (const txn of this.txns.values()) this.end(txn, 'aborted');
  }

  get activeCount(): number {
    let n = 0;
    for (const t of this.txns.values()) if (t.state === 'active') n++;
    return n;
  }
}
