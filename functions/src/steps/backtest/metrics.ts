/**
 * Summary metrics of a NAV series, with formulas simple enough to check by hand. For NAV_0 (the
 * starting AUM) and end-of-day NAV_1..NAV_n:
 *
 *   r_t               = NAV_t / NAV_{t−1} − 1                          (daily return, t = 1..n)
 *   cumulativeReturn  = NAV_n / NAV_0 − 1
 *   netApy            = (NAV_n / NAV_0)^(365/n) − 1                   (annualised by 365 days)
 *   volatility        = stdev(r) · √365                               (sample std, ddof 1)
 *   rf_d              = riskFreeRate / 365                            (the same simple daily rate as APY/100/365)
 *   sharpe            = mean(r − rf_d) / stdev(r) · √365              (null when stdev = 0 or n < 2)
 *   sortino           = mean(r − rf_d) / DD · √365, DD = sqrt(Σ min(0, r_t − rf_d)² / n)
 *                                                                     (null when DD = 0)
 *   maxDrawdown       = max_t (1 − NAV_t / max_{s ≤ t} NAV_s), over NAV_0..NAV_n
 *   turnover          = Σ_t turnover_t, and mean(turnover_t) · 365, with
 *                       turnover_t = Σ|withdrawals + deposits| / (2 · NAV before trading)
 *   totalCosts        = Σ_t (gas + conversion fees)
 * Percentages are reported × 100. Forecast accuracy pools pool-days: MAE = mean |f − a| of the 1-day
 * APY forecast f against the realised APY a (percentage points); MASE = MAE / MAE of the naive
 * forecast (the last observation) on the same pool-days.
 */
import type { BacktestDay, BacktestSummary, SeriesMetrics, SeriesName } from './types';
import { SERIES_NAMES } from './types';

const mean = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;

function sampleStd(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) * (x - m), 0) / (xs.length - 1));
}

export function dailyReturns(navs: readonly number[]): number[] {
  const out: number[] = [];
  for (let t = 1; t < navs.length; t++) out.push(navs[t] / navs[t - 1] - 1);
  return out;
}

export function maxDrawdown(navs: readonly number[]): number {
  let peak = -Infinity;
  let worst = 0;
  for (const v of navs) {
    if (v > peak) peak = v;
    if (peak > 0) worst = Math.max(worst, 1 - v / peak);
  }
  return worst;
}

/** Metrics of one series; `navs` starts with NAV_0. */
export function seriesMetrics(navs: readonly number[], costs: readonly number[], turnovers: readonly number[], riskFreeRate: number): SeriesMetrics {
  const n = navs.length - 1;
  const r = dailyReturns(navs);
  const rf = riskFreeRate / 365;
  const excess = r.map((x) => x - rf);
  const sd = sampleStd(r);
  const dd = excess.length ? Math.sqrt(excess.reduce((s, x) => s + Math.min(0, x) ** 2, 0) / excess.length) : 0;
  const growth = n > 0 ? navs[n] / navs[0] : 1;
  return {
    startNav: navs[0],
    endNav: navs[n],
    days: n,
    netApy: n > 0 ? (Math.pow(growth, 365 / n) - 1) * 100 : 0,
    cumulativeReturn: (growth - 1) * 100,
    volatility: sd * Math.sqrt(365) * 100,
    sharpe: n >= 2 && sd > 0 ? (mean(excess) / sd) * Math.sqrt(365) : null,
    sortino: dd > 0 ? (mean(excess) / dd) * Math.sqrt(365) : null,
    maxDrawdown: maxDrawdown(navs) * 100,
    totalCostsUsd: costs.reduce((s, x) => s + x, 0),
    turnoverTotal: turnovers.reduce((s, x) => s + x, 0),
    turnoverAnnualised: turnovers.length ? mean(turnovers) * 365 : 0,
  };
}

export function summarize(days: readonly BacktestDay[], startNav: number, riskFreeRate: number): BacktestSummary {
  const series = {} as Record<SeriesName, SeriesMetrics>;
  for (const s of SERIES_NAMES) {
    series[s] = seriesMetrics(
      [startNav, ...days.map((d) => d.nav[s])],
      days.map((d) => d.costs[s].totalUsd),
      days.map((d) => d.turnover[s]),
      riskFreeRate,
    );
  }
  let n = 0;
  let err = 0;
  let naiveErr = 0;
  let pw = 0;
  let pwDays = 0;
  for (const d of days) {
    const f = d.forecastError;
    if (!f) continue;
    n += f.n;
    err += f.mae * f.n;
    naiveErr += f.naiveMae * f.n;
    if (f.portfolioMae !== null) {
      pw += f.portfolioMae;
      pwDays++;
    }
  }
  const mae = n > 0 ? err / n : null;
  const naiveMae = n > 0 ? naiveErr / n : null;
  return {
    riskFreeRate,
    series,
    forecast: { mae, naiveMae, mase: mae !== null && naiveMae !== null && naiveMae > 0 ? mae / naiveMae : null, portfolioMae: pwDays > 0 ? pw / pwDays : null, poolDays: n },
    infeasibleDays: days.filter((d) => !d.feasible).length,
    averagePoolsHeld: days.length ? mean(days.map((d) => d.counts.held)) : 0,
  };
}
