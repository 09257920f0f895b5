/**
 * Shapes of the backtest (DOMAIN.md "Backtest"): the data source it replays, the per-day records it
 * produces and the summary metrics. Plain data throughout, so a state or a day can be stored in
 * Firestore or passed between workflow steps as JSON.
 *
 * Timing convention: the decision for day D uses only data dated ≤ D − 1 (the run on the morning of
 * D sees yesterday's close), then the portfolio earns D's realised APY. Every data-source call is
 * bounded by an explicit date, which is what makes the no-look-ahead test possible.
 */
import type { PoolRecord } from '../enrich/prefilter';
import type { Params } from '../../lib/params';
import type { AllocationFailed, CostBreakdown, Transaction } from '../allocate/types';

/** One daily observation of a pool; NaN = no value that day. `day` is the epoch day (days since 1970-01-01). */
export interface PoolObservation {
  day: number;
  apy: number;
  tvlUsd: number;
}

/** One approved token's daily candle and market cap (USD). */
export interface TokenDay {
  low: number | null;
  close: number | null;
  marketCap: number | null;
}

/** Gas of one UTC day: mean and max of the hourly base fee (gwei), and ETH's close (USD). */
export interface GasDay {
  date: string;
  meanGwei: number;
  maxGwei: number;
  ethPriceUsd: number;
}

/**
 * Where the replay reads history. Implementations: the simulated market (default, sim-source.ts) and,
 * later, the Firestore layers written by ingestion (poolSnapshots/, poolHistory/, priceDaily/,
 * gasDaily/). Async so a Firestore-backed source fits the same engine.
 */
export interface BacktestDataSource {
  readonly description: string;
  /** Pools listed on `date` (the DefiLlama /pools list as ingested for that day). */
  listing(date: string): Promise<PoolRecord[]>;
  /** Daily rows with from ≤ date ≤ to, per pool id, sorted by day (pools without rows may be absent). */
  histories(poolIds: readonly string[], from: string, to: string): Promise<Map<string, PoolObservation[]>>;
  /** Per approved token symbol, that day's candle; tokens without data are absent. */
  tokenDays(tokens: ReadonlyArray<{ symbol: string; address: string }>, date: string): Promise<Record<string, TokenDay>>;
  /** Gas days with from ≤ date ≤ to (missing days are absent). */
  gasDays(from: string, to: string): Promise<GasDay[]>;
}

/** Positions (USD per token per pool) and the unallocated wallet (USD per token). */
export interface Portfolio {
  positions: Record<string, Record<string, number>>;
  wallet: Record<string, number>;
}

/** Gas and conversion costs, as the allocator reports them. */
export type CostSplit = CostBreakdown;

export type BenchmarkName = 'equalWeight' | 'largestPool' | 'holdDay1';
export const BENCHMARK_NAMES: readonly BenchmarkName[] = ['equalWeight', 'largestPool', 'holdDay1'];
export type SeriesName = 'strategy' | BenchmarkName;
export const SERIES_NAMES: readonly SeriesName[] = ['strategy', ...BENCHMARK_NAMES];

/** Everything decided and earned on one day, for the strategy and each benchmark. */
export interface BacktestDay {
  date: string;
  /** End-of-day NAV (after costs and the day's yield), USD. */
  nav: Record<SeriesName, number>;
  /** Costs paid on the day, USD. */
  costs: Record<SeriesName, CostSplit>;
  /** Σ|withdrawals + deposits| / (2 · NAV before trading). */
  turnover: Record<SeriesName, number>;
  /** Strategy weights after trading (share of post-trade NAV per pool; the wallet is the rest). */
  weights: Record<string, number>;
  /** False when the optimizer found no allocation (the portfolio is then left as it was). */
  feasible: boolean;
  status: string;
  /** Why the allocation failed (infeasible/error days only). */
  reasons?: string[];
  /** The strategy's transactions (the decision; compared by the no-look-ahead test). */
  transactions: Transaction[];
  /** Pools after the pre-filter, after the final filter (eligible), and held after trading. */
  counts: { listed: number; preFiltered: number; eligible: number; held: number };
  /** Forecast gas (gwei) the costs were priced with. */
  gasPriceGwei: number;
  /** 1-day APY forecast error on this day (percentage points), null when no pool had a realised value. */
  forecastError: ForecastErrorDay | null;
}

export interface ForecastErrorDay {
  /** Pools with both a forecast and a realised APY. */
  n: number;
  /** Mean |forecast − realised| over those pools. */
  mae: number;
  /** Mean |last observation − realised| (the naive forecast) over the same pools. */
  naiveMae: number;
  /** NAV-weighted |forecast − realised| over the pools held today (null when nothing is held). */
  portfolioMae: number | null;
}

export interface SeriesMetrics {
  startNav: number;
  endNav: number;
  days: number;
  /** (end/start)^(365/days) − 1, percent. */
  netApy: number;
  /** end/start − 1, percent. */
  cumulativeReturn: number;
  /** Sample std of daily returns × √365, percent. */
  volatility: number;
  sharpe: number | null;
  sortino: number | null;
  /** Largest peak-to-trough fall of NAV, percent (positive number). */
  maxDrawdown: number;
  totalCostsUsd: number;
  /** Σ daily turnover (how many times the book was turned over) and its mean × 365. */
  turnoverTotal: number;
  turnoverAnnualised: number;
}

export interface BacktestSummary {
  riskFreeRate: number;
  series: Record<SeriesName, SeriesMetrics>;
  forecast: { mae: number | null; naiveMae: number | null; mase: number | null; portfolioMae: number | null; poolDays: number };
  infeasibleDays: number;
  averagePoolsHeld: number;
}

export interface BacktestConfig {
  from: string;
  to: string;
  aumUsd: number;
  /** Token the AUM starts in (unallocated wallet on day 1). */
  startToken: string;
  params: Params;
  /** Annual risk-free rate as a fraction (0.04 = 4 %), for Sharpe and Sortino. */
  riskFreeRate: number;
  /** Re-run forecast method selection for a pool every this many days (1 = every day, as the pipeline). */
  forecastReselectDays: number;
}

export interface BacktestResult {
  version: 1;
  source: string;
  config: Omit<BacktestConfig, 'params'> & { params: Params };
  days: BacktestDay[];
  summary: BacktestSummary;
  elapsedMs: number;
}

export type { AllocationFailed };
