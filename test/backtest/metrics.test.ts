/**
 * The tiny case, computed by hand: two single-token USDC pools with constant history (A 10 %, B 5 %,
 * so forecasts are naive = the constant), gas 10 gwei × ETH 2,000 USD → one deposit (150,000 gas)
 * costs exactly 3.00 USD. Four days; on the last day A realises 20 % instead of 10 %.
 */
import { runBacktest, seriesMetrics, maxDrawdown, type BacktestConfig, type BacktestResult } from '../../functions/src/steps/backtest';
import { TinySource, tinyParams } from './support';

const FROM = '2025-01-10';
const TO = '2025-01-13';
const AUM = 100_000;
/** 12 %: above the 10 % days, so the downside deviation has three terms (days 1–3) and one day above. */
const RF = 0.12;
const DEPOSIT_GAS_USD = 150_000 * 10 * 1e-9 * 2000; // = 3

function source(): TinySource {
  return new TinySource([
    { id: 'pool-a', tvl: 5e8, apy: (d) => (d === TO ? 20 : 10) },
    { id: 'pool-b', tvl: 1e9, apy: () => 5 },
  ]);
}

const config: BacktestConfig = { from: FROM, to: TO, aumUsd: AUM, startToken: 'USDC', params: tinyParams(), riskFreeRate: RF, forecastReselectDays: 1 };

let result: BacktestResult;
beforeAll(async () => {
  result = await runBacktest(source(), config);
}, 60_000);

describe('backtest on a tiny hand-computed case', () => {
  test('strategy: day 1 deposits everything into the better pool, then holds', () => {
    expect(DEPOSIT_GAS_USD).toBeCloseTo(3, 12);
    const [d1, d2, d3, d4] = result.days;
    expect(d1.transactions.filter((t) => t.type === 'DEPOSIT')).toEqual([expect.objectContaining({ poolId: 'pool-a', token: 'USDC', amountUsd: AUM })]);
    expect(d1.costs.strategy.totalUsd).toBeCloseTo(3, 9);
    for (const d of [d2, d3, d4]) {
      expect(d.transactions.every((t) => t.type === 'HOLD')).toBe(true);
      expect(d.costs.strategy.totalUsd).toBe(0);
    }
    expect(result.days.every((d) => d.feasible)).toBe(true);
    expect(d1.weights).toEqual({ 'pool-a': 1 });
  });

  test('strategy NAV: (AUM − 3) compounded at A’s realised APY, value × (1 + APY/100/365) a day', () => {
    const n1 = (AUM - 3) * (1 + 0.1 / 365);
    const n2 = n1 * (1 + 0.1 / 365);
    const n3 = n2 * (1 + 0.1 / 365);
    const n4 = n3 * (1 + 0.2 / 365); // the day A realised 20 %
    expect(result.days.map((d) => d.nav.strategy)).toEqual([n1, n2, n3, n4].map((v) => expect.closeTo(v, 6)));
    // holdDay1 is the day-1 allocation held: identical here, since the strategy never trades again.
    expect(result.days.map((d) => d.nav.holdDay1)).toEqual([n1, n2, n3, n4].map((v) => expect.closeTo(v, 6)));
  });

  test('benchmarks: equal weight 50/50 (two deposits), largest pool = B (TVL 1e9)', () => {
    // Equal weight: 50,000 in each, 6 USD gas paid pro rata → 49,997 each; drift stays below minPositionUsd.
    let a = 49_997;
    let b = 49_997;
    const ew: number[] = [];
    for (const d of ['2025-01-10', '2025-01-11', '2025-01-12', '2025-01-13']) {
      a *= 1 + (d === TO ? 0.2 : 0.1) / 365;
      b *= 1 + 0.05 / 365;
      ew.push(a + b);
    }
    expect(result.days.map((d) => d.nav.equalWeight)).toEqual(ew.map((v) => expect.closeTo(v, 6)));
    expect(result.days[0].costs.equalWeight.totalUsd).toBeCloseTo(6, 9);
    expect(result.days.slice(1).map((d) => d.costs.equalWeight.totalUsd)).toEqual([0, 0, 0]);
    const lp = [1, 2, 3, 4].map((k) => 99_997 * (1 + 0.05 / 365) ** k);
    expect(result.days.map((d) => d.nav.largestPool)).toEqual(lp.map((v) => expect.closeTo(v, 6)));
  });

  test('summary metrics match the formulas worked by hand', () => {
    const g = 0.1 / 365;
    const r1 = ((AUM - 3) * (1 + g)) / AUM - 1;
    const r = [r1, g, g, 0.2 / 365];
    const navEnd = (AUM - 3) * (1 + g) ** 3 * (1 + 0.2 / 365);
    const mean = (r[0] + r[1] + r[2] + r[3]) / 4;
    const sd = Math.sqrt(((r[0] - mean) ** 2 + (r[1] - mean) ** 2 + (r[2] - mean) ** 2 + (r[3] - mean) ** 2) / 3);
    const rf = RF / 365;
    const ex = r.map((x) => x - rf);
    // Days 1–3 (≤ 10 % APY, day 1 also paid the gas) are below the daily risk-free rate, day 4 is above.
    expect(ex.map((x) => x < 0)).toEqual([true, true, true, false]);
    const downside = Math.sqrt((ex[0] ** 2 + ex[1] ** 2 + ex[2] ** 2 + 0) / 4);
    const m = result.summary.series.strategy;
    expect(m.days).toBe(4);
    expect(m.cumulativeReturn).toBeCloseTo((navEnd / AUM - 1) * 100, 9);
    expect(m.netApy).toBeCloseTo(((navEnd / AUM) ** (365 / 4) - 1) * 100, 7);
    expect(m.volatility).toBeCloseTo(sd * Math.sqrt(365) * 100, 9);
    expect(m.sharpe!).toBeCloseTo(((mean - rf) / sd) * Math.sqrt(365), 6);
    expect(m.sortino!).toBeCloseTo(((mean - rf) / downside) * Math.sqrt(365), 6);
    // Day 1's yield (27.40 USD) exceeds its 3 USD of gas, so end-of-day NAV never falls below a peak.
    expect(m.maxDrawdown).toBe(0);
    expect(m.totalCostsUsd).toBeCloseTo(3, 9);
    expect(m.turnoverTotal).toBeCloseTo(0.5, 12); // 100,000 deposited / (2 × 100,000)
    expect(m.turnoverAnnualised).toBeCloseTo((0.5 / 4) * 365, 9);
    expect(result.summary.infeasibleDays).toBe(0);
    expect(result.summary.series.largestPool.totalCostsUsd).toBeCloseTo(3, 9);
    expect(result.summary.series.equalWeight.totalCostsUsd).toBeCloseTo(6, 9);
  });

  test('forecast accuracy: naive forecasts of constant series miss only A on the last day (10 pp)', () => {
    const f = result.summary.forecast;
    expect(f.poolDays).toBe(8); // 2 pools × 4 days
    expect(f.mae).toBeCloseTo(10 / 8, 12);
    expect(f.naiveMae).toBeCloseTo(10 / 8, 12);
    expect(f.mase).toBeCloseTo(1, 12);
    expect(f.portfolioMae).toBeCloseTo(10 / 4, 12); // fully in A: 0, 0, 0, 10
    expect(result.days[3].forecastError).toEqual({ n: 2, mae: 5, naiveMae: 5, portfolioMae: 10 });
  });
});

describe('metric formulas', () => {
  test('max drawdown is the largest fall from a running peak, NAV_0 included', () => {
    expect(maxDrawdown([100, 110, 99, 120, 90, 130])).toBeCloseTo(0.25, 12); // 120 → 90
    expect(maxDrawdown([100, 101, 102])).toBe(0);
  });

  test('Sharpe and Sortino are null when there is no dispersion / no downside', () => {
    const m = seriesMetrics([100, 101, 102.01], [0, 0], [0, 0], 0);
    expect(m.volatility).toBeCloseTo(0, 9);
    expect(m.sortino).toBeNull();
    expect(m.netApy).toBeCloseTo((1.0201 ** (365 / 2) - 1) * 100, 6);
  });
});

describe('days without a feasible allocation', () => {
  test('the portfolio is left as it was, the day is flagged and counted, reasons kept', async () => {
    // minPools 3 with only two pools: every day is infeasible; the AUM stays in the wallet earning 0.
    const r = await runBacktest(source(), { ...config, params: tinyParams({ minPools: 3, maxPools: 3 }) });
    expect(r.days.map((d) => d.feasible)).toEqual([false, false, false, false]);
    expect(r.days.every((d) => d.transactions.length === 0 && d.nav.strategy === AUM && d.nav.holdDay1 === AUM)).toBe(true);
    expect(r.days[0].reasons!.join(' ')).toMatch(/minPools|pools/);
    expect(r.summary.infeasibleDays).toBe(4);
    expect(r.summary.series.strategy.cumulativeReturn).toBe(0);
    // The benchmarks do not depend on the optimizer and still invest.
    expect(r.days[3].nav.equalWeight).toBeGreaterThan(AUM);
  });
});
