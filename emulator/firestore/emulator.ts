/**
 * The emulator's state: one isolated Database per (project, database) pair, created on first use,
 * with periodic housekeeping (history pruning, transaction expiry).
 */
import { Database } from './database';
import { databaseKey, type DatabaseRef } from './names';

const SWEEP_INTERVAL_MS = 10_000;

export class FirestoreEmulatorState {
  private readonly databases = new Map<string, Database>();
  private timer: NodeJS.Timeout | undefined;

  constructor() {
    this.timer = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  database(ref: DatabaseRef): Database {
    const key = databaseKey(ref);
    let db = this.databases.get(key);
    if (!db) {
      db = new Database({ projectId: ref.projectId, databaseId: ref.databaseId });
      this.databases.set(key, db);
    }
    return db;
  }

  /** Existing databases only (export, listing). */
  all(): Database[] {
    return [...this.databases.values()];
  }

  /** Clears one database (REST `DELETE .../documents`) or, without a ref, every database. */
  clear(ref?: DatabaseRef): void {
    if (ref) {
      this.databases.get(databaseKey(ref))?.clear();
      return;
    }
    for (const db of this.databases.values()) db.clear();
  }

  sweep(): void {
    for (const db of this.databases.values()) db.sweep();
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    for (const db of this.databases.values()) db.txns.abortAll();
  }
}
