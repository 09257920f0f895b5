/**
 * One day's decision, as the daily pipeline would take it on the morning of `date`: every input is
 * read with an explicit bound of date − 1.
 *
 *   listing(date − 1) → filterPoolsPre (market caps of date − 1)
 *   → histories ≤ date − 1 → computeMetrics/groupPools (trailing 30 days) and per-pool forecasts
 *   → filterPoolsFinal (icebox as of date − 1, held pools kept visible so they can be exited)
 *   → forecastGas (gas days ≤ date − 1) → optimizeAllocation with params.objective.
 *
 * The MarketView it builds is also what the benchmarks trade on, so they see exactly the same
 * eligible set, prices and gas.
 */
import { addDays } from '../../lib/dates';
import type { Params } from '../../lib/params';
import { optimizeAllocation } from '../allocate/optimize';
import type { AllocationInput, AllocationResult, CandidatePool, MeanVarianceFeatures, StabilityGroup } from '../allocate/types';
import { covarianceAt, expectedReturns } from '../enrich/features';
import { groupPools } from '../enrich/groups';
import type { IceboxEntry as FinalIceboxEntry } from '../forecast/filterFinal';
import { computeMetrics } from '../enrich/metrics';
import { filterPoolsPre, type MarketCaps, type PoolRecord } from '../enrich/prefilter';
import { dateToDay, filterPoolsFinal, forecastGas, type FinalFilterResult } from '../forecast';
import type { ForecastCache } from './forecast-cache';
import type { HistoryCache } from './history-cache';
import { holdingsOf } from './portfolio';
import type { GasDay, Portfolio, TokenDay } from './types';

/** Days of history kept per pool: the forecast selection reads ≤ fitWindow 120 + 30 origins + horizon. */
export const HISTORY_WINDOW_DAYS = 200;
/** Days of gas history forecastGas sees. */
export const GAS_WINDOW_DAYS = 200;
const GROUP_WINDOW = 30;

export interface PoolForecastSummary {
  /** 1-day-ahead APY forecast (percent). */
  apy1: number;
  /** Last observed APY and TVL (≤ date − 1), NaN when none. */
  lastApy: number;
  lastTvl: number;
}

/** Everything the day's decision knows (data ≤ date − 1). */
export interface MarketView {
  date: string;
  listed: number;
  /** Pools passing the pre-filter, with their approved token symbols. */
  preFiltered: Array<{ record: PoolRecord; tokens: string[] }>;
  forecasts: Map<string, PoolForecastSummary>;
  groups: Map<string, StabilityGroup>;
  final: FinalFilterResult;
  /** Pools passing the final filter with no reason (what "eligible" means for the benchmarks). */
  eligible: string[];
  tokensOf: Map<string, string[]>;
  prices: Record<string, number>;
  ethPriceUsd: number;
  gasPriceGwei: number;
}

export interface DayInputs {
  date: string;
  params: Params;
  listing: PoolRecord[];
  tokenDay: Record<string, TokenDay>;
  /** Gas days ≤ date − 1, oldest first. */
  gas: readonly GasDay[];
  iceboxActive: ReadonlyArray<{ symbol: string; address: string }>;
  histories: HistoryCache;
  forecaster: ForecastCache;
  held: ReadonlySet<string>;
}

/** Market caps keyed by approved-token symbol (prefilter accepts symbol keys). */
function capsOf(tokenDay: Record<string, TokenDay>): MarketCaps {
  return Object.fromEntries(Object.entries(tokenDay).map(([s, t]) => [s, t.marketCap]));
}

export async function buildMarketView(inp: DayInputs): Promise<MarketView> {
  const { params, date } = inp;
  const prev = addDays(date, -1);
  const prevDay = dateToDay(prev);
  const asOfDay = dateToDay(date);

  const pre = filterPoolsPre(inp.listing, prev, params, capsOf(inp.tokenDay));
  const byId = new Map(inp.listing.map((p) => [p.pool, p]));
  const preFiltered = pre.decisions.filter((d) => d.passed).map((d) => ({ record: byId.get(d.pool)!, tokens: [...new Set(d.approvedSymbols)] }));
  const ids = preFiltered.map((p) => p.record.pool);
  await inp.histories.ensure(ids, prev);

  // Stability groups from the trailing 30-day panel (the metrics need ≥ 15 points for σ30).
  const n = ids.length;
  const panel = new Float64Array(n * GROUP_WINDOW).fill(NaN);
  const first = prevDay - GROUP_WINDOW + 1;
  const forecasts = new Map<string, PoolForecastSummary>();
  const finalForecasts = new Map<string, { apy: number[]; tvl: number[] }>();
  ids.forEach((id, p) => {
    const rows = inp.histories.get(id, prevDay);
    for (const r of rows) if (r.day >= first) panel[p * GROUP_WINDOW + (r.day - first)] = r.apy;
    const f = inp.forecaster.forecast(id, rows, asOfDay);
    finalForecasts.set(id, f);
    const last = rows.length ? rows[rows.length - 1] : undefined;
    forecasts.set(id, { apy1: f.apy[0] ?? NaN, lastApy: last?.apy ?? NaN, lastTvl: last?.tvlUsd ?? NaN });
  });
  const groupArr = n > 0 ? groupPools(computeMetrics(panel, n, GROUP_WINDOW), GROUP_WINDOW - 1, params.groupThresholds) : new Uint8Array(0);
  const groups = new Map<string, StabilityGroup>(ids.map((id, p) => [id, groupArr[p] as StabilityGroup]));

  const icebox: FinalIceboxEntry[] = inp.iceboxActive.map((e) => ({ symbol: e.symbol, address: e.address }));
  const final = filterPoolsFinal(
    preFiltered.map((p) => ({ poolId: p.record.pool, symbol: p.record.symbol, underlyingTokens: p.record.underlyingTokens ?? [] })),
    finalForecasts,
    icebox,
    { poolTvlFloor: params.poolTvlFloor, poolApyFloor: params.poolApyFloor, horizonDays: params.horizonDays },
    inp.held,
  );
  const eligible = final.kept.filter((k) => k.reasons.length === 0).map((k) => k.poolId);

  const gas = inp.gas.filter((g) => dateToDay(g.date) <= prevDay).slice(-GAS_WINDOW_DAYS);
  const gf = forecastGas(
    { days: gas.map((g) => dateToDay(g.date)), avg: gas.map((g) => g.meanGwei), max: gas.map((g) => g.maxGwei) },
    { horizon: 1, asOfDay },
  );
  const lastGas = gas[gas.length - 1];
  const prices: Record<string, number> = {};
  for (const [s, t] of Object.entries(inp.tokenDay)) if (t.close !== null && Number.isFinite(t.close) && t.close > 0) prices[s] = t.close;

  return {
    date,
    listed: inp.listing.length,
    preFiltered,
    forecasts,
    groups,
    final,
    eligible,
    tokensOf: new Map(preFiltered.map((p) => [p.record.pool, p.tokens])),
    prices,
    ethPriceUsd: lastGas?.ethPriceUsd ?? NaN,
    gasPriceGwei: gf.costGas[0] ?? NaN,
  };
}

/** Mean-variance features over the eligible pools (returns APY/100/365 of the trailing windows). */
function meanVarianceFeatures(view: MarketView, histories: HistoryCache, params: Params, assets: string[]): MeanVarianceFeatures {
  const prevDay = dateToDay(view.date) - 1;
  const w = Math.max(params.covWindowDays, params.expectedReturnLookback);
  const first = prevDay - w + 1;
  const k = assets.length;
  const returns = new Float64Array(k * w).fill(NaN);
  assets.forEach((id, p) => {
    for (const r of histories.get(id, prevDay)) if (r.day >= first) returns[p * w + (r.day - first)] = r.apy / 100 / 365;
  });
  const mu = expectedReturns(returns, k, w, w - 1, params.expectedReturnLookback);
  const cov = covarianceAt(returns, k, w, w - 1, params.covWindowDays);
  // Pools without an estimate are left out; a missing pair covariance counts as 0 (no evidence of co-movement).
  const keep = assets.map((_, i) => i).filter((i) => Number.isFinite(mu[i]) && Number.isFinite(cov.cov[i * k + i]));
  return {
    assets: keep.map((i) => assets[i]),
    expectedReturns: keep.map((i) => mu[i]),
    covariance: keep.map((i) => keep.map((j) => (Number.isFinite(cov.cov[i * k + j]) ? cov.cov[i * k + j] : 0))),
  };
}

/** The optimizer's input for the day: candidates = final-filter survivors plus held pools. */
export function allocationInput(view: MarketView, portfolio: Portfolio, params: Params, histories: HistoryCache): AllocationInput {
  const pools: CandidatePool[] = view.final.kept.map((k) => ({
    id: k.poolId,
    tokens: view.tokensOf.get(k.poolId) ?? [],
    forecastApy: k.forecastApy ?? 0,
    forecastTvlUsd: k.forecastTvl ?? 0,
    group: view.groups.get(k.poolId) ?? 4,
    passesFinalFilter: k.reasons.length === 0,
  }));
  const input: AllocationInput = {
    pools: pools.filter((p) => p.tokens.length > 0),
    holdings: holdingsOf(portfolio),
    wallet: { ...portfolio.wallet },
    prices: view.prices,
    ethPriceUsd: view.ethPriceUsd,
    gasPriceGwei: view.gasPriceGwei,
    params,
  };
  if (params.objective === 'mean-variance') {
    const assets = input.pools.filter((p) => p.passesFinalFilter && p.group !== 4).map((p) => p.id);
    input.meanVariance = meanVarianceFeatures(view, histories, params, assets);
  }
  return input;
}

export async function decide(view: MarketView, portfolio: Portfolio, params: Params, histories: HistoryCache): Promise<AllocationResult> {
  return optimizeAllocation(allocationInput(view, portfolio, params, histories));
}
