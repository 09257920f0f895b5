/**
 * The in-process stack the "through the real functions" benches drive: an embedded Firestore emulator,
 * the market stand-ins and the functions host wired to both, all over loopback HTTP/gRPC. Shared by
 * `ingest.bench.ts` and `enrich-phase.bench.ts`.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import { mintLocalIdToken } from '../../emulator/functions/auth';
import { startFunctionsHost } from '../../emulator/functions/host';
import { startFirestoreEmulator } from '../../emulator/firestore/server';
import { startMarketStandIns, type MarketStandIns, type MarketStandInsOptions } from '../../emulator/market/server';
import { closeFirestore } from '../../functions/src/lib/firestore';

export interface StepResponse {
  status: number;
  json: any;
}

export interface FunctionsStack {
  market: MarketStandIns;
  /** POST a JSON body to one function of the host, with a local ID token for its URL. */
  call(step: string, body: unknown): Promise<StepResponse>;
  /** Close this process's Firestore client, then the host, the stand-ins and the emulator. */
  stop(): Promise<void>;
}

function post(url: string, secret: string, body: unknown): Promise<StepResponse> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: 'POST', agent: false, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload), Authorization: `Bearer ${mintLocalIdToken(url, secret)}` } },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(parts).toString('utf8') || 'null') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

export async function startFunctionsStack(projectId: string, marketOptions: MarketStandInsOptions): Promise<FunctionsStack> {
  const firestore = await startFirestoreEmulator({ host: '127.0.0.1', port: 0 });
  const market = await startMarketStandIns(marketOptions);
  const secret = crypto.randomBytes(32).toString('hex');
  const host = await startFunctionsHost({
    port: 0,
    secret,
    env: { ...market.env, FIRESTORE_EMULATOR_HOST: firestore.address, GOOGLE_CLOUD_PROJECT: projectId, GCLOUD_PROJECT: projectId },
  });
  return {
    market,
    call: (step, body) => post(host.url(step), secret, body),
    async stop() {
      await closeFirestore();
      await host.stop();
      await market.stop();
      await firestore.stop();
    },
  };
}
