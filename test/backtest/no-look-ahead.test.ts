/**
 * No look-ahead: the same backtest over the simulated market, once as is and once with EVERY value
 * dated on or after day d changed (listings, pool histories, token candles with a USDC depeg, gas).
 * The decisions of days ≤ d use data ≤ d − 1 only, so they must be identical; NAVs before d too.
 * From d on the runs must differ (the perturbation is real, and day d earns day d's data).
 */
import { createSimulatedMarket } from '../../emulator/market/sim';
import { DEFAULT_PARAMS } from '../../functions/src/lib/params';
import { runBacktest, SimulatedMarketSource, type BacktestConfig, type BacktestResult } from '../../functions/src/steps/backtest';
import { PerturbFrom, TinySource, tinyParams } from './support';

const FROM = '2025-03-01';
const TO = '2025-03-06';
const CUTOFF = '2025-03-04'; // day d (4th day)

const config: BacktestConfig = { from: FROM, to: TO, aumUsd: 10_000_000, startToken: 'USDC', params: DEFAULT_PARAMS, riskFreeRate: 0.04, forecastReselectDays: 3 };

function market(): SimulatedMarketSource {
  return new SimulatedMarketSource(createSimulatedMarket({ seed: 11, pools: 3000, endDate: TO, days: 320 }));
}

const decision = (r: BacktestResult, date: string): unknown => {
  const d = r.days.find((x) => x.date === date)!;
  return { status: d.status, transactions: d.transactions, weights: d.weights, counts: d.counts, gas: d.gasPriceGwei, ew: d.costs.equalWeight, lp: d.costs.largestPool };
};

describe('no look-ahead over the simulated market', () => {
  let base: BacktestResult;
  let perturbed: BacktestResult;
  beforeAll(async () => {
    base = await runBacktest(market(), config);
    perturbed = await runBacktest(new PerturbFrom(market(), CUTOFF), config);
  }, 240_000);

  test('the unperturbed run trades (the comparison is not vacuous)', () => {
    expect(base.days).toHaveLength(6);
    expect(base.days[0].feasible).toBe(true);
    expect(base.days[0].transactions.some((t) => t.type === 'DEPOSIT')).toBe(true);
    expect(base.days[0].counts.eligible).toBeGreaterThan(10);
  });

  test('decisions of every day ≤ d are identical', () => {
    for (const date of ['2025-03-01', '2025-03-02', '2025-03-03', CUTOFF]) expect(decision(perturbed, date)).toEqual(decision(base, date));
  });

  test('NAVs before d are identical; day d earns its own (perturbed) realised APY', () => {
    for (let i = 0; i < 3; i++) expect(perturbed.days[i].nav).toEqual(base.days[i].nav);
    expect(perturbed.days[3].nav.strategy).not.toBeCloseTo(base.days[3].nav.strategy, 0);
  });

  test('decisions after d change (the perturbation reaches the decision inputs)', () => {
    const later = ['2025-03-05', '2025-03-06'].map((date) => JSON.stringify(decision(perturbed, date)) !== JSON.stringify(decision(base, date)));
    expect(later).toContain(true);
  });
});

describe('no look-ahead on the tiny market', () => {
  test('a pool that becomes the best only from day d is not bought before d', async () => {
    // B jumps to 30 % from the 3rd day: only the 4th day's decision (data ≤ day 3) can see it.
    const src = new TinySource([
      { id: 'pool-a', tvl: 5e8, apy: () => 10 },
      { id: 'pool-b', tvl: 1e9, apy: (d) => (d >= '2025-01-12' ? 30 : 5) },
    ]);
    const r = await runBacktest(src, { from: '2025-01-10', to: '2025-01-13', aumUsd: 100_000, startToken: 'USDC', params: tinyParams(), riskFreeRate: 0, forecastReselectDays: 1 });
    expect(r.days.map((d) => Object.keys(d.weights))).toEqual([['pool-a'], ['pool-a'], ['pool-a'], ['pool-b']]);
    expect(r.days[3].transactions.filter((t) => t.type !== 'HOLD').map((t) => `${t.type} ${t.poolId}`)).toEqual(['WITHDRAW pool-a', 'DEPOSIT pool-b']);
  });
});
