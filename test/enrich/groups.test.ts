import { DEFAULT_PARAMS } from '../../functions/src/lib/params';
import { groupCounts, groupFor, groupPools } from '../../functions/src/steps/enrich/groups';
import { computeMetrics } from '../../functions/src/steps/enrich/metrics';

const T = DEFAULT_PARAMS.groupThresholds;
const g = (deltaAbs: number | null, std7: number | null, std30: number | null) => groupFor({ deltaAbs, std7, std30 }, T);

describe('groupFor (thresholds in percentage points)', () => {
  test('group 1 fires inside its bounds and exactly on them (boundary → lower group)', () => {
    expect(g(0.2, 0.3, 0.4)).toBe(1);
    expect(g(1.0, 1.5, 2.0)).toBe(1);
  });

  test('group 1 is quiet as soon as one measure exceeds its bound', () => {
    expect(g(1.0001, 1.5, 2.0)).toBe(2);
    expect(g(1.0, 1.5001, 2.0)).toBe(2);
    expect(g(1.0, 1.5, 2.0001)).toBe(2);
  });

  test('group 2 fires exactly on its bounds and is quiet just above', () => {
    expect(g(3, 4, 5)).toBe(2);
    expect(g(3.0001, 4, 5)).not.toBe(2);
    expect(g(3, 4.0001, 5)).not.toBe(2);
    expect(g(3, 4, 5.0001)).not.toBe(2);
  });

  test('group 3 needs all three strictly above its bounds', () => {
    expect(g(3.5, 4.5, 6)).toBe(3);
    expect(g(10, 10, 10)).toBe(3);
  });

  test('group 3 is quiet on its boundaries (they go to the lower group) and when one measure is low', () => {
    // σ30 exactly 2 with Δ and σ7 above group 2: not > 2, so not group 3 → group 4 (as written).
    expect(g(3.5, 4.5, 2)).toBe(4);
    expect(g(3, 4.5, 6)).toBe(4); // Δ = 3: fails group 2 on σ7, and Δ is not > 3
    expect(g(3.5, 4, 6)).toBe(4);
    // A single large jump on an otherwise calm pool is not group 3 under the rule as written.
    expect(g(10, 0.1, 0.1)).toBe(4);
  });

  test('percentage points, not fractions: a 0.5-point move is group 1 (the old system called it group ≥ 2)', () => {
    expect(g(0.5, 0.02, 0.03)).toBe(1);
    expect(g(0.02, 0.02, 0.03)).toBe(1);
  });

  test('a missing metric means group 4, even when the others are calm', () => {
    expect(g(null, 0.1, 0.1)).toBe(4);
    expect(g(0.1, NaN, 0.1)).toBe(4);
    expect(groupFor({ deltaAbs: 0.1, std7: 0.1, std30: undefined }, T)).toBe(4);
  });

  test('a signed Δ is taken in absolute value', () => {
    expect(g(-0.5, 0.1, 0.1)).toBe(1);
    expect(g(-2, 0.1, 0.1)).toBe(2);
  });

  test('custom thresholds from the parameters are used', () => {
    const strict = { ...T, group1: { maxDelta: 0.1, maxSigma7: 0.1, maxSigma30: 0.1 } };
    expect(groupFor({ deltaAbs: 0.5, std7: 0.05, std30: 0.05 }, strict)).toBe(2);
  });
});

describe('groupPools on a metrics panel', () => {
  test('young pools (no σ30 yet) are group 4; a flat mature pool is group 1', () => {
    const nDays = 31;
    const flat = Array(nDays).fill(5);
    const young = [...Array(nDays - 3).fill(NaN), 5, 5, 5];
    const wild = Array.from({ length: nDays }, (_, i) => (i % 2 === 0 ? 2 : 20));
    const m = computeMetrics(Float64Array.from([...flat, ...young, ...wild]), 3, nDays);
    const groups = groupPools(m, nDays - 1, T);
    expect(Array.from(groups)).toEqual([1, 4, 3]);
    expect(groupCounts(groups)).toEqual({ 1: 1, 2: 0, 3: 1, 4: 1 });
    expect(() => groupPools(m, nDays, T)).toThrow(RangeError);
  });
});
