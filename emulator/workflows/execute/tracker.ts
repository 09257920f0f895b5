/**
 * Per-step bookkeeping for the execution record and live progress: start/finish/failure/retry of
 * each named step, with timing. Keeps at most `maxRecords` step records (a 100,000-step loop would
 * otherwise bloat the record) and counts the rest.
 */
import type { Step } from '../ast';
import type { Frame } from './engine';
import { WorkflowError, type WfValue } from '../values';
import { toPlain } from '../convert';

export type StepStatus = 'ACTIVE' | 'SUCCEEDED' | 'FAILED';

export interface StepRecord {
  name: string;
  workflow: string;
  branch?: string;
  line: number;
  column: number;
  status: StepStatus;
  startTime: string;
  endTime?: string;
  durationMs?: number;
  retries: number;
  error?: unknown;
}

export type ExecutionEvent =
  | { type: 'step-started'; step: string; workflow: string; branch?: string; time: string }
  | { type: 'step-finished'; step: string; workflow: string; branch?: string; time: string; durationMs: number; retries: number }
  | { type: 'step-retrying'; step: string; workflow: string; branch?: string; time: string; attempt: number; delaySeconds: number; error: unknown }
  | { type: 'step-failed'; step: string; workflow: string; branch?: string; time: string; durationMs: number; retries: number; error: unknown };

interface LiveRecord {
  step: Step;
  frame: Frame;
  startMs: number;
  record: StepRecord | null;
  retries: number;
}

export function errorPayloadPlain(err: unknown): unknown {
  if (err instanceof WorkflowError) {
    try {
      return toPlain(err.value as WfValue);
    } catch {
      return String(err.message);
    }
  }
  return err instanceof Error ? err.message : String(err);
}

export class StepTracker {
  readonly records: StepRecord[] = [];
  droppedRecords = 0;

  constructor(
    private readonly onEvent?: (e: ExecutionEvent) => void,
    private readonly maxRecords = 10_000,
  ) {}

  start(step: Step, frame: Frame): LiveRecord {
    const startMs = Date.now();
    let record: StepRecord | null = null;
    if (this.records.length < this.maxRecords) {
      record = {
        name: step.name,
        workflow: frame.wf.name,
        ...(frame.branch !== undefined ? { branch: frame.branch } : {}),
        line: step.pos.line,
        column: step.pos.column,
        status: 'ACTIVE',
        startTime: new Date(startMs).toISOString(),
        retries: 0,
      };
      this.records.push(record);
    } else this.droppedRecords++;
    if (this.onEvent)
      this.onEvent({ type: 'step-started', step: step.name, workflow: frame.wf.name, branch: frame.branch, time: new Date(startMs).toISOString() });
    return { step, frame, startMs, record, retries: 0 };
  }

  finish(live: unknown): void {
    const l = live as LiveRecord;
    const end = Date.now();
    if (l.record) {
      l.record.status = 'SUCCEEDED';
      l.record.endTime = new Date(end).toISOString();
      l.record.durationMs = end - l.startMs;
    }
    if (this.onEvent)
      this.onEvent({
        type: 'step-finished', step: l.step.name, workflow: l.frame.wf.name, branch: l.frame.branch,
        time: new Date(end).toISOString(), durationMs: end - l.startMs, retries: l.retries,
      });
  }

  fail(live: unknown, err: unknown): void {
    const l = live as LiveRecord;
    const end = Date.now();
    const error = errorPayloadPlain(err);
    if (l.record) {
      l.record.status = 'FAILED';
      l.record.endTime = new Date(end).toISOString();
      l.record.durationMs = end - l.startMs;
      l.record.error = error;
    }
    if (this.onEvent)
      this.onEvent({
        type: 'step-failed', step: l.step.name, workflow: l.frame.wf.name, branch: l.frame.branch,
        time: new Date(end).toISOString(), durationMs: end - l.startMs, retries: l.retries, error,
      });
  }

  retrying(live: unknown, attempt: number, delaySeconds: number, err: unknown): void {
    const l = live as LiveRecord | undefined;
    if (!l) return;
    l.retries = attempt;
    if (l.record) l.record.retries = attempt;
    if (this.onEvent)
      this.onEvent({
        type: 'step-retrying', step: l.step.name, workflow: l.frame.wf.name, branch: l.frame.branch,
        time: new Date().toISOString(), attempt, delaySeconds, error: errorPayloadPlain(err),
      });
  }
}
