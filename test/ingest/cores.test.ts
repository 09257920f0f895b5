/** Pure cores of the ingestion steps and the HTTP client against a tiny local server. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { backoffDelay, HttpClient, parseRetryAfter, UpstreamConfigError, UpstreamDataError } from '../../functions/src/lib/http-client';
import { chunkBuffer } from '../../functions/src/lib/raw-layer';
import { monthsBetween } from '../../functions/src/lib/series';
import { aggregateGasDays, daysToWrite } from '../../functions/src/steps/ingest/gas/normalize';
import { missingWindow } from '../../functions/src/steps/ingest/prices/normalize';
import { normalizePools, planRegistry } from '../../functions/src/steps/ingest/pools/normalize';
import { parseScoresCsv } from '../../functions/src/steps/ingest/scores/normalize';
import { etherscanProblem } from '../../functions/src/steps/ingest/account/normalize';
import { loadWorkflowFile } from '../../emulator/workflows';

describe('raw chunking', () => {
  it('splits into pieces under the limit that concatenate to the original', () => {
    const body = Buffer.from('x'.repeat(2500));
    const parts = chunkBuffer(body, 1000);
    expect(parts.map((p) => p.length)).toEqual([1000, 1000, 500]);
    expect(Buffer.concat(parts).equals(body)).toBe(true);
    expect(chunkBuffer(Buffer.alloc(0))).toHaveLength(1);
  });
});

describe('gas aggregation', () => {
  const hour = (iso: string, baseFee: number) => ({ period: iso, baseFee });
  it('daily mean and max of hourly base fees; runDate and later excluded; repeated hours once', () => {
    const hours = [hour('2025-03-01T01:00:00+00:00', 9), hour('2025-02-28T01:00:00+00:00', 2), hour('2025-02-28T02:00:00+00:00', 4), hour('2025-02-28T02:00:00+00:00', 4)];
    const agg = aggregateGasDays(hours, '2025-03-01');
    expect(agg.excludedHours).toBe(1);
    expect(agg.duplicates).toBe(1);
    expect(agg.days).toEqual([{ id: '2025-02-28', date: '2025-02-28', value: { meanBaseFeeGwei: 3, maxBaseFeeGwei: 4, hours: 2, ingestedOn: '2025-03-01' } }]);
  });
  it('never replaces a complete stored day with a partial one', () => {
    const day = { id: 'd', date: '2025-02-20', value: { meanBaseFeeGwei: 1, maxBaseFeeGwei: 1, hours: 5, ingestedOn: '2025-03-01' } };
    expect(daysToWrite([day], new Map([['d', { hours: 24, ingestedOn: '2025-02-27' }]]), '2025-03-01')).toEqual([]);
    expect(daysToWrite([day], new Map([['d', { hours: 3, ingestedOn: '2025-02-27' }]]), '2025-03-01')).toHaveLength(1);
  });
});

describe('prices window', () => {
  it('a year on the first run, only days after earlier runs later, same window on a rerun', () => {
    expect(missingWindow(new Map(), '2025-03-01')).toEqual({ from: '2024-03-01', to: '2025-02-28' });
    expect(missingWindow(new Map([['2025-02-27', { ingestedOn: '2025-02-28' }]]), '2025-03-01')).toEqual({ from: '2025-02-28', to: '2025-02-28' });
    expect(missingWindow(new Map([['2025-02-28', { ingestedOn: '2025-03-01' }]]), '2025-03-01')).toEqual({ from: '2024-03-01', to: '2025-02-28' });
    expect(missingWindow(new Map([['2025-02-28', { ingestedOn: '2025-02-28' }]]), '2025-03-01')).toBeUndefined();
    expect(monthsBetween('2024-11-15', '2025-02-01')).toEqual(['2024-11', '2024-12', '2025-01', '2025-02']);
  });
});

describe('pools core', () => {
  const row = (pool: string, tvlUsd: number) => ({ pool, chain: 'Ethereum', project: 'aave-v3', symbol: 'USDC', tvlUsd, apy: 1 });
  it('collapses duplicated rows and reports conflicting ones', () => {
    const n = normalizePools([row('a', 1), row('a', 1), row('b', 2), row('b', 3)]);
    expect(n.pools.map((p) => p.id)).toEqual(['a', 'b']);
    expect(n.duplicates).toBe(2);
    expect(n.warnings[0]).toContain('conflicting values for b');
  });
  it('deactivates active pools missing today, leaves newer ones alone', () => {
    const registry = new Map([
      ['a', { active: true, lastSeen: '2025-02-28' }],
      ['gone', { active: true, lastSeen: '2025-02-28' }],
      ['newer', { active: true, lastSeen: '2025-03-05' }],
    ]);
    const plan = planRegistry(normalizePools([row('a', 1), row('c', 1), row('newer', 1)]).pools, registry, '2025-03-01');
    expect(plan.deactivate).toEqual(['gone']);
    expect(plan.upserts.map((u) => [u.record.id, u.created])).toEqual([['a', false], ['c', true]]);
    expect(plan.skippedNewer).toBe(1);
  });
});

describe('scores CSV', () => {
  it('validates every row, naming line and column', () => {
    expect(parseScoresCsv('date,key,provider,score\n2025-01-01,a,p,1\n', 'f.csv').rows).toEqual([{ date: '2025-01-01', key: 'a', provider: 'p', score: 1 }]);
    expect(() => parseScoresCsv('date,key,provider,score\n2025-13-01,a,p,1\n', 'f.csv')).toThrow('line 2.date');
    expect(() => parseScoresCsv('date,key,score\n', 'f.csv')).toThrow('missing column(s) provider');
    expect(() => parseScoresCsv('date,key,provider,score\n2025-01-01,a,p,1\n2025-01-01,a,p,2\n', 'f.csv')).toThrow('line 3.score');
  });
});

describe('etherscan envelope', () => {
  it('"No transactions found" is not an error; rate limits retry; bad keys do not', () => {
    expect(etherscanProblem({ status: '0', message: 'No transactions found', result: [] }, true)).toBeUndefined();
    expect(etherscanProblem({ status: '0', message: 'NOTOK', result: 'Max rate limit reached, please use API Key for higher rate limit' }, true)).toMatchObject({ retry: true });
    expect(etherscanProblem({ status: '0', message: 'NOTOK', result: 'Invalid API Key' }, true)).toEqual({ reason: 'status "0": Invalid API Key', retry: false });
  });
});

describe('HttpClient', () => {
  let server: http.Server;
  let base: string;
  let script: Array<(res: http.ServerResponse) => void> = [];
  let seen: string[] = [];
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      seen.push(req.url ?? '');
      (script.shift() ?? ((r) => r.end('{"ok":true,"rows":[1]}')))(res);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  beforeEach(() => {
    script = [];
    seen = [];
  });
  const client = () => new HttpClient({ source: 'Test', baseUrl: base, maxRetries: 2, retryBaseMs: 1, retryMaxMs: 2, timeoutMs: 500 });
  const schema = z.object({ ok: z.boolean(), rows: z.array(z.number()) });

  it('retries 429/5xx/bad JSON, then succeeds', async () => {
    script = [(r) => r.writeHead(429, { 'Retry-After': '0' }).end(), (r) => r.writeHead(502).end('bad gateway'), (r) => r.end('{"ok":tr')];
    await expect(client().getJson({ path: '/x', schema })).rejects.toThrow('gave up after 3 attempts');
    script = [(r) => r.writeHead(503).end()];
    const res = await client().getJson({ path: '/x', schema });
    expect(res.data).toEqual({ ok: true, rows: [1] });
    expect(res.attempts).toBe(2);
  });

  it('a 4xx is a configuration error, not retried, and never shows the query string', async () => {
    script = [(r) => r.writeHead(401).end('{"error":"bad key"}')];
    const err = await client().getJson({ path: '/y', query: { apikey: 'SECRET123' } }).catch((e) => e);
    expect(err).toBeInstanceOf(UpstreamConfigError);
    expect(err.message).toContain('Test /y: HTTP 401');
    expect(err.message).not.toContain('SECRET123');
    expect(seen).toHaveLength(1);
  });

  it('a schema failure names the field path', async () => {
    script = [0, 1, 2].map(() => (r: http.ServerResponse) => r.end('{"ok":true,"rows":[1,"2"]}'));
    const err = await client().getJson({ path: '/z', schema }).catch((e) => e);
    expect(err).toBeInstanceOf(UpstreamDataError);
    expect(err.message).toContain('rows[1]: ');
    expect(err.message).toContain('(source: Test /z)');
  });

  it('backoff and Retry-After helpers', () => {
    expect(backoffDelay(3, 100, 500, () => 1)).toBe(500);
    expect(backoffDelay(1, 100, 500, () => 0.5)).toBe(100);
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});

describe('workflows/pipeline.yaml', () => {
  it('is a valid workflow with the ingest phase', async () => {
    await expect(loadWorkflowFile('workflows/pipeline.yaml')).resolves.toBeDefined();
  });
});
