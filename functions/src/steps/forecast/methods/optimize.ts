/**
 * Tiny derivative-free optimisers for fitting smoothing parameters by SSE. Iterations are capped:
 * the SSE surfaces are flat near the optimum, so a few dozen evaluations reach forecast-relevant
 * precision and keep 5,000-series runs fast.
 */

/** Golden-section minimisation of a unimodal-ish f on [lo, hi]. */
export function goldenSection(f: (x: number) => number, lo: number, hi: number, iterations = 24): number {
  const g = (Math.sqrt(5) - 1) / 2;
  let a = lo;
  let b = hi;
  let c = b - g * (b - a);
  let d = a + g * (b - a);
  let fc = f(c);
  let fd = f(d);
  for (let i = 0; i < iterations; i++) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - g * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + g * (b - a);
      fd = f(d);
    }
  }
  return fc < fd ? c : d;
}

/**
 * Nelder–Mead with box bounds enforced by clamping every trial point. Returns the best point.
 * `start` is the initial vertex; the simplex is built by stepping `step[i]` along each axis.
 */
export function nelderMead(
  f: (x: Float64Array) => number,
  start: ArrayLike<number>,
  step: ArrayLike<number>,
  lower: ArrayLike<number>,
  upper: ArrayLike<number>,
  maxEvaluations = 80,
): { x: Float64Array; value: number } {
  const n = start.length;
  const clamp = (p: Float64Array): Float64Array => {
    for (let i = 0; i < n; i++) p[i] = Math.min(upper[i], Math.max(lower[i], p[i]));
    return p;
  };
  const pts: Float64Array[] = [];
  const vals: number[] = [];
  for (let k = 0; k <= n; k++) {
    const p = Float64Array.from(start);
    if (k > 0) {
      p[k - 1] += step[k - 1];
      if (p[k - 1] > upper[k - 1]) p[k - 1] -= 2 * step[k - 1];
    }
    clamp(p);
    pts.push(p);
    vals.push(f(p));
  }
  let evals = n + 1;
  const centroid = new Float64Array(n);
  const trial = new Float64Array(n);
  const trial2 = new Float64Array(n);
  const order = pts.map((_, i) => i);
  while (evals < maxEvaluations) {
    order.sort((i, j) => vals[i] - vals[j]);
    const best = order[0];
    const worst = order[n];
    const second = order[n - 1];
    if (Math.abs(vals[worst] - vals[best]) <= 1e-10 * (Math.abs(vals[best]) + 1e-12)) break;
    centroid.fill(0);
    for (let k = 0; k < n; k++) for (let i = 0; i < n; i++) centroid[i] += pts[order[k]][i] / n;
    for (let i = 0; i < n; i++) trial[i] = centroid[i] + (centroid[i] - pts[worst][i]);
    clamp(trial);
    const fr = f(trial);
    evals++;
    if (fr < vals[best]) {
      for (let i = 0; i < n; i++) trial2[i] = centroid[i] + 2 * (centroid[i] - pts[worst][i]);
      clamp(trial2);
      const fe = f(trial2);
      evals++;
      if (fe < fr) {
        pts[worst].set(trial2);
        vals[worst] = fe;
      } else {
        pts[worst].set(trial);
        vals[worst] = fr;
      }
    } else if (fr < vals[second]) {
      pts[worst].set(trial);
      vals[worst] = fr;
    } else {
      // Contraction (inside or outside), then shrink towards the best if that fails.
      const outside = fr < vals[worst];
      for (let i = 0; i < n; i++) trial2[i] = centroid[i] + (outside ? 0.5 : -0.5) * (centroid[i] - pts[worst][i]);
      clamp(trial2);
      const fc = f(trial2);
      evals++;
      if (fc < Math.min(fr, vals[worst])) {
        pts[worst].set(trial2);
        vals[worst] = fc;
      } else {
        for (let k = 1; k <= n; k++) {
          const idx = order[k];
          for (let i = 0; i < n; i++) pts[idx][i] = pts[best][i] + 0.5 * (pts[idx][i] - pts[best][i]);
          vals[idx] = f(pts[idx]);
          evals++;
        }
      }
    }
  }
  let bi = 0;
  for (let k = 1; k <= n; k++) if (vals[k] < vals[bi]) bi = k;
  return { x: Float64Array.from(pts[bi]), value: vals[bi] };
}
