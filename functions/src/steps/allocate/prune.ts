/**
 * Dominance pruning of candidate pools before the MILP (keeps 2,000-pool instances fast without
 * loosening the gap).
 *
 * Claim: let j be a pool with no current position. Call i a dominator of j when i also has no position,
 * is in the same stability group, has the same token set, and (yieldPerUsd_i, cap_i) ≥ (yieldPerUsd_j,
 * cap_j) componentwise, ties broken by (yield, cap, input order) lexicographically so that "dominates"
 * is a strict partial order. If j has at least maxPools dominators, some optimal solution does not use j.
 *
 * Proof: take an optimal solution that uses j. It uses at most maxPools pools, j among them, so at most
 * maxPools − 1 of j's ≥ maxPools dominators are used: some dominator i is unused. Move j's whole final
 * value X_j to i. Both start empty, so the move is one deposit for one deposit (same gas), the same
 * per-token deposits (same token set, equal split), the same group total (same group), X_j ≤ cap_j ≤
 * cap_i, X_j ≥ minPositionUsd holds for i as for j, and the pool count is unchanged; the yield does not
 * decrease. Each move goes strictly up the partial order, so repeating it terminates, and at the end no
 * pool with ≥ maxPools dominators is used. Hence removing all such pools keeps an optimal solution.
 * Pools without a position whose cap is below minPositionUsd can never be used and are dropped too.
 */
import type { PreparedPool } from './prepare';

export interface PruneResult {
  kept: PreparedPool[];
  pruned: number;
}

export function prunePools(pools: PreparedPool[], maxPools: number, minPositionUsd: number): PruneResult {
  const kept: PreparedPool[] = [];
  const classes = new Map<string, Array<{ pool: PreparedPool; order: number }>>();
  let pruned = 0;
  pools.forEach((pool, order) => {
    if (pool.heldUsd > 0) {
      kept.push(pool);
      return;
    }
    if (pool.capUsd <= 0 || pool.capUsd < minPositionUsd) {
      pruned++;
      return;
    }
    const key = `${pool.group}|${[...pool.tokens].sort().join('\u0000')}`;
    const list = classes.get(key) ?? [];
    list.push({ pool, order });
    classes.set(key, list);
  });
  for (const list of classes.values()) {
    // Lexicographic order (yield desc, cap desc, input order asc): every dominator of j comes before j.
    list.sort((a, b) => b.pool.yieldPerUsd - a.pool.yieldPerUsd || b.pool.capUsd - a.pool.capUsd || a.order - b.order);
    for (let j = 0; j < list.length; j++) {
      let dominators = 0;
      const pj = list[j].pool;
      for (let i = 0; i < j && dominators < maxPools; i++) {
        const pi = list[i].pool;
        if (pi.yieldPerUsd >= pj.yieldPerUsd && pi.capUsd >= pj.capUsd) dominators++;
      }
      if (dominators >= maxPools) pruned++;
      else kept.push(pj);
    }
  }
  return { kept, pruned };
}
