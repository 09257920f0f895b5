/** A workflow can run the backtest a segment at a time: the state survives a JSON round trip. */
import { Backtest, initialState, runBacktest, type BacktestConfig, type BacktestState } from '../../functions/src/steps/backtest';
import { TinySource, tinyParams } from './support';

const src = (): TinySource =>
  new TinySource([
    { id: 'pool-a', tvl: 5e8, apy: (d) => 8 + (Number(d.slice(8, 10)) % 5) },
    { id: 'pool-b', tvl: 1e9, apy: (d) => 6 + (Number(d.slice(8, 10)) % 7) },
  ]);

test('running 2 days, storing the state as JSON and resuming gives the same result as one run', async () => {
  const config: BacktestConfig = { from: '2025-01-10', to: '2025-01-15', aumUsd: 1_000_000, startToken: 'USDC', params: tinyParams(), riskFreeRate: 0.03, forecastReselectDays: 3 };
  const whole = await runBacktest(src(), config);
  const first = new Backtest(src(), initialState(config));
  await first.run(undefined, 2);
  const stored = JSON.parse(JSON.stringify(first.state)) as BacktestState;
  const second = new Backtest(src(), stored);
  await second.run();
  const resumed = second.result();
  expect(resumed.days.map((d) => d.nav)).toEqual(whole.days.map((d) => d.nav));
  expect(resumed.days.map((d) => d.transactions)).toEqual(whole.days.map((d) => d.transactions));
  expect(resumed.summary).toEqual(whole.summary);
  expect(whole.days.some((d, i) => i > 0 && d.transactions.some((t) => t.type !== 'HOLD'))).toBe(true);
});
