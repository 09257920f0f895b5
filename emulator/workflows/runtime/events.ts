/**
 * events.create_callback_endpoint / events.await_callback, locally: a small HTTP listener on
 * 127.0.0.1 (started on first use, closed when the execution ends) receives the callback requests.
 * Requests that arrive before `await_callback` are queued, as the service does. await_callback
 * returns `{http_request: {body, headers, method, query, url}, received_time, type: "HTTP"}` and
 * raises TimeoutError when no request arrives within `timeout` seconds (default 43200).
 */
import http from 'node:http';
import crypto from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { registerBuiltin } from '../stdlib/registry';
import { builtinError, typeName, type WfMap, type WfValue } from '../values';
import { fromJsonText } from '../convert';
import { runtimeOf } from './services';
import { canonicalHeader } from './http';

interface Endpoint {
  method: string;
  queue: WfMap[];
  waiters: ((req: WfMap) => void)[];
}

export class CallbackHub {
  private server: http.Server | null = null;
  private base = '';
  private readonly endpoints = new Map<string, Endpoint>();

  constructor(private readonly signal?: AbortSignal) {}

  async create(method: string, executionName: string): Promise<string> {
    if (!this.server) await this.listen();
    const id = crypto.randomUUID();
    this.endpoints.set(id, { method, queue: [], waiters: [] });
    return `${this.base}/v1/${executionName}/callbacks/${id}`;
  }

  private listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      const server = http.createServer((req, res) => this.handle(req, res));
      server.on('error', reject);
      server.listen(0, '127.0.0.1', () => {
        this.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
        this.server = server;
        server.unref();
        resolve();
      });
    });
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', this.base);
      const id = url.pathname.split('/').pop() ?? '';
      const ep = this.endpoints.get(id);
      if (!ep) {
        res.writeHead(404).end();
        return;
      }
      if (ep.method !== 'ANY' && ep.method !== req.method) {
        res.writeHead(405).end();
        return;
      }
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: WfValue = raw === '' ? null : raw;
      if (raw && (req.headers['content-type'] ?? '').includes('json')) {
        try {
          body = fromJsonText(raw);
        } catch {
          body = raw;
        }
      }
      const headers: WfMap = new Map();
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers.set(canonicalHeader(k), Array.isArray(v) ? v.join(', ') : v);
      const query: WfMap = new Map();
      for (const k of new Set(url.searchParams.keys())) query.set(k, url.searchParams.getAll(k));
      const request: WfMap = new Map<string, WfValue>([
        ['body', body],
        ['headers', headers],
        ['method', req.method ?? 'POST'],
        ['query', query],
        ['url', url.pathname + url.search],
      ]);
      const event: WfMap = new Map<string, WfValue>([
        ['http_request', request],
        ['received_time', new Date().toISOString()],
        ['type', 'HTTP'],
      ]);
      const waiter = ep.waiters.shift();
      if (waiter) waiter(event);
      else ep.queue.push(event);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  }

  await(url: string, timeoutSeconds: number): Promise<WfMap> {
    const id = url.split('/').pop() ?? '';
    const ep = this.endpoints.get(id);
    if (!ep) return Promise.reject(builtinError('ValueError', `events.await_callback: unknown callback ${url}`));
    const queued = ep.queue.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise<WfMap>((resolve, reject) => {
      const onAbort = () => {
        clearTimeout(timer);
        reject(new Error('execution cancelled'));
      };
      const waiter = (e: WfMap) => {
        clearTimeout(timer);
        this.signal?.removeEventListener('abort', onAbort);
        resolve(e);
      };
      const timer = setTimeout(() => {
        ep.waiters = ep.waiters.filter((w) => w !== waiter);
        reject(builtinError('TimeoutError', `events.await_callback: no callback received within ${timeoutSeconds} seconds`));
      }, timeoutSeconds * 1000);
      this.signal?.addEventListener('abort', onAbort, { once: true });
      ep.waiters.push(waiter);
    });
  }

  close(): void {
    this.server?.close();
    this.server = null;
  }
}

registerBuiltin({
  name: 'events.create_callback_endpoint',
  params: ['http_callback_method'],
  required: 0,
  blocking: true,
  async impl([method], ctx) {
    const m = method === undefined || method === null ? 'POST' : method;
    if (typeof m !== 'string') throw builtinError('TypeError', `events.create_callback_endpoint: http_callback_method must be a string, got ${typeName(m)}`);
    const rt = runtimeOf(ctx);
    if (!rt.callbacks) throw builtinError('SystemError', 'callbacks are not available');
    const execName = `projects/${rt.projectId}/locations/${rt.location}/workflows/${rt.workflowId}/executions/${rt.executionId}`;
    const url = await rt.callbacks.create(m.toUpperCase(), execName);
    return new Map<string, WfValue>([['url', url]]);
  },
});

registerBuiltin({
  name: 'events.await_callback',
  params: ['callback', 'timeout'],
  required: 1,
  blocking: true,
  async impl([callback, timeout], ctx) {
    const url = callback instanceof Map ? callback.get('url') : undefined;
    if (typeof url !== 'string') throw builtinError('TypeError', 'events.await_callback: callback must be the map returned by events.create_callback_endpoint');
    let t = 43200;
    if (timeout !== undefined && timeout !== null) {
      if (typeof timeout === 'bigint') t = Number(timeout);
      else if (typeof timeout === 'number') t = timeout;
      else throw builtinError('TypeError', `events.await_callback: timeout must be a number, got ${typeName(timeout)}`);
    }
    const rt = runtimeOf(ctx);
    if (!rt.callbacks) throw builtinError('SystemError', 'callbacks are not available');
    return rt.callbacks.await(url, t);
  },
});
