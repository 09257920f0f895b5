/**
 * forecastGas core: daily average and daily maximum gas price (any positive unit, e.g. gwei) go
 * through the same selection machinery on the log1p scale. Costs use the forecast MAXIMUM
 * (conservative): `costGas` is that series.
 */
import { forecastDailySeries, publicForecast } from './forecastSeries';
import { seriesOptions, type PoolForecastOptions } from './pools';
import { alignDaily } from './series';
import type { SeriesForecast } from './types';

export interface GasHistory {
  days: ArrayLike<number>;
  avg: ArrayLike<number>;
  max: ArrayLike<number>;
}

export interface GasForecast {
  avg: SeriesForecast;
  max: SeriesForecast;
  /** What transaction costs use: the forecast max, never below the forecast average. */
  costGas: number[];
}

export function forecastGas(history: GasHistory, opts: PoolForecastOptions): GasForecast {
  const so = seriesOptions(opts, 'log1p');
  const avg = publicForecast(forecastDailySeries(alignDaily(history.days, history.avg), so));
  const max = publicForecast(forecastDailySeries(alignDaily(history.days, history.max), so));
  // Without a max history the average is the best (if optimistic) cost basis left.
  const costGas = max.values.length > 0 ? max.values.map((v, i) => Math.max(v, avg.values[i] ?? -Infinity)) : avg.values.slice();
  return { avg, max, costGas };
}
