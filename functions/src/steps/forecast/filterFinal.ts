/**
 * filterPoolsFinal core (DOMAIN.md step 3). A pool is dropped when its forecast is missing, any of
 * its tokens is iceboxed (exact address or exact symbol, never substring), its forecast TVL is
 * below poolTvlFloor or its forecast APY (percent) is below poolApyFloor × 100. "Below" is strictly
 * less: a pool exactly at a floor is kept. A pool currently held is never dropped silently: it stays
 * in `kept` flagged `mustExit` with its reasons, so the optimizer can withdraw from it.
 * The forecast compared is the mean APY and the minimum TVL over days 1..horizonDays.
 */

export interface FinalFilterPool {
  poolId: string;
  /** DefiLlama pool symbol, e.g. "USDC-USDT" (split on - / space into token symbols). */
  symbol?: string;
  /** Underlying token addresses. */
  underlyingTokens?: readonly string[];
  /** Token symbols, when known separately from the pool symbol. */
  tokenSymbols?: readonly string[];
}

export interface FinalFilterForecast {
  /** APY forecasts in percent for days 1..H. */
  apy: readonly number[];
  /** TVL forecasts in USD for days 1..H. */
  tvl: readonly number[];
}

export interface IceboxEntry {
  symbol?: string | null;
  address?: string | null;
}

export interface FinalFilterParams {
  poolTvlFloor: number;
  /** Fraction: 0.01 = 1 %. */
  poolApyFloor: number;
  horizonDays: number;
}

export type FinalFilterReason =
  | { rule: 'missingForecast' }
  /** token: the iceboxed entry's symbol (its address when it has no symbol). */
  | { rule: 'iceboxedToken'; token: string }
  | { rule: 'tvlBelowFloor'; forecastTvl: number; floor: number }
  | { rule: 'apyBelowFloor'; forecastApy: number; floorPercent: number };

export interface FinalFilterDecision {
  poolId: string;
  /** Mean forecast APY (percent) over the horizon; null when missing. */
  forecastApy: number | null;
  /** Minimum forecast TVL over the horizon; null when missing. */
  forecastTvl: number | null;
  reasons: FinalFilterReason[];
  /** Held and failing at least one rule: visible to the optimizer, which must exit it. */
  mustExit: boolean;
}

export interface FinalFilterResult {
  kept: FinalFilterDecision[];
  dropped: FinalFilterDecision[];
  counts: { input: number; kept: number; dropped: number; mustExit: number; byRule: Record<FinalFilterReason['rule'], number> };
}

/** Token symbols of a pool: explicit ones, else the pool symbol split on its separators. */
export function poolTokenSymbols(pool: FinalFilterPool): string[] {
  if (pool.tokenSymbols && pool.tokenSymbols.length > 0) return [...pool.tokenSymbols];
  return (pool.symbol ?? '').split(/[-/\s]+/).filter((s) => s.length > 0);
}

function horizonValues(values: readonly number[], horizonDays: number): number[] | null {
  const h = Math.max(1, Math.min(horizonDays, values.length));
  const out = values.slice(0, h);
  return out.length > 0 && out.every((v) => typeof v === 'number' && Number.isFinite(v)) ? out : null;
}

export function filterPoolsFinal(
  pools: readonly FinalFilterPool[],
  forecasts: ReadonlyMap<string, FinalFilterForecast> | Record<string, FinalFilterForecast | undefined>,
  icebox: readonly IceboxEntry[],
  params: FinalFilterParams,
  heldPoolIds: ReadonlySet<string> = new Set(),
): FinalFilterResult {
  const get = (id: string): FinalFilterForecast | undefined =>
    forecasts instanceof Map ? forecasts.get(id) : (forecasts as Record<string, FinalFilterForecast | undefined>)[id];
  // Addresses compare case-insensitively (checksum casing is cosmetic); symbols compare as whole tokens,
  // case-insensitively, so USD0 never matches USD0++ and USDe never matches sUSDe.
  // One reason per iceboxed token even when both its address and its symbol match.
  const iceAddresses = new Map<string, string>();
  const iceSymbols = new Map<string, string>();
  for (const e of icebox) {
    const label = e.symbol || e.address || '';
    if (e.address) iceAddresses.set(e.address.toLowerCase(), label);
    if (e.symbol) iceSymbols.set(e.symbol.toUpperCase(), label);
  }
  const floorPercent = params.poolApyFloor * 100;
  const kept: FinalFilterDecision[] = [];
  const dropped: FinalFilterDecision[] = [];
  const byRule: FinalFilterResult['counts']['byRule'] = { missingForecast: 0, iceboxedToken: 0, tvlBelowFloor: 0, apyBelowFloor: 0 };
  let mustExit = 0;

  for (const pool of pools) {
    const reasons: FinalFilterReason[] = [];
    const f = get(pool.poolId);
    const apy = f ? horizonValues(f.apy, params.horizonDays) : null;
    const tvl = f ? horizonValues(f.tvl, params.horizonDays) : null;
    const forecastApy = apy ? apy.reduce((s, v) => s + v, 0) / apy.length : null;
    const forecastTvl = tvl ? Math.min(...tvl) : null;
    if (forecastApy === null || forecastTvl === null) reasons.push({ rule: 'missingForecast' });

    const hits = new Set<string>();
    for (const a of pool.underlyingTokens ?? []) {
      const hit = iceAddresses.get(a.toLowerCase());
      if (hit !== undefined) hits.add(hit);
    }
    for (const sym of poolTokenSymbols(pool)) {
      const hit = iceSymbols.get(sym.toUpperCase());
      if (hit !== undefined) hits.add(hit);
    }
    for (const token of hits) reasons.push({ rule: 'iceboxedToken', token });

    if (forecastTvl !== null && forecastTvl < params.poolTvlFloor) {
      reasons.push({ rule: 'tvlBelowFloor', forecastTvl, floor: params.poolTvlFloor });
    }
    if (forecastApy !== null && forecastApy < floorPercent) {
      reasons.push({ rule: 'apyBelowFloor', forecastApy, floorPercent });
    }
    for (const r of reasons) byRule[r.rule]++;

    const held = heldPoolIds.has(pool.poolId);
    const decision: FinalFilterDecision = { poolId: pool.poolId, forecastApy, forecastTvl, reasons, mustExit: held && reasons.length > 0 };
    if (reasons.length === 0 || held) {
      kept.push(decision);
      if (decision.mustExit) mustExit++;
    } else {
      dropped.push(decision);
    }
  }
  return { kept, dropped, counts: { input: pools.length, kept: kept.length, dropped: dropped.length, mustExit, byRule } };
}
