/**
 * `.runs/emulate.json`: what a running `npm run emulate` serves, so `npm run local-workflow` (and
 * people) can find and reuse it. Holds endpoints and env, never the secret itself (only its file).
 */
import fs from 'node:fs';
import path from 'node:path';
import { probeTcp } from './ports';
import { runsDir } from './paths';

export interface FirestoreEndpoint {
  kind: 'embedded' | 'firebase';
  host: string;
  port: number;
  /** "HOST:PORT", the value of FIRESTORE_EMULATOR_HOST. */
  address: string;
}

export interface FunctionsEndpoint {
  baseUrl: string;
  pid?: number;
  urls: Record<string, string>;
}

export interface EmulateState {
  pid: number;
  startedAt: string;
  project: string;
  firestore: FirestoreEndpoint;
  functions: FunctionsEndpoint;
  /** Endpoints of further local services (market stand-ins), by name. */
  services: Record<string, Record<string, string>>;
  /** Variables to export in a shell that should talk to this instance. */
  env: Record<string, string>;
  /** Where LOCAL_FUNCTIONS_SECRET is kept (unless the environment provides it). */
  secretFile: string;
}

export function emulateStatePath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(runsDir(env), 'emulate.json');
}

export function writeEmulateState(state: EmulateState, env: NodeJS.ProcessEnv = process.env): string {
  const file = emulateStatePath(env);
  fs.writeFileSync(file, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  return file;
}

export function readEmulateState(env: NodeJS.ProcessEnv = process.env): EmulateState | undefined {
  try {
    return JSON.parse(fs.readFileSync(emulateStatePath(env), 'utf8')) as EmulateState;
  } catch {
    return undefined;
  }
}

/** Removes the state file only if it still describes this process (another instance may own it). */
export function removeEmulateState(pid: number, env: NodeJS.ProcessEnv = process.env): void {
  const current = readEmulateState(env);
  if (current && current.pid === pid) fs.rmSync(emulateStatePath(env), { force: true });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function functionsHostAlive(baseUrl: string, timeoutMs = 2000): Promise<boolean> {
  try {
    const res = await fetch(`${baseUrl}/_host/health`, { signal: AbortSignal.timeout(timeoutMs) });
    return res.ok;
  } catch {
    return false;
  }
}

export interface Discovery {
  state: EmulateState;
  firestoreUp: boolean;
  functionsUp: boolean;
}

/** The recorded instance and which of its parts answer right now; undefined if none is recorded. */
export async function discoverRunning(env: NodeJS.ProcessEnv = process.env): Promise<Discovery | undefined> {
  const state = readEmulateState(env);
  if (!state || !processAlive(state.pid)) return undefined;
  const [firestoreUp, functionsUp] = await Promise.all([
    probeTcp(state.firestore.host, state.firestore.port),
    functionsHostAlive(state.functions.baseUrl),
  ]);
  return { state, firestoreUp, functionsUp };
}
