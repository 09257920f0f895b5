/**
 * The ledger's pure core against a hand-computed story (every figure below is worked out by hand in
 * the comments): external deposits and withdrawals, a pool position held as a receipt token, one
 * held as deposits − withdrawals, realized pool yield, and a USDT depeg day.
 */
import { computeLedger, type LedgerInput } from '../../functions/src/steps/report/ledger';
import { buildWalletModel, withOperatorContracts, ZERO_ADDRESS, type LedgerTransfer } from '../../functions/src/steps/report/wallet-model';
import { DEFAULT_APPROVED_TOKENS } from '../../functions/src/lib/params';

const W = '0x' + 'aa'.repeat(20);
const FUNDER = '0x' + 'f0'.repeat(20);
const POOL_P = '0x' + 'b1'.repeat(20); // mints receipt R
const RECEIPT_R = '0x' + 'c1'.repeat(20);
const POOL_Q = '0x' + 'b2'.repeat(20); // registry pool without a receipt token
const ROUTER = '0x' + 'd1'.repeat(20);
const SPAM = '0x' + 'e1'.repeat(20);
const addr = (s: string) => DEFAULT_APPROVED_TOKENS.find((t) => t.symbol === s)!.address!.toLowerCase();
const USDC = addr('USDC');
const USDT = addr('USDT');

let n = 0;
const tr = (time: string, hash: string, from: string, to: string, contract: string, symbol: string, amount: number): LedgerTransfer => ({ id: `${hash}:${n++}`, hash, time, from, to, contract, symbol, amount });

const transfers: LedgerTransfer[] = [
  // 03-01: 1,000,000 USDC arrive from outside: a flow, not yield.
  tr('2025-03-01T10:00:00.000Z', '0x01', FUNDER, W, USDC, 'USDC', 1_000_000),
  // 03-02: 600,000 USDC into pool P, receipt R minted 1:1; 100,000 USDT arrive from outside.
  tr('2025-03-02T09:00:00.000Z', '0x02', W, POOL_P, USDC, 'USDC', 600_000),
  tr('2025-03-02T09:00:00.000Z', '0x02', ZERO_ADDRESS, W, RECEIPT_R, 'aEthUSDC', 600_000),
  tr('2025-03-02T15:00:00.000Z', '0x03', FUNDER, W, USDT, 'USDT', 100_000),
  // 03-03 (USDT closes at 0.97): 400,000 R burnt for 400,200 USDC (200 of pool yield realized),
  // 50,000 USDC leave to the funder, 50,000 USDT deposited into pool Q (no receipt token).
  tr('2025-03-03T11:00:00.000Z', '0x04', W, ZERO_ADDRESS, RECEIPT_R, 'aEthUSDC', 400_000),
  tr('2025-03-03T11:00:00.000Z', '0x04', POOL_P, W, USDC, 'USDC', 400_200),
  tr('2025-03-03T16:00:00.000Z', '0x05', W, FUNDER, USDC, 'USDC', 50_000),
  tr('2025-03-03T18:00:00.000Z', '0x06', W, POOL_Q, USDT, 'USDT', 50_000),
  // An airdropped token: not approved, not a receipt → kept out of NAV.
  tr('2025-03-03T19:00:00.000Z', '0x07', SPAM, W, SPAM, 'SPAM', 1_000_000),
  // Runs on the day itself: after the start of runDate, not in the ledger.
  tr('2025-03-04T01:00:00.000Z', '0x08', FUNDER, W, USDC, 'USDC', 5_000_000),
];

const flat = (days: string[], v: number) => Object.fromEntries(days.map((d) => [d, v]));
const input: LedgerInput = {
  runDate: '2025-03-04',
  wallet: W,
  transfers: transfers.filter((t) => t.time < '2025-03-04'),
  approvedTokens: DEFAULT_APPROVED_TOKENS,
  pools: [
    { poolId: 'uuid-p', address: POOL_P },
    { poolId: 'uuid-q', address: POOL_Q },
  ],
  closes: {
    USDC: flat(['2025-02-28', '2025-03-01', '2025-03-02', '2025-03-03'], 1.0),
    USDT: { '2025-03-01': 1.0, '2025-03-02': 1.0, '2025-03-03': 0.97 },
    ETH: { '2025-03-03': 2000 },
  },
  gas: [{ date: '2025-03-03', feeEth: 0.004 }, { date: '2025-03-03', feeEth: 0.006 }],
  ethBalance: 1.5,
};

describe('computeLedger (hand-computed)', () => {
  const l = computeLedger(input);

  it('start-of-day balances per token and pool, NAV at the last close (USDT at its 0.97 depeg close)', () => {
    // USDC wallet: 1,000,000 − 600,000 + 400,200 − 50,000 = 750,200; USDT wallet: 100,000 − 50,000.
    expect(l.tokens.USDC).toMatchObject({ contract: USDC, amount: 750_200, price: 1, usd: 750_200 });
    expect(l.tokens.USDT.amount).toBe(50_000);
    expect(l.tokens.USDT.usd).toBeCloseTo(48_500, 6);
    expect(l.tokens.SPAM).toBeUndefined();
    // R: 600,000 − 400,000 = 200,000 in uuid-p (USDC); Q: 50,000 USDT deposited, valued 48,500.
    expect(l.pools).toEqual([
      { poolId: 'uuid-p', token: 'USDC', amount: 200_000, price: 1, usd: 200_000, basis: 'receipt', receiptToken: RECEIPT_R, poolContract: POOL_P },
      { poolId: 'uuid-q', token: 'USDT', amount: 50_000, price: 0.97, usd: expect.closeTo(48_500, 6), basis: 'net-deposits' },
    ]);
    // NAV = 750,200 + 48,500 + 200,000 + 48,500 = 1,047,200.
    expect(l.navUsd).toBeCloseTo(1_047_200, 6);
    expect(l.walletUsd).toBeCloseTo(798_700, 6);
    expect(l.positionsUsd).toBeCloseTo(248_500, 6);
    expect(l).toMatchObject({ asOf: '2025-03-04T00:00:00.000Z', priceDate: '2025-03-03' });
  });

  it("yesterday's realized yield is ΔNAV net of external flows, split into income and the depeg's price effect", () => {
    // NAV start 03-03 = 1,000,000 USDC + 100,000 USDT at 03-02 closes (1.0) = 1,100,000.
    // NAV end = 950,200 USDC × 1.0 + 100,000 USDT × 0.97 = 1,047,200; net flows = −50,000.
    // yield = 1,047,200 − 1,100,000 + 50,000 = −2,800 = income 200 (pool P) + price effect −3,000 (USDT).
    const y = l.yesterday;
    expect(y.date).toBe('2025-03-03');
    expect(y.navStartUsd).toBeCloseTo(1_100_000, 6);
    expect(y.navEndUsd).toBeCloseTo(1_047_200, 6);
    expect(y).toMatchObject({ inflowsUsd: 0, outflowsUsd: 50_000, netFlowsUsd: -50_000 });
    expect(y.yieldUsd).toBeCloseTo(-2_800, 6);
    expect(y.incomeUsd).toBeCloseTo(200, 6);
    expect(y.priceEffectUsd).toBeCloseTo(-3_000, 6);
    // Modified Dietz: −2,800 / (1,100,000 − 50,000/2).
    const r = -2_800 / 1_075_000;
    expect(y.return).toBeCloseTo(r, 12);
    expect(y.apyPct).toBeCloseTo((Math.pow(1 + r, 365) - 1) * 100, 8);
    // Gas: 0.01 ETH × 2,000 = 20 USD.
    expect(y.gasUsd).toBeCloseTo(20, 9);
    expect(y.yieldNetOfGasUsd).toBeCloseTo(-2_820, 6);
    expect(l.flows).toEqual([
      { date: '2025-03-03', time: '2025-03-03T16:00:00.000Z', hash: '0x05', direction: 'out', symbol: 'USDC', amount: 50_000, price: 1, usd: 50_000, counterparty: FUNDER },
    ]);
  });

  it('a deposit into the treasury is not yield; YTD sums the days since Jan 1 and chains their returns', () => {
    // 03-01: NAV 0 → 1,000,000 with a 1,000,000 inflow: yield 0. 03-02: 1,000,000 → 1,100,000 with
    // a 100,000 inflow: yield 0. 03-03: −2,800. Days before 03-01 hold no capital (no return).
    expect(l.ytd).toMatchObject({ from: '2025-01-01', to: '2025-03-03', days: 3, netFlowsUsd: 1_050_000 });
    expect(l.ytd.yieldUsd).toBeCloseTo(-2_800, 6);
    expect(l.ytd.gasUsd).toBeCloseTo(20, 9);
    const growth = (1 + 0) * (1 + 0) * (1 - 2_800 / 1_075_000);
    expect(l.ytd.returnPct).toBeCloseTo((growth - 1) * 100, 10);
    expect(l.ytd.apyPct).toBeCloseTo((Math.pow(growth, 365 / 3) - 1) * 100, 8);
  });

  it('gas reserve valued at the ETH close; unvalued tokens named', () => {
    expect(l.gasReserve).toEqual({ eth: 1.5, usd: 3000 });
    expect(l.unvalued).toEqual([{ contract: SPAM, symbol: 'SPAM', amount: 1_000_000 }]);
    expect(l.warnings.join('\n')).toContain('not in NAV (neither approved nor a pool receipt): SPAM');
    expect(l.warnings.join('\n')).not.toContain('no close');
  });

  it('a depeg valued at 1.0 instead of its close would hide the loss (the close is used)', () => {
    const at1 = computeLedger({ ...input, closes: { ...input.closes, USDT: flat(['2025-03-01', '2025-03-02', '2025-03-03'], 1.0) } });
    expect(at1.yesterday.yieldUsd).toBeCloseTo(200, 6);
    expect(l.yesterday.yieldUsd).toBeCloseTo(-2_800, 6);
  });

  it('a missing close counts as 1.0 with a warning naming the token and the day', () => {
    const closes = { ...input.closes, USDT: { '2025-03-01': 1.0, '2025-03-02': 1.0 } }; // 03-03 missing
    const m = computeLedger({ ...input, closes });
    expect(m.tokens.USDT).toMatchObject({ price: 1, usd: 50_000 });
    expect(m.navUsd).toBeCloseTo(1_050_200, 6);
    expect(m.warnings).toContain('USDT: no close for 1 day(s) (2025-03-03); valued at 1.0');
  });

  it('on Jan 1 the YTD window is empty and yesterday is Dec 31', () => {
    const jan = computeLedger({ runDate: '2025-01-01', wallet: W, approvedTokens: DEFAULT_APPROVED_TOKENS, closes: { USDC: { '2024-12-30': 1, '2024-12-31': 1 } },
      transfers: [tr('2024-12-30T10:00:00.000Z', '0x10', FUNDER, W, USDC, 'USDC', 10_000), tr('2024-12-31T10:00:00.000Z', '0x11', POOL_Q, W, USDC, 'USDC', 5)],
      pools: [{ poolId: 'uuid-q', address: POOL_Q }] });
    expect(jan.yesterday.date).toBe('2024-12-31');
    // 5 USDC more than deposited came back from Q: yield (Q held nothing, so the withdrawal is all gain).
    expect(jan.yesterday.yieldUsd).toBeCloseTo(5, 9);
    expect(jan.ytd).toMatchObject({ from: null, days: 0, yieldUsd: 0, returnPct: null, apyPct: null });
  });
});

describe('wallet model', () => {
  it('swap legs (both directions in one tx) and known contracts are internal; unknown one-way counterparties are external', () => {
    const legs = buildWalletModel({
      wallet: W,
      approvedTokens: DEFAULT_APPROVED_TOKENS,
      knownContracts: ['0x' + '99'.repeat(20)],
      transfers: [
        tr('2025-03-01T10:00:00.000Z', '0x21', W, ROUTER, USDC, 'USDC', 1000),
        tr('2025-03-01T10:00:00.000Z', '0x21', ROUTER, W, USDT, 'USDT', 999.6),
        tr('2025-03-01T11:00:00.000Z', '0x22', '0x' + '99'.repeat(20), W, USDC, 'USDC', 3),
        tr('2025-03-01T12:00:00.000Z', '0x23', W, W, USDC, 'USDC', 3),
        tr('2025-03-01T13:00:00.000Z', '0x24', FUNDER, W, USDT, 'USDT', 7),
      ],
    }).legs;
    expect(legs.map((l) => [l.transfer.hash, l.kind, l.delta])).toEqual([
      ['0x21', 'wallet', -1000],
      ['0x21', 'wallet', 999.6],
      ['0x22', 'wallet', 3],
      ['0x24', 'external', 7],
    ]);
  });

  it('a receipt minted by a contract the registry does not know becomes a position named by the contract', () => {
    const m = buildWalletModel({ wallet: W, approvedTokens: DEFAULT_APPROVED_TOKENS, transfers: transfers.slice(0, 3) });
    expect(m.receipts.get(RECEIPT_R)).toEqual({ poolId: `contract:${POOL_P}`, poolContract: POOL_P, underlying: 'USDC' });
    const l = computeLedger({ ...input, pools: [] });
    expect(l.pools[0]).toMatchObject({ poolId: `contract:${POOL_P}`, amount: 200_000 });
    // Without the registry, Q is an unknown address: the 50,000 USDT sent there is an external outflow.
    expect(l.pools.map((p) => p.poolId)).toEqual([`contract:${POOL_P}`]);
    expect(l.warnings[0]).toBe(`1 position(s) in pool contracts the registry does not know (no pools/{uuid} with that address or receiptToken, no params.poolContracts entry), shown by address: ${POOL_P}`);
  });

  it("the operator's params.poolContracts names a pool the registry does not know, and wins over the registry", () => {
    // Registry knows nothing: the operator maps P's receipt token to its uuid (underlying from the registry entry).
    const mapped = withOperatorContracts([], { 'uuid-p': { receiptToken: RECEIPT_R.toUpperCase().replace('0X', '0x') } }, (id) => (id === 'uuid-p' ? 'USDC' : undefined));
    expect(mapped).toEqual([{ poolId: 'uuid-p', address: undefined, receiptToken: RECEIPT_R, underlying: 'USDC' }]);
    const l = computeLedger({ ...input, pools: [...mapped, { poolId: 'uuid-q', address: POOL_Q }] });
    expect(l.pools.map((p) => [p.poolId, p.amount])).toEqual([['uuid-p', 200_000], ['uuid-q', 50_000]]);
    expect(l.warnings.join('\n')).not.toContain('pool contracts the registry does not know');
    // Registry says P's contract is pool "uuid-old"; the operator says "uuid-p": the operator wins, and
    // a registry pool the operator does not mention stays.
    const both = withOperatorContracts([{ poolId: 'uuid-old', address: POOL_P }, { poolId: 'uuid-q', address: POOL_Q }], { 'uuid-p': { address: POOL_P } });
    expect(computeLedger({ ...input, pools: both }).pools.map((p) => p.poolId)).toEqual(['uuid-p', 'uuid-q']);
    // Entries without any contract are ignored.
    expect(withOperatorContracts([], { 'uuid-x': {} })).toEqual([]);
  });

  it('the registry can name a receipt token directly (with its underlying)', () => {
    const m = buildWalletModel({ wallet: W, approvedTokens: DEFAULT_APPROVED_TOKENS, transfers: [tr('2025-03-01T10:00:00.000Z', '0x31', POOL_P, W, RECEIPT_R, 'aEthUSDC', 5)], pools: [{ poolId: 'uuid-r', receiptToken: RECEIPT_R, underlying: 'USDC' }] });
    expect(m.legs[0]).toMatchObject({ kind: 'receipt', poolId: 'uuid-r', symbol: 'USDC' });
  });
});
