/**
 * Pure: the stored rows of `finalFilter/{runDate}` from the eligible pools, the held pools the
 * pre-filter rejected, the forecasts, the active icebox and the parameters. The rules themselves are
 * the core's (filterFinal.ts); this adds what only the pipeline knows: a held pool that is no longer
 * eligible (pre-filter reasons, or no longer listed) is kept visible with mustExit and a
 * `notEligible` reason, because the optimizer must be able to withdraw from it.
 */
import { filterPoolsFinal, type FinalFilterForecast, type FinalFilterParams, type FinalFilterPool, type IceboxEntry } from '../filterFinal';
import type { FinalFilterRow, StoredFilterReason } from './common';

export interface FilterCandidate {
  poolId: string;
  project: string | null;
  symbol: string | null;
  /** Approved token symbols (the pre-filter's, by address). */
  tokens: string[];
  underlyingTokens?: string[];
  eligible: boolean;
  /** Pre-filter reason codes of a non-eligible pool (["not-listed"] when it was not evaluated). */
  preFilter?: string[];
}

export const FILTER_RULES = ['missingForecast', 'iceboxedToken', 'tvlBelowFloor', 'apyBelowFloor', 'notEligible'] as const;

export interface FinalFilterOutcome {
  rows: FinalFilterRow[];
  counts: Record<string, number>;
  byRule: Record<(typeof FILTER_RULES)[number], number>;
}

/** Symbols the icebox is matched against: the approved ones plus the pool symbol's parts (conservative). */
function tokenSymbols(c: FilterCandidate): string[] {
  const parts = (c.symbol ?? '').split(/[-/\s]+/).filter((s) => s.length > 0);
  return [...new Set([...c.tokens, ...parts])];
}

export function finalFilterRows(
  candidates: readonly FilterCandidate[],
  forecasts: ReadonlyMap<string, FinalFilterForecast>,
  icebox: readonly IceboxEntry[],
  params: FinalFilterParams,
  held: ReadonlySet<string>,
): FinalFilterOutcome {
  const pools: FinalFilterPool[] = candidates.map((c) => ({ poolId: c.poolId, symbol: c.symbol ?? undefined, tokenSymbols: tokenSymbols(c), underlyingTokens: c.underlyingTokens }));
  const core = filterPoolsFinal(pools, forecasts, icebox, params, held);
  const decisions = new Map([...core.kept, ...core.dropped].map((d) => [d.poolId, d]));
  const byRule = Object.fromEntries(FILTER_RULES.map((r) => [r, 0])) as FinalFilterOutcome['byRule'];
  const rows = candidates.map((c): FinalFilterRow => {
    const d = decisions.get(c.poolId)!;
    const reasons: StoredFilterReason[] = [...d.reasons];
    // Only held pools reach here without being eligible; the rule is listed first (it is the root cause).
    if (!c.eligible) reasons.unshift({ rule: 'notEligible', preFilter: c.preFilter ?? [] });
    for (const r of reasons) byRule[r.rule]++;
    const isHeld = held.has(c.poolId);
    const kept = reasons.length === 0 || isHeld;
    return {
      poolId: c.poolId,
      kept,
      mustExit: isHeld && reasons.length > 0,
      held: isHeld,
      eligible: c.eligible,
      forecastApy: d.forecastApy,
      forecastTvl: d.forecastTvl,
      reasons,
      tokens: c.tokens,
      project: c.project,
      symbol: c.symbol,
    };
  });
  const kept = rows.filter((r) => r.kept).length;
  const counts: Record<string, number> = {
    input: rows.length,
    kept,
    dropped: rows.length - kept,
    passing: rows.filter((r) => r.reasons.length === 0).length,
    held: rows.filter((r) => r.held).length,
    mustExit: rows.filter((r) => r.mustExit).length,
  };
  for (const r of FILTER_RULES) counts[`byRule.${r}`] = byRule[r];
  return { rows, counts, byRule };
}
