/**
 * The run summary the workflow passes to postSlackReport (pure): what it accumulated in
 * `stepResults` plus, when a step failed, which one and the error Workflows caught.
 *
 *   {runDate, runId,
 *    status?:     "succeeded" | "ok" | "degraded" | "failed"   (derived when absent)
 *    steps?:      {<step>: {status, counts?, warnings?, error?}}     (the workflow's stepResults)
 *    failures?:   [{step, error}]                                   (several failed branches)
 *    failedStep?: "<step>", error?: <the caught error>}              (shorthand for one failure)
 *
 * `error` may be a string or the error map Workflows raises for an HTTP call (`{message, code,
 * body: {error: {message}}}`); the message shown is the most specific one found, redacted.
 */
import { z } from 'zod';
import { redact } from '../../lib/log';

export const RunSummaryBody = {
  status: z.string().max(40).optional(),
  steps: z.record(z.string(), z.looseObject({ status: z.string().optional(), warnings: z.array(z.unknown()).optional(), error: z.unknown().optional() })).optional(),
  failures: z.array(z.looseObject({ step: z.string().min(1), error: z.unknown().optional() })).optional(),
  failedStep: z.string().min(1).optional(),
  error: z.unknown().optional(),
};

export type RunSummaryFields = {
  status?: string;
  steps?: Record<string, { status?: string; warnings?: unknown[]; error?: unknown }>;
  failures?: Array<{ step: string; error?: unknown }>;
  failedStep?: string;
  error?: unknown;
};

export type RunStatus = 'succeeded' | 'degraded' | 'failed';

export interface RunSummary {
  status: RunStatus;
  /** Step name → its status, in the order given. */
  steps: Array<{ step: string; status: string; warnings: string[] }>;
  failures: Array<{ step: string; message: string }>;
}

const MAX_ERROR = 1500;

/** The most specific human-readable message inside whatever Workflows caught. */
export function errorMessage(error: unknown): string {
  const pick = (e: unknown, depth = 0): string | undefined => {
    if (e === undefined || e === null) return undefined;
    if (typeof e === 'string') return e;
    if (typeof e !== 'object' || depth > 4) return String(e);
    const o = e as Record<string, unknown>;
    const body = o.body as Record<string, unknown> | undefined;
    const inner = (body && typeof body === 'object' ? pick(body.error, depth + 1) ?? (typeof body.message === 'string' ? body.message : undefined) : undefined) ?? pick(o.error, depth + 1);
    const own = typeof o.message === 'string' ? o.message : undefined;
    const code = typeof o.code === 'number' || typeof o.code === 'string' ? `HTTP ${o.code}` : undefined;
    const text = inner && own && inner !== own ? `${own}: ${inner}` : (inner ?? own);
    if (text) return code && !text.includes(String(o.code)) ? `${code}: ${text}` : text;
    return JSON.stringify(e);
  };
  const text = String(redact(pick(error) ?? 'no error details'));
  return text.length > MAX_ERROR ? text.slice(0, MAX_ERROR - 1) + '…' : text;
}

export function summarizeRun(body: RunSummaryFields): RunSummary {
  const steps = Object.entries(body.steps ?? {}).map(([step, r]) => ({
    step,
    status: r.status ?? 'unknown',
    warnings: (r.warnings ?? []).map((w) => String(redact(typeof w === 'string' ? w : JSON.stringify(w)))),
  }));
  const failures: RunSummary['failures'] = [];
  const addFailure = (step: string, error: unknown) => {
    if (!failures.some((f) => f.step === step)) failures.push({ step, message: errorMessage(error) });
  };
  for (const f of body.failures ?? []) addFailure(f.step, f.error);
  if (body.failedStep) addFailure(body.failedStep, body.error);
  for (const [step, r] of Object.entries(body.steps ?? {})) if (r.status === 'failed' || r.status === 'error') addFailure(step, r.error);

  const declared = body.status?.toLowerCase();
  if (declared === 'failed' && failures.length === 0) failures.push({ step: 'unknown step', message: body.error !== undefined ? errorMessage(body.error) : 'the workflow reported a failure without naming the step' });
  const status: RunStatus = failures.length ? 'failed' : declared === 'degraded' || steps.some((s) => s.status === 'degraded') ? 'degraded' : 'succeeded';
  return { status, steps, failures };
}
