import {
  DEFAULT_SELECTION,
  alignDaily,
  dateToDay,
  forecastDailySeries,
  forecastPool,
  modelInput,
  rollingOriginBacktest,
  selectAndForecast,
  DEFAULT_SERIES_OPTIONS,
  type ForecastMethod,
  type SelectionOptions,
} from '../../functions/src/steps/forecast';
import { METHODS } from '../../functions/src/steps/forecast/methods';
import { linearTrend, normal, randomWalk } from './synthetic';

const H7: SelectionOptions = { ...DEFAULT_SELECTION, horizon: 7 };

describe('selection by rolling-origin backtest', () => {
  it('picks naive on random walks', () => {
    let naive = 0;
    const seeds = 20;
    for (let s = 0; s < seeds; s++) {
      const sel = selectAndForecast(randomWalk(365, 100 + s), 365, DEFAULT_SELECTION);
      if (sel.method === 'naive') naive++;
    }
    expect(naive).toBeGreaterThanOrEqual(seeds * 0.7);
  });

  it('picks a trend method on a trending series and beats naive in the backtest', () => {
    const y = linearTrend(200, 7, 10, 0.5, 0.3);
    const sel = selectAndForecast(y, y.length, H7);
    expect(['dampedTrend', 'theta']).toContain(sel.method);
    expect(sel.backtest.n).toBe(30);
    expect(sel.backtest.mase!).toBeLessThan(sel.backtest.naiveMase!);
    expect(sel.forecast[6]).toBeGreaterThan(sel.forecast[0]); // keeps rising
    expect(sel.reason).toBeNull();
  });

  it('stores MASE against the in-sample naive MAE', () => {
    const y = linearTrend(120, 8, 0, 1, 0.1);
    const sel = selectAndForecast(y, y.length, { ...DEFAULT_SELECTION, incumbent: 'naive', minImprovement: 0 });
    const r = sel.details!.result;
    const naiveIdx = sel.details!.methods.indexOf('naive');
    expect(sel.backtest.naiveMase).toBeCloseTo(r.mae[naiveIdx] / r.scale, 12);
  });
});

describe('no look-ahead', () => {
  const base = randomWalk(300, 42, 50, 0.5);
  const origin = 200;

  it('perturbing values after the origin changes nothing at that origin', () => {
    const perturbed = Float64Array.from(base);
    const z = normal(9);
    for (let t = origin; t < perturbed.length; t++) perturbed[t] = 1e6 * z();
    for (const opts of [DEFAULT_SELECTION, H7]) {
      const a = selectAndForecast(base, origin, opts);
      const b = selectAndForecast(perturbed, origin, opts);
      expect(b.method).toBe(a.method);
      expect(Array.from(b.forecast)).toEqual(Array.from(a.forecast));
      expect(b.backtest).toEqual(a.backtest);
      expect(Array.from(b.details!.result.mae)).toEqual(Array.from(a.details!.result.mae));
    }
  });

  it('the same check catches a method that peeks at the future', () => {
    // A cheat that reads the value right after its training window through the underlying buffer.
    const peeking: ForecastMethod = {
      name: 'mean7',
      fit: () => new Float64Array(0),
      forecast(train, h, _p, out) {
        const buffer = new Float64Array(train.buffer);
        const next = buffer[train.byteOffset / 8 + train.length];
        for (let i = 0; i < h; i++) out[i] = next;
      },
    };
    const methods = [METHODS.naive, peeking];
    const perturbed = Float64Array.from(base);
    for (let t = origin; t < perturbed.length; t++) perturbed[t] += 1000;
    const a = selectAndForecast(base, origin, DEFAULT_SELECTION, methods);
    const b = selectAndForecast(perturbed, origin, DEFAULT_SELECTION, methods);
    // The cheat wins its backtest (it sees each origin's answer) and its forecast moves with the future.
    expect(a.method).toBe('mean7');
    expect(Array.from(b.forecast)).not.toEqual(Array.from(a.forecast));
  });

  it('backtest errors are scored only on values before the origin', () => {
    const methods = [METHODS.naive, METHODS.mean7];
    const opts = { horizon: 3, maxOrigins: 10, minOrigins: 4, minTrain: 14, fitWindow: 120 };
    const r1 = rollingOriginBacktest(base, origin, methods, opts)!;
    const cut = base.slice(0, origin);
    const r2 = rollingOriginBacktest(cut, origin, methods, opts)!;
    expect(Array.from(r1.mae)).toEqual(Array.from(r2.mae));
  });
});

describe('explicit rules', () => {
  it('empty, single point, short, constant and too-short-to-backtest series fall back to naive with a reason', () => {
    expect(selectAndForecast(new Float64Array(0), 0).reason).toBe('no observations');
    const one = selectAndForecast(Float64Array.of(4.2), 1);
    expect(one).toMatchObject({ method: 'naive', reason: 'single observation', backtest: { mase: null, n: 0 } });
    expect(Array.from(one.forecast)).toEqual([4.2]);
    const short = selectAndForecast(randomWalk(10, 1), 10);
    expect(short.method).toBe('naive');
    expect(short.reason).toMatch(/short history/);
    const flat = selectAndForecast(new Float64Array(100).fill(3), 100, H7);
    expect(flat).toMatchObject({ method: 'naive', reason: 'constant series', backtest: { mase: null } });
    expect(Array.from(flat.forecast)).toEqual([3, 3, 3, 3, 3, 3, 3]);
    const tight = selectAndForecast(randomWalk(20, 2), 20, H7); // 20 − 7 − 14 + 1 = 0 origins
    expect(tight.reason).toMatch(/too short to backtest/);
  });

  it('a series constant before the origins but not after gets MASE null, no division by zero', () => {
    const y = new Float64Array(80).fill(2);
    for (let t = 72; t < 80; t++) y[t] = 2 + (t % 3);
    const sel = selectAndForecast(y, 80, { ...DEFAULT_SELECTION, maxOrigins: 10 });
    expect(sel.backtest.mase).toBeNull();
    expect(sel.backtest.n).toBe(10);
    expect(Array.from(sel.forecast).every(Number.isFinite)).toBe(true);
  });

  it('rejects a bad horizon', () => {
    expect(() => selectAndForecast(randomWalk(50, 1), 50, { ...DEFAULT_SELECTION, horizon: 0 })).toThrow(/horizon/);
  });
});

describe('daily series preparation and gaps', () => {
  const day0 = dateToDay('2025-01-01');

  it('aligns timestamps to UTC days, keeps gaps explicit and takes the latest value of a day', () => {
    const s = alignDaily([day0, day0 + 1, day0 + 1, day0 + 4], [1, 2, 3, NaN]);
    expect(s.firstDay).toBe(day0);
    expect(Array.from(s.values)).toEqual([1, 3]);
    const g = alignDaily([day0, day0 + 3], [1, 5]);
    expect(Array.from(g.values).map((v) => (Number.isNaN(v) ? null : v))).toEqual([1, null, null, 5]);
    expect(g.observed).toBe(2);
    expect(dateToDay('2025-01-01T23:59:59.000Z')).toBe(day0);
  });

  it('forward-fills short gaps and cuts the history at a long one', () => {
    const days: number[] = [];
    const vals: number[] = [];
    for (let i = 0; i < 40; i++) { days.push(day0 + i); vals.push(i); }
    for (let i = 60; i < 70; i++) { days.push(day0 + i); vals.push(i); } // 20-day gap, then 10 days
    days.push(day0 + 72); vals.push(72); // 2-day gap
    const input = modelInput(alignDaily(days, vals), { maxGapDays: 7, scale: 'linear' });
    expect(input.cutGapDays).toBe(20);
    expect(input.droppedBeforeGap).toBe(40);
    expect(Array.from(input.y)).toEqual([60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 69, 69, 72]);
    expect(input.filledDays).toBe(2);
    const f = forecastDailySeries(alignDaily(days, vals), { ...DEFAULT_SERIES_OPTIONS, selection: H7 });
    expect(f.method).toBe('naive');
    expect(f.reason).toMatch(/short history after a 20-day gap/);
    expect(f.lastDate).toBe('2025-03-14');
    expect(f.values).toEqual([72, 72, 72, 72, 72, 72, 72]);
  });

  it('a stale series (last observation long before the as-of day) is forecast naive with a reason', () => {
    const y = linearTrend(100, 3, 5, 0.05, 0.01);
    const days = Array.from(y, (_, i) => day0 + i);
    const f = forecastDailySeries(alignDaily(days, y), { ...DEFAULT_SERIES_OPTIONS, asOfDay: day0 + 110 });
    expect(f.method).toBe('naive');
    expect(f.reason).toMatch(/stale/);
  });

  it('forecastPool forecasts APY and TVL separately for the H days after the last date', () => {
    const n = 120;
    const days = Array.from({ length: n }, (_, i) => day0 + i);
    const apy = linearTrend(n, 4, 3, 0.02, 0.05);
    const tvl = randomWalk(n, 5, 1e7, 1e5);
    const f = forecastPool({ days, apy, tvl }, { horizon: 5 });
    expect(f.apy.values).toHaveLength(5);
    expect(f.tvl.values).toHaveLength(5);
    expect(f.apy.lastDate).toBe('2025-04-30');
    expect(f.tvl.method).toBe('naive');
    expect(f.tvl.values[0]).toBe(tvl[n - 1]); // naive returns the observation exactly
    expect(f.apy.values.every((v) => v >= 0)).toBe(true);
  });
});
