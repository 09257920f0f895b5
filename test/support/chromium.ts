/**
 * Headless Chromium for browser tests, driven through its CLI (--dump-dom, --screenshot,
 * --enable-logging=stderr): no DevTools client and no dependency. Debian's /usr/bin/chromium is
 * installed by .ci/run; CHROMIUM_PATH points elsewhere.
 *
 * A missing browser FAILS the calling test with a clear message (`startChromium` throws): skipping
 * would let CI pass without ever rendering a page.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface ChromiumResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Chromium {
  /** The throwaway profile directory (also HOME for the browser); removed by dispose(). */
  readonly profile: string;
  /** One headless browser run with the shared flags plus `args` (e.g. ['--dump-dom', url]). */
  run(args: string[]): ChromiumResult;
  /**
   * The same, without blocking the event loop: required when the page is served by this very
   * test process (a synchronous spawn would stall the server the browser is waiting for).
   */
  runAsync(args: string[]): Promise<ChromiumResult>;
  dispose(): void;
}

/** Throws the message a developer needs when the browser is not installed. */
export function requireChromium(): void {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: install Debian's chromium (apt-get install -y chromium; .ci/run does this in CI) or set CHROMIUM_PATH`);
  }
}

const TIMEOUT_MS = 120_000;

/** Checks the browser exists and makes a fresh profile; call in beforeAll, dispose in afterAll. */
export function startChromium(): Chromium {
  requireChromium();
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'yieldopt-chromium-'));
  const flags = (args: string[]) => [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--hide-scrollbars',
    `--user-data-dir=${profile}`,
    '--enable-logging=stderr',
    '--v=0',
    ...args,
  ];
  return {
    profile,
    run(args) {
      const r = spawnSync(CHROMIUM, flags(args), { encoding: 'utf8', timeout: TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, HOME: profile } });
      if (r.error) throw new Error(`could not run ${CHROMIUM}: ${r.error.message}`);
      return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
    },
    runAsync(args) {
      return new Promise((resolve, reject) => {
        const child = spawn(CHROMIUM, flags(args), { env: { ...process.env, HOME: profile }, stdio: ['ignore', 'pipe', 'pipe'] });
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        child.stdout.on('data', (b: Buffer) => out.push(b));
        child.stderr.on('data', (b: Buffer) => err.push(b));
        const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
        child.on('error', (e) => {
          clearTimeout(timer);
          reject(new Error(`could not run ${CHROMIUM}: ${e.message}`));
        });
        child.on('close', (code, signal) => {
          clearTimeout(timer);
          resolve({ code: code ?? (signal ? -1 : 0), stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
        });
      });
    },
    dispose() {
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Console output and page errors (incl. CSP violations) as Chromium logs them with --enable-logging=stderr. */
export function consoleLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => /:CONSOLE[:(]|Uncaught/.test(l));
}
