/** Starts emulator/functions/main.js as a child process and waits for its ready line. */
import fs from 'node:fs';
import { distPath } from './paths';
import { localEnv, spawnUntilReady, type SpawnedProcess } from './processes';

export interface FunctionsHostProcess {
  baseUrl: string;
  pid: number;
  urls: Record<string, string>;
  stop(): Promise<void>;
}

export interface SpawnFunctionsHostOptions {
  host: string;
  port: number;
  secret: string;
  /** FIRESTORE_EMULATOR_HOST, GOOGLE_CLOUD_PROJECT, service base URLs… (added to this process's env). */
  env: Record<string, string>;
  /** Receives the host's JSON log lines. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  onUnexpectedExit?: (code: number | null, signal: NodeJS.Signals | null) => void;
}

export async function spawnFunctionsHost(options: SpawnFunctionsHostOptions): Promise<FunctionsHostProcess> {
  const entry = distPath('emulator', 'functions', 'main.js');
  if (!fs.existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\` first`);
  const spawned: SpawnedProcess = await spawnUntilReady({
    label: 'functions host',
    command: process.execPath,
    args: [entry],
    env: localEnv({ ...options.env, HOST: options.host, PORT: String(options.port), LOCAL_FUNCTIONS_SECRET: options.secret }),
    isReady: (e) => e.message === 'functions host ready',
    onLine: options.onLine,
    onUnexpectedExit: options.onUnexpectedExit,
  });
  return {
    baseUrl: String(spawned.ready.baseUrl),
    pid: spawned.child.pid ?? 0,
    urls: (spawned.ready.functions ?? {}) as Record<string, string>,
    stop: () => spawned.stop(),
  };
}
