/**
 * API keys never reach the logs, the step's answer or the stored error: the ingestion steps run
 * against an upstream that misbehaves in the worst way — a 500 whose body echoes the credentials it
 * was sent (as some proxies and error pages do). The HTTP client quotes a snippet of error bodies
 * in its messages, so without redaction the keys would land in the log line, the 503 body and the
 * raw-layer manifest. Also checks that every secret variable the code reads is scrubbed from free text.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_CMC_API_KEY, DEFAULT_ETHERSCAN_API_KEY } from '../../emulator/market/server';
import { redact } from '../../functions/src/lib/log';
import { useIngestHarness } from './harness';

const DAY = '2025-03-01';
const seen: string[] = [];
let echo: http.Server;
// Filled in before the harness starts the functions host (beforeAll hooks run in order).
const env: Record<string, string> = {};

beforeAll(async () => {
  echo = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const key = url.searchParams.get('apikey') ?? String(req.headers['x-cmc_pro_api_key'] ?? '');
    seen.push(key);
    res.writeHead(500, { 'content-type': 'text/plain' });
    res.end(`proxy error; credentials=${key}; path=${url.pathname}`);
  });
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
  env.CMC_BASE_URL = origin;
  env.ETHERSCAN_BASE_URL = `${origin}/v2/api`;
  env.HTTP_MAX_RETRIES = '1';
});
afterAll(async () => {
  const closed = new Promise<void>((resolve) => echo.close(() => resolve()));
  echo.closeAllConnections();
  await closed;
});

const h = useIngestHarness('ingest-secrets', { env });

describe('secrets stay out of logs and errors', () => {
  it.each([
    ['fetchPrices', DEFAULT_CMC_API_KEY],
    ['fetchAccount', DEFAULT_ETHERSCAN_API_KEY],
  ])('%s against an upstream echoing its key: 503, key redacted everywhere', async (step, key) => {
    h.market().clock.set(DAY);
    seen.length = 0;
    const res = await h.post(step, { runDate: DAY, runId: 'r' });
    // The upstream really received the key and echoed it: the check below has something to catch.
    expect(seen).toContain(key);
    expect(res.status).toBe(503);
    expect(res.json.error.message).toContain('credentials=[REDACTED]');
    expect(JSON.stringify(res.json)).not.toContain(key);

    const logs = h.logs().join('\n');
    expect(logs).toContain(`${step} failed`);
    expect(logs).toContain('[REDACTED]');
    expect(logs).not.toContain(key);

    const source = step === 'fetchPrices' ? 'cmc' : 'etherscan';
    const manifest = (await h.db().doc(`raw/${source}/days/${DAY}`).get()).data()!;
    expect(manifest.status).toBe('failed');
    expect(JSON.stringify(manifest)).not.toContain(key);
  });

  it('a healthy run logs nothing secret either', async () => {
    h.market().clock.set(DAY);
    for (const step of ['fetchPools', 'fetchGas']) expect((await h.post(step, { runDate: DAY, runId: 'r' })).status).toBe(200);
    const logs = h.logs().join('\n');
    expect(logs).toContain('fetchPools ok');
    for (const key of [DEFAULT_CMC_API_KEY, DEFAULT_ETHERSCAN_API_KEY]) expect(logs).not.toContain(key);
  });

  it('every secret variable the code reads is scrubbed from free text, fields and errors', () => {
    const names = ['CMC_API_KEY', 'ETHERSCAN_API_KEY', 'SLACK_BOT_TOKEN', 'LOCAL_FUNCTIONS_SECRET'];
    const saved = Object.fromEntries(names.map((n) => [n, process.env[n]]));
    try {
      for (const n of names) process.env[n] = `value-of-${n.toLowerCase()}-123456`;
      for (const n of names) {
        const v = process.env[n]!;
        const out = JSON.stringify(redact({ message: `GET /x?k=${v}`, nested: [{ text: `see ${v}` }], error: new Error(`failed with ${v}`) }));
        expect({ n, leaked: out.includes(v) }).toEqual({ n, leaked: false });
        expect(out).toContain('[REDACTED]');
      }
      expect(redact({ apiKey: 'x', Authorization: 'y', slackToken: 'z', url: 'Bearer abc.def' })).toEqual({ apiKey: '[REDACTED]', Authorization: '[REDACTED]', slackToken: '[REDACTED]', url: 'Bearer [REDACTED]' });
    } finally {
      for (const n of names) {
        if (saved[n] === undefined) delete process.env[n];
        else process.env[n] = saved[n];
      }
    }
  });
});
