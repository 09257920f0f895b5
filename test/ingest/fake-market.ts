/**
 * A tiny deterministic market for the ingestion tests, served through the real stand-ins
 * (startMarketStandIns({source})): 30 pools (pool 7 disappears from 2025-03-02 on), OHLCV for ETH,
 * BTC and every default approved token, hourly gas, and a treasury with a few transfers a day.
 */
import { DEFAULT_APPROVED_TOKENS } from '../../functions/src/lib/params';
import type { MarketSource } from '../../emulator/market/server/types';

export const TREASURY = '0x1111111111111111111111111111111111111111';
const START = '2024-01-01';
const DAY_MS = 86_400_000;
const dayIndex = (d: string) => Math.round((Date.parse(`${d}T00:00:00Z`) - Date.parse(`${START}T00:00:00Z`)) / DAY_MS);
const dayOf = (i: number) => new Date(Date.parse(`${START}T00:00:00Z`) + i * DAY_MS).toISOString().slice(0, 10);
const poolId = (i: number) => `${String(i).padStart(8, '0')}-aaaa-4bbb-8ccc-${String(i).padStart(12, '0')}`;
export const VANISHING_POOL = poolId(7);
export const VANISH_DATE = '2025-03-02';

const tokens = [
  { symbol: 'ETH', name: 'Ethereum', address: null, cmcId: 1027, decimals: 18, kind: 'native', blacklisted: false },
  { symbol: 'BTC', name: 'Bitcoin', address: null, cmcId: 1, decimals: 8, kind: 'native', blacklisted: false },
  ...DEFAULT_APPROVED_TOKENS.map((t, i) => ({ symbol: t.symbol, name: `${t.symbol} coin`, address: t.address, cmcId: 5000 + i, decimals: t.symbol === 'USDC' || t.symbol === 'USDT' ? 6 : 18, kind: 'usd-stable', blacklisted: false })),
];
const USDC = DEFAULT_APPROVED_TOKENS.find((t) => t.symbol === 'USDC')!.address;
const DAI = DEFAULT_APPROVED_TOKENS.find((t) => t.symbol === 'DAI')!.address;

function transfersUpTo(upTo: string) {
  const out: Array<Record<string, string>> = [];
  for (let i = dayIndex('2025-02-20'); i <= dayIndex(upTo); i++) {
    for (let k = 0; k < 2; k++) {
      const usdc = k === 0;
      const ts = Math.floor(Date.parse(`${dayOf(i)}T00:00:00Z`) / 1000) + 3600 * (5 + k);
      out.push({
        blockNumber: String(20_000_000 + i * 7200 + k), timeStamp: String(ts), hash: `0x${(i * 10 + k).toString(16).padStart(64, '0')}`, nonce: '1', blockHash: `0x${'b'.repeat(64)}`,
        from: k === 0 ? '0x2222222222222222222222222222222222222222' : TREASURY, contractAddress: (usdc ? USDC : DAI).toLowerCase(),
        to: k === 0 ? TREASURY : '0x3333333333333333333333333333333333333333', value: usdc ? String(1000 * 10 ** 6) : String(10n ** 20n),
        tokenName: usdc ? 'USD Coin' : 'Dai', tokenSymbol: usdc ? 'USDC' : 'DAI', tokenDecimal: usdc ? '6' : '18', transactionIndex: String(k),
        gas: '60000', gasPrice: '1000000000', gasUsed: '50000', cumulativeGasUsed: '100000', input: 'deprecated', confirmations: '10',
      });
    }
  }
  return out;
}

export const fakeMarket: MarketSource = {
  endDate: '2025-03-02',
  poolsSnapshot(date: string) {
    const d = dayIndex(date);
    const rows = [];
    for (let i = 0; i < 30; i++) {
      if (i === 7 && date >= VANISH_DATE) continue;
      const apyBase = Math.round((3 + (i % 5) + ((d * 7 + i) % 10) / 10) * 1e5) / 1e5;
      rows.push({
        chain: i % 4 === 0 ? 'Arbitrum' : 'Ethereum', project: ['aave-v3', 'compound-v3', 'curve-dex'][i % 3], symbol: i % 2 ? 'USDC' : 'DAI-USDC',
        tvlUsd: 1_000_000 * (30 - i) + d, apyBase, apyReward: i % 3 === 0 ? 1.5 : null, apy: i % 3 === 0 ? apyBase + 1.5 : apyBase,
        rewardTokens: null, pool: poolId(i), apyPct1D: 0.1, apyPct7D: null, apyPct30D: null, stablecoin: true, ilRisk: 'no', exposure: i % 2 ? 'single' : 'multi',
        predictions: { predictedClass: null, predictedProbability: null, binnedConfidence: null }, poolMeta: i === 3 ? 'Syrup USDC' : null,
        mu: 4, sigma: 0.1, count: 100, outlier: false, underlyingTokens: [USDC], il7d: null, apyBase7d: null, apyMean30d: 4, volumeUsd1d: null, volumeUsd7d: null, apyBaseInception: null,
      });
    }
    return rows as never;
  },
  poolChart: () => undefined,
  tokens: () => tokens as never,
  ohlcvDaily(cmcId: number, from: string, to: string) {
    const out = [];
    for (let i = Math.max(0, dayIndex(from)); i <= dayIndex(to); i++) {
      const base = cmcId === 1027 ? 3000 : cmcId === 1 ? 90000 : 1;
      const w = ((i * 13 + cmcId) % 7) / 1000;
      out.push({ date: dayOf(i), open: base * (1 + w), high: base * (1 + w + 0.002), low: base * (1 + w - 0.002), close: base * (1 + w / 2), volume: 1e6 + i, marketCap: 1e9 + i * 10 });
    }
    return out;
  },
  gasHourly(from: string, to: string) {
    const out = [];
    const start = Math.ceil(Date.parse(from) / 3_600_000);
    for (let h = start; h * 3_600_000 <= Date.parse(to); h++) {
      const base = 5 + (h % 24) / 10 + (h % 168) / 100;
      out.push({ period: new Date(h * 3_600_000).toISOString(), baseFee: base, min: base, max: base * 2, median: base * 1.1, gasLimit: 30e6, gasUsed: 15e6, txCount: 150, ethPrice: 3000 });
    }
    return out;
  },
  treasury: () => ({
    address: TREASURY,
    ethBalanceWei: () => '5000000000000000000',
    tokenBalanceRaw: (contract: string) => (contract.toLowerCase() === USDC.toLowerCase() ? '250000000000' : '1000000000000000000000'),
    transfers: (upTo: string) => transfersUpTo(upTo) as never,
    normalTxs: (upTo: string) => transfersUpTo(upTo).filter((t) => t.from === TREASURY).map((t) => ({ ...t, value: '0', isError: '0', txreceipt_status: '1', methodId: '0xa9059cbb', functionName: 'transfer(address,uint256)', contractAddress: '' })),
  }),
};
