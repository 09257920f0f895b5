/**
 * Registry of standard-library functions and values.
 *
 * Pure functions live in this folder and register themselves on import (see `stdlib/index.ts`);
 * the executor registers the blocking ones (http.*, sys.log, sys.sleep, events.*, ...) through
 * `registerBuiltin` from its own files. Expressions may only call non-blocking entries.
 */
import { WfFunctionRef, WfValue, builtinError } from '../values';

/** Runtime services a builtin may need. The executor may add its own extension members. */
export interface StdlibContext {
  /** Built-in (GOOGLE_CLOUD_*) and user (`--set-env-vars`) environment variables. */
  env(name: string): string | undefined;
  /** Current time, epoch seconds (fractional). */
  now(): number;
  /** Uniform random in [0, 1); defaults to Math.random. */
  random?(): number;
  [extension: string]: unknown;
}

export interface BuiltinFunction {
  /** Qualified name, e.g. `text.split`, `len`. */
  name: string;
  /** Parameter names in positional order (for `call:` with named `args`). */
  params: string[];
  /** Number of leading params that must be given. */
  required: number;
  /** Blocking functions may only be used in `call` steps, never inside `${}`. */
  blocking: boolean;
  impl(args: WfValue[], ctx: StdlibContext): WfValue | Promise<WfValue>;
}

const functions = new Map<string, BuiltinFunction>();
const values = new Map<string, WfValue>();

export function registerBuiltin(fn: BuiltinFunction): void {
  functions.set(fn.name, fn);
}

export function lookupBuiltin(name: string): BuiltinFunction | undefined {
  return functions.get(name);
}

/** Registers a non-function member such as `retry.default_backoff`. */
export function registerBuiltinValue(name: string, value: WfValue): void {
  values.set(name, value);
}

/**
 * Value of a builtin referenced without a call: data members (`http.default_retry`) or any
 * registered function as a `WfFunctionRef` (`${retry.always}`, `${http.default_retry_predicate}`).
 */
export function builtinValue(name: string): WfValue | undefined {
  const v = values.get(name);
  if (v !== undefined) return cloneValue(v);
  if (functions.has(name)) return new WfFunctionRef(name);
  return undefined;
}

export function isBuiltinName(name: string): boolean {
  return functions.has(name) || values.has(name);
}

export function builtinNames(): string[] {
  return [...functions.keys(), ...values.keys()];
}

/** Builtin values are handed out as copies so workflow assignments cannot corrupt them. */
function cloneValue(v: WfValue): WfValue {
  if (Array.isArray(v)) return v.map(cloneValue);
  if (v instanceof Map) {
    const m = new Map<string, WfValue>();
    for (const [k, x] of v) m.set(k, cloneValue(x));
    return m;
  }
  return v;
}

/** Calls a builtin with positional args after checking the arity. */
export function invokeBuiltin(fn: BuiltinFunction, args: WfValue[], ctx: StdlibContext): WfValue | Promise<WfValue> {
  if (args.length < fn.required || args.length > fn.params.length) {
    const expected = fn.required === fn.params.length ? `${fn.required}` : `${fn.required} to ${fn.params.length}`;
    throw builtinError('TypeError', `${fn.name}: expected ${expected} argument(s), got ${args.length}`);
  }
  return fn.impl(args, ctx);
}

/**
 * Maps named `call` args (`args: {source: ..., separator: ...}`) to positional ones.
 * Unknown names → TypeError; missing required → TypeError. Trailing omitted optionals are dropped,
 * omitted optionals in the middle become null.
 */
export function namedToPositional(fn: BuiltinFunction, named: Map<string, WfValue>): WfValue[] {
  for (const k of named.keys()) {
    if (!fn.params.includes(k)) throw builtinError('TypeError', `${fn.name}: unexpected argument '${k}'`);
  }
  let last = -1;
  fn.params.forEach((p, i) => {
    if (named.has(p)) last = i;
  });
  const out: WfValue[] = [];
  for (let i = 0; i <= Math.max(last, fn.required - 1); i++) {
    const p = fn.params[i];
    if (!named.has(p)) {
      if (i < fn.required) throw builtinError('TypeError', `${fn.name}: missing required argument '${p}'`);
      out.push(null);
    } else {
      out.push(named.get(p) as WfValue);
    }
  }
  return out;
}

/** Helper for module files: registers a pure (non-blocking) function. */
export function definePure(
  name: string,
  params: string[],
  required: number,
  impl: (args: WfValue[], ctx: StdlibContext) => WfValue,
): void {
  registerBuiltin({ name, params, required, blocking: false, impl });
}
