/**
 * Per-database time. Firestore timestamps have microsecond precision and commit times strictly
 * increase; reads are stamped with a time that includes every earlier commit. Times are kept as
 * integer microseconds since the epoch in a JS number (exact up to year ~2255).
 */
import type { Timestamp } from './types';
import { invalidArgument } from './errors';

export type Micros = number;

export class DatabaseClock {
  private last: Micros = 0;

  /** A fresh commit time, strictly after every time handed out before. */
  nextCommitTime(): Micros {
    const now = Date.now() * 1000;
    this.last = now > this.last ? now : this.last + 1;
    return this.last;
  }

  /** The current read time: sees every commit so far; later commits get a strictly greater time. */
  readTime(): Micros {
    const now = Date.now() * 1000;
    if (now > this.last) this.last = now;
    return this.last;
  }

  /** Restores the clock after an import so new commits stay after imported update times. */
  advanceTo(t: Micros): void {
    if (t > this.last) this.last = t;
  }
}

export function toTimestamp(micros: Micros): Timestamp {
  const seconds = Math.floor(micros / 1e6);
  return { seconds: String(seconds), nanos: (micros - seconds * 1e6) * 1000 };
}

/** Converts a client timestamp; sub-microsecond precision is truncated as Firestore does. */
export function fromTimestamp(ts: Timestamp | undefined | null): Micros {
  if (!ts) throw invalidArgument('Missing timestamp.');
  const seconds = Number(ts.seconds ?? 0);
  const nanos = Number(ts.nanos ?? 0);
  if (!Number.isFinite(seconds) || !Number.isFinite(nanos) || nanos < 0 || nanos > 999_999_999) {
    throw invalidArgument(`Invalid timestamp ${JSON.stringify(ts)}.`);
  }
  return seconds * 1e6 + Math.floor(nanos / 1000);
}
