/**
 * Shared types of the market stand-ins. `MarketSource` is the slice of the simulated market
 * (emulator/market/sim) the HTTP handlers read; it is declared here structurally so handlers and
 * tests can be fed any object of that shape (the simulator, or a small fake in a unit test).
 */

export type ServiceName = 'defillama' | 'cmc' | 'gas' | 'etherscan' | 'slack';
export const SERVICES: readonly ServiceName[] = ['defillama', 'cmc', 'gas', 'etherscan', 'slack'];

export interface TokenInfoLike {
  symbol: string;
  name: string;
  address: string;
  cmcId: number;
  decimals: number;
  kind: string;
  blacklisted?: boolean;
}

export interface OhlcvBarLike {
  /** YYYY-MM-DD (UTC day of the bar). */
  date: string;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  marketCap: number;
}

export interface GasHourLike {
  /** Start of the hour (any ISO form; re-rendered as ethgastracker's `+00:00`). */
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

/** One Etherscan account row (tokentx or txlist): every value is a string, as Etherscan sends it. */
export type EtherscanRow = Record<string, string>;

export interface TreasuryLike {
  address: string;
  ethBalanceWei(date: string): string | bigint | number;
  tokenBalanceRaw(contract: string, date: string): string | bigint | number;
  transfers(upTo: string): EtherscanRow[];
  normalTxs(upTo: string): EtherscanRow[];
}

export interface MarketSource {
  poolsSnapshot(date: string): unknown[];
  poolChart(poolId: string, upTo: string): unknown[] | undefined;
  tokens(): TokenInfoLike[];
  ohlcvDaily(cmcId: number, from: string, to: string): OhlcvBarLike[];
  gasHourly(fromIso: string, toIso: string): GasHourLike[];
  treasury(): TreasuryLike;
  /** Last simulated day; the clock starts there. */
  endDate?: string;
}

/** The simulated "now". `today` is a YYYY-MM-DD; `now` defaults to the last millisecond of it. */
export interface Clock {
  today(): string;
  now?(): string;
}

export type FaultKind = '429' | '5xx' | 'timeout' | 'truncated' | 'malformed' | 'wrong-shape' | 'empty' | 'duplicate-rows';
export const FAULT_KINDS: readonly FaultKind[] = ['429', '5xx', 'timeout', 'truncated', 'malformed', 'wrong-shape', 'empty', 'duplicate-rows'];

export interface FaultRule {
  match: { service?: ServiceName; path?: string /* regex on the path under the service prefix, query included */ };
  kind: FaultKind;
  /** 0..1: share of matching requests hit, deterministic by seed + the rule's request counter. */
  rate?: number;
  /** Only the first N matching requests. */
  times?: number;
  retryAfterSeconds?: number;
  /** 5xx: the status (default 503). 429 with status 200 on etherscan: Etherscan's own HTTP-200 rate-limit body. */
  status?: number;
}

export interface FaultConfig {
  rules: FaultRule[];
  seed?: number;
}

/** What a handler produces before faults are applied and it is written to the socket. */
export interface ServiceResponse {
  status: number;
  headers?: Record<string, string>;
  /** JSON value to serialize; or `text` when the body is already serialized / not JSON. */
  body?: unknown;
  text?: string;
  /** Path (keys) to the main collection in `body`, for the empty / duplicate-rows / wrong-shape faults. */
  rowsPath?: Array<string | number>;
}

export interface ServiceRequest {
  method: string;
  /** Path under the service prefix, e.g. "/pools" or "/v2/cryptocurrency/ohlcv/historical". */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface PostedMessage {
  channel: string;
  ts: string;
  text?: string;
  blocks?: unknown[];
  threadTs?: string;
  /** Every field the client sent except the token. */
  args: Record<string, unknown>;
  /** Simulated date the message was posted on. */
  date: string;
}
