import { planChunks } from '../../functions/src/lib/cross-section';
import { zScoresOn } from '../../functions/src/steps/enrich/clean';
import { latestScoreVector, normalizeScoreRows } from '../../functions/src/steps/enrich/features';
import { chartToPoints, historyWindow, type ChartRow } from '../../functions/src/steps/enrich/history';
import { dailyReturns } from '../../functions/src/steps/enrich/metrics';

const row = (day: string, apy: number | null, hour = '23:00'): ChartRow => ({ timestamp: `${day}T${hour}:00.000Z`, apy, tvlUsd: 100, apyBase: apy, apyReward: null });
const stored = (entries: Array<[string, string]>) => new Map(entries.map(([day, ingestedOn]) => [day, { ingestedOn }]));

describe('historyWindow', () => {
  test('nothing stored: the whole chart up to runDate − 1', () => {
    expect(historyWindow(new Map(), '2025-03-01')).toEqual({ from: null, to: '2025-02-28' });
  });
  test('starts the day after the last day an EARLIER runDate stored', () => {
    expect(historyWindow(stored([['2025-02-27', '2025-02-28'], ['2025-02-26', '2025-02-28']]), '2025-03-01')).toEqual({ from: '2025-02-28', to: '2025-02-28' });
  });
  test('up to date: undefined (no request at all)', () => {
    expect(historyWindow(stored([['2025-03-01', '2025-03-01']]), '2025-03-02')).toBeUndefined();
  });
  test("points this runDate wrote do not count: a rerun recomputes the same window", () => {
    expect(historyWindow(stored([['2025-02-27', '2025-02-28'], ['2025-02-28', '2025-03-01']]), '2025-03-01')).toEqual({ from: '2025-02-28', to: '2025-02-28' });
    expect(historyWindow(stored([['2025-02-28', '2025-03-01']]), '2025-03-01')).toEqual({ from: null, to: '2025-02-28' });
  });
  test('a point stored by a LATER runDate after the window end does not count either', () => {
    expect(historyWindow(stored([['2025-03-05', '2025-03-06']]), '2025-03-01')).toEqual({ from: null, to: '2025-02-28' });
  });
});

describe('chartToPoints', () => {
  test('one point per day from the first row; a missing day is an explicit gap; today excluded', () => {
    const out = chartToPoints([row('2025-01-02', 2), row('2025-01-04', 4), row('2025-01-05', 5, '03:00')], { from: null, to: '2025-01-04' }, '2025-01-05');
    expect(out.points.map((p) => [p.id, p.value.apy])).toEqual([['2025-01-02', 2], ['2025-01-03', null], ['2025-01-04', 4]]);
    expect(out.points[1].value).toEqual({ apy: null, tvlUsd: null, apyBase: null, apyReward: null, ingestedOn: '2025-01-05' });
    expect(out.gaps).toBe(1);
  });
  test('only the window is returned; the latest row of a day wins whatever the order', () => {
    const out = chartToPoints([row('2025-01-03', 9, '23:00'), row('2025-01-03', 1, '01:00'), row('2025-01-01', 7)], { from: '2025-01-02', to: '2025-01-03' }, '2025-01-04');
    expect(out.points.map((p) => [p.id, p.value.apy])).toEqual([['2025-01-02', null], ['2025-01-03', 9]]);
    expect(out.duplicates).toBe(1);
  });
  test('a pool born inside the window starts at its first row', () => {
    const out = chartToPoints([row('2025-01-03', 3)], { from: '2025-01-01', to: '2025-01-03' }, '2025-01-04');
    expect(out.points.map((p) => p.id)).toEqual(['2025-01-03']);
  });
  test('an empty chart: nothing when nothing is stored, explicit gaps for a known pool', () => {
    expect(chartToPoints([], { from: null, to: '2025-01-03' }, '2025-01-04').points).toEqual([]);
    expect(chartToPoints([], { from: '2025-01-03', to: '2025-01-03' }, '2025-01-04').points.map((p) => p.value.apy)).toEqual([null]);
  });
  test('non-finite values become null', () => {
    const out = chartToPoints([{ timestamp: '2025-01-01T00:00:00Z', apy: Number.NaN, tvlUsd: Infinity }], { from: null, to: '2025-01-01' }, '2025-01-02');
    expect(out.points[0].value).toMatchObject({ apy: null, tvlUsd: null });
  });
});

describe('zScoresOn', () => {
  test('population z over the pools with a value; NaN for gaps, single pools and zero spread', () => {
    // Two days, pool-major: p0 = [1, 5], p1 = [3, NaN], p2 = [5, 5].
    const v = Float64Array.from([1, 5, 3, NaN, 5, 5]);
    const z0 = Array.from(zScoresOn(v, 3, 2, 0));
    const std = Math.sqrt(8 / 3);
    expect(z0[0]).toBeCloseTo(-2 / std, 12);
    expect(z0[1]).toBeCloseTo(0, 12);
    expect(z0[2]).toBeCloseTo(2 / std, 12);
    expect(Array.from(zScoresOn(v, 3, 2, 1))).toEqual([NaN, NaN, NaN]);
    expect(Array.from(zScoresOn(Float64Array.from([4]), 1, 1, 0))).toEqual([NaN]);
  });
});

describe('dailyReturns', () => {
  test('APY/100/365, NaN stays NaN', () => {
    const r = dailyReturns(Float64Array.from([3.65, NaN]));
    expect(r[0]).toBeCloseTo(0.0001, 15);
    expect(r[1]).toBeNaN();
  });
});

describe('latestScoreVector', () => {
  test("each provider's latest date on or before the day; providers averaged; pool key beats protocol", () => {
    const rows = normalizeScoreRows([
      { date: '2025-01-01', key: 'aave-v3', provider: 'a', score: 1 },
      { date: '2025-01-01', key: 'curve-dex', provider: 'a', score: 2 },
      { date: '2025-02-01', key: 'aave-v3', provider: 'a', score: 9 },
      { date: '2025-02-01', key: 'curve-dex', provider: 'a', score: 3 },
      { date: '2025-03-01', key: 'aave-v3', provider: 'a', score: 0 }, // after the day: ignored
      { date: '2025-01-15', key: 'aave-v3', provider: 'b', score: 5 },
      { date: '2025-01-15', key: 'curve-dex', provider: 'b', score: 5 },
      { date: '2025-01-15', key: 'pool-x', provider: 'b', score: 1 },
      { date: '2025-01-15', key: 'pool-y', provider: 'b', score: 7 },
    ]);
    const pools = [
      { pool: 'p1', project: 'aave-v3' },
      { pool: 'pool-x', project: 'curve-dex' },
      { pool: 'p3', project: 'unknown' },
    ];
    const { scores, dates } = latestScoreVector(pools, rows, '2025-02-15', 'minMax');
    expect(dates).toEqual({ a: '2025-02-01', b: '2025-01-15' });
    // b on 2025-01-15: min 1, max 7 → aave 5 → 2/3; pool-x 1 → 0. a on 2025-02-01: aave 1, curve 0.
    expect(scores[0]).toBeCloseTo((1 + 2 / 3) / 2, 12);
    expect(scores[1]).toBe(0); // pool-x keyed by pool: provider b only (a scores curve-dex, but the pool key wins where it exists)
    expect(scores[2]).toBeNull();
  });
});

describe('planChunks', () => {
  test('cuts by estimated size, at least one row per chunk, covers every row once', () => {
    const ids = Array.from({ length: 10 }, (_, i) => `p${i}`);
    const cols = { x: ids.map(() => 'y'.repeat(100)) };
    const ranges = planChunks(ids, cols, 350);
    expect(ranges[0][0]).toBe(0);
    expect(ranges[ranges.length - 1][1]).toBe(10);
    for (let i = 1; i < ranges.length; i++) expect(ranges[i][0]).toBe(ranges[i - 1][1]);
    expect(ranges.every(([a, b]) => b - a >= 1 && b - a <= 3)).toBe(true);
    expect(planChunks([], {}, 10)).toEqual([[0, 0]]);
    expect(() => planChunks(['a'], { x: [] })).toThrow(/column x/);
  });
});
