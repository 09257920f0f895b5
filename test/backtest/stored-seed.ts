/**
 * Stored history for the Firestore-source tests, written the way production writes it: the real
 * ingestion and enrich functions (fetchPools, fetchPrices, fetchGas, filterPoolsPre,
 * fetchPoolHistories) over HTTP against the market stand-ins serving a small simulated market, one
 * pipeline morning per run date with the stand-ins' clock on that date.
 *
 * For a backtest from F to T the pipeline must have run F − 1 .. T + 1 (firestore-source.ts).
 */
import { createSimulatedMarket } from '../../emulator/market/sim';
import type { SimulatedMarket } from '../../emulator/market/sim/types';
import { addDays, dayRange } from '../../functions/src/lib/dates';
import type { Harness } from '../ingest/harness';

export const FROM = '2025-03-05';
export const TO = '2025-03-09';
/** Pipeline run dates that cover [FROM, TO]. */
export const RUN_DATES = dayRange(addDays(FROM, -1), addDays(TO, 1));

/** ~600 listed pools, ~20 pass the pre-filter: small, but the optimizer has a real choice. */
export function seedMarket(): SimulatedMarket {
  return createSimulatedMarket({ seed: 5, pools: 600, endDate: addDays(TO, 1), days: 260 });
}

const STEPS = ['fetchPools', 'fetchPrices', 'fetchGas', 'filterPoolsPre', 'fetchPoolHistories'] as const;

/** Runs the ingestion/enrich steps of every run date; returns the steps' statuses by date. */
export async function seedStoredHistory(h: Harness, runDates: readonly string[] = RUN_DATES): Promise<Record<string, Record<string, string>>> {
  const out: Record<string, Record<string, string>> = {};
  for (const runDate of runDates) {
    h.market().clock.set(runDate);
    out[runDate] = {};
    for (const step of STEPS) {
      const res = await h.post(step, { runDate, runId: `seed-${runDate}` });
      if (res.status !== 200) throw new Error(`${step} ${runDate}: HTTP ${res.status} ${JSON.stringify(res.json)}`);
      out[runDate][step] = res.json.status;
    }
  }
  return out;
}
