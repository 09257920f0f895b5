/** Small node:http helpers shared by the router, the control API and the fault injector. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServiceResponse } from './types';

const MAX_BODY = 5 * 1024 * 1024;

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function json(status: number, body: unknown, headers?: Record<string, string>): ServiceResponse {
  return { status, body, headers };
}

/** Serializes a ServiceResponse to bytes plus headers (content-type defaults to JSON). */
export function render(res: ServiceResponse): { status: number; headers: Record<string, string>; payload: Buffer } {
  const isText = res.text !== undefined;
  const payload = Buffer.from(isText ? (res.text as string) : JSON.stringify(res.body ?? null), 'utf8');
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8', ...lowerKeys(res.headers ?? {}) };
  return { status: res.status, headers, payload };
}

export function send(out: ServerResponse, res: ServiceResponse): void {
  const { status, headers, payload } = render(res);
  out.writeHead(status, { ...headers, 'content-length': String(payload.length) });
  out.end(payload);
}

export function lowerKeys(h: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
}

export function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}
