/**
 * Options that point the unmodified `ExecutionsClient` of @google-cloud/workflows at the local
 * Executions API: plaintext gRPC to host:port, and a fixed universe domain so google-auth-library
 * never looks for credentials (no ADC file, no metadata server). With `sslCreds` set, gax uses
 * those channel credentials as they are and attaches no token.
 */
import * as grpc from '@grpc/grpc-js';
import type { ExecutionsClient } from '@google-cloud/workflows';

/** The environment variable naming the local API, like FIRESTORE_EMULATOR_HOST for Firestore. */
export const EMULATOR_HOST_ENV = 'WORKFLOWS_EXECUTIONS_EMULATOR_HOST';

/** The constructor options of ExecutionsClient (gax ClientOptions), without naming google-gax. */
export type ExecutionsClientOptions = NonNullable<ConstructorParameters<typeof ExecutionsClient>[0]>;

/** `address` is host:port (IPv6 hosts in brackets). */
export function localExecutionsClientOptions(address: string, projectId = 'local-project'): ExecutionsClientOptions {
  const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(address.trim());
  if (!m) throw new Error(`${EMULATOR_HOST_ENV} must be host:port, got ${JSON.stringify(address)}`);
  const host = m[1].replace(/^\[|\]$/g, '');
  return { apiEndpoint: host, servicePath: host, port: Number(m[2]), sslCreds: grpc.credentials.createInsecure(), universeDomain: 'googleapis.com', projectId };
}
