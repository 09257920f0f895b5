/**
 * The replay loop. `Backtest` advances one day per `step()` and keeps everything that carries over
 * between days in a JSON-serialisable `BacktestState` (portfolios, icebox, remembered forecast
 * methods, the days so far), so a workflow step can run one day or a segment, store the state and
 * hand it to the next call. Caches of source data (histories, gas) are rebuilt from the source.
 *
 * Day D: decide on data ≤ D − 1 (day-step.ts) → execute (costs paid) → earn D's realised APY.
 * Realised APY of a pool on D = its row dated D; a pool without a row that day (DefiLlama gap) earns
 * its latest APY of the previous 7 days, and 0 when it has none (the pool is gone).
 */
import { addDays, dayRange } from '../../lib/dates';
import type { Params } from '../../lib/params';
import type { Transaction } from '../allocate/types';
import { emptyIceboxState, updateIcebox, type DailyCandle, type IceboxState } from '../enrich/icebox';
import { dateToDay } from '../forecast';
import { runEqualWeight, runLargestPool, type Executed } from './benchmarks';
import { allocationInput, buildMarketView, GAS_WINDOW_DAYS, HISTORY_WINDOW_DAYS, type MarketView } from './day-step';
import { optimizeAllocation } from '../allocate/optimize';
import { ForecastCache, type RememberedMethods } from './forecast-cache';
import { HistoryCache } from './history-cache';
import { summarize } from './metrics';
import { accrue, afterTrades, emptyPortfolio, navOf, NO_COSTS, tradedUsd, weightsOf } from './portfolio';
import type { BacktestConfig, BacktestDataSource, BacktestDay, BacktestResult, ForecastErrorDay, GasDay, Portfolio, SeriesName } from './types';
import { SERIES_NAMES } from './types';

export interface BacktestState {
  config: BacktestConfig;
  /** Index into the day list of the next day to run. */
  next: number;
  portfolios: Record<SeriesName, Portfolio>;
  /** True once the strategy had its first feasible allocation (holdDay1 stops trading). */
  holdFixed: boolean;
  icebox: IceboxState | null;
  forecastMethods: RememberedMethods;
  days: BacktestDay[];
  elapsedMs: number;
}

/** Days the depeg guard is warmed up on before the first decision. */
const ICEBOX_WARMUP_DAYS = 14;
const REALISED_LOOKBACK_DAYS = 7;

export function initialState(config: BacktestConfig): BacktestState {
  if (dayRange(config.from, config.to).length === 0) throw new RangeError(`--to ${config.to} is before --from ${config.from}`);
  if (!(config.aumUsd > 0)) throw new RangeError(`AUM must be positive, got ${config.aumUsd}`);
  const p = emptyPortfolio(config.startToken, config.aumUsd);
  return {
    config,
    next: 0,
    portfolios: { strategy: p, equalWeight: p, largestPool: p, holdDay1: p },
    holdFixed: false,
    icebox: null,
    forecastMethods: {},
    days: [],
    elapsedMs: 0,
  };
}

export interface StepProgress {
  index: number;
  total: number;
  day: BacktestDay;
}

export class Backtest {
  readonly dates: string[];
  private readonly histories: HistoryCache;
  private readonly forecaster: ForecastCache;
  private gas: GasDay[] | null = null;

  constructor(
    private readonly source: BacktestDataSource,
    readonly state: BacktestState,
  ) {
    const c = state.config;
    this.dates = dayRange(c.from, c.to);
    this.histories = new HistoryCache(source, HISTORY_WINDOW_DAYS);
    this.forecaster = new ForecastCache(c.params.horizonDays, c.forecastReselectDays);
    this.forecaster.restore(state.forecastMethods);
  }

  get done(): boolean {
    return this.state.next >= this.dates.length;
  }

  get params(): Params {
    return this.state.config.params;
  }

  /** Forecast selections run vs cached-method forecasts (speed diagnostics). */
  get forecastStats(): { selections: number; cached: number } {
    return { ...this.forecaster.stats };
  }

  private async advanceGas(prev: string): Promise<GasDay[]> {
    if (!this.gas) {
      this.gas = await this.source.gasDays(addDays(prev, -(GAS_WINDOW_DAYS - 1)), prev);
    } else {
      const last = this.gas.length ? this.gas[this.gas.length - 1].date : addDays(prev, -GAS_WINDOW_DAYS);
      if (last < prev) this.gas.push(...(await this.source.gasDays(addDays(last, 1), prev)));
      if (this.gas.length > GAS_WINDOW_DAYS) this.gas = this.gas.slice(-GAS_WINDOW_DAYS);
    }
    return this.gas.filter((g) => g.date <= prev);
  }

  /** Advances the depeg guard through `prev` and returns the day's token data. */
  private async advanceIcebox(prev: string): Promise<{ tokenDay: Awaited<ReturnType<BacktestDataSource['tokenDays']>>; active: Array<{ symbol: string; address: string }> }> {
    const tokens = this.params.approvedTokens;
    const dates = this.state.icebox === null ? dayRange(addDays(prev, -(ICEBOX_WARMUP_DAYS - 1)), prev) : [prev];
    let state = this.state.icebox ?? emptyIceboxState();
    let tokenDay: Awaited<ReturnType<BacktestDataSource['tokenDays']>> = {};
    for (const date of dates) {
      tokenDay = await this.source.tokenDays(tokens, date);
      const candles: Record<string, DailyCandle[]> = {};
      for (const [s, t] of Object.entries(tokenDay)) candles[s] = [{ date, low: t.low, close: t.close }];
      state = updateIcebox(state, tokens, candles, this.params.icebox).state;
    }
    this.state.icebox = state;
    const active = state.history.filter((e) => e.removedAt === null).map((e) => ({ symbol: e.symbol, address: e.address }));
    return { tokenDay, active };
  }

  /** Runs the next day; returns its record. */
  async step(): Promise<BacktestDay> {
    if (this.done) throw new Error('the backtest is already complete');
    const t0 = Date.now();
    const st = this.state;
    const params = this.params;
    const date = this.dates[st.next];
    const prev = addDays(date, -1);

    // ---- decide on data ≤ D − 1 ----
    const gas = await this.advanceGas(prev);
    const { tokenDay, active } = await this.advanceIcebox(prev);
    const listing = await this.source.listing(prev);
    const held = new Set(Object.keys(st.portfolios.strategy.positions));
    const view = await buildMarketView({ date, params, listing, tokenDay, gas, iceboxActive: active, histories: this.histories, forecaster: this.forecaster, held });

    const before: Record<SeriesName, number> = Object.fromEntries(SERIES_NAMES.map((s) => [s, navOf(st.portfolios[s])])) as Record<SeriesName, number>;
    const result = await optimizeAllocation(allocationInput(view, st.portfolios.strategy, params, this.histories));
    let strategy: Executed = { portfolio: st.portfolios.strategy, costs: NO_COSTS, transactions: [] };
    if ('transactions' in result) {
      const costs = { gasUsd: result.costs.gasUsd, conversionUsd: result.costs.conversionUsd, totalUsd: result.costs.totalUsd };
      const moved = result.transactions.some((t) => t.type !== 'HOLD');
      strategy = { portfolio: moved ? afterTrades(result.finalAllocation, costs) : st.portfolios.strategy, costs: moved ? costs : NO_COSTS, transactions: result.transactions };
    }
    const executed: Record<SeriesName, Executed> = {
      strategy,
      equalWeight: runEqualWeight(view, st.portfolios.equalWeight, params),
      largestPool: runLargestPool(view, st.portfolios.largestPool, params),
      // Until the strategy's first feasible day, "hold day 1" is the strategy itself.
      holdDay1: st.holdFixed ? { portfolio: st.portfolios.holdDay1, costs: NO_COSTS, transactions: [] } : strategy,
    };
    const feasible = 'transactions' in result;
    if (feasible) st.holdFixed = true;

    // ---- earn D's realised APY ----
    const heldAfter = new Set<string>();
    for (const s of SERIES_NAMES) for (const id of Object.keys(executed[s].portfolio.positions)) heldAfter.add(id);
    const realised = await this.realised([...new Set([...view.forecasts.keys(), ...heldAfter])], date);
    const weights = weightsOf(executed.strategy.portfolio);
    const day: BacktestDay = {
      date,
      nav: {} as Record<SeriesName, number>,
      costs: {} as BacktestDay['costs'],
      turnover: {} as Record<SeriesName, number>,
      weights,
      feasible,
      status: result.status,
      ...('reasons' in result ? { reasons: result.reasons } : {}),
      transactions: strategy.transactions as Transaction[],
      counts: { listed: view.listed, preFiltered: view.preFiltered.length, eligible: view.eligible.length, held: Object.keys(weights).length },
      gasPriceGwei: view.gasPriceGwei,
      forecastError: forecastError(view, realised.exact, weights),
    };
    for (const s of SERIES_NAMES) {
      const e = executed[s];
      st.portfolios[s] = accrue(e.portfolio, realised.earned);
      day.nav[s] = navOf(st.portfolios[s]);
      day.costs[s] = e.costs;
      day.turnover[s] = before[s] > 0 ? tradedUsd(e.transactions) / (2 * before[s]) : 0;
    }
    st.days.push(day);
    st.next++;
    st.forecastMethods = this.forecaster.snapshot();
    // Bounded memory: keep only pools still in play.
    const keep = new Set([...view.forecasts.keys(), ...heldAfter]);
    this.histories.prune(keep);
    this.forecaster.prune(keep);
    st.elapsedMs += Date.now() - t0;
    return day;
  }

  private async realised(ids: string[], date: string): Promise<{ earned: Map<string, number>; exact: Map<string, number> }> {
    const dDay = dateToDay(date);
    const rows = await this.source.histories(ids, addDays(date, -REALISED_LOOKBACK_DAYS), date);
    const earned = new Map<string, number>();
    const exact = new Map<string, number>();
    for (const id of ids) {
      const list = (rows.get(id) ?? []).filter((r) => r.day <= dDay && r.day > dDay - REALISED_LOOKBACK_DAYS - 1 && Number.isFinite(r.apy));
      if (!list.length) continue;
      const last = list[list.length - 1];
      earned.set(id, last.apy);
      if (last.day === dDay) exact.set(id, last.apy);
    }
    return { earned, exact };
  }

  /** Runs up to `maxDays` days (all remaining by default), reporting each. */
  async run(onDay?: (p: StepProgress) => void, maxDays = Infinity): Promise<void> {
    for (let k = 0; k < maxDays && !this.done; k++) {
      const day = await this.step();
      onDay?.({ index: this.state.next, total: this.dates.length, day });
    }
  }

  result(): BacktestResult {
    const st = this.state;
    return {
      version: 1,
      source: this.source.description,
      config: st.config,
      days: st.days,
      summary: summarize(st.days, st.config.aumUsd, st.config.riskFreeRate),
      elapsedMs: st.elapsedMs,
    };
  }
}

function forecastError(view: MarketView, exact: ReadonlyMap<string, number>, weights: Record<string, number>): ForecastErrorDay | null {
  let n = 0;
  let e = 0;
  let ne = 0;
  for (const [id, f] of view.forecasts) {
    const a = exact.get(id);
    if (a === undefined || !Number.isFinite(f.apy1) || !Number.isFinite(f.lastApy)) continue;
    n++;
    e += Math.abs(f.apy1 - a);
    ne += Math.abs(f.lastApy - a);
  }
  if (n === 0) return null;
  let w = 0;
  let we = 0;
  for (const [id, share] of Object.entries(weights)) {
    const f = view.forecasts.get(id);
    const a = exact.get(id);
    if (!f || a === undefined || !Number.isFinite(f.apy1)) continue;
    w += share;
    we += share * Math.abs(f.apy1 - a);
  }
  return { n, mae: e / n, naiveMae: ne / n, portfolioMae: w > 0 ? we / w : null };
}

/** Convenience: a whole backtest in one call. */
export async function runBacktest(source: BacktestDataSource, config: BacktestConfig, onDay?: (p: StepProgress) => void): Promise<BacktestResult> {
  const bt = new Backtest(source, initialState(config));
  await bt.run(onDay);
  return bt.result();
}
