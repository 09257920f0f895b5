/**
 * Step 2, computeMetrics — also the clean layer's outlier pass (decision: one step, because both
 * need the same full panel in memory and a separate step would read every history twice).
 *
 * Loads every stored month of the eligible pools' histories, builds the clean panel (clean.ts: one
 * value per pool and day from the first stored day to the as-of day, gaps NaN, cross-sectional
 * |z| > 3 flags), computes the metrics (metrics.ts) and stores, for the as-of day:
 *   poolClean/{runDate}    apy, tvl, z, outlier + each pool's flagged days over its history
 *   poolMetrics/{runDate}  mean7/std7/mean30/std30/deltaAbs/dailyReturn/mu/sigma/count
 * The cleaned per-day values themselves are the stored `poolHistory` series (fetchPoolHistories
 * already keeps one value per day with explicit gaps); nothing downstream rewrites them.
 */
import { newDocIo, writeCrossSection } from '../../../lib/cross-section';
import { getFirestore } from '../../../lib/firestore';
import { defineStep, type StepResult } from '../../../lib/step';
import { buildCleanPanel, zScoresOn } from '../clean';
import { computeMetrics as metricsCore, metricsAt, type MetricsRecord } from '../metrics';
import { asOfDay, ENRICH_COLLECTIONS, finish, orNull, readEligiblePools, readFullHistories, seriesRows } from './common';

const METRIC_FIELDS: Array<keyof MetricsRecord> = ['mean7', 'std7', 'mean30', 'std30', 'deltaAbs', 'dailyReturn', 'mu', 'sigma', 'count'];

export const computeMetrics = defineStep({ name: 'computeMetrics' }, async (body, ctx): Promise<StepResult> => {
  const db = getFirestore();
  const io = newDocIo();
  const asOf = asOfDay(body.runDate);
  const eligible = await readEligiblePools(db, body.runDate, io);
  const histories = await readFullHistories(db, eligible.map((p) => p.pool), io);

  let first = asOf;
  const rows = new Map<string, ReturnType<typeof seriesRows>>();
  for (const p of eligible) {
    // Points after the as-of day can only come from a later runDate's fetch: not visible to this run.
    const r = seriesRows(histories.get(p.pool) ?? new Map()).filter((x) => x.timestamp <= asOf);
    rows.set(p.pool, r);
    for (const x of r) if (x.timestamp < first) first = x.timestamp;
  }
  const panel = buildCleanPanel(rows, first, asOf);
  const nDays = panel.days.length;
  const last = nDays - 1;
  const metrics = metricsCore(panel.apy, panel.pools.length, nDays);
  const z = zScoresOn(panel.apy, panel.pools.length, nDays, last);

  const outlierDays: Array<{ v: string[] }> = [];
  let flaggedPoolDays = 0;
  for (let p = 0; p < panel.pools.length; p++) {
    const days: string[] = [];
    for (let d = 0; d < nDays; d++) if (panel.outlier[p * nDays + d]) days.push(panel.days[d]);
    flaggedPoolDays += days.length;
    outlierDays.push({ v: days });
  }
  const at = (a: Float64Array | Uint8Array, p: number) => a[p * nDays + last];
  const ids = panel.pools;
  const noHistory = ids.filter((_, p) => metrics.count[p * nDays + last] === 0).length;

  await writeCrossSection(
    db,
    ENRICH_COLLECTIONS.poolClean,
    body.runDate,
    { asOf, firstDay: first, days: nDays, zThreshold: 3, flaggedPoolDays },
    ids,
    {
      apy: ids.map((_, p) => orNull(at(panel.apy, p))),
      tvlUsd: ids.map((_, p) => orNull(at(panel.tvl, p))),
      z: ids.map((_, p) => orNull(z[p])),
      outlier: ids.map((_, p) => at(panel.outlier, p) === 1),
      outlierDays,
    },
    io,
  );
  const records = ids.map((_, p) => metricsAt(metrics, p, last));
  const columns = Object.fromEntries(METRIC_FIELDS.map((f) => [f, records.map((r) => r[f])]));
  await writeCrossSection(db, ENRICH_COLLECTIONS.poolMetrics, body.runDate, { asOf, firstDay: first, days: nDays }, ids, columns, io);

  const outliersToday = ids.filter((_, p) => at(panel.outlier, p) === 1).length;
  const warnings = noHistory ? [`${noHistory} eligible pool(s) have no history up to ${asOf}: no metrics (group 4)`] : [];
  return finish(
    db,
    ctx,
    {
      status: 'ok',
      counts: {
        pools: ids.length,
        days: nDays,
        withStd30: records.filter((r) => r.std30 !== null).length,
        noHistory,
        outliersAsOf: outliersToday,
        flaggedPoolDays,
      },
      warnings,
    },
    io,
  );
});
