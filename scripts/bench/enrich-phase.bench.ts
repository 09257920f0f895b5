/**
 * `npm run bench -- enrich`: Firestore documents read and written by the whole clean/enrich phase,
 * through the real functions (functions host → embedded Firestore emulator → market stand-ins on
 * the default simulated market, ~19,000 pools, 3 years of history). Day 1 is a first run (full
 * /chart histories); day 2 is the steady state (one new day per pool). The counts are the steps'
 * own `documentsRead` / `documentsWritten` (each handler counts what it asks Firestore for).
 */
import { performance } from 'node:perf_hooks';
import { addDays } from '../../functions/src/lib/dates';
import { setLogSink } from '../../functions/src/lib/log';
import { startFunctionsStack } from './functions-stack';
import type { BenchRow, BenchSection } from './report';

const DAY2 = '2025-08-31';
const DAY1 = addDays(DAY2, -1);
const STEPS = ['filterPoolsPre', 'fetchPoolHistories', 'computeMetrics', 'groupPools', 'updateIcebox', 'buildFeatures'];

export async function run(): Promise<BenchSection[]> {
  const previousSink = setLogSink(() => undefined);
  const stack = await startFunctionsStack('demo-bench-enrich', { port: 0, market: { endDate: DAY2 } });
  const rows: BenchRow[] = [];
  let pools = 0;
  try {
    for (const [label, day] of [['day 1 (first run)', DAY1], ['day 2 (steady state)', DAY2]] as const) {
      stack.market.clock.set(day);
      const start = await stack.call('startRun', { runDate: day });
      const runId = start.json.runId as string;
      for (const step of ['fetchPools', 'fetchPrices']) {
        const res = await stack.call(step, { runDate: day, runId });
        if (res.status !== 200) throw new Error(`${step} ${day}: HTTP ${res.status} ${JSON.stringify(res.json)}`);
      }
      let reads = 0;
      let writes = 0;
      let ms = 0;
      for (const step of STEPS) {
        const t = performance.now();
        const res = await stack.call(step, { runDate: day, runId });
        const took = performance.now() - t;
        if (res.status !== 200) throw new Error(`${step} ${day}: HTTP ${res.status} ${JSON.stringify(res.json)}`);
        const c = res.json.counts as Record<string, number>;
        if (step === 'filterPoolsPre') pools = c.pools;
        reads += c.documentsRead;
        writes += c.documentsWritten;
        ms += took;
        rows.push({ Run: label, Step: step, 'Docs read': c.documentsRead, 'Docs written': c.documentsWritten, 'Time (s)': (took / 1000).toFixed(1), Status: res.json.status });
      }
      rows.push({ Run: label, Step: '**whole phase**', 'Docs read': reads, 'Docs written': writes, 'Time (s)': (ms / 1000).toFixed(1), Status: '' });
    }
  } finally {
    await stack.stop();
    setLogSink(previousSink);
  }
  return [
    {
      id: 'enrich-phase-firestore',
      title: 'Clean and enrich: Firestore documents per run (whole phase, through the functions)',
      command: 'npm run bench -- enrich',
      rows,
      notes: [
        `Default simulated market (${pools} pools listed, 3 years of history), runDates ${DAY1} and ${DAY2}; embedded Firestore emulator, functions over HTTP.`,
        'Reads are dominated by the pool registry (filterPoolsPre reads every pool seen on or after the runDate) and, in computeMetrics, by every stored month of the eligible pools (lifetime mu/sigma).',
        'Writes: day 1 stores the full /chart histories (one document per pool and month) and the raw payloads; from day 2 on, one poolHistory document per eligible pool plus the chunked per-day cross-sections.',
        'A missing document read by getAll counts as a read (Firestore bills it); the counts exclude the run-note update in runs/{runDate}.',
      ],
    },
  ];
}
