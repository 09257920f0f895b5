/**
 * Compares our DefiLlama-style lifetime mu/sigma (functions/src/steps/enrich/metrics.ts) with the
 * values DefiLlama itself published in the 2025-08-31 enriched snapshot, recomputed from the /chart
 * histories of the same pools. Reads the fixtures in place; writes nothing.
 *
 *   node dist/scripts/compare-mu-sigma.js [fixturesDir]     (default ../shared/fixtures/defillama)
 *
 * Two variants of the last day: DefiLlama's snapshot (14:07 UTC on 08-31) folds that moment's apy as a
 * provisional update, so variant "snapshot" uses the chart up to 08-30 plus the snapshot's own `apy`;
 * variant "chart" uses the chart's daily-last rows up to 08-31.
 */
import fs from 'node:fs';
import path from 'node:path';
import { lifetimeMuSigma, type LifetimeStats } from '../functions/src/steps/enrich/metrics';

interface ChartRow {
  timestamp: string;
  apy: number | null;
}
interface InternalRow {
  pool: string;
  count: number;
  mu: number;
  sigma: number;
  apy: number;
  timestamp: string;
}

const SNAPSHOT_DAY = '2025-08-31';

function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function quantile(xs: number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

/** One value per day (the latest row of the day), up to and including `lastDay`. */
function dailySeries(rows: ChartRow[], lastDay: string): Array<number | null> {
  const byDay = new Map<string, ChartRow>();
  for (const r of rows) {
    const day = r.timestamp.slice(0, 10);
    if (day > lastDay) continue;
    const prev = byDay.get(day);
    if (!prev || r.timestamp >= prev.timestamp) byDay.set(day, r);
  }
  return [...byDay.keys()].sort().map((d) => byDay.get(d)?.apy ?? null);
}

function relErr(ours: number, theirs: number): number {
  return Math.abs(ours - theirs) / Math.max(Math.abs(theirs), 1e-9);
}

function main(): void {
  const dir = path.resolve(process.argv[2] ?? path.join(process.cwd(), '..', 'shared', 'fixtures', 'defillama'));
  const charts = JSON.parse(fs.readFileSync(path.join(dir, 'chart_by_pool_2025-10-06_309pools.json'), 'utf8')) as Record<string, { data: ChartRow[] }>;
  const internal = JSON.parse(fs.readFileSync(path.join(dir, 'pools_enriched_2025-08-31_internal_fields.json'), 'utf8')) as InternalRow[];

  const variants: Record<string, Array<{ pool: string; ours: LifetimeStats; theirs: InternalRow }>> = { snapshot: [], chart: [] };
  for (const row of internal) {
    const chart = charts[row.pool];
    if (!chart || !(row.count >= 2)) continue;
    const upToEve = dailySeries(chart.data, '2025-08-30');
    if (upToEve.length === 0) continue;
    variants.snapshot.push({ pool: row.pool, ours: lifetimeMuSigma([...upToEve, row.apy]), theirs: row });
    variants.chart.push({ pool: row.pool, ours: lifetimeMuSigma(dailySeries(chart.data, SNAPSHOT_DAY)), theirs: row });
  }

  for (const [name, list] of Object.entries(variants)) {
    const countMatch = list.filter((x) => Math.abs(x.ours.count - x.theirs.count) <= 2);
    const muErr = countMatch.map((x) => relErr(x.ours.mu, x.theirs.mu));
    const sigmaErr = countMatch.filter((x) => x.theirs.sigma > 0).map((x) => relErr(x.ours.sigma, x.theirs.sigma));
    const within = (errs: number[], tol: number) => errs.filter((e) => e <= tol).length;
    process.stdout.write(
      [
        `variant "${name}": ${list.length} pools with both a chart and DefiLlama stats; ${countMatch.length} with count within ±2 days`,
        `  mu    relative error: median ${median(muErr).toExponential(2)}, p90 ${quantile(muErr, 0.9).toExponential(2)}; within 1 %: ${within(muErr, 0.01)}/${muErr.length}, within 0.1 %: ${within(muErr, 0.001)}/${muErr.length}`,
        `  sigma relative error: median ${median(sigmaErr).toExponential(2)}, p90 ${quantile(sigmaErr, 0.9).toExponential(2)}; within 1 %: ${within(sigmaErr, 0.01)}/${sigmaErr.length}, within 5 %: ${within(sigmaErr, 0.05)}/${sigmaErr.length}`,
        `  count: ours − DefiLlama median ${median(list.map((x) => x.ours.count - x.theirs.count))}`,
        '',
      ].join('\n'),
    );
  }
  const examples = [...variants.snapshot].sort((a, b) => b.theirs.count - a.theirs.count).slice(0, 3);
  for (const x of examples) {
    process.stdout.write(
      `${x.pool.slice(0, 8)}: ours mu ${x.ours.mu.toFixed(5)} sigma ${x.ours.sigma.toFixed(5)} count ${x.ours.count}; ` +
        `DefiLlama mu ${x.theirs.mu} sigma ${x.theirs.sigma} count ${x.theirs.count}\n`,
    );
  }
}

main();
