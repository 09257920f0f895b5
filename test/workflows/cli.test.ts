/**
 * `workflows-local` end to end: spawns the compiled CLI (`npm test` builds first via pretest) and
 * checks exit codes 0/1/2, file:line:column on invalid files, the error payload and failing step.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const CLI = path.join(__dirname, '..', '..', 'dist', 'scripts', 'workflows-local.js');
let dir: string;

beforeAll(() => {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" first`);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-cli-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
}

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, METADATA_SERVER_DETECTION: 'none', FIRESTORE_EMULATOR_HOST: '' },
    timeout: 30000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const OK = `main:
  params: [args]
  steps:
    - greet:
        assign:
          - msg: \${"hi " + args.name + " " + sys.get_env("MODE")}
    - done:
        return: \${msg}
`;

test('run --format json prints the Execution and exits 0', () => {
  const file = write('ok.yaml', OK);
  const r = cli('run', file, '--data', '{"name":"Ada"}', '--set-env-vars', 'MODE=local,OTHER=x', '--format', 'json');
  expect(r.code).toBe(0);
  const exec = JSON.parse(r.stdout);
  expect(exec.state).toBe('SUCCEEDED');
  expect(exec.result).toBe('"hi Ada local"');
  expect(exec.argument).toBe('{"name":"Ada"}');
  expect(exec.startTime).toMatch(/^\d{4}-\d\d-\d\dT/);
  expect(exec.endTime).toMatch(/^\d{4}-\d\d-\d\dT/);
  expect(fs.existsSync(path.join(dir, '.runs', `${exec.executionId}.json`))).toBe(true);
});

test('run without --format shows live progress and the result', () => {
  const file = write('ok2.yaml', OK);
  const r = cli('run', file, '--data', '{"name":"Bo"}', '--set-env-vars', 'MODE=m');
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/▶ greet/);
  expect(r.stdout).toMatch(/✔ done \(\d+ ms\)/);
  expect(r.stdout).toContain('result: "hi Bo m"');
});

test('a runtime error exits 1 with the error payload and the failing step', () => {
  const file = write('fail.yaml', `- a:
    assign:
      - m: {}
- b:
    return: \${m.missing}
`);
  const r = cli('run', file);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain('error payload: {"message":');
  expect(r.stderr).toContain('"tags":["KeyError"]');
  expect(r.stderr).toContain(`failing step: b (workflow main) at ${file}:4:3`);
});

test('an invalid workflow exits 2 with file:line:column on stderr', () => {
  const file = write('bad.yaml', `- a:
    assign:
      - x: 1
    next: nowhere
`);
  const r = cli('run', file);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain(`${file}:4:11: step "a": next step "nowhere" not found`);
  const v = cli('validate', file);
  expect(v.code).toBe(2);
  expect(v.stderr).toContain(`${file}:4:11`);
});

test('validate exits 0 on a valid file', () => {
  const r = cli('validate', write('valid.yaml', OK));
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('valid');
});

test('--data must be JSON; null means no argument', () => {
  const file = write('arg.yaml', `main:
  params: [a]
  steps:
    - r:
        return: \${a == null}
`);
  const bad = cli('run', file, '--data', '{nope');
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain('--data is not valid JSON');
  const nul = cli('run', file, '--data', 'null', '--format', 'json');
  expect(nul.code).toBe(0);
  expect(JSON.parse(nul.stdout).result).toBe('true');
});
