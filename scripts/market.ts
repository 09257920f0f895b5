/**
 * The offline market stand-ins as a local service of `npm run emulate` / `npm run local-workflow`,
 * and as a standalone CLI:
 *
 *   node dist/scripts/market.js [--pools N] [--days N] [--seed N] [--run-date YYYY-MM-DD]
 *                               [--recordings DIR] [--port N]
 *
 * --pools/--days/--seed size and seed the simulated market; --run-date sets the simulated clock
 * (default: the market's last day); --recordings DIR replays recorded responses instead (layout in
 * emulator/market/server/replay.ts). Prints the base URLs and env vars, stays up until Ctrl-C.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startMarketStandIns, type MarketStandIns, type SimMarketOptions } from '../emulator/market/server';
import { isIsoDay } from '../emulator/market/server/clock';
import type { ServiceStarter } from './lib/stack';

export interface MarketServiceOptions {
  market?: SimMarketOptions;
  /** Simulated "today" (YYYY-MM-DD). */
  date?: string;
  recordingsDir?: string;
  port?: number;
}

/** parseArgs option specs shared by emulate, local-workflow and this CLI. */
export const MARKET_FLAGS = {
  pools: { type: 'string' },
  days: { type: 'string' },
  seed: { type: 'string' },
  recordings: { type: 'string' },
} as const;

function int(value: string | undefined, flag: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`${flag} must be an integer ≥ ${min}, got ${JSON.stringify(value)}`);
  return n;
}

/** Validates the market flags (values of MARKET_FLAGS plus --run-date) into service options. */
export function marketOptionsFromFlags(values: { pools?: string; days?: string; seed?: string; recordings?: string; 'run-date'?: string }): MarketServiceOptions {
  const market: SimMarketOptions = {};
  const pools = int(values.pools, '--pools', 1);
  const days = int(values.days, '--days', 1);
  const seed = int(values.seed, '--seed', 0);
  if (pools !== undefined) market.pools = pools;
  if (days !== undefined) market.days = days;
  if (seed !== undefined) market.seed = seed;
  const date = values['run-date'];
  if (date !== undefined && !isIsoDay(date)) throw new Error(`--run-date must be a calendar day YYYY-MM-DD, got ${JSON.stringify(date)}`);
  // The simulated history ends on the run date (its --days reach back from there). The simulator
  // is a pure function of (seed, day), so markets ending on different days agree on common days.
  if (date !== undefined) market.endDate = date;
  return { market, date, recordingsDir: values.recordings ? path.resolve(values.recordings) : undefined };
}

export async function startMarketService(host: string, options: MarketServiceOptions): Promise<MarketStandIns> {
  const standIns = await startMarketStandIns({ host, port: options.port ?? 0, market: options.market, recordingsDir: options.recordingsDir });
  if (options.date) standIns.clock.set(options.date);
  return standIns;
}

/** The ServiceStarter for scripts/lib/stack.ts: endpoints for the banner, env for the functions. */
export function marketService(options: MarketServiceOptions = {}): ServiceStarter {
  return async ({ host, notice }) => {
    const s = await startMarketService(host, options);
    if (options.recordingsDir) notice(`market stand-ins replay recordings from ${options.recordingsDir}`);
    return { name: 'market', endpoints: { ...s.baseUrls, control: `${s.origin}/_control`, today: s.clock.today() }, env: s.env, stop: () => s.stop() };
  };
}

/** Moves the clock of an already running instance (reused by local-workflow) to the run date. */
export async function setRemoteMarketClock(controlUrl: string, date: string): Promise<void> {
  const res = await fetch(`${controlUrl}/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ date }), signal: AbortSignal.timeout(5000) });
  if (!res.ok) throw new Error(`market clock: HTTP ${res.status} ${await res.text()}`);
}

/**
 * Seeds `params/current.poolContracts` in the local Firestore from the simulated treasury
 * (GET /_control/treasury): on a laptop nobody maintains the pool uuid → contract mapping an operator
 * keeps in production, but the simulator knows it. A merge write: entries already there stay, and
 * startRun snapshots the result like any stored parameter (it knows nothing of this). Returns the
 * number of pools mapped; 0 when the stand-ins have no treasury (replay without the mapping).
 */
export async function seedTreasuryPoolContracts(controlUrl: string, firestoreAddress: string, project: string): Promise<number> {
  const res = await fetch(`${controlUrl}/treasury`, { signal: AbortSignal.timeout(30_000) });
  if (res.status === 404) return 0;
  if (!res.ok) throw new Error(`market treasury: HTTP ${res.status} ${await res.text()}`);
  const { poolContracts } = (await res.json()) as { poolContracts?: Record<string, { address: string; receiptToken: string }> };
  const mapping = poolContracts ?? {};
  if (Object.keys(mapping).length === 0) return 0;
  const [host, port] = [firestoreAddress.slice(0, firestoreAddress.lastIndexOf(':')), Number(firestoreAddress.slice(firestoreAddress.lastIndexOf(':') + 1))];
  // Loaded on demand: `market` alone never needs a Firestore client.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Firestore } = require('@google-cloud/firestore') as typeof import('@google-cloud/firestore');
  const db = new Firestore({ projectId: project, host, port, ssl: false });
  try {
    await db.collection('params').doc('current').set({ poolContracts: mapping }, { merge: true });
  } finally {
    await db.terminate();
  }
  return Object.keys(mapping).length;
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { ...MARKET_FLAGS, 'run-date': { type: 'string' }, port: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true });
  if (values.help) {
    process.stdout.write('usage: market [--pools N] [--days N] [--seed N] [--run-date YYYY-MM-DD] [--recordings DIR] [--port N]\n');
    return 0;
  }
  const options = { ...marketOptionsFromFlags(values), port: int(values.port, '--port', 0) };
  const s = await startMarketService('127.0.0.1', options);
  process.stdout.write(`market stand-ins at ${s.origin} (today ${s.clock.today()}; control ${s.origin}/_control)\n`);
  for (const [k, v] of Object.entries(s.env)) process.stdout.write(`  export ${k}=${v}\n`);
  process.stdout.write('market: ready\n');
  return new Promise<number>((resolve) => {
    const stop = () => void s.stop().then(() => resolve(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

if (require.main === module) {
  process.env.METADATA_SERVER_DETECTION = 'none';
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`market: ${(e as Error).message}\n`);
      process.exit(1);
    },
  );
}
