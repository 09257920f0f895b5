/**
 * Series preparation: one value per UTC calendar day, gaps kept explicit (NaN), then the
 * contiguous model input with the rules that decide whether modelling is possible at all.
 */
import type { Scale } from './types';

export const MS_PER_DAY = 86_400_000;

/** A daily series: values[i] belongs to UTC day firstDay + i (days since 1970-01-01); NaN = no observation. */
export interface DailySeries {
  firstDay: number;
  values: Float64Array;
  /** Count of non-NaN values. */
  observed: number;
}

/** YYYY-MM-DD of an epoch day. */
export function dayToDate(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** Epoch day of a YYYY-MM-DD string or any timestamp Date.parse understands; NaN when unparseable. */
export function dateToDay(value: string | number): number {
  const ms = typeof value === 'number' ? (value < 1e11 ? value * 1000 : value) : Date.parse(value);
  return Number.isFinite(ms) ? Math.floor(ms / MS_PER_DAY) : NaN;
}

/**
 * Aligns observations to calendar days. Several observations on one day: the latest in input
 * order wins (DefiLlama emits at most one per day; a re-fetch appends the fresher value).
 * Non-finite values are gaps, not zeros.
 */
export function alignDaily(days: ArrayLike<number>, values: ArrayLike<number>): DailySeries {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < days.length; i++) {
    const d = days[i];
    if (!Number.isFinite(d) || !Number.isFinite(values[i])) continue;
    if (d < lo) lo = d;
    if (d > hi) hi = d;
  }
  if (lo === Infinity) return { firstDay: NaN, values: new Float64Array(0), observed: 0 };
  const out = new Float64Array(hi - lo + 1).fill(NaN);
  for (let i = 0; i < days.length; i++) {
    const d = days[i];
    const v = values[i];
    if (Number.isFinite(d) && Number.isFinite(v)) out[d - lo] = v;
  }
  let observed = 0;
  for (let i = 0; i < out.length; i++) if (out[i] === out[i]) observed++;
  return { firstDay: lo, values: out, observed };
}

export interface ModelInputOptions {
  /** A gap longer than this (days) ends the usable history: only data after it is modelled. */
  maxGapDays: number;
  scale: Scale;
}

/** The contiguous history a model sees, on the working scale. */
export interface ModelInput {
  /** Working-scale values, no NaN, last element = last observation. */
  y: Float64Array;
  /** Epoch day of the last observation (NaN when there is none). */
  lastDay: number;
  /** Days forward-filled inside the kept history. */
  filledDays: number;
  /** Observations discarded because they precede a gap longer than maxGapDays. */
  droppedBeforeGap: number;
  /** Length (days) of the long gap that cut the history, 0 if none. */
  cutGapDays: number;
  /** Last observation on the original scale (naive returns it exactly, without a scale round trip). */
  lastRaw: number;
}

export function toScale(v: number, scale: Scale): number {
  return scale === 'log1p' ? Math.log1p(Math.max(v, 0)) : v;
}

export function fromScale(v: number, scale: Scale): number {
  return scale === 'log1p' ? Math.expm1(v) : v;
}

/**
 * Builds the model input: keeps the history after the last gap longer than maxGapDays (a pool that
 * vanished for weeks came back in another regime), forward-fills shorter gaps (what naive assumes
 * about an unobserved day) and applies the working scale.
 */
export function modelInput(series: DailySeries, opts: ModelInputOptions): ModelInput {
  const v = series.values;
  let last = v.length - 1;
  while (last >= 0 && v[last] !== v[last]) last--;
  if (last < 0) return { y: new Float64Array(0), lastDay: NaN, filledDays: 0, droppedBeforeGap: 0, cutGapDays: 0, lastRaw: NaN };
  // Walk back from the end to find where the usable history starts.
  let start = 0;
  let run = 0;
  let cutGapDays = 0;
  for (let i = last; i >= 0; i--) {
    if (v[i] !== v[i]) {
      run++;
    } else {
      if (run > opts.maxGapDays) {
        start = i + run + 1;
        cutGapDays = run;
        break;
      }
      run = 0;
    }
  }
  let droppedBeforeGap = 0;
  for (let i = 0; i < start; i++) if (v[i] === v[i]) droppedBeforeGap++;
  const y = new Float64Array(last - start + 1);
  let filledDays = 0;
  let prev = NaN;
  for (let i = start; i <= last; i++) {
    const x = v[i];
    if (x === x) prev = toScale(x, opts.scale);
    else filledDays++;
    y[i - start] = prev;
  }
  return { y, lastDay: series.firstDay + last, filledDays, droppedBeforeGap, cutGapDays, lastRaw: v[last] };
}
