/**
 * Parameter-free baselines: naive (tomorrow = today), the 7-day window mean, and the robust
 * window estimators (median, trimmed mean) that ignore short reward spikes.
 */
import type { ForecastMethod, MethodParams } from '../types';

const NONE: MethodParams = new Float64Array(0);

function flat(out: Float64Array, h: number, value: number): void {
  for (let i = 0; i < h; i++) out[i] = value;
}

export const naive: ForecastMethod = {
  name: 'naive',
  fit: () => NONE,
  forecast(train, h, _p, out) {
    flat(out, h, train.length > 0 ? train[train.length - 1] : NaN);
  },
};

/** Mean of the last `window` values (fewer when the history is shorter). */
export function windowMean(train: Float64Array, window: number): number {
  const n = train.length;
  const from = Math.max(0, n - window);
  let s = 0;
  for (let i = from; i < n; i++) s += train[i];
  return n > from ? s / (n - from) : NaN;
}

export const mean7: ForecastMethod = {
  name: 'mean7',
  fit: () => NONE,
  forecast(train, h, _p, out) {
    flat(out, h, windowMean(train, 7));
  },
};

/** Copies the last `window` values into `buf` and sorts them (insertion sort: windows are tiny). */
function sortedTail(train: Float64Array, window: number, buf: Float64Array): number {
  const n = train.length;
  const m = Math.min(window, n);
  for (let k = 0; k < m; k++) {
    const v = train[n - m + k];
    let j = k - 1;
    while (j >= 0 && buf[j] > v) {
      buf[j + 1] = buf[j];
      j--;
    }
    buf[j + 1] = v;
  }
  return m;
}

const scratch = new Float64Array(64);

/** Median of the last `window` values. */
export function windowMedian(train: Float64Array, window: number): number {
  const m = sortedTail(train, window, scratch);
  if (m === 0) return NaN;
  return m % 2 === 1 ? scratch[(m - 1) / 2] : 0.5 * (scratch[m / 2 - 1] + scratch[m / 2]);
}

/** Mean of the last `window` values after dropping floor(trim × m) from each end. */
export function windowTrimmedMean(train: Float64Array, window: number, trim: number): number {
  const m = sortedTail(train, window, scratch);
  if (m === 0) return NaN;
  const k = Math.floor(trim * m);
  let s = 0;
  for (let i = k; i < m - k; i++) s += scratch[i];
  return s / (m - 2 * k);
}

export const median7: ForecastMethod = {
  name: 'median7',
  fit: () => NONE,
  forecast(train, h, _p, out) {
    flat(out, h, windowMedian(train, 7));
  },
};

/** 14-day mean without the 3 lowest and 3 highest days (25 % trimmed each side, floor). */
export const trimmedMean14: ForecastMethod = {
  name: 'trimmedMean14',
  fit: () => NONE,
  forecast(train, h, _p, out) {
    flat(out, h, windowTrimmedMean(train, 14, 0.25));
  },
};
