/** Helpers for end-to-end tests that run the compiled CLIs as child processes. */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');

export function dist(...parts: string[]): string {
  return path.join(ROOT, 'dist', ...parts);
}

/** Fails early with a clear message when `npm run build` has not produced the entry points. */
export function requireBuilt(...entries: string[]): void {
  for (const entry of entries) {
    if (!fs.existsSync(dist(entry))) throw new Error(`${dist(entry)} is missing: run \`npm run build\` before the e2e tests`);
  }
}

export function tempRunsDir(label: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `yieldopt-${label}-`));
}

export function cliEnv(runsDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, METADATA_SERVER_DETECTION: 'none', YIELDOPT_RUNS_DIR: runsDir, ...extra };
  // The CLIs must find their Firestore on their own, not inherit one from the test process.
  delete env.FIRESTORE_EMULATOR_HOST;
  delete env.LOCAL_FUNCTIONS_SECRET;
  return env;
}

export interface Running {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function start(entry: string, args: string[], env: NodeJS.ProcessEnv): Running {
  const child = spawn(process.execPath, [dist(entry), ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString('utf8')));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Resolves once stdout contains `text`; rejects if the process exits first. */
export function waitForOutput(running: Running, text: string, timeoutMs = 60000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`timed out waiting for "${text}"\nstdout:\n${running.stdout()}\nstderr:\n${running.stderr()}`)), timeoutMs);
    const check = () => {
      if (running.stdout().includes(text)) finish();
    };
    const onExit = () => finish(new Error(`process exited before printing "${text}"\nstdout:\n${running.stdout()}\nstderr:\n${running.stderr()}`));
    function finish(err?: Error) {
      clearTimeout(timer);
      running.child.stdout!.off('data', check);
      running.child.off('exit', onExit);
      if (err) reject(err);
      else resolve();
    }
    running.child.stdout!.on('data', check);
    running.child.once('exit', onExit);
    check();
  });
}

/** Runs a CLI to completion. */
export async function runToEnd(entry: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const running = start(entry, args, env);
  const { code } = await running.exited;
  return { code, stdout: running.stdout(), stderr: running.stderr() };
}

/** Stops a child that is still running (SIGINT lets emulate shut its services down cleanly) and waits for it. */
export async function stopIfRunning(running: Running | undefined, signal: NodeJS.Signals = 'SIGINT'): Promise<void> {
  if (!running || running.child.exitCode !== null) return;
  running.child.kill(signal);
  await running.exited;
}
