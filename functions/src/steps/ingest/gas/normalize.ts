/** Pure core of fetchGas: hourly base-fee averages → per-UTC-day mean and max. */
import type { SeriesPoint } from '../../../lib/series';
import type { GasHour } from './schema';

export interface GasDayValue extends Record<string, unknown> {
  /** Mean of the hourly base-fee averages, gwei. */
  meanBaseFeeGwei: number;
  /** Max of the hourly base-fee averages, gwei (costs use forecasts of this: conservative). */
  maxBaseFeeGwei: number;
  /** Hours that contributed (24 for a complete day; the week's oldest day is usually partial). */
  hours: number;
  ingestedOn: string;
}

export interface GasAggregation {
  days: Array<SeriesPoint<GasDayValue>>;
  duplicates: number;
  /** Hours on or after runDate: the current, incomplete day is never aggregated. */
  excludedHours: number;
}

export function aggregateGasDays(hours: ReadonlyArray<GasHour>, runDate: string): GasAggregation {
  const byHour = new Map<string, number>();
  let duplicates = 0;
  let excludedHours = 0;
  for (const h of hours) {
    const instant = new Date(Date.parse(h.period)).toISOString();
    if (instant.slice(0, 10) >= runDate) {
      excludedHours++;
      continue;
    }
    if (byHour.has(instant)) {
      duplicates++;
      continue;
    }
    byHour.set(instant, h.baseFee);
  }
  const byDay = new Map<string, number[]>();
  for (const [instant, fee] of byHour) {
    const day = instant.slice(0, 10);
    const list = byDay.get(day) ?? [];
    list.push(fee);
    byDay.set(day, list);
  }
  const days = [...byDay.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([day, fees]) => ({
      id: day,
      date: day,
      value: {
        meanBaseFeeGwei: round(fees.reduce((s, f) => s + f, 0) / fees.length),
        maxBaseFeeGwei: round(Math.max(...fees)),
        hours: fees.length,
        ingestedOn: runDate,
      },
    }));
  return { days, duplicates, excludedHours };
}

/** 1e-9 gwei resolution: enough, and keeps reruns bit-identical regardless of summation noise. */
function round(x: number): number {
  return Math.round(x * 1e9) / 1e9;
}

/**
 * Which aggregated days to write: new days, days with more hours than stored (a partial oldest day
 * completed), and days this runDate wrote before (a rerun). A complete day stored by an earlier run
 * is never replaced by the partial view of a later week window.
 */
export function daysToWrite(days: ReadonlyArray<SeriesPoint<GasDayValue>>, stored: ReadonlyMap<string, { hours?: unknown; ingestedOn?: unknown }>, runDate: string): Array<SeriesPoint<GasDayValue>> {
  return days.filter((d) => {
    const s = stored.get(d.id);
    if (!s) return true;
    if (s.ingestedOn === runDate) return true;
    return d.value.hours > Number(s.hours ?? 0);
  });
}
