/**
 * Shared setup of the ingestion HTTP tests: the market stand-ins (fake data source, real HTTP and
 * fault injection) on a free loopback port, the embedded Firestore emulator and the functions host,
 * with retry/backoff shrunk through the environment (no code path differs).
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { Firestore } from '@google-cloud/firestore';
import { mintLocalIdToken } from '../../emulator/functions/auth';
import { startFunctionsHost, type FunctionsHost } from '../../emulator/functions/host';
import { startMarketStandIns, type MarketStandIns } from '../../emulator/market/server';
import type { MarketSource } from '../../emulator/market/server/types';
import { closeFirestore } from '../../functions/src/lib/firestore';
import { setLogSink, type LogSink } from '../../functions/src/lib/log';
import { useFirestoreEmulator } from '../support/firestore';
import { fakeMarket } from './fake-market';

export interface Harness {
  db(): Firestore;
  market(): MarketStandIns;
  logs(): string[];
  post(step: string, body: unknown): Promise<{ status: number; json: any }>;
  /** The functions host (base URL for a workflow's functionsBaseUrl) and the secret its OIDC stand-in tokens are signed with. */
  functions(): { baseUrl: string; secret: string };
  /** Every document under the given top-level collections (recursively), path → data, sorted. */
  dump(collections: string[], omit?: string[]): Promise<Record<string, unknown>>;
}

export interface HarnessOptions {
  /** Market the stand-ins serve (default: the ingestion tests' fakeMarket). */
  source?: MarketSource;
  /** Top-level collections whose documents have subcollections `dump` should walk (default raw, poolSnapshots). */
  nested?: string[];
  /** Extra environment for the functions. */
  env?: Record<string, string>;
}

export function useIngestHarness(label: string, options: HarnessOptions = {}): Harness {
  const nested = new RegExp(`^(${(options.nested ?? ['raw', 'poolSnapshots']).join('|')})(/|$)`);
  const SECRET = crypto.randomBytes(32).toString('hex');
  const firestore = useFirestoreEmulator(label);
  let host: FunctionsHost;
  let market: MarketStandIns;
  let lines: string[] = [];
  let previousSink: LogSink;

  beforeAll(async () => {
    previousSink = setLogSink((line) => lines.push(line));
    market = await startMarketStandIns({ port: 0, source: options.source ?? fakeMarket });
    host = await startFunctionsHost({
      port: 0,
      secret: SECRET,
      env: {
        ...market.env,
        FIRESTORE_EMULATOR_HOST: firestore.host(),
        GOOGLE_CLOUD_PROJECT: firestore.projectId,
        GCLOUD_PROJECT: firestore.projectId,
        HTTP_TIMEOUT_MS: '1500',
        HTTP_MAX_RETRIES: '3',
        HTTP_RETRY_BASE_MS: '5',
        HTTP_RETRY_MAX_MS: '20',
        HTTP_RETRY_AFTER_CAP_MS: '5000',
        ETHERSCAN_PAGE_SIZE: '10',
        ...options.env,
      },
    });
  });

  beforeEach(() => {
    lines = [];
    market.faults.clear();
  });

  afterAll(async () => {
    await closeFirestore();
    await host?.stop();
    await market?.stop();
    setLogSink(previousSink);
  });

  async function walk(db: Firestore, ref: FirebaseFirestore.CollectionReference, out: Record<string, unknown>, omit: string[]): Promise<void> {
    const snap = await ref.get();
    for (const d of snap.docs) {
      const data = { ...d.data() };
      for (const k of omit) delete data[k];
      out[d.ref.path] = JSON.parse(JSON.stringify(data));
    }
    // Only these collections have subcollections (raw chunks, snapshot chunks); skip the RPCs elsewhere.
    if (!nested.test(ref.path)) return;
    const refs = await ref.listDocuments();
    for (const doc of refs) for (const sub of await doc.listCollections()) await walk(db, sub, out, omit);
  }

  return {
    db: () => firestore(),
    market: () => market,
    logs: () => lines,
    functions: () => ({ baseUrl: host.baseUrl, secret: SECRET }),
    async post(step, body) {
      // node:http without an agent: a fresh connection per call, so a keep-alive socket the host
      // closed while a test was busy elsewhere can never be reused (undici's fetch races on that).
      const url = new URL(host.url(step));
      const payload = JSON.stringify(body);
      return new Promise((resolve, reject) => {
        const req = http.request(
          url,
          {
            method: 'POST',
            agent: false,
            headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload), Authorization: `Bearer ${mintLocalIdToken(url.toString(), SECRET)}` },
          },
          (res) => {
            const parts: Buffer[] = [];
            res.on('data', (c: Buffer) => parts.push(c));
            res.on('end', () => {
              const text = Buffer.concat(parts).toString('utf8');
              resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : undefined });
            });
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end(payload);
      });
    },
    async dump(collections, omit = ['runId']) {
      const out: Record<string, unknown> = {};
      for (const c of collections) await walk(firestore(), firestore().collection(c), out, omit);
      return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
    },
  };
}
