/**
 * Hourly gas averages (ethgastracker /average shape, gwei). Level = the calibrated median of the daily
 * average for the year (log-interpolated between years, the last year held flat), × a weekday factor,
 * × slow and daily log-noise, × occasional spike days, × an intraday cycle peaking in US/EU overlap hours.
 */
import { CALIBRATION } from './calibration';
import { dayIndex, dayString, weekday } from './dates';
import { fromQuantiles } from './calibration';
import { hashInts, nAt, uAt, valueNoise } from './prng';
import type { GasHour } from './types';

/** Tuned so the simulated daily log-change sd matches calibration (checked by the statistics test). */
const GAS_JITTER_SCALE = 0.3;
const S_SPIKE = 1, S_SPIKE_SIZE = 2, S_HOUR = 3, S_HSPIKE = 4, S_MISC = 5;

function yearlyLevel(day: number): number {
  const years = Object.keys(CALIBRATION.gas.yearlyMedianGwei).map(Number).sort((a, b) => a - b);
  const y = Number(dayString(day).slice(0, 4)) + (day - dayIndex(dayString(day).slice(0, 4) + '-01-01')) / 365;
  const at = (yr: number): number => Math.log(CALIBRATION.gas.yearlyMedianGwei[String(yr)]);
  // Interpolate between mid-year points.
  const pos = y - 0.5;
  if (pos <= years[0]) return Math.exp(at(years[0]));
  if (pos >= years[years.length - 1]) return Math.exp(at(years[years.length - 1]));
  const y0 = Math.floor(pos);
  const f = pos - y0;
  return Math.exp(at(y0) + (at(y0 + 1) - at(y0)) * f);
}

export class GasModel {
  private readonly key: number;
  constructor(seedKey: number, private readonly ethPrice: (day: number) => number) {
    this.key = hashInts(seedKey, 0x6a5);
  }

  /** Daily average level in gwei (before the intraday cycle). */
  dailyLevel(day: number): number {
    const g = CALIBRATION.gas;
    // The measured daily log-change sd already includes the weekday swings and the spike days (≈ 9 % of
    // days at ×2–5, i.e. most of the variance), so the iid part only fills the remainder.
    const j = (g.dailyLogSd / Math.SQRT2) * GAS_JITTER_SCALE;
    const noise = valueNoise(this.key, day, [j, 0, 0, 0.1, 0.1, 0.12, 0.12, 0.1]);
    let level = yearlyLevel(day) * g.weekdayFactor[weekday(day)] * Math.exp(noise);
    if (uAt(this.key, day, S_SPIKE) < g.spikeDayShare) level *= fromQuantiles(g.spikeRatio, uAt(this.key, day, S_SPIKE_SIZE));
    return level;
  }

  hour(hourIndex: number): GasHour {
    const day = Math.floor(hourIndex / 24);
    const h = hourIndex - day * 24;
    const cycle = 1 + 0.22 * Math.cos((2 * Math.PI * (h - 15)) / 24);
    let base = this.dailyLevel(day) * cycle * Math.exp(0.15 * nAt(this.key, hourIndex, S_HOUR));
    if (uAt(this.key, hourIndex, S_HSPIKE) < 0.01) base *= 2 + 3 * uAt(this.key, hourIndex, S_HSPIKE + 1);
    const u = (i: number): number => uAt(this.key, hourIndex, S_MISC + i);
    const gasLimit = day >= dayIndex('2025-07-21') ? 45_000_000 : day >= dayIndex('2025-02-05') ? 36_000_000 : 30_000_000;
    const r = (x: number): number => Number(x.toPrecision(9));
    return {
      period: `${dayString(day)}T${String(h).padStart(2, '0')}:00:00+00:00`,
      baseFee: r(base),
      min: r(base * (0.55 + 0.3 * u(1))),
      max: r(base * (1.2 + 1.5 * u(2))),
      median: r(base * (0.93 + 0.06 * u(3))),
      gasLimit,
      gasUsed: Math.round(gasLimit * (0.42 + 0.2 * u(4))),
      txCount: Math.round(140 + 80 * u(5)),
      ethPrice: Math.round(this.ethPrice(day) * 100) / 100,
    };
  }
}
