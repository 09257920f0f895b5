/**
 * What the forecast-phase handlers (DOMAIN.md step 3) share: their Firestore layout, the held-pool
 * lookup and the readers later steps (optimizer, report) use. Handlers stay thin: load → core → store.
 *
 * Layout (keyed by runDate; a rerun of the date overwrites in place):
 *   poolForecasts/{runDate}  (+chunks) per pool: APY method/forecast/backtest/reason, the same for TVL
 *   gasForecasts/{runDate}             daily average and max gas forecasts, costGasGwei, ETH price
 *   finalFilter/{runDate}    (+chunks) every pool considered: kept, mustExit, held, every reason
 *
 * Inputs: eligiblePools, poolHistory, prefilter, iceboxHistory (enrich), gasDaily, priceDaily
 * (ingest), ledger (report: the treasury's positions) and the run's parameter snapshot.
 */
import { FieldPath, type Firestore } from '@google-cloud/firestore';
import { COLLECTIONS } from '../../../lib/collections';
import { readCrossSection, type DocIo } from '../../../lib/cross-section';
import { addDays, daysBetween } from '../../../lib/dates';
import { monthsBetween } from '../../../lib/series';
import { asOfDay, MissingInputError } from '../../enrich/handlers/common';
import type { FinalFilterReason } from '../filterFinal';
import { dateToDay } from '../series';
import type { BacktestSummary, MethodName } from '../types';

export const FORECAST_COLLECTIONS = {
  poolForecasts: 'poolForecasts',
  gasForecasts: 'gasForecasts',
  finalFilter: 'finalFilter',
} as const;

/**
 * Days of history a forecast reads, ending on the as-of day. Selection never looks further back than
 * fitWindow (120) + maxOrigins (30) + horizon, so a longer read changes nothing; 200 is the backtest
 * engine's window too (backtest/day-step.ts), so replayed and live forecasts agree.
 */
export const HISTORY_WINDOW_DAYS = 200;

/** The days a forecast of runDate reads: the HISTORY_WINDOW_DAYS ending on the as-of day (runDate − 1). */
export function historyWindow(runDate: string): { asOf: string; from: string; months: string[] } {
  const asOf = asOfDay(runDate);
  const from = addDays(asOf, -(HISTORY_WINDOW_DAYS - 1));
  return { asOf, from, months: monthsBetween(from, asOf) };
}

/**
 * Pure: stored points (day → fields) within [from, asOf] → the cores' parallel arrays: day numbers and,
 * per key, the values (anything but a number is a gap, NaN). Later days can only come from a later
 * runDate's fetch: invisible to this run (no look-ahead).
 */
export function windowColumns<K extends string>(
  points: Iterable<readonly [string, Partial<Record<K, unknown>>]>,
  from: string,
  asOf: string,
  keys: readonly K[],
): { days: number[]; values: Record<K, number[]> } {
  const days: number[] = [];
  const values = Object.fromEntries(keys.map((k) => [k, [] as number[]])) as Record<K, number[]>;
  for (const [day, v] of points) {
    if (day < from || day > asOf) continue;
    days.push(dateToDay(day));
    for (const k of keys) {
      const x = v[k];
      values[k].push(typeof x === 'number' ? x : NaN);
    }
  }
  return { days, values };
}

/** Where the held pool ids came from (stored with the filter so a run can be explained). */
export interface HeldPools {
  ids: Set<string>;
  /** e.g. "ledger/2025-03-01"; null when no ledger exists yet (nothing is considered held). */
  source: string | null;
  warnings: string[];
}

/**
 * Pools the treasury holds a position in, from the ledger (updateLedger's `pools`: one entry per
 * (pool, token) with amount/usd). The latest ledger on or before runDate: `ledger/{runDate}` holds the
 * balances at the start of runDate (exactly what today's decision starts from) when updateLedger has
 * already run for the date; otherwise the previous day's is the best we know. No ledger → empty set
 * (a fresh treasury, or the ledger step not deployed yet).
 */
export async function loadHeldPoolIds(db: Firestore, runDate: string, io: DocIo): Promise<HeldPools> {
  const snap = await db
    .collection(COLLECTIONS.ledger)
    .where(FieldPath.documentId(), '<=', runDate)
    .orderBy(FieldPath.documentId(), 'desc')
    .limit(1)
    .get();
  io.reads += 1;
  const doc = snap.docs[0];
  if (!doc) return { ids: new Set(), source: null, warnings: [] };
  const ids = new Set<string>();
  const pools = doc.get('pools') as unknown;
  if (Array.isArray(pools)) {
    for (const p of pools as Array<Record<string, unknown>>) {
      const id = p?.poolId;
      const positive = (v: unknown) => typeof v === 'number' && v > 0;
      if (typeof id === 'string' && (positive(p.amount) || positive(p.usd))) ids.add(id);
    }
  }
  const warnings: string[] = [];
  const age = daysBetween(doc.id, runDate);
  if (age > 3) warnings.push(`held pools come from ledger/${doc.id}, ${age} days old: positions opened since are not known`);
  return { ids, source: `${COLLECTIONS.ledger}/${doc.id}`, warnings };
}

/** One series' stored forecast. */
export interface StoredSeriesForecast {
  method: MethodName;
  values: number[];
  lastDate: string | null;
  backtest: BacktestSummary;
  reason: string | null;
}

export interface StoredPoolForecast {
  poolId: string;
  apy: StoredSeriesForecast;
  tvl: StoredSeriesForecast;
  eligible: boolean;
  held: boolean;
}

/** Column names of each series in `poolForecasts` (APY keeps the short names). */
export const SERIES_COLUMNS = {
  apy: { method: 'method', values: 'apy', lastDate: 'lastDate', backtest: 'backtest', reason: 'reason' },
  tvl: { method: 'tvlMethod', values: 'tvl', lastDate: 'tvlLastDate', backtest: 'tvlBacktest', reason: 'tvlReason' },
} as const;

/** `poolForecasts/{runDate}` back as one record per pool (input order). */
export async function readPoolForecasts(db: Firestore, runDate: string, io?: DocIo): Promise<{ asOf: string; horizonDays: number; pools: StoredPoolForecast[] }> {
  const cs = await readCrossSection<{ asOf: string; horizonDays: number }>(db, FORECAST_COLLECTIONS.poolForecasts, runDate, io);
  if (!cs) throw new MissingInputError(`${FORECAST_COLLECTIONS.poolForecasts}/${runDate}`, 'forecastPools');
  const c = cs.columns;
  const series = (names: Record<keyof (typeof SERIES_COLUMNS)['apy'], string>, i: number): StoredSeriesForecast => ({
    method: c[names.method][i] as MethodName,
    values: (c[names.values][i] as { v: number[] }).v,
    lastDate: c[names.lastDate][i] as string | null,
    backtest: c[names.backtest][i] as BacktestSummary,
    reason: c[names.reason][i] as string | null,
  });
  return {
    asOf: cs.manifest.asOf,
    horizonDays: cs.manifest.horizonDays,
    pools: cs.ids.map((poolId, i) => ({ poolId, apy: series(SERIES_COLUMNS.apy, i), tvl: series(SERIES_COLUMNS.tvl, i), eligible: c.eligible[i] === true, held: c.held[i] === true })),
  };
}

/** A held pool the pre-filter rejected (or that DefiLlama no longer lists): it must be exited. */
export type StoredFilterReason = FinalFilterReason | { rule: 'notEligible'; preFilter: string[] };

export interface FinalFilterRow {
  poolId: string;
  kept: boolean;
  mustExit: boolean;
  held: boolean;
  eligible: boolean;
  /** Mean forecast APY (percent) over the horizon; null when missing. */
  forecastApy: number | null;
  /** Minimum forecast TVL (USD) over the horizon; null when missing. */
  forecastTvl: number | null;
  reasons: StoredFilterReason[];
  /** Approved token symbols of the pool (the optimizer's token keys). */
  tokens: string[];
  project: string | null;
  symbol: string | null;
}

/** `finalFilter/{runDate}` back as rows: what the optimizer reads (kept rows; mustExit ⇒ exit). */
export async function readFinalFilter(db: Firestore, runDate: string, io?: DocIo): Promise<FinalFilterRow[]> {
  const cs = await readCrossSection(db, FORECAST_COLLECTIONS.finalFilter, runDate, io);
  if (!cs) throw new MissingInputError(`${FORECAST_COLLECTIONS.finalFilter}/${runDate}`, 'filterPoolsFinal');
  const c = cs.columns;
  return cs.ids.map((poolId, i) => ({
    poolId,
    kept: c.kept[i] === true,
    mustExit: c.mustExit[i] === true,
    held: c.held[i] === true,
    eligible: c.eligible[i] === true,
    forecastApy: c.forecastApy[i] as number | null,
    forecastTvl: c.forecastTvl[i] as number | null,
    reasons: (c.reasons[i] as { v: StoredFilterReason[] }).v,
    tokens: (c.tokens[i] as { v: string[] }).v,
    project: c.project[i] as string | null,
    symbol: c.symbol[i] as string | null,
  }));
}

/** Stable key of a naive-fallback reason for counting ("short history (5 < 14 days)" → "short-history"). */
export function fallbackKey(reason: string): string {
  const key = reason
    .replace(/\(.*?\)/g, '')
    .split(':')[0]
    .replace(/\b\d+-day\s+/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^a-z]+/g, '-')
    .replace(/^-|-$/g, '');
  return key || 'other';
}
