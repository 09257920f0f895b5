/**
 * The step contract every pipeline function follows (DESIGN.md "Step contract"):
 *
 *   POST JSON {runDate, runId, ...}  →  200 {status: "ok"|"skipped"|"degraded", counts, warnings, ...}
 *   bad request                      →  400 naming the field (the workflow never retries it)
 *   transient failure                →  503 (upstream 5xx/429, timeouts, Firestore UNAVAILABLE…; retried)
 *   anything else                    →  500
 *
 * `defineStep` turns a handler `(body, ctx) => Promise<StepResult>` into an HTTP function with that
 * behaviour, validating the body with zod and writing one structured log line per invocation.
 */
import type { Request, Response, HttpFunction } from '@google-cloud/functions-framework';
import { z } from 'zod';
import { isValidRunDate } from './dates';
import { log, redact, type LogFields, type Severity } from './log';
import { ParamsValidationError } from './params';

export type StepStatus = 'ok' | 'skipped' | 'degraded';

export interface StepResult {
  status: StepStatus;
  /** What the step did, e.g. {poolsWritten: 812}; shown in the run summary. */
  counts?: Record<string, number>;
  /** Non-fatal problems worth a human's attention (shown in the report). */
  warnings?: string[];
  /** Extra top-level response fields (e.g. startRun's runId). */
  extra?: Record<string, unknown>;
}

export interface StepLogger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

export interface StepContext {
  step: string;
  runDate: string;
  /** Undefined only for steps that create the run (startRun). */
  runId: string | undefined;
  /** Logger that stamps step, runDate and runId on every line. */
  log: StepLogger;
  /** The invocation's start; handlers use it instead of reading the clock again. */
  startedAt: Date;
}

/** The request was wrong: 400, never retried. `field` is the dotted path of the offending field. */
export class BadRequestError extends Error {
  readonly field: string | undefined;
  constructor(message: string, field?: string) {
    super(message);
    this.name = 'BadRequestError';
    this.field = field;
  }
}

/** Worth retrying as is (upstream overloaded, timed out, temporarily unavailable): 503. */
export class TransientError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TransientError';
  }
}

/** gRPC codes Firestore returns for conditions that clear up by themselves. */
const TRANSIENT_GRPC_CODES = new Set([4 /* DEADLINE_EXCEEDED */, 8 /* RESOURCE_EXHAUSTED */, 10 /* ABORTED */, 14 /* UNAVAILABLE */]);
const TRANSIENT_SOCKET_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'ECONNABORTED', 'EPIPE', 'EAI_AGAIN']);

/** True for errors a retry can fix: our TransientError, Firestore/gRPC and HTTP-client conditions. */
export function isTransient(err: unknown): boolean {
  if (err instanceof TransientError) return true;
  if (!err || typeof err !== 'object') return false;
  const e = err as { code?: unknown; response?: { status?: unknown }; isAxiosError?: boolean };
  if (typeof e.code === 'number' && TRANSIENT_GRPC_CODES.has(e.code)) return true;
  if (typeof e.code === 'string' && TRANSIENT_SOCKET_CODES.has(e.code)) return true;
  const status = e.response?.status;
  if (e.isAxiosError && typeof status === 'number') return status === 429 || status >= 500;
  return false;
}

/** Fields every step body carries. */
export const RunDateSchema = z.string().refine(isValidRunDate, 'expected a UTC calendar day YYYY-MM-DD');
export const RunIdSchema = z.string().min(1).max(128);

export interface StepDefinition<Shape extends z.ZodRawShape> {
  name: string;
  /** Step-specific body fields, validated alongside runDate/runId. */
  body?: Shape;
  /** false only for startRun, which creates the runId. */
  requiresRunId?: boolean;
}

type BaseBody = { runDate: string; runId?: string };
export type StepBody<Shape extends z.ZodRawShape> = BaseBody & z.infer<z.ZodObject<Shape>>;

export type StepHandler<Shape extends z.ZodRawShape> = (body: StepBody<Shape>, ctx: StepContext) => Promise<StepResult>;

export interface ErrorReply {
  httpStatus: 400 | 500 | 503;
  grpcStatus: 'INVALID_ARGUMENT' | 'INTERNAL' | 'UNAVAILABLE' | 'FAILED_PRECONDITION';
  message: string;
  field?: string;
}

/** How an error is answered (status, gRPC-style code, message); also used by non-step HTTP functions. */
export function classify(err: unknown): ErrorReply {
  const message = String(redact(err instanceof Error ? err.message : String(err)));
  if (err instanceof BadRequestError) return { httpStatus: 400, grpcStatus: 'INVALID_ARGUMENT', message, field: err.field };
  if (err instanceof ParamsValidationError) {
    // Parameters sent with the request are the caller's mistake; a bad stored document or env
    // variable is a configuration problem a retry cannot fix.
    const field = `params.${err.issues[0]?.path ?? ''}`;
    return err.sourceKind === 'request'
      ? { httpStatus: 400, grpcStatus: 'INVALID_ARGUMENT', message, field }
      : { httpStatus: 500, grpcStatus: 'FAILED_PRECONDITION', message, field };
  }
  if (isTransient(err)) return { httpStatus: 503, grpcStatus: 'UNAVAILABLE', message };
  return { httpStatus: 500, grpcStatus: 'INTERNAL', message };
}

export function zodToBadRequest(error: z.ZodError): BadRequestError {
  const first = error.issues[0];
  const path = first.code === 'unrecognized_keys' ? [...first.path, first.keys[0]] : first.path;
  const field = path.map(String).join('.') || '(body)';
  const details = error.issues.map((i) => `${i.path.map(String).join('.') || '(body)'}: ${i.message}`).join('; ');
  return new BadRequestError(`invalid request body: ${details}`, field);
}

function stepLogger(fields: LogFields): StepLogger {
  const at = (severity: Severity) => (message: string, extra?: LogFields) => log(severity, message, { ...fields, ...extra });
  return { debug: at('DEBUG'), info: at('INFO'), warn: at('WARNING'), error: at('ERROR') };
}

function executionIdOf(req: Request): string | undefined {
  const header = req.get?.('function-execution-id');
  return req.executionId ?? header ?? undefined;
}

/** Wraps a step handler into an HTTP function that honours the step contract. */
export function defineStep<Shape extends z.ZodRawShape = {}>(
  definition: StepDefinition<Shape>,
  handler: StepHandler<Shape>,
): HttpFunction {
  const requiresRunId = definition.requiresRunId ?? true;
  const bodySchema = z.object({
    runDate: RunDateSchema,
    runId: requiresRunId ? RunIdSchema : RunIdSchema.optional(),
    ...(definition.body ?? ({} as Shape)),
  });

  return async function stepFunction(req: Request, res: Response): Promise<void> {
    const startedAt = new Date();
    const base: LogFields = { step: definition.name, executionId: executionIdOf(req) };
    let fields: LogFields = base;
    try {
      if (req.method !== 'POST') {
        res.set('Allow', 'POST');
        res.status(405).json({ status: 'error', error: { code: 405, status: 'METHOD_NOT_ALLOWED', message: `${definition.name} accepts POST only` } });
        return;
      }
      const raw: unknown = req.body;
      if (raw === null || typeof raw !== 'object' || Array.isArray(raw) || Buffer.isBuffer(raw)) {
        throw new BadRequestError('request body must be a JSON object sent with Content-Type: application/json', '(body)');
      }
      // Name the run in logs even when validation fails, as far as the body allows.
      const hint = raw as { runDate?: unknown; runId?: unknown };
      fields = { ...base, runDate: typeof hint.runDate === 'string' ? hint.runDate : undefined, runId: typeof hint.runId === 'string' ? hint.runId : undefined };
      const parsed = bodySchema.safeParse(raw);
      if (!parsed.success) throw zodToBadRequest(parsed.error);
      const body = parsed.data as StepBody<Shape>;
      const ctx: StepContext = { step: definition.name, runDate: body.runDate, runId: body.runId, log: stepLogger(fields), startedAt };

      const result = await handler(body, ctx);
      const runId = (result.extra?.runId as string | undefined) ?? body.runId;
      fields = { ...fields, runId };
      const reply = {
        status: result.status,
        step: definition.name,
        runDate: body.runDate,
        ...(runId ? { runId } : {}),
        counts: result.counts ?? {},
        warnings: result.warnings ?? [],
        ...result.extra,
      };
      log(result.status === 'degraded' ? 'WARNING' : 'INFO', `${definition.name} ${result.status}`, {
        ...fields,
        status: result.status,
        httpStatus: 200,
        durationMs: Date.now() - startedAt.getTime(),
        counts: reply.counts,
        warnings: reply.warnings,
      });
      res.status(200).json(reply);
    } catch (err) {
      const reply = classify(err);
      log(reply.httpStatus === 500 ? 'ERROR' : 'WARNING', `${definition.name} failed: ${reply.message}`, {
        ...fields,
        status: 'error',
        httpStatus: reply.httpStatus,
        field: reply.field,
        durationMs: Date.now() - startedAt.getTime(),
        error: reply.httpStatus === 500 && err instanceof Error ? { name: err.name, message: reply.message, stack: err.stack } : undefined,
      });
      if (res.headersSent) return;
      res.status(reply.httpStatus).json({
        status: 'error',
        step: definition.name,
        error: { code: reply.httpStatus, status: reply.grpcStatus, message: reply.message, ...(reply.field ? { field: reply.field } : {}) },
      });
    }
  };
}
