/**
 * Per-series method selection and forecast. Explicit rules first (empty, single point, short
 * history, constant, too short to backtest → naive with a reason); otherwise the rolling-origin
 * backtest on the series' own past picks the method with the lowest MAE, and a non-naive method
 * must beat naive by `minImprovement` (guards against the winner's curse of picking among many
 * candidates on a handful of origins).
 */
import { rollingOriginBacktest, type BacktestOptions, type BacktestResult } from './evaluate';
import { METHODS } from './methods';
import type { BacktestSummary, ForecastMethod, MethodName } from './types';

export interface SelectionOptions extends BacktestOptions {
  /** Candidate methods (naive is always added as the baseline). */
  candidates: readonly MethodName[];
  /** Fewer observations than this → naive ("short history"). */
  minHistory: number;
  /** Relative MAE gain over the incumbent a method needs to replace it (0.05 = 5 % lower MAE). */
  minImprovement: number;
  /**
   * The method kept unless the backtest shows another one clearly better (by minImprovement).
   * 'naive' makes every method prove itself against naive; a population-level winner makes the
   * per-series evidence override a measured prior instead of a weak baseline.
   */
  incumbent: MethodName;
  /** Relative MAE gain over naive the final choice needs (0 = any gain), else naive. */
  naiveMargin: number;
}

/**
 * APY defaults, chosen on the fixture bench (BENCHMARKS.md, "Forecasting accuracy"): on 197 DefiLlama
 * histories the robust combination beat naive out of sample on 77 % (h1) / 84 % (h7) of pools, while
 * picking freely among methods on a short backtest lost to it (selection noise). So robustComb is the
 * incumbent, another method must beat it by 5 % over up to 30 origins, and the winner must beat naive
 * by 2 % (else naive: random walks stay naive, 80 % of seeds in tests; margin 5 % cost 3 points of
 * h1 accuracy on the fixtures).
 */
export const DEFAULT_CANDIDATES: readonly MethodName[] = ['naive', 'robustComb', 'ses', 'dampedTrend', 'theta', 'hampelSes'];

export const DEFAULT_SELECTION: SelectionOptions = {
  horizon: 1,
  maxOrigins: 30,
  minOrigins: 4,
  minTrain: 14,
  fitWindow: 120,
  candidates: DEFAULT_CANDIDATES,
  minHistory: 14,
  minImprovement: 0.05,
  incumbent: 'robustComb',
  naiveMargin: 0.02,
};

/**
 * TVL defaults: nothing beat naive on the fixtures (TVL moves by deposits and withdrawals, a random
 * walk in log space), so naive is the incumbent and SES / damped trend need a 10 % gain.
 */
export const TVL_SELECTION: SelectionOptions = {
  ...DEFAULT_SELECTION,
  candidates: ['naive', 'ses', 'dampedTrend'],
  minImprovement: 0.1,
  incumbent: 'naive',
};

/** Selection outcome on the working scale. */
export interface Selection {
  method: MethodName;
  /** Forecasts for 1..H steps after `end` (working scale). */
  forecast: Float64Array;
  backtest: BacktestSummary;
  reason: string | null;
  /** The full backtest (per-method errors), when one ran; for diagnostics and the bench. */
  details: { methods: MethodName[]; result: BacktestResult } | null;
}

function naiveSelection(y: Float64Array, end: number, H: number, reason: string, n = 0): Selection {
  const forecast = new Float64Array(H).fill(end > 0 ? y[end - 1] : NaN);
  return { method: 'naive', forecast, backtest: { mase: null, naiveMase: null, n }, reason, details: null };
}

function isConstant(y: Float64Array, from: number, to: number): boolean {
  const v = y[from];
  for (let t = from + 1; t < to; t++) if (y[t] !== v) return false;
  return true;
}

function resolveMethods(candidates: readonly MethodName[]): ForecastMethod[] {
  const names: MethodName[] = ['naive', ...candidates.filter((c, i) => c !== 'naive' && candidates.indexOf(c) === i)];
  return names.map((n) => {
    const m = METHODS[n];
    if (!m) throw new Error(`unknown forecasting method "${n}"`);
    return m;
  });
}

const methodCache = new Map<readonly MethodName[], readonly ForecastMethod[]>();

/**
 * Forecasts y from the origin `end` (i.e. using y[0..end) only) for `opts.horizon` steps.
 * `methods` overrides the registry lookup (tests inject their own, e.g. a deliberately peeking one).
 */
export function selectAndForecast(
  y: Float64Array,
  end: number,
  opts: SelectionOptions = DEFAULT_SELECTION,
  methods?: readonly ForecastMethod[],
): Selection {
  const H = opts.horizon;
  if (!(H >= 1) || !Number.isInteger(H)) throw new RangeError(`horizon must be a positive integer, got ${H}`);
  if (end > y.length) throw new RangeError(`origin ${end} is past the series end ${y.length}`);
  if (end === 0) return naiveSelection(y, end, H, 'no observations');
  if (end === 1) return naiveSelection(y, end, H, 'single observation');
  if (end < opts.minHistory) return naiveSelection(y, end, H, `short history (${end} < ${opts.minHistory} days)`);
  if (isConstant(y, Math.max(0, end - opts.fitWindow), end)) return naiveSelection(y, end, H, 'constant series');

  let ms = methods;
  if (!ms) {
    ms = methodCache.get(opts.candidates);
    if (!ms) {
      ms = resolveMethods(opts.candidates);
      methodCache.set(opts.candidates, ms);
    }
  }
  const hist = y.subarray(0, end);
  const result = rollingOriginBacktest(hist, end, ms, opts);
  if (!result) return naiveSelection(y, end, H, `too short to backtest (${end} days, horizon ${H})`);

  // Naive is ms[0] when resolved from the registry; find it by name for injected lists.
  const naiveIdx = Math.max(0, ms.findIndex((m) => m.name === 'naive'));
  const incIdx = ms.findIndex((m) => m.name === opts.incumbent);
  const inc = incIdx >= 0 ? incIdx : naiveIdx;
  let best = inc;
  for (let m = 0; m < ms.length; m++) if (result.mae[m] < result.mae[best]) best = m;
  if (best !== inc && !(result.mae[best] < result.mae[inc] * (1 - opts.minImprovement))) best = inc;
  // Whatever won must also clear naive by naiveMargin, else the simplest forecast stays.
  if (best !== naiveIdx && !(result.mae[best] < result.mae[naiveIdx] * (1 - opts.naiveMargin))) best = naiveIdx;

  const scale = result.scale;
  const masOf = (m: number): number | null => (scale > 0 && Number.isFinite(result.mae[m]) ? result.mae[m] / scale : null);
  const details = { methods: ms.map((m) => m.name), result };
  const train = hist.subarray(Math.max(0, end - opts.fitWindow), end);
  const chosen = ms[best];
  const forecast = new Float64Array(H);
  chosen.forecast(train, H, chosen.fit(train), forecast);
  for (let h = 0; h < H; h++) {
    if (!Number.isFinite(forecast[h])) {
      const fallback = naiveSelection(y, end, H, `non-finite forecast from ${chosen.name}`, result.origins);
      return { ...fallback, backtest: { mase: masOf(naiveIdx), naiveMase: masOf(naiveIdx), n: result.origins }, details };
    }
  }
  return {
    method: chosen.name,
    forecast,
    backtest: { mase: masOf(best), naiveMase: masOf(naiveIdx), n: result.origins },
    reason: null,
    details,
  };
}
