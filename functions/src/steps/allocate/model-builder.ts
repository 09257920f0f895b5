/**
 * Builds the transaction-aware MILP of DOMAIN.md step 4 as HiGHS arrays (no text, no names: pool
 * uuids never reach the solver). Pure.
 *
 * Per pool i (final value X_i, current position H_i, yield per USD r_i, cap C_i):
 *   X_i = H_i + D_i − W_i                        flow (pools without a position: X_i = D_i, no W)
 *   0 ≤ W_i ≤ H_i·ow_i,  W_i ≥ min(minPos, H_i)·ow_i      withdraw at most what is held; small positions exit whole
 *   D_i ≤ C_i·od_i,      D_i ≥ minPos·od_i                 deposits of at least minPositionUsd
 *   X_i ≤ C_i·u_i,       X_i ≥ min(minPos, H_i or minPos)·u_i   pool used ⇔ final value > 0
 *   od_i ≤ u_i,  ow_i + od_i ≤ 1                           policy: never withdraw from and deposit into one pool the same day
 * Per (pool, token) the legs are linear images of the pool variables, which is exactly the DOMAIN's
 * per-(pool, token) variables under its rules: deposits split equally over the pool's tokens (equal value
 * per token), withdrawals take each token in proportion to what is held (so an existing position's token
 * mix is never force-rebalanced by a daily price drift).
 * Per token pair (t→k): c_tk ≤ S_t·oc_tk, c_tk ≥ min(minPos, S_t)·oc_tk, oc_tk + oc_kt ≤ 1, where S_t =
 * wallet + held of t (chained swaps t→k→l are dominated by t→l, so S_t is a valid, tight big-M).
 * Per token t: wallet_t + Σ withdrawals_t + (1 − fee)·Σ c_kt − Σ c_tk − Σ deposits_t ≥ 0 (= final wallet).
 * Group caps Σ_{i∈g} X_i ≤ groupCap_g·AUM (group 4 and filtered-out pools have C_i = 0: forced exit).
 * minPools ≤ Σ u_i ≤ maxPools.
 * Objective (maximise): Σ r_i X_i − gas·(Σ ow + Σ od + Σ swaps) − fee·Σ c.
 *
 * Scaling: amounts are in units of AUM/10⁴ (so AUM is always 10,000 units and every big-M is ≤ 10⁴),
 * the objective is in millionths of AUM (ppm): yield coefficients r·100, a $5 gas cost on a $10M
 * treasury is 0.5. Every big-M is the variable's own bound, never a blanket constant.
 */
import type { PreparedPool, PreparedProblem } from './prepare';

export interface PoolColumns {
  pool: PreparedPool;
  /** Final value. For pools without a position it is also the deposit. */
  x: number;
  u: number;
  w?: number;
  ow?: number;
  d?: number;
  od?: number;
}

export interface ConversionColumns {
  from: string;
  to: string;
  c: number;
  oc: number;
}

export interface LinearModel {
  numCols: number;
  numRows: number;
  colCost: number[];
  colLower: number[];
  colUpper: number[];
  rowLower: number[];
  rowUpper: number[];
  /** CSR. */
  starts: number[];
  indices: number[];
  values: number[];
  integrality: number[];
}

export interface MilpModel extends LinearModel {
  /** USD per model unit. */
  unitUsd: number;
  /** Objective units per USD. */
  objectivePerUsd: number;
  pools: PoolColumns[];
  conversions: ConversionColumns[];
  /** Row of minPools ≤ Σu ≤ maxPools, relaxed in diagnosis. */
  poolCountRow: number;
  binaries: number;
}

class Builder {
  readonly m: LinearModel = {
    numCols: 0,
    numRows: 0,
    colCost: [],
    colLower: [],
    colUpper: [],
    rowLower: [],
    rowUpper: [],
    starts: [0],
    indices: [],
    values: [],
    integrality: [],
  };
  col(cost: number, lower: number, upper: number, binary = false): number {
    const m = this.m;
    m.colCost.push(cost);
    m.colLower.push(lower);
    m.colUpper.push(Math.max(lower, upper));
    m.integrality.push(binary ? 1 : 0);
    return m.numCols++;
  }
  row(lower: number, upper: number, entries: Array<[number, number]>): number {
    const m = this.m;
    for (const [c, v] of entries) {
      if (v === 0) continue;
      m.indices.push(c);
      m.values.push(v);
    }
    m.starts.push(m.indices.length);
    m.rowLower.push(lower);
    m.rowUpper.push(upper);
    return m.numRows++;
  }
}

/** `pools` may be a pruned subset of problem.pools (see prune.ts); pools left out stay at 0. */
export function buildMilp(problem: PreparedProblem, pools: PreparedPool[]): MilpModel {
  const p = problem.params;
  const aum = problem.aumUsd;
  const U = aum / 1e4;
  const s = 1e6 / aum;
  const b = new Builder();
  const minPos = p.minPositionUsd / U;
  let binaries = 0;
  const bin = (cost: number, upper = 1): number => {
    binaries++;
    return b.col(cost, 0, upper, true);
  };

  const poolCols: PoolColumns[] = [];
  for (const pool of pools) {
    const cap = pool.capUsd / U;
    const H = pool.heldUsd / U;
    const usable = pool.capUsd > 0 && pool.capUsd >= pool.minKeepUsd;
    if (H <= 0 && !usable) continue;
    const x = b.col(pool.yieldPerUsd * U * s, 0, usable ? cap : 0);
    if (H <= 0) {
      // A pool without a position is used iff we deposit into it: one binary covers both.
      const u = bin(-problem.gas.depositUsd * s);
      b.row(-Infinity, 0, [[x, 1], [u, -cap]]);
      b.row(0, Infinity, [[x, 1], [u, -minPos]]);
      poolCols.push({ pool, x, u });
      continue;
    }
    const u = bin(0, usable ? 1 : 0);
    const w = b.col(0, 0, H);
    const ow = bin(-problem.gas.withdrawUsd * s);
    const cols: PoolColumns = { pool, x, u, w, ow };
    b.row(-Infinity, 0, [[w, 1], [ow, -H]]);
    b.row(0, Infinity, [[w, 1], [ow, -pool.minWithdrawUsd / U]]);
    b.row(-Infinity, 0, [[x, 1], [u, -Math.max(cap, 0)]]);
    b.row(0, Infinity, [[x, 1], [u, -pool.minKeepUsd / U]]);
    if (usable) {
      const d = b.col(0, 0, cap);
      const od = bin(-problem.gas.depositUsd * s);
      b.row(-Infinity, 0, [[d, 1], [od, -cap]]);
      b.row(0, Infinity, [[d, 1], [od, -minPos]]);
      b.row(-Infinity, 0, [[od, 1], [u, -1]]);
      b.row(-Infinity, 1, [[ow, 1], [od, 1]]);
      b.row(H, H, [[x, 1], [w, 1], [d, -1]]);
      cols.d = d;
      cols.od = od;
    } else {
      b.row(H, H, [[x, 1], [w, 1]]);
    }
    poolCols.push(cols);
  }

  // Conversions: from any token we hold to any token some usable pool accepts.
  const destinations = new Set<string>();
  for (const pc of poolCols) if (pc.pool.capUsd > 0 && (pc.d !== undefined || pc.pool.heldUsd <= 0)) pc.pool.tokens.forEach((t) => destinations.add(t));
  const sources = Object.keys(problem.supplyUsd).filter((t) => problem.supplyUsd[t] > 0).sort();
  const conversions: ConversionColumns[] = [];
  const pairIndex = new Map<string, ConversionColumns>();
  for (const from of sources) {
    const S = problem.supplyUsd[from] / U;
    for (const to of [...destinations].sort()) {
      if (to === from) continue;
      const c = b.col(-p.conversionFee * U * s, 0, S);
      const oc = bin(-problem.gas.swapUsd * s);
      b.row(-Infinity, 0, [[c, 1], [oc, -S]]);
      b.row(0, Infinity, [[c, 1], [oc, -Math.min(p.minPositionUsd, problem.supplyUsd[from]) / U]]);
      const cc = { from, to, c, oc };
      conversions.push(cc);
      pairIndex.set(`${from}\u0000${to}`, cc);
    }
  }
  for (const cc of conversions) {
    const back = pairIndex.get(`${cc.to}\u0000${cc.from}`);
    if (back && cc.from < cc.to) b.row(-Infinity, 1, [[cc.oc, 1], [back.oc, 1]]);
  }

  // Token flow balance: the final wallet balance of every token is ≥ 0.
  const flow = new Map<string, Array<[number, number]>>();
  const add = (t: string, col: number, v: number): void => {
    const list = flow.get(t) ?? [];
    list.push([col, v]);
    flow.set(t, list);
  };
  for (const pc of poolCols) {
    const pool = pc.pool;
    if (pc.w !== undefined) for (const [t, v] of Object.entries(pool.heldByToken)) add(t, pc.w, v / pool.heldUsd);
    const depositCol = pc.d ?? (pool.heldUsd <= 0 ? pc.x : undefined);
    if (depositCol !== undefined) for (const t of pool.tokens) add(t, depositCol, -1 / pool.tokens.length);
  }
  for (const cc of conversions) {
    add(cc.from, cc.c, -1);
    add(cc.to, cc.c, 1 - p.conversionFee);
  }
  for (const t of [...flow.keys()].sort()) b.row(-(problem.wallet[t] ?? 0) / U, Infinity, mergeEntries(flow.get(t)!));

  for (const g of [1, 2, 3] as const) {
    const members = poolCols.filter((pc) => pc.pool.group === g && pc.pool.capUsd > 0);
    if (members.length === 0) continue;
    b.row(-Infinity, (p.groupCaps[String(g) as '1' | '2' | '3'] * aum) / U, members.map((pc) => [pc.x, 1] as [number, number]));
  }

  const poolCountRow = b.row(p.minPools, p.maxPools, poolCols.map((pc) => [pc.u, 1] as [number, number]));

  return { ...b.m, unitUsd: U, objectivePerUsd: s, pools: poolCols, conversions, poolCountRow, binaries };
}

/** A token can appear twice in one pool's withdrawal legs only through bad input; sum duplicates. */
function mergeEntries(entries: Array<[number, number]>): Array<[number, number]> {
  const byCol = new Map<number, number>();
  for (const [c, v] of entries) byCol.set(c, (byCol.get(c) ?? 0) + v);
  return [...byCol.entries()].sort((a, b) => a[0] - b[0]);
}
