/** Pure core of fetchPrices: which days to ask for, and CMC coins → daily OHLCV points. */
import { addDays } from '../../../lib/dates';
import type { SeriesPoint } from '../../../lib/series';
import type { CmcCoin, CmcOhlcvResponse } from './schema';

/** First run: a year of history. */
export const HISTORY_DAYS = 365;

export interface OhlcvValue extends Record<string, unknown> {
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number | null;
  marketCap: number | null;
  cmcId: number;
  /** The runDate whose ingestion wrote the point: reruns of that date recompute the same window. */
  ingestedOn: string;
}

/** The ETH/BTC reference coins plus every approved token, without repeats (case kept as CMC wants upper). */
export function priceSymbols(approvedSymbols: ReadonlyArray<string>): string[] {
  const out: string[] = [];
  for (const s of ['ETH', 'BTC', ...approvedSymbols]) if (!out.some((o) => o.toUpperCase() === s.toUpperCase())) out.push(s);
  return out;
}

/**
 * Days still to fetch for one symbol: after the last day stored by an EARLIER runDate, up to
 * runDate − 1 (the current day's bar is incomplete), at most a year back. Points written by this
 * runDate's own earlier attempt do not count, so a rerun asks for (and rewrites) the same days.
 */
export function missingWindow(stored: ReadonlyMap<string, { ingestedOn?: unknown }>, runDate: string): { from: string; to: string } | undefined {
  const to = addDays(runDate, -1);
  let last: string | undefined;
  for (const [day, v] of stored) if (typeof v.ingestedOn === 'string' && v.ingestedOn < runDate && day <= to && (!last || day > last)) last = day;
  const earliest = addDays(runDate, -HISTORY_DAYS);
  const from = last && last >= earliest ? addDays(last, 1) : earliest;
  return from <= to ? { from, to } : undefined;
}

/** The coin answering for `symbol`: by-symbol lookups may list several; CMC ranks the main one first. */
export function pickCoin(res: CmcOhlcvResponse, symbol: string): { coin: CmcCoin | undefined; ambiguous: number } {
  const data = res.data as unknown;
  if (data && typeof data === 'object' && 'quotes' in (data as object)) return { coin: data as CmcCoin, ambiguous: 0 };
  const map = data as Record<string, CmcCoin | CmcCoin[]>;
  const key = Object.keys(map).find((k) => k.toUpperCase() === symbol.toUpperCase());
  const entry = key === undefined ? undefined : map[key];
  if (Array.isArray(entry)) {
    // Several coins share a symbol: the one with the largest latest market cap is the real one.
    const unique = [...new Map(entry.map((c) => [c.id, c])).values()];
    const ranked = unique.sort((a, b) => lastCap(b) - lastCap(a));
    return { coin: ranked[0], ambiguous: unique.length > 1 ? unique.length : 0 };
  }
  return { coin: entry, ambiguous: 0 };
}

function lastCap(c: CmcCoin): number {
  const q = c.quotes[c.quotes.length - 1];
  return q?.quote.USD.market_cap ?? 0;
}

export interface NormalizedBars {
  points: Array<SeriesPoint<OhlcvValue>>;
  duplicates: number;
  outOfWindow: number;
}

/** Bars within [from, to], one per UTC day (time_open's day); repeated days collapse to the last. */
export function normalizeBars(coin: CmcCoin, window: { from: string; to: string }, runDate: string): NormalizedBars {
  const byDay = new Map<string, OhlcvValue>();
  let duplicates = 0;
  let outOfWindow = 0;
  for (const q of coin.quotes) {
    const day = q.time_open.slice(0, 10);
    if (day < window.from || day > window.to) {
      outOfWindow++;
      continue;
    }
    if (byDay.has(day)) duplicates++;
    const usd = q.quote.USD;
    byDay.set(day, {
      open: usd.open,
      high: usd.high,
      low: usd.low,
      close: usd.close,
      volume: usd.volume ?? null,
      marketCap: usd.market_cap ?? null,
      cmcId: coin.id,
      ingestedOn: runDate,
    });
  }
  const points = [...byDay.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([day, value]) => ({ id: day, date: day, value }));
  return { points, duplicates, outOfWindow };
}
