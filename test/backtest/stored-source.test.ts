/**
 * The Firestore-backed backtest source reads back what the pipeline stored: with the stored layers
 * written by the real ingestion/enrich functions from a simulated market, it returns the same
 * listings, pool histories, token candles and gas days as the simulated source over that market.
 */
import { readCrossSection } from '../../functions/src/lib/cross-section';
import { addDays, dayRange } from '../../functions/src/lib/dates';
import { DEFAULT_PARAMS } from '../../functions/src/lib/params';
import { FirestoreBacktestSource, SimulatedMarketSource, StoredHistoryMissingError } from '../../functions/src/steps/backtest';
import type { PoolObservation } from '../../functions/src/steps/backtest';
import { useIngestHarness } from '../ingest/harness';
import { FROM, RUN_DATES, seedMarket, seedStoredHistory, TO } from './stored-seed';

const market = seedMarket();
const h = useIngestHarness('backtest-stored-source', { source: market });

const byPool = <T extends { pool: string }>(rows: T[]): T[] => [...rows].sort((a, b) => (a.pool < b.pool ? -1 : 1));
/** NaN-safe comparable form of histories (toEqual treats NaN = NaN, but a Map's order matters). */
const plain = (m: Map<string, PoolObservation[]>): Record<string, PoolObservation[]> => Object.fromEntries([...m].sort(([a], [b]) => (a < b ? -1 : 1)));

test('the stored layers read back as the simulated market they were ingested from', async () => {
  const statuses = await seedStoredHistory(h);
  expect(Object.keys(statuses)).toEqual(RUN_DATES);
  const sim = new SimulatedMarketSource(market);
  const stored = new FirestoreBacktestSource(h.db());

  // ---- listings: every snapshot day the backtest reads (day − 1 of each decision) ----
  for (const date of dayRange(addDays(FROM, -1), addDays(TO, -1))) {
    const [a, b] = await Promise.all([stored.listing(date), sim.listing(date)]);
    expect(b.length).toBeGreaterThan(500);
    expect({ date, rows: byPool(a) }).toEqual({ date, rows: byPool(b) });
  }

  // ---- histories: the pools the last run found eligible are stored up to TO ----
  const last = RUN_DATES[RUN_DATES.length - 1];
  const eligible = (await readCrossSection(h.db(), 'eligiblePools', last))!.ids;
  expect(eligible.length).toBeGreaterThan(10);
  const from = addDays(FROM, -200);
  const [ha, hb] = await Promise.all([stored.histories(eligible, from, TO), sim.histories(eligible, from, TO)]);
  expect(ha.size).toBe(eligible.length);
  expect(plain(ha)).toEqual(plain(hb));
  // Bounded by the dates asked for, although the month documents hold later days.
  const short = await stored.histories(eligible, addDays(TO, -3), addDays(TO, -1));
  for (const rows of short.values()) for (const r of rows) expect(r.day).toBeLessThanOrEqual(plain(hb)[eligible[0]].at(-2)!.day);
  expect(plain(short)).toEqual(plain(await sim.histories(eligible, addDays(TO, -3), addDays(TO, -1))));

  // ---- token candles (fetchPrices stores a year on its first run) ----
  const tokens = DEFAULT_PARAMS.approvedTokens;
  let compared = 0;
  for (const date of dayRange(addDays(FROM, -14), addDays(TO, -1))) {
    const [a, b] = await Promise.all([stored.tokenDays(tokens, date), sim.tokenDays(tokens, date)]);
    compared += Object.keys(b).length;
    expect({ date, tokens: a }).toEqual({ date, tokens: b });
  }
  expect(compared).toBeGreaterThan(0);

  // ---- gas: each run stores complete days up to runDate − 1 ----
  const [ga, gb] = await Promise.all([stored.gasDays(addDays(FROM, -1), TO), sim.gasDays(addDays(FROM, -1), TO)]);
  expect(ga.map((g) => g.date)).toEqual(gb.map((g) => g.date));
  expect(ga).toHaveLength(dayRange(addDays(FROM, -1), TO).length);
  ga.forEach((g, i) => {
    // fetchGas rounds to 1e-9 gwei so reruns are bit-identical.
    expect(g.meanGwei).toBeCloseTo(gb[i].meanGwei, 8);
    expect(g.maxGwei).toBeCloseTo(gb[i].maxGwei, 8);
    expect(g.ethPriceUsd).toBe(gb[i].ethPriceUsd);
  });

  // ---- coverage: a window outside the stored days is named, not silently empty ----
  expect(await stored.missingListings(addDays(FROM, -1), addDays(TO, -1))).toEqual([]);
  expect(await stored.missingListings(addDays(FROM, -10), addDays(FROM, -1))).toEqual(dayRange(addDays(FROM, -10), addDays(FROM, -2)));
  await expect(stored.listing(addDays(FROM, -10))).rejects.toThrow(StoredHistoryMissingError);
  // A day without a snapshot reads the latest one of the 3 days before (nothing later, ever).
  expect(byPool(await stored.listing(addDays(TO, 3)))).toEqual(byPool(await stored.listing(addDays(TO, 1))));
}, 180_000);
