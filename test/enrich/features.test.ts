import { sampleCovariance, sampleVariance } from 'simple-statistics';
import {
  covarianceAt,
  expectedReturns,
  minOverlapFor,
  normalizeScoreRows,
  normalizeScores,
  rollingCovariance,
  scoreVector,
} from '../../functions/src/steps/enrich/features';

const N = NaN;

describe('normalizeScores', () => {
  test('percentile = average rank / n; ties share a value', () => {
    const r = normalizeScores([1, 2, 2, 3]);
    expect(r.percentile).toEqual([0.25, 0.625, 0.625, 1]);
    expect(r.minMax).toEqual([0, 0.5, 0.5, 1]);
  });

  test('order of appearance does not matter', () => {
    expect(normalizeScores([3, 1, 2]).percentile).toEqual([1, 1 / 3, 2 / 3]);
    expect(normalizeScores([2, 2, 1]).percentile).toEqual(normalizeScores([1, 2, 2]).percentile.slice().reverse());
  });

  test('0.5 for everyone when all scores are equal (and for a single score)', () => {
    expect(normalizeScores([4, 4, 4])).toEqual({ percentile: [0.5, 0.5, 0.5], minMax: [0.5, 0.5, 0.5] });
    expect(normalizeScores([7])).toEqual({ percentile: [0.5], minMax: [0.5] });
  });

  test('missing scores stay null and do not count in n', () => {
    const r = normalizeScores([null, 1, NaN, 3]);
    expect(r.percentile).toEqual([null, 0.5, null, 1]);
    expect(r.minMax).toEqual([null, 0, null, 1]);
    expect(normalizeScores([null, null])).toEqual({ percentile: [null, null], minMax: [null, null] });
  });

  test('rows are normalised per (date, provider); a repeated key keeps its last row', () => {
    const rows = normalizeScoreRows([
      { date: 'd1', key: 'aave-v3', provider: 'x', score: 10 },
      { date: 'd1', key: 'maple', provider: 'x', score: 20 },
      { date: 'd1', key: 'maple', provider: 'x', score: 30 },
      { date: 'd1', key: 'aave-v3', provider: 'y', score: 1 },
      { date: 'd2', key: 'aave-v3', provider: 'x', score: 99 },
    ]);
    const find = (date: string, key: string, provider: string) => rows.find((r) => r.date === date && r.key === key && r.provider === provider);
    expect(find('d1', 'maple', 'x')).toMatchObject({ score: 30, percentile: 1, minMax: 1 });
    expect(find('d1', 'aave-v3', 'x')).toMatchObject({ percentile: 0.5, minMax: 0 });
    expect(find('d1', 'aave-v3', 'y')).toMatchObject({ percentile: 0.5, minMax: 0.5 });
    expect(find('d2', 'aave-v3', 'x')).toMatchObject({ percentile: 0.5 });
    expect(rows).toHaveLength(4);
  });

  test('scoreVector: pool key beats protocol key, providers are averaged, unknown → null', () => {
    const normalized = normalizeScoreRows([
      { date: 'd', key: 'aave-v3', provider: 'x', score: 1 },
      { date: 'd', key: 'maple', provider: 'x', score: 3 },
      { date: 'd', key: 'aave-v3', provider: 'y', score: 5 },
      { date: 'd', key: 'maple', provider: 'y', score: 5 },
      { date: 'd', key: 'pool-special', provider: 'x', score: 2 },
      { date: 'd', key: 'other', provider: 'x', score: 3 },
    ]);
    const v = scoreVector(
      [
        { pool: 'p1', project: 'aave-v3' },
        { pool: 'pool-special', project: 'aave-v3' },
        { pool: 'p3', project: 'unknown' },
      ],
      normalized,
      'd',
      'minMax',
    );
    // provider x over {aave 1, maple 3, special 2, other 3}: aave 0; provider y all equal: 0.5.
    expect(v).toEqual([0.25, 0.5, null]);
  });
});

describe('covariance', () => {
  test('sample covariance (ddof 1) on full overlap, hand-computed', () => {
    const a = [1, 2, 3, 4];
    const b = [2, 4, 6, 9];
    const est = covarianceAt(Float64Array.from([...a, ...b]), 2, 4, 3, 4);
    expect(est.minOverlap).toBe(2);
    expect(est.cov[1]).toBeCloseTo(11.5 / 3, 12);
    expect(est.cov[2]).toBeCloseTo(11.5 / 3, 12); // symmetric
    expect(est.cov[0]).toBeCloseTo(5 / 3, 12);
    expect(est.cov[3]).toBeCloseTo(sampleVariance(b), 12);
    expect(Array.from(est.overlap)).toEqual([4, 4, 4, 4]);
  });

  test('partial overlap: pairwise-complete with the pair\'s own means', () => {
    // window 6 → at least 3 overlapping days.
    const a = [1, 5, 2, 8, 3, 7];
    const b = [N, N, N, 2, 9, 4];
    const est = covarianceAt(Float64Array.from([...a, ...b]), 2, 6, 5, 6);
    expect(est.minOverlap).toBe(3);
    expect(est.overlap[1]).toBe(3);
    expect(est.cov[1]).toBeCloseTo(sampleCovariance([8, 3, 7], [2, 9, 4]), 12);
    expect(est.cov[0]).toBeCloseTo(sampleVariance(a), 12);
    expect(est.cov[3]).toBeCloseTo(sampleVariance([2, 9, 4]), 12);
  });

  test('below half the window overlapping → no estimate (NaN), variances of complete pools still there', () => {
    const a = [1, 5, 2, 8, 3, 7];
    const b = [N, N, N, N, 9, 4];
    const est = covarianceAt(Float64Array.from([...a, ...b]), 2, 6, 5, 6);
    expect(est.overlap[1]).toBe(2);
    expect(est.cov[1]).toBeNaN();
    expect(est.cov[3]).toBeNaN();
    expect(est.cov[0]).toBeCloseTo(sampleVariance(a), 12);
  });

  test('the window is trailing and calendar-based; it is clipped at the first day', () => {
    const a = [100, 1, 2, 3, 4];
    const b = [-100, 2, 4, 6, 9];
    const est = covarianceAt(Float64Array.from([...a, ...b]), 2, 5, 4, 4);
    expect(est.cov[1]).toBeCloseTo(11.5 / 3, 12); // day 0 is outside the window
    const early = covarianceAt(Float64Array.from([...a, ...b]), 2, 5, 1, 4); // only days 0..1
    expect(early.overlap[1]).toBe(2);
    expect(early.cov[1]).toBeCloseTo(sampleCovariance([100, 1], [-100, 2]), 10);
    expect(minOverlapFor(5)).toBe(3);
    expect(minOverlapFor(20)).toBe(10);
  });

  test('pool subset and rolling end days', () => {
    const panel = Float64Array.from([1, 2, 3, 4, /* */ 9, 9, 9, 9, /* */ 2, 4, 6, 9]);
    const [first, second] = rollingCovariance(panel, 3, 4, 3, [2, 3], [2, 0]);
    expect(first.pools).toEqual([2, 0]);
    expect(first.cov[0]).toBeCloseTo(sampleVariance([2, 4, 6]), 12);
    expect(second.cov[1]).toBeCloseTo(sampleCovariance([4, 6, 9], [2, 3, 4]), 12);
    expect(() => covarianceAt(panel, 3, 4, 4, 3)).toThrow(RangeError);
  });
});

describe('expectedReturns', () => {
  test('mean of the available returns in the trailing lookback; NaN when none', () => {
    const panel = Float64Array.from([1, 2, N, 4, /* */ 5, N, N, N]);
    expect(Array.from(expectedReturns(panel, 2, 4, 3, 3))).toEqual([3, N]);
    expect(Array.from(expectedReturns(panel, 2, 4, 3, 4))).toEqual([7 / 3, 5]);
    expect(Array.from(expectedReturns(panel, 2, 4, 0, 20))).toEqual([1, 5]);
    expect(() => expectedReturns(panel, 2, 4, 3, 0)).toThrow(RangeError);
  });
});
