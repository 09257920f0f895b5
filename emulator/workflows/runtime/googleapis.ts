/**
 * `googleapis.*` connectors. Only Firestore v1 documents are emulated (against the local Firestore
 * emulator, see firestore-connector.ts); every other connector fails with a clear error naming it,
 * so a workflow never silently skips a cloud call locally.
 */
import type { StdlibContext } from '../stdlib/registry';
import { builtinError, type WfMap, type WfValue } from '../values';
import { callFirestoreConnector, FIRESTORE_DOCUMENT_METHODS } from './firestore-connector';

const CONNECTOR_PREFIX = 'googleapis.';

export function isConnectorName(name: string): boolean {
  return name.startsWith(CONNECTOR_PREFIX);
}

export function isEmulatedConnector(name: string): boolean {
  return FIRESTORE_DOCUMENT_METHODS.has(name);
}

export async function callConnector(name: string, args: WfMap, ctx: StdlibContext): Promise<WfValue> {
  if (isEmulatedConnector(name)) return callFirestoreConnector(name, args, ctx);
  throw builtinError('SystemError', `connector ${name} not emulated: workflows-local only emulates googleapis.firestore.v1.projects.databases.documents.*`);
}
