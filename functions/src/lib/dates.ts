/**
 * UTC calendar-day helpers. Every date in the pipeline is a UTC calendar day written YYYY-MM-DD;
 * doing the arithmetic on that string form (never on local time) keeps runs identical on any machine.
 */

const RUN_DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

/** True for a real calendar day in YYYY-MM-DD form (rejects 2024-02-30, 2023-13-01, 24-1-1). */
export function isValidRunDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = RUN_DATE_PATTERN.exec(value);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Midnight UTC of a YYYY-MM-DD day; throws on anything that is not a real calendar day. */
export function parseRunDate(value: string): Date {
  if (!isValidRunDate(value)) throw new RangeError(`not a calendar day in YYYY-MM-DD form: ${JSON.stringify(value)}`);
  return new Date(`${value}T00:00:00.000Z`);
}

/** The UTC calendar day of an instant, as YYYY-MM-DD. */
export function formatUtcDate(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}

/** Today's UTC calendar day (the default runDate). */
export function todayUtc(now: Date = new Date()): string {
  return formatUtcDate(now);
}

/** `days` calendar days after (or before, when negative) a YYYY-MM-DD day. */
export function addDays(runDate: string, days: number): string {
  return formatUtcDate(new Date(parseRunDate(runDate).getTime() + days * MS_PER_DAY));
}

/** Whole days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: string, to: string): number {
  return Math.round((parseRunDate(to).getTime() - parseRunDate(from).getTime()) / MS_PER_DAY);
}

/** Every day from `from` to `to`, both inclusive; empty when `to` is before `from`. */
export function dayRange(from: string, to: string): string[] {
  const n = daysBetween(from, to);
  const out: string[] = [];
  for (let i = 0; i <= n; i++) out.push(addDays(from, i));
  return out;
}

/** YYYY-MM of a day: the key of the per-(series, month) time-series documents. */
export function monthKey(runDate: string): string {
  parseRunDate(runDate);
  return runDate.slice(0, 7);
}
