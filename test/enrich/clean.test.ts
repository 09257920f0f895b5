import { buildCleanPanel, flagOutliers, poolRow, type RawChartRow } from '../../functions/src/steps/enrich/clean';

const row = (timestamp: string, apy: number | null, tvlUsd: number | null = 1000): RawChartRow => ({ timestamp, apy, tvlUsd });

describe('buildCleanPanel', () => {
  test('one value per pool and day on the shared calendar; gaps are NaN, not filled', () => {
    const panel = buildCleanPanel(
      {
        a: [row('2025-01-01T23:01:00.000Z', 1), row('2025-01-03T23:01:00.000Z', 3)],
        b: [row('2025-01-02T00:00:00.000Z', 7, 50)],
      },
      '2025-01-01',
      '2025-01-04',
    );
    expect(panel.days).toEqual(['2025-01-01', '2025-01-02', '2025-01-03', '2025-01-04']);
    expect(panel.pools).toEqual(['a', 'b']);
    expect(Array.from(poolRow(panel.apy, 0, 4))).toEqual([1, NaN, 3, NaN]);
    expect(Array.from(poolRow(panel.apy, 1, 4))).toEqual([NaN, 7, NaN, NaN]);
    expect(Array.from(poolRow(panel.tvl, 1, 4))).toEqual([NaN, 50, NaN, NaN]);
  });

  test('several rows on one day: the latest timestamp wins, whatever the input order', () => {
    const panel = buildCleanPanel(
      { a: [row('2025-01-01T23:00:00.000Z', 9), row('2025-01-01T01:00:00.000Z', 1), row('2025-01-01T12:00:00.000Z', 5)] },
      '2025-01-01',
      '2025-01-01',
    );
    expect(panel.apy[0]).toBe(9);
  });

  test('null or non-finite values become gaps; rows outside the calendar are ignored', () => {
    const panel = buildCleanPanel(
      new Map([['a', [row('2024-12-31T23:00:00.000Z', 4), row('2025-01-01T23:00:00.000Z', null, null), row('2025-01-02T23:00:00.000Z', Number.POSITIVE_INFINITY), row('2025-01-03T00:00:00.000Z', 2)]]]),
      '2025-01-01',
      '2025-01-02',
    );
    expect(Array.from(panel.apy)).toEqual([NaN, NaN]);
    expect(Array.from(panel.tvl)).toEqual([NaN, 1000]);
  });

  test('a one-day history is kept as a single value', () => {
    const panel = buildCleanPanel({ a: [row('2025-01-02T10:00:00.000Z', 3.3)] }, '2025-01-01', '2025-01-03');
    expect(Array.from(panel.apy)).toEqual([NaN, 3.3, NaN]);
    expect(Array.from(panel.outlier)).toEqual([0, 0, 0]);
  });
});

describe('cross-sectional outlier flags', () => {
  // Day-major helper: values[p] for a single-day panel.
  const oneDay = (values: number[]) => flagOutliers(Float64Array.from(values), values.length, 1);

  test('|z| > 3 fires (population z over the day), and the outlier value is not altered', () => {
    // 11 pools at 5 and one at 100: mean 12.917, std 26.26, z(100) = 3.32.
    const values = [...Array(11).fill(5), 100];
    const flags = oneDay(values);
    expect(Array.from(flags)).toEqual([...Array(11).fill(0), 1]);
    const panel = buildCleanPanel(Object.fromEntries(values.map((v, i) => [`p${i}`, [row('2025-01-01T00:00:00.000Z', v)]])), '2025-01-01', '2025-01-01');
    expect(panel.outlier[11 * 1 + 0]).toBe(1);
    expect(panel.apy[11]).toBe(100);
  });

  test('quiet when the extreme value has |z| ≤ 3 (8 at 5 and one at 100: z = √8 ≈ 2.83)', () => {
    expect(Array.from(oneDay([...Array(8).fill(5), 100]))).toEqual(Array(9).fill(0));
  });

  test('zero cross-sectional std (flat day, single pool) flags nothing', () => {
    expect(Array.from(oneDay([4, 4, 4, 4]))).toEqual([0, 0, 0, 0]);
    expect(Array.from(oneDay([4]))).toEqual([0]);
  });

  test('gaps are excluded from the day statistics and never flagged', () => {
    const flags = oneDay([...Array(11).fill(5), NaN, 100]);
    expect(flags[11]).toBe(0);
    expect(flags[12]).toBe(1);
  });

  test('each day is judged on its own cross-section', () => {
    // 12 pools × 2 days, pool-major. Day 0: pool 11 is an outlier; day 1: everyone equal.
    const nPools = 12;
    const values = new Float64Array(nPools * 2);
    for (let p = 0; p < nPools; p++) {
      values[p * 2] = p === 11 ? 100 : 5;
      values[p * 2 + 1] = 100;
    }
    const flags = flagOutliers(values, nPools, 2);
    expect(flags[11 * 2]).toBe(1);
    expect(flags[11 * 2 + 1]).toBe(0);
  });
});
