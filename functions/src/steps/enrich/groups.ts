/**
 * groupPools, pure core (DOMAIN.md step 2): stability groups from |ΔAPY|, σ7 and σ30, all in
 * percentage points, compared with the thresholds as stored (they are percentage points too — the
 * old system compared percentage points with fractions and put nearly every pool in group 1).
 *
 *   group 1 if |Δ| ≤ g1.maxDelta and σ7 ≤ g1.maxSigma7 and σ30 ≤ g1.maxSigma30
 *   else group 2 if the same with g2's bounds
 *   else group 3 if |Δ| > g3.minDelta and σ7 > g3.minSigma7 and σ30 > g3.minSigma30
 *   else group 4.
 * Boundaries go to the lower group (≤ for 1 and 2, strict > for 3). A missing (null / NaN /
 * undefined) metric means group 4. Implemented exactly as written: with the defaults, a pool that
 * fails group 2 on one measure only (e.g. |Δ| = 10 but σ7 = 0.1) is NOT group 3 and lands in group 4.
 */
import type { Params } from '../../lib/params';
import type { PanelMetrics } from './metrics';

export type StabilityGroup = 1 | 2 | 3 | 4;
export type GroupThresholds = Params['groupThresholds'];

export interface GroupInput {
  deltaAbs: number | null | undefined;
  std7: number | null | undefined;
  std30: number | null | undefined;
}

const known = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

export function groupFor(m: GroupInput, t: GroupThresholds): StabilityGroup {
  const { deltaAbs: delta, std7: s7, std30: s30 } = m;
  if (!known(delta) || !known(s7) || !known(s30)) return 4;
  // |Δ| is defined as an absolute value; take it again so a signed input cannot slip into group 1.
  const d = Math.abs(delta);
  if (d <= t.group1.maxDelta && s7 <= t.group1.maxSigma7 && s30 <= t.group1.maxSigma30) return 1;
  if (d <= t.group2.maxDelta && s7 <= t.group2.maxSigma7 && s30 <= t.group2.maxSigma30) return 2;
  if (d > t.group3.minDelta && s7 > t.group3.minSigma7 && s30 > t.group3.minSigma30) return 3;
  return 4;
}

/** Groups of every pool on day index d of a metrics panel. */
export function groupPools(m: PanelMetrics, d: number, t: GroupThresholds): Uint8Array {
  if (d < 0 || d >= m.nDays) throw new RangeError(`day index ${d} outside 0..${m.nDays - 1}`);
  const out = new Uint8Array(m.nPools);
  for (let p = 0; p < m.nPools; p++) {
    const i = p * m.nDays + d;
    out[p] = groupFor({ deltaAbs: m.deltaAbs[i], std7: m.std7[i], std30: m.std30[i] }, t);
  }
  return out;
}

/** How many pools fall in each group (for the step's counts). */
export function groupCounts(groups: ArrayLike<number>): Record<StabilityGroup, number> {
  const c: Record<StabilityGroup, number> = { 1: 0, 2: 0, 3: 0, 4: 0 };
  for (let i = 0; i < groups.length; i++) c[groups[i] as StabilityGroup] += 1;
  return c;
}
