/**
 * Mean-variance allocation as a convex QP on HiGHS:
 *   maximise aᵀw − λ·wᵀΣw,  a = μ + scorePreference·score   ("mean-variance")
 *   minimise wᵀΣw                                           ("min-variance")
 *   s.t. Σw = 1, lb ≤ w ≤ ub (ub = weightCap or tighter), optional group caps.
 * HiGHS minimises ½wᵀQw + cᵀw, so Q = 2λΣ and c = −a (Q = 2Σ, c = 0 for min-variance). The objective is
 * scaled so that Q's mean diagonal is 1: HiGHS' active-set QP can cycle on badly scaled problems
 * (ERGO-Code/HiGHS#1583); a non-optimal status is retried once ×100 before giving up.
 *
 * Cardinality (minAssets/maxAssets) would make this a MIQP, which HiGHS cannot solve. Heuristic
 * (relax-and-fix + 1-swap local search):
 *   1. solve the continuous QP; support S = {w_i > minWeight/2};
 *   2. if |S| > maxAssets keep the maxAssets largest weights; if |S| < minAssets add the assets with the
 *      best marginal utility ∂U/∂w_i = a_i − 2λ(Σw)_i;
 *   3. solve the QP on S with bounds [minWeight, ub] (every asset of S is held);
 *   4. local search: swap one asset of S (5 smallest weights) for one outside (5 best marginal
 *      utilities), keep the best improving swap, repeat (≤ 5 rounds).
 * The result is labelled "heuristic" (not proven optimal).
 */
import type { MeanVarianceProblem, MeanVarianceResult } from './types';
import type { LinearModel } from './model-builder';
import { solveModel, type TriangularHessian } from './solve';

interface QpOutcome {
  ok: boolean;
  weights: number[];
  label: string;
  message?: string;
}

export function validateMeanVariance(pr: MeanVarianceProblem): string[] {
  const n = pr.assets.length;
  const reasons: string[] = [];
  if (n === 0) return ['no assets'];
  if (pr.objective === 'mean-variance' && pr.expectedReturns.length !== n) reasons.push(`expectedReturns has ${pr.expectedReturns.length} entries for ${n} assets`);
  if (pr.covariance.length !== n || pr.covariance.some((r) => r.length !== n)) reasons.push(`covariance must be ${n}×${n}`);
  if (pr.scores && pr.scores.length !== n) reasons.push(`scores has ${pr.scores.length} entries for ${n} assets`);
  if (pr.upperBounds && pr.upperBounds.length !== n) reasons.push(`upperBounds has ${pr.upperBounds.length} entries for ${n} assets`);
  const all = [...pr.covariance.flat(), ...(pr.objective === 'mean-variance' ? pr.expectedReturns : []), ...(pr.scores ?? [])];
  if (all.some((v) => !Number.isFinite(v))) reasons.push('expectedReturns, covariance and scores must be finite numbers');
  return reasons;
}

/** Infeasibility that can be stated without solving. */
export function precheckMeanVariance(pr: MeanVarianceProblem): string[] {
  const n = pr.assets.length;
  const ub = upperBounds(pr);
  const reasons: string[] = [];
  const sumUb = ub.reduce((s, v) => s + v, 0);
  if (sumUb < 1 - 1e-12) {
    reasons.push(
      pr.upperBounds
        ? `the per-asset upper bounds (weightCap ${pr.weightCap} and pool caps) sum to ${+sumUb.toFixed(6)} < 1 over ${n} assets`
        : `weightCap ${pr.weightCap} × ${n} assets = ${+(pr.weightCap * n).toFixed(6)} < 1: the weights cannot sum to 1`,
    );
  }
  if (pr.maxAssets !== undefined) {
    const top = [...ub].sort((a, b) => b - a).slice(0, pr.maxAssets).reduce((s, v) => s + v, 0);
    if (top < 1 - 1e-12) reasons.push(`at most ${pr.maxAssets} assets with weights ≤ ${pr.weightCap} sum to ${+top.toFixed(6)} < 1 (maxPools × weightCap < 1)`);
  }
  if (pr.minAssets !== undefined) {
    if (pr.minAssets > n) reasons.push(`only ${n} assets, minPools is ${pr.minAssets}`);
    const mw = pr.minWeight ?? 1e-4;
    if (pr.minAssets * mw > 1 + 1e-12) reasons.push(`minPools ${pr.minAssets} × minimum weight ${mw} > 1`);
  }
  if (pr.groupCaps && pr.groupCaps.length) {
    const grouped = new Set(pr.groupCaps.flatMap((g) => g.members));
    let reach = 0;
    for (let i = 0; i < n; i++) if (!grouped.has(i)) reach += ub[i];
    for (const g of pr.groupCaps) reach += Math.min(g.cap, g.members.reduce((s, i) => s + ub[i], 0));
    if (reach < 1 - 1e-12) reasons.push(`group caps and weight caps allow at most ${+reach.toFixed(6)} of the portfolio to be invested (< 1)`);
  }
  return reasons;
}

function upperBounds(pr: MeanVarianceProblem): number[] {
  return pr.assets.map((_, i) => Math.min(pr.weightCap, pr.upperBounds?.[i] ?? Infinity));
}

function linearTerm(pr: MeanVarianceProblem): number[] {
  if (pr.objective === 'min-variance') return pr.assets.map(() => 0);
  const g = pr.scorePreference ?? 0;
  return pr.expectedReturns.map((m, i) => m + (pr.scores && g !== 0 ? g * pr.scores[i] : 0));
}

function riskWeight(pr: MeanVarianceProblem): number {
  return pr.objective === 'min-variance' ? 1 : pr.riskAversion;
}

/** U(w) to maximise (min-variance: −wᵀΣw). */
export function meanVarianceUtility(pr: MeanVarianceProblem, w: number[]): number {
  const a = linearTerm(pr);
  return dot(a, w) - riskWeight(pr) * quad(pr.covariance, w);
}

const dot = (a: number[], b: number[]): number => a.reduce((s, v, i) => s + v * b[i], 0);
function quad(S: number[][], w: number[]): number {
  let q = 0;
  for (let i = 0; i < w.length; i++) {
    if (w[i] === 0) continue;
    let r = 0;
    for (let j = 0; j < w.length; j++) r += S[i][j] * w[j];
    q += w[i] * r;
  }
  return q;
}
function gradient(pr: MeanVarianceProblem, w: number[]): number[] {
  const a = linearTerm(pr);
  const lam = riskWeight(pr);
  return a.map((ai, i) => ai - 2 * lam * pr.covariance[i].reduce((s, v, j) => s + v * w[j], 0));
}

/** One QP over the assets in `active` (others 0), each active asset in [lower, ub]. */
async function solveQp(pr: MeanVarianceProblem, active: number[], lower: number, scaleBoost: number): Promise<QpOutcome> {
  const n = pr.assets.length;
  const ub = upperBounds(pr);
  const a = linearTerm(pr);
  const lam = riskWeight(pr);
  const m = active.length;
  const S = (i: number, j: number): number => 0.5 * (pr.covariance[active[i]][active[j]] + pr.covariance[active[j]][active[i]]);
  let diag = 0;
  for (let i = 0; i < m; i++) diag += 2 * lam * S(i, i);
  diag /= m;
  const maxA = Math.max(...active.map((i) => Math.abs(a[i])), 0);
  const scale = scaleBoost * (diag > 0 ? 1 / diag : maxA > 0 ? 1 / maxA : 1);

  let hessian: TriangularHessian | undefined;
  if (lam > 0) {
    hessian = { starts: [0], indices: [], values: [] };
    for (let j = 0; j < m; j++) {
      for (let i = j; i < m; i++) {
        const q = 2 * lam * S(i, j) * scale;
        if (q !== 0) {
          hessian.indices.push(i);
          hessian.values.push(q);
        }
      }
      hessian.starts.push(hessian.indices.length);
    }
  }
  const rows: Array<{ lo: number; hi: number; cols: number[] }> = [{ lo: 1, hi: 1, cols: active.map((_, k) => k) }];
  for (const g of pr.groupCaps ?? []) {
    const cols = active.map((i, k) => (g.members.includes(i) ? k : -1)).filter((k) => k >= 0);
    if (cols.length) rows.push({ lo: -Infinity, hi: g.cap, cols });
  }
  const model: LinearModel = {
    numCols: m,
    numRows: rows.length,
    colCost: active.map((i) => -a[i] * scale),
    colLower: active.map((i) => Math.min(lower, ub[i])),
    colUpper: active.map((i) => ub[i]),
    rowLower: rows.map((r) => r.lo),
    rowUpper: rows.map((r) => r.hi),
    starts: [],
    indices: [],
    values: [],
    integrality: new Array<number>(m).fill(0),
  };
  let k = 0;
  model.starts.push(0);
  for (const r of rows) {
    for (const c of r.cols) {
      model.indices.push(c);
      model.values.push(1);
      k++;
    }
    model.starts.push(k);
  }
  const out = await solveModel(model, { maximize: false, timeLimitSeconds: pr.timeLimitSeconds ?? 10, hessian });
  if (out.label !== 'optimal') return { ok: false, weights: [], label: out.label, message: out.message };
  const w = new Array<number>(n).fill(0);
  active.forEach((i, kk) => {
    w[i] = Math.min(ub[i], Math.max(0, out.x[kk]));
  });
  return { ok: true, weights: w, label: out.label };
}

async function solveQpRobust(pr: MeanVarianceProblem, active: number[], lower: number): Promise<QpOutcome & { solves: number }> {
  const first = await solveQp(pr, active, lower, 1);
  if (first.ok || first.label === 'infeasible') return { ...first, solves: 1 };
  const second = await solveQp(pr, active, lower, 100);
  return { ...second, solves: 2 };
}

export async function solveMeanVariance(pr: MeanVarianceProblem): Promise<MeanVarianceResult> {
  const started = performance.now();
  const warnings: string[] = [];
  const invalid = validateMeanVariance(pr);
  if (invalid.length) return { status: 'error', reasons: invalid, warnings };
  const pre = precheckMeanVariance(pr);
  if (pre.length) return { status: 'infeasible', reasons: pre, warnings };
  const n = pr.assets.length;
  const all = pr.assets.map((_, i) => i);
  let solves = 0;
  const relaxed = await solveQpRobust(pr, all, 0);
  solves += relaxed.solves;
  if (!relaxed.ok) {
    if (relaxed.label === 'infeasible') return { status: 'infeasible', reasons: ['the budget Σw = 1 cannot be met under the weight and group caps'], warnings };
    return { status: 'error', reasons: [`QP solver ended with status ${relaxed.label}${relaxed.message ? `: ${relaxed.message}` : ''} (is the covariance positive semidefinite?)`], warnings };
  }
  const finish = (w: number[], status: 'optimal' | 'heuristic'): MeanVarianceResult => ({
    status,
    weights: w,
    expectedReturn: pr.objective === 'mean-variance' ? dot(pr.expectedReturns, w) : pr.expectedReturns.length === n ? dot(pr.expectedReturns, w) : NaN,
    variance: quad(pr.covariance, w),
    utility: meanVarianceUtility(pr, w),
    qpSolves: solves,
    solveTimeMs: performance.now() - started,
    warnings,
  });
  const minW = pr.minWeight ?? 1e-4;
  const lo = pr.minAssets ?? 0;
  const hi = pr.maxAssets ?? n;
  const support = (w: number[]): number[] => all.filter((i) => w[i] >= minW / 2);
  let S = support(relaxed.weights);
  const cardinalityOk = S.length >= lo && S.length <= hi && S.every((i) => relaxed.weights[i] >= minW - 1e-12);
  if ((pr.minAssets === undefined && pr.maxAssets === undefined) || cardinalityOk) return finish(relaxed.weights, 'optimal');

  // Relax-and-fix.
  const grad0 = gradient(pr, relaxed.weights);
  if (S.length > hi) S = [...S].sort((x, y) => relaxed.weights[y] - relaxed.weights[x]).slice(0, hi);
  if (S.length < lo) {
    const extra = all.filter((i) => !S.includes(i)).sort((x, y) => grad0[y] - grad0[x]);
    S = [...S, ...extra.slice(0, lo - S.length)];
  }
  let best = await solveQpRobust(pr, [...S].sort((x, y) => x - y), minW);
  solves += best.solves;
  if (!best.ok) {
    return { status: 'infeasible', reasons: [`no feasible portfolio found on ${S.length} assets with weights in [${minW}, ${pr.weightCap}] (cardinality heuristic)`], warnings };
  }
  let bestU = meanVarianceUtility(pr, best.weights);
  for (let round = 0; round < 5; round++) {
    const g = gradient(pr, best.weights);
    const outs = [...S].sort((x, y) => best.weights[x] - best.weights[y]).slice(0, 5);
    const ins = all.filter((i) => !S.includes(i)).sort((x, y) => g[y] - g[x]).slice(0, 5);
    let improved: { S: number[]; out: QpOutcome; u: number } | undefined;
    for (const o of outs) {
      for (const inn of ins) {
        const cand = [...S.filter((i) => i !== o), inn].sort((x, y) => x - y);
        const out = await solveQpRobust(pr, cand, minW);
        solves += out.solves;
        if (!out.ok) continue;
        const u = meanVarianceUtility(pr, out.weights);
        if (u > (improved?.u ?? bestU) + 1e-12 * Math.max(1, Math.abs(bestU))) improved = { S: cand, out, u };
      }
    }
    if (!improved) break;
    S = improved.S;
    best = { ...improved.out, solves: 0 };
    bestU = improved.u;
  }
  warnings.push(`cardinality (minPools ${lo}, maxPools ${hi}) enforced by the relax-and-fix + 1-swap heuristic; not proven optimal`);
  return finish(best.weights, 'heuristic');
}
