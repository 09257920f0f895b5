/**
 * `npm run bench -- backtest`: (1) replay speed — simulated days per second with ≈ 500 pools passing
 * the pre-filter (a 23,000-pool simulated universe), forecast method selection every day (as the
 * pipeline) and every 7 days (cached in between); (2) the backtest's own results over 180 days of the
 * default simulated market (seed 42, 19,000 pools) against the three benchmarks.
 */
import os from 'node:os';
import { createSimulatedMarket } from '../../emulator/market/sim';
import { addDays, daysBetween } from '../../functions/src/lib/dates';
import { DEFAULT_PARAMS } from '../../functions/src/lib/params';
import { Backtest, initialState, SimulatedMarketSource, type BacktestConfig, type SeriesName } from '../../functions/src/steps/backtest';
import { HISTORY_WINDOW_DAYS } from '../../functions/src/steps/backtest/day-step';
import type { BenchRow, BenchSection } from './report';

const END = '2025-06-30';

function config(from: string, to: string, reselect: number): BacktestConfig {
  return { from, to, aumUsd: 10_000_000, startToken: 'USDC', params: DEFAULT_PARAMS, riskFreeRate: 0.04, forecastReselectDays: reselect };
}

function market(pools: number, from: string, to: string) {
  return createSimulatedMarket({ seed: 42, pools, endDate: to, days: daysBetween(from, to) + 1 + HISTORY_WINDOW_DAYS + 30 });
}

async function speed(reselect: number, days: number): Promise<BenchRow> {
  const from = addDays(END, -(days - 1));
  const bt = new Backtest(new SimulatedMarketSource(market(23_000, from, END)), initialState(config(from, END, reselect)));
  const t0 = performance.now();
  await bt.step(); // first day: loads 200-day histories of every pool and warms the JIT
  const t1 = performance.now();
  await bt.run();
  const t2 = performance.now();
  const d = bt.state.days;
  const mean = (f: (x: (typeof d)[number]) => number): number => d.reduce((s, x) => s + f(x), 0) / d.length;
  const st = bt.forecastStats;
  process.stderr.write(`backtest bench: reselect ${reselect}: ${((t2 - t1) / (days - 1)).toFixed(0)} ms/day\n`);
  return {
    'forecast selection': reselect === 1 ? 'every day (pipeline)' : `every ${reselect} days`,
    'pools listed / pre-filtered / eligible (mean)': `${mean((x) => x.counts.listed).toFixed(0)} / ${mean((x) => x.counts.preFiltered).toFixed(0)} / ${mean((x) => x.counts.eligible).toFixed(0)}`,
    'first day (s)': ((t1 - t0) / 1000).toFixed(2),
    'next days (ms/day)': ((t2 - t1) / (days - 1)).toFixed(0),
    'days/s': ((days - 1) / ((t2 - t1) / 1000)).toFixed(2),
    'selections / cached forecasts': `${st.selections} / ${st.cached}`,
  };
}

const LABEL: Record<SeriesName, string> = { strategy: 'strategy (MILP, objective yield)', equalWeight: 'equal weight, eligible pools', largestPool: 'largest pool only', holdDay1: 'hold day-1 allocation' };

export async function run(): Promise<BenchSection[]> {
  const speedRows = [await speed(1, 8), await speed(7, 15)];
  const from = addDays(END, -179);
  const bt = new Backtest(new SimulatedMarketSource(market(19_000, from, END)), initialState(config(from, END, 7)));
  const t0 = performance.now();
  await bt.run(({ index, total }) => {
    if (index % 30 === 0) process.stderr.write(`backtest bench: 180-day run ${index}/${total}\n`);
  });
  const secs = (performance.now() - t0) / 1000;
  const r = bt.result();
  const rows: BenchRow[] = (['strategy', 'equalWeight', 'largestPool', 'holdDay1'] as const).map((s) => {
    const m = r.summary.series[s];
    return {
      series: LABEL[s],
      'net APY %': m.netApy.toFixed(2),
      'cumulative %': m.cumulativeReturn.toFixed(3),
      'volatility %': m.volatility.toFixed(3),
      Sharpe: m.sharpe === null ? '–' : m.sharpe.toFixed(2),
      Sortino: m.sortino === null ? '–' : m.sortino.toFixed(2),
      'max DD %': m.maxDrawdown.toFixed(3),
      'costs USD': m.totalCostsUsd.toFixed(0),
      'turnover / yr': m.turnoverAnnualised.toFixed(1),
    };
  });
  const f = r.summary.forecast;
  return [
    {
      id: 'backtest-speed',
      title: 'Backtest replay speed (simulated days per second)',
      command: 'npm run bench -- backtest',
      rows: speedRows,
      notes: [
        'Simulated market seed 42 with 23,000 pools (≈ 500 pass the pre-filter; "eligible" = also pass the final filter), days ending 2025-06-30, AUM 10M USD, default parameters (objective yield, horizon 1 day).',
        'A day = GET /pools listing of the 23,000-pool universe, pre-filter, history update, metrics/groups, APY+TVL forecasts of every pre-filtered pool, final filter, gas forecast, MILP, the three benchmarks and the realised-APY step. "first day" also loads 200-day histories.',
        'With selection every 7 days, the method chosen by the rolling-origin backtest is re-fitted daily on the new history (no look-ahead: the choice was made from earlier data).',
        `Single thread; load average when the run ended: ${os.loadavg().map((v) => v.toFixed(1)).join(' / ')} (2 shared cores, so times are upper bounds).`,
      ],
    },
    {
      id: 'backtest-results',
      title: 'Backtest results on the default simulated market (180 days)',
      command: 'npm run bench -- backtest',
      rows,
      notes: [
        `${r.config.from} .. ${r.config.to}, simulated market seed 42, 19,000 pools, AUM 10M USD in USDC on day 1, default parameters, forecast selection every 7 days; risk-free rate 4 % (Sharpe/Sortino); computed in ${secs.toFixed(0)} s.`,
        `Forecast accuracy (1-day APY, ${f.poolDays} pool-days): MAE ${f.mae?.toFixed(3)} pp, naive MAE ${f.naiveMae?.toFixed(3)} pp, MASE vs naive ${f.mase?.toFixed(3)}; NAV-weighted MAE of held pools ${f.portfolioMae?.toFixed(3)} pp.`,
        `Days without a feasible allocation: ${r.summary.infeasibleDays}; average pools held: ${r.summary.averagePoolsHeld.toFixed(1)}.`,
        'Metric definitions: functions/src/steps/backtest/metrics.ts (net APY annualised by 365 days, Sharpe = mean daily excess return / std × √365, Sortino with downside deviation vs the risk-free rate, max drawdown on end-of-day NAV, turnover = Σ|withdrawals + deposits| / (2 · NAV)).',
      ],
    },
  ];
}
