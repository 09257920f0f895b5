/**
 * Step 3, forecastGas: `gasDaily/mainnet_{YYYY-MM}` (daily mean and max base fee, gwei) up to the
 * as-of day → the forecasting core (both series, method chosen per series) → `gasForecasts/{runDate}`:
 *   avg[], max[]          forecasts for days 1..horizonDays (gwei)
 *   method/backtest/reason/lastDate per series
 *   costGasGwei[]         what costs use per day: the forecast MAX (conservative), never below avg
 *   gasPriceGwei          the optimizer's single figure: the largest costGasGwei over the horizon
 *   ethPriceUsd/-Date     latest ETH close on or before the as-of day (priceDaily), to price gas
 * Missing gas history or ETH price → "degraded" with a warning (the optimizer cannot cost moves).
 */
import type { Firestore } from '@google-cloud/firestore';
import { newDocIo, type DocIo } from '../../../lib/cross-section';
import { addDays } from '../../../lib/dates';
import { getFirestore } from '../../../lib/firestore';
import { monthsBetween, readSeries } from '../../../lib/series';
import { defineStep, type StepResult } from '../../../lib/step';
import { finish } from '../../enrich/handlers/common';
import { INGEST_COLLECTIONS, loadRunParams } from '../../ingest/common';
import { GAS_SERIES } from '../../ingest/gas';
import { forecastGas as forecastGasCore, type GasHistory } from '../gas';
import { dateToDay } from '../series';
import { FORECAST_COLLECTIONS, historyWindow, windowColumns } from './common';

/** How far back an ETH close may be and still price today's gas. */
const ETH_PRICE_LOOKBACK_DAYS = 7;

/** Pure: stored gas days within [from, asOf] → the core's parallel arrays (missing values = gaps). */
export function toGasHistory(points: ReadonlyMap<string, { meanBaseFeeGwei?: unknown; maxBaseFeeGwei?: unknown }>, from: string, asOf: string): GasHistory {
  const { days, values } = windowColumns(points, from, asOf, ['meanBaseFeeGwei', 'maxBaseFeeGwei']);
  return { days, avg: values.meanBaseFeeGwei, max: values.maxBaseFeeGwei };
}

/** Latest ETH close within the lookback, with its day; null when none. */
export async function latestEthClose(db: Firestore, asOf: string, io: DocIo): Promise<{ usd: number; date: string } | null> {
  const from = addDays(asOf, -ETH_PRICE_LOOKBACK_DAYS);
  const months = monthsBetween(from, asOf);
  const series = await readSeries<{ close?: unknown }>(db, INGEST_COLLECTIONS.priceDaily, 'ETH', months);
  io.reads += months.length;
  let best: { usd: number; date: string } | null = null;
  for (const [day, v] of series) {
    if (day < from || day > asOf || typeof v.close !== 'number' || !(v.close > 0)) continue;
    best = { usd: v.close, date: day }; // readSeries is sorted by day: the last hit is the latest
  }
  return best;
}

export const forecastGas = defineStep({ name: 'forecastGas' }, async (body, ctx): Promise<StepResult> => {
  const db = getFirestore();
  const io = newDocIo();
  const params = await loadRunParams(db, body.runDate);
  io.reads += 1;
  const { asOf, from, months } = historyWindow(body.runDate);
  const points = await readSeries<{ meanBaseFeeGwei?: unknown; maxBaseFeeGwei?: unknown }>(db, INGEST_COLLECTIONS.gasDaily, GAS_SERIES, months);
  io.reads += months.length;
  const history = toGasHistory(points, from, asOf);
  const f = forecastGasCore(history, { horizon: params.horizonDays, asOfDay: dateToDay(asOf) });
  const eth = await latestEthClose(db, asOf, io);

  const gasPriceGwei = f.costGas.length ? Math.max(...f.costGas) : null;
  const series = (s: typeof f.avg) => ({ method: s.method, lastDate: s.lastDate, backtest: s.backtest, reason: s.reason });
  await db.collection(FORECAST_COLLECTIONS.gasForecasts).doc(body.runDate).set({
    runDate: body.runDate,
    runId: body.runId ?? null,
    asOf,
    horizonDays: params.horizonDays,
    unit: 'gwei',
    historyDays: history.days.length,
    avg: f.avg.values,
    max: f.max.values,
    method: { avg: f.avg.method, max: f.max.method },
    series: { avg: series(f.avg), max: series(f.max) },
    costGasGwei: f.costGas,
    gasPriceGwei,
    ethPriceUsd: eth?.usd ?? null,
    ethPriceDate: eth?.date ?? null,
  });
  io.writes += 1;

  const warnings: string[] = [];
  if (gasPriceGwei === null) warnings.push(`no gas history up to ${asOf} (gasDaily/${GAS_SERIES}): transaction costs cannot be forecast`);
  for (const s of [f.avg, f.max]) if (s.reason && gasPriceGwei !== null) warnings.push(`gas ${s === f.avg ? 'average' : 'max'}: naive forecast (${s.reason})`);
  if (!eth) warnings.push(`no ETH close between ${addDays(asOf, -ETH_PRICE_LOOKBACK_DAYS)} and ${asOf} (priceDaily/ETH): gas cannot be priced in USD`);
  const counts: Record<string, number> = { historyDays: history.days.length, horizonDays: params.horizonDays };
  if (gasPriceGwei !== null) counts.gasPriceGwei = Math.round(gasPriceGwei * 1000) / 1000;
  if (eth) counts.ethPriceUsd = Math.round(eth.usd * 100) / 100;
  return finish(
    db,
    ctx,
    { status: gasPriceGwei === null || !eth ? 'degraded' : 'ok', counts, warnings, extra: { method: { avg: f.avg.method, max: f.max.method } } },
    io,
  );
});
