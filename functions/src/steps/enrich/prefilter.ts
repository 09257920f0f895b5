/**
 * filterPoolsPre, pure core (DOMAIN.md step 2): decides per pool and day whether a pool may enter the
 * pipeline, recording EVERY rule that fires (not just the first), so the report can say how many
 * pools each rule removed and why.
 *
 * Rules, in the order their reasons are listed:
 *  1. protocol-not-approved — `project` is not an approved DefiLlama slug (exact, case-insensitive).
 *  2. chain-not-allowed — the normalised chain differs from `params.chain` (DefiLlama chain names are
 *     display names, so "Ethereum", "ethereum", " ETHEREUM " and the aliases "eth"/"mainnet" all match).
 *  3. token rule, by ADDRESS (lower-cased, so checksum-agnostic):
 *     - non-Pendle pools: every underlying token must be approved (one reason per unapproved address);
 *     - Pendle pools (project "pendle"): the list must contain at least one approved token (its other
 *       entries are PT/SY/YT wrappers that can never be on the list); otherwise pendle-no-approved-token;
 *     - a pool with no underlying addresses at all cannot be verified: underlying-tokens-unknown.
 *  4. token-blacklisted — an underlying address is blacklisted, or a token of the pool symbol is: the
 *     symbol is split on '-' and each part compared EXACTLY (case-insensitive) with the blacklist, so
 *     "SUSD" does not match "SUSDE" and "USD0" does not match "USD0++" (the old system's substring bug).
 *  5. market cap — every APPROVED underlying token (the only tokens we fetch prices for) must have a
 *     known market cap ≥ tokenMarketCapFloor: market-cap-below-floor, or market-cap-unknown when the
 *     prices give none (a token we cannot size is not trusted). Exactly at the floor passes.
 */
import type { ApprovedToken, BlacklistedToken, Params } from '../../lib/params';

/** The pool registry record (DefiLlama /pools fields the registry keeps). */
export interface PoolRecord {
  pool: string;
  project: string;
  chain: string;
  symbol: string;
  underlyingTokens: string[] | null;
  poolMeta: string | null;
  tvlUsd: number | null;
  apy: number | null;
  apyBase: number | null;
  apyReward: number | null;
}

export type FilterReasonCode =
  | 'protocol-not-approved'
  | 'chain-not-allowed'
  | 'underlying-tokens-unknown'
  | 'token-not-approved'
  | 'pendle-no-approved-token'
  | 'token-blacklisted'
  | 'market-cap-below-floor'
  | 'market-cap-unknown';

export interface FilterReason {
  code: FilterReasonCode;
  /** Human-readable detail naming the offending value. */
  detail: string;
  /** The token (address or symbol) the reason is about, when it is about one. */
  token?: string;
}

export interface PreFilterDecision {
  pool: string;
  date: string;
  passed: boolean;
  reasons: FilterReason[];
  /** Symbols of the approved tokens found among the pool's underlying addresses (for display / icebox). */
  approvedSymbols: string[];
}

/**
 * Market caps in USD per token, keyed by lower-case address or by the approved token's symbol
 * (address wins). `null`/missing/non-finite means unknown.
 */
export type MarketCaps = Readonly<Record<string, number | null | undefined>>;

export type PreFilterParams = Pick<
  Params,
  'approvedProtocols' | 'approvedTokens' | 'blacklistedTokens' | 'chain' | 'tokenMarketCapFloor'
>;

export interface PreFilterResult {
  decisions: PreFilterDecision[];
  /** Pools that passed. */
  passed: string[];
  /** Pools removed by each rule (a pool removed by two rules counts under both). */
  removedBy: Record<FilterReasonCode, number>;
}

const CHAIN_ALIASES: Record<string, string> = { eth: 'ethereum', mainnet: 'ethereum', 'ethereum mainnet': 'ethereum' };

/** Canonical chain key: trimmed, lower-case, whitespace collapsed, known aliases folded. */
export function normalizeChain(chain: string): string {
  const key = chain.trim().toLowerCase().replace(/\s+/g, ' ');
  return CHAIN_ALIASES[key] ?? key;
}

/** Canonical address key; checksum casing is irrelevant to identity. */
export function normalizeAddress(address: string): string {
  return address.trim().toLowerCase();
}

/**
 * The token symbols of a pool symbol: split on '-', trimmed, a trailing "(...)" annotation dropped
 * (DefiLlama sometimes appends one), upper-cased. Exact tokens, never substrings.
 */
export function symbolTokens(poolSymbol: string): string[] {
  return poolSymbol
    .split('-')
    .map((s) => s.replace(/\(.*\)\s*$/, '').trim().toUpperCase())
    .filter((s) => s.length > 0);
}

interface Lookups {
  protocols: Set<string>;
  chain: string;
  approvedByAddress: Map<string, ApprovedToken>;
  blacklistByAddress: Map<string, BlacklistedToken>;
  blacklistBySymbol: Map<string, BlacklistedToken>;
  floor: number;
}

function buildLookups(params: PreFilterParams): Lookups {
  return {
    protocols: new Set(params.approvedProtocols.map((p) => p.trim().toLowerCase())),
    chain: normalizeChain(params.chain),
    approvedByAddress: new Map(params.approvedTokens.map((t) => [normalizeAddress(t.address), t])),
    blacklistByAddress: new Map(
      params.blacklistedTokens.filter((b) => b.address !== null).map((b) => [normalizeAddress(b.address as string), b]),
    ),
    blacklistBySymbol: new Map(params.blacklistedTokens.map((b) => [b.symbol.trim().toUpperCase(), b])),
    floor: params.tokenMarketCapFloor,
  };
}

function marketCapOf(caps: MarketCaps, token: ApprovedToken): number | undefined {
  const byAddress = caps[normalizeAddress(token.address)];
  const value = byAddress ?? caps[token.symbol];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export const PENDLE_PROJECT = 'pendle';

/** Applies every rule to one pool; never stops at the first reason. */
export function evaluatePool(pool: PoolRecord, date: string, params: PreFilterParams, caps: MarketCaps, lookups = buildLookups(params)): PreFilterDecision {
  const reasons: FilterReason[] = [];
  const project = pool.project.trim().toLowerCase();

  if (!lookups.protocols.has(project)) {
    reasons.push({ code: 'protocol-not-approved', detail: `protocol "${pool.project}" is not approved` });
  }
  if (normalizeChain(pool.chain) !== lookups.chain) {
    reasons.push({ code: 'chain-not-allowed', detail: `chain "${pool.chain}" is not ${params.chain}` });
  }

  const addresses = [...new Set((pool.underlyingTokens ?? []).filter((a) => typeof a === 'string' && a.trim() !== '').map(normalizeAddress))];
  const approved: ApprovedToken[] = [];
  const unapproved: string[] = [];
  for (const a of addresses) {
    const t = lookups.approvedByAddress.get(a);
    if (t) approved.push(t);
    else unapproved.push(a);
  }

  if (addresses.length === 0) {
    reasons.push({ code: 'underlying-tokens-unknown', detail: 'no underlying token addresses to verify' });
  } else if (project === PENDLE_PROJECT) {
    // Pendle PT/LP: underlyingTokens mixes the market's wrappers with the asset; one approved asset suffices.
    if (approved.length === 0) {
      reasons.push({ code: 'pendle-no-approved-token', detail: `none of ${addresses.join(', ')} is an approved token` });
    }
  } else {
    for (const a of unapproved) reasons.push({ code: 'token-not-approved', detail: `underlying token ${a} is not approved`, token: a });
  }

  const blacklisted = new Set<string>();
  for (const a of addresses) {
    const b = lookups.blacklistByAddress.get(a);
    if (b && !blacklisted.has(b.symbol)) {
      blacklisted.add(b.symbol);
      reasons.push({ code: 'token-blacklisted', detail: `underlying token ${a} is blacklisted (${b.symbol})`, token: a });
    }
  }
  for (const s of symbolTokens(pool.symbol)) {
    const b = lookups.blacklistBySymbol.get(s);
    if (b && !blacklisted.has(b.symbol)) {
      blacklisted.add(b.symbol);
      reasons.push({ code: 'token-blacklisted', detail: `symbol token ${s} is blacklisted`, token: b.symbol });
    }
  }

  for (const t of approved) {
    const cap = marketCapOf(caps, t);
    if (cap === undefined) {
      reasons.push({ code: 'market-cap-unknown', detail: `no market cap for ${t.symbol}`, token: t.symbol });
    } else if (cap < lookups.floor) {
      reasons.push({ code: 'market-cap-below-floor', detail: `${t.symbol} market cap ${cap} < floor ${lookups.floor}`, token: t.symbol });
    }
  }

  return { pool: pool.pool, date, passed: reasons.length === 0, reasons, approvedSymbols: approved.map((t) => t.symbol) };
}

const ALL_CODES: FilterReasonCode[] = [
  'protocol-not-approved',
  'chain-not-allowed',
  'underlying-tokens-unknown',
  'token-not-approved',
  'pendle-no-approved-token',
  'token-blacklisted',
  'market-cap-below-floor',
  'market-cap-unknown',
];

/** The pre-filter over the whole registry for one day. */
export function filterPoolsPre(pools: readonly PoolRecord[], date: string, params: PreFilterParams, caps: MarketCaps): PreFilterResult {
  const lookups = buildLookups(params);
  const removedBy = Object.fromEntries(ALL_CODES.map((c) => [c, 0])) as Record<FilterReasonCode, number>;
  const decisions: PreFilterDecision[] = [];
  const passed: string[] = [];
  for (const pool of pools) {
    const d = evaluatePool(pool, date, params, caps, lookups);
    decisions.push(d);
    if (d.passed) passed.push(pool.pool);
    for (const code of new Set(d.reasons.map((r) => r.code))) removedBy[code] += 1;
  }
  return { decisions, passed, removedBy };
}
