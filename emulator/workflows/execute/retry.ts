/**
 * try / retry / except. A failing try body is retried as a whole while the policy's predicate
 * accepts the error and `max_retries` (attempts after the first) is not used up, waiting
 * min(initial_delay * multiplier^n, max_delay) seconds before retry n+1 (stdlib retry/http
 * default_retry pages; semantics reference §1.2). Then `except` runs with the error bound to `as`.
 * Internally raised ResourceLimitErrors are not catchable (error-types page).
 */
import type { Step, StepBody, Template } from '../ast';
import { WorkflowError, WfFunctionRef, builtinError, typeName, type WfValue } from '../values';
import { FatalWorkflowError } from '../limits';
import type { Engine, Frame, Outcome } from './engine';
import { CancelledError } from './engine';

type TryBody = Extract<StepBody, { kind: 'try' }>;

export interface RetryPolicy {
  predicate: WfFunctionRef;
  maxRetries: number;
  initialDelay: number;
  maxDelay: number;
  multiplier: number;
}

/** Backoff delay in seconds before retry number `n` (0-based). */
export function backoffDelay(p: RetryPolicy, n: number): number {
  return Math.min(p.initialDelay * Math.pow(p.multiplier, n), p.maxDelay);
}

export async function runTry(engine: Engine, body: TryBody, step: Step, frame: Frame, rec: unknown): Promise<Outcome> {
  let policy: RetryPolicy | null = null;
  let attempt = 0;
  for (;;) {
    try {
      return await engine.runAction(body.body, frame, rec);
    } catch (err) {
      if (!(err instanceof WorkflowError) || err instanceof FatalWorkflowError || err instanceof CancelledError) throw err;
      if (body.retry) {
        policy ??= await resolvePolicy(engine, body.retry, frame);
        if (attempt < policy.maxRetries && (await predicateAccepts(engine, policy.predicate, err.value, frame))) {
          const delay = backoffDelay(policy, attempt);
          attempt++;
          engine.opts.tracker.retrying(rec, attempt, delay, err);
          await engine.opts.sleep(delay);
          continue;
        }
      }
      if (body.except) {
        if (body.except.as) frame.scope.set(body.except.as, err.value);
        return engine.runList(body.except.list, frame);
      }
      throw err;
    }
  }
}

function num(v: WfValue | undefined, what: string, dflt: number): number {
  if (v === undefined || v === null) return dflt;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number') return v;
  throw builtinError('TypeError', `retry ${what} must be a number, got ${typeName(v)}`);
}

async function resolvePolicy(engine: Engine, t: Template, frame: Frame): Promise<RetryPolicy> {
  const v = await engine.evalTemplate(t, frame);
  if (!(v instanceof Map)) throw builtinError('TypeError', `retry policy must be a map, got ${typeName(v)}`);
  const predicate = v.get('predicate');
  if (!(predicate instanceof WfFunctionRef)) throw builtinError('TypeError', 'retry predicate must be a function (e.g. ${http.default_retry_predicate})');
  const backoff = v.get('backoff');
  const b = backoff instanceof Map ? backoff : new Map<string, WfValue>();
  return {
    predicate,
    maxRetries: num(v.get('max_retries'), 'max_retries', 0),
    initialDelay: num(b.get('initial_delay'), 'initial_delay', 1),
    maxDelay: num(b.get('max_delay'), 'max_delay', 60),
    multiplier: num(b.get('multiplier'), 'multiplier', 1.25),
  };
}

async function predicateAccepts(engine: Engine, fn: WfFunctionRef, error: WfValue, frame: Frame): Promise<boolean> {
  const r = await engine.callByName(fn.name, [error], frame, frame.wf.pos);
  if (typeof r !== 'boolean') throw builtinError('TypeError', `retry predicate ${fn.name} must return a boolean, got ${typeName(r)}`);
  return r;
}
