/**
 * Fault injection: decides per request whether a fault applies (config rules or an `X-Fault`
 * request header) and turns a good response into the faulty one. Rules are deterministic — a rule's
 * `rate` is compared with a hash of (seed, rule index, that rule's match counter), never Math.random —
 * so a failing test replays exactly.
 *
 * Kinds: 429 (+Retry-After, service-flavoured body), 5xx, timeout (socket held, never answered,
 * released on stop), truncated (valid headers, body cut mid-way, Content-Length of what is sent),
 * malformed (complete but syntactically invalid JSON), wrong-shape (valid JSON, main collection
 * turned into an object), empty (main collection emptied), duplicate-rows (some rows repeated).
 */
import { FAULT_KINDS, type FaultConfig, type FaultKind, type FaultRule, type ServiceName, type ServiceResponse } from './types';

export interface ActiveFault {
  kind: FaultKind;
  retryAfterSeconds: number;
  status?: number;
  /** "rule #i" or "header", for the request log. */
  source: string;
}

export interface FaultController {
  /** Replaces the configuration (validated; throws on a bad rule). */
  configure(config: FaultConfig): void;
  clear(): void;
  current(): FaultConfig;
  /** How many requests each rule has injected a fault into, by rule index. */
  injected(): number[];
}

export class FaultError extends Error {}

function validateRule(rule: FaultRule, i: number): FaultRule {
  const where = `faults.rules[${i}]`;
  if (!rule || typeof rule !== 'object') throw new FaultError(`${where} must be an object`);
  if (!FAULT_KINDS.includes(rule.kind)) throw new FaultError(`${where}.kind must be one of ${FAULT_KINDS.join(', ')}, got ${JSON.stringify(rule.kind)}`);
  const match = rule.match ?? {};
  if (match.service !== undefined && !['defillama', 'cmc', 'gas', 'etherscan', 'slack'].includes(match.service)) {
    throw new FaultError(`${where}.match.service is not a service: ${JSON.stringify(match.service)}`);
  }
  if (match.path !== undefined) {
    try {
      new RegExp(match.path);
    } catch (e) {
      throw new FaultError(`${where}.match.path is not a valid regex: ${(e as Error).message}`);
    }
  }
  if (rule.rate !== undefined && !(typeof rule.rate === 'number' && rule.rate >= 0 && rule.rate <= 1)) throw new FaultError(`${where}.rate must be within 0..1`);
  if (rule.times !== undefined && !(Number.isInteger(rule.times) && rule.times >= 0)) throw new FaultError(`${where}.times must be a non-negative integer`);
  if (rule.retryAfterSeconds !== undefined && !(Number.isInteger(rule.retryAfterSeconds) && rule.retryAfterSeconds >= 0)) {
    throw new FaultError(`${where}.retryAfterSeconds must be a non-negative integer`);
  }
  if (rule.status !== undefined && !(Number.isInteger(rule.status) && rule.status >= 100 && rule.status <= 599)) throw new FaultError(`${where}.status must be an HTTP status`);
  return { ...rule, match: { ...match } };
}

/** Uniform [0,1) from a string: FNV-1a then a murmur-style finalizer (stable across platforms). */
export function unitHash(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

export class FaultInjector implements FaultController {
  private config: FaultConfig = { rules: [] };
  private matched: number[] = [];
  private hits: number[] = [];
  private regexes: Array<RegExp | undefined> = [];

  constructor(initial?: FaultConfig) {
    if (initial) this.configure(initial);
  }

  configure(config: FaultConfig): void {
    if (!config || !Array.isArray(config.rules)) throw new FaultError('faults must be {rules: [...], seed?}');
    if (config.seed !== undefined && !Number.isFinite(config.seed)) throw new FaultError('faults.seed must be a number');
    const rules = config.rules.map(validateRule);
    this.config = { rules, seed: config.seed };
    this.regexes = rules.map((r) => (r.match.path !== undefined ? new RegExp(r.match.path) : undefined));
    this.matched = rules.map(() => 0);
    this.hits = rules.map(() => 0);
  }

  clear(): void {
    this.configure({ rules: [] });
  }

  current(): FaultConfig {
    return { seed: this.config.seed, rules: this.config.rules.map((r) => ({ ...r, match: { ...r.match } })) };
  }

  injected(): number[] {
    return [...this.hits];
  }

  /** The fault for this request, if any: the X-Fault header wins, then the first rule that fires. */
  decide(service: ServiceName, pathAndQuery: string, xFault: string | undefined): ActiveFault | undefined {
    if (xFault) return parseFaultHeader(xFault);
    const seed = this.config.seed ?? 0;
    for (let i = 0; i < this.config.rules.length; i++) {
      const rule = this.config.rules[i];
      if (rule.match.service && rule.match.service !== service) continue;
      const re = this.regexes[i];
      if (re && !re.test(pathAndQuery)) continue;
      const n = this.matched[i]++;
      if (rule.times !== undefined && n >= rule.times) continue;
      if (rule.rate !== undefined && unitHash(`${seed}:${i}:${n}`) >= rule.rate) continue;
      this.hits[i]++;
      return { kind: rule.kind, retryAfterSeconds: rule.retryAfterSeconds ?? 1, status: rule.status, source: `rule #${i}` };
    }
    return undefined;
  }
}

/** `X-Fault: 429; retry-after=2` or `X-Fault: 5xx; status=502`. */
export function parseFaultHeader(value: string): ActiveFault {
  const [kindPart, ...params] = value.split(';').map((s) => s.trim());
  if (!FAULT_KINDS.includes(kindPart as FaultKind)) throw new FaultError(`X-Fault must be one of ${FAULT_KINDS.join(', ')}, got ${JSON.stringify(kindPart)}`);
  const fault: ActiveFault = { kind: kindPart as FaultKind, retryAfterSeconds: 1, source: 'header' };
  for (const p of params) {
    const [k, v] = p.split('=').map((s) => s.trim().toLowerCase());
    const n = Number(v);
    if (k === 'retry-after' && Number.isInteger(n) && n >= 0) fault.retryAfterSeconds = n;
    else if (k === 'status' && Number.isInteger(n) && n >= 100 && n <= 599) fault.status = n;
    else throw new FaultError(`X-Fault parameter not understood: ${JSON.stringify(p)}`);
  }
  return fault;
}

// ---- error responses (what each real service sends when throttled or broken) ----

function cmcStatus(nowIso: string, code: number, message: string) {
  return { status: { timestamp: nowIso, error_code: code, error_message: message, elapsed: 0, credit_count: 0 } };
}

export function rateLimitedResponse(service: ServiceName, fault: ActiveFault, nowIso: string): ServiceResponse {
  const retry = { 'retry-after': String(fault.retryAfterSeconds) };
  switch (service) {
    case 'cmc':
      return { status: 429, headers: retry, body: cmcStatus(nowIso, 1008, "You've exceeded your API Key's HTTP request rate limit. Rate limits reset every minute.") };
    case 'etherscan':
      // Etherscan really throttles with HTTP 200 + status "0"; status=200 on the rule asks for exactly that.
      return {
        status: fault.status === 200 ? 200 : 429,
        headers: fault.status === 200 ? {} : retry,
        body: { status: '0', message: 'NOTOK', result: 'Max rate limit reached, please use API Key for higher rate limit' },
      };
    case 'slack':
      return { status: 429, headers: retry, body: { ok: false, error: 'ratelimited' } };
    default:
      // DefiLlama / ethgastracker sit behind Cloudflare-style throttling: a short non-JSON body.
      return { status: 429, headers: { ...retry, 'content-type': 'text/plain; charset=utf-8' }, text: 'Too Many Requests' };
  }
}

export function serverErrorResponse(service: ServiceName, fault: ActiveFault, nowIso: string): ServiceResponse {
  const status = fault.status ?? 503;
  switch (service) {
    case 'cmc':
      return { status, body: cmcStatus(nowIso, 500, 'An internal server error occurred') };
    case 'slack':
      return { status, body: { ok: false, error: 'internal_error' } };
    default:
      return {
        status,
        headers: { 'content-type': 'text/html; charset=utf-8' },
        text: `<html><head><title>${status} Service Unavailable</title></head><body><center><h1>${status}</h1></center><hr><center>cloudflare</center></body></html>`,
      };
  }
}

// ---- body transformations ----

function getAt(value: unknown, path: Array<string | number>): unknown {
  let cur = value;
  for (const k of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[k];
  }
  return cur;
}

function setAt(root: unknown, path: Array<string | number>, next: unknown): unknown {
  if (path.length === 0) return next;
  const parent = getAt(root, path.slice(0, -1));
  if (parent && typeof parent === 'object') (parent as Record<string | number, unknown>)[path[path.length - 1]] = next;
  return root;
}

/** The longest array in a JSON value (breadth-first), for bodies without a declared rowsPath (replays). */
export function findRowsPath(value: unknown): Array<string | number> | undefined {
  let best: { path: Array<string | number>; len: number } | undefined;
  const queue: Array<{ v: unknown; path: Array<string | number> }> = [{ v: value, path: [] }];
  while (queue.length) {
    const { v, path } = queue.shift()!;
    if (Array.isArray(v)) {
      if (!best || v.length > best.len) best = { path, len: v.length };
      continue;
    }
    if (v && typeof v === 'object' && path.length < 4) {
      for (const [k, child] of Object.entries(v)) queue.push({ v: child, path: [...path, k] });
    }
  }
  return best?.path;
}

/** Applies a body fault (empty / duplicate-rows / wrong-shape) to a parsed JSON body. */
export function transformBody(kind: 'empty' | 'duplicate-rows' | 'wrong-shape', body: unknown, rowsPath: Array<string | number> | undefined): unknown {
  const root = structuredClone(body);
  const path = rowsPath ?? findRowsPath(root);
  if (!path) return kind === 'wrong-shape' ? { unexpected: root } : root;
  const rows = getAt(root, path);
  if (kind === 'empty') return setAt(root, path, Array.isArray(rows) ? [] : rows && typeof rows === 'object' ? {} : '');
  if (kind === 'wrong-shape') {
    // Same data, wrong container: an object keyed by index where an array (or map) was expected,
    // and every number as a string — a schema must reject it, a careless parser may not.
    const list = Array.isArray(rows) ? rows : rows && typeof rows === 'object' ? Object.values(rows) : [rows];
    const asStrings = (v: unknown): unknown =>
      typeof v === 'number' ? String(v) : Array.isArray(v) ? v.map(asStrings) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, asStrings(x)])) : v;
    return setAt(root, path, { items: Object.fromEntries(list.map((r, i) => [String(i), asStrings(r)])) });
  }
  // duplicate-rows: every third row (at least the first) appears twice, right after itself — the way
  // paginated or merged upstream feeds repeat rows.
  if (!Array.isArray(rows) || rows.length === 0) return root;
  const out: unknown[] = [];
  rows.forEach((r, i) => {
    out.push(r);
    if (i % 3 === 0) out.push(structuredClone(r));
  });
  return setAt(root, path, out);
}

/** Complete but invalid JSON: a trailing comma inside the outermost container. */
export function malformText(text: string): string {
  const t = text.trimEnd();
  if ((t.startsWith('{') && t.endsWith('}')) || (t.startsWith('[') && t.endsWith(']'))) return `${t.slice(0, -1)},${t.slice(-1)}`;
  return `{${t}`;
}

/** The first half of the body (at least one byte short of the whole). */
export function truncateText(payload: Buffer): Buffer {
  return payload.subarray(0, Math.max(0, Math.min(payload.length - 1, Math.floor(payload.length / 2))));
}
