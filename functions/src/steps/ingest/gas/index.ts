/**
 * Step 1, fetchGas (DOMAIN.md): hourly base-fee averages → `gasDaily/mainnet_{YYYY-MM}` daily mean
 * and max (gwei). The runDate's own day (and anything later) is incomplete and never stored.
 */
import { addDays } from '../../../lib/dates';
import { getFirestore } from '../../../lib/firestore';
import { RawRecorder } from '../../../lib/raw-layer';
import { commitWrites, monthsBetween, planSeriesWrites, readSeries } from '../../../lib/series';
import { defineStep, type StepResult } from '../../../lib/step';
import { INGEST_COLLECTIONS, noteStepInRun, withRawLayer } from '../common';
import { fetchGasAverage, gasClient, SOURCE } from './fetch';
import { aggregateGasDays, daysToWrite } from './normalize';

export const GAS_SERIES = 'mainnet';

export const fetchGas = defineStep({ name: 'fetchGas' }, async (body, ctx): Promise<StepResult> => {
  const db = getFirestore();
  const raw = new RawRecorder(db, SOURCE, body.runDate, body.runId ?? null);
  const payload = await withRawLayer(raw, () => fetchGasAverage(gasClient(), raw));

  const agg = aggregateGasDays(payload.data.data, body.runDate);
  const warnings: string[] = [];
  if (agg.duplicates) warnings.push(`ethgastracker: ${agg.duplicates} duplicated hour(s) ignored`);
  const first = agg.days[0]?.date ?? addDays(body.runDate, -1);
  const stored = await readSeries<{ hours?: unknown; ingestedOn?: unknown }>(db, INGEST_COLLECTIONS.gasDaily, GAS_SERIES, monthsBetween(first, addDays(body.runDate, -1)));
  const toWrite = daysToWrite(agg.days, stored, body.runDate);
  const writes = planSeriesWrites(db, INGEST_COLLECTIONS.gasDaily, GAS_SERIES, toWrite, { unit: 'gwei' });
  await commitWrites(db, writes);
  if (!agg.days.some((d) => d.date === addDays(body.runDate, -1))) warnings.push(`no gas data for ${addDays(body.runDate, -1)} (the day before runDate)`);

  const result: StepResult = {
    status: warnings.some((w) => w.startsWith('no gas')) ? 'degraded' : 'ok',
    counts: { hours: payload.data.data.length, days: agg.days.length, daysWritten: toWrite.length, excludedHours: agg.excludedHours, duplicates: agg.duplicates, documentsWritten: writes.length, rawBytes: raw.totalBytes },
    warnings,
  };
  await noteStepInRun(db, ctx, result);
  return result;
});
