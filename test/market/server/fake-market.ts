/**
 * A tiny deterministic stand-in for the simulated market (same interface), so the HTTP layer is
 * tested on known numbers, independent of the simulator's statistics.
 */
import type { MarketSource } from '../../../emulator/market/server';

export const TREASURY = '0x1111111111111111111111111111111111111111';
export const USDC = '0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48';
export const POOL_A = '11111111-2222-4333-8444-555555555555';
export const END = '2025-10-06';

const day = (d: string, n: number) => new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const unix = (d: string, h = 12) => String(Date.parse(`${d}T${String(h).padStart(2, '0')}:00:00Z`) / 1000);

function pool(id: string, date: string, i: number) {
  return {
    chain: 'Ethereum', project: 'aave-v3', symbol: i ? 'USDT' : 'USDC', tvlUsd: 1_000_000 * (3 - i), apyBase: 4 + i, apyReward: null, apy: 4 + i,
    rewardTokens: null, pool: id, apyPct1D: 0, apyPct7D: 0, apyPct30D: 0, stablecoin: true, ilRisk: 'no', exposure: 'single',
    predictions: { predictedClass: null, predictedProbability: null, binnedConfidence: null }, poolMeta: date, mu: 4, sigma: 0.1, count: 100,
    outlier: false, underlyingTokens: [USDC], il7d: null, apyBase7d: null, apyMean30d: 4, volumeUsd1d: null, volumeUsd7d: null, apyBaseInception: null,
  };
}

export function fakeMarket(): MarketSource {
  const tokens = [
    { symbol: 'USDC', name: 'USD Coin', address: USDC, cmcId: 3408, decimals: 6, kind: 'usd-stable' as const, blacklisted: false },
    { symbol: 'USDT', name: 'Tether USDt', address: '0xdac17f958d2ee523a2206206994597c13d831ec7', cmcId: 825, decimals: 6, kind: 'usd-stable' as const, blacklisted: false },
    { symbol: 'ETH', name: 'Ethereum', address: null, cmcId: 1027, decimals: 18, kind: 'eth' as const, blacklisted: false },
  ];
  const transfers = (upTo: string) =>
    [0, 1, 2, 3, 4].map((i) => {
      const d = day('2025-10-01', i);
      return {
        blockNumber: String(23_000_000 + i * 7200), timeStamp: unix(d), hash: `0x${String(i).repeat(64)}`, nonce: String(i), blockHash: `0x${'b'.repeat(64)}`,
        from: '0x2222222222222222222222222222222222222222', contractAddress: USDC, to: TREASURY, value: String((i + 1) * 1_000_000_000),
        tokenName: 'USD Coin', tokenSymbol: 'USDC', tokenDecimal: '6', transactionIndex: '1', gas: '60000', gasPrice: '1000000000', gasUsed: '50000',
        cumulativeGasUsed: '100000', input: 'deprecated', confirmations: '1', _date: d,
      };
    })
      .filter((t) => t._date <= upTo)
      .map(({ _date, ...t }) => t);
  return {
    endDate: END,
    poolsSnapshot: (date) => [pool(POOL_A, date, 0), pool('99999999-2222-4333-8444-555555555555', date, 1)],
    poolChart: (id, upTo) =>
      id === POOL_A ? [0, 1, 2].map((i) => ({ timestamp: `${day(upTo, i - 2)}T23:01:00.000Z`, tvlUsd: 1000 + i, apy: 4 + i / 10, apyBase: 4 + i / 10, apyReward: null, il7d: null, apyBase7d: null })) : undefined,
    tokens: () => tokens,
    ohlcvDaily: (cmcId, from, to) => {
      const out = [];
      for (let d = from; d <= to && d <= END; d = day(d, 1)) {
        const base = cmcId === 1027 ? 4000 : 1;
        const k = Number(d.slice(8, 10)) / 10000;
        out.push({ date: d, open: base * (1 + k), high: base * (1 + 2 * k), low: base * (1 - k), close: base * (1 + k / 2), volume: 1e9, marketCap: base * 7e10 });
      }
      return out;
    },
    gasHourly: (fromIso, toIso) => {
      const out = [];
      const start = Math.ceil(Date.parse(fromIso) / 3_600_000) * 3_600_000;
      for (let t = start; t <= Date.parse(toIso); t += 3_600_000) {
        const h = new Date(t).getUTCHours();
        out.push({ period: new Date(t).toISOString(), baseFee: 0.5 + h / 100, min: 0.5, max: 3, median: 0.8 + h / 100, gasLimit: 45_000_000, gasUsed: 22_000_000, txCount: 180, ethPrice: 4000 });
      }
      return out;
    },
    treasury: () => ({
      address: TREASURY,
      ethBalanceWei: (d) => (d >= '2025-10-03' ? '2000000000000000000' : '1000000000000000000'),
      tokenBalanceRaw: (c, d) => (c.toLowerCase() === USDC ? String(Number(d.slice(8, 10)) * 1_000_000) : '0'),
      transfers,
      normalTxs: (upTo) => transfers(upTo).map((t) => ({ blockNumber: t.blockNumber, timeStamp: t.timeStamp, hash: t.hash, from: TREASURY, to: USDC, value: '0', isError: '0', confirmations: '1', transactionIndex: '0' })),
    }),
  };
}
