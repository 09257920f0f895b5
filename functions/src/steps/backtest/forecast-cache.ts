/**
 * Per-pool APY/TVL forecasts for the replay, with the method selection cached across days.
 *
 * Method selection (a 30-origin rolling backtest over up to six methods) is ~90 % of a forecast's
 * cost, and the chosen method rarely changes from one day to the next. With `reselectDays` = k, a
 * pool's selection is re-run on the day it is first seen and then every k days; on the days between,
 * the remembered method is re-fitted on the current history (≤ D − 1) and forecasts from it. Still no
 * look-ahead: the remembered choice was itself made from data before the day it was made. k = 1 is
 * exactly the pipeline's forecastPool. Any rule that forces naive in forecastDailySeries (short,
 * constant or stale history) sends the series back through the full path, so those rules still apply.
 */
import {
  DEFAULT_APY_SCALE,
  DEFAULT_TVL_SCALE,
  DEFAULT_SELECTION,
  TVL_SELECTION,
  alignDaily,
  forecastDailySeries,
  fromScale,
  modelInput,
  seriesOptions,
  METHODS,
  type MethodName,
  type SeriesOptions,
} from '../forecast';
import type { PoolObservation } from './types';

export interface PoolForecastValues {
  /** APY forecasts (percent) for days 1..H after the last observation. */
  apy: number[];
  tvl: number[];
}

/** Remembered selections per pool, as stored in the backtest state. */
export type RememberedMethods = Record<string, Remembered>;

export interface Remembered {
  apy: MethodName | null;
  tvl: MethodName | null;
  /** Epoch day the selection ran. */
  selectedOn: number;
}

export class ForecastCache {
  private readonly remembered = new Map<string, Remembered>();
  private readonly apyOpts: SeriesOptions;
  private readonly tvlOpts: SeriesOptions;
  /** Full selections run / cached-method forecasts made (for the bench and the report). */
  stats = { selections: 0, cached: 0 };

  constructor(
    readonly horizon: number,
    readonly reselectDays: number,
  ) {
    this.apyOpts = seriesOptions({ horizon }, DEFAULT_APY_SCALE, DEFAULT_SELECTION);
    this.tvlOpts = seriesOptions({ horizon }, DEFAULT_TVL_SCALE, TVL_SELECTION);
  }

  /** Forecast of one pool from its history (rows ≤ asOfDay − 1 only; the caller guarantees it). */
  forecast(poolId: string, rows: readonly PoolObservation[], asOfDay: number): PoolForecastValues {
    const days = rows.map((r) => r.day);
    const apySeries = alignDaily(days, rows.map((r) => r.apy));
    const tvlSeries = alignDaily(days, rows.map((r) => r.tvlUsd));
    const apyOpts = { ...this.apyOpts, asOfDay };
    const tvlOpts = { ...this.tvlOpts, asOfDay };
    const prev = this.remembered.get(poolId);
    const due = !prev || this.reselectDays <= 1 || asOfDay - prev.selectedOn >= this.reselectDays;
    if (due) {
      this.stats.selections++;
      const a = forecastDailySeries(apySeries, apyOpts);
      const t = forecastDailySeries(tvlSeries, tvlOpts);
      // Only a choice made by the backtest is worth remembering (reason === null).
      this.remembered.set(poolId, { apy: a.reason === null ? a.method : null, tvl: t.reason === null ? t.method : null, selectedOn: asOfDay });
      return { apy: a.values, tvl: t.values };
    }
    this.stats.cached++;
    return {
      apy: withMethod(apySeries, apyOpts, prev.apy) ?? forecastDailySeries(apySeries, apyOpts).values,
      tvl: withMethod(tvlSeries, tvlOpts, prev.tvl) ?? forecastDailySeries(tvlSeries, tvlOpts).values,
    };
  }

  snapshot(): RememberedMethods {
    return Object.fromEntries(this.remembered);
  }

  restore(methods: RememberedMethods): void {
    for (const [id, r] of Object.entries(methods)) this.remembered.set(id, { ...r });
  }

  /** Forget pools not seen for a while (bounded memory over long replays). */
  prune(keep: ReadonlySet<string>): void {
    for (const id of this.remembered.keys()) if (!keep.has(id)) this.remembered.delete(id);
  }
}

/**
 * Forecast with a fixed method, mirroring forecastDailySeries's final step; undefined when a rule of
 * the full path would apply (then the caller takes the full path).
 */
function withMethod(series: ReturnType<typeof alignDaily>, opts: SeriesOptions, method: MethodName | null): number[] | undefined {
  if (method === null) return undefined;
  const input = modelInput(series, { maxGapDays: opts.maxGapDays, scale: opts.scale });
  const y = input.y;
  const end = y.length;
  const sel = opts.selection;
  if (end < Math.max(2, sel.minHistory)) return undefined;
  if (opts.asOfDay !== undefined && opts.asOfDay - input.lastDay > opts.maxStaleDays) return undefined;
  const from = Math.max(0, end - sel.fitWindow);
  let constant = true;
  for (let t = from + 1; t < end && constant; t++) if (y[t] !== y[from]) constant = false;
  if (constant) return undefined;
  const H = sel.horizon;
  const values: number[] = [];
  if (method === 'naive') {
    for (let h = 0; h < H; h++) values.push(opts.floor !== null ? Math.max(opts.floor, input.lastRaw) : input.lastRaw);
    return values;
  }
  const m = METHODS[method];
  const train = y.subarray(from, end);
  const out = new Float64Array(H);
  m.forecast(train, H, m.fit(train), out);
  for (let h = 0; h < H; h++) {
    let v = fromScale(out[h], opts.scale);
    if (!Number.isFinite(v)) return undefined;
    if (opts.floor !== null && v < opts.floor) v = opts.floor;
    values.push(v);
  }
  return values;
}
