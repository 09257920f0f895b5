/**
 * Types at the borders of the allocation optimizer (DOMAIN.md step 4). Everything here is plain data:
 * the handler `optimizeAllocations` loads an AllocationInput from Firestore, calls
 * `optimizeAllocation`, and stores the AllocationRecord built by `toAllocationRecord`.
 *
 * Units: money in USD, APY in percent (5.3 = 5.3 %), parameter shares as fractions.
 */
import type { Params } from '../../lib/params';

/** The parameters the optimizer reads (a slice of the run's snapshotted Params). */
export type AllocationParams = Pick<
  Params,
  | 'maxAllocShare'
  | 'maxPoolTvlShare'
  | 'minPools'
  | 'maxPools'
  | 'minPositionUsd'
  | 'groupCaps'
  | 'conversionFee'
  | 'gasUnits'
  | 'horizonDays'
  | 'objective'
  | 'riskAversion'
  | 'weightCap'
  | 'scorePreference'
  | 'solver'
>;

export type StabilityGroup = 1 | 2 | 3 | 4;

/** A pool the optimizer may hold: every pool passing the final filter plus every pool currently held. */
export interface CandidatePool {
  /** DefiLlama pool uuid; never used as a solver name (columns are indexed). */
  id: string;
  /** Token keys (symbol or address, the same keys as wallet/holdings/prices). Multi-token pools get equal value per token. */
  tokens: string[];
  /** Forecast APY in percent. */
  forecastApy: number;
  /** Forecast TVL in USD. */
  forecastTvlUsd: number;
  group: StabilityGroup;
  /** false → the pool must be exited (final holding 0). */
  passesFinalFilter: boolean;
  /** Optional display name (e.g. "aave-v3 USDC"). */
  name?: string;
}

/** Current position: USD value of `token` held in pool `poolId`. */
export interface Holding {
  poolId: string;
  token: string;
  amountUsd: number;
}

/** Features for objective "mean-variance", per pool id (from buildFeatures). */
export interface MeanVarianceFeatures {
  /** Asset ids in the order of the covariance rows/columns. */
  assets: string[];
  expectedReturns: number[];
  covariance: number[][];
  scores?: number[];
}

export interface AllocationInput {
  pools: CandidatePool[];
  holdings: Holding[];
  /** Unallocated wallet balances, USD per token. */
  wallet: Record<string, number>;
  /** USD price per token key, used to express amounts in token units (missing → 1.0 with a warning). */
  prices: Record<string, number>;
  /** ETH/USD, for gas. */
  ethPriceUsd: number;
  /** Forecast MAX gas price in gwei (conservative). */
  gasPriceGwei: number;
  params: AllocationParams;
  /** Required when params.objective is "mean-variance". */
  meanVariance?: MeanVarianceFeatures;
}

export type TransactionType = 'HOLD' | 'WITHDRAW' | 'CONVERT' | 'DEPOSIT';

export interface Transaction {
  /** 1-based execution order: HOLDs, then withdrawals, conversions, deposits. */
  seq: number;
  type: TransactionType;
  poolId?: string;
  /** Token moved (for CONVERT: the source token). */
  token: string;
  /** CONVERT only: destination token. */
  toToken?: string;
  /** USD value moved (for CONVERT: the amount sold). */
  amountUsd: number;
  /** Token units at the token's price (absent when no price is known). */
  amountToken?: number;
  /** Gas + conversion fee of this row, USD. A pool operation's gas is split equally over its token legs. */
  costUsd: number;
  gasUsd: number;
  feeUsd: number;
}

export interface PoolAllocation {
  poolId: string;
  name?: string;
  group: StabilityGroup;
  forecastApy: number;
  amountUsd: number;
  shareOfAum: number;
  /** USD per token of the pool. */
  tokens: Record<string, number>;
}

export interface CostBreakdown {
  gasUsd: number;
  conversionUsd: number;
  totalUsd: number;
}

/** optimal: proven within the MIP gap; time-limit-feasible: best incumbent at the time limit (see mipGap); heuristic: mean-variance with cardinality. */
export type SolveStatusLabel = 'optimal' | 'time-limit-feasible' | 'heuristic';

export interface SolverInfo {
  status: SolveStatusLabel;
  /** HiGHS model status code (7 optimal, 13 time limit, ...). */
  modelStatus: number;
  /** Achieved relative MIP gap (0 for LP/QP). */
  mipGap: number;
  solveTimeMs: number;
  columns: number;
  rows: number;
  binaries: number;
  /** Candidate pools removed by the dominance rule before solving. */
  prunedPools: number;
}

export interface AllocationSolved {
  status: SolveStatusLabel;
  objective: 'yield' | 'mean-variance' | 'min-variance';
  transactions: Transaction[];
  finalAllocation: { pools: PoolAllocation[]; wallet: Record<string, number> };
  aumUsd: number;
  investedUsd: number;
  /** Forecast yield of the final allocation over horizonDays, USD. */
  expectedYieldUsd: number;
  /** Percent. gross: value-weighted forecast APY of the invested amount; net: (yield − costs)/AUM annualised from the horizon. */
  projectedApy: { gross: number; net: number };
  costs: CostBreakdown;
  solver: SolverInfo;
  /** Mean-variance only: target weights per pool id. */
  targetWeights?: Record<string, number>;
  warnings: string[];
}

export interface AllocationFailed {
  status: 'infeasible' | 'error';
  objective: 'yield' | 'mean-variance' | 'min-variance';
  /** Human-readable causes, e.g. "only 3 eligible pools, minPools is 5". */
  reasons: string[];
  aumUsd: number;
  warnings: string[];
  solver?: Partial<SolverInfo>;
}

export type AllocationResult = AllocationSolved | AllocationFailed;

/** What the handler writes to `allocations/{runId}`. */
export interface AllocationRecord {
  runId: string;
  runDate: string;
  status: AllocationResult['status'];
  objective: AllocationResult['objective'];
  result: AllocationResult;
}

// ---- mean-variance (also the CLI's second schema) ----

export interface MeanVarianceProblem {
  objective: 'mean-variance' | 'min-variance';
  assets: string[];
  expectedReturns: number[];
  covariance: number[][];
  riskAversion: number;
  weightCap: number;
  scores?: number[];
  scorePreference?: number;
  /** Per-asset upper bounds (default weightCap); the pipeline tightens them with the pool caps. */
  upperBounds?: number[];
  /** Linear group caps: Σ_{i in group} w_i ≤ cap. */
  groupCaps?: Array<{ name: string; members: number[]; cap: number }>;
  /** Cardinality (heuristic, HiGHS has no MIQP): number of assets with w ≥ minWeight. */
  minAssets?: number;
  maxAssets?: number;
  /** Smallest held weight when cardinality applies (default 1e-4). */
  minWeight?: number;
  timeLimitSeconds?: number;
}

export type MeanVarianceResult =
  | {
      status: 'optimal' | 'heuristic';
      weights: number[];
      expectedReturn: number;
      variance: number;
      /** Objective value in the problem's own terms (to maximise). */
      utility: number;
      qpSolves: number;
      solveTimeMs: number;
      warnings: string[];
    }
  | { status: 'infeasible' | 'error'; reasons: string[]; warnings: string[] };
