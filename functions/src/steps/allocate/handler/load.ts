/**
 * Reads what optimizeAllocations needs for a runDate (the layers build-input.ts turns into an
 * AllocationInput). Every reader names the missing document and the step that writes it.
 *
 *   runs/{runDate}                 runId (must be the caller's) and the parameter snapshot
 *   finalFilter/{runDate} +chunks  filterPoolsFinal: kept rows, mustExit, forecast APY/TVL, tokens
 *   poolGroups/{runDate} +chunks   groupPools: stability group per pool
 *   gasForecasts/{runDate}         forecastGas: gasPriceGwei (forecast max), ethPriceUsd
 *   ledger/{runDate}               updateLedger: start-of-day balances (else the latest earlier one)
 *   priceDaily/{SYMBOL}_{YYYY-MM}  fetchPrices: latest close per token on or before the as-of day
 *   features/{runDate} +chunks     buildFeatures: only for objective "mean-variance"
 */
import { FieldPath, type Firestore } from '@google-cloud/firestore';
import { COLLECTIONS } from '../../../lib/collections';
import { readCrossSection, type DocIo } from '../../../lib/cross-section';
import { addDays } from '../../../lib/dates';
import type { Params } from '../../../lib/params';
import { monthsBetween, readSeries } from '../../../lib/series';
import { BadRequestError } from '../../../lib/step';
import { asOfDay, ENRICH_COLLECTIONS, mapLimit, MissingInputError } from '../../enrich/handlers/common';
import { readMeanVarianceFeatures } from '../../enrich/handlers/buildFeatures';
import { FORECAST_COLLECTIONS, readFinalFilter } from '../../forecast/handlers/common';
import { INGEST_COLLECTIONS } from '../../ingest/common';
import type { StoredLayers, StoredLedger } from './build-input';

/** How old a token's latest close may be and still value it (the same window as forecastGas's ETH price). */
export const CLOSE_LOOKBACK_DAYS = 7;

/** The run of the date; a runId other than the current one is a superseded run's late call. */
export async function loadRun(db: Firestore, runDate: string, runId: string, io: DocIo): Promise<{ params: Params }> {
  const run = await db.collection(COLLECTIONS.runs).doc(runDate).get();
  io.reads += 1;
  if (!run.exists) throw new MissingInputError(`${COLLECTIONS.runs}/${runDate}`, 'startRun');
  assertCurrentRun(runDate, runId, run.get('runId'));
  const params = run.get('params') as Params | undefined;
  if (!params) throw new MissingInputError(`${COLLECTIONS.runs}/${runDate}.params`, 'startRun');
  return { params };
}

/** 400 (never retried): writing allocations/{runId} for a superseded run would resurrect what startRun deleted. */
export function assertCurrentRun(runDate: string, runId: string, current: unknown): void {
  if (current !== runId) {
    throw new BadRequestError(`runId ${runId} is not the current run of ${runDate} (current: ${String(current)}); a rerun superseded it`, 'runId');
  }
}

async function loadGroups(db: Firestore, runDate: string, io: DocIo): Promise<Map<string, number>> {
  const cs = await readCrossSection(db, ENRICH_COLLECTIONS.poolGroups, runDate, io);
  if (!cs) throw new MissingInputError(`${ENRICH_COLLECTIONS.poolGroups}/${runDate}`, 'groupPools');
  return new Map(cs.ids.map((id, i) => [id, Number(cs.columns.group[i])]));
}

async function loadGas(db: Firestore, runDate: string, io: DocIo): Promise<{ gasPriceGwei: number; ethPriceUsd: number }> {
  const path = `${FORECAST_COLLECTIONS.gasForecasts}/${runDate}`;
  const snap = await db.collection(FORECAST_COLLECTIONS.gasForecasts).doc(runDate).get();
  io.reads += 1;
  if (!snap.exists) throw new MissingInputError(path, 'forecastGas');
  const gas = snap.get('gasPriceGwei');
  const eth = snap.get('ethPriceUsd');
  // Without either, every move would look free: no recommendation is better than a reckless one.
  if (typeof gas !== 'number' || !Number.isFinite(gas) || gas < 0) throw new MissingInputError(`${path}.gasPriceGwei (no gas history: transaction costs cannot be priced)`, 'fetchGas and forecastGas');
  if (typeof eth !== 'number' || !Number.isFinite(eth) || eth <= 0) throw new MissingInputError(`${path}.ethPriceUsd (no ETH close: gas cannot be priced in USD)`, 'fetchPrices and forecastGas');
  return { gasPriceGwei: gas, ethPriceUsd: eth };
}

/** ledger/{runDate}, else the latest earlier one (the same choice filterPoolsFinal made for held pools). */
async function loadLedger(db: Firestore, runDate: string, io: DocIo): Promise<StoredLedger | null> {
  const col = db.collection(COLLECTIONS.ledger);
  // The usual case by id; the descending scan only when today's ledger is missing.
  const today = await col.doc(runDate).get();
  io.reads += 1;
  const doc = today.exists ? today : (await col.where(FieldPath.documentId(), '<', runDate).orderBy(FieldPath.documentId(), 'desc').limit(1).get()).docs[0];
  if (!doc) return null;
  const pools = doc.get('pools');
  const tokens = doc.get('tokens');
  return {
    date: doc.id,
    tokens: tokens && typeof tokens === 'object' ? (tokens as StoredLedger['tokens']) : {},
    pools: Array.isArray(pools) ? (pools as StoredLedger['pools']).filter((p) => typeof p?.poolId === 'string' && typeof p.token === 'string') : [],
  };
}

/** Latest close per symbol within CLOSE_LOOKBACK_DAYS before (and including) the as-of day. */
async function loadCloses(db: Firestore, symbols: readonly string[], asOf: string, io: DocIo): Promise<Record<string, { usd: number; date: string }>> {
  const from = addDays(asOf, -CLOSE_LOOKBACK_DAYS);
  const months = monthsBetween(from, asOf);
  const out: Record<string, { usd: number; date: string }> = {};
  await mapLimit([...new Set(symbols)].sort(), 8, async (symbol) => {
    const series = await readSeries<{ close?: unknown }>(db, INGEST_COLLECTIONS.priceDaily, symbol, months);
    io.reads += months.length;
    for (const [day, v] of series) {
      if (day < from || day > asOf || typeof v.close !== 'number' || !(v.close > 0)) continue;
      out[symbol] = { usd: v.close, date: day }; // sorted by day: the last hit is the latest
    }
  });
  return out;
}

/** Promise.all that waits for every read before failing: no read may outlive the request (it would log as a crash). */
async function settledAll<T extends readonly unknown[]>(promises: T): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const settled = await Promise.allSettled(promises);
  for (const s of settled) if (s.status === 'rejected') throw s.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as { -readonly [K in keyof T]: Awaited<T[K]> };
}

export async function loadLayers(db: Firestore, runDate: string, runId: string, io: DocIo): Promise<StoredLayers> {
  const { params } = await loadRun(db, runDate, runId, io);
  const [finalFilter, groups, gas, ledger] = await settledAll([
    readFinalFilter(db, runDate, io),
    loadGroups(db, runDate, io),
    loadGas(db, runDate, io),
    loadLedger(db, runDate, io),
  ] as const);
  const symbols = [
    ...finalFilter.filter((r) => r.kept).flatMap((r) => r.tokens),
    ...Object.keys(ledger?.tokens ?? {}),
    ...(ledger?.pools ?? []).map((p) => p.token),
  ];
  const closes = await loadCloses(db, symbols, asOfDay(runDate), io);
  const layers: StoredLayers = { runDate, params, finalFilter, groups, ledger, closes, ...gas };
  if (params.objective === 'mean-variance') {
    layers.features = await readMeanVarianceFeatures(db, runDate);
    io.reads += 1;
  }
  return layers;
}
