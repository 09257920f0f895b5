/**
 * Transactions of one database.
 *
 * Read-write transactions use pessimistic locking like the server client libraries' backend: a
 * document read in a read-write transaction is locked until that transaction commits, rolls back,
 * aborts or expires, so concurrent read-modify-write transactions on the same document run one
 * after the other instead of failing. Deadlocks are impossible by wound-wait: an older transaction
 * that wants a lock held by a younger one aborts (wounds) the younger one, which the client retries
 * (ABORTED is retryable) keeping its age through `retryTransaction`; a younger one waits.
 *
 * Writes outside the transaction are not blocked; instead the commit re-checks the version of every
 * document the transaction read (and re-runs its queries) and fails with ABORTED if anything changed.
 * Together this guarantees no lost updates.
 *
 * Read-only transactions read a consistent snapshot at their read time and take no locks.
 * Expiry follows the documented limits: 270 s in total, 60 s idle.
 */
import { randomBytes } from 'node:crypto';
import type { Timestamp } from './types';
import { aborted, invalidArgument } from './errors';
import { fromTimestamp, type Micros } from './clock';

export const TRANSACTION_MAX_AGE_MS = 270_000;
export const TRANSACTION_MAX_IDLE_MS = 60_000;
/** How long ended transactions are remembered (for retryTransaction and clear errors). */
const FINISHED_RETENTION_MS = 5 * 60_000;

export interface TransactionOptions {
  mode?: 'readOnly' | 'readWrite';
  readOnly?: { readTime?: Timestamp; consistencySelector?: string };
  readWrite?: { retryTransaction?: Buffer };
}

type State = 'active' | 'committed' | 'rolledBack' | 'aborted' | 'expired';

interface LockWaiter {
  txn: Transaction;
  path: string;
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
  readonly locks = new Set<string>();
  readonly waiting = new Set<LockWaiter>();
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
  private readonly lockTable = new Map<string, { owner: Transaction; queue: LockWaiter[] }>();
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
    if (txn.state === 'aborted') throw aborted('Transaction was aborted because of contention with another transaction; retry it.');
    if (txn.state !== 'active') throw invalidArgument('The referenced transaction has expired or is no longer valid.');
    txn.lastActivity = Date.now();
    return txn;
  }

  /** Rollback: idempotent for ended transactions, INVALID_ARGUMENT for unknown ids. */
  rollback(id: Buffer | undefined): void {
    const txn = id && id.length > 0 ? this.txns.get(Buffer.from(id).toString('hex')) : undefined;
    if (!txn) throw invalidArgument('The referenced transaction has expired or is no longer valid.');
    if (txn.state === 'active') this.end(txn, 'rolledBack');
  }

  /** Locks `paths` for a read-write transaction (in name order), waiting for older holders. */
  async lock(txn: Transaction, paths: string[]): Promise<void> {
    if (txn.readOnly) return;
    const sorted = [...new Set(paths)].sort();
    for (const path of sorted) {
      if (txn.state !== 'active') break;
      await this.acquire(txn, path);
    }
    if (txn.state === 'aborted') throw aborted('Transaction was aborted because of contention with another transaction; retry it.');
    if (txn.state !== 'active') throw invalidArgument('The referenced transaction has expired or is no longer valid.');
    txn.lastActivity = Date.now();
  }

  private acquire(txn: Transaction, path: string): Promise<void> | void {
    const lock = this.lockTable.get(path);
    if (!lock) {
      this.lockTable.set(path, { owner: txn, queue: [] });
      txn.locks.add(path);
      return;
    }
    if (lock.owner === txn) return;
    return new Promise<void>((resolve, reject) => {
      const waiter: LockWaiter = { txn, path, resolve, reject };
      const i = lock.queue.findIndex((w) => w.txn.priority > txn.priority);
      if (i < 0) lock.queue.push(waiter);
      else lock.queue.splice(i, 0, waiter);
      txn.waiting.add(waiter);
      // Wound-wait: an older transaction never waits for a younger one.
      if (txn.priority < lock.owner.priority) this.end(lock.owner, 'aborted');
    });
  }

  private release(txn: Transaction, path: string): void {
    const lock = this.lockTable.get(path);
    if (!lock || lock.owner !== txn) return;
    const next = lock.queue.shift();
    if (!next) {
      this.lockTable.delete(path);
      return;
    }
    lock.owner = next.txn;
    next.txn.waiting.delete(next);
    next.txn.locks.add(path);
    next.resolve();
  }

  /** Ends a transaction: releases its locks and fails its pending lock waits. */
  end(txn: Transaction, state: Exclude<State, 'active'>): void {
    if (txn.state !== 'active') return;
    txn.state = state;
    txn.endedAt = Date.now();
    for (const w of txn.waiting) {
      const lock = this.lockTable.get(w.path);
      if (lock) lock.queue = lock.queue.filter((x) => x !== w);
      w.reject(
        state === 'aborted'
          ? aborted('Transaction was aborted because of contention with another transaction; retry it.')
          : invalidArgument('The referenced transaction has expired or is no longer valid.'),
      );
    }
    txn.waiting.clear();
    for (const path of txn.locks) this.release(txn, path);
    txn.locks.clear();
  }

  private expireIfDue(txn: Transaction, nowMs: number): void {
    if (txn.state !== 'active') return;
    if (nowMs - txn.startedAt > TRANSACTION_MAX_AGE_MS || (txn.waiting.size === 0 && nowMs - txn.lastActivity > TRANSACTION_MAX_IDLE_MS)) {
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
