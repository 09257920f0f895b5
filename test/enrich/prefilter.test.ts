import { DEFAULT_PARAMS } from '../../functions/src/lib/params';
import {
  evaluatePool,
  filterPoolsPre,
  normalizeChain,
  symbolTokens,
  type MarketCaps,
  type PoolRecord,
} from '../../functions/src/steps/enrich/prefilter';

const USDC = '0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48';
const USDT = '0xdAC17F958D2ee523a2206206994597C13D831ec7';
const SUSDE = '0x9D39A5DE30e57443BfF2A8307A4256c8797A3497';
const FRAX = '0x853d955aCEf822Db058eb8505911ED77F175b99e';
const UNKNOWN = '0x1111111111111111111111111111111111111111';
const PT_TOKEN = '0x2222222222222222222222222222222222222222';
const DATE = '2025-08-31';

const caps: MarketCaps = {
  [USDC.toLowerCase()]: 60e9,
  [USDT.toLowerCase()]: 150e9,
  sUSDe: 4e9, // by symbol
};

function pool(over: Partial<PoolRecord> = {}): PoolRecord {
  return {
    pool: 'p1',
    project: 'aave-v3',
    chain: 'Ethereum',
    symbol: 'USDC',
    underlyingTokens: [USDC],
    poolMeta: null,
    tvlUsd: 1e9,
    apy: 5,
    apyBase: 5,
    apyReward: null,
    ...over,
  };
}

const codes = (p: PoolRecord, c: MarketCaps = caps) => evaluatePool(p, DATE, DEFAULT_PARAMS, c).reasons.map((r) => r.code);

describe('filterPoolsPre', () => {
  test('a clean pool passes with no reason and reports its approved symbols', () => {
    const d = evaluatePool(pool(), DATE, DEFAULT_PARAMS, caps);
    expect(d).toMatchObject({ pool: 'p1', date: DATE, passed: true, reasons: [], approvedSymbols: ['USDC'] });
  });

  test('protocol rule fires for an unapproved slug and is quiet for an approved one', () => {
    expect(codes(pool({ project: 'aerodrome-v1' }))).toEqual(['protocol-not-approved']);
    expect(codes(pool({ project: 'compound-v3' }))).toEqual([]);
  });

  test('chain rule: other chains fire; DefiLlama spellings of Ethereum are quiet', () => {
    expect(codes(pool({ chain: 'Arbitrum' }))).toEqual(['chain-not-allowed']);
    for (const c of ['Ethereum', 'ethereum', ' ETHEREUM ', 'mainnet']) expect(codes(pool({ chain: c }))).toEqual([]);
    expect(normalizeChain('Ethereum')).toBe(normalizeChain('ethereum'));
  });

  test('token rule matches by address regardless of checksum casing', () => {
    expect(codes(pool({ underlyingTokens: [USDC.toLowerCase()] }))).toEqual([]);
    expect(codes(pool({ underlyingTokens: [USDC.toUpperCase().replace('0X', '0x')] }))).toEqual([]);
  });

  test('token rule fires once per unapproved address, even when the symbol looks approved', () => {
    const d = evaluatePool(pool({ symbol: 'USDC-USDT', underlyingTokens: [USDC, UNKNOWN, PT_TOKEN] }), DATE, DEFAULT_PARAMS, caps);
    expect(d.passed).toBe(false);
    expect(d.reasons.filter((r) => r.code === 'token-not-approved').map((r) => r.token)).toEqual([UNKNOWN, PT_TOKEN.toLowerCase()]);
  });

  test('a pool without underlying addresses cannot be verified', () => {
    expect(codes(pool({ underlyingTokens: null }))).toEqual(['underlying-tokens-unknown']);
    expect(codes(pool({ underlyingTokens: [] }))).toEqual(['underlying-tokens-unknown']);
  });

  test('blacklist by address fires', () => {
    const r = codes(pool({ symbol: 'USDC-XYZ', underlyingTokens: [USDC, FRAX] }));
    expect(r).toContain('token-blacklisted');
    expect(r).toContain('token-not-approved');
  });

  test('blacklist by symbol is an exact token match, never a substring', () => {
    // FRAX in the symbol fires even if the address list is clean.
    expect(codes(pool({ symbol: 'USDC-FRAX' }))).toEqual(['token-blacklisted']);
    expect(codes(pool({ symbol: 'usdc-frax' }))).toEqual(['token-blacklisted']);
    // USD0++ is blacklisted, USD0 is not; SUSD is blacklisted, SUSDE (sUSDe) is not; FRAXBP is not FRAX.
    expect(codes(pool({ symbol: 'USD0++-USDC' }))).toEqual(['token-blacklisted']);
    expect(codes(pool({ symbol: 'USD0-USDC' }))).toEqual([]);
    expect(codes(pool({ symbol: 'SUSDE' }))).toEqual([]);
    expect(codes(pool({ symbol: 'SUSD' }))).toEqual(['token-blacklisted']);
    expect(codes(pool({ symbol: 'FRAXBP-USDC' }))).toEqual([]);
    expect(symbolTokens('DAI-USDC-USDT (Bridged)')).toEqual(['DAI', 'USDC', 'USDT']);
  });

  test('the same blacklisted token found by address and symbol is reported once', () => {
    const d = evaluatePool(pool({ symbol: 'FRAX-USDC', underlyingTokens: [FRAX, USDC] }), DATE, DEFAULT_PARAMS, caps);
    expect(d.reasons.filter((r) => r.code === 'token-blacklisted')).toHaveLength(1);
  });

  test('market cap: below the floor fires, exactly at the floor is quiet, unknown is excluded', () => {
    const floor = DEFAULT_PARAMS.tokenMarketCapFloor;
    expect(codes(pool(), { [USDC.toLowerCase()]: floor - 1 })).toEqual(['market-cap-below-floor']);
    expect(codes(pool(), { [USDC.toLowerCase()]: floor })).toEqual([]);
    expect(codes(pool(), { USDC: floor + 1 })).toEqual([]); // keyed by symbol
    expect(codes(pool(), {})).toEqual(['market-cap-unknown']);
    expect(codes(pool(), { [USDC.toLowerCase()]: null })).toEqual(['market-cap-unknown']);
    expect(codes(pool(), { [USDC.toLowerCase()]: NaN })).toEqual(['market-cap-unknown']);
  });

  test('market cap is checked for every underlying token, not just the first', () => {
    const d = evaluatePool(pool({ symbol: 'USDC-USDT', underlyingTokens: [USDC, USDT] }), DATE, DEFAULT_PARAMS, { [USDC.toLowerCase()]: 1e9 });
    expect(d.reasons).toEqual([expect.objectContaining({ code: 'market-cap-unknown', token: 'USDT' })]);
  });

  test('every reason is recorded, not just the first', () => {
    const r = codes(pool({ project: 'frax', chain: 'Fraxtal', symbol: 'FRAX-USDC', underlyingTokens: [FRAX, USDC] }), {});
    expect(r).toEqual(['protocol-not-approved', 'chain-not-allowed', 'token-not-approved', 'token-blacklisted', 'market-cap-unknown']);
  });

  describe('Pendle PT/LP rule', () => {
    const pendle = (tokens: string[] | null, symbol = 'SUSDE') =>
      pool({ project: 'pendle', symbol, poolMeta: 'PT-sUSDe-25SEP2025', underlyingTokens: tokens });

    test('passes when underlyingTokens contain an approved token, even alongside unapproved wrappers', () => {
      const d = evaluatePool(pendle([PT_TOKEN, SUSDE]), DATE, DEFAULT_PARAMS, caps);
      expect(d.passed).toBe(true);
      expect(d.approvedSymbols).toEqual(['sUSDe']);
    });

    test('fires when no approved token is present', () => {
      expect(codes(pendle([PT_TOKEN, UNKNOWN]))).toEqual(['pendle-no-approved-token']);
    });

    test('fires when a blacklisted token is present next to an approved one', () => {
      expect(codes(pendle([SUSDE, FRAX]))).toEqual(['token-blacklisted']);
    });

    test('the same token list fails the strict rule for a non-Pendle pool', () => {
      expect(codes(pool({ project: 'morpho-v1', symbol: 'SUSDE', underlyingTokens: [PT_TOKEN, SUSDE] }))).toEqual(['token-not-approved']);
    });

    test('still needs addresses and a known market cap', () => {
      expect(codes(pendle(null))).toEqual(['underlying-tokens-unknown']);
      expect(codes(pendle([PT_TOKEN, SUSDE]), {})).toEqual(['market-cap-unknown']);
    });
  });

  test('filterPoolsPre counts pools per rule and lists survivors', () => {
    const res = filterPoolsPre(
      [pool({ pool: 'a' }), pool({ pool: 'b', chain: 'Base' }), pool({ pool: 'c', chain: 'Base', project: 'x' }), pool({ pool: 'd', symbol: 'MIM-USDC' })],
      DATE,
      DEFAULT_PARAMS,
      caps,
    );
    expect(res.passed).toEqual(['a']);
    expect(res.removedBy['chain-not-allowed']).toBe(2);
    expect(res.removedBy['protocol-not-approved']).toBe(1);
    expect(res.removedBy['token-blacklisted']).toBe(1);
    expect(res.removedBy['market-cap-unknown']).toBe(0);
    expect(res.decisions).toHaveLength(4);
  });
});
