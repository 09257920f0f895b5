/** UTC calendar-day arithmetic on integer day numbers (days since 1970-01-01), the sim's time axis. */
const MS_PER_DAY = 86_400_000;

export function dayIndex(date: string): number {
  if (!/^\d{4}-\d{2}-\d{2}/.test(date)) throw new Error(`expected YYYY-MM-DD, got ${JSON.stringify(date)}`);
  return Math.floor(Date.parse(date.slice(0, 10) + 'T00:00:00Z') / MS_PER_DAY);
}

export function dayString(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

export function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}

/** Unix seconds at the start of the day. */
export function dayStartSec(day: number): number {
  return day * 86_400;
}

/** 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
export function weekday(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}
