import { filterPoolsFinal, type FinalFilterForecast, type FinalFilterPool } from '../../functions/src/steps/forecast';

const USDC = '0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48';
const USDT = '0xdAC17F958D2ee523a2206206994597C13D831ec7';
const USD0 = '0x73A15FeD60Bf67631dC6cd7Bc5B6e8da8190aCF5';
const params = { poolTvlFloor: 100_000, poolApyFloor: 0.01, horizonDays: 1 };

const pool = (poolId: string, symbol: string, tokens: string[] = []): FinalFilterPool => ({ poolId, symbol, underlyingTokens: tokens });
const fc = (apy: number, tvl: number): FinalFilterForecast => ({ apy: [apy], tvl: [tvl] });

describe('filterPoolsFinal', () => {
  it('keeps a healthy pool with no reasons', () => {
    const r = filterPoolsFinal([pool('a', 'USDC-USDT', [USDC, USDT])], { a: fc(5, 1e6) }, [], params);
    expect(r.kept).toEqual([{ poolId: 'a', forecastApy: 5, forecastTvl: 1e6, reasons: [], mustExit: false }]);
    expect(r.dropped).toEqual([]);
  });

  it('drops a pool with a missing or non-finite forecast', () => {
    const r = filterPoolsFinal([pool('a', 'USDC'), pool('b', 'USDC')], { b: { apy: [NaN], tvl: [1e6] } }, [], params);
    expect(r.dropped.map((d) => [d.poolId, d.reasons])).toEqual([
      ['a', [{ rule: 'missingForecast' }]],
      ['b', [{ rule: 'missingForecast' }]],
    ]);
  });

  it('APY floor is a fraction compared with APY in percent; exactly at the floor is kept', () => {
    const pools = [pool('at', 'USDC'), pool('below', 'USDC'), pool('tiny', 'USDC')];
    const r = filterPoolsFinal(pools, { at: fc(1.0, 1e6), below: fc(0.999, 1e6), tiny: fc(0.5, 1e6) }, [], params);
    expect(r.kept.map((k) => k.poolId)).toEqual(['at']);
    expect(r.dropped.find((d) => d.poolId === 'below')!.reasons).toEqual([{ rule: 'apyBelowFloor', forecastApy: 0.999, floorPercent: 1 }]);
    // 0.5 % APY would pass if the fraction were compared raw (0.5 > 0.01): it must not.
    expect(r.dropped.map((d) => d.poolId)).toContain('tiny');
  });

  it('TVL floor on forecast TVL; exactly at the floor is kept', () => {
    const r = filterPoolsFinal([pool('at', 'DAI'), pool('below', 'DAI')], { at: fc(3, 100_000), below: fc(3, 99_999.99) }, [], params);
    expect(r.kept.map((k) => k.poolId)).toEqual(['at']);
    expect(r.dropped[0].reasons).toEqual([{ rule: 'tvlBelowFloor', forecastTvl: 99_999.99, floor: 100_000 }]);
  });

  it('uses the mean APY and the minimum TVL over horizonDays', () => {
    const f = { a: { apy: [0.5, 1.5, 100], tvl: [200_000, 90_000, 1e9] } };
    const r = filterPoolsFinal([pool('a', 'USDC')], f, [], { ...params, horizonDays: 2 });
    expect(r.dropped[0].forecastApy).toBe(1);
    expect(r.dropped[0].reasons).toEqual([{ rule: 'tvlBelowFloor', forecastTvl: 90_000, floor: 100_000 }]);
  });

  it('icebox matches exact addresses (any case) and exact symbols, never substrings', () => {
    const pools = [
      pool('byAddress', 'XYZ-ABC', [USDC.toLowerCase()]),
      pool('bySymbol', 'usd0-USDT'),
      pool('plusplus', 'USD0++-USDT'),
      pool('wrapper', 'sUSDe-USDT'),
    ];
    const icebox = [{ symbol: 'USDC', address: USDC }, { symbol: 'USD0', address: USD0 }, { symbol: 'USDe', address: null }];
    const forecasts = Object.fromEntries(pools.map((p) => [p.poolId, fc(5, 1e6)]));
    const r = filterPoolsFinal(pools, forecasts, icebox, params);
    expect(r.dropped.map((d) => [d.poolId, d.reasons])).toEqual([
      ['byAddress', [{ rule: 'iceboxedToken', token: 'USDC' }]],
      ['bySymbol', [{ rule: 'iceboxedToken', token: 'USD0' }]],
    ]);
    expect(r.kept.map((k) => k.poolId)).toEqual(['plusplus', 'wrapper']);
  });

  it('a held pool failing rules stays visible, flagged mustExit, with every reason recorded', () => {
    const pools = [pool('held', 'USDC', [USDC]), pool('heldOk', 'USDT'), pool('heldMissing', 'DAI')];
    const r = filterPoolsFinal(pools, { held: fc(0.2, 5_000), heldOk: fc(4, 1e6) }, [{ symbol: 'USDC', address: USDC }], params, new Set(['held', 'heldOk', 'heldMissing']));
    expect(r.dropped).toEqual([]);
    const held = r.kept.find((k) => k.poolId === 'held')!;
    expect(held.mustExit).toBe(true);
    expect(held.reasons.map((x) => x.rule)).toEqual(['iceboxedToken', 'tvlBelowFloor', 'apyBelowFloor']);
    expect(r.kept.find((k) => k.poolId === 'heldOk')!.mustExit).toBe(false);
    expect(r.kept.find((k) => k.poolId === 'heldMissing')!).toMatchObject({ mustExit: true, reasons: [{ rule: 'missingForecast' }] });
    expect(r.counts).toEqual({ input: 3, kept: 3, dropped: 0, mustExit: 2, byRule: { missingForecast: 1, iceboxedToken: 1, tvlBelowFloor: 1, apyBelowFloor: 1 } });
  });
});
