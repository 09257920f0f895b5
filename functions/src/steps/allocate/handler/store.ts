/**
 * Writes `allocations/{runId}` and its pointer `runs/{runDate}.allocation` in one transaction that
 * re-checks the run is still current: startRun replaces the run and deletes the superseded run's
 * allocation in a transaction too, so a slow optimizer finishing after a rerun began can never
 * resurrect the old run's decision. A rerun with the same runId replaces the document (idempotent).
 */
import { FieldPath, type Firestore } from '@google-cloud/firestore';
import { COLLECTIONS } from '../../../lib/collections';
import type { AllocationRecord } from '../types';
import { assertCurrentRun } from './load';

/** What runs/{runDate}.allocation says about the run's decision (the report reads the rest). */
export interface AllocationPointer {
  runId: string;
  path: string;
  status: AllocationRecord['status'];
  objective: AllocationRecord['objective'];
  transactions: number;
  pools: number;
  at: Date;
}

export function pointerOf(record: AllocationRecord, at: Date): AllocationPointer {
  const r = record.result;
  return {
    runId: record.runId,
    path: `${COLLECTIONS.allocations}/${record.runId}`,
    status: record.status,
    objective: record.objective,
    transactions: 'transactions' in r ? r.transactions.length : 0,
    pools: 'finalAllocation' in r ? r.finalAllocation.pools.length : 0,
    at,
  };
}

export async function storeAllocation(db: Firestore, record: AllocationRecord, meta: Record<string, unknown>, at: Date): Promise<void> {
  const runRef = db.collection(COLLECTIONS.runs).doc(record.runDate);
  const ref = db.collection(COLLECTIONS.allocations).doc(record.runId);
  await db.runTransaction(async (tx) => {
    const run = await tx.get(runRef);
    assertCurrentRun(record.runDate, record.runId, run.get('runId'));
    // JSON round trip: the result is plain data; this drops undefined fields Firestore would refuse.
    tx.set(ref, { ...(JSON.parse(JSON.stringify(record)) as AllocationRecord), ...meta, updatedAt: at });
    tx.update(runRef, new FieldPath('allocation'), pointerOf(record, at));
  });
}
