/**
 * The run's final outcome on `runs/{runDate}` (startRun leaves it "running"; the report, called at
 * the end of every run, closes it). Pure core (`buildRunOutcome`, `decideOutcomeWrite`) plus the
 * transaction that applies it.
 *
 *   runs/{runDate}.status       succeeded | degraded | failed
 *   runs/{runDate}.finishedAt   when the outcome was first recorded as it stands
 *   runs/{runDate}.failedSteps  step names, in the order the workflow listed them
 *   runs/{runDate}.stepStatuses {<step>: status} — compact; `steps` stays the per-step detail
 *                               noteStepInRun maintains
 *
 * Written only while the document still belongs to this runId: a rerun of the date (startRun)
 * replaces the runId, and the superseded run finishing late must not overwrite the newer run.
 */
import type { Firestore } from '@google-cloud/firestore';
import { COLLECTIONS } from '../../lib/collections';
import type { RunStatus, RunSummary } from './run-summary';

export interface RunOutcome {
  status: RunStatus;
  failedSteps: string[];
  stepStatuses: Record<string, string>;
}

/** The summary's placeholder when the workflow declared a failure without naming a step. */
const UNNAMED_FAILURE = 'unknown step';

/**
 * The outcome as the workflow's summary will state it. `report` is the report step's own result
 * when it is part of the run (absent when the report phase was not selected): its failure fails
 * the run and its "degraded" degrades a succeeded one — the workflow's reportOutcome rule.
 */
export function buildRunOutcome(run: RunSummary, report?: { step: string; status: string }): RunOutcome {
  const stepStatuses: Record<string, string> = {};
  for (const s of run.steps) stepStatuses[s.step] = s.status;
  const failedSteps = run.failures.map((f) => f.step).filter((s) => s !== UNNAMED_FAILURE);
  let status = run.status;
  if (report) {
    stepStatuses[report.step] = report.status;
    if (report.status === 'failed') {
      if (!failedSteps.includes(report.step)) failedSteps.push(report.step);
      status = 'failed';
    } else if (report.status === 'degraded' && status === 'succeeded') status = 'degraded';
  }
  return { status, failedSteps, stepStatuses };
}

export type OutcomeWrite = 'recorded' | 'unchanged' | 'superseded' | 'missing';

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** What to do with the stored run document (its data, or undefined when absent). */
export function decideOutcomeWrite(doc: Record<string, unknown> | undefined, runId: string, outcome: RunOutcome): OutcomeWrite {
  if (!doc) return 'missing';
  if (doc.runId !== runId) return 'superseded';
  // A retried call with the same outcome writes nothing: finishedAt keeps the first finish.
  const same = doc.status === outcome.status && sameJson(doc.failedSteps, outcome.failedSteps) && sameJson(doc.stepStatuses, outcome.stepStatuses) && doc.finishedAt != null;
  return same ? 'unchanged' : 'recorded';
}

/** Applies the outcome in a transaction (read runId, then write) so a concurrent startRun wins. */
export async function recordRunOutcome(db: Firestore, runDate: string, runId: string, outcome: RunOutcome, now: Date): Promise<OutcomeWrite> {
  const ref = db.collection(COLLECTIONS.runs).doc(runDate);
  return db.runTransaction(async (tx) => {
    const snap = await tx.get(ref);
    const decision = decideOutcomeWrite(snap.exists ? snap.data() : undefined, runId, outcome);
    if (decision === 'recorded') {
      tx.update(ref, { status: outcome.status, failedSteps: outcome.failedSteps, stepStatuses: outcome.stepStatuses, finishedAt: now, updatedAt: now });
    }
    return decision;
  });
}
