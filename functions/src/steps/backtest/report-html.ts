/**
 * report.html: ONE self-contained page (inline CSS, inline SVG drawn server-side, a few lines of
 * inline JS for legend toggling) — no external script, font or stylesheet, so it opens offline and
 * in a mail attachment. Sections: summary metrics (strategy vs benchmarks), NAV chart, allocation
 * over time, daily costs, forecast accuracy, infeasible days.
 */
import { addDays } from '../../lib/dates';
import { barChart, escapeXml, lineChart, stackedArea, type LineSeries } from './svg-charts';
import type { BacktestResult, SeriesMetrics, SeriesName } from './types';
import { SERIES_NAMES } from './types';

const LABEL: Record<SeriesName, string> = {
  strategy: 'Strategy',
  equalWeight: 'Equal weight (eligible pools)',
  largestPool: 'Largest pool only',
  holdDay1: 'Hold day-1 allocation',
};
const COLOR: Record<SeriesName, string> = { strategy: '#1f6feb', equalWeight: '#2da44e', largestPool: '#d4a72c', holdDay1: '#8250df' };
const PALETTE = ['#1f6feb', '#2da44e', '#d4a72c', '#8250df', '#cf222e', '#1b7c83', '#bc4c00', '#6e7781', '#0550ae', '#116329', '#953800', '#a40e26'];
/** Pools shown individually in the allocation chart; the rest are grouped as "other pools". */
const TOP_POOLS = 10;

const usd = (v: number, d = 0): string => v.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
const pct = (v: number | null, d = 2): string => (v === null || !Number.isFinite(v) ? '–' : `${v.toFixed(d)} %`);
const num = (v: number | null, d = 2): string => (v === null || !Number.isFinite(v) ? '–' : v.toFixed(d));

function metricsTable(r: BacktestResult): string {
  const rows: Array<[string, (m: SeriesMetrics) => string]> = [
    ['Net annualised APY', (m) => pct(m.netApy)],
    ['Cumulative return', (m) => pct(m.cumulativeReturn, 3)],
    ['End NAV (USD)', (m) => usd(m.endNav)],
    ['Volatility (annualised)', (m) => pct(m.volatility, 3)],
    [`Sharpe (rf ${(r.summary.riskFreeRate * 100).toFixed(2)} %)`, (m) => num(m.sharpe)],
    ['Sortino', (m) => num(m.sortino)],
    ['Max drawdown', (m) => pct(m.maxDrawdown, 3)],
    ['Total costs (USD)', (m) => usd(m.totalCostsUsd, 2)],
    ['Turnover (total / annualised)', (m) => `${num(m.turnoverTotal)} / ${num(m.turnoverAnnualised)}`],
  ];
  const head = `<tr><th>Metric</th>${SERIES_NAMES.map((s) => `<th><span class="swatch" style="background:${COLOR[s]}"></span>${escapeXml(LABEL[s])}</th>`).join('')}</tr>`;
  const body = rows.map(([name, f]) => `<tr><td>${escapeXml(name)}</td>${SERIES_NAMES.map((s) => `<td>${escapeXml(f(r.summary.series[s]))}</td>`).join('')}</tr>`).join('');
  return `<table id="metrics" class="metrics">${head}${body}</table>`;
}

function allocationLayers(r: BacktestResult): LineSeries[] {
  const total = new Map<string, number>();
  for (const d of r.days) for (const [id, w] of Object.entries(d.weights)) total.set(id, (total.get(id) ?? 0) + w);
  const top = [...total].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, TOP_POOLS).map(([id]) => id);
  const topSet = new Set(top);
  const layers: LineSeries[] = top.map((id, k) => ({ name: `${id.slice(0, 8)}…`, color: PALETTE[k % PALETTE.length], values: r.days.map((d) => d.weights[id] ?? 0) }));
  layers.push({
    name: 'other pools',
    color: '#afb8c1',
    values: r.days.map((d) => Object.entries(d.weights).reduce((s, [id, w]) => s + (topSet.has(id) ? 0 : w), 0)),
  });
  layers.push({ name: 'wallet', color: '#eaeef2', values: r.days.map((d) => Math.max(0, 1 - Object.values(d.weights).reduce((s, w) => s + w, 0))) });
  return layers;
}

export function renderReport(r: BacktestResult): string {
  const dates = r.days.map((d) => d.date);
  const navDates = [addDays(r.config.from, -1), ...dates];
  const navChart = lineChart(
    navDates,
    SERIES_NAMES.map((s) => ({ name: LABEL[s], color: COLOR[s], dashed: s !== 'strategy', values: [r.config.aumUsd, ...r.days.map((d) => d.nav[s])] })),
    { id: 'chart-nav', title: 'NAV (USD): strategy vs benchmarks', yFormat: (v) => usd(v) },
  );
  const allocChart = stackedArea(dates, allocationLayers(r), { id: 'chart-allocation', title: 'Strategy allocation over time (share of NAV)' });
  const costChart = barChart(
    dates,
    [
      { name: 'gas', color: '#bc4c00', values: r.days.map((d) => d.costs.strategy.gasUsd) },
      { name: 'conversion fees', color: '#0550ae', values: r.days.map((d) => d.costs.strategy.conversionUsd) },
    ],
    { id: 'chart-costs', title: 'Strategy transaction costs per day (USD)', yFormat: (v) => usd(v, v < 10 ? 2 : 0) },
  );
  const s = r.summary;
  const infeasible = r.days.filter((d) => !d.feasible);
  const infeasibleList = infeasible.length
    ? `<ul>${infeasible.slice(0, 50).map((d) => `<li>${escapeXml(d.date)}: ${escapeXml((d.reasons ?? [d.status]).join('; '))}</li>`).join('')}</ul>`
    : '<p>None: every day had a feasible allocation.</p>';
  const c = r.config;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>DefiYieldOpt backtest ${escapeXml(c.from)} – ${escapeXml(c.to)}</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;margin:24px auto;max-width:1000px;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
.meta{color:#57606a}
table.metrics{border-collapse:collapse;width:100%}table.metrics th,table.metrics td{border-bottom:1px solid #d0d7de;padding:5px 8px;text-align:right}
table.metrics th:first-child,table.metrics td:first-child{text-align:left}
.swatch{display:inline-block;width:10px;height:10px;margin-right:5px;border-radius:2px}
svg.chart{max-width:100%;height:auto;background:#fff}
svg .grid{stroke:#eaeef2}svg .axis{stroke:#8c959f}svg .tick{font-size:11px;fill:#57606a}svg text{font-size:12px;fill:#1f2328}
svg .legend-item{cursor:pointer}svg .legend-item.off{opacity:.35}
.kv td{padding:2px 12px 2px 0}
</style></head><body>
<h1>Backtest ${escapeXml(c.from)} → ${escapeXml(c.to)}</h1>
<p class="meta">${r.days.length} days · AUM ${usd(c.aumUsd)} USD · objective ${escapeXml(c.params.objective)} · horizon ${c.params.horizonDays} d · data: ${escapeXml(r.source)} · computed in ${(r.elapsedMs / 1000).toFixed(1)} s</p>
<p class="meta">Decision for day D uses data up to D − 1 and earns D's realised APY (value × (1 + APY/100/365)), net of its transaction costs.</p>
<h2>Summary</h2>
${metricsTable(r)}
<table class="kv" id="extra">
<tr><td>Forecast accuracy (1-day APY, pool-days ${s.forecast.poolDays})</td><td>MAE ${num(s.forecast.mae, 3)} pp · naive MAE ${num(s.forecast.naiveMae, 3)} pp · MASE ${num(s.forecast.mase, 3)} · portfolio-weighted MAE ${num(s.forecast.portfolioMae, 3)} pp</td></tr>
<tr><td>Days without a feasible allocation</td><td>${s.infeasibleDays}</td></tr>
<tr><td>Average pools held</td><td>${num(s.averagePoolsHeld, 1)}</td></tr>
</table>
<h2>NAV</h2>
${navChart}
<h2>Allocation over time</h2>
${allocChart}
<h2>Costs</h2>
${costChart}
<h2>Days without a feasible allocation</h2>
${infeasibleList}
<script>
// Click a legend entry to hide or show its series (no external code; the charts are static SVG).
document.querySelectorAll('svg.chart').forEach(function (svg) {
  svg.querySelectorAll('.legend-item').forEach(function (item) {
    item.addEventListener('click', function () {
      var name = item.getAttribute('data-series');
      item.classList.toggle('off');
      svg.querySelectorAll('path.series').forEach(function (p) {
        if (p.getAttribute('data-series') === name) p.style.display = item.classList.contains('off') ? 'none' : '';
      });
    });
  });
});
</script>
</body></html>
`;
}
