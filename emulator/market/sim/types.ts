/** Public shapes of the simulated market (the HTTP stand-ins serialise these in each API's envelope). */

export interface SimMarketOptions {
  /** PRNG seed; default 42. */
  seed?: number;
  /** Universe size: ≈ the number of pools `GET /pools` lists on any day (±10 %). Default 19,000. */
  pools?: number;
  /** History length in days ending at endDate (charts, prices, gas start at startDate). Default 1095. */
  days?: number;
  /** Last simulated UTC day, YYYY-MM-DD. Default: today (UTC). */
  endDate?: string;
}

/** One element of DefiLlama `GET /pools` `data[]`: the 28 fields in API order. */
export interface LlamaPool {
  chain: string;
  project: string;
  symbol: string;
  tvlUsd: number;
  apyBase: number | null;
  apyReward: number | null;
  apy: number | null;
  rewardTokens: string[] | null;
  pool: string;
  apyPct1D: number | null;
  apyPct7D: number | null;
  apyPct30D: number | null;
  stablecoin: boolean;
  ilRisk: string;
  exposure: string;
  predictions: { predictedClass: string | null; predictedProbability: number | null; binnedConfidence: number | null };
  poolMeta: string | null;
  mu: number;
  sigma: number;
  count: number;
  outlier: boolean;
  underlyingTokens: string[] | null;
  il7d: number | null;
  apyBase7d: number | null;
  apyMean30d: number | null;
  volumeUsd1d: number | null;
  volumeUsd7d: number | null;
  apyBaseInception: number | null;
}

/** One row of DefiLlama `GET /chart/{pool}`. */
export interface ChartRow {
  timestamp: string;
  tvlUsd: number;
  apy: number | null;
  apyBase: number | null;
  apyReward: number | null;
  il7d: null;
  apyBase7d: null;
}

export type TokenKind = 'usd-stable' | 'yield-stable' | 'eth' | 'btc' | 'other';

export interface TokenInfo {
  symbol: string;
  name: string;
  /** Ethereum mainnet contract (null for native ETH/BTC and tokens without one canonical contract). */
  address: string | null;
  cmcId: number;
  decimals: number;
  kind: TokenKind;
  blacklisted: boolean;
}

export interface OhlcvBar {
  date: string;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  marketCap: number;
}

/** ethgastracker `/average` hourly element (gwei floats). */
export interface GasHour {
  period: string;
  baseFee: number;
  min: number;
  max: number;
  median: number;
  gasLimit: number;
  gasUsed: number;
  txCount: number;
  ethPrice: number;
}

/** Etherscan `tokentx` result element, all strings, in Etherscan's field order. */
export interface TokenTransfer {
  blockNumber: string;
  timeStamp: string;
  hash: string;
  nonce: string;
  blockHash: string;
  from: string;
  contractAddress: string;
  to: string;
  value: string;
  tokenName: string;
  tokenSymbol: string;
  tokenDecimal: string;
  transactionIndex: string;
  gas: string;
  gasPrice: string;
  gasUsed: string;
  cumulativeGasUsed: string;
  input: string;
  confirmations: string;
}

export interface Treasury {
  address: string;
  ethBalanceWei(date: string): string;
  tokenBalanceRaw(contract: string, date: string): string;
  transfers(upTo: string): TokenTransfer[];
  normalTxs(upTo: string): Record<string, string>[];
  /**
   * Pool uuid → contracts of every pool the wallet has deposited into up to `upTo`: the mapping an
   * operator keeps in params.poolContracts (DefiLlama has no addresses). Optional: fakes may omit it.
   */
  poolContracts?(upTo: string): Record<string, { address: string; receiptToken: string }>;
}

export interface SimulatedMarket {
  readonly options: Required<SimMarketOptions>;
  readonly startDate: string;
  readonly endDate: string;
  poolsSnapshot(date: string): LlamaPool[];
  poolChart(poolId: string, upTo: string): ChartRow[] | undefined;
  tokens(): TokenInfo[];
  ohlcvDaily(cmcId: number, from: string, to: string): OhlcvBar[];
  gasHourly(from: string, to: string): GasHour[];
  treasury(): Treasury;
}
