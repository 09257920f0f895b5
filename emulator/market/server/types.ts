/** Shared types of the market stand-ins. */
import type { GasHour, OhlcvBar, SimMarketOptions, SimulatedMarket, TokenInfo } from '../sim/types';

export type ServiceName = 'defillama' | 'cmc' | 'gas' | 'etherscan' | 'slack';
export const SERVICES: readonly ServiceName[] = ['defillama', 'cmc', 'gas', 'etherscan', 'slack'];

/**
 * The slice of the simulated market the handlers read (emulator/market/sim's SimulatedMarket minus
 * its metadata), so a test can hand in a small fake.
 */
export type MarketSource = Pick<SimulatedMarket, 'poolsSnapshot' | 'poolChart' | 'tokens' | 'ohlcvDaily' | 'gasHourly' | 'treasury'> & { readonly startDate?: string; readonly endDate?: string };
export type TokenInfoLike = TokenInfo;
export type OhlcvBarLike = OhlcvBar;
export type GasHourLike = GasHour;
/** An Etherscan account row (tokentx or txlist): string fields, as Etherscan sends them. */
export type EtherscanRow = Record<string, string>;
export type { SimMarketOptions };

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
