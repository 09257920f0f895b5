/** Transaction-aware MILP on problems whose optimum is known by hand. */
import { optimizeAllocation } from '../../functions/src/steps/allocate';
import { expectSolved, finalValue, gasUsd, input, params, pool, violations } from './helpers';

const near = (a: number, b: number, tol = 1e-4): void => expect(Math.abs(a - b)).toBeLessThanOrEqual(tol);

describe('MILP, objective "yield"', () => {
  test('two pools: the better one is filled to its share cap, the rest goes to the other', async () => {
    const inp = input({
      pools: [pool('A', ['USDC'], 10), pool('B', ['USDC'], 5)],
      wallet: { USDC: 100_000 },
      params: params({ maxAllocShare: 0.6, minPools: 2, maxPools: 2, horizonDays: 365, groupCaps: { '1': 1, '2': 1, '3': 1 } }),
    });
    const r = expectSolved(await optimizeAllocation(inp));
    near(finalValue(r, 'A'), 60_000);
    near(finalValue(r, 'B'), 40_000);
    expect(r.transactions.map((t) => [t.type, t.poolId])).toEqual([['DEPOSIT', 'A'], ['DEPOSIT', 'B']]);
    near(r.costs.gasUsd, 2 * gasUsd(inp, 150_000));
    near(r.expectedYieldUsd, 6000 + 2000);
    expect(violations(inp, r)).toEqual([]);
  });

  test('a binding TVL cap: maxPoolTvlShare × forecast TVL limits the best pool', async () => {
    const inp = input({
      pools: [pool('A', ['USDC'], 10, { forecastTvlUsd: 400_000 }), pool('B', ['USDC'], 5)],
      wallet: { USDC: 100_000 },
      params: params({ maxAllocShare: 1, minPools: 1, maxPools: 5, horizonDays: 365, groupCaps: { '1': 1, '2': 1, '3': 1 } }),
    });
    const r = expectSolved(await optimizeAllocation(inp));
    near(finalValue(r, 'A'), 20_000);
    near(finalValue(r, 'B'), 80_000);
    expect(violations(inp, r)).toEqual([]);
  });

  test('costs that make staying put optimal (1-day horizon), and moving optimal over a year', async () => {
    const base = {
      pools: [pool('A', ['USDC'], 5.1), pool('B', ['USDC'], 5)],
      holdings: [{ poolId: 'B', token: 'USDC', amountUsd: 100_000 }],
      gasPriceGwei: 100, // 150k gas × 100 gwei × 3000 = 45 USD per operation
    };
    const stay = input({ ...base, params: params({ maxAllocShare: 1, minPools: 1, horizonDays: 1, groupCaps: { '1': 1, '2': 1, '3': 1 } }) });
    const r1 = expectSolved(await optimizeAllocation(stay));
    expect(r1.transactions.map((t) => t.type)).toEqual(['HOLD']);
    near(finalValue(r1, 'B'), 100_000);
    expect(r1.costs.totalUsd).toBe(0);
    // Over 365 days the 0.1 pp difference earns 100 USD > 90 USD of gas: move everything.
    const move = input({ ...base, params: params({ maxAllocShare: 1, minPools: 1, horizonDays: 365, groupCaps: { '1': 1, '2': 1, '3': 1 } }) });
    const r2 = expectSolved(await optimizeAllocation(move));
    expect(r2.transactions.map((t) => [t.type, t.poolId])).toEqual([['WITHDRAW', 'B'], ['DEPOSIT', 'A']]);
    near(finalValue(r2, 'A'), 100_000);
    near(r2.costs.gasUsd, 90);
    expect(violations(move, r2)).toEqual([]);
  });

  test('a conversion that pays off (and one that does not)', async () => {
    const mk = (horizonDays: number) =>
      input({
        pools: [pool('A', ['USDC'], 8), pool('B', ['DAI'], 2)],
        wallet: { DAI: 100_000 },
        gasPriceGwei: 1,
        params: params({ maxAllocShare: 1, minPools: 1, maxPools: 1, horizonDays, groupCaps: { '1': 1, '2': 1, '3': 1 } }),
      });
    const year = mk(365);
    const r = expectSolved(await optimizeAllocation(year));
    expect(r.transactions.map((t) => [t.type, t.token, t.toToken ?? t.poolId])).toEqual([['CONVERT', 'DAI', 'USDC'], ['DEPOSIT', 'USDC', 'A']]);
    near(r.transactions[0].amountUsd, 100_000);
    near(r.costs.conversionUsd, 40);
    near(finalValue(r, 'A'), 99_960);
    expect(violations(year, r)).toEqual([]);
    // Over one day 6 pp earn 16.4 USD, less than the 40 USD fee: stay in DAI.
    const day = mk(1);
    const r1 = expectSolved(await optimizeAllocation(day));
    expect(r1.transactions.map((t) => [t.type, t.poolId])).toEqual([['DEPOSIT', 'B']]);
    near(finalValue(r1, 'B'), 100_000);
  });

  test('a binding group cap', async () => {
    const inp = input({
      pools: [pool('A', ['USDC'], 10, { group: 1 }), pool('B', ['USDC'], 9, { group: 1 }), pool('C', ['USDC'], 5, { group: 2 })],
      wallet: { USDC: 100_000 },
      params: params({ maxAllocShare: 1, minPools: 1, horizonDays: 365, groupCaps: { '1': 0.3, '2': 0.35, '3': 0.3 } }),
    });
    const r = expectSolved(await optimizeAllocation(inp));
    near(finalValue(r, 'A'), 30_000);
    near(finalValue(r, 'B'), 0);
    near(finalValue(r, 'C'), 35_000);
    near(r.finalAllocation.wallet.USDC, 35_000);
    expect(violations(inp, r)).toEqual([]);
  });

  test('multi-token pools receive equal value per token', async () => {
    const inp = input({
      pools: [pool('AB', ['USDC', 'USDT'], 10)],
      wallet: { USDC: 100_000 },
      params: params({ maxAllocShare: 1, minPools: 1, horizonDays: 365, groupCaps: { '1': 1, '2': 1, '3': 1 } }),
    });
    const r = expectSolved(await optimizeAllocation(inp));
    const [p] = r.finalAllocation.pools;
    near(p.tokens.USDC, p.tokens.USDT, 1e-3);
    // Half must be converted first; the fee makes the final value slightly below AUM.
    near(p.amountUsd, 100_000 - 0.0004 * p.tokens.USDT / (1 - 0.0004), 1e-3);
    expect(violations(inp, r)).toEqual([]);
  });

  test('pools failing the final filter are exited, also below minPositionUsd', async () => {
    const inp = input({
      pools: [pool('bad', ['USDC'], 20, { passesFinalFilter: false }), pool('g4', ['USDC'], 15, { group: 4 }), pool('good', ['USDC'], 4)],
      holdings: [
        { poolId: 'bad', token: 'USDC', amountUsd: 50_000 },
        { poolId: 'g4', token: 'USDC', amountUsd: 500 },
        { poolId: 'gone', token: 'USDT', amountUsd: 700 },
      ],
      params: params({ maxAllocShare: 1, minPools: 1, horizonDays: 30, groupCaps: { '1': 1, '2': 1, '3': 1 } }),
    });
    const r = expectSolved(await optimizeAllocation(inp));
    for (const id of ['bad', 'g4', 'gone']) near(finalValue(r, id), 0);
    const withdrawn = Object.fromEntries(r.transactions.filter((t) => t.type === 'WITHDRAW').map((t) => [t.poolId, t.amountUsd]));
    expect(withdrawn).toEqual({ bad: 50_000, g4: 500, gone: 700 });
    expect(finalValue(r, 'good')).toBeGreaterThan(50_000);
    expect(r.warnings.join(' ')).toMatch(/gone is not among the candidates/);
    expect(violations(inp, r)).toEqual([]);
  });

  test('a position above a shrunken TVL cap is reduced to the cap', async () => {
    const inp = input({
      pools: [pool('A', ['USDC'], 8, { forecastTvlUsd: 1_000_000 }), pool('B', ['USDC'], 3)],
      holdings: [{ poolId: 'A', token: 'USDC', amountUsd: 80_000 }],
      wallet: { USDC: 20_000 },
      params: params({ maxAllocShare: 1, minPools: 1, horizonDays: 30, groupCaps: { '1': 1, '2': 1, '3': 1 } }),
    });
    const r = expectSolved(await optimizeAllocation(inp));
    near(finalValue(r, 'A'), 50_000);
    expect(violations(inp, r)).toEqual([]);
  });

  test('output carries status, gap, solve time and projected APY', async () => {
    const inp = input({ pools: [pool('A', ['USDC'], 10)], wallet: { USDC: 10_000 }, params: params({ maxAllocShare: 1, minPools: 1, horizonDays: 365, groupCaps: { '1': 1, '2': 1, '3': 1 } }) });
    const r = expectSolved(await optimizeAllocation(inp));
    expect(r.solver.status).toBe('optimal');
    expect(r.solver.mipGap).toBeLessThanOrEqual(1e-4);
    expect(r.solver.solveTimeMs).toBeGreaterThan(0);
    near(r.projectedApy.gross, 10);
    near(r.projectedApy.net, ((1000 - r.costs.totalUsd) / 10_000) * 100);
  });
});

describe('MILP infeasibility is explained', () => {
  test('fewer eligible pools than minPools', async () => {
    const r = await optimizeAllocation(
      input({
        pools: [pool('A', ['USDC'], 5), pool('B', ['USDC'], 5), pool('C', ['USDC'], 5), pool('D', ['USDC'], 5, { passesFinalFilter: false })],
        wallet: { USDC: 1_000_000 },
        params: params({ minPools: 5 }),
      }),
    );
    expect(r.status).toBe('infeasible');
    if (r.status !== 'infeasible') return;
    expect(r.reasons[0]).toMatch(/^only 3 eligible pools, minPools is 5/);
    expect(r.reasons[0]).toMatch(/1 fail the final filter/);
  });

  test('AUM below minPositionUsd × minPools', async () => {
    const r = await optimizeAllocation(input({ pools: [pool('A', ['USDC'], 5), pool('B', ['USDC'], 5)], wallet: { USDC: 800 }, params: params({ minPools: 2, maxPools: 2 }) }));
    expect(r.status).toBe('infeasible');
    if (r.status === 'infeasible') expect(r.reasons[0]).toMatch(/AUM 800 USD can fund at most 0 positions of at least minPositionUsd 1,000 USD.*minPools is 2/);
  });

  test('group caps too tight for minPools', async () => {
    const pools = [1, 2, 3, 4, 5].map((i) => pool(`p${i}`, ['USDC'], 5, { group: i <= 4 ? 1 : 2 }));
    const r = await optimizeAllocation(input({ pools, wallet: { USDC: 10_000 }, params: params({ minPools: 5, minPositionUsd: 1000, groupCaps: { '1': 0.2, '2': 0.2, '3': 0.2 } }) }));
    expect(r.status).toBe('infeasible');
    if (r.status === 'infeasible') expect(r.reasons[0]).toMatch(/group caps allow at most 3 pools.*minPools is 5/);
  });

  test('a cause only the solver finds (conversion fees) is explained by the max-pools relaxation', async () => {
    // 3 × 1,000 USD in DAI but every pool takes USDC: after the 0.04 % fee only 2 positions of 1,000 fit.
    const r = await optimizeAllocation(
      input({ pools: [pool('A', ['USDC'], 5), pool('B', ['USDC'], 5), pool('C', ['USDC'], 5)], wallet: { DAI: 3000 }, params: params({ minPools: 3, maxAllocShare: 1, groupCaps: { '1': 1, '2': 1, '3': 1 } }) }),
    );
    expect(r.status).toBe('infeasible');
    if (r.status === 'infeasible') expect(r.reasons[0]).toMatch(/minPools is 3 but at most 2 pools can be held/);
  });

  test('bad input comes back as an error with reasons, not an exception', async () => {
    const r = await optimizeAllocation(input({ pools: [pool('A', ['USDC'], NaN)], wallet: { USDC: 1 }, ethPriceUsd: 0 }));
    expect(r.status).toBe('error');
    if (r.status === 'error') expect(r.reasons.join(' ')).toMatch(/ethPriceUsd.*non-finite forecast/);
  });
});
