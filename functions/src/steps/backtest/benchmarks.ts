/**
 * The three benchmarks of DOMAIN.md, traded on the same day's view as the strategy:
 *   equalWeight  NAV / n in each of the n eligible pools (passing the pre- and final filters, any
 *                stability group), re-targeted every day; moves below minPositionUsd are skipped, so
 *                it only trades when the eligible set changes or drift exceeds that size.
 *   largestPool  all of NAV in the eligible pool with the largest last observed TVL.
 *   holdDay1     the strategy's first feasible allocation, never traded again (until then it
 *                follows the strategy).
 * Trades go through the allocator's own target → move plan → transaction derivation
 * (planFromTargets, deriveTransactions), so benchmarks pay gas and conversion fees exactly like the
 * strategy. Pool caps (share of AUM, share of TVL, group caps) are lifted: they are constraints of the
 * strategy, not of the naive rule being compared against.
 */
import type { Params } from '../../lib/params';
import { prepareProblem } from '../allocate/prepare';
import { deriveTransactions, planFromTargets } from '../allocate/transactions';
import type { CandidatePool, Transaction } from '../allocate/types';
import type { MarketView } from './day-step';
import { afterTrades, holdingsOf, navOf, NO_COSTS } from './portfolio';
import type { CostSplit, Portfolio } from './types';

export interface Executed {
  portfolio: Portfolio;
  costs: CostSplit;
  transactions: Transaction[];
}

/** No pool is too big for a benchmark: a TVL large enough that maxPoolTvlShare × TVL never binds. */
const UNBOUNDED_TVL = 1e15;

export function equalWeightTargets(view: MarketView, nav: number): Record<string, number> {
  const n = view.eligible.length;
  return n > 0 ? Object.fromEntries(view.eligible.map((id) => [id, nav / n])) : {};
}

export function largestPoolTargets(view: MarketView, nav: number): Record<string, number> {
  let best: string | undefined;
  let bestTvl = -Infinity;
  for (const id of [...view.eligible].sort()) {
    const tvl = view.forecasts.get(id)?.lastTvl ?? NaN;
    if (Number.isFinite(tvl) && tvl > bestTvl) {
      best = id;
      bestTvl = tvl;
    }
  }
  return best ? { [best]: nav } : {};
}

/** Trades `portfolio` towards `targets` (USD per pool; pools not named are exited). */
export function executeTargets(view: MarketView, portfolio: Portfolio, params: Params, targets: Record<string, number>): Executed {
  const ids = new Set([...Object.keys(targets), ...Object.keys(portfolio.positions)]);
  const pools: CandidatePool[] = [];
  for (const id of [...ids].sort()) {
    const tokens = view.tokensOf.get(id);
    if (!tokens || tokens.length === 0) continue; // a held pool gone from the list is exited by prepareProblem
    pools.push({ id, tokens, forecastApy: 0, forecastTvlUsd: UNBOUNDED_TVL, group: 1, passesFinalFilter: id in targets });
  }
  const prep = prepareProblem({
    pools,
    holdings: holdingsOf(portfolio),
    wallet: { ...portfolio.wallet },
    prices: view.prices,
    ethPriceUsd: view.ethPriceUsd,
    gasPriceGwei: view.gasPriceGwei,
    params: { ...params, maxAllocShare: 1, maxPoolTvlShare: 1, groupCaps: { '1': 1, '2': 1, '3': 1 } },
  });
  if (!prep.ok) return { portfolio, costs: NO_COSTS, transactions: [] };
  const { plan } = planFromTargets(prep.problem, targets);
  const d = deriveTransactions(prep.problem, plan);
  const moved = d.transactions.some((t) => t.type !== 'HOLD');
  if (!moved) return { portfolio, costs: NO_COSTS, transactions: [] };
  const costs: CostSplit = { gasUsd: d.costs.gasUsd, conversionUsd: d.costs.conversionUsd, totalUsd: d.costs.totalUsd };
  return { portfolio: afterTrades(d.finalAllocation, costs), costs, transactions: d.transactions };
}

export function runEqualWeight(view: MarketView, portfolio: Portfolio, params: Params): Executed {
  return executeTargets(view, portfolio, params, equalWeightTargets(view, navOf(portfolio)));
}

export function runLargestPool(view: MarketView, portfolio: Portfolio, params: Params): Executed {
  return executeTargets(view, portfolio, params, largestPoolTargets(view, navOf(portfolio)));
}
