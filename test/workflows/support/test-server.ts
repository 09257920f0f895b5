/**
 * A real local HTTP server for the workflow tests: echo, status codes, slow responses, text/JSON/bytes
 * bodies, flaky endpoints that fail N times and count hits, oversized and truncated responses.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TestServer {
  url: string;
  /** A URL on a closed port: connecting to it is refused. */
  refusedUrl: string;
  hits: Map<string, number>;
  close(): Promise<void>;
}

function json(res: http.ServerResponse, code: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

async function closedPortUrl(): Promise<string> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return `http://127.0.0.1:${port}`;
}

export async function startTestServer(): Promise<TestServer> {
  const hits = new Map<string, number>();
  const sockets = new Set<import('node:net').Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const parts = url.pathname.split('/').filter(Boolean);
      const raw = Buffer.concat(chunks).toString('utf8');
      const query: Record<string, string | string[]> = {};
      for (const k of new Set(url.searchParams.keys())) {
        const all = url.searchParams.getAll(k);
        query[k] = all.length === 1 ? all[0] : all;
      }
      switch (parts[0]) {
        case 'echo': {
          let parsed: unknown = null;
          try {
            parsed = raw ? JSON.parse(raw) : null;
          } catch {
            parsed = null;
          }
          return json(res, 200, { method: req.method, path: url.pathname, query, headers: req.headers, body: raw, json: parsed });
        }
        case 'status': {
          const code = Number(parts[1]);
          return json(res, code, { status: code, error: code >= 400 ? 'failed on purpose' : null }, { 'x-test': 'status' });
        }
        case 'slow': {
          const ms = Number(url.searchParams.get('ms') ?? '1000');
          const t = setTimeout(() => json(res, 200, { slept: ms }), ms);
          res.on('close', () => clearTimeout(t));
          return;
        }
        case 'text':
          res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
          return void res.end('hello text');
        case 'json-int':
          res.writeHead(200, { 'content-type': 'application/json' });
          return void res.end('{"i": 1, "d": 1.5, "whole_double": 2.0, "list": [1, 2.5, "x"], "nested": {"ok": true}}');
        case 'bytes':
          res.writeHead(200, { 'content-type': 'application/octet-stream' });
          return void res.end(Buffer.from([0, 1, 2, 255]));
        case 'empty':
          res.writeHead(204);
          return void res.end();
        case 'flaky': {
          const key = parts[1];
          const failures = Number(parts[2]);
          const code = Number(parts[3] ?? '503');
          const n = (hits.get(key) ?? 0) + 1;
          hits.set(key, n);
          if (n <= failures) return json(res, code, { hit: n, failing: true });
          return json(res, 200, { hit: n, failing: false });
        }
        case 'hits':
          return json(res, 200, { hits: hits.get(parts[1]) ?? 0 });
        case 'big': {
          const n = Number(url.searchParams.get('bytes') ?? '0');
          res.writeHead(200, { 'content-type': 'text/plain' });
          return void res.end('a'.repeat(n));
        }
        case 'broken':
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
          res.write('{"partial": ');
          setTimeout(() => res.socket?.destroy(), 20);
          return;
        case 'redirect':
          res.writeHead(302, { location: '/echo?redirected=yes' });
          return void res.end();
        default:
          return json(res, 404, { error: 'no such route' });
      }
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    refusedUrl: await closedPortUrl(),
    hits,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
