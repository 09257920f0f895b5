/**
 * The execution record: GCP's Execution resource shape (name, state, argument/result as JSON
 * strings, error {payload, context, stackTrace}, startTime, endTime, workflowRevisionId) plus the
 * local per-step history, saved as JSON under `.runs/` and, when a Firestore emulator or client is
 * available, as `workflowExecutions/{id}` so a failed run can be inspected afterwards.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { StepRecord } from './execute/tracker';

export type ExecutionState = 'ACTIVE' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

export interface StackElement {
  step: string;
  routine: string;
  position: { line: number; column: number; length?: number };
}

export interface ExecutionError {
  /** JSON text of the error value (map or raised value), as GCP's `error.payload`. */
  payload: string;
  /** Human-readable context: the failing step and where it is. */
  context: string;
  stackTrace: { elements: StackElement[] };
}

export interface ExecutionRecord {
  name: string;
  executionId: string;
  workflowId: string;
  state: ExecutionState;
  /** JSON text of the runtime argument ("null" when none). */
  argument: string;
  /** JSON text of the result (only when SUCCEEDED). */
  result?: string;
  error?: ExecutionError;
  startTime: string;
  endTime?: string;
  duration?: string;
  workflowRevisionId: string;
  /** Local extras (not in GCP's resource): step history and counters. */
  failingStep?: { workflow: string; step: string; file: string; line: number; column: number };
  stepsExecuted: number;
  steps: StepRecord[];
  droppedStepRecords: number;
  sourceFile: string;
}

export interface SaveOptions {
  /** Directory for the JSON copy; default `<cwd>/.runs`. `false` skips the file. */
  dir?: string | false;
  /** A @google-cloud/firestore Firestore instance; default: one for FIRESTORE_EMULATOR_HOST if set. */
  firestore?: unknown;
  /** Project id for the default Firestore client. */
  projectId?: string;
}

export interface SavedLocations {
  file?: string;
  firestorePath?: string;
}

interface FirestoreLike {
  collection(name: string): { doc(id: string): { set(data: unknown): Promise<unknown> } };
}

/** Firestore rejects `undefined` fields; JSON round-trip drops them. */
function firestoreSafe(record: ExecutionRecord): unknown {
  return JSON.parse(JSON.stringify(record));
}

export async function saveExecutionRecord(record: ExecutionRecord, opts: SaveOptions = {}): Promise<SavedLocations> {
  const out: SavedLocations = {};
  if (opts.dir !== false) {
    const dir = opts.dir ?? path.join(process.cwd(), '.runs');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${record.executionId}.json`);
    fs.writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
    out.file = file;
  }
  let db = opts.firestore as FirestoreLike | undefined;
  let owned: { terminate(): Promise<void> } | undefined;
  if (!db && process.env.FIRESTORE_EMULATOR_HOST) {
    // Loaded lazily: the Firestore client is heavy and only needed with an emulator running.
    const { Firestore } = await import('@google-cloud/firestore');
    const client = new Firestore({ projectId: opts.projectId ?? process.env.GCLOUD_PROJECT ?? 'demo-local' });
    db = client as unknown as FirestoreLike;
    owned = client;
  }
  if (db) {
    try {
      await db.collection('workflowExecutions').doc(record.executionId).set(firestoreSafe(record));
      out.firestorePath = `workflowExecutions/${record.executionId}`;
    } finally {
      if (owned) await owned.terminate();
    }
  }
  return out;
}
