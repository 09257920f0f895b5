/** Where the CLIs keep their state: the repository root and its `.runs/` directory. */
import fs from 'node:fs';
import path from 'node:path';

/** The directory holding package.json, whether running from sources (ts-jest) or dist/. */
export function repoRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 8; i++) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'functions'))) return dir;
    dir = path.dirname(dir);
  }
  return process.cwd();
}

/** `.runs/` at the repository root; YIELDOPT_RUNS_DIR moves it (tests use a temporary directory). */
export function runsDir(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.YIELDOPT_RUNS_DIR ? path.resolve(env.YIELDOPT_RUNS_DIR) : path.join(repoRoot(), '.runs');
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** Compiled entry points, resolved from the repository root. */
export function distPath(...parts: string[]): string {
  return path.join(repoRoot(), 'dist', ...parts);
}
