/**
 * Exponential-smoothing family: simple exponential smoothing (SES), additive damped trend
 * (ETS(A,Ad,N) in error-correction form) and the Theta method, all fitted by minimising the
 * in-sample one-step SSE. Recursions run over typed arrays without allocating per step.
 */
import type { ForecastMethod, MethodParams } from '../types';
import { goldenSection, nelderMead } from './optimize';

// ---------------------------------------------------------------- SES

/** One-step SSE of SES with smoothing α, level initialised at the first value. */
export function sesSse(y: Float64Array, alpha: number): number {
  let l = y[0];
  let sse = 0;
  for (let t = 1; t < y.length; t++) {
    const e = y[t] - l;
    sse += e * e;
    l += alpha * e;
  }
  return sse;
}

/** Final SES level after filtering the whole history. */
export function sesLevel(y: Float64Array, alpha: number): number {
  let l = y[0];
  for (let t = 1; t < y.length; t++) l += alpha * (y[t] - l);
  return l;
}

/** α in [0.01, 1] minimising the SSE (α = 1 is naive, so SES nests it). */
export function fitSesAlpha(y: Float64Array): number {
  if (y.length < 3) return 1;
  return goldenSection((a) => sesSse(y, a), 0.01, 1, 22);
}

export const ses: ForecastMethod = {
  name: 'ses',
  fit: (train) => Float64Array.of(fitSesAlpha(train)),
  forecast(train, h, p, out) {
    const l = sesLevel(train, p[0]);
    for (let i = 0; i < h; i++) out[i] = l;
  },
};

// ---------------------------------------------------------------- damped trend

/** Bounds of (α, β*, φ): φ in [0.8, 0.98] as in Hyndman et al. so the trend always damps. */
export const DAMPED_LOWER = Float64Array.of(0.01, 0.001, 0.8);
export const DAMPED_UPPER = Float64Array.of(1, 0.99, 0.98);

/** Initial slope: mean first difference over up to the first 7 steps (less sensitive to one noisy day). */
function initialSlope(y: Float64Array): number {
  const m = Math.min(y.length - 1, 7);
  return m > 0 ? (y[m] - y[0]) / m : 0;
}

/**
 * One-step SSE of additive damped trend:
 *   ŷ = l + φb;  e = y − ŷ;  l ← ŷ + αe;  b ← φb + αβ*e.
 */
export function dampedSse(y: Float64Array, alpha: number, beta: number, phi: number): number {
  let l = y[0];
  let b = initialSlope(y);
  let sse = 0;
  const ab = alpha * beta;
  for (let t = 1; t < y.length; t++) {
    const f = l + phi * b;
    const e = y[t] - f;
    sse += e * e;
    l = f + alpha * e;
    b = phi * b + ab * e;
  }
  return sse;
}

/** Fits (α, β*, φ) by a coarse grid on α then bounded Nelder–Mead (capped evaluations). */
export function fitDamped(y: Float64Array, maxEvaluations = 60): Float64Array {
  if (y.length < 4) return Float64Array.of(1, 0.001, 0.8);
  let best = Float64Array.of(0.5, 0.1, 0.9);
  let bestVal = Infinity;
  for (const a of [0.2, 0.5, 0.9]) {
    for (const b of [0.05, 0.3]) {
      const v = dampedSse(y, a, b, 0.9);
      if (v < bestVal) {
        bestVal = v;
        best = Float64Array.of(a, b, 0.9);
      }
    }
  }
  const res = nelderMead(
    (p) => dampedSse(y, p[0], p[1], p[2]),
    best,
    [0.15, 0.1, 0.05],
    DAMPED_LOWER,
    DAMPED_UPPER,
    maxEvaluations,
  );
  return res.x;
}

/** Level and slope after filtering the whole history. */
function dampedState(y: Float64Array, alpha: number, beta: number, phi: number): [number, number] {
  let l = y[0];
  let b = initialSlope(y);
  const ab = alpha * beta;
  for (let t = 1; t < y.length; t++) {
    const f = l + phi * b;
    const e = y[t] - f;
    l = f + alpha * e;
    b = phi * b + ab * e;
  }
  return [l, b];
}

export const dampedTrend: ForecastMethod = {
  name: 'dampedTrend',
  fit: (train) => fitDamped(train),
  forecast(train, h, p, out) {
    const [l, b] = dampedState(train, p[0], p[1], p[2]);
    const phi = p[2];
    let damp = 0;
    let pw = 1;
    for (let i = 0; i < h; i++) {
      pw *= phi;
      damp += pw;
      out[i] = l + damp * b;
    }
  },
};

// ---------------------------------------------------------------- Theta

/** OLS slope of y on t = 0..n−1. */
export function olsSlope(y: Float64Array): number {
  const n = y.length;
  if (n < 2) return 0;
  const tMean = (n - 1) / 2;
  let yMean = 0;
  for (let t = 0; t < n; t++) yMean += y[t];
  yMean /= n;
  let sxy = 0;
  let sxx = 0;
  for (let t = 0; t < n; t++) {
    const dt = t - tMean;
    sxy += dt * (y[t] - yMean);
    sxx += dt * dt;
  }
  return sxy / sxx;
}

/**
 * Standard Theta (Assimakopoulos & Nikolopoulos 2000) in Hyndman & Billah's (2003) form: SES with
 * drift half the linear-trend slope,
 *   ŷ(n+h) = ℓn + (b/2)·(h − 1 + 1/α − (1−α)^n/α).
 * Params: [α, b].
 */
export const theta: ForecastMethod = {
  name: 'theta',
  fit: (train) => Float64Array.of(fitSesAlpha(train), olsSlope(train)),
  forecast(train, h, p, out) {
    const alpha = p[0];
    const b = p[1];
    const n = train.length;
    const l = sesLevel(train, alpha);
    const tail = 1 / alpha - Math.pow(1 - alpha, n) / alpha;
    for (let i = 0; i < h; i++) out[i] = l + (b / 2) * (i + tail);
  },
};

export const NO_PARAMS: MethodParams = new Float64Array(0);
