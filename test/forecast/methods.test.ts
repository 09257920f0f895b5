import {
  METHODS,
  fitDamped,
  fitSesAlpha,
  goldenSection,
  hampelFilter,
  nelderMead,
  olsSlope,
  windowMedian,
  windowTrimmedMean,
} from '../../functions/src/steps/forecast/methods';
import { dampedTrendSeries, linearTrend, normal } from './synthetic';

function forecast(name: keyof typeof METHODS, y: Float64Array, h: number): Float64Array {
  const m = METHODS[name];
  const out = new Float64Array(h);
  m.forecast(y, h, m.fit(y), out);
  return out;
}

describe('optimisers', () => {
  it('golden section finds the minimum of a parabola', () => {
    expect(goldenSection((x) => (x - 0.3) ** 2, 0, 1, 40)).toBeCloseTo(0.3, 5);
  });
  it('bounded Nelder–Mead finds an interior minimum and respects bounds', () => {
    const f = (p: Float64Array): number => (p[0] - 0.2) ** 2 + (p[1] - 0.7) ** 2;
    const r = nelderMead(f, [0.5, 0.5], [0.1, 0.1], [0, 0], [1, 1], 200);
    expect(r.x[0]).toBeCloseTo(0.2, 3);
    expect(r.x[1]).toBeCloseTo(0.7, 3);
    const g = nelderMead((p) => (p[0] - 5) ** 2, [0.5], [0.1], [0], [1], 200);
    expect(g.x[0]).toBeCloseTo(1, 6); // clamped to the bound
  });
});

describe('naive and window methods', () => {
  it('naive repeats the last value', () => {
    expect(Array.from(forecast('naive', Float64Array.of(1, 2, 7), 3))).toEqual([7, 7, 7]);
  });
  it('mean7 recovers the level of constant + noise', () => {
    const z = normal(3);
    const y = Float64Array.from({ length: 50 }, () => 10 + 0.1 * z());
    const f = forecast('mean7', y, 2);
    expect(f[0]).toBeCloseTo(10, 1);
    expect(f[0]).toBe(f[1]);
    const last7 = Array.from(y.slice(-7));
    expect(f[0]).toBeCloseTo(last7.reduce((s, v) => s + v, 0) / 7, 12);
  });
  it('median7 and trimmedMean14 ignore a reward spike that moves mean7', () => {
    const y = Float64Array.from({ length: 30 }, () => 5);
    y[27] = 50;
    expect(forecast('median7', y, 1)[0]).toBe(5);
    expect(forecast('trimmedMean14', y, 1)[0]).toBe(5);
    expect(forecast('mean7', y, 1)[0]).toBeGreaterThan(10);
    expect(windowMedian(Float64Array.of(1, 9, 3, 4), 7)).toBe(3.5);
    expect(windowTrimmedMean(Float64Array.of(1, 2, 3, 4, 100, 5, 6, 7), 8, 0.25)).toBe(4.5);
  });
});

describe('Hampel filter + SES', () => {
  it('replaces isolated spikes by the trailing median and leaves clean days alone', () => {
    const z = normal(5);
    const y = Float64Array.from({ length: 60 }, () => 4 + 0.05 * z());
    const spiky = Float64Array.from(y);
    spiky[30] = 40;
    spiky[45] = 0;
    const f = hampelFilter(spiky);
    expect(f[30]).toBeLessThan(4.5);
    expect(f[45]).toBeGreaterThan(3.5);
    // Clean days may be nudged to the local median, never moved far.
    for (let i = 0; i < y.length; i++) if (i !== 30 && i !== 45) expect(Math.abs(f[i] - spiky[i])).toBeLessThan(0.3);
  });
  it('is causal: filtering a prefix equals the prefix of the filtered series', () => {
    const z = normal(6);
    const y = Float64Array.from({ length: 80 }, (_, i) => (i % 13 === 0 ? 20 : 3 + z()));
    const full = hampelFilter(y);
    const prefix = hampelFilter(y.slice(0, 50));
    expect(Array.from(prefix)).toEqual(Array.from(full.slice(0, 50)));
  });
  it('hampelSes forecasts the level, not the spike on the last day', () => {
    const z = normal(7);
    const y = Float64Array.from({ length: 60 }, () => 6 + 0.1 * z());
    y[59] = 30;
    expect(forecast('hampelSes', y, 1)[0]).toBeCloseTo(6, 0);
    expect(forecast('ses', y, 1)[0]).toBeGreaterThan(7); // plain SES follows the spike
  });
});

describe('SES and damped trend recover known parameters', () => {
  it('SES α on a local-level series', () => {
    // Local level: y = l + e, l ← l + αe; generated with α = 0.3.
    const z = normal(11);
    const y = new Float64Array(3000);
    let l = 50;
    for (let t = 0; t < y.length; t++) {
      const e = z();
      y[t] = l + e;
      l += 0.3 * e;
    }
    expect(fitSesAlpha(y)).toBeGreaterThan(0.24);
    expect(fitSesAlpha(y)).toBeLessThan(0.36);
  });

  it('damped trend: fitted α and φ near the generating values on a long series', () => {
    const y = dampedTrendSeries(4000, 21, 0.4, 0.3, 0.9, 0.5, 100, 2);
    const [alpha, beta, phi] = fitDamped(y, 400);
    expect(Math.abs(alpha - 0.4)).toBeLessThan(0.08);
    expect(Math.abs(phi - 0.9)).toBeLessThan(0.05);
    expect(beta).toBeGreaterThan(0.1);
    expect(beta).toBeLessThan(0.6);
  });

  it('damped trend extrapolates a clean linear trend with a slope that damps (φ < 1)', () => {
    const y = Float64Array.from({ length: 200 }, (_, t) => 10 + 0.5 * t);
    const f = forecast('dampedTrend', y, 30);
    expect(f[0]).toBeCloseTo(10 + 0.5 * 200, 0);
    expect(f[1] - f[0]).toBeGreaterThan(0.35);
    expect(f[29] - f[28]).toBeLessThan(f[1] - f[0]); // damping
  });
});

describe('Theta', () => {
  it('recovers the slope of a linear trend + noise and forecasts with drift b/2', () => {
    const y = linearTrend(400, 31, 20, 0.25, 1);
    const slope = olsSlope(y);
    expect(slope).toBeCloseTo(0.25, 2);
    const f = forecast('theta', y, 20);
    // SES-with-drift: consecutive forecasts grow by exactly b/2.
    expect(f[10] - f[9]).toBeCloseTo(slope / 2, 10);
    // The level is near the end of the trend line (the (1/α − 1)·b/2 term offsets SES lag).
    expect(Math.abs(f[0] - (20 + 0.25 * 400))).toBeLessThan(2.5);
  });
  it('equals SES on a series without trend (b ≈ 0)', () => {
    const y = Float64Array.from({ length: 100 }, (_, t) => 5 + (t % 2 === 0 ? 0.1 : -0.1));
    const f = forecast('theta', y, 3);
    const s = forecast('ses', y, 3);
    expect(Math.abs(f[0] - s[0])).toBeLessThan(0.02);
  });
});

describe('combinations', () => {
  it('robustComb takes the median of its members (a spike outvoted)', () => {
    const y = Float64Array.from({ length: 40 }, () => 3);
    y[39] = 30;
    const f = forecast('robustComb', y, 1)[0];
    expect(f).toBeLessThan(4); // median7, trimmedMean14 and hampelSes say 3; SES/Theta chase the spike
  });
});
