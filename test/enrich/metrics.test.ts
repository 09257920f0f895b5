import { mean, sampleStandardDeviation, sampleVariance } from 'simple-statistics';
import {
  computeMetrics,
  defillamaDailyReturn,
  lifetimeMuSigma,
  metricsAt,
  rollingMeanStd,
} from '../../functions/src/steps/enrich/metrics';

const N = NaN;
const one = (series: number[], options = {}) => computeMetrics(Float64Array.from(series), 1, series.length, options);
const arr = (a: Float64Array | Uint32Array) => Array.from(a);

/** DefiLlama's formulas written literally (Math.pow, running product), as the reference. */
function defillamaReference(apys: number[]): { mu: number; sigma: number; count: number } {
  const rs = apys.map((a) => Math.pow(1 + a / 100, 1 / 365) - 1);
  const product = rs.reduce((p, r) => p * (1 + r), 1);
  const count = rs.length;
  const mu = (Math.pow(product, 365 / count) - 1) * 100;
  const sigma = count < 2 ? 0 : Math.sqrt(sampleVariance(rs) * 365) * 100;
  return { mu, sigma, count };
}

describe('computeMetrics: hand-computed values', () => {
  const series = [1, 2, 3, 4, 5, 6, 7, 8];
  const m = one(series);

  test('7-day mean and sample std; NaN until 4 of 7 days are available', () => {
    expect(arr(m.mean7).slice(0, 3)).toEqual([N, N, N]);
    expect(m.mean7[3]).toBeCloseTo(2.5, 12);
    expect(m.std7[3]).toBeCloseTo(Math.sqrt(5 / 3), 12);
    expect(m.mean7[6]).toBeCloseTo(4, 12);
    expect(m.std7[6]).toBeCloseTo(Math.sqrt(28 / 6), 12);
    // The window slides: day 7 covers 2..8.
    expect(m.mean7[7]).toBeCloseTo(5, 12);
    expect(m.std7[7]).toBeCloseTo(Math.sqrt(28 / 6), 12);
  });

  test('30-day stats need 15 available days', () => {
    expect(arr(m.mean30).every(Number.isNaN)).toBe(true);
    const long = one(Array.from({ length: 16 }, (_, i) => i + 1));
    expect(long.mean30[13]).toBeNaN();
    expect(long.mean30[14]).toBeCloseTo(8, 12);
    expect(long.std30[14]).toBeCloseTo(sampleStandardDeviation(Array.from({ length: 15 }, (_, i) => i + 1)), 12);
    expect(long.mean30[15]).toBeCloseTo(8.5, 12);
  });

  test('|Δ| is the absolute day-over-day change, NaN on the first day', () => {
    expect(arr(m.deltaAbs)).toEqual([N, 1, 1, 1, 1, 1, 1, 1]);
    expect(arr(one([5, 2, 2.5]).deltaAbs)).toEqual([N, 3, 0.5]);
  });

  test('daily return = APY / 100 / 365', () => {
    expect(m.dailyReturn[0]).toBeCloseTo(1 / 36500, 15);
    expect(m.dailyReturn[7]).toBeCloseTo(8 / 36500, 15);
  });

  test('minimum point counts are configurable', () => {
    const loose = one([1, 3], { minPoints7: 1 });
    expect(arr(loose.mean7)).toEqual([1, 2]);
    expect(loose.std7[0]).toBeNaN(); // a sample std always needs two points
    expect(loose.std7[1]).toBeCloseTo(Math.SQRT2, 12);
  });
});

describe('computeMetrics: gaps', () => {
  const m = one([1, N, 3, 5, N, N, 9, 11]);

  test('window stats use the available points of the calendar window', () => {
    expect(m.mean7[3]).toBeNaN(); // 3 points only
    expect(m.mean7[5]).toBeNaN(); // still 3
    expect(m.mean7[6]).toBeCloseTo(4.5, 12); // {1,3,5,9}
    expect(m.std7[6]).toBeCloseTo(Math.sqrt(35 / 3), 12);
    expect(m.mean7[7]).toBeCloseTo(7, 12); // {3,5,9,11}: day 0 left the window
    expect(m.std7[7]).toBeCloseTo(Math.sqrt(40 / 3), 12);
  });

  test('|Δ| across a gap is missing, not a jump', () => {
    expect(arr(m.deltaAbs)).toEqual([N, N, N, 2, N, N, N, 2]);
  });

  test('daily return is NaN on gap days; count skips them', () => {
    expect(m.dailyReturn[1]).toBeNaN();
    expect(arr(m.count)).toEqual([1, 1, 2, 3, 3, 3, 4, 5]);
  });

  test('a window emptied by a long gap yields NaN and recovers afterwards', () => {
    const s = [2, 2, 2, 2, ...Array(10).fill(N), 4, 4, 4, 4];
    const g = one(s);
    expect(g.mean7[13]).toBeNaN();
    expect(g.std7[13]).toBeNaN();
    expect(g.mean7[17]).toBe(4);
    expect(g.std7[17]).toBe(0);
  });
});

describe('computeMetrics: edge series', () => {
  test('one-day history: no window stats, no Δ, mu = apy, sigma = 0', () => {
    const m = one([3.65]);
    expect(metricsAt(m, 0, 0)).toEqual({
      mean7: null,
      std7: null,
      mean30: null,
      std30: null,
      deltaAbs: null,
      dailyReturn: 3.65 / 36500,
      mu: expect.closeTo(3.65, 10),
      sigma: 0,
      count: 1,
    });
  });

  test('flat series: std exactly 0 and Δ 0', () => {
    const m = one(Array(40).fill(4.2));
    expect(m.std7[39]).toBe(0);
    expect(m.std30[39]).toBe(0);
    expect(m.mean30[39]).toBeCloseTo(4.2, 12);
    expect(m.deltaAbs[39]).toBe(0);
    expect(m.sigma[39]).toBeCloseTo(0, 12);
    expect(m.mu[39]).toBeCloseTo(4.2, 10);
  });

  test('a series that turns flat after moving reaches std ≈ 0 (no leftover drift)', () => {
    const s = [10, 0.5, 7, 3, 12, 1, 9, ...Array(30).fill(3)];
    const m = one(s);
    expect(m.std7[s.length - 1]).toBeLessThan(1e-12);
    expect(m.std30[s.length - 1]).toBeLessThan(1e-12);
  });

  test('all-gap pool: everything missing, count 0', () => {
    const m = one([N, N, N]);
    expect(arr(m.mu)).toEqual([N, N, N]);
    expect(arr(m.count)).toEqual([0, 0, 0]);
  });

  test('rejects a panel of the wrong size', () => {
    expect(() => computeMetrics(new Float64Array(5), 2, 3)).toThrow(RangeError);
  });
});

describe('DefiLlama mu / sigma', () => {
  test('matches the literal formulas on hand values', () => {
    // Two days, 0 % and 36.5 %: mu = sqrt(1.365) − 1.
    const s = lifetimeMuSigma([0, 36.5]);
    expect(s.count).toBe(2);
    expect(s.mu).toBeCloseTo((Math.sqrt(1.365) - 1) * 100, 9);
    const r2 = Math.pow(1.365, 1 / 365) - 1;
    expect(s.sigma).toBeCloseTo(Math.sqrt(((r2 * r2) / 2) * 365) * 100, 9);
  });

  test('matches the literal formulas on a long random series, and per day in computeMetrics', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const apys = Array.from({ length: 900 }, () => 2 + 8 * rnd());
    const ref = defillamaReference(apys);
    const got = lifetimeMuSigma(apys);
    expect(got.count).toBe(900);
    expect(got.mu).toBeCloseTo(ref.mu, 9);
    expect(got.sigma).toBeCloseTo(ref.sigma, 9);
    const m = one(apys);
    expect(m.mu[899]).toBeCloseTo(ref.mu, 9);
    expect(m.sigma[899]).toBeCloseTo(ref.sigma, 9);
    const ref100 = defillamaReference(apys.slice(0, 100));
    expect(m.mu[99]).toBeCloseTo(ref100.mu, 9);
    expect(m.sigma[99]).toBeCloseTo(ref100.sigma, 9);
  });

  test('gaps are skipped, not counted as zero', () => {
    expect(lifetimeMuSigma([5, null, NaN, 5])).toEqual({ count: 2, mu: expect.closeTo(5, 10), sigma: expect.closeTo(0, 12) });
  });

  test('no observation → NaN; non-finite results become 0 like DefiLlama', () => {
    expect(lifetimeMuSigma([])).toEqual({ count: 0, mu: NaN, sigma: NaN });
    expect(lifetimeMuSigma([5, -150]).mu).toBe(0);
  });

  test('daily return helper is DefiLlama\'s compound rate', () => {
    expect(defillamaDailyReturn(10)).toBeCloseTo(Math.pow(1.1, 1 / 365) - 1, 15);
  });
});

describe('rolling stats against a naive reference on random data', () => {
  function naive(x: Float64Array, window: number, minPoints: number) {
    const means: number[] = [];
    const stds: number[] = [];
    for (let d = 0; d < x.length; d++) {
      const pts = Array.from(x.subarray(Math.max(0, d - window + 1), d + 1)).filter((v) => !Number.isNaN(v));
      means.push(pts.length >= Math.max(1, minPoints) ? mean(pts) : NaN);
      stds.push(pts.length >= Math.max(2, minPoints) ? sampleStandardDeviation(pts) : NaN);
    }
    return { means, stds };
  }

  let seed = 12345;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);

  function compare(x: Float64Array): void {
    const n = x.length;
    for (const [window, minPoints] of [[7, 4], [30, 15], [30, 1]]) {
      const outMean = new Float64Array(n);
      const outStd = new Float64Array(n);
      rollingMeanStd(x, 0, n, window, minPoints, outMean, outStd);
      const ref = naive(x, window, minPoints);
      const bad: string[] = [];
      for (let d = 0; d < n; d++) {
        if (Number.isNaN(outMean[d]) !== Number.isNaN(ref.means[d]) || Number.isNaN(outStd[d]) !== Number.isNaN(ref.stds[d])) bad.push(`w${window} d${d}: NaN mismatch`);
        if (!Number.isNaN(ref.means[d]) && Math.abs(outMean[d] - ref.means[d]) > 1e-9 * Math.max(1, Math.abs(ref.means[d]))) bad.push(`w${window} d${d}: mean ${outMean[d]} vs ${ref.means[d]}`);
        // 1e-5 relative: far tighter than a sum/sum-of-squares update achieves on the 1e6-level case.
        if (!Number.isNaN(ref.stds[d]) && Math.abs(outStd[d] - ref.stds[d]) > 1e-5 * ref.stds[d] + 1e-12) bad.push(`w${window} d${d}: std ${outStd[d]} vs ${ref.stds[d]}`);
      }
      expect(bad).toEqual([]);
    }
  }

  test.each([
    ['small values with 20 % gaps', 0, 10, 0.2],
    ['large common level (cancellation trap): 1e6 + noise of 1e-3', 1e6, 1e-3, 0.1],
    ['spiky values (1e4 jumps)', 0, 1e4, 0.3],
  ])('%s', (_name, level, scale, gapRate) => {
    const x = new Float64Array(500);
    for (let i = 0; i < x.length; i++) x[i] = rnd() < gapRate ? NaN : level + scale * rnd();
    compare(x);
  });

  test('piecewise-flat series with gaps (exercises the exact-flat shortcut)', () => {
    const x = new Float64Array(600);
    let v = 3;
    for (let i = 0; i < x.length; i++) {
      if (rnd() < 0.05) v = Math.round(rnd() * 10) / 2;
      x[i] = rnd() < 0.15 ? NaN : v;
    }
    compare(x);
  });

  test('multi-pool panel: each pool is independent of its neighbours', () => {
    const nDays = 60;
    const a = Array.from({ length: nDays }, () => rnd() * 5);
    const b = Array.from({ length: nDays }, () => (rnd() < 0.3 ? NaN : 100 + rnd()));
    const both = computeMetrics(Float64Array.from([...a, ...b]), 2, nDays);
    const onlyB = one(b);
    expect(Array.from(both.std30.subarray(nDays))).toEqual(Array.from(onlyB.std30));
    expect(Array.from(both.deltaAbs.subarray(nDays))).toEqual(Array.from(onlyB.deltaAbs));
    expect(both.deltaAbs[nDays]).toBeNaN(); // pool b's first day does not see pool a's last day
  });
});
