/**
 * Read-only data access for the run-history console: execution records (workflowExecutions/{id},
 * as saved by emulator/workflows/record.ts), allocations/{runId} and runs/{runDate} from the
 * Firestore emulator — or, when Firestore has no executions (or is unreachable), the JSON copies
 * the same save wrote under `.runs/` so a history survives an emulator restart without --import.
 *
 * Everything returned is plain JSON (Firestore Timestamps become ISO strings); documents are
 * treated as untrusted shapes and validated only as far as the views need.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Firestore } from '@google-cloud/firestore';
import type { ExecutionRecord } from '../workflows/record';
import { pipelineSummaryOf } from './pipeline-summary';

export const COLLECTION_EXECUTIONS = 'workflowExecutions';
export const COLLECTION_ALLOCATIONS = 'allocations';
export const COLLECTION_RUNS = 'runs';

/** Fields of an execution shown in the list (the step history stays out of the list query). */
export const SUMMARY_FIELDS = ['executionId', 'workflowId', 'state', 'startTime', 'endTime', 'duration', 'stepsExecuted', 'failingStep'] as const;
/** Also read for the list: where a pipeline run's summary lives (pipeline-summary.ts). */
const LIST_QUERY_FIELDS = [...SUMMARY_FIELDS, 'result', 'error.payload'];
export type ExecutionSummary = Pick<ExecutionRecord, (typeof SUMMARY_FIELDS)[number]> & {
  /** The pipeline summary's status and failed steps, when the record holds a summary. */
  pipeline?: { status: string | undefined; failedSteps: string[] };
};

/** Where a page's data came from, shown in its footer. */
export interface Source {
  kind: 'firestore' | 'files' | 'none';
  detail: string;
  /** Why the preferred source was not used (e.g. Firestore unreachable). */
  note?: string;
}

export interface Found<T> {
  value: T;
  source: Source;
}

/** An allocations/{runId} document plus its run's document, as plain JSON. */
export interface AllocationView {
  allocation: Record<string, unknown>;
  run?: Record<string, unknown>;
}

export type FirestoreProvider = Firestore | (() => Firestore | undefined) | undefined;

export interface ConsoleStoreOptions {
  firestore?: FirestoreProvider;
  /** Directory holding `executions/*.json` (and older `*.json` records); default: none. */
  runsDir?: string;
  /** Per-query limit before falling back to files (a stopped emulator makes gRPC retry for long). */
  firestoreTimeoutMs?: number;
  /** How the Firestore source is named in page footers, e.g. "Firestore emulator 127.0.0.1:8080 (demo-yieldopt)". */
  firestoreLabel?: string | (() => string | undefined);
}

/** Execution ids are UUIDs locally and [a-z0-9-] in GCP; anything else is not looked up. */
export function isPlausibleId(id: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/.test(id);
}

/** Firestore values → JSON: Timestamps to ISO strings, recursively. */
export function toPlain(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  const maybeTs = value as { toDate?: unknown };
  if (typeof maybeTs.toDate === 'function') return (maybeTs.toDate as () => Date).call(value).toISOString();
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(toPlain);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = toPlain(v);
  return out;
}

function isExecutionRecord(v: unknown): v is ExecutionRecord {
  const r = v as Partial<ExecutionRecord> | null;
  return !!r && typeof r === 'object' && typeof r.executionId === 'string' && typeof r.state === 'string' && typeof r.startTime === 'string';
}

function byStartDesc(a: { startTime: string }, b: { startTime: string }): number {
  return a.startTime < b.startTime ? 1 : a.startTime > b.startTime ? -1 : 0;
}

function summaryOf(r: ExecutionRecord): ExecutionSummary {
  const { executionId, workflowId, state, startTime, endTime, duration, stepsExecuted, failingStep } = r;
  const p = pipelineSummaryOf(r);
  return { executionId, workflowId, state, startTime, endTime, duration, stepsExecuted, failingStep, ...(p ? { pipeline: { status: p.status, failedSteps: p.failedSteps } } : {}) };
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  // The abandoned call may still fail later (e.g. once the client is terminated): not an error then.
  promise.catch(() => undefined);
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export class ConsoleStore {
  private readonly timeoutMs: number;

  constructor(private readonly options: ConsoleStoreOptions) {
    this.timeoutMs = options.firestoreTimeoutMs ?? 4000;
  }

  private db(): Firestore | undefined {
    const f = this.options.firestore;
    return typeof f === 'function' ? f() : f;
  }

  private firestoreSource(): Source {
    const label = this.options.firestoreLabel;
    return { kind: 'firestore', detail: (typeof label === 'function' ? label() : label) ?? 'Firestore' };
  }

  private filesSource(note?: string): Source {
    return { kind: 'files', detail: `JSON files in ${this.options.runsDir}`, ...(note ? { note } : {}) };
  }

  /** The execution record files, newest first by modification time (executions/ then the dir itself). */
  private recordFiles(): string[] {
    const dir = this.options.runsDir;
    if (!dir) return [];
    const files: Array<{ file: string; mtime: number }> = [];
    for (const d of [path.join(dir, 'executions'), dir]) {
      let names: string[];
      try {
        names = fs.readdirSync(d);
      } catch {
        continue;
      }
      for (const name of names) {
        if (!name.endsWith('.json')) continue;
        const file = path.join(d, name);
        try {
          const st = fs.statSync(file);
          if (st.isFile()) files.push({ file, mtime: st.mtimeMs });
        } catch {
          /* vanished between readdir and stat */
        }
      }
    }
    return files.sort((a, b) => b.mtime - a.mtime).map((f) => f.file);
  }

  private readRecordFile(file: string): ExecutionRecord | undefined {
    try {
      const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
      return isExecutionRecord(parsed) ? parsed : undefined;
    } catch {
      return undefined; // emulate.json, a half-written file, …: not an execution record
    }
  }

  async listExecutions(limit: number): Promise<{ items: ExecutionSummary[]; source: Source }> {
    const db = this.db();
    let note: string | undefined;
    if (db) {
      try {
        const snap = await withTimeout(
          db.collection(COLLECTION_EXECUTIONS).orderBy('startTime', 'desc').select(...LIST_QUERY_FIELDS).limit(limit).get(),
          this.timeoutMs,
          'Firestore',
        );
        const items = snap.docs.map((d) => toPlain(d.data())).filter(isExecutionRecord).map(summaryOf);
        if (items.length > 0) return { items, source: this.firestoreSource() };
        note = 'no executions in Firestore';
      } catch (e) {
        note = `Firestore unavailable (${(e as Error).message})`;
      }
    }
    if (!this.options.runsDir) return { items: [], source: { kind: 'none', detail: 'no data source', ...(note ? { note } : {}) } };
    const items: ExecutionSummary[] = [];
    for (const file of this.recordFiles()) {
      const r = this.readRecordFile(file);
      if (r) items.push(summaryOf(r));
      if (items.length >= limit) break;
    }
    return { items: items.sort(byStartDesc), source: this.filesSource(note) };
  }

  async getExecution(id: string): Promise<Found<ExecutionRecord> | undefined> {
    if (!isPlausibleId(id)) return undefined;
    const db = this.db();
    let note: string | undefined;
    if (db) {
      try {
        const snap = await withTimeout(db.collection(COLLECTION_EXECUTIONS).doc(id).get(), this.timeoutMs, 'Firestore');
        const value = snap.exists ? toPlain(snap.data()) : undefined;
        if (isExecutionRecord(value)) return { value, source: this.firestoreSource() };
      } catch (e) {
        note = `Firestore unavailable (${(e as Error).message})`;
      }
    }
    const dir = this.options.runsDir;
    if (!dir) return undefined;
    for (const file of [path.join(dir, 'executions', `${id}.json`), path.join(dir, `${id}.json`)]) {
      const value = fs.existsSync(file) ? this.readRecordFile(file) : undefined;
      if (value && value.executionId === id) return { value, source: this.filesSource(note) };
    }
    return undefined;
  }

  /**
   * allocations/{runId}, or with no runId the latest one (greatest runDate; a rerun of a date
   * deletes the superseded run's allocation, ties are broken by updatedAt), with runs/{runDate}.
   * Allocations live only in Firestore: without it there is none to show.
   */
  async getAllocation(runId?: string): Promise<Found<AllocationView> | undefined> {
    const db = this.db();
    if (!db) return undefined;
    if (runId !== undefined && !isPlausibleId(runId)) return undefined;
    const work = async (): Promise<AllocationView | undefined> => {
      let allocation: Record<string, unknown> | undefined;
      if (runId !== undefined) {
        const snap = await db.collection(COLLECTION_ALLOCATIONS).doc(runId).get();
        if (snap.exists) allocation = toPlain(snap.data()) as Record<string, unknown>;
      } else {
        const snap = await db.collection(COLLECTION_ALLOCATIONS).orderBy('runDate', 'desc').limit(5).get();
        const docs = snap.docs.map((d) => toPlain(d.data()) as Record<string, unknown>);
        const top = docs.filter((d) => d.runDate === docs[0]?.runDate);
        allocation = top.sort((a, b) => String(b.updatedAt ?? '').localeCompare(String(a.updatedAt ?? '')))[0];
      }
      if (!allocation) return undefined;
      const runDate = typeof allocation.runDate === 'string' ? allocation.runDate : undefined;
      let run: Record<string, unknown> | undefined;
      if (runDate && /^\d{4}-\d{2}-\d{2}$/.test(runDate)) {
        const snap = await db.collection(COLLECTION_RUNS).doc(runDate).get();
        if (snap.exists) run = toPlain(snap.data()) as Record<string, unknown>;
      }
      return { allocation, ...(run ? { run } : {}) };
    };
    const value = await withTimeout(work(), this.timeoutMs, 'Firestore');
    return value ? { value, source: this.firestoreSource() } : undefined;
  }
}
