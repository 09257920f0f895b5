/**
 * http.get/post/put/patch/delete/request (https://cloud.google.com/workflows/docs/reference/stdlib/http/request):
 * default timeout 300 s, maximum 1800 s → TimeoutError; body JSON-encoded with
 * `application/json; charset=utf-8` unless it is bytes (octet-stream) or a Content-Type says
 * otherwise; JSON responses decoded keeping int vs double; non-2xx → HttpError {code, headers, body};
 * refused/unresolvable → ConnectionFailedError; broken mid-transfer → ConnectionError; a response
 * over 2 MB → ResourceLimitError. `auth: {type: OIDC|OAuth2}` sends a local bearer token when a
 * secret shared with the local functions host is configured.
 */
import http from 'node:http';
import https from 'node:https';
import { URL } from 'node:url';
import { registerBuiltin, type StdlibContext } from '../stdlib/registry';
import { builtinError, typeName, type WfMap, type WfValue } from '../values';
import { fromJsonText, toJsonText, formatDouble } from '../convert';
import { LIMITS, resourceLimit } from '../limits';
import { mintLocalIdToken } from '../../functions/auth';
import { runtimeOf } from './services';

export const USER_AGENT = 'GoogleCloudWorkflows; (+https://cloud.google.com/workflows/docs)';
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH']);
const MAX_REDIRECTS = 10;

export interface HttpRequestSpec {
  method: string;
  url: WfValue;
  timeout?: WfValue;
  body?: WfValue;
  headers?: WfValue;
  query?: WfValue;
  auth?: WfValue;
}

function present(v: WfValue | undefined): v is WfValue {
  return v !== undefined && v !== null;
}

/** Go-style canonical header key (`content-type` → `Content-Type`), as the service reports them. */
export function canonicalHeader(name: string): string {
  return name
    .split('-')
    .map((p) => (p ? p[0].toUpperCase() + p.slice(1).toLowerCase() : p))
    .join('-');
}

function scalarText(fn: string, what: string, v: WfValue): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return formatDouble(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  throw builtinError('TypeError', `${fn}: ${what} values must be strings, numbers or booleans, got ${typeName(v)}`);
}

function timeoutSeconds(fn: string, v: WfValue | undefined): number {
  if (!present(v)) return LIMITS.httpDefaultTimeoutSeconds;
  const n = typeof v === 'bigint' ? Number(v) : typeof v === 'number' ? v : NaN;
  if (Number.isNaN(n)) throw builtinError('TypeError', `${fn}: timeout must be a number, got ${typeName(v)}`);
  if (n <= 0 || n > LIMITS.httpMaxTimeoutSeconds)
    throw builtinError('ValueError', `${fn}: timeout must be greater than 0 and at most ${LIMITS.httpMaxTimeoutSeconds} seconds`);
  return n;
}

function encodeForm(fn: string, body: WfValue): string {
  if (typeof body === 'string') return body;
  if (!(body instanceof Map)) throw builtinError('TypeError', `${fn}: a form-encoded body must be a map, got ${typeName(body)}`);
  const p = new URLSearchParams();
  for (const [k, v] of body) p.append(k, scalarText(fn, 'body', v));
  return p.toString();
}

/** Encodes the request body per the http.request doc's rules. */
function encodeBody(fn: string, body: WfValue, headers: Map<string, string>): Buffer {
  const ctKey = [...headers.keys()].find((k) => k.toLowerCase() === 'content-type');
  const ct = ctKey ? headers.get(ctKey)!.toLowerCase() : undefined;
  if (body instanceof Uint8Array) {
    if (!ct) headers.set('Content-Type', 'application/octet-stream');
    return Buffer.from(body);
  }
  if (!ct) {
    headers.set('Content-Type', 'application/json; charset=utf-8');
    return Buffer.from(toJsonText(body), 'utf8');
  }
  if (ct.includes('json')) return Buffer.from(toJsonText(body), 'utf8');
  if (ct.includes('application/x-www-form-urlencoded')) return Buffer.from(encodeForm(fn, body), 'utf8');
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  return Buffer.from(toJsonText(body), 'utf8');
}

/** Decodes a response body: JSON → values (int vs double kept), text → string, else bytes. */
function decodeBody(buf: Buffer, contentType: string | undefined): WfValue {
  if (buf.length === 0) return null;
  const ct = (contentType ?? '').toLowerCase();
  if (ct.includes('json')) {
    try {
      return fromJsonText(buf.toString('utf8'));
    } catch {
      return buf.toString('utf8');
    }
  }
  if (ct.startsWith('text/') || ct.includes('xml') || ct.includes('javascript') || ct.includes('x-www-form-urlencoded'))
    return buf.toString('utf8');
  return new Uint8Array(buf);
}

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function connectionFailed(err: NodeJS.ErrnoException): boolean {
  return ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'ECONNABORTED'].includes(err.code ?? '');
}

function send(url: URL, method: string, headers: Map<string, string>, body: Buffer | null, timeoutMs: number, signal?: AbortSignal): Promise<RawResponse> {
  return new Promise<RawResponse>((resolve, reject) => {
    const lib = url.protocol === 'https:' ? https : http;
    const outHeaders: Record<string, string> = {};
    for (const [k, v] of headers) outHeaders[k] = v;
    if (body) outHeaders['Content-Length'] = String(body.length);
    let responded = false;
    let settled = false;
    const fail = (e: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(e);
    };
    const req = lib.request(url, { method, headers: outHeaders, signal }, (res) => {
      responded = true;
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > LIMITS.maxHttpResponseBytes) {
          req.destroy();
          fail(resourceLimit(`HTTP response exceeds the maximum size of ${LIMITS.maxHttpResponseBytes} bytes (2 MB)`));
          return;
        }
        chunks.push(c);
      });
      res.on('aborted', () => fail(builtinError('ConnectionError', 'connection closed while receiving the HTTP response')));
      res.on('error', (e) => fail(builtinError('ConnectionError', `connection error while receiving the HTTP response: ${e.message}`)));
      res.on('end', () => {
        if (settled) return;
        if (!res.complete) return fail(builtinError('ConnectionError', 'connection closed while receiving the HTTP response'));
        settled = true;
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
      });
    });
    const timer = setTimeout(() => {
      req.destroy();
      fail(builtinError('TimeoutError', `HTTP request to ${url.origin}${url.pathname} timed out after ${timeoutMs / 1000} seconds`));
    }, timeoutMs);
    req.on('error', (e: NodeJS.ErrnoException) => {
      if (e.name === 'AbortError') return fail(e);
      if (!responded && connectionFailed(e)) fail(builtinError('ConnectionFailedError', `connection to ${url.host} failed: ${e.code ?? e.message}`));
      else fail(builtinError('ConnectionError', `connection to ${url.host} broken: ${e.code ?? e.message}`));
    });
    if (body) req.write(body);
    req.end();
  });
}

function authHeader(fn: string, auth: WfValue, url: URL, ctx: StdlibContext): string | null {
  if (!(auth instanceof Map)) throw builtinError('TypeError', `${fn}: auth must be a map like {type: OIDC}, got ${typeName(auth)}`);
  const type = auth.get('type');
  if (type !== 'OIDC' && type !== 'OAuth2') throw builtinError('ValueError', `${fn}: auth.type must be OIDC or OAuth2`);
  const secret = runtimeOf(ctx).localFunctionsSecret;
  if (!secret) return null;
  const audience = auth.get('audience');
  // OIDC audience defaults to the URL without query (http-requests doc); OAuth2 tokens are local stand-ins too.
  const aud = typeof audience === 'string' ? audience : `${url.origin}${url.pathname}`;
  return `Bearer ${mintLocalIdToken(aud, secret)}`;
}

export async function httpRequest(fn: string, spec: HttpRequestSpec, ctx: StdlibContext): Promise<WfValue> {
  const method = spec.method.toUpperCase();
  if (!METHODS.has(method)) throw builtinError('ValueError', `${fn}: unsupported method ${spec.method}`);
  if (typeof spec.url !== 'string') throw builtinError('TypeError', `${fn}: url must be a string, got ${typeName(spec.url)}`);
  let url: URL;
  try {
    url = new URL(spec.url);
  } catch {
    throw builtinError('ValueError', `${fn}: invalid url "${spec.url}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw builtinError('ValueError', `${fn}: url must be http or https`);
  const timeout = timeoutSeconds(fn, spec.timeout);
  if (present(spec.query)) {
    if (!(spec.query instanceof Map)) throw builtinError('TypeError', `${fn}: query must be a map, got ${typeName(spec.query)}`);
    for (const [k, v] of spec.query) {
      if (Array.isArray(v)) for (const x of v) url.searchParams.append(k, scalarText(fn, 'query', x));
      else url.searchParams.append(k, scalarText(fn, 'query', v));
    }
  }
  const headers = new Map<string, string>();
  if (present(spec.headers)) {
    if (!(spec.headers instanceof Map)) throw builtinError('TypeError', `${fn}: headers must be a map, got ${typeName(spec.headers)}`);
    for (const [k, v] of spec.headers) headers.set(k, scalarText(fn, 'header', v));
  }
  if (![...headers.keys()].some((k) => k.toLowerCase() === 'user-agent')) headers.set('User-Agent', USER_AGENT);
  if (present(spec.auth)) {
    const bearer = authHeader(fn, spec.auth, url, ctx);
    if (bearer) headers.set('Authorization', bearer);
  }
  const body = present(spec.body) ? encodeBody(fn, spec.body, headers) : null;
  const rt = runtimeOf(ctx);
  let res = await send(url, method, headers, body, timeout * 1000, rt.signal);
  for (let i = 0; i < MAX_REDIRECTS && [301, 302, 303, 307, 308].includes(res.status) && res.headers.location; i++) {
    url = new URL(res.headers.location, url);
    const keepBody = res.status === 307 || res.status === 308;
    res = await send(url, keepBody ? method : method === 'HEAD' ? 'HEAD' : 'GET', headers, keepBody ? body : null, timeout * 1000, rt.signal);
  }
  const outHeaders: WfMap = new Map();
  for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) outHeaders.set(canonicalHeader(k), Array.isArray(v) ? v.join(', ') : v);
  const decoded = decodeBody(res.body, res.headers['content-type']);
  const code = BigInt(res.status);
  if (res.status < 200 || res.status >= 300)
    throw builtinError('HttpError', `HTTP server responded with error code ${res.status}`, { code, headers: outHeaders, body: decoded });
  const out: WfMap = new Map();
  out.set('body', decoded);
  out.set('code', code);
  out.set('headers', outHeaders);
  return out;
}

const COMMON = ['timeout', 'body', 'headers', 'query', 'auth', 'private_service_name', 'ca_certificate'];
for (const m of ['get', 'post', 'put', 'patch', 'delete']) {
  const params = ['url', ...(m === 'get' ? COMMON.filter((p) => p !== 'body') : COMMON)];
  registerBuiltin({
    name: `http.${m}`,
    params,
    required: 1,
    blocking: true,
    impl(args, ctx) {
      const a = Object.fromEntries(params.map((p, i) => [p, args[i]])) as Record<string, WfValue | undefined>;
      return httpRequest(`http.${m}`, { method: m.toUpperCase(), url: a.url as WfValue, timeout: a.timeout, body: a.body, headers: a.headers, query: a.query, auth: a.auth }, ctx);
    },
  });
}
registerBuiltin({
  name: 'http.request',
  params: ['method', 'url', ...COMMON],
  required: 2,
  blocking: true,
  impl(args, ctx) {
    const [method, url, timeout, body, headers, query, auth] = args;
    if (typeof method !== 'string') throw builtinError('TypeError', `http.request: method must be a string, got ${typeName(method)}`);
    return httpRequest('http.request', { method, url, timeout, body, headers, query, auth }, ctx);
  },
});
