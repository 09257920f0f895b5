/** The handler's pure input builder: stored layers → AllocationInput, and what it warns about. */
import { DEFAULT_PARAMS } from '../../functions/src/lib/params';
import { buildAllocationInput, usableFeatures, type StoredLayers } from '../../functions/src/steps/allocate/handler';
import type { FinalFilterRow } from '../../functions/src/steps/forecast/handlers/common';

const row = (poolId: string, over: Partial<FinalFilterRow> = {}): FinalFilterRow => ({
  poolId, kept: true, mustExit: false, held: false, eligible: true, forecastApy: 5, forecastTvl: 1e8, reasons: [], tokens: ['USDC'], project: 'aave-v3', symbol: 'USDC', ...over,
});

function layers(over: Partial<StoredLayers> = {}): StoredLayers {
  return {
    runDate: '2025-03-01',
    params: DEFAULT_PARAMS,
    finalFilter: [row('a'), row('b', { tokens: ['DAI'] })],
    groups: new Map([['a', 1], ['b', 2]]),
    ledger: { date: '2025-03-01', tokens: { USDC: { amount: 1000 } }, pools: [] },
    closes: { USDC: { usd: 1, date: '2025-02-28' }, DAI: { usd: 1.002, date: '2025-02-27' } },
    gasPriceGwei: 5,
    ethPriceUsd: 3000,
    ...over,
  };
}

describe('buildAllocationInput', () => {
  it('values the ledger at the latest closes and keeps complete inputs "ok"', () => {
    const b = buildAllocationInput(layers({ ledger: { date: '2025-03-01', tokens: { USDC: { amount: 1000 }, DAI: { amount: 500 } }, pools: [{ poolId: 'a', token: 'DAI', amount: 2000 }] } }));
    expect(b.input.wallet).toEqual({ DAI: 501, USDC: 1000 });
    expect(b.input.holdings).toEqual([{ poolId: 'a', token: 'DAI', amountUsd: 2004 }]);
    expect(b.input.prices).toEqual({ USDC: 1, DAI: 1.002 });
    expect(b.input.pools.map((p) => [p.id, p.group, p.passesFinalFilter, p.name])).toEqual([['a', 1, true, 'aave-v3 USDC'], ['b', 2, true, 'aave-v3 USDC']]);
    expect(b).toMatchObject({ warnings: [], incomplete: false });
  });

  it('a missing close is 1.0 with one warning; a must-exit pool without approved tokens exits in the token held; dust is ignored', () => {
    const b = buildAllocationInput(
      layers({
        finalFilter: [row('a'), row('x', { tokens: [], mustExit: true, held: true, eligible: false, forecastApy: null, forecastTvl: null, reasons: [{ rule: 'notEligible', preFilter: ['not-listed'] }] })],
        ledger: { date: '2025-03-01', tokens: { PYUSD: { amount: 10 } }, pools: [{ poolId: 'x', token: 'PYUSD', amount: 700 }, { poolId: 'a', token: 'USDC', amount: 1e-9 }] },
      }),
    );
    expect(b.input.prices.PYUSD).toBe(1);
    expect(b.warnings.filter((w) => w.startsWith('PYUSD'))).toEqual(['PYUSD: no recent close (priceDaily); valued at 1.0']);
    expect(b.input.pools.find((p) => p.id === 'x')).toMatchObject({ tokens: ['PYUSD'], forecastApy: 0, forecastTvlUsd: 0, group: 4, passesFinalFilter: false });
    expect(b.input.holdings).toEqual([{ poolId: 'x', token: 'PYUSD', amountUsd: 700 }]);
    expect(b.incomplete).toBe(true);
  });

  it("an older ledger, a negative balance and no ledger at all are named", () => {
    const old = buildAllocationInput(layers({ ledger: { date: '2025-02-27', tokens: { USDC: { amount: -5 } }, pools: [] } }));
    expect(old.warnings).toEqual([
      'balances come from ledger/2025-02-27, not ledger/2025-03-01: later transfers are not reflected',
      'USDC: negative ledger balance -5 (transfer history incomplete?); treated as 0',
    ]);
    expect(old.input.wallet).toEqual({});
    const none = buildAllocationInput(layers({ ledger: null }));
    expect(none.warnings[0]).toMatch(/no ledger on or before 2025-03-01/);
    expect(none.incomplete).toBe(true);
  });
});

describe('usableFeatures', () => {
  it('drops assets without a return or variance, zeroes missing pairs, fills missing scores with 0.5', () => {
    const f = usableFeatures({
      assets: ['p', 'q', 'r', 's'],
      expectedReturns: [1e-4, NaN, 2e-4, 3e-4],
      covariance: [
        [4, 1, NaN, 1],
        [1, 4, 1, 1],
        [NaN, 1, 9, 2],
        [1, 1, 2, NaN],
      ],
      scores: [0.9, 0.1, NaN, 0.2],
    });
    expect(f.features).toEqual({ assets: ['p', 'r'], expectedReturns: [1e-4, 2e-4], covariance: [[4, 0], [0, 9]], scores: [0.9, 0.5] });
    expect(f.warnings).toEqual(['2 asset(s) of features have no expected return or variance: left out of mean-variance', '1 covariance pair(s) with too little overlap counted as 0']);
    expect(usableFeatures({ assets: ['p'], expectedReturns: [1], covariance: [[1]], scores: [NaN] }).features.scores).toBeUndefined();
  });
});
