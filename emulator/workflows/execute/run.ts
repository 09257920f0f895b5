/**
 * Runs a program to completion and produces its ExecutionRecord: binds the runtime argument, sets
 * up the built-in environment variables, the stdlib context and the runtime services, maps the
 * outcome to SUCCEEDED / FAILED / CANCELLED. Workflow errors never throw out of here.
 */
import crypto from 'node:crypto';
import path from 'node:path';
import type { WorkflowProgram } from '../ast';
import type { StdlibContext } from '../stdlib/registry';
import { WorkflowError, builtinError, type WfValue } from '../values';
import { fromJsonText, fromPlain, toJsonText } from '../convert';
import { LIMITS } from '../limits';
import type { ExecutionRecord, ExecutionError } from '../record';
import type { RuntimeServices } from '../runtime/services';
import { CallbackHub } from '../runtime/events';
import '../runtime/register';
import { CancelledError, Engine, errorOrigin } from './engine';
import { StepTracker, type ExecutionEvent } from './tracker';

export interface ExecuteOptions {
  /** Parsed JSON argument; null/undefined = no argument. */
  argument?: unknown;
  /** Exact JSON text of the argument (keeps 1 vs 1.0); takes precedence over `argument`. */
  argumentText?: string;
  /** User environment variables (`--set-env-vars`). */
  env?: Record<string, string>;
  project?: string;
  location?: string;
  workflowId?: string;
  executionId?: string;
  onEvent?(e: ExecutionEvent): void;
  sleep?(seconds: number): Promise<void>;
  localFunctionsSecret?: string;
  firestore?: unknown;
  signal?: AbortSignal;
  logSink?(line: string): void;
  /** Max step records kept in the record (default 10,000). */
  maxStepRecords?: number;
}

export const REVISION_ID = '000001-local';

function realSleep(signal?: AbortSignal): (s: number) => Promise<void> {
  return (seconds) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(new CancelledError());
      const t = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, Math.max(0, seconds * 1000));
      const onAbort = () => {
        clearTimeout(t);
        reject(new CancelledError());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
}

export function builtinEnv(o: { project: string; location: string; workflowId: string; executionId: string }): Record<string, string> {
  return {
    GOOGLE_CLOUD_PROJECT_ID: o.project,
    GOOGLE_CLOUD_PROJECT_NUMBER: '000000000000',
    GOOGLE_CLOUD_LOCATION: o.location,
    GOOGLE_CLOUD_WORKFLOW_ID: o.workflowId,
    GOOGLE_CLOUD_WORKFLOW_REVISION_ID: REVISION_ID,
    GOOGLE_CLOUD_WORKFLOW_EXECUTION_ID: o.executionId,
    GOOGLE_CLOUD_SERVICE_ACCOUNT_NAME: `workflows-local@${o.project}.iam.gserviceaccount.com`,
  };
}

export async function executeWorkflow(program: WorkflowProgram, opts: ExecuteOptions = {}): Promise<ExecutionRecord> {
  const project = opts.project ?? process.env.GOOGLE_CLOUD_PROJECT ?? process.env.GCLOUD_PROJECT ?? 'local-project';
  const location = opts.location ?? 'us-central1';
  const workflowId = opts.workflowId ?? path.basename(program.file).replace(/\.(workflows?\.)?(ya?ml|json)$/i, '').replace(/[^A-Za-z0-9_-]/g, '-');
  const executionId = opts.executionId ?? crypto.randomUUID();
  const env = { ...(opts.env ?? {}), ...builtinEnv({ project, location, workflowId, executionId }) };
  const secret = opts.localFunctionsSecret ?? process.env.LOCAL_FUNCTIONS_SECRET;
  const sleep = opts.sleep ?? realSleep(opts.signal);
  const callbacks = new CallbackHub(opts.signal);
  const services: RuntimeServices = {
    sleep,
    log: opts.logSink ?? ((line) => process.stderr.write(`${line}\n`)),
    localFunctionsSecret: secret,
    firestore: opts.firestore,
    projectId: project,
    location,
    workflowId,
    executionId,
    signal: opts.signal,
    callbacks,
  };
  const stdlib: StdlibContext = {
    env: (name) => (Object.prototype.hasOwnProperty.call(env, name) ? env[name] : undefined),
    now: () => Date.now() / 1000,
    runtime: services,
  };
  const tracker = new StepTracker(opts.onEvent, opts.maxStepRecords);
  const engine = new Engine(program, { stdlib, tracker, sleep, signal: opts.signal });

  const started = new Date();
  const record: ExecutionRecord = {
    name: `projects/${project}/locations/${location}/workflows/${workflowId}/executions/${executionId}`,
    executionId,
    workflowId,
    state: 'ACTIVE',
    argument: 'null',
    startTime: started.toISOString(),
    workflowRevisionId: REVISION_ID,
    stepsExecuted: 0,
    steps: tracker.records,
    droppedStepRecords: 0,
    sourceFile: program.file,
  };
  try {
    let argument: WfValue | undefined;
    if (opts.argumentText !== undefined) {
      const text = opts.argumentText.trim();
      argument = text === '' ? undefined : fromJsonText(text);
    } else if (opts.argument !== undefined) argument = fromPlain(opts.argument, { integralNumbersAsInts: true });
    if (argument === null) argument = undefined;
    if (argument !== undefined) {
      record.argument = toJsonText(argument);
      if (Buffer.byteLength(record.argument) > LIMITS.maxArgumentBytes)
        throw builtinError('ResourceLimitError', `argument is larger than the ${LIMITS.maxArgumentBytes} bytes allowed`);
    }
    const result = await engine.runMain(argument);
    record.result = toJsonText(result);
    record.state = 'SUCCEEDED';
  } catch (err) {
    if (err instanceof CancelledError) {
      record.state = 'CANCELLED';
    } else {
      record.state = 'FAILED';
      record.error = describeError(err, program.file);
      const origin = errorOrigin(err);
      if (origin) record.failingStep = { workflow: origin.workflow, step: origin.step, file: origin.pos.file, line: origin.pos.line, column: origin.pos.column };
    }
  } finally {
    callbacks.close();
  }
  const ended = new Date();
  record.endTime = ended.toISOString();
  record.duration = `${((ended.getTime() - started.getTime()) / 1000).toFixed(3)}s`;
  record.stepsExecuted = engine.stepsExecuted;
  record.droppedStepRecords = tracker.droppedRecords;
  return record;
}

function describeError(err: unknown, file: string): ExecutionError {
  let payload: string;
  if (err instanceof WorkflowError) {
    try {
      payload = toJsonText(err.value);
    } catch {
      payload = JSON.stringify(err.message);
    }
  } else payload = toJsonText(builtinError('SystemError', err instanceof Error ? err.message : String(err)).value);
  const origin = errorOrigin(err);
  const elements = origin
    ? [
        { step: origin.step, routine: origin.workflow, position: { line: origin.pos.line, column: origin.pos.column } },
        ...[...origin.callers].reverse().map((c) => ({ step: c.step, routine: c.workflow, position: { line: c.pos.line, column: c.pos.column } })),
      ]
    : [];
  const where = origin ? ` in step "${origin.step}" (routine "${origin.workflow}") at ${file}:${origin.pos.line}:${origin.pos.column}` : '';
  const message = err instanceof Error ? err.message : String(err);
  return { payload, context: `RuntimeError${where}: ${message}`, stackTrace: { elements } };
}
