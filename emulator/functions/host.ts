/**
 * Local functions host: serves every function registered in functions/src/index.ts with the real
 * Functions Framework stack (body parsing, execution ids, error handling), each at its own URL the
 * way Cloud Functions does:
 *
 *   https://REGION-PROJECT.cloudfunctions.net/<name>   ⇔   http://127.0.0.1:PORT/<name>
 *
 * One Functions Framework server per function (getTestServer) sits behind a small front server that
 * checks the bearer token like `--no-allow-unauthenticated` (401 without a valid token, 403 for a
 * token minted for another function), strips the `/<name>` prefix as Cloud Functions does and hands
 * the request over.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyLocalIdToken } from './auth';
import { log } from '../../functions/src/lib/log';

export interface FunctionsHostOptions {
  /** Loopback address to bind; default 127.0.0.1. */
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** HMAC secret the callers' OIDC stand-in tokens are signed with (see auth.ts). */
  secret: string;
  /**
   * Environment for the functions. In-process this is applied to process.env (functions read their
   * configuration from the environment, as in GCP); run main.ts as a child process to isolate it.
   */
  env?: Record<string, string>;
}

export interface FunctionsHost {
  host: string;
  port: number;
  /** http://HOST:PORT — the local equivalent of https://REGION-PROJECT.cloudfunctions.net */
  baseUrl: string;
  functionNames: string[];
  url(functionName: string): string;
  stop(): Promise<void>;
}

/** Unauthenticated liveness probe; cannot collide with a function (names start with a letter). */
export const HEALTH_PATH = '/_host/health';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/i;

function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

function errorBody(code: number, status: string, message: string) {
  return { error: { code, status, message } };
}

/** Whether a verified token's audience names this function on this host (any loopback spelling). */
function audienceMatches(aud: string, functionName: string, port: number): boolean {
  let url: URL;
  try {
    url = new URL(aud);
  } catch {
    return false;
  }
  const first = url.pathname.split('/').filter(Boolean)[0];
  return first === functionName && Number(url.port || 80) === port && LOOPBACK.test(url.hostname.replace(/^\[|\]$/g, ''));
}

type AuthOutcome = { ok: true } | { ok: false; status: 401 | 403; message: string };

function authorize(req: http.IncomingMessage, secret: string, functionName: string, port: number): AuthOutcome {
  const header = req.headers.authorization ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) return { ok: false, status: 401, message: 'missing bearer token: the function requires authentication' };
  const check = verifyLocalIdToken(match[1], secret);
  if (!check.ok) return { ok: false, status: 401, message: `invalid bearer token (${check.reason})` };
  if (!audienceMatches(check.claims.aud, functionName, port)) {
    return { ok: false, status: 403, message: `token audience does not grant access to ${functionName}` };
  }
  return { ok: true };
}

/** Loads the functions module (registering every function) and returns its name list. */
function loadFunctionNames(): string[] {
  // Required lazily so that `env` is in place before any function module reads its configuration.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const functions = require('../../functions/src/index') as { FUNCTION_NAMES: readonly string[] };
  return [...functions.FUNCTION_NAMES];
}

export async function startFunctionsHost(options: FunctionsHostOptions): Promise<FunctionsHost> {
  const host = options.host ?? '127.0.0.1';
  if (!LOOPBACK.test(host)) throw new Error(`the functions host binds loopback addresses only, not ${host}`);
  if (!options.secret) throw new Error('startFunctionsHost needs the local functions secret');
  for (const [k, v] of Object.entries(options.env ?? {})) process.env[k] = v;

  const names = loadFunctionNames();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { getTestServer } = require('@google-cloud/functions-framework/testing') as typeof import('@google-cloud/functions-framework/testing');
  const frameworks = new Map<string, http.Server>(names.map((name) => [name, getTestServer(name)]));

  let boundPort = 0;
  const front = http.createServer((req, res) => {
    const started = Date.now();
    const url = new URL(req.url ?? '/', 'http://local');
    const name = url.pathname.split('/').filter(Boolean)[0] ?? '';
    res.on('finish', () => {
      log(res.statusCode >= 500 ? 'ERROR' : res.statusCode >= 400 ? 'WARNING' : 'INFO', `${req.method} /${name} ${res.statusCode}`, {
        component: 'functions-host',
        function: name || undefined,
        httpStatus: res.statusCode,
        durationMs: Date.now() - started,
        executionId: req.headers['function-execution-id'],
      });
    });

    if (url.pathname === HEALTH_PATH) return sendJson(res, 200, { status: 'ok', functions: names });
    const framework = frameworks.get(name);
    if (!framework) return sendJson(res, 404, errorBody(404, 'NOT_FOUND', `no function named "${name}" (serving: ${names.join(', ')})`));

    const auth = authorize(req, options.secret, name, boundPort);
    if (!auth.ok) {
      const headers: Record<string, string> = auth.status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {};
      return sendJson(res, auth.status, errorBody(auth.status, auth.status === 401 ? 'UNAUTHENTICATED' : 'PERMISSION_DENIED', auth.message), headers);
    }

    // Cloud Functions hands the function the path after its name and an execution id per call.
    const rest = url.pathname.slice(name.length + 1) || '/';
    req.url = `${rest.startsWith('/') ? rest : `/${rest}`}${url.search}`;
    if (!req.headers['function-execution-id']) req.headers['function-execution-id'] = crypto.randomBytes(6).toString('hex');
    framework.emit('request', req, res);
  });

  await new Promise<void>((resolve, reject) => {
    front.once('error', reject);
    front.listen(options.port ?? 0, host, () => {
      front.off('error', reject);
      resolve();
    });
  });
  boundPort = (front.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const baseUrl = `http://${urlHost}:${boundPort}`;

  return {
    host,
    port: boundPort,
    baseUrl,
    functionNames: names,
    url: (functionName: string) => `${baseUrl}/${functionName}`,
    stop: () =>
      new Promise<void>((resolve) => {
        front.close(() => resolve());
        front.closeAllConnections();
      }),
  };
}
