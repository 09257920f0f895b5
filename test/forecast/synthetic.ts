/** Seeded synthetic series for the forecasting tests (no fixtures in tests). */
import { mulberry32 } from '../../emulator/market/sim/prng';

/** Standard normal draws (Box–Muller). */
export function normal(seed: number): () => number {
  const u = mulberry32(seed);
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

export function randomWalk(n: number, seed: number, start = 100, sigma = 1): Float64Array {
  const z = normal(seed);
  const y = new Float64Array(n);
  let v = start;
  for (let i = 0; i < n; i++) {
    v += sigma * z();
    y[i] = v;
  }
  return y;
}

export function linearTrend(n: number, seed: number, intercept: number, slope: number, sigma: number): Float64Array {
  const z = normal(seed);
  return Float64Array.from({ length: n }, (_, t) => intercept + slope * t + sigma * z());
}

/** Additive damped trend in error-correction form with known α, β*, φ. */
export function dampedTrendSeries(n: number, seed: number, alpha: number, beta: number, phi: number, sigma: number, l0 = 100, b0 = 1): Float64Array {
  const z = normal(seed);
  const y = new Float64Array(n);
  let l = l0;
  let b = b0;
  for (let t = 0; t < n; t++) {
    const e = sigma * z();
    const f = l + phi * b;
    y[t] = f + e;
    l = f + alpha * e;
    b = phi * b + alpha * beta * e;
  }
  return y;
}
