/**
 * Outlier-aware smoothing: SES on a causally Hampel-filtered history. A day whose value is more
 * than k robust standard deviations (1.4826·MAD) from the median of the previous `window` days is
 * replaced by that median. Causal (uses only earlier days), so filtering a prefix equals the prefix
 * of the filtered series: no look-ahead. A real level shift is accepted once it fills half the window.
 */
import type { ForecastMethod } from '../types';
import { fitSesAlpha, sesLevel } from './smoothing';

const win = new Float64Array(32);
const dev = new Float64Array(32);

function insertSorted(buf: Float64Array, m: number, v: number): void {
  let j = m - 1;
  while (j >= 0 && buf[j] > v) {
    buf[j + 1] = buf[j];
    j--;
  }
  buf[j + 1] = v;
}

function medianOfSorted(buf: Float64Array, m: number): number {
  return m % 2 === 1 ? buf[(m - 1) / 2] : 0.5 * (buf[m / 2 - 1] + buf[m / 2]);
}

/** Causal Hampel filter into `out` (same length as y). */
export function hampelFilter(y: Float64Array, window = 7, k = 3, out = new Float64Array(y.length)): Float64Array {
  const n = y.length;
  for (let t = 0; t < n; t++) {
    const m = Math.min(window, t);
    if (m < 3) {
      out[t] = y[t];
      continue;
    }
    // Median and MAD of the raw previous m days (raw, so a filtered spike cannot mask the next one).
    for (let j = 0; j < m; j++) insertSorted(win, j, y[t - m + j]);
    const med = medianOfSorted(win, m);
    for (let j = 0; j < m; j++) insertSorted(dev, j, Math.abs(win[j] - med));
    const mad = medianOfSorted(dev, m);
    // Floor the scale so that a flat window does not flag every tiny wiggle.
    const scale = Math.max(1.4826 * mad, 1e-3 * Math.abs(med), 1e-12);
    out[t] = Math.abs(y[t] - med) > k * scale ? med : y[t];
  }
  return out;
}

export const hampelSes: ForecastMethod = {
  name: 'hampelSes',
  fit: (train) => Float64Array.of(fitSesAlpha(hampelFilter(train))),
  forecast(train, h, p, out) {
    const l = sesLevel(hampelFilter(train), p[0]);
    for (let i = 0; i < h; i++) out[i] = l;
  },
};
