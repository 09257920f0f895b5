/**
 * The simulated clock: the stand-ins answer "as of" this day, so a run can target any date without
 * touching the real API surface (no ?asOf= parameter). Set it through POST /_control/clock.
 */
import type { Clock } from './types';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function isIsoDay(value: unknown): value is string {
  if (typeof value !== 'string' || !DAY.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

export class MutableClock implements Clock {
  private override: string | undefined;
  /** `base` (options.clock) is followed live until the control API sets a date; `fallback` otherwise. */
  constructor(private readonly fallback: string, private readonly base?: Clock) {}
  today(): string {
    return this.override ?? this.base?.today() ?? this.fallback;
  }
  /** End of the simulated day: everything of `today` has happened (a run reads a finished day). */
  now(): string {
    return `${this.today()}T23:59:59.999Z`;
  }
  set(day: string): void {
    if (!isIsoDay(day)) throw new Error(`clock date must be YYYY-MM-DD, got ${JSON.stringify(day)}`);
    this.override = day;
  }
}

export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

export const nowMs = (clock: Clock): number => Date.parse(clock.now ? clock.now() : `${clock.today()}T23:59:59.999Z`);
