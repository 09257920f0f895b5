/** Child processes the CLIs start: spawn with a clean local environment, wait for ready, stop. */
import { spawn, type ChildProcess } from 'node:child_process';
import readline from 'node:readline';

/** Environment every local process gets: never probe the GCP metadata server. */
export function localEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  return { ...process.env, METADATA_SERVER_DETECTION: 'none', ...extra };
}

export interface SpawnedProcess {
  child: ChildProcess;
  /** The parsed JSON ready line. */
  ready: Record<string, unknown>;
  stop(timeoutMs?: number): Promise<void>;
}

export interface SpawnUntilReadyOptions {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd?: string;
  /** True for the stdout line announcing readiness (lines are JSON log entries). */
  isReady: (entry: Record<string, unknown>) => boolean;
  /** Every stdout/stderr line after readiness, and before it too (for logs). */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  timeoutMs?: number;
  label: string;
  /** Called when the child exits after readiness without being stopped through `stop()`. */
  onUnexpectedExit?: (code: number | null, signal: NodeJS.Signals | null) => void;
}

/** SIGTERM, then SIGKILL after `timeoutMs`; resolves once the child has exited. */
export function stopChild(child: ChildProcess, timeoutMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export function spawnUntilReady(options: SpawnUntilReadyOptions): Promise<SpawnedProcess> {
  const child = spawn(options.command, options.args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const tail: string[] = [];
  const remember = (line: string) => {
    tail.push(line);
    if (tail.length > 20) tail.shift();
  };
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (why: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void stopChild(child, 1000);
      reject(new Error(`${options.label} did not start: ${why}${tail.length ? `\n--- last output ---\n${tail.join('\n')}` : ''}`));
    };
    const timer = setTimeout(() => fail(`no ready line within ${options.timeoutMs ?? 30000} ms`), options.timeoutMs ?? 30000);
    child.once('error', (err) => fail(err.message));
    child.once('exit', (code, signal) => fail(`exited with ${signal ?? `code ${code}`}`));
    readline.createInterface({ input: child.stderr! }).on('line', (line) => {
      remember(line);
      options.onLine?.(line, 'stderr');
    });
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      remember(line);
      options.onLine?.(line, 'stdout');
      if (settled) return;
      let entry: unknown;
      try {
        entry = JSON.parse(line);
      } catch {
        return;
      }
      if (entry && typeof entry === 'object' && options.isReady(entry as Record<string, unknown>)) {
        settled = true;
        clearTimeout(timer);
        child.removeAllListeners('exit');
        let stopping = false;
        child.once('exit', (code, signal) => {
          if (!stopping) options.onUnexpectedExit?.(code, signal);
        });
        const stop = (t?: number) => {
          stopping = true;
          return stopChild(child, t);
        };
        resolve({ child, ready: entry as Record<string, unknown>, stop });
      }
    });
  });
}
