/**
 * Runtime values of the Workflows language.
 *
 * Integers and doubles are different types in Workflows (`/` always yields a double, `int + double`
 * is a double, `string(1.0)` differs from `string(1)`), so they are kept apart here:
 * INTEGER = JS `bigint` (64-bit signed range enforced), DOUBLE = JS `number`.
 * Maps are `Map<string, WfValue>` (insertion-ordered, no prototype surprises with keys like "1"),
 * lists are arrays, bytes are `Uint8Array` (Buffer is fine), and functions/predicates referenced as
 * values (`${http.default_retry_predicate}`, `${my_subworkflow}`) are `WfFunctionRef`.
 */

export type WfValue = null | boolean | bigint | number | string | Uint8Array | WfList | WfMap | WfFunctionRef;
export type WfList = WfValue[];
export type WfMap = Map<string, WfValue>;

/** A reference to a callable (stdlib function or subworkflow) used as a value, e.g. a retry predicate. */
export class WfFunctionRef {
  constructor(readonly name: string) {}
}

export type WfTypeName = 'null' | 'boolean' | 'integer' | 'double' | 'string' | 'bytes' | 'list' | 'map' | 'function';

export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;

/**
 * An error travelling through a workflow. `value` is exactly what `except: as: e` receives and
 * what an execution's `error.payload` serialises: a map with `tags` and `message` for built-in
 * errors (plus `code`, `headers`, `body` for HttpError), or any value given to `raise`.
 */
export class WorkflowError extends Error {
  constructor(readonly value: WfValue, message?: string) {
    super(message ?? describeErrorValue(value));
    this.name = 'WorkflowError';
  }
}

export type ErrorTag =
  | 'AuthError'
  | 'ConnectionError'
  | 'ConnectionFailedError'
  | 'HttpError'
  | 'IndexError'
  | 'KeyError'
  | 'OperationError'
  | 'ParallelNestingError'
  | 'RecursionError'
  | 'ResourceLimitError'
  | 'ResponseTypeError'
  | 'SystemError'
  | 'TimeoutError'
  | 'TypeError'
  | 'UnhandledBranchError'
  | 'ValueError'
  | 'ZeroDivisionError';

/** A built-in error: `{tags: [...tags], message, ...extra}` as a Workflows map. */
export function builtinError(tags: ErrorTag | ErrorTag[], message: string, extra?: Record<string, WfValue>): WorkflowError {
  const list = Array.isArray(tags) ? tags : [tags];
  const m: WfMap = new Map<string, WfValue>();
  m.set('message', message);
  m.set('tags', [...list]);
  if (extra) for (const [k, v] of Object.entries(extra)) m.set(k, v);
  return new WorkflowError(m, `${list.join(', ')}: ${message}`);
}

function describeErrorValue(value: WfValue): string {
  if (typeof value === 'string') return value;
  if (value instanceof Map) {
    const msg = value.get('message');
    const tags = value.get('tags');
    const tagText = Array.isArray(tags) ? tags.filter((t) => typeof t === 'string').join(', ') : '';
    if (typeof msg === 'string') return tagText ? `${tagText}: ${msg}` : msg;
  }
  return 'workflow error';
}

export function typeName(v: WfValue): WfTypeName {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return 'boolean';
    case 'bigint':
      return 'integer';
    case 'number':
      return 'double';
    case 'string':
      return 'string';
  }
  if (v instanceof Uint8Array) return 'bytes';
  if (Array.isArray(v)) return 'list';
  if (v instanceof Map) return 'map';
  return 'function';
}
