/**
 * Retry predicates and policies.
 * - retry.always / retry.never: predicates (error → bool).
 * - retry.default_backoff = {initial_delay: 1, max_delay: 60, multiplier: 1.25} [R].
 * - http.default_retry_predicate: true for HTTP 429, 502, 503, 504 and ConnectionError,
 *   ConnectionFailedError, TimeoutError; http.default_retry_predicate_non_idempotent: 429, 503
 *   and ConnectionFailedError (https://cloud.google.com/workflows/docs/reference/stdlib/http/default_retry
 *   and .../default_retry_non_idempotent). HTTP 500 is never retried by default.
 * - http.default_retry / http.default_retry_non_idempotent: policies {predicate, max_retries: 5,
 *   backoff: default_backoff}.
 */
import { definePure, registerBuiltinValue } from './registry';
import { WfFunctionRef, WfMap, WfValue } from '../values';

definePure('retry.always', ['e'], 1, () => true);
definePure('retry.never', ['e'], 1, () => false);

function backoff(): WfMap {
  return new Map<string, WfValue>([
    ['initial_delay', 1n],
    ['max_delay', 60n],
    ['multiplier', 1.25],
  ]);
}

registerBuiltinValue('retry.default_backoff', backoff());

function tagsOf(e: WfValue): string[] {
  if (!(e instanceof Map)) return [];
  const tags = e.get('tags');
  return Array.isArray(tags) ? tags.filter((t): t is string => typeof t === 'string') : [];
}

function codeOf(e: WfValue): number | undefined {
  if (!(e instanceof Map)) return undefined;
  const c = e.get('code');
  return typeof c === 'bigint' ? Number(c) : typeof c === 'number' ? c : undefined;
}

function matches(e: WfValue, codes: number[], tags: string[]): boolean {
  const code = codeOf(e);
  const t = tagsOf(e);
  // Any error map with a matching integer `code` counts (HttpError maps carry the status there).
  if (code !== undefined && codes.includes(code)) return true;
  return t.some((x) => tags.includes(x));
}

export function defaultRetryPredicate(e: WfValue): boolean {
  return matches(e, [429, 502, 503, 504], ['ConnectionError', 'ConnectionFailedError', 'TimeoutError']);
}

export function defaultRetryPredicateNonIdempotent(e: WfValue): boolean {
  return matches(e, [429, 503], ['ConnectionFailedError']);
}

definePure('http.default_retry_predicate', ['e'], 1, ([e]) => defaultRetryPredicate(e));
definePure('http.default_retry_predicate_non_idempotent', ['e'], 1, ([e]) => defaultRetryPredicateNonIdempotent(e));

function policy(predicate: string): WfMap {
  return new Map<string, WfValue>([
    ['predicate', new WfFunctionRef(predicate)],
    ['max_retries', 5n],
    ['backoff', backoff()],
  ]);
}

registerBuiltinValue('http.default_retry', policy('http.default_retry_predicate'));
registerBuiltinValue('http.default_retry_non_idempotent', policy('http.default_retry_predicate_non_idempotent'));
