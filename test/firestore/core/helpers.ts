/** Starts an emulator on a free port and a client pointed at it (through FIRESTORE_EMULATOR_HOST). */
import { Firestore } from '@google-cloud/firestore';
import { startFirestoreEmulator, type RunningFirestoreEmulator } from '../../../emulator/firestore/server';

export interface Harness {
  emulator: RunningFirestoreEmulator;
  db: Firestore;
  /** Another client for a different project or database of the same emulator. */
  client(projectId: string, databaseId?: string): Firestore;
  close(): Promise<void>;
}

export async function startHarness(projectId = 'demo-core'): Promise<Harness> {
  const emulator = await startFirestoreEmulator({ port: 0 });
  process.env.FIRESTORE_EMULATOR_HOST = emulator.address;
  const clients: Firestore[] = [];
  const client = (p: string, databaseId?: string): Firestore => {
    const c = new Firestore({ projectId: p, ...(databaseId ? { databaseId } : {}) });
    clients.push(c);
    return c;
  };
  const db = client(projectId);
  return {
    emulator,
    db,
    client,
    close: async () => {
      await Promise.all(clients.map((c) => c.terminate()));
      await emulator.stop();
    },
  };
}

/** Resolves once `predicate` holds for the latest value pushed into `values`. */
export function waitFor<T>(values: T[], predicate: (v: T) => boolean, timeoutMs = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = (): void => {
      const last = values[values.length - 1];
      if (values.length > 0 && predicate(last)) return resolve(last);
      if (Date.now() - started > timeoutMs) return reject(new Error(`condition not reached; last value: ${JSON.stringify(last)}`));
      setTimeout(tick, 10);
    };
    tick();
  });
}
