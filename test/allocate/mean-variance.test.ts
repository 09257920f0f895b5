/**
 * Mean-variance QP against independent references: closed-form two-asset solutions, exhaustive
 * active-set enumeration for small n, and KKT conditions checked numerically on larger random problems.
 */
import { meanVarianceUtility, optimizeAllocation, solveMeanVariance, type MeanVarianceProblem, type MeanVarianceResult } from '../../functions/src/steps/allocate';
import { expectSolved, input, params, pool, rng, violations } from './helpers';

function weightsOf(r: MeanVarianceResult): number[] {
  if (!('weights' in r)) throw new Error(`expected weights, got ${r.status}: ${r.reasons.join('; ')}`);
  return r.weights;
}

/** Solves A x = b by Gaussian elimination with partial pivoting. */
function solveLinear(A: number[][], b: number[]): number[] | null {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r][c]) > Math.abs(M[piv][c])) piv = r;
    if (Math.abs(M[piv][c]) < 1e-14) return null;
    [M[c], M[piv]] = [M[piv], M[c]];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = M[r][c] / M[c][c];
      for (let k = c; k <= n; k++) M[r][k] -= f * M[c][k];
    }
  }
  return M.map((row, i) => row[n] / row[i]);
}

/** Exact optimum by enumerating every assignment of each weight to {0, cap, free} (3ⁿ, small n only). */
function activeSetReference(pr: MeanVarianceProblem): number[] {
  const n = pr.assets.length;
  const lam = pr.objective === 'min-variance' ? 1 : pr.riskAversion;
  const a = pr.objective === 'min-variance' ? new Array(n).fill(0) : pr.expectedReturns.map((m, i) => m + (pr.scorePreference ?? 0) * (pr.scores?.[i] ?? 0));
  const cap = pr.weightCap;
  let best: number[] | null = null;
  let bestU = -Infinity;
  for (let code = 0; code < 3 ** n; code++) {
    const state: number[] = [];
    let c = code;
    for (let i = 0; i < n; i++) {
      state.push(c % 3);
      c = Math.floor(c / 3);
    }
    const free = state.flatMap((s, i) => (s === 2 ? [i] : []));
    const w = state.map((s) => (s === 1 ? cap : 0));
    const fixedSum = w.reduce((s, v) => s + v, 0);
    if (free.length === 0) {
      if (Math.abs(fixedSum - 1) > 1e-12) continue;
    } else {
      // Stationarity on the free set: 2λ Σ_FF w_F − ν = a_F − 2λ Σ_FB w_B, and Σ w_F = 1 − Σ w_B.
      const k = free.length;
      const A = free.map((i) => [...free.map((j) => 2 * lam * pr.covariance[i][j]), -1]);
      A.push([...free.map(() => 1), 0]);
      const rhs = free.map((i) => a[i] - 2 * lam * w.reduce((s, wj, j) => s + pr.covariance[i][j] * wj, 0));
      rhs.push(1 - fixedSum);
      const x = solveLinear(A, rhs);
      if (!x) continue;
      if (x.slice(0, k).some((v) => v < -1e-12 || v > cap + 1e-12)) continue;
      free.forEach((i, kk) => (w[i] = x[kk]));
    }
    const u = meanVarianceUtility(pr, w);
    if (u > bestU) {
      bestU = u;
      best = w;
    }
  }
  return best!;
}

/** Max violation of the KKT conditions of min −U(w) s.t. Σw = 1, 0 ≤ w ≤ cap, relative to the gradient scale. */
function kktViolation(pr: MeanVarianceProblem, w: number[]): number {
  const n = w.length;
  const lam = pr.objective === 'min-variance' ? 1 : pr.riskAversion;
  const a = pr.objective === 'min-variance' ? new Array(n).fill(0) : pr.expectedReturns;
  const g = w.map((_, i) => -a[i] + 2 * lam * pr.covariance[i].reduce((s, v, j) => s + v * w[j], 0));
  const scale = Math.max(...g.map(Math.abs), 1e-12);
  const tolW = 1e-7;
  const interior = w.flatMap((v, i) => (v > tolW && v < pr.weightCap - tolW ? [i] : []));
  const atLo = w.flatMap((v, i) => (v <= tolW ? [i] : []));
  const atHi = w.flatMap((v, i) => (v >= pr.weightCap - tolW ? [i] : []));
  // ν: the budget multiplier; from interior assets if any, else any value between the bound gradients.
  const nu = interior.length ? interior.reduce((s, i) => s + g[i], 0) / interior.length : (Math.max(...atHi.map((i) => g[i]), -Infinity) + Math.min(...atLo.map((i) => g[i]), Infinity)) / 2;
  let worst = Math.abs(w.reduce((s, v) => s + v, 0) - 1);
  for (const v of w) worst = Math.max(worst, -v, v - pr.weightCap);
  for (const i of interior) worst = Math.max(worst, Math.abs(g[i] - nu) / scale);
  for (const i of atLo) worst = Math.max(worst, (nu - g[i]) / scale);
  for (const i of atHi) worst = Math.max(worst, (g[i] - nu) / scale);
  return worst;
}

function randomProblem(seed: number, n: number, objective: MeanVarianceProblem['objective'] = 'mean-variance'): MeanVarianceProblem {
  const r = rng(seed);
  // Σ = B Bᵀ/k + diag: PSD with realistic correlations; daily-return-like magnitudes.
  const k = 3;
  const B = Array.from({ length: n }, () => Array.from({ length: k }, () => (r() - 0.5) * 0.02));
  const cov = B.map((bi, i) => B.map((bj, j) => bi.reduce((s, v, t) => s + v * bj[t], 0) / k + (i === j ? 1e-5 * (0.5 + r()) : 0)));
  return {
    objective,
    assets: Array.from({ length: n }, (_, i) => `a${i}`),
    expectedReturns: Array.from({ length: n }, () => (r() * 10) / 36500),
    covariance: cov,
    riskAversion: 0.5 + r() * 5,
    weightCap: Math.max(1.5 / n, 0.05 + r() * 0.5),
  };
}

describe('mean-variance QP', () => {
  const s1 = 0.02;
  const s2 = 0.03;
  const rho = 0.3;
  const cov = [
    [s1 * s1, rho * s1 * s2],
    [rho * s1 * s2, s2 * s2],
  ];
  const denom = s1 * s1 + s2 * s2 - 2 * rho * s1 * s2;

  test('two-asset min-variance matches the closed form', async () => {
    const pr: MeanVarianceProblem = { objective: 'min-variance', assets: ['x', 'y'], expectedReturns: [0, 0], covariance: cov, riskAversion: 1, weightCap: 1 };
    const w = weightsOf(await solveMeanVariance(pr));
    const w1 = (s2 * s2 - rho * s1 * s2) / denom;
    expect(Math.abs(w[0] - w1)).toBeLessThan(1e-6);
    expect(Math.abs(w[1] - (1 - w1))).toBeLessThan(1e-6);
  });

  test('two-asset mean-variance matches the closed form, interior and clipped by weightCap', async () => {
    const mu = [0.0004, 0.0001];
    for (const [lam, capW] of [[5, 1], [0.5, 1], [5, 0.6], [50, 0.55]] as const) {
      const pr: MeanVarianceProblem = { objective: 'mean-variance', assets: ['x', 'y'], expectedReturns: [...mu], covariance: cov, riskAversion: lam, weightCap: capW };
      const res = await solveMeanVariance(pr);
      const w = weightsOf(res);
      // d/dw1 of μ1w + μ2(1−w) − λ[w²σ1² + 2w(1−w)σ12 + (1−w)²σ2²] = 0, then clip to [1 − cap, cap].
      const free = ((mu[0] - mu[1]) / (2 * lam) + s2 * s2 - rho * s1 * s2) / denom;
      const w1 = Math.min(capW, Math.max(1 - capW, free));
      expect(Math.abs(w[0] - w1)).toBeLessThan(1e-6);
      if ('weights' in res) {
        expect(res.expectedReturn).toBeCloseTo(mu[0] * w[0] + mu[1] * w[1], 12);
        expect(res.variance).toBeCloseTo(w[0] * w[0] * cov[0][0] + 2 * w[0] * w[1] * cov[0][1] + w[1] * w[1] * cov[1][1], 12);
      }
    }
  });

  test.each([1, 2, 3, 4, 5, 6, 7, 8])('random 5-asset problem %i agrees with exhaustive active-set enumeration to 1e-6', async (seed) => {
    const pr = randomProblem(seed, 5, seed % 3 === 0 ? 'min-variance' : 'mean-variance');
    if (seed % 2 === 0) {
      pr.scores = [0.1, 0.9, 0.5, 0.3, 0.7];
      pr.scorePreference = 0.0002;
    }
    const w = weightsOf(await solveMeanVariance(pr));
    const ref = activeSetReference(pr);
    for (let i = 0; i < 5; i++) expect(Math.abs(w[i] - ref[i])).toBeLessThan(1e-6);
  });

  test.each([11, 12, 13, 14, 15])('random 40-asset problem %i satisfies KKT to 1e-6', async (seed) => {
    const pr = randomProblem(seed, 40, seed === 13 ? 'min-variance' : 'mean-variance');
    const w = weightsOf(await solveMeanVariance(pr));
    expect(kktViolation(pr, w)).toBeLessThan(1e-6);
  });

  test('weightCap × n < 1 is infeasible with a reason', async () => {
    const r = await solveMeanVariance({ objective: 'mean-variance', assets: ['a', 'b', 'c'], expectedReturns: [1, 2, 3], covariance: [[1, 0, 0], [0, 1, 0], [0, 0, 1]], riskAversion: 1, weightCap: 0.3 });
    expect(r.status).toBe('infeasible');
    if (!('weights' in r)) expect(r.reasons[0]).toMatch(/weightCap 0.3 × 3 assets = 0.9 < 1/);
  });

  test('cardinality heuristic: at most maxAssets held, each ≥ minWeight, 1-swap locally optimal', async () => {
    // High risk aversion spreads the continuous optimum over many assets, so the heuristic must cut it to 2.
    const pr = { ...randomProblem(21, 8), riskAversion: 1000, weightCap: 0.6, maxAssets: 2, minAssets: 2, minWeight: 0.05 };
    const res = await solveMeanVariance(pr);
    const w = weightsOf(res);
    expect(res.status).toBe('heuristic');
    const held = w.flatMap((v, i) => (v > 1e-9 ? [i] : []));
    expect(held.length).toBe(2);
    for (const i of held) expect(w[i]).toBeGreaterThanOrEqual(0.05 - 1e-9);
    expect(Math.abs(w.reduce((s, v) => s + v, 0) - 1)).toBeLessThan(1e-9);
    // Exhaustive over all pairs, each pair solved in closed form on [0.4, 0.6] (both ≥ minWeight since cap 0.6 forces ≥ 0.4).
    const u = meanVarianceUtility(pr, w);
    let best = -Infinity;
    for (let i = 0; i < 8; i++)
      for (let j = i + 1; j < 8; j++) {
        const sub: MeanVarianceProblem = { ...pr, assets: ['i', 'j'], expectedReturns: [pr.expectedReturns[i], pr.expectedReturns[j]], covariance: [[pr.covariance[i][i], pr.covariance[i][j]], [pr.covariance[j][i], pr.covariance[j][j]]] };
        const ref = activeSetReference(sub);
        best = Math.max(best, meanVarianceUtility(sub, ref));
      }
    expect(u).toBeGreaterThanOrEqual(best - 1e-9 * Math.max(1, Math.abs(best)));
  });

  test('objective "mean-variance" in the pipeline: weights within caps, then the shared transaction derivation', async () => {
    const pools = [pool('A', ['USDC'], 6), pool('B', ['USDT'], 5, { group: 2 }), pool('C', ['USDC'], 4, { group: 3 }), pool('D', ['USDC'], 9, { passesFinalFilter: false })];
    const inp = input({
      pools,
      holdings: [{ poolId: 'D', token: 'USDC', amountUsd: 40_000 }],
      wallet: { USDC: 60_000 },
      params: params({ objective: 'mean-variance', minPools: 3, maxPools: 3, weightCap: 0.4, maxAllocShare: 0.4, riskAversion: 2, groupCaps: { '1': 0.4, '2': 0.4, '3': 0.4 } }),
      meanVariance: { assets: ['A', 'B', 'C', 'D'], expectedReturns: [6, 5, 4, 9].map((x) => x / 36500), covariance: [[4e-8, 0, 0, 0], [0, 4e-8, 0, 0], [0, 0, 4e-8, 0], [0, 0, 0, 4e-8]] },
    });
    const r = expectSolved(await optimizeAllocation(inp));
    expect(r.objective).toBe('mean-variance');
    expect(Object.keys(r.targetWeights!).sort()).toEqual(['A', 'B', 'C']);
    expect(Object.values(r.targetWeights!).reduce((s, v) => s + v, 0)).toBeCloseTo(1, 9);
    expect(r.transactions.filter((t) => t.type === 'WITHDRAW').map((t) => t.poolId)).toEqual(['D']);
    expect(r.transactions.some((t) => t.type === 'CONVERT' && t.toToken === 'USDT')).toBe(true);
    expect(violations(inp, r)).toEqual([]);
  });
});
