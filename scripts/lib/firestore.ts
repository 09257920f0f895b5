/**
 * Starts a Firestore emulator for the CLIs: the embedded one (in-process, Node only, the default)
 * or the official one through firebase-tools when Java 21+ is available.
 */
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import type * as EmbeddedServer from '../../emulator/firestore/server';
import { checkJava } from './java';
import { repoRoot } from './paths';
import { probeTcp } from './ports';
import { localEnv, stopChild } from './processes';
import type { FirestoreEndpoint } from './state';

export interface StartedFirestore extends FirestoreEndpoint {
  stop(): Promise<void>;
  /** Deletes every document (embedded only); used by tests. */
  clear?(): Promise<void>;
}

export interface EmbeddedOptions {
  host: string;
  port: number;
  importDir?: string;
  exportOnExit?: string;
}

export async function startEmbeddedFirestore(options: EmbeddedOptions): Promise<StartedFirestore> {
  // Loaded on demand: `--firestore=firebase` and `emulate token` must not need the embedded emulator.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { startFirestoreEmulator } = require('../../emulator/firestore/server') as typeof EmbeddedServer;
  const server = await startFirestoreEmulator({
    host: options.host,
    port: options.port,
    importDir: options.importDir,
    exportOnExit: options.exportOnExit,
  });
  return {
    kind: 'embedded',
    host: server.host,
    port: server.port,
    address: server.address,
    stop: () => server.stop(),
    clear: async () => server.clear(),
  };
}

export interface FirebaseOptions {
  host: string;
  port: number;
  project: string;
  onLine?: (line: string) => void;
  /** The first start downloads the emulator jar (~120 MB), hence the generous default. */
  timeoutMs?: number;
}

/** `firebase emulators:start --only firestore` via npx; refuses with the reason when Java < 21. */
export async function startFirebaseFirestore(options: FirebaseOptions): Promise<StartedFirestore> {
  const java = checkJava();
  if (!java.ok) throw new Error(java.message);
  const child: ChildProcess = spawn(
    'npx',
    ['--yes', 'firebase-tools', 'emulators:start', '--only', 'firestore', '--project', options.project, '--config', path.join(repoRoot(), 'firebase.json')],
    { cwd: repoRoot(), env: localEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const forward = (chunk: Buffer) => chunk.toString('utf8').split('\n').filter(Boolean).forEach((l) => options.onLine?.(l));
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);
  const deadline = Date.now() + (options.timeoutMs ?? 180_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`firebase emulators:start exited with code ${child.exitCode}`);
    if (await probeTcp(options.host, options.port, 500)) {
      return {
        kind: 'firebase',
        host: options.host,
        port: options.port,
        address: `${options.host}:${options.port}`,
        stop: () => stopChild(child, 15000),
      };
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  await stopChild(child);
  throw new Error(`the official Firestore emulator did not listen on ${options.host}:${options.port} in time`);
}
