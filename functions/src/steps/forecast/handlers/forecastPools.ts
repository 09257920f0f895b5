/**
 * Step 3, forecastPools: for every eligible pool (and every pool the treasury holds, so the optimizer
 * can price an exit) the stored daily history up to the as-of day (runDate − 1, last HISTORY_WINDOW_DAYS)
 * → forecastPool (APY and TVL for 1..horizonDays, method chosen per series by rolling-origin backtest)
 * → `poolForecasts/{runDate}` (+chunks). Counts give the coverage: pools with a forecast, APY methods
 * chosen, naive fallbacks by reason.
 */
import { newDocIo, writeCrossSection } from '../../../lib/cross-section';
import { getFirestore } from '../../../lib/firestore';
import { defineStep, type StepResult } from '../../../lib/step';
import { finish, readEligiblePools, readHistoryMonths, type PoolSeries } from '../../enrich/handlers/common';
import { loadRunParams } from '../../ingest/common';
import { forecastPool, type PoolForecast, type PoolHistory } from '../pools';
import { dateToDay } from '../series';
import { fallbackKey, FORECAST_COLLECTIONS, historyWindow, loadHeldPoolIds, SERIES_COLUMNS, windowColumns } from './common';

/** Pure: stored points (day → value, gaps null) within [from, asOf] → the core's parallel arrays. */
export function toPoolHistory(series: PoolSeries, from: string, asOf: string): PoolHistory {
  const { days, values } = windowColumns(series, from, asOf, ['apy', 'tvlUsd']);
  return { days, apy: values.apy, tvl: values.tvlUsd };
}

/** Pure: the coverage figures of a set of pool forecasts (flat, for the run summary). */
export function coverageCounts(forecasts: ReadonlyMap<string, PoolForecast>): { counts: Record<string, number>; byMethod: Record<string, number>; tvlByMethod: Record<string, number>; fallbacks: Record<string, number> } {
  const byMethod: Record<string, number> = {};
  const tvlByMethod: Record<string, number> = {};
  const fallbacks: Record<string, number> = {};
  let forecast = 0;
  let beatNaive = 0;
  for (const f of forecasts.values()) {
    if (f.apy.values.length > 0 && f.tvl.values.length > 0) forecast++;
    byMethod[f.apy.method] = (byMethod[f.apy.method] ?? 0) + 1;
    tvlByMethod[f.tvl.method] = (tvlByMethod[f.tvl.method] ?? 0) + 1;
    if (f.apy.reason) fallbacks[fallbackKey(f.apy.reason)] = (fallbacks[fallbackKey(f.apy.reason)] ?? 0) + 1;
    if (f.apy.method !== 'naive') beatNaive++;
  }
  const n = forecasts.size;
  const counts: Record<string, number> = {
    pools: n,
    forecast,
    missing: n - forecast,
    coveragePct: n ? Math.round((1000 * forecast) / n) / 10 : 100,
    modelChosen: beatNaive,
    naiveFallbacks: Object.values(fallbacks).reduce((s, k) => s + k, 0),
  };
  for (const [m, k] of Object.entries(byMethod).sort()) counts[`method.${m}`] = k;
  for (const [r, k] of Object.entries(fallbacks).sort()) counts[`fallback.${r}`] = k;
  return { counts, byMethod, tvlByMethod, fallbacks };
}

export const forecastPools = defineStep({ name: 'forecastPools' }, async (body, ctx): Promise<StepResult> => {
  const db = getFirestore();
  const io = newDocIo();
  const params = await loadRunParams(db, body.runDate);
  io.reads += 1;
  const { asOf, from, months } = historyWindow(body.runDate);
  const eligible = await readEligiblePools(db, body.runDate, io);
  const held = await loadHeldPoolIds(db, body.runDate, io);
  const eligibleIds = new Set(eligible.map((p) => p.pool));
  const heldOnly = [...held.ids].filter((id) => !eligibleIds.has(id)).sort();
  const ids = [...eligible.map((p) => p.pool), ...heldOnly];
  const histories = await readHistoryMonths(db, ids, months, io);

  const started = Date.now();
  const opts = { horizon: params.horizonDays, asOfDay: dateToDay(asOf) };
  const forecasts = new Map<string, PoolForecast>();
  for (const id of ids) forecasts.set(id, forecastPool(toPoolHistory(histories.get(id) ?? new Map(), from, asOf), opts));
  const forecastMs = Date.now() - started;

  const rows = ids.map((id) => forecasts.get(id)!);
  const columns: Record<string, unknown[]> = { eligible: ids.map((id) => eligibleIds.has(id)), held: ids.map((id) => held.ids.has(id)) };
  for (const key of ['apy', 'tvl'] as const) {
    const names = SERIES_COLUMNS[key];
    columns[names.method] = rows.map((r) => r[key].method);
    columns[names.values] = rows.map((r) => ({ v: r[key].values })); // arrays cannot nest in a column array
    columns[names.lastDate] = rows.map((r) => r[key].lastDate);
    columns[names.backtest] = rows.map((r) => r[key].backtest);
    columns[names.reason] = rows.map((r) => r[key].reason);
  }
  const coverage = coverageCounts(forecasts);
  await writeCrossSection(
    db,
    FORECAST_COLLECTIONS.poolForecasts,
    body.runDate,
    {
      runId: body.runId ?? null,
      asOf,
      horizonDays: params.horizonDays,
      historyFrom: from,
      units: { apy: 'percent', tvl: 'USD' },
      byMethod: coverage.byMethod,
      tvlByMethod: coverage.tvlByMethod,
      fallbacks: coverage.fallbacks,
      heldSource: held.source,
    },
    ids,
    columns,
    io,
  );

  const warnings = [...held.warnings];
  const missing = ids.filter((id) => forecasts.get(id)!.apy.values.length === 0 || forecasts.get(id)!.tvl.values.length === 0);
  if (missing.length) warnings.push(`${missing.length} pool(s) have no history up to ${asOf}: no forecast (e.g. ${missing.slice(0, 3).join(', ')})`);
  return finish(
    db,
    ctx,
    { status: 'ok', counts: { ...coverage.counts, eligible: eligible.length, heldNotEligible: heldOnly.length, forecastMs }, warnings },
    io,
  );
});
