/**
 * The forecast steps end to end through real HTTP: startRun (horizon 3 days, raised floors) +
 * ingestion + clean/enrich on the enrich tests' market, then forecastPools, forecastGas and
 * filterPoolsFinal on the embedded Firestore emulator. Checks the stored forecasts against the core
 * on the pools' own charts, the naive fallbacks and their reasons, the gas forecast and ETH price,
 * every final-filter rule (iceboxed token, TVL and APY floors, a held pool failing → kept with
 * mustExit, a held pool the pre-filter rejects) and identical documents on a rerun.
 */
import { readCrossSection } from '../../functions/src/lib/cross-section';
import { DEFAULT_APPROVED_TOKENS } from '../../functions/src/lib/params';
import { dateToDay, forecastGas, forecastPool } from '../../functions/src/steps/forecast';
import { readFinalFilter, readPoolForecasts } from '../../functions/src/steps/forecast/handlers';
import { toPoolHistory } from '../../functions/src/steps/forecast/handlers/forecastPools';
import type { MarketSource } from '../../emulator/market/server/types';
import { useIngestHarness } from '../ingest/harness';
import { chart, DAY1, enrichMarket, ONE_DAY_POOL, poolId, SHORT_POOL } from '../enrich/fake-market';

/** Pool 23 holds GUSD only: GUSD is iceboxed on DAY1 (two lows below 0.98), so pool 23 must be dropped. */
const GUSD_POOL = 23;
const GUSD = DEFAULT_APPROVED_TOKENS.find((t) => t.symbol === 'GUSD')!.address;
const market: MarketSource = {
  ...enrichMarket,
  poolsSnapshot(date: string) {
    return (enrichMarket.poolsSnapshot(date) as unknown as Array<Record<string, unknown>>).map((r) =>
      Number(String(r.pool).slice(0, 8)) === GUSD_POOL ? { ...r, symbol: 'GUSD', underlyingTokens: [GUSD] } : r,
    ) as never;
  },
};

const OUT = ['poolForecasts', 'gasForecasts', 'finalFilter'];
const h = useIngestHarness('forecast-http', { source: market, nested: ['raw', 'poolSnapshots', 'prefilter', 'eligiblePools', 'poolClean', 'poolMetrics', 'poolGroups', 'features', ...OUT] });
const PARAMS = { horizonDays: 3, poolTvlFloor: 5_000_000, poolApyFloor: 0.04 };
const AS_OF = '2025-02-28';
/** Held: 27 (eligible, TVL 3 M < 5 M floor), 10 (SUSD-USDC: blacklisted, never eligible). 14 holds nothing. */
const HELD_FAILING = 27;
const HELD_NOT_ELIGIBLE = 10;

async function post(step: string, body: Record<string, unknown>) {
  const res = await h.post(step, body);
  expect({ step, status: res.status, body: res.status === 200 ? res.json.status : res.json }).toEqual({ step, status: 200, body: 'ok' });
  return res.json;
}

async function runUpToEnrich(): Promise<string> {
  h.market().clock.set(DAY1);
  const runId = (await post('startRun', { runDate: DAY1, params: PARAMS })).runId as string;
  for (const step of ['fetchPools', 'fetchPrices', 'fetchGas', 'filterPoolsPre', 'fetchPoolHistories', 'computeMetrics', 'groupPools', 'updateIcebox']) {
    await post(step, { runDate: DAY1, runId });
  }
  return runId;
}

async function forecastSteps(runId: string) {
  return {
    pools: await post('forecastPools', { runDate: DAY1, runId }),
    gas: await post('forecastGas', { runDate: DAY1, runId }),
    filter: await post('filterPoolsFinal', { runDate: DAY1, runId }),
  };
}

describe('forecast steps over HTTP', () => {
  it('stores forecasts, the gas forecast and every final-filter reason; a rerun changes nothing', async () => {
    const db = h.db();
    const runId = await runUpToEnrich();
    // The treasury's positions (updateLedger's layout): the day before's ledger is the latest one.
    await db.doc(`ledger/${AS_OF}`).set({
      pools: [
        { poolId: poolId(HELD_FAILING), token: 'USDC', amount: 5000, usd: 5000 },
        { poolId: poolId(HELD_NOT_ELIGIBLE), token: 'USDC', amount: 100, usd: 100 },
        { poolId: poolId(14), token: 'USDC', amount: 0, usd: 0 },
      ],
    });
    const r = await forecastSteps(runId);

    // ---- forecastPools: every eligible pool + the held one the pre-filter rejected ----
    const eligible = (await readCrossSection(db, 'eligiblePools', DAY1))!.ids;
    expect(eligible).toHaveLength(16);
    const stored = await readPoolForecasts(db, DAY1);
    expect(stored).toMatchObject({ asOf: AS_OF, horizonDays: 3 });
    expect(stored.pools.map((p) => p.poolId)).toEqual([...eligible, poolId(HELD_NOT_ELIGIBLE)]);
    const byId = new Map(stored.pools.map((p) => [p.poolId, p]));
    for (const id of eligible) {
      const p = byId.get(id)!;
      expect({ id, apy: p.apy.values.length, tvl: p.tvl.values.length, lastDate: p.apy.lastDate }).toEqual({ id, apy: 3, tvl: 3, lastDate: AS_OF });
      expect(p.eligible).toBe(true);
      expect(Object.keys(p.apy.backtest).sort()).toEqual(['mase', 'n', 'naiveMase']);
      expect(typeof p.apy.backtest.n).toBe('number');
    }
    // The stored forecast is the core's on the pool's own chart up to the as-of day (no look-ahead).
    for (const i of [14, 3, 19, SHORT_POOL]) {
      const rows = chart(i, DAY1).filter((x) => x.timestamp.slice(0, 10) < DAY1);
      const byDay = new Map(rows.map((x) => [x.timestamp.slice(0, 10), x])); // a duplicated day keeps its later row
      const days = [...byDay.keys()];
      const expected = forecastPool(
        { days: days.map((d) => dateToDay(d)), apy: days.map((d) => byDay.get(d)!.apy ?? NaN), tvl: days.map((d) => byDay.get(d)!.tvlUsd ?? NaN) },
        { horizon: 3, asOfDay: dateToDay(AS_OF) },
      );
      const p = byId.get(poolId(i))!;
      expect({ i, apy: p.apy, tvl: p.tvl }).toEqual({ i, ...expected });
    }
    expect(byId.get(poolId(14))!.apy.backtest.n).toBeGreaterThan(0);
    // Short and one-day histories: naive with the reason.
    const short = byId.get(poolId(SHORT_POOL))!.apy;
    expect(short).toMatchObject({ method: 'naive', reason: 'short history (9 < 14 days)', backtest: { n: 0 } });
    expect(short.values).toEqual(Array(3).fill(chart(SHORT_POOL, DAY1).find((x) => x.timestamp.startsWith(AS_OF))!.apy));
    expect(byId.get(poolId(ONE_DAY_POOL))!.apy).toMatchObject({ method: 'naive', reason: 'single observation' });
    // The held, never-fetched pool has nothing to forecast from.
    expect(byId.get(poolId(HELD_NOT_ELIGIBLE))).toMatchObject({ eligible: false, held: true, apy: { values: [], lastDate: null, reason: 'no observations' } });
    expect(r.pools.counts).toMatchObject({ pools: 17, eligible: 16, heldNotEligible: 1, forecast: 16, missing: 1, 'fallback.short-history': 1, 'fallback.single-observation': 1, 'fallback.no-observations': 1 });
    const methods = Object.entries(r.pools.counts).filter(([k]) => k.startsWith('method.'));
    expect(methods.reduce((s, [, n]) => s + (n as number), 0)).toBe(17);
    expect(r.pools.counts.modelChosen).toBe(17 - (r.pools.counts['method.naive'] ?? 0));

    // ---- forecastGas: the core on the stored gas days, ETH price of the as-of day ----
    const gasDoc = (await db.doc(`gasForecasts/${DAY1}`).get()).data()!;
    const gasDays = (await db.collection('gasDaily').get()).docs
      .flatMap((d) => Object.entries(d.get('points') as Record<string, { meanBaseFeeGwei: number; maxBaseFeeGwei: number }>))
      .filter(([day]) => day <= AS_OF)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    expect(gasDays.length).toBeGreaterThan(1);
    const g = forecastGas(
      { days: gasDays.map(([d]) => dateToDay(d)), avg: gasDays.map(([, v]) => v.meanBaseFeeGwei), max: gasDays.map(([, v]) => v.maxBaseFeeGwei) },
      { horizon: 3, asOfDay: dateToDay(AS_OF) },
    );
    expect(gasDoc).toMatchObject({ asOf: AS_OF, horizonDays: 3, unit: 'gwei', avg: g.avg.values, max: g.max.values, costGasGwei: g.costGas, method: { avg: g.avg.method, max: g.max.method } });
    expect(gasDoc.series.max).toEqual({ method: g.max.method, lastDate: AS_OF, backtest: g.max.backtest, reason: g.max.reason });
    expect(gasDoc.gasPriceGwei).toBe(Math.max(...g.costGas));
    for (let d = 0; d < 3; d++) expect(gasDoc.costGasGwei[d]).toBeGreaterThanOrEqual(gasDoc.avg[d]);
    const ethClose = ((await db.doc('priceDaily/ETH_2025-02').get()).get('points') as Record<string, { close: number }>)[AS_OF].close;
    expect(gasDoc).toMatchObject({ ethPriceUsd: ethClose, ethPriceDate: AS_OF });
    expect(r.gas.counts).toMatchObject({ horizonDays: 3, historyDays: gasDays.length });

    // ---- filterPoolsFinal: every rule, with its reasons ----
    const rows = await readFinalFilter(db, DAY1);
    const row = (i: number) => rows.find((x) => x.poolId === poolId(i))!;
    expect(rows).toHaveLength(17);
    // Iceboxed token (GUSD, exact match), nothing else wrong with the pool.
    expect(row(GUSD_POOL)).toMatchObject({ kept: false, mustExit: false, tokens: ['GUSD'], reasons: [{ rule: 'iceboxedToken', token: 'GUSD' }] });
    // TVL 1 M × (30 − i) + day: pools 26, 29 under the 5 M floor (27 too, but it is held).
    for (const i of [26, 29]) expect({ i, ...row(i) }).toMatchObject({ i, kept: false, reasons: [{ rule: 'tvlBelowFloor', floor: 5_000_000 }] });
    // APY 3 + (i % 5) + fraction: pool 25 stays under 4 % (TVL 5 M + day passes the floor).
    expect(row(25)).toMatchObject({ kept: false, reasons: [{ rule: 'apyBelowFloor', floorPercent: 4 }] });
    expect(row(25).forecastApy!).toBeLessThan(4);
    // Held and failing: kept, flagged for exit.
    expect(row(HELD_FAILING)).toMatchObject({ kept: true, mustExit: true, held: true, eligible: true, reasons: [{ rule: 'tvlBelowFloor' }] });
    expect(row(HELD_NOT_ELIGIBLE)).toMatchObject({
      kept: true, mustExit: true, held: true, eligible: false, symbol: 'SUSD-USDC', forecastApy: null,
      reasons: [{ rule: 'notEligible', preFilter: ['token-blacklisted'] }, { rule: 'missingForecast' }],
    });
    expect(row(14)).toMatchObject({ kept: true, mustExit: false, held: false, reasons: [] });
    // Every row's reasons follow from its stored forecasts (mean APY, min TVL over the horizon) and the floors.
    for (const x of rows) {
      const f = byId.get(x.poolId)!;
      if (f.apy.values.length === 0) continue;
      const apy = f.apy.values.reduce((s, v) => s + v, 0) / 3;
      const tvl = Math.min(...f.tvl.values);
      expect({ id: x.poolId, apy: x.forecastApy, tvl: x.forecastTvl }).toEqual({ id: x.poolId, apy: expect.closeTo(apy, 9), tvl });
      const rules = x.reasons.map((y) => y.rule);
      expect({ id: x.poolId, tvl: rules.includes('tvlBelowFloor'), apy: rules.includes('apyBelowFloor') }).toEqual({ id: x.poolId, tvl: tvl < 5_000_000, apy: apy < 4 });
      expect({ id: x.poolId, kept: x.kept }).toEqual({ id: x.poolId, kept: x.held || rules.length === 0 });
    }
    const dropped = rows.filter((x) => !x.kept).length;
    expect(r.filter.counts).toMatchObject({ input: 17, kept: 17 - dropped, dropped, held: 2, mustExit: 2, 'byRule.iceboxedToken': 1, 'byRule.notEligible': 1, 'byRule.missingForecast': 1 });
    expect(r.filter.counts['byRule.tvlBelowFloor']).toBe(rows.filter((x) => x.reasons.some((y) => y.rule === 'tvlBelowFloor')).length);
    expect(r.filter.counts['byRule.tvlBelowFloor']).toBeGreaterThanOrEqual(3);
    const manifest = (await db.doc(`finalFilter/${DAY1}`).get()).data()!;
    expect(manifest).toMatchObject({ iceboxed: ['GUSD'], iceboxSource: `iceboxHistory/${DAY1}`, heldSource: `ledger/${AS_OF}`, byRule: { iceboxedToken: 1 } });
    // Steps noted in the run.
    expect((await db.doc(`runs/${DAY1}`).get()).get('steps.filterPoolsFinal')).toMatchObject({ status: 'ok', counts: { kept: 17 - dropped } });

    // ---- rerun: identical documents ----
    const before = await h.dump(OUT, ['runId']);
    expect(Object.keys(before).filter((p) => p.includes('/chunks/')).length).toBeGreaterThanOrEqual(2);
    const again = await forecastSteps(runId);
    expect(await h.dump(OUT, ['runId'])).toEqual(before);
    // A rerun also deletes the previous manifest first: only the document I/O differs.
    const decisions = (c: Record<string, number>) => Object.fromEntries(Object.entries(c).filter(([k]) => !k.startsWith('documents')));
    expect(decisions(again.filter.counts)).toEqual(decisions(r.filter.counts));
  });

  it('answers 500 naming the missing input when forecastPools has not run', async () => {
    const runId = (await post('startRun', { runDate: '2025-03-02' })).runId as string;
    const res = await h.post('filterPoolsFinal', { runDate: '2025-03-02', runId });
    expect(res.status).toBe(500);
    expect(res.json.error.message).toContain('poolForecasts/2025-03-02 is missing: run forecastPools');
  });
});

describe('toPoolHistory', () => {
  it('keeps only the window up to the as-of day; gaps stay gaps', () => {
    const series = new Map<string, any>([
      ['2025-02-26', { apy: 4, tvlUsd: 10 }],
      ['2025-02-27', { apy: null, tvlUsd: null }],
      ['2025-02-28', { apy: 5, tvlUsd: 11 }],
      ['2025-03-01', { apy: 999, tvlUsd: 1 }], // a later runDate's point: look-ahead if used
    ]);
    const hist = toPoolHistory(series, '2025-02-27', AS_OF);
    expect(hist.days).toEqual([dateToDay('2025-02-27'), dateToDay(AS_OF)]);
    expect(hist.apy).toEqual([NaN, 5]);
    expect(hist.tvl).toEqual([NaN, 11]);
  });
});
