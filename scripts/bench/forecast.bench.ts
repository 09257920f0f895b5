/**
 * `npm run bench -- forecast [--fixtures DIR]`: accuracy of the forecasting core on the DefiLlama
 * pool histories in ../shared/fixtures (never committed; skipped with a note when absent) and the
 * speed of forecasting 5,000 synthetic pools × 365 days with method selection.
 *
 * Accuracy protocol: for every pool, the last E origins o (each with 7 days of truth after it) are
 * forecast from y[0..o) only. Every method is fitted on the window before o; "selected" runs the
 * full per-series selection (its own inner rolling-origin backtest on y[0..o)). Errors are on the
 * original scale; MASE divides a pool's MAE by its in-sample one-step naive MAE before the first
 * evaluation origin. "rel" is the method's MAE / naive's MAE on the same pool and origins.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  DEFAULT_SELECTION,
  METHODS,
  TVL_SELECTION,
  alignDaily,
  forecastPools,
  fromScale,
  modelInput,
  parseChartFile,
  selectAndForecast,
  type MethodName,
  type PoolHistory,
  type Scale,
  type SelectionOptions,
} from '../../functions/src/steps/forecast';
import { mulberry32 } from '../../emulator/market/sim/prng';
import type { BenchRow, BenchSection } from './report';

const EVAL_ORIGINS = 14;
const MAX_H = 7;
const ALL_METHODS = Object.keys(METHODS) as MethodName[];

function fixturesDir(): string {
  const argv = process.argv;
  const i = argv.indexOf('--fixtures');
  if (i >= 0 && argv[i + 1]) return path.resolve(argv[i + 1]);
  if (process.env.FORECAST_FIXTURES) return path.resolve(process.env.FORECAST_FIXTURES);
  // Repository root = the directory holding package.json above this file (src or dist).
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return path.resolve(dir, '..', 'shared', 'fixtures');
}

export function loadPoolHistories(dir: string): Record<string, PoolHistory> {
  const ll = path.join(dir, 'defillama');
  const bundle = JSON.parse(fs.readFileSync(path.join(ll, 'chart_by_pool_2025-10-06_309pools.json'), 'utf8')) as unknown;
  const out = parseChartFile(bundle);
  for (const f of fs.readdirSync(ll).filter((n) => n.endsWith('_as_chart_envelope.json'))) {
    const one = parseChartFile(JSON.parse(fs.readFileSync(path.join(ll, f), 'utf8')));
    out[f.replace(/_as_chart_envelope\.json$/, '')] = one.series;
  }
  return out;
}

/** Etherscan daily average gas price (wei) → gwei series. */
export function loadGas(dir: string): PoolHistory | null {
  const file = path.join(dir, 'etherscan', 'etherscan_chart_export_daily_avg_gas_price_wei_2015-07-30_2025-11-10.csv');
  if (!fs.existsSync(file)) return null;
  const lines = fs.readFileSync(file, 'utf8').trim().split(/\r?\n/).slice(1);
  const days: number[] = [];
  const gwei: number[] = [];
  for (const line of lines) {
    const cells = line.split(',').map((c) => c.replace(/"/g, ''));
    const v = Number(cells[2]) / 1e9;
    if (!(v > 0)) continue;
    days.push(Math.floor(Number(cells[1]) / 86400));
    gwei.push(v);
  }
  // The last two years: the post-EIP-1559 / post-Dencun regime the pipeline lives in.
  const from = Math.max(0, days.length - 730);
  return { days: days.slice(from), apy: gwei.slice(from), tvl: gwei.slice(from) };
}

export interface Accumulator {
  /** Per pool: MAE at h=1 and h=7 (original scale) per label; scale per pool. */
  mae1: Map<string, number[]>;
  mae7: Map<string, number[]>;
  scales: number[];
}

function newAcc(): Accumulator {
  return { mae1: new Map(), mae7: new Map(), scales: [] };
}

function push(m: Map<string, number[]>, label: string, v: number): void {
  let a = m.get(label);
  if (!a) m.set(label, (a = []));
  a.push(v);
}

export interface EvalConfig {
  scale: Scale;
  selection: SelectionOptions;
  methods: readonly MethodName[];
  /** Extra labelled selection variants evaluated beside "selected". */
  variants?: Record<string, SelectionOptions>;
}

/** Evaluates one series (working-scale y from modelInput) at its last EVAL_ORIGINS origins. */
function evaluateSeries(yWork: Float64Array, cfg: EvalConfig, acc: Accumulator): boolean {
  const n = yWork.length;
  const first = n - MAX_H - EVAL_ORIGINS + 1;
  if (first < 28) return false;
  const y = Float64Array.from(yWork, (v) => fromScale(v, cfg.scale));
  let scale = 0;
  const from = Math.max(0, first - cfg.selection.fitWindow);
  for (let t = from + 1; t < first; t++) scale += Math.abs(y[t] - y[t - 1]);
  scale /= first - from - 1;
  if (!(scale > 0)) return false;
  acc.scales.push(scale);
  const buf = new Float64Array(MAX_H);
  const sums1 = new Map<string, number>();
  const sums7 = new Map<string, number>();
  const add = (label: string, o: number, f: ArrayLike<number>, onlyH?: number): void => {
    if (onlyH !== 7) sums1.set(label, (sums1.get(label) ?? 0) + Math.abs(y[o] - fromScale(f[0], cfg.scale)));
    if (onlyH !== 1) sums7.set(label, (sums7.get(label) ?? 0) + Math.abs(y[o + 6] - fromScale(f[6], cfg.scale)));
  };
  const variants: Record<string, SelectionOptions> = { selected: cfg.selection, ...cfg.variants };
  for (let o = first; o < first + EVAL_ORIGINS; o++) {
    const train = yWork.subarray(Math.max(0, o - cfg.selection.fitWindow), o);
    for (const name of cfg.methods) {
      const m = METHODS[name];
      m.forecast(train, MAX_H, m.fit(train), buf);
      add(name, o, buf);
    }
    for (const [label, opts] of Object.entries(variants)) {
      // Selection tuned for the horizon it serves: H=1 for next-day, H=7 for the week.
      const s1 = selectAndForecast(yWork, o, { ...opts, horizon: 1 });
      const s7 = selectAndForecast(yWork, o, { ...opts, horizon: MAX_H });
      add(label, o, s1.forecast, 1);
      add(label, o, s7.forecast, 7);
    }
  }
  for (const [k, v] of sums1) push(acc.mae1, k, v / EVAL_ORIGINS / scale);
  for (const [k, v] of sums7) push(acc.mae7, k, v / EVAL_ORIGINS / scale);
  return true;
}

function median(a: number[]): number {
  const s = [...a].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : 0.5 * (s[m - 1] + s[m]);
}

function mean(a: number[]): number {
  return a.reduce((s, v) => s + v, 0) / a.length;
}

const f3 = (v: number): string => (Number.isFinite(v) ? v.toFixed(3) : '–');
const pct = (v: number): string => `${(100 * v).toFixed(0)} %`;

/** Rows: per label, median/mean MASE at h1 and h7, median rel to naive, share beating naive. */
export function accuracyRows(acc: Accumulator, labels: string[]): BenchRow[] {
  const naive1 = acc.mae1.get('naive')!;
  const naive7 = acc.mae7.get('naive')!;
  return labels.map((label) => {
    const a1 = acc.mae1.get(label)!;
    const a7 = acc.mae7.get(label)!;
    const rel1 = a1.map((v, i) => v / naive1[i]).filter(Number.isFinite);
    const rel7 = a7.map((v, i) => v / naive7[i]).filter(Number.isFinite);
    const beat1 = a1.filter((v, i) => v < naive1[i] * (1 - 1e-9)).length / a1.length;
    const beat7 = a7.filter((v, i) => v < naive7[i] * (1 - 1e-9)).length / a7.length;
    return {
      method: label,
      'MASE h1 median': f3(median(a1)),
      'MASE h1 mean': f3(mean(a1)),
      'MASE h7 median': f3(median(a7)),
      'MASE h7 mean': f3(mean(a7)),
      'rel. naive h1 median / mean': `${f3(median(rel1))} / ${f3(mean(rel1))}`,
      'rel. naive h7 median / mean': `${f3(median(rel7))} / ${f3(mean(rel7))}`,
      'beats naive h1 / h7': `${pct(beat1)} / ${pct(beat7)}`,
    };
  });
}

export function evaluateAll(
  histories: Record<string, PoolHistory>,
  field: 'apy' | 'tvl',
  cfg: EvalConfig,
): { acc: Accumulator; used: number } {
  const acc = newAcc();
  let used = 0;
  for (const key of Object.keys(histories)) {
    const h = histories[key];
    const series = alignDaily(h.days, h[field]);
    const input = modelInput(series, { maxGapDays: 7, scale: cfg.scale });
    if (evaluateSeries(input.y, cfg, acc)) used++;
  }
  return { acc, used };
}

// ------------------------------------------------------------------ synthetic speed set

/** 5,000 pools × 365 days: random walks, trends, spiky mean-reverting APYs, a few gaps. */
function syntheticPools(count: number, days: number): Record<string, PoolHistory> {
  const r = mulberry32(42);
  const out: Record<string, PoolHistory> = {};
  for (let p = 0; p < count; p++) {
    const d = new Float64Array(days);
    const apy = new Float64Array(days);
    const tvl = new Float64Array(days);
    const kind = p % 3;
    let a = 2 + 8 * r();
    let v = 1e5 + 1e8 * r();
    const slope = (r() - 0.5) * 0.02;
    for (let i = 0; i < days; i++) {
      d[i] = 19_000 + i;
      if (kind === 0) a = Math.max(0, a + 0.2 * (r() - 0.5));
      else if (kind === 1) a = Math.max(0, a + slope + 0.05 * (r() - 0.5));
      else a = a + 0.2 * (5 - a) + 0.3 * (r() - 0.5);
      apy[i] = r() < 0.04 ? a + 10 * r() : a;
      v *= Math.exp(0.03 * (r() - 0.5));
      tvl[i] = v;
      if (r() < 0.01) apy[i] = NaN; // an occasional missing day
    }
    out[`pool-${p}`] = { days: d, apy, tvl };
  }
  return out;
}

function timeMs(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

export async function run(): Promise<BenchSection[]> {
  const sections: BenchSection[] = [];
  const command = 'npm run bench -- forecast';

  // ---------------------------------------------------------------- speed (always)
  const synth = syntheticPools(5000, 365);
  forecastPools(Object.fromEntries(Object.entries(synth).slice(0, 200)), { horizon: 1 }); // JIT warm-up
  const speedRows: BenchRow[] = [];
  for (const horizon of [1, 7]) {
    let counts: Record<string, number> = {};
    const ms = timeMs(() => {
      const res = forecastPools(synth, { horizon });
      counts = {};
      for (const k of Object.keys(res)) counts[res[k].apy.method] = (counts[res[k].apy.method] ?? 0) + 1;
    });
    speedRows.push({
      set: `synthetic 5,000 pools × 365 days, APY + TVL, horizon ${horizon}`,
      time: `${(ms / 1000).toFixed(2)} s`,
      'per pool': `${(ms / 5000).toFixed(3)} ms`,
      'APY methods chosen': Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', '),
    });
  }

  const dir = fixturesDir();
  const haveFixtures = fs.existsSync(path.join(dir, 'defillama', 'chart_by_pool_2025-10-06_309pools.json'));
  if (haveFixtures) {
    const hist = loadPoolHistories(dir);
    const n = Object.keys(hist).length;
    const ms = timeMs(() => forecastPools(hist, { horizon: 7 }));
    speedRows.push({ set: `fixtures: ${n} DefiLlama pool histories, horizon 7`, time: `${(ms / 1000).toFixed(2)} s`, 'per pool': `${(ms / n).toFixed(3)} ms`, 'APY methods chosen': '' });
  }
  sections.push({
    id: 'forecast-speed',
    title: 'Forecasting speed (method selection per series)',
    command,
    rows: speedRows,
    notes: [
      'Target: 5,000 pools × 365 days with method selection in under 10 s.',
      `Selection: ${DEFAULT_SELECTION.maxOrigins} rolling origins, fit window ${DEFAULT_SELECTION.fitWindow} days, candidates ${DEFAULT_SELECTION.candidates.join(', ')}; parameters fitted once per series per backtest (before the first origin) and once for the final forecast.`,
      'Single thread; APY and TVL each get their own selection.',
    ],
  });

  if (!haveFixtures) {
    sections.push({
      id: 'forecast-accuracy',
      title: 'Forecasting accuracy on DefiLlama pool histories',
      command,
      rows: [],
      notes: [`Skipped: fixtures not found at ${dir} (pass --fixtures DIR or set FORECAST_FIXTURES).`],
    });
    return sections;
  }

  const hist = loadPoolHistories(dir);
  const variants: Record<string, SelectionOptions> = {
    'selected, naive margin 0': { ...DEFAULT_SELECTION, naiveMargin: 0 },
    'selected, naive margin 5 %': { ...DEFAULT_SELECTION, naiveMargin: 0.05 },
    'free choice vs naive (incumbent naive, 10 origins)': { ...DEFAULT_SELECTION, incumbent: 'naive', minImprovement: 0.02, maxOrigins: 10 },
    'selected, all methods': { ...DEFAULT_SELECTION, candidates: ALL_METHODS },
    'selected, classical only (incumbent naive)': { ...DEFAULT_SELECTION, candidates: ['naive', 'mean7', 'dampedTrend', 'theta'], incumbent: 'naive' },
    'selected, fit window 365': { ...DEFAULT_SELECTION, fitWindow: 365 },
  };
  const labels = [...ALL_METHODS, 'selected', ...Object.keys(variants)];

  const apyLog = evaluateAll(hist, 'apy', { scale: 'log1p', selection: DEFAULT_SELECTION, methods: ALL_METHODS, variants });
  const apyLinear = evaluateAll(hist, 'apy', { scale: 'linear', selection: DEFAULT_SELECTION, methods: ALL_METHODS, variants: {} });
  const tvlLog = evaluateAll(hist, 'tvl', { scale: 'log1p', selection: TVL_SELECTION, methods: ALL_METHODS, variants: {} });
  const tvlLinear = evaluateAll(hist, 'tvl', { scale: 'linear', selection: TVL_SELECTION, methods: ['naive'], variants: {} });

  const scaleRow = (label: string, acc: Accumulator): BenchRow => {
    const rel1 = acc.mae1.get('selected')!.map((v, i) => v / acc.mae1.get('naive')![i]);
    const rel7 = acc.mae7.get('selected')!.map((v, i) => v / acc.mae7.get('naive')![i]);
    return { series: label, 'selected rel. naive h1 median / mean': `${f3(median(rel1))} / ${f3(mean(rel1))}`, 'h7 median / mean': `${f3(median(rel7))} / ${f3(mean(rel7))}` };
  };

  sections.push({
    id: 'forecast-accuracy',
    title: 'Forecasting accuracy on DefiLlama pool histories',
    command,
    rows: accuracyRows(apyLog.acc, labels),
    notes: [
      `APY (percent; models on log1p scale, errors in APY points). ${apyLog.used} of ${Object.keys(hist).length} histories have enough days (≥ ${EVAL_ORIGINS + MAX_H + 27}) and a non-constant past; ${EVAL_ORIGINS} rolling origins each, forecasts from y[0..origin) only.`,
      'MASE = pool MAE at that horizon / in-sample one-step naive MAE (before the first origin); "rel. naive" = MAE / naive MAE on the same pool; "beats naive" = share of pools with strictly lower MAE than naive out of sample.',
      `"selected" = the default selection (${DEFAULT_SELECTION.candidates.join(', ')}; incumbent ${DEFAULT_SELECTION.incumbent}, replaced only by a ${DEFAULT_SELECTION.minImprovement * 100} % lower backtest MAE; the winner must beat naive by ${DEFAULT_SELECTION.naiveMargin * 100} %; up to ${DEFAULT_SELECTION.maxOrigins} inner origins), run with horizon 1 for h1 and horizon 7 for h7. The rows after it are selection variants.`,
      'Per-method rows = that method forced on every pool. The robust combination (median of SES, Theta, Hampel-SES, median7, trimmedMean14) is the best single method; free per-series choice on a short backtest loses to it (selection noise), hence it is the incumbent.',
    ],
  });

  sections.push({
    id: 'forecast-accuracy-tvl',
    title: 'Forecasting accuracy: TVL (log1p scale) and scale choice',
    command,
    rows: accuracyRows(tvlLog.acc, [...ALL_METHODS, 'selected']),
    notes: [`TVL (USD) modelled on log1p scale, errors in USD; ${tvlLog.used} histories. Selection: ${TVL_SELECTION.candidates.join(', ')}, incumbent naive, 10 % margin — no method beats naive on TVL here, so the selection stays naive unless a pool's backtest clearly says otherwise.`],
  });

  sections.push({
    id: 'forecast-scale',
    title: 'Forecasting: working scale per series type (selected vs naive, errors on the original scale)',
    command,
    rows: [scaleRow('APY linear', apyLinear.acc), scaleRow('APY log1p (default)', apyLog.acc), scaleRow('TVL linear', tvlLinear.acc), scaleRow('TVL log1p (default)', tvlLog.acc)],
  });

  const gas = loadGas(dir);
  if (gas) {
    const gasRows: BenchRow[] = [];
    for (const scale of ['log1p', 'linear'] as Scale[]) {
      const acc = newAcc();
      const y = modelInput(alignDaily(gas.days, gas.apy), { maxGapDays: 7, scale }).y;
      // One long series: evaluate at 60 origins by evaluating 60 shifted tails.
      for (let cut = 0; cut < 60 * 1; cut += EVAL_ORIGINS) evaluateSeries(y.subarray(0, y.length - cut), { scale, selection: DEFAULT_SELECTION, methods: ALL_METHODS }, acc);
      for (const row of accuracyRows(acc, [...ALL_METHODS, 'selected'])) gasRows.push({ scale, ...row });
    }
    sections.push({
      id: 'forecast-gas',
      title: 'Forecasting accuracy: Etherscan daily average gas price (last 730 days, gwei)',
      command,
      rows: gasRows,
      notes: ['5 blocks of 14 rolling origins (70 origins) on one series; each block is one "pool" in the aggregates. Only the daily average is in the fixtures; the daily max goes through the same machinery.'],
    });
  }
  return sections;
}
