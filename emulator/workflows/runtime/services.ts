/**
 * What blocking builtins (http.*, sys.log, sys.sleep, events.*, connectors) need from the running
 * execution. Passed to them as the `runtime` extension of the StdlibContext, so builtins stay plain
 * registry entries and the executor decides how sleeping, logging and tokens work locally.
 */
import type { StdlibContext } from '../stdlib/registry';
import { builtinError } from '../values';

export interface RuntimeServices {
  /** Waits `seconds` (tests inject a fake that returns immediately and records the delay). */
  sleep(seconds: number): Promise<void>;
  /** Receives one structured JSON log line per sys.log call. */
  log(line: string): void;
  /** Secret shared with the local functions host for OIDC/OAuth2 bearer tokens (optional). */
  localFunctionsSecret?: string;
  /** Firestore client (or null to use FIRESTORE_EMULATOR_HOST) for googleapis.firestore connectors. */
  firestore?: unknown;
  projectId: string;
  location: string;
  workflowId: string;
  executionId: string;
  /** Cancels blocking waits when the execution is cancelled. */
  signal?: AbortSignal;
  /** Registry of callback endpoints created by events.create_callback_endpoint. */
  callbacks?: import('./events').CallbackHub;
}

export function runtimeOf(ctx: StdlibContext): RuntimeServices {
  const r = ctx.runtime as RuntimeServices | undefined;
  if (!r) throw builtinError('SystemError', 'blocking function called without an execution runtime');
  return r;
}
