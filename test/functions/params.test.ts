import {
  DEFAULT_APPROVED_TOKENS,
  DEFAULT_PARAMS,
  ParamsSchema,
  ParamsValidationError,
  buildParamSources,
  deepMerge,
  envLayer,
  resolveParams,
} from '../../functions/src/lib/params';

function expectParamsError(fn: () => unknown): ParamsValidationError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ParamsValidationError);
    return err as ParamsValidationError;
  }
  throw new Error('expected a ParamsValidationError');
}

describe('parameter defaults (DOMAIN.md table)', () => {
  it('parses an empty object into the documented defaults', () => {
    const p = ParamsSchema.parse({});
    expect(p).toEqual(DEFAULT_PARAMS);
    expect(p.chain).toBe('Ethereum');
    expect(p.poolTvlFloor).toBe(100_000);
    expect(p.poolApyFloor).toBe(0.01);
    expect(p.tokenMarketCapFloor).toBe(35_000_000);
    expect(p.maxAllocShare).toBe(0.25);
    expect(p.maxPoolTvlShare).toBe(0.05);
    expect([p.minPools, p.maxPools]).toEqual([5, 20]);
    expect(p.minPositionUsd).toBe(1000);
    expect(p.groupCaps).toEqual({ '1': 0.35, '2': 0.35, '3': 0.3 });
    expect(p.conversionFee).toBe(0.0004);
    expect(p.gasUnits).toEqual({ deposit: 150_000, withdraw: 150_000, swap: 180_000, transfer: 65_000 });
    expect(p.horizonDays).toBe(1);
    expect(p.objective).toBe('yield');
    expect([p.riskAversion, p.weightCap, p.covWindowDays, p.expectedReturnLookback, p.scorePreference]).toEqual([5, 0.07, 20, 20, 0]);
    expect(p.icebox).toEqual({ lowPct: 0.02, lowDays: 2, closePct: 0.01, closeDays: 1, recoveryLowDays: 2, recoveryCloseDays: 3 });
    expect(p.groupThresholds.group1).toEqual({ maxDelta: 1, maxSigma7: 1.5, maxSigma30: 2 });
    expect(p.groupThresholds.group3).toEqual({ minDelta: 3, minSigma7: 4, minSigma30: 2 });
    expect(p.approvedProtocols).toHaveLength(28);
    expect(p.blacklistedTokens.map((t) => t.symbol)).toEqual(['FRAX', 'USDD', 'MIM', 'FRXUSD', 'SUSD', 'USD0++']);
  });

  it('lists every approved token of the table with a unique mainnet address', () => {
    const symbols = DEFAULT_APPROVED_TOKENS.map((t) => t.symbol);
    for (const s of ['USDT', 'USDC', 'USDS', 'DAI', 'LUSD', 'BOLD', 'PYUSD', 'USDP', 'GUSD', 'GHO', 'RLUSD', 'USDtb', 'USD0', 'USDG', 'USDL', 'USDM', 'USDe', 'crvUSD', 'USDF', 'sDAI', 'sUSDS', 'sUSDe', 'sBOLD', 'stkGHO']) {
      expect(symbols).toContain(s);
    }
    const addresses = DEFAULT_APPROVED_TOKENS.map((t) => t.address.toLowerCase());
    expect(new Set(addresses).size).toBe(addresses.length);
    const bySymbol = Object.fromEntries(DEFAULT_APPROVED_TOKENS.map((t) => [t.symbol, t.address]));
    expect(bySymbol.USDT).toBe('0xdAC17F958D2ee523a2206206994597C13D831ec7');
    expect(bySymbol.USDC).toBe('0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48');
    expect(bySymbol.DAI).toBe('0x6B175474E89094C44Da98b954EedeAC495271d0F');
  });
});

describe('deepMerge', () => {
  it('merges objects key by key and replaces arrays and scalars', () => {
    expect(deepMerge({ a: { x: 1, y: 2 }, list: [1, 2], s: 1 }, { a: { y: 3 }, list: [9], s: 2 })).toEqual({ a: { x: 1, y: 3 }, list: [9], s: 2 });
    expect(deepMerge({ a: 1 }, undefined)).toEqual({ a: 1 });
  });
});

describe('precedence: defaults < stored < env < request', () => {
  it('applies each layer over the previous ones', () => {
    const stored = { riskAversion: 2, weightCap: 0.1, covWindowDays: 30, minPools: 3 };
    const env = { RISK_AVERSION: '3', WEIGHT_CAP: '0.2' };
    const request = { riskAversion: 4 };
    const p = resolveParams(buildParamSources(stored, request, env));
    expect(p.riskAversion).toBe(4); // request beats env and stored
    expect(p.weightCap).toBe(0.2); // env beats stored
    expect(p.covWindowDays).toBe(30); // stored beats defaults
    expect(p.minPools).toBe(3);
    expect(p.expectedReturnLookback).toBe(20); // default
  });

  it('merges nested partial objects instead of replacing them', () => {
    const p = resolveParams(buildParamSources({ groupCaps: { '3': 0.2 } }, { gasUnits: { swap: 200_000 } }, {}));
    expect(p.groupCaps).toEqual({ '1': 0.35, '2': 0.35, '3': 0.2 });
    expect(p.gasUnits).toEqual({ deposit: 150_000, withdraw: 150_000, swap: 200_000, transfer: 65_000 });
  });

  it('reads the four env overrides as numbers and ignores blank ones', () => {
    const layer = envLayer({ RISK_AVERSION: ' 7.5 ', WEIGHT_CAP: '', COV_WINDOW_DAYS: '40', EXPECTED_RETURN_LOOKBACK: '10' });
    expect(layer.values).toEqual({ riskAversion: 7.5, covWindowDays: 40, expectedReturnLookback: 10 });
  });

  it('works without a stored document or request params', () => {
    expect(resolveParams(buildParamSources(undefined, undefined, {}))).toEqual(DEFAULT_PARAMS);
  });
});

describe('validation errors name the field and the source', () => {
  it('names the env variable for a non-numeric env override', () => {
    const err = expectParamsError(() => resolveParams(buildParamSources(undefined, undefined, { RISK_AVERSION: 'high' })));
    expect(err.issues[0]).toMatchObject({ path: 'riskAversion', source: 'env RISK_AVERSION', sourceKind: 'env' });
    expect(err.message).toContain('params.riskAversion (from env RISK_AVERSION)');
  });

  it('names the stored document for a bad stored value', () => {
    const err = expectParamsError(() => resolveParams(buildParamSources({ groupCaps: { '2': 1.5 } }, undefined, {})));
    expect(err.issues[0]).toMatchObject({ path: 'groupCaps.2', source: 'Firestore params/current', sourceKind: 'stored' });
  });

  it('names the request for a bad request value, and unknown keys by their full path', () => {
    const err = expectParamsError(() => resolveParams(buildParamSources({}, { objective: 'moon', icebox: { lowPctt: 0.1 } }, {})));
    expect(err.sourceKind).toBe('request');
    const paths = err.issues.map((i) => i.path).sort();
    expect(paths).toEqual(['icebox.lowPctt', 'objective']);
    expect(err.issues.find((i) => i.path === 'icebox.lowPctt')?.message).toBe('unknown parameter');
  });

  it('rejects minPools above maxPools, blaming the layer that broke it', () => {
    const err = expectParamsError(() => resolveParams(buildParamSources({ maxPools: 8 }, { minPools: 9 }, {})));
    expect(err.issues[0]).toMatchObject({ path: 'minPools', sourceKind: 'request' });
  });

  it('rejects an invalid token address', () => {
    const err = expectParamsError(() => resolveParams(buildParamSources(undefined, { approvedTokens: [{ symbol: 'USDC', address: '0x123', kind: 'stable' }] }, {})));
    expect(err.issues[0].path).toBe('approvedTokens.0.address');
  });

  it('rejects a request params value that is not an object', () => {
    const err = expectParamsError(() => resolveParams(buildParamSources(undefined, [1, 2], {})));
    expect(err.issues[0]).toMatchObject({ path: '(root)', source: 'request params' });
  });
});
