/**
 * One daily series → its forecast on the original scale: alignment rules (long gap cuts the
 * history, short gaps forward-filled), staleness against an as-of day, selection, back-transform.
 */
import { DEFAULT_SELECTION, selectAndForecast, type Selection, type SelectionOptions } from './select';
import { dayToDate, fromScale, modelInput, type DailySeries } from './series';
import type { Scale, SeriesForecast } from './types';

export interface SeriesOptions {
  selection: SelectionOptions;
  scale: Scale;
  /** A gap longer than this many days ends the usable history. */
  maxGapDays: number;
  /** Lower bound applied to forecasts on the original scale (APY, TVL and gas cannot be negative). */
  floor: number | null;
  /** When set (epoch day), a last observation more than maxStaleDays before it forces naive. */
  asOfDay?: number;
  maxStaleDays: number;
}

export const DEFAULT_SERIES_OPTIONS: SeriesOptions = {
  selection: DEFAULT_SELECTION,
  scale: 'linear',
  maxGapDays: 7,
  floor: 0,
  maxStaleDays: 3,
};

export function forecastDailySeries(series: DailySeries, opts: SeriesOptions): SeriesForecast & { selection: Selection } {
  const input = modelInput(series, { maxGapDays: opts.maxGapDays, scale: opts.scale });
  const H = opts.selection.horizon;
  const lastDate = Number.isFinite(input.lastDay) ? dayToDate(input.lastDay) : null;
  let selection: Selection;
  const stale = opts.asOfDay !== undefined && Number.isFinite(input.lastDay) ? opts.asOfDay - input.lastDay : 0;
  if (stale > opts.maxStaleDays) {
    // Forced naive, but through the same path so single/short rules still report their own reason.
    selection = selectAndForecast(input.y, input.y.length, { ...opts.selection, minHistory: Infinity });
    selection.reason = `stale: last observation ${stale} days before the as-of day`;
  } else {
    selection = selectAndForecast(input.y, input.y.length, opts.selection);
    if (selection.reason?.startsWith('short history') && input.cutGapDays > 0) {
      selection.reason = `short history after a ${input.cutGapDays}-day gap (${input.y.length} days kept)`;
    }
  }
  const values: number[] = [];
  if (input.y.length > 0) {
    for (let h = 0; h < H; h++) {
      let v = selection.method === 'naive' ? input.lastRaw : fromScale(selection.forecast[h], opts.scale);
      if (opts.floor !== null && v < opts.floor) v = opts.floor;
      values.push(v);
    }
  }
  return { method: selection.method, values, lastDate, backtest: selection.backtest, reason: selection.reason, selection };
}

/** Strips diagnostics so the result is plain storable data. */
export function publicForecast(f: SeriesForecast): SeriesForecast {
  return { method: f.method, values: f.values, lastDate: f.lastDate, backtest: f.backtest, reason: f.reason };
}
