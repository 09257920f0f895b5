/**
 * Parsing DefiLlama `/chart/{pool}` responses (`{"status","data":[{timestamp, tvlUsd, apy, ...}]}`)
 * and files mapping keys → such responses, into PoolHistory arrays. Errors name the key, the row
 * and the field. `null` values are gaps; anything else that is not a finite number is an error.
 */
import type { PoolHistory } from './pools';
import { dateToDay } from './series';

export class ChartInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChartInputError';
  }
}

/** Key used when the file holds a single /chart response (such a response carries no pool id). */
export const SINGLE_SERIES_KEY = 'series';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** True when the value looks like one /chart response rather than a map of them. */
export function isChartResponse(v: unknown): boolean {
  return isRecord(v) && Array.isArray(v.data);
}

function numberOrGap(row: Record<string, unknown>, field: string, where: string): number {
  const v = row[field];
  if (v === null) return NaN;
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (v === undefined) throw new ChartInputError(`${where}: missing field "${field}"`);
  throw new ChartInputError(`${where}.${field}: expected a number or null, got ${JSON.stringify(v)}`);
}

export function parseChartResponse(value: unknown, key: string): PoolHistory {
  const where = JSON.stringify(key);
  if (!isRecord(value)) throw new ChartInputError(`${where}: expected a /chart response object, got ${Array.isArray(value) ? 'an array' : typeof value}`);
  if (value.status !== undefined && value.status !== 'success') {
    throw new ChartInputError(`${where}.status: expected "success", got ${JSON.stringify(value.status)}`);
  }
  if (!Array.isArray(value.data)) throw new ChartInputError(`${where}.data: expected an array of rows`);
  const rows = value.data as unknown[];
  const n = rows.length;
  const days = new Float64Array(n);
  const apy = new Float64Array(n);
  const tvl = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const row = rows[i];
    const at = `${where}.data[${i}]`;
    if (!isRecord(row)) throw new ChartInputError(`${at}: expected an object`);
    const ts = row.timestamp;
    if (typeof ts !== 'string' && typeof ts !== 'number') throw new ChartInputError(`${at}.timestamp: expected an ISO date string or epoch number`);
    const day = dateToDay(ts);
    if (!Number.isFinite(day)) throw new ChartInputError(`${at}.timestamp: not a date: ${JSON.stringify(ts)}`);
    days[i] = day;
    apy[i] = numberOrGap(row, 'apy', at);
    tvl[i] = numberOrGap(row, 'tvlUsd', at);
  }
  return { days, apy, tvl };
}

/** One response → { series: … }; a map → one history per key. */
export function parseChartFile(value: unknown): Record<string, PoolHistory> {
  if (isChartResponse(value)) return { [SINGLE_SERIES_KEY]: parseChartResponse(value, SINGLE_SERIES_KEY) };
  if (!isRecord(value)) throw new ChartInputError(`input: expected a /chart response or an object mapping keys to /chart responses`);
  const keys = Object.keys(value);
  if (keys.length === 0) throw new ChartInputError('input: the object holds no series');
  const out: Record<string, PoolHistory> = {};
  for (const key of keys) out[key] = parseChartResponse(value[key], key);
  return out;
}
