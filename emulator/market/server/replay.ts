/**
 * Replay mode: serves recorded responses from a folder instead of the simulated market, so real
 * captures can be replayed offline.
 *
 * Layout (one file per recorded request):
 *
 *   <dir>/<service>/<path>[__<query>].json
 *
 *   service  defillama | cmc | gas | etherscan        (Slack is always the live stand-in)
 *   path     the request path under the service's base URL, without the leading "/", with every
 *            "/" replaced by "__"          /chart/<uuid>                  → chart__<uuid>
 *                                          /v2/cryptocurrency/quotes/latest → v2__cryptocurrency__quotes__latest
 *   query    the query parameters sorted by name (then value), as k=v joined with "&", each name
 *            and value URI-component-encoded; credentials (apikey, CMC_PRO_API_KEY) are left out
 *                                          → v2__api__action=balance&address=0xabc…&chainid=1&module=account&tag=latest
 *
 * Lookup tries the exact file with the query first, then `<path>.json` (one answer for any query).
 * A file is either an envelope `{"status": 200, "headers": {...}?, "body": ...}` (a numeric
 * `status` plus a `body` key marks it; a string `body` is sent verbatim as the raw response text,
 * any other value JSON-serialized; content-type defaults to application/json) or the raw response
 * body, served as HTTP 200 application/json byte for byte. A request with no recording gets HTTP 404 naming the
 * files that were tried. Credential checks (CMC key, Etherscan apikey) still apply in front of it.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ServiceName, ServiceResponse } from './types';

const SECRET_PARAMS = new Set(['apikey', 'cmc_pro_api_key']);

export function recordingKey(requestPath: string, query: URLSearchParams): { withQuery?: string; pathOnly: string } {
  const p = requestPath.replace(/^\/+|\/+$/g, '').split('/').join('__') || '_root';
  const pairs = [...query.entries()]
    .filter(([k]) => !SECRET_PARAMS.has(k.toLowerCase()))
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
  return { withQuery: pairs.length ? `${p}__${pairs.join('&')}.json` : undefined, pathOnly: `${p}.json` };
}

function toResponse(text: string): ServiceResponse {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { status: 200, text };
  }
  const env = parsed as { status?: unknown; body?: unknown; headers?: unknown };
  if (env && typeof env === 'object' && !Array.isArray(env) && typeof env.status === 'number' && 'body' in env) {
    const headers = env.headers && typeof env.headers === 'object' ? Object.fromEntries(Object.entries(env.headers as Record<string, unknown>).map(([k, v]) => [k, String(v)])) : undefined;
    return typeof env.body === 'string' ? { status: env.status, headers, text: env.body } : { status: env.status, headers, body: env.body };
  }
  return { status: 200, text };
}

export class Recordings {
  constructor(readonly dir: string) {
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new Error(`recordings folder not found: ${dir}`);
  }

  /** Read per request (not cached), so recordings can be edited while the server runs. */
  lookup(service: ServiceName, requestPath: string, query: URLSearchParams): ServiceResponse {
    const key = recordingKey(requestPath, query);
    const tried = [key.withQuery, key.pathOnly].filter((x): x is string => !!x).map((f) => path.join(service, f));
    for (const rel of tried) {
      const file = path.join(this.dir, rel);
      if (fs.existsSync(file)) return toResponse(fs.readFileSync(file, 'utf8'));
    }
    return { status: 404, body: { error: 'no recording for this request', service, path: requestPath, tried } };
  }
}
