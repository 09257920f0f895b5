/**
 * The HTTP client every ingestion step uses for external APIs (DefiLlama, CMC, gas feed, Etherscan).
 *
 * - bounded concurrency (a semaphore per client), a per-request timeout;
 * - retries with exponential backoff + full jitter on 429, 5xx, timeouts, socket errors and bodies
 *   that are not JSON (truncated/malformed) or fail the caller's schema; a `Retry-After` header is
 *   honoured (waited at least), and one longer than `retryAfterCapMs` ends the attempt at once so the
 *   workflow's retry policy waits instead of a blocked function;
 * - the body is handed over as received (bytes + text) so the raw layer can keep it verbatim before
 *   any parsing (`onBody`);
 * - failures are classified: upstream trouble → UpstreamError (a TransientError: the step answers
 *   503 and the workflow retries); a 4xx other than 429 → UpstreamConfigError (500: a key, plan or
 *   URL problem a retry cannot fix). Messages name the source and path, never the query string
 *   (Etherscan's apikey travels in it) nor headers (CMC's key).
 *
 * Tunables come from the environment so tests can shrink them (no code path differs):
 * HTTP_TIMEOUT_MS, HTTP_MAX_RETRIES, HTTP_RETRY_BASE_MS, HTTP_RETRY_MAX_MS, HTTP_RETRY_AFTER_CAP_MS,
 * HTTP_CONCURRENCY.
 */
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import type { z } from 'zod';
import { TransientError } from './step';

export interface HttpClientOptions {
  /** Human name used in errors, e.g. "DefiLlama". */
  source: string;
  baseUrl: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
  maxRetries?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  retryAfterCapMs?: number;
  concurrency?: number;
  /** Injected in unit tests; defaults to setTimeout. */
  sleep?: (ms: number) => Promise<void>;
  /** Injected in unit tests; defaults to Math.random. */
  random?: () => number;
}

export interface RequestSpec<T> {
  /** Path under the base URL, e.g. "/pools". Used in error messages. */
  path: string;
  /** How errors name the request (default: the path), e.g. "/v2/api action=tokentx". */
  label?: string;
  query?: Record<string, string | number | undefined>;
  /** Validates the parsed JSON; failing it is retried, then reported with the field path. */
  schema?: z.ZodType<T>;
  /**
   * Extra check on the validated value, returning a reason when the body is an upstream error in
   * disguise (Etherscan's HTTP-200 status "0", CMC's error_code) or unusable (empty). `retry: false`
   * marks a definitive answer (bad key, plan) that is reported without retrying.
   */
  check?: (value: T) => { reason: string; retry: boolean } | undefined;
  /** Called with every 2xx body before parsing (the raw layer stores it verbatim). */
  onBody?: (body: Buffer, meta: { status: number; contentType: string | undefined; attempt: number }) => Promise<void>;
}

export interface JsonResponse<T> {
  status: number;
  data: T;
  body: Buffer;
  attempts: number;
}

/** Upstream trouble a later retry may fix: the step answers 503. */
export class UpstreamError extends TransientError {
  readonly source: string;
  constructor(source: string, message: string) {
    super(message);
    this.name = 'UpstreamError';
    this.source = source;
  }
}

/** The payload arrived but does not match the documented shape; names the field path and source. */
export class UpstreamDataError extends UpstreamError {
  constructor(source: string, message: string) {
    super(source, message);
    this.name = 'UpstreamDataError';
  }
}

/** 4xx (not 429) or a definitive API error: our configuration is wrong, retrying will not help (500). */
export class UpstreamConfigError extends Error {
  readonly source: string;
  constructor(source: string, message: string) {
    super(message);
    this.name = 'UpstreamConfigError';
    this.source = source;
  }
}

function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  return Number.isFinite(n) && n >= 0 ? n : fallback;
}

/** "data[12].tvlUsd: expected number, received string" for the first few zod issues. */
export function describeZodIssues(error: z.ZodError, max = 3): string {
  const parts = error.issues.slice(0, max).map((issue) => {
    let path = '';
    for (const seg of issue.path) path += typeof seg === 'number' ? `[${seg}]` : path === '' ? String(seg) : `.${String(seg)}`;
    return `${path || '(root)'}: ${issue.message}`;
  });
  const more = error.issues.length > max ? ` (+${error.issues.length - max} more)` : '';
  return parts.join('; ') + more;
}

/** Counting semaphore: at most `limit` requests in flight per client. */
class Semaphore {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(private readonly limit: number) {}
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

/** Seconds or HTTP-date → milliseconds; undefined when absent or unreadable. */
export function parseRetryAfter(value: unknown, now: number = Date.now()): number | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Full-jitter exponential backoff: uniform in [0, min(max, base·2^attempt)]. */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  return Math.round(random() * Math.min(maxMs, baseMs * 2 ** attempt));
}

type Attempt<T> = { ok: true; value: JsonResponse<T> } | { ok: false; retry: boolean; error: Error; retryAfterMs?: number };

export class HttpClient {
  readonly source: string;
  private readonly axios: AxiosInstance;
  private readonly semaphore: Semaphore;
  private readonly maxRetries: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  private readonly retryAfterCapMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(options: HttpClientOptions) {
    this.source = options.source;
    this.maxRetries = options.maxRetries ?? envNumber('HTTP_MAX_RETRIES', 4);
    this.retryBaseMs = options.retryBaseMs ?? envNumber('HTTP_RETRY_BASE_MS', 500);
    this.retryMaxMs = options.retryMaxMs ?? envNumber('HTTP_RETRY_MAX_MS', 30_000);
    this.retryAfterCapMs = options.retryAfterCapMs ?? envNumber('HTTP_RETRY_AFTER_CAP_MS', 60_000);
    this.semaphore = new Semaphore(Math.max(1, options.concurrency ?? envNumber('HTTP_CONCURRENCY', 4)));
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
    this.axios = axios.create({
      baseURL: options.baseUrl.replace(/\/+$/, ''),
      timeout: options.timeoutMs ?? envNumber('HTTP_TIMEOUT_MS', 30_000),
      headers: { Accept: 'application/json', ...options.headers },
      // Keep the bytes exactly as received; parsing is ours, after the raw layer has them.
      responseType: 'arraybuffer',
      transformResponse: [(d: unknown) => d],
      validateStatus: () => true,
      maxContentLength: 200 * 1024 * 1024,
      maxRedirects: 3,
    });
  }

  /** GET a JSON document, retrying what is worth retrying; throws a classified error otherwise. */
  async getJson<T>(spec: RequestSpec<T>): Promise<JsonResponse<T>> {
    const where = `${this.source} ${spec.label ?? spec.path}`;
    let last: Error = new UpstreamError(this.source, `${where}: no attempt made`);
    for (let attempt = 0; attempt <= this.maxRetries; attempt++) {
      const outcome = await this.semaphore.run(() => this.attempt(spec, where, attempt + 1));
      if (outcome.ok) return outcome.value;
      last = outcome.error;
      if (!outcome.retry) throw last;
      if (attempt === this.maxRetries) break;
      let delay = backoffDelay(attempt, this.retryBaseMs, this.retryMaxMs, this.random);
      if (outcome.retryAfterMs !== undefined) {
        if (outcome.retryAfterMs > this.retryAfterCapMs) {
          // Waiting that long inside one invocation is worse than letting the workflow retry later.
          throw new UpstreamError(this.source, `${last.message} (Retry-After ${Math.ceil(outcome.retryAfterMs / 1000)} s is longer than one invocation waits)`);
        }
        delay = Math.max(delay, outcome.retryAfterMs);
      }
      await this.sleep(delay);
    }
    const Ctor = last instanceof UpstreamDataError ? UpstreamDataError : UpstreamError;
    throw new Ctor(this.source, `${last.message} (gave up after ${this.maxRetries + 1} attempts)`);
  }

  private async attempt<T>(spec: RequestSpec<T>, where: string, attempt: number): Promise<Attempt<T>> {
    let res: AxiosResponse<ArrayBuffer>;
    try {
      res = await this.axios.get<ArrayBuffer>(spec.path, { params: spec.query });
    } catch (err) {
      const e = err as { code?: string; message?: string };
      const what = e.code === 'ECONNABORTED' || e.code === 'ETIMEDOUT' || /timeout/i.test(e.message ?? '') ? 'timed out' : `connection failed (${e.code ?? 'network error'})`;
      return { ok: false, retry: true, error: new UpstreamError(this.source, `${where}: ${what}`) };
    }
    const body = Buffer.from(res.data ?? new ArrayBuffer(0));
    const status = res.status;
    if (status === 429 || status >= 500) {
      return {
        ok: false,
        retry: true,
        error: new UpstreamError(this.source, `${where}: HTTP ${status}${snippet(body)}`),
        retryAfterMs: parseRetryAfter(res.headers['retry-after']),
      };
    }
    if (status >= 400) {
      return { ok: false, retry: false, error: new UpstreamConfigError(this.source, `${where}: HTTP ${status}${snippet(body)} (check the base URL, API key and plan)`) };
    }
    if (spec.onBody) await spec.onBody(body, { status, contentType: headerString(res.headers['content-type']), attempt });

    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch (err) {
      const reason = body.length === 0 ? 'empty body' : `not valid JSON (${(err as Error).message}; ${body.length} bytes, possibly truncated)`;
      return { ok: false, retry: true, error: new UpstreamDataError(this.source, `${where}: ${reason}`) };
    }
    let value = json as T;
    if (spec.schema) {
      const parsed = spec.schema.safeParse(json);
      if (!parsed.success) {
        return { ok: false, retry: true, error: new UpstreamDataError(this.source, `${describeZodIssues(parsed.error)} (source: ${where})`) };
      }
      value = parsed.data;
    }
    const problem = spec.check?.(value);
    if (problem) {
      const error = problem.retry ? new UpstreamError(this.source, `${where}: ${problem.reason}`) : new UpstreamConfigError(this.source, `${where}: ${problem.reason}`);
      return { ok: false, retry: problem.retry, error };
    }
    return { ok: true, value: { status, data: value, body, attempts: attempt } };
  }
}

function headerString(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** A short, single-line excerpt of an error body (upstream messages help; whole pages do not). */
function snippet(body: Buffer): string {
  const text = body.toString('utf8', 0, Math.min(body.length, 300)).replace(/\s+/g, ' ').trim();
  return text ? `: ${text.slice(0, 200)}` : '';
}
