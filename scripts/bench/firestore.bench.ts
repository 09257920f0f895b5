/**
 * `npm run bench -- firestore`: throughput and latency of the embedded Firestore emulator, measured
 * through the unmodified @google-cloud/firestore client over gRPC on loopback (the same path every
 * test and `npm run emulate` uses).
 *
 * Measures (median of several runs each):
 * - batched writes per second: 500-write WriteBatch commits of ~1 KB documents (100k documents);
 * - BulkWriter writes per second (BatchWrite, throttling off);
 * - a full scan of a 100k-document collection;
 * - `where(category == x).orderBy(score desc).limit(20)` over 10k and 100k documents (latency must
 *   not grow with the collection), and the same query with limit 10 / 100 / 1000 over 100k
 *   (latency should grow with the result size).
 */
import { performance } from 'node:perf_hooks';
import { Firestore, type CollectionReference } from '@google-cloud/firestore';
import { startFirestoreEmulator } from '../../emulator/firestore/server';
import type { BenchRow, BenchSection } from './report';

const CATEGORIES = 100;
const BATCH_SIZE = 500;
const BATCHES_IN_FLIGHT = 4;
const PAYLOAD = 'x'.repeat(900);

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');
const fmtMs = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(2));

/** A ~1 KB document: a few indexed fields plus a 900-byte payload. */
function makeDoc(i: number): Record<string, unknown> {
  return {
    i,
    category: `c${i % CATEGORIES}`,
    // Deterministic pseudo-random score so runs are comparable.
    score: (i * 2654435761) % 1_000_003,
    name: `document number ${i}`,
    tags: ['bench', `t${i % 7}`],
    payload: PAYLOAD,
  };
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
}

/** Writes `count` documents with 500-write batches, BATCHES_IN_FLIGHT commits at a time. */
async function writeBatched(db: Firestore, col: CollectionReference, count: number): Promise<void> {
  let next = 0;
  async function worker(): Promise<void> {
    for (;;) {
      const start = next;
      if (start >= count) return;
      next = Math.min(count, start + BATCH_SIZE);
      const batch = db.batch();
      for (let i = start; i < next; i++) batch.set(col.doc(`d${String(i).padStart(7, '0')}`), makeDoc(i));
      await batch.commit();
    }
  }
  await Promise.all(Array.from({ length: BATCHES_IN_FLIGHT }, worker));
}

async function writeBulk(db: Firestore, col: CollectionReference, count: number): Promise<void> {
  const writer = db.bulkWriter({ throttling: false });
  for (let i = 0; i < count; i++) void writer.set(col.doc(`b${String(i).padStart(7, '0')}`), makeDoc(i));
  await writer.close();
}

export async function run(): Promise<BenchSection[]> {
  const emulator = await startFirestoreEmulator({ host: '127.0.0.1', port: 0 });
  const projectId = 'demo-bench';
  const db = new Firestore({
    projectId,
    host: emulator.address,
    ssl: false,
    customHeaders: { Authorization: 'Bearer owner' },
  });
  const clear = async () => {
    const res = await fetch(`http://${emulator.address}/emulator/v1/projects/${projectId}/databases/(default)/documents`, {
      method: 'DELETE',
    });
    if (res.status !== 200) throw new Error(`clear failed: HTTP ${res.status}`);
  };
  const log = (msg: string) => process.stderr.write(`bench:firestore: ${msg}\n`);
  const rows: BenchRow[] = [];

  try {
    // Warm up the channel, the emulator's code paths and V8.
    await writeBatched(db, db.collection('warmup'), 5_000);
    await db.collection('warmup').where('category', '==', 'c1').orderBy('score', 'desc').limit(20).get();
    await clear();

    // 1. Batched writes: 3 runs × 100k documents.
    const N = 100_000;
    const batchedRates: number[] = [];
    for (let run = 0; run < 3; run++) {
      await clear();
      const { ms } = await timed(() => writeBatched(db, db.collection('items100k'), N));
      batchedRates.push((N / ms) * 1000);
      log(`batched run ${run + 1}: ${fmtInt((N / ms) * 1000)} writes/s`);
    }
    rows.push({
      Benchmark: `WriteBatch commits (${BATCH_SIZE} writes of ~1 KB, ${BATCHES_IN_FLIGHT} in flight)`,
      Collection: fmtInt(N),
      'Result docs': '—',
      Median: `${(1e6 / median(batchedRates)).toFixed(1)} µs/doc`,
      Throughput: `${fmtInt(median(batchedRates))} writes/s`,
      Runs: batchedRates.length,
    });

    // 2. BulkWriter: 3 runs × 20k documents into another collection (items100k stays for the reads).
    const B = 20_000;
    const bulkRates: number[] = [];
    for (let run = 0; run < 3; run++) {
      const col = db.collection(`bulk${run}`);
      const { ms } = await timed(() => writeBulk(db, col, B));
      bulkRates.push((B / ms) * 1000);
      log(`bulkwriter run ${run + 1}: ${fmtInt((B / ms) * 1000)} writes/s`);
    }
    rows.push({
      Benchmark: 'BulkWriter (BatchWrite, throttling off, ~1 KB docs)',
      Collection: fmtInt(B),
      'Result docs': '—',
      Median: `${(1e6 / median(bulkRates)).toFixed(1)} µs/doc`,
      Throughput: `${fmtInt(median(bulkRates))} writes/s`,
      Runs: bulkRates.length,
    });

    // 3. Full scan of the 100k collection.
    const scanMs: number[] = [];
    for (let run = 0; run < 3; run++) {
      const { ms, value } = await timed(() => db.collection('items100k').get());
      if (value.size !== N) throw new Error(`scan returned ${value.size} documents, expected ${N}`);
      scanMs.push(ms);
      log(`scan run ${run + 1}: ${fmtMs(ms)} ms`);
    }
    rows.push({
      Benchmark: 'Full collection scan (`collection.get()`)',
      Collection: fmtInt(N),
      'Result docs': fmtInt(N),
      Median: `${fmtMs(median(scanMs))} ms`,
      Throughput: `${fmtInt((N / median(scanMs)) * 1000)} docs/s`,
      Runs: scanMs.length,
    });

    // 4. Filtered + ordered + limited query at two collection sizes.
    await writeBatched(db, db.collection('items10k'), 10_000);
    const QUERY_RUNS = 40;
    async function queryLatency(collection: string, limit: number, expected: number): Promise<number[]> {
      const lat: number[] = [];
      // One untimed run per shape (index warm-up), then QUERY_RUNS timed runs over varying categories.
      await db.collection(collection).where('category', '==', 'c0').orderBy('score', 'desc').limit(limit).get();
      for (let r = 0; r < QUERY_RUNS; r++) {
        const category = `c${(r * 37) % CATEGORIES}`;
        const { ms, value } = await timed(() =>
          db.collection(collection).where('category', '==', category).orderBy('score', 'desc').limit(limit).get(),
        );
        if (value.size !== expected) throw new Error(`${collection} limit ${limit}: ${value.size} docs, expected ${expected}`);
        lat.push(ms);
      }
      return lat;
    }
    for (const [collection, size] of [
      ['items10k', 10_000],
      ['items100k', N],
    ] as const) {
      const lat = await queryLatency(collection, 20, 20);
      log(`query limit 20 over ${size}: median ${fmtMs(median(lat))} ms`);
      rows.push({
        Benchmark: "`where('category','==',x).orderBy('score','desc').limit(20)`",
        Collection: fmtInt(size),
        'Result docs': 20,
        Median: `${fmtMs(median(lat))} ms (p90 ${fmtMs(percentile(lat, 90))})`,
        Throughput: `${fmtInt(1000 / median(lat))} queries/s`,
        Runs: lat.length,
      });
    }

    // 5. Result-size sweep over 100k (each category holds N / CATEGORIES = 1,000 documents).
    for (const limit of [10, 100, 1000]) {
      const lat = await queryLatency('items100k', limit, Math.min(limit, N / CATEGORIES));
      log(`query limit ${limit} over ${N}: median ${fmtMs(median(lat))} ms`);
      rows.push({
        Benchmark: `same query, limit(${limit})`,
        Collection: fmtInt(N),
        'Result docs': limit,
        Median: `${fmtMs(median(lat))} ms (p90 ${fmtMs(percentile(lat, 90))})`,
        Throughput: `${fmtInt((limit / median(lat)) * 1000)} docs/s`,
        Runs: lat.length,
      });
    }

    // 6. Ordered + limited query without a filter (the order index alone).
    {
      const lat: number[] = [];
      await db.collection('items100k').orderBy('score').limit(20).get();
      for (let r = 0; r < QUERY_RUNS; r++) {
        const { ms } = await timed(() =>
          db
            .collection('items100k')
            .orderBy('score')
            .startAfter((r * 7919) % 1_000_003)
            .limit(20)
            .get(),
        );
        lat.push(ms);
      }
      rows.push({
        Benchmark: "`orderBy('score').startAfter(v).limit(20)` (no filter)",
        Collection: fmtInt(N),
        'Result docs': 20,
        Median: `${fmtMs(median(lat))} ms (p90 ${fmtMs(percentile(lat, 90))})`,
        Throughput: `${fmtInt(1000 / median(lat))} queries/s`,
        Runs: lat.length,
      });
    }

    const q10k = rows.find((r) => r.Collection === fmtInt(10_000) && r['Result docs'] === 20);
    const q100k = rows.find((r) => r.Collection === fmtInt(N) && r['Result docs'] === 20 && String(r.Benchmark).startsWith('`where'));
    return [
      {
        id: 'firestore-emulator',
        title: 'Embedded Firestore emulator',
        command: 'npm run bench -- firestore',
        rows,
        notes: [
          'Client and emulator run in one Node process and talk gRPC over loopback through the unmodified `@google-cloud/firestore` client; every figure includes client-side encoding and decoding.',
          'Documents are ~1 KB: six fields (`i`, `category` (100 values), `score`, `name`, `tags`, a 900-byte `payload`).',
          'Target (issue 2): at least 20,000 document writes per second, and query latency that grows with the result size, not the collection size.',
          `Collection-size check: the limit(20) query takes ${q10k?.Median ?? '?'} over 10k documents and ${q100k?.Median ?? '?'} over 100k.`,
          'Medians of several runs; the machine is shared with other jobs, so single runs vary.',
        ],
      },
    ];
  } finally {
    await db.terminate();
    await emulator.stop();
  }
}
