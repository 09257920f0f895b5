/**
 * Step 1, fetchPrices (DOMAIN.md): daily OHLCV for ETH, BTC and every approved token from CMC into
 * `priceDaily/{SYMBOL}_{YYYY-MM}` (lib/series). First run: a year; later runs: only the days after
 * what earlier runDates stored. All symbols are fetched and validated before anything is written.
 */
import { addDays, daysBetween } from '../../../lib/dates';
import { getFirestore } from '../../../lib/firestore';
import { RawRecorder } from '../../../lib/raw-layer';
import { commitWrites, monthsBetween, planSeriesWrites, readSeries, type PlannedWrite } from '../../../lib/series';
import { defineStep, type StepResult } from '../../../lib/step';
import { INGEST_COLLECTIONS, loadRunParams, noteStepInRun, withRawLayer } from '../common';
import { cmcClient, fetchOhlcv, SOURCE } from './fetch';
import { HISTORY_DAYS, missingWindow, normalizeBars, pickCoin, priceSymbols, type OhlcvValue } from './normalize';
import type { SeriesPoint } from '../../../lib/series';

export const fetchPrices = defineStep({ name: 'fetchPrices' }, async (body, ctx): Promise<StepResult> => {
  const db = getFirestore();
  const params = await loadRunParams(db, body.runDate);
  const symbols = priceSymbols(params.approvedTokens.map((t) => t.symbol));
  const months = monthsBetween(addDays(body.runDate, -HISTORY_DAYS - 1), addDays(body.runDate, -1));
  const windows = new Map<string, { from: string; to: string }>();
  for (const symbol of symbols) {
    const stored = await readSeries<{ ingestedOn?: unknown }>(db, INGEST_COLLECTIONS.priceDaily, symbol, months);
    const w = missingWindow(stored, body.runDate);
    if (w) windows.set(symbol, w);
  }

  const client = cmcClient();
  const raw = new RawRecorder(db, SOURCE, body.runDate, body.runId ?? null);
  const warnings: string[] = [];
  const perSymbol = await withRawLayer(raw, () =>
    Promise.all(
      [...windows].map(async ([symbol, w]) => {
        const res = await fetchOhlcv(client, raw, symbol, w.from, w.to, daysBetween(w.from, w.to) + 1);
        const { coin, ambiguous } = pickCoin(res, symbol);
        if (!coin) {
          warnings.push(`${symbol}: unknown to CoinMarketCap (no data); no prices stored`);
          return { symbol, points: [], duplicates: 0, outOfWindow: 0 };
        }
        if (ambiguous) warnings.push(`${symbol}: ${ambiguous} CMC coins share the symbol; used id ${coin.id} (largest market cap)`);
        return { symbol, ...normalizeBars(coin, w, body.runDate) };
      }),
    ),
  );

  const writes: PlannedWrite[] = [];
  let points = 0;
  let duplicates = 0;
  for (const r of perSymbol.sort((a, b) => (a.symbol < b.symbol ? -1 : 1))) {
    points += r.points.length;
    duplicates += r.duplicates;
    const expected = daysBetween(windows.get(r.symbol)!.from, windows.get(r.symbol)!.to) + 1;
    if (r.points.length < expected && expected <= 3) warnings.push(`${r.symbol}: ${expected - r.points.length} of ${expected} day(s) missing from CMC`);
    writes.push(...planSeriesWrites(db, INGEST_COLLECTIONS.priceDaily, r.symbol, r.points as Array<SeriesPoint<OhlcvValue>>, { symbol: r.symbol }));
  }
  if (duplicates) warnings.push(`CoinMarketCap: ${duplicates} duplicated daily bar(s) collapsed`);
  await commitWrites(db, writes);

  const result: StepResult = {
    status: warnings.some((w) => w.includes('missing') || w.includes('unknown')) ? 'degraded' : 'ok',
    counts: { symbols: symbols.length, fetched: windows.size, upToDate: symbols.length - windows.size, points, duplicates, documentsWritten: writes.length, rawBytes: raw.totalBytes },
    warnings,
  };
  await noteStepInRun(db, ctx, result);
  return result;
});
