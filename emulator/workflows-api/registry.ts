/**
 * The executions behind the local Executions API: each CreateExecution loads
 * `<workflowsDir>/<workflow>.yaml` afresh (like a redeploy, edits apply to the next execution) and
 * runs it through the local interpreter in the background; Get reads the live state; Cancel aborts
 * through the execution's AbortSignal; List pages through one workflow's executions, newest first.
 * Kept in memory: the history of this process, like the service's retention of finished executions.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { status } from '@grpc/grpc-js';
import { executeWorkflow, loadWorkflowFile, LIMITS, WorkflowValidationError, type ExecutionEvent, type ExecutionRecord, type ExecutionState } from '../workflows';
import { ApiError, invalidArgument, notFound } from './errors';
import { executionName, parseExecutionName, parseWorkflowName, workflowName, type ExecutionRef, type WorkflowRef } from './names';

/** Where the workflow's calls go: resolved per execution, since the stack may still be starting. */
export interface ExecutionRuntime {
  /** User environment variables of the workflow (`--set-env-vars`), e.g. FUNCTIONS_BASE_URL. */
  env: Record<string, string>;
  /** Signs the OIDC stand-in tokens the local functions host checks. */
  localFunctionsSecret?: string;
}

export interface RegistryOptions {
  /** Directory holding `<workflowId>.yaml` (or .yml/.json). */
  workflowsDir: string;
  /** Undefined while the rest of the stack is not ready (CreateExecution then answers UNAVAILABLE). */
  runtime: () => ExecutionRuntime | undefined;
  /** Called with every finished record (e.g. to save it like local-workflow does). Errors are reported, not thrown. */
  onFinished?: (record: ExecutionRecord) => Promise<void> | void;
  /** `sys.log` lines and internal problems. */
  log?: (line: string) => void;
}

export interface StepPointer {
  routine: string;
  step: string;
}

/** One execution as the API sees it: live while ACTIVE, the interpreter's record afterwards. */
export interface ExecutionEntry {
  ref: ExecutionRef;
  name: string;
  seq: number;
  startTime: string;
  /** The argument text as the caller sent it ("" when none). */
  argument: string;
  labels: Record<string, string>;
  state: ExecutionState;
  record?: ExecutionRecord;
  /** Innermost running step per parallel branch, or the last step started once finished. */
  currentSteps(): StepPointer[];
}

interface InternalEntry extends ExecutionEntry {
  controller: AbortController;
  done: Promise<ExecutionRecord>;
}

export interface ListPage {
  executions: ExecutionEntry[];
  nextPageToken: string;
}

const WORKFLOW_EXTENSIONS = ['.yaml', '.yml', '.json'];
/** A cancelled execution normally stops at once; this only bounds a stuck one. */
const CANCEL_WAIT_MS = 10_000;

/** Tracks running steps from the interpreter's events (a stack per parallel branch). */
function stepTracker(): { onEvent(e: ExecutionEvent): void; current(): StepPointer[] } {
  const stacks = new Map<string, StepPointer[]>();
  let last: StepPointer | undefined;
  return {
    onEvent(e) {
      const key = e.branch ?? '';
      const stack = stacks.get(key) ?? [];
      if (e.type === 'step-started') {
        last = { routine: e.workflow, step: e.step };
        stack.push(last);
        stacks.set(key, stack);
      } else if (e.type === 'step-finished' || e.type === 'step-failed') {
        const i = stack.map((s) => `${s.routine}/${s.step}`).lastIndexOf(`${e.workflow}/${e.step}`);
        if (i >= 0) stack.splice(i, 1);
        if (!stack.length) stacks.delete(key);
      }
    },
    current() {
      const running = [...stacks.values()].map((s) => s[s.length - 1]);
      return running.length ? running : last ? [last] : [];
    },
  };
}

function encodeToken(seq: number): string {
  return Buffer.from(`seq:${seq}`).toString('base64url');
}

function decodeToken(token: string): number {
  const m = /^seq:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  if (!m) throw invalidArgument(`invalid page_token ${JSON.stringify(token)}`);
  return Number(m[1]);
}

export class ExecutionRegistry {
  private readonly entries = new Map<string, InternalEntry>();
  private seq = 0;

  constructor(private readonly options: RegistryOptions) {}

  private workflowFile(ref: WorkflowRef): string {
    for (const ext of WORKFLOW_EXTENSIONS) {
      const file = path.join(this.options.workflowsDir, `${ref.workflow}${ext}`);
      if (fs.existsSync(file)) return file;
    }
    throw notFound(`Resource '${workflowName(ref)}' was not found (no ${ref.workflow}.yaml in ${this.options.workflowsDir})`);
  }

  async create(parent: string, argument: string, labels: Record<string, string> = {}): Promise<ExecutionEntry> {
    const ref = parseWorkflowName(parent);
    if (!ref) throw invalidArgument(`parent must be projects/PROJECT/locations/LOCATION/workflows/WORKFLOW, got ${JSON.stringify(parent)}`);
    if (argument) {
      if (Buffer.byteLength(argument) > LIMITS.maxArgumentBytes) throw invalidArgument(`argument is larger than the ${LIMITS.maxArgumentBytes} bytes allowed`);
      try {
        JSON.parse(argument);
      } catch (e) {
        throw invalidArgument(`argument is not valid JSON: ${(e as Error).message}`);
      }
    }
    const runtime = this.options.runtime();
    if (!runtime) throw new ApiError(status.UNAVAILABLE, 'the local stack is still starting; retry in a moment');
    const file = this.workflowFile(ref);
    let program;
    try {
      program = await loadWorkflowFile(file);
    } catch (e) {
      if (e instanceof WorkflowValidationError) throw new ApiError(status.FAILED_PRECONDITION, `workflow ${ref.workflow} is invalid:\n${e.message}`);
      throw e;
    }

    const execRef: ExecutionRef = { ...ref, executionId: crypto.randomUUID() };
    const controller = new AbortController();
    const steps = stepTracker();
    const entry: InternalEntry = {
      ref: execRef,
      name: executionName(execRef),
      seq: ++this.seq,
      startTime: new Date().toISOString(),
      argument,
      labels,
      state: 'ACTIVE',
      currentSteps: steps.current,
      controller,
      done: Promise.resolve(undefined as unknown as ExecutionRecord),
    };
    const log = this.options.log ?? (() => undefined);
    entry.done = executeWorkflow(program, {
      argumentText: argument || undefined,
      env: runtime.env,
      project: ref.project,
      location: ref.location,
      workflowId: ref.workflow,
      executionId: execRef.executionId,
      localFunctionsSecret: runtime.localFunctionsSecret,
      onEvent: steps.onEvent,
      signal: controller.signal,
      logSink: (line) => log(`${execRef.executionId} sys.log: ${line}`),
    }).then(async (record) => {
      record.startTime = entry.startTime;
      entry.record = record;
      entry.state = record.state;
      try {
        await this.options.onFinished?.(record);
      } catch (e) {
        log(`${execRef.executionId}: could not save the record: ${(e as Error).message}`);
      }
      return record;
    }, (e: unknown) => {
      // executeWorkflow reports workflow errors in the record; this is an interpreter bug.
      const ended = new Date();
      const record: ExecutionRecord = {
        name: entry.name, executionId: execRef.executionId, workflowId: ref.workflow, state: 'FAILED', argument: argument || 'null',
        error: { payload: JSON.stringify({ message: String((e as Error)?.message ?? e), tags: ['SystemError'] }), context: 'local Executions API: the interpreter failed', stackTrace: { elements: [] } },
        startTime: entry.startTime, endTime: ended.toISOString(), duration: `${((ended.getTime() - Date.parse(entry.startTime)) / 1000).toFixed(3)}s`,
        workflowRevisionId: '', stepsExecuted: 0, steps: [], droppedStepRecords: 0, sourceFile: file,
      };
      entry.record = record;
      entry.state = 'FAILED';
      log(`${execRef.executionId}: interpreter error: ${(e as Error)?.message ?? String(e)}`);
      return record;
    });
    this.entries.set(entry.name, entry);
    return entry;
  }

  private find(name: string): InternalEntry {
    if (!parseExecutionName(name)) throw invalidArgument(`name must be projects/P/locations/L/workflows/W/executions/E, got ${JSON.stringify(name)}`);
    const entry = this.entries.get(name);
    if (!entry) throw notFound(`Resource '${name}' was not found`);
    return entry;
  }

  get(name: string): ExecutionEntry {
    return this.find(name);
  }

  /** Newest first; the token names the last execution returned, so new executions do not shift pages. */
  list(parent: string, pageSize: number, pageToken: string): ListPage {
    const ref = parseWorkflowName(parent);
    if (!ref) throw invalidArgument(`parent must be projects/PROJECT/locations/LOCATION/workflows/WORKFLOW, got ${JSON.stringify(parent)}`);
    const prefix = `${workflowName(ref)}/executions/`;
    const after = pageToken ? decodeToken(pageToken) : Infinity;
    const matching = [...this.entries.values()].filter((e) => e.name.startsWith(prefix) && e.seq < after).sort((a, b) => b.seq - a.seq);
    const page = matching.slice(0, pageSize);
    return { executions: page, nextPageToken: matching.length > pageSize ? encodeToken(page[page.length - 1].seq) : '' };
  }

  async cancel(name: string): Promise<ExecutionEntry> {
    const entry = this.find(name);
    if (entry.state !== 'ACTIVE') throw new ApiError(status.FAILED_PRECONDITION, `execution ${entry.ref.executionId} is not active (state ${entry.state})`);
    entry.controller.abort();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([entry.done, new Promise((resolve) => (timer = setTimeout(resolve, CANCEL_WAIT_MS)))]);
    clearTimeout(timer);
    return entry;
  }

  /** Cancels whatever still runs and waits for it (bounded), for a clean shutdown. */
  async close(): Promise<void> {
    const running = [...this.entries.values()].filter((e) => e.state === 'ACTIVE');
    for (const e of running) e.controller.abort();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled(running.map((e) => e.done)), new Promise((resolve) => (timer = setTimeout(resolve, CANCEL_WAIT_MS)))]);
    clearTimeout(timer);
  }
}
