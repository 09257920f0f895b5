/**
 * Measures the statistical character of the real recordings in ../shared/fixtures and writes
 * emulator/market/sim/calibration.json — derived numbers only, never the data itself — which the
 * simulated market uses as its targets and test/market/sim/statistics.test.ts checks against.
 *
 *   node dist/scripts/calibrate-market.js [--fixtures DIR]   (default: <repo>/../shared/fixtures)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import type { Calibration } from '../emulator/market/sim/calibration';
import { median, quantiles, round, seriesStats, type DailySeries } from '../emulator/market/sim/measure';

interface Row { timestamp: string; tvlUsd: number | null; apy: number | null; apyBase?: number | null; apyReward?: number | null }
interface SnapPool { pool: string; chain: string; project: string; symbol: string; tvlUsd: number; apy: number | null; apyReward?: number | null; stablecoin?: boolean }

const REPO = path.resolve(__dirname, __dirname.includes(`${path.sep}dist${path.sep}`) ? '../..' : '..');

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const dayOf = (ts: string): number => Math.floor(Date.parse(ts.slice(0, 10) + 'T00:00:00Z') / 86_400_000);

/** Symbol heuristic for pools of files without the `stablecoin` flag (like DefiLlama's, simplified). */
const STABLE_WORDS = ['USD', 'DAI', 'GHO', 'FRAX', 'MIM', 'LUSD', 'BOLD', 'DOLA', '3CRV', 'USDE', 'CRVUSD'];
function looksStable(symbol: string): boolean {
  return symbol.toUpperCase().replace(/\(.*?\)/g, '').split('-').every((t) => STABLE_WORDS.some((w) => t.includes(w)));
}

function readJson<T>(file: string): T {
  const buf = fs.readFileSync(file);
  return JSON.parse((file.endsWith('.gz') ? zlib.gunzipSync(buf) : buf).toString('utf8')) as T;
}

/** A chart reduced to one value per calendar day (last row of the day). */
function daily(rows: Row[]): Map<number, Row> {
  const m = new Map<number, Row>();
  for (const r of rows) m.set(dayOf(r.timestamp), r);
  return m;
}

function main(): void {
  const dir = path.resolve(arg('--fixtures', path.join(REPO, '../shared/fixtures')));
  const ll = path.join(dir, 'defillama');
  const sources: string[] = [];
  const use = (f: string): string => { sources.push(path.relative(dir, f)); return f; };

  // --- /pools snapshots ---
  const enriched = readJson<{ data: SnapPool[] }>(use(path.join(ll, 'pools_enriched_2025-08-31_1134pools.json'))).data;
  const oldFiles = fs.readdirSync(ll).filter((f) => f.startsWith('poolsOld_subset_')).sort();
  const olds = oldFiles.map((f) => ({ day: dayOf(f.slice(16, 26)), pools: readJson<{ data: SnapPool[] }>(use(path.join(ll, f))).data }));

  const stable = enriched.filter((p) => p.stablecoin);
  const other = enriched.filter((p) => !p.stablecoin);
  const apys = (ps: SnapPool[]): number[] => ps.map((p) => p.apy ?? 0);
  const zeroShare = (ps: SnapPool[]): number => round(apys(ps).filter((a) => a <= 0).length / ps.length);

  // Lifecycle: consecutive-day pairs of poolsOld snapshots.
  let deaths = 0, births = 0, base = 0;
  for (let i = 0; i + 1 < olds.length; i++) {
    if (olds[i + 1].day - olds[i].day !== 1) continue;
    const a = new Set(olds[i].pools.map((p) => p.pool));
    const b = new Set(olds[i + 1].pools.map((p) => p.pool));
    for (const id of a) if (!b.has(id)) deaths++;
    for (const id of b) if (!a.has(id)) births++;
    base += a.size;
  }
  const latest = olds[olds.length - 1].pools;
  const allSnap = [...latest];
  const chainCount = new Map<string, number>();
  const projEth = new Map<string, [number, number]>();
  for (const p of allSnap) {
    chainCount.set(p.chain, (chainCount.get(p.chain) ?? 0) + 1);
    const e = projEth.get(p.project) ?? [0, 0];
    e[0] += p.chain === 'Ethereum' ? 1 : 0;
    e[1]++;
    projEth.set(p.project, e);
  }
  const chainShare: Record<string, number> = {};
  [...chainCount.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12).forEach(([c, n]) => (chainShare[c] = round(n / allSnap.length)));
  const ethereumShareByProject: Record<string, number> = {};
  for (const [p, [e, n]] of projEth) if (n >= 20) ethereumShareByProject[p] = round(e / n);

  // --- /chart histories ---
  const charts = readJson<Record<string, { data: Row[] }>>(use(path.join(ll, 'chart_by_pool_2025-10-06_309pools.json')));
  const index = readJson<{ pool: string; symbol: string }[]>(use(path.join(ll, 'chart_by_pool_index.json')));
  const stableFlag = new Map<string, boolean>(enriched.map((p) => [p.pool, !!p.stablecoin]));
  const symbolOf = new Map(index.map((x) => [x.pool, x.symbol]));
  const series: DailySeries[] = [];
  for (const [id, chart] of Object.entries(charts)) {
    const m = daily(chart.data);
    const days = [...m.keys()].sort((a, b) => a - b);
    series.push({
      stable: stableFlag.get(id) ?? looksStable(symbolOf.get(id) ?? ''),
      days,
      apy: days.map((d) => m.get(d)!.apy),
      tvl: days.map((d) => m.get(d)!.tvlUsd),
    });
  }
  const st = seriesStats(series);

  // Reference lending series (Aave V3 USDC on Ethereum): the fixtures' only lending pool.
  const aaveCsv = fs.readdirSync(ll).find((f) => f.startsWith('chart_daily_aave-v3_usdc'));
  let lendingRef = { medianDLogApy: 0.03, apy: quantiles([]) };
  if (aaveCsv) {
    const rows = fs.readFileSync(use(path.join(ll, aaveCsv)), 'utf8').trim().split(/\r?\n/).slice(1).map((l) => l.split(','));
    const days = rows.map((r) => dayOf(r[0]));
    const ref = seriesStats([{ stable: true, days, apy: rows.map((r) => Number(r[1])), tvl: rows.map((r) => Number(r[2])) }]);
    lendingRef = { medianDLogApy: ref.poolMedianDLog.stable[4], apy: quantiles(rows.map((r) => Number(r[1]))) };
  }

  // --- gas: Etherscan daily average gas price ---
  const gasFile = use(path.join(dir, 'etherscan', fs.readdirSync(path.join(dir, 'etherscan')).find((f) => f.includes('daily_avg_gas'))!));
  const gasRows = fs.readFileSync(gasFile, 'utf8').trim().split(/\r?\n/).slice(1).map((line) => {
    const [, ts, wei] = line.split(',').map((c) => c.replace(/"/g, ''));
    return { day: Math.floor(Number(ts) / 86_400), gwei: Number(wei) / 1e9 };
  }).filter((r) => r.gwei > 0);
  const byYear = new Map<number, number[]>();
  for (const r of gasRows) {
    const y = new Date(r.day * 86_400_000).getUTCFullYear();
    if (y >= 2019) byYear.set(y, [...(byYear.get(y) ?? []), r.gwei]);
  }
  const yearlyMedianGwei: Record<string, number> = {};
  for (const [y, xs] of byYear) yearlyMedianGwei[String(y)] = round(median(xs));
  const recentStart = Math.floor(Date.parse('2023-01-01') / 86_400_000);
  const recent = gasRows.filter((r) => r.day >= recentStart);
  const wd: number[][] = [[], [], [], [], [], [], []];
  const dlog: number[] = [];
  const gasSpikes: number[] = [];
  let gasDays = 0;
  for (let i = 28; i < recent.length; i++) {
    const trail = median(recent.slice(i - 28, i).map((r) => r.gwei));
    const ratio = recent[i].gwei / trail;
    wd[(((recent[i].day + 4) % 7) + 7) % 7].push(ratio);
    gasDays++;
    if (ratio > 2) gasSpikes.push(ratio);
    if (recent[i].day - recent[i - 1].day === 1) dlog.push(Math.log(recent[i].gwei / recent[i - 1].gwei));
  }
  const meanOf = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
  const wdMean = wd.map((xs) => meanOf(xs));
  const wdAll = meanOf(wdMean);
  const sd = Math.sqrt(meanOf(dlog.map((x) => x * x)) - meanOf(dlog) ** 2);

  const calib: Calibration = {
    comment: `Derived statistics only (no recorded data), measured by scripts/calibrate-market.ts on ${new Date().toISOString().slice(0, 10)} from the fixture files listed in sources (DefiLlama snapshots 2025-08-31 and 2025-09-24..10-06, 309 /chart histories to 2025-10-06, Etherscan daily average gas 2015-2025). The DefiLlama fixtures hold DEX pools only (curve, uniswap, aerodrome, pancakeswap, fluid-dex): APY/TVL targets describe DEX pools.`,
    measuredAt: new Date().toISOString().slice(0, 10),
    sources,
    apy: {
      zeroShare: { stable: zeroShare(stable), other: zeroShare(other) },
      level: { stable: quantiles(apys(stable).filter((a) => a > 0)), other: quantiles(apys(other).filter((a) => a > 0)) },
      rewardShare: round(enriched.filter((p) => (p.apyReward ?? 0) > 0).length / enriched.length),
      dAbs: st.dAbs,
      poolMedianDLog: st.poolMedianDLog,
      lendingReference: lendingRef,
    },
    chart: {
      missingDayShare: st.missingDayShare,
      spikesPerPoolYear: st.spikesPerPoolYear,
      spikeRatio: st.spikeRatio,
      regimeShiftsPerPoolYear: st.regimeShiftsPerPoolYear,
      regimeShiftAbsLog: st.regimeShiftAbsLog,
      poolMedianApy: st.poolMedianApy,
    },
    tvl: {
      log10Level: quantiles(allSnap.filter((p) => p.tvlUsd > 0).map((p) => Math.log10(p.tvlUsd))),
      dLogAbs: st.tvlDLogAbs,
      poolMedianDLog: st.tvlPoolMedianDLog,
    },
    lifecycle: { dailyDeathRate: round(deaths / base), dailyBirthRate: round(births / base) },
    universe: {
      stablecoinShare: round(stable.length / enriched.length),
      ethereumShare: round((chainCount.get('Ethereum') ?? 0) / allSnap.length),
      ethereumShareByProject,
      chainShare,
    },
    gas: {
      yearlyMedianGwei,
      weekdayFactor: wdMean.map((x) => round(x / wdAll)),
      dailyLogSd: round(sd),
      spikeDayShare: round(gasSpikes.length / gasDays),
      spikeRatio: gasSpikes.length >= 3 ? quantiles(gasSpikes) : [2, 2.05, 2.1, 2.2, 2.5, 3, 4, 5, 8],
    },
  };
  const out = path.join(REPO, 'emulator/market/sim/calibration.json');
  fs.writeFileSync(out, JSON.stringify(calib, null, 2) + '\n');
  console.log(`wrote ${path.relative(REPO, out)}: ${enriched.length} enriched pools, ${olds.length} poolsOld snapshots, ${Object.keys(charts).length} charts, ${gasRows.length} gas days`);
}

main();
