/**
 * The simulated market against the numbers measured on the real recordings (calibration.json), using the
 * same measuring code (emulator/market/sim/measure.ts) on both sides. The fixtures' pools are DEX pools,
 * so the series statistics are taken over the simulated DEX pools.
 *
 * Tolerances: quantiles are compared on a log scale within a factor (2 for the bulk p25–p75, 3 for
 * p90/p95), which a 3,000-pool × 400-day sample estimates well, yet still fails if a mechanism is missing
 * (e.g. without missing days, spikes or regimes the rates drop to ~0; without churn the death rate is ~0).
 * Rates are compared within ±35 % relative (sampling error over ~1,000 pools is ~5–10 %).
 */
import { createSimulatedMarket, CALIBRATION, QPROBS, type LlamaPool } from '../../../emulator/market/sim';
import { seriesStats, quantiles, quantileSorted, median, type DailySeries } from '../../../emulator/market/sim/measure';
import { dayIndex, dayString } from '../../../emulator/market/sim/dates';

const END = '2025-10-06';
const DEX = /uniswap|curve|aerodrome|pancake|fluid-dex|sushi|balancer|velodrome|camelot|raydium|orca|meteora|joe|quickswap|shadow|thena|cetus|kodiak|sunswap/;
const market = createSimulatedMarket({ seed: 7, pools: 3000, days: 400, endDate: END });
const snap = market.poolsSnapshot(END);
const dex = snap.filter((p) => DEX.test(p.project));
const series: DailySeries[] = dex.map((p) => {
  const rows = market.poolChart(p.pool, END)!;
  return { stable: p.stablecoin, days: rows.map((r) => dayIndex(r.timestamp)), apy: rows.map((r) => r.apy), tvl: rows.map((r) => r.tvlUsd) };
});
const sim = seriesStats(series);
const C = CALIBRATION;

/** Index of QPROBS entries. */
const P = (q: number): number => QPROBS.indexOf(q as (typeof QPROBS)[number]);
function expectQuantilesClose(name: string, got: number[], want: number[], probs: number[], factor: number): void {
  for (const q of probs) {
    const g = got[P(q)], w = want[P(q)];
    const ratio = Math.max(g, 1e-9) / Math.max(w, 1e-9);
    if (ratio > factor || ratio < 1 / factor) throw new Error(`${name} p${q * 100}: simulated ${g} vs real ${w} (factor ${ratio.toFixed(2)} > ${factor})`);
  }
}
const expectRateClose = (got: number, want: number, rel = 0.35): void => {
  expect(Math.abs(got - want) / want).toBeLessThan(rel);
};

describe('simulated market statistics vs calibration.json', () => {
  test('the sample is large enough to measure', () => {
    expect(dex.length).toBeGreaterThan(600);
    expect(sim.pools.stable).toBeGreaterThan(80);
  });

  test('APY levels of listed pools (stable and other) follow the measured distribution', () => {
    // KS-like check: at each measured quantile x_p of the real distribution, the simulated CDF must be
    // within ±0.1 of p. A quantile-ratio check would be fragile where the density is steep (real p10→p25
    // spans a factor 13); ±0.1 is ~3 standard errors of an empirical CDF over ~170 stable pools.
    for (const k of ['stable', 'other'] as const) {
      const xs = dex.filter((p) => p.stablecoin === (k === 'stable') && (p.apy ?? 0) > 0).map((p) => p.apy!).sort((a, b) => a - b);
      C.apy.level[k].forEach((x, i) => {
        const cdf = xs.filter((v) => v <= x).length / xs.length;
        if (Math.abs(cdf - QPROBS[i]) > 0.1) throw new Error(`level.${k}: simulated CDF at real p${QPROBS[i] * 100} (${x}) is ${cdf.toFixed(3)}`);
      });
    }
    const zero = dex.filter((p) => p.apy === 0).length / dex.length;
    expect(zero).toBeGreaterThan(0.5 * C.apy.zeroShare.other);
    expect(zero).toBeLessThan(1.5 * C.apy.zeroShare.other);
  });

  test('relative day-to-day APY noise per pool (median |Δ ln apy|) matches', () => {
    for (const k of ['stable', 'other'] as const) {
      expectQuantilesClose(`poolMedianDLog.${k}`, sim.poolMedianDLog[k], C.apy.poolMedianDLog[k], [0.1, 0.25, 0.5, 0.75, 0.9], 1.5);
    }
  });

  test('absolute day-to-day |ΔAPY| matches once the level mix is that of the recorded chart pools', () => {
    // The 309 recorded charts favour high-APY pools (median pool apy 44 % vs 4 % in /pools), and |ΔAPY| in pp
    // scales with the level, so re-weight simulated pools to the recorded level mix (stratified by the
    // calibration's pool-median-apy quantiles) before comparing the pooled |Δ| quantiles.
    const edges = C.chart.poolMedianApy;
    const mass = [0.01, ...QPROBS.slice(1).map((q, i) => q - QPROBS[i]), 0.01];
    const binOf = (x: number): number => { let b = 0; while (b < edges.length && x > edges[b]) b++; return b; };
    const perBin: number[][][] = mass.map(() => []);
    for (const s of series) {
      const d: number[] = [];
      for (let i = 1; i < s.days.length; i++) if (s.days[i] - s.days[i - 1] === 1 && s.apy[i] !== null && s.apy[i - 1] !== null) d.push(Math.abs(s.apy[i]! - s.apy[i - 1]!));
      if (d.length > 0) perBin[binOf(median(s.apy.map((x) => x ?? 0)))].push(d);
    }
    const weighted: [number, number][] = [];
    perBin.forEach((pools, b) => {
      const n = pools.reduce((s, d) => s + d.length, 0);
      for (const d of pools) for (const x of d) weighted.push([x, mass[b] / n]);
    });
    weighted.sort((a, b) => a[0] - b[0]);
    const total = weighted.reduce((s, [, w]) => s + w, 0);
    const wq = (q: number): number => { let acc = 0; for (const [x, w] of weighted) { acc += w; if (acc >= q * total) return x; } return weighted[weighted.length - 1][0]; };
    const realAll = C.apy.dAbs.other; // the recorded chart pools are 80 % non-stable
    expect(weighted.length).toBeGreaterThan(10_000);
    for (const q of [0.5, 0.75, 0.9]) {
      const ratio = wq(q) / realAll[P(q)];
      expect(ratio).toBeGreaterThan(1 / 3);
      expect(ratio).toBeLessThan(3);
    }
  });

  test('missing days, reward spikes and regime shifts occur at the measured rates', () => {
    expectRateClose(sim.missingDayShare, C.chart.missingDayShare);
    expectRateClose(sim.spikesPerPoolYear, C.chart.spikesPerPoolYear);
    expectRateClose(sim.regimeShiftsPerPoolYear, C.chart.regimeShiftsPerPoolYear);
    expectQuantilesClose('spikeRatio', sim.spikeRatio, C.chart.spikeRatio, [0.25, 0.5, 0.75, 0.9], 1.5);
    expectQuantilesClose('regimeShiftAbsLog', sim.regimeShiftAbsLog, C.chart.regimeShiftAbsLog, [0.25, 0.5, 0.75], 1.5);
  });

  test('TVL levels and daily log-changes match', () => {
    expectQuantilesClose('tvl.log10Level', quantiles(dex.map((p) => Math.log10(p.tvlUsd))), C.tvl.log10Level, [0.05, 0.25, 0.5, 0.75, 0.95], 1.1);
    expectQuantilesClose('tvl.dLogAbs', sim.tvlDLogAbs, C.tvl.dLogAbs, [0.25, 0.5, 0.75], 2);
    expectQuantilesClose('tvl.dLogAbs', sim.tvlDLogAbs, C.tvl.dLogAbs, [0.9, 0.95], 3);
    expectQuantilesClose('tvl.poolMedianDLog', sim.tvlPoolMedianDLog, C.tvl.poolMedianDLog, [0.25, 0.5, 0.75, 0.9], 1.5);
  });

  test('pools are born and die at the measured daily rates', () => {
    const prev = new Set(market.poolsSnapshot(dayString(dayIndex(END) - 1)).map((p) => p.pool));
    const cur = new Set(snap.map((p) => p.pool));
    const deaths = [...prev].filter((id) => !cur.has(id)).length / prev.size;
    const births = [...cur].filter((id) => !prev.has(id)).length / prev.size;
    // One day of ~2,600 pools: ~20 events, Poisson error ~25 %; allow a factor 2.
    expect(deaths).toBeGreaterThan(C.lifecycle.dailyDeathRate / 2);
    expect(deaths).toBeLessThan(C.lifecycle.dailyDeathRate * 2);
    expect(births).toBeGreaterThan(C.lifecycle.dailyBirthRate / 2);
    expect(births).toBeLessThan(C.lifecycle.dailyBirthRate * 2);
  });

  test('share of stablecoin pools among DEX pools is near the measured one', () => {
    const share = dex.filter((p) => p.stablecoin).length / dex.length;
    expect(Math.abs(share - C.universe.stablecoinShare)).toBeLessThan(0.08);
  });

  test('gas: yearly level, weekday pattern, daily noise and spikes', () => {
    const hours = market.gasHourly('2024-10-07T00:00:00Z', `${END}T23:00:00Z`);
    const byDay = new Map<string, number[]>();
    for (const h of hours) { const d = h.period.slice(0, 10); byDay.set(d, [...(byDay.get(d) ?? []), h.baseFee]); }
    const days = [...byDay.entries()].map(([d, xs]) => ({ day: dayIndex(d), avg: xs.reduce((s, x) => s + x, 0) / xs.length }));
    const in2025 = days.filter((d) => dayString(d.day).startsWith('2025')).map((d) => d.avg).sort((a, b) => a - b);
    const med = quantileSorted(in2025, 0.5);
    expect(med / C.gas.yearlyMedianGwei['2025']).toBeGreaterThan(0.6);
    expect(med / C.gas.yearlyMedianGwei['2025']).toBeLessThan(1.6);
    // Weekend vs weekday ratio (real: Sat/Sun ≈ 0.7 of weekdays) within ±0.15.
    const wd = (w: number[]): number => { const xs = days.filter((d) => w.includes((d.day + 4) % 7)).map((d) => d.avg); return median(xs); };
    const realRatio = (C.gas.weekdayFactor[0] + C.gas.weekdayFactor[6]) / 2 / ((C.gas.weekdayFactor.slice(1, 6).reduce((s, x) => s + x, 0)) / 5);
    expect(Math.abs(wd([0, 6]) / wd([1, 2, 3, 4, 5]) - realRatio)).toBeLessThan(0.15);
    const dl: number[] = [];
    for (let i = 1; i < days.length; i++) dl.push(Math.log(days[i].avg / days[i - 1].avg));
    const sd = Math.sqrt(dl.reduce((s, x) => s + x * x, 0) / dl.length);
    expect(sd / C.gas.dailyLogSd).toBeGreaterThan(0.6);
    expect(sd / C.gas.dailyLogSd).toBeLessThan(1.5);
    // Hourly spikes exist: some hour is > 3× its day's average.
    expect(hours.some((h) => h.baseFee > 3 * (byDay.get(h.period.slice(0, 10))!.reduce((s, x) => s + x, 0) / 24))).toBe(true);
  });
});
