/**
 * fetchPoolHistories, pure core: which days of a pool's history are still to store, and DefiLlama
 * `/chart/{pool}` rows → one point per UTC day for exactly those days.
 *
 * - The window ends at runDate − 1: the current day's row is still moving (DefiLlama updates it
 *   hourly), as for prices and gas.
 * - It starts the day after the last day stored by an EARLIER runDate (`ingestedOn` < runDate), so a
 *   rerun of the same date recomputes and rewrites the same days (idempotent), and a new day adds
 *   one point. Nothing stored yet → the whole chart (`from: null`).
 * - /chart has no date parameter: the full history is always downloaded; "only missing days" is
 *   about what is written (and pools already up to date are not requested at all).
 * - One point per day: the latest row of the day wins (clean.ts's rule). A day inside the window
 *   without a row is stored as an explicit gap (all values null) so the stored series says "no
 *   data that day" rather than "not fetched", and the next run does not ask for it again. Days
 *   before the pool's first row are not stored (the pool did not exist).
 */
import { addDays, dayRange } from '../../lib/dates';
import type { SeriesPoint } from '../../lib/series';

/** A /chart row (the fields we keep; DefiLlama sends a few more that the raw layer keeps). */
export interface ChartRow {
  timestamp: string;
  tvlUsd: number | null;
  apy: number | null;
  apyBase?: number | null;
  apyReward?: number | null;
}

export interface HistoryValue extends Record<string, unknown> {
  apy: number | null;
  tvlUsd: number | null;
  apyBase: number | null;
  apyReward: number | null;
  /** The runDate whose fetch wrote the point (decides what a rerun rewrites). */
  ingestedOn: string;
}

export interface HistoryWindow {
  /** First day to store; null = from the pool's first row. */
  from: string | null;
  to: string;
}

/** Days still to store, or undefined when the stored series is complete up to runDate − 1. */
export function historyWindow(stored: ReadonlyMap<string, { ingestedOn?: unknown }>, runDate: string): HistoryWindow | undefined {
  const to = addDays(runDate, -1);
  let last: string | undefined;
  for (const [day, v] of stored) {
    if (typeof v?.ingestedOn === 'string' && v.ingestedOn < runDate && day <= to && (last === undefined || day > last)) last = day;
  }
  if (last === undefined) return { from: null, to };
  const from = addDays(last, 1);
  return from <= to ? { from, to } : undefined;
}

const num = (v: number | null | undefined): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export interface HistoryPoints {
  points: Array<SeriesPoint<HistoryValue>>;
  /** Days of the window stored as explicit gaps. */
  gaps: number;
  /** Rows that shared a day with a later row (collapsed). */
  duplicates: number;
}

/** The window's points from a chart (rows in any order). */
export function chartToPoints(rows: readonly ChartRow[], window: HistoryWindow, runDate: string): HistoryPoints {
  const byDay = new Map<string, ChartRow>();
  let duplicates = 0;
  let first: string | undefined;
  for (const row of rows) {
    const day = typeof row.timestamp === 'string' ? row.timestamp.slice(0, 10) : '';
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || day > window.to) continue;
    if (first === undefined || day < first) first = day;
    if (window.from !== null && day < window.from) continue;
    const seen = byDay.get(day);
    if (seen) {
      duplicates++;
      if (row.timestamp < seen.timestamp) continue;
    }
    byDay.set(day, row);
  }
  const start = window.from ?? first;
  if (start === undefined) return { points: [], gaps: 0, duplicates };
  // A pool born inside the window starts at its first row, not at the window's start.
  const begin = first !== undefined && first > start ? first : start;
  const points: Array<SeriesPoint<HistoryValue>> = [];
  let gaps = 0;
  for (const day of dayRange(begin, window.to)) {
    const r = byDay.get(day);
    if (!r) gaps++;
    points.push({
      id: day,
      date: day,
      value: { apy: num(r?.apy), tvlUsd: num(r?.tvlUsd), apyBase: num(r?.apyBase), apyReward: num(r?.apyReward), ingestedOn: runDate },
    });
  }
  return { points, gaps, duplicates };
}
