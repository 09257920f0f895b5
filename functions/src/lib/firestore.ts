/**
 * The one Firestore client of a function instance, created on first use so that module loading
 * (and the functions host enumerating functions) never opens a connection.
 *
 * Same code locally and in GCP: the client itself honours FIRESTORE_EMULATOR_HOST (plaintext gRPC
 * to the emulator, no credentials); the project comes from GOOGLE_CLOUD_PROJECT / GCLOUD_PROJECT
 * when set, otherwise the client discovers it from the runtime as usual.
 */
import { Firestore, type Settings } from '@google-cloud/firestore';

let client: Firestore | undefined;

/** The project the client is pinned to, if the environment names one. */
export function configuredProjectId(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.GOOGLE_CLOUD_PROJECT || env.GCLOUD_PROJECT || undefined;
}

export function getFirestore(): Firestore {
  if (!client) {
    const settings: Settings = {
      // Optional fields in our documents are simply left out rather than failing the write.
      ignoreUndefinedProperties: true,
    };
    const projectId = configuredProjectId();
    if (projectId) settings.projectId = projectId;
    client = new Firestore(settings);
  }
  return client;
}

/** Closes the client (tests, graceful shutdown); the next getFirestore() creates a fresh one. */
export async function closeFirestore(): Promise<void> {
  const current = client;
  client = undefined;
  if (current) await current.terminate();
}
