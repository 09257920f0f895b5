/**
 * What the clean/enrich step handlers share: their Firestore layout, the day they describe, and
 * the loaders of the previous steps' outputs. Handlers stay thin: load → pure core → store.
 *
 * Layout (all keyed by runDate unless noted; a rerun of the date overwrites in place):
 *   prefilter/{runDate}         (+chunks) every pool of the day: passed, every reason, approved symbols
 *   eligiblePools/{runDate}     (+chunks) the pools that passed: project, symbol, approved symbols
 *   raw/defillama-chart/days/{runDate}   /chart responses verbatim (lib/raw-layer)
 *   poolHistory/{poolId}_{YYYY-MM}       clean daily series per pool (lib/series): apy, tvlUsd,
 *                                        apyBase, apyReward per day; null values = explicit gap
 *   poolClean/{runDate}         (+chunks) as-of day cross-section: apy, tvl, z-score, outlier flag,
 *                                        and each pool's flagged days over its whole history
 *   poolMetrics/{runDate}       (+chunks) metrics of the as-of day (metrics.ts)
 *   poolGroups/{runDate}        (+chunks) stability group per pool
 *   icebox/current                       active + past episodes (`tokens`, read by startRun) and trackers
 *   iceboxHistory/{runDate}              the state after the run, its events and warnings
 *   features/{runDate}          (+chunks) per asset: expected return, scores, covariance row
 *
 * The as-of day is runDate − 1: the last complete UTC day (today's /chart row and price bar are
 * still moving), the same convention as fetchPrices and fetchGas.
 */
import type { Firestore } from '@google-cloud/firestore';
import { addDays } from '../../../lib/dates';
import { readCrossSection, type DocIo } from '../../../lib/cross-section';
import { seriesDocId } from '../../../lib/series';
import type { StepContext, StepResult } from '../../../lib/step';
import { noteStepInRun } from '../../ingest/common';
import type { HistoryValue } from '../history';

export const ENRICH_COLLECTIONS = {
  prefilter: 'prefilter',
  eligiblePools: 'eligiblePools',
  poolHistory: 'poolHistory',
  poolClean: 'poolClean',
  poolMetrics: 'poolMetrics',
  poolGroups: 'poolGroups',
  iceboxHistory: 'iceboxHistory',
  features: 'features',
} as const;

/** Raw-layer source of the /chart payloads (not "defillama": that day manifest belongs to fetchPools). */
export const CHART_SOURCE = 'defillama-chart';

export function asOfDay(runDate: string): string {
  return addDays(runDate, -1);
}

/** A previous step's output is missing: the workflow order was not followed (500, not retried). */
export class MissingInputError extends Error {
  constructor(what: string, step: string) {
    super(`${what} is missing: run ${step} for this runDate first`);
    this.name = 'MissingInputError';
  }
}

export interface EligiblePool {
  pool: string;
  project: string;
  symbol: string;
  approvedSymbols: string[];
}

export async function readEligiblePools(db: Firestore, runDate: string, io: DocIo): Promise<EligiblePool[]> {
  const cs = await readCrossSection(db, ENRICH_COLLECTIONS.eligiblePools, runDate, io);
  if (!cs) throw new MissingInputError(`${ENRICH_COLLECTIONS.eligiblePools}/${runDate}`, 'filterPoolsPre');
  return cs.ids.map((pool, i) => ({
    pool,
    project: String(cs.columns.project[i]),
    symbol: String(cs.columns.symbol[i]),
    approvedSymbols: (cs.columns.approvedSymbols[i] as { v: string[] }).v,
  }));
}

/** Runs `fn` over items with at most `limit` in flight, results in input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export type PoolSeries = Map<string, HistoryValue>;

function pointsOf(snap: FirebaseFirestore.DocumentSnapshot, into: PoolSeries): void {
  const points = (snap.get('points') ?? {}) as Record<string, HistoryValue>;
  for (const [day, v] of Object.entries(points)) into.set(day, v);
}

/** The given months of each pool's history (missing months are simply absent). */
export async function readHistoryMonths(db: Firestore, pools: readonly string[], months: readonly string[], io: DocIo): Promise<Map<string, PoolSeries>> {
  const out = new Map<string, PoolSeries>();
  const col = db.collection(ENRICH_COLLECTIONS.poolHistory);
  await mapLimit(pools, 16, async (pool) => {
    const series: PoolSeries = new Map();
    const snaps = await db.getAll(...months.map((m) => col.doc(seriesDocId(pool, m))));
    io.reads += snaps.length; // a missing document costs a read too
    for (const s of snaps) if (s.exists) pointsOf(s, series);
    out.set(pool, series);
  });
  return out;
}

/** Every stored month of each pool's history (lifetime statistics need all of it). */
export async function readFullHistories(db: Firestore, pools: readonly string[], io: DocIo): Promise<Map<string, PoolSeries>> {
  const out = new Map<string, PoolSeries>();
  const col = db.collection(ENRICH_COLLECTIONS.poolHistory);
  await mapLimit(pools, 16, async (pool) => {
    const series: PoolSeries = new Map();
    const snap = await col.where('series', '==', pool).get();
    io.reads += Math.max(1, snap.size); // an empty query still costs one read
    for (const d of snap.docs) pointsOf(d, series);
    out.set(pool, series);
  });
  return out;
}

/** Stored points as clean-layer rows (the day is the timestamp; values null on gap days). */
export function seriesRows(series: PoolSeries): Array<{ timestamp: string; apy: number | null; tvlUsd: number | null }> {
  return [...series].map(([day, v]) => ({ timestamp: day, apy: v.apy, tvlUsd: v.tvlUsd }));
}

/** Adds the phase's document I/O to the counts and notes the step in runs/{runDate}. */
export async function finish(db: Firestore, ctx: StepContext, result: StepResult, io: DocIo): Promise<StepResult> {
  result.counts = { ...(result.counts ?? {}), documentsRead: io.reads, documentsWritten: io.writes };
  ctx.log.info(`${ctx.step} done`, { counts: result.counts });
  await noteStepInRun(db, ctx, result);
  return result;
}

/** NaN/±Infinity → null for storage and JSON. */
export const orNull = (v: number): number | null => (Number.isFinite(v) ? v : null);
