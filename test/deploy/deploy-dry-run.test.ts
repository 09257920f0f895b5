/**
 * scripts/deploy.sh: `--dry-run` prints exactly the expected gcloud commands (built here from
 * FUNCTION_NAMES and the files in workflows/, so a new function or workflow needs no test edit) and
 * runs nothing; only the pipeline workflow gets a scheduler job; configuration errors are
 * clear; a real run (against a stub gcloud on PATH) executes the same commands, stages a runtime-only
 * package and switches the scheduler job to `update` when it exists.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FUNCTION_NAMES } from '../../functions/src/index';

const ROOT = path.resolve(__dirname, '..', '..');
const SCRIPT = path.join(ROOT, 'scripts', 'deploy.sh');

let tmp: string;
let stubLog: string;
let stubBin: string;

/** gcloud and npm stand-ins that record every call; `scheduler jobs describe` succeeds when JOB_EXISTS=1. */
function writeStubs(): void {
  stubBin = path.join(tmp, 'bin');
  fs.mkdirSync(stubBin);
  const stub = (name: string, extra = '') =>
    fs.writeFileSync(path.join(stubBin, name), `#!/usr/bin/env bash\n{ printf '%s' ${name}; printf ' %s' "$@"; printf '\\n'; } >> "$STUB_LOG"\n${extra}exit 0\n`, { mode: 0o755 });
  stub('gcloud', 'if [[ "$1 $2 $3" == "scheduler jobs describe" ]]; then [[ "${JOB_EXISTS:-0}" == 1 ]] && exit 0 || exit 1; fi\n');
  stub('npm');
}

function deploy(args: string[], extraEnv: Record<string, string> = {}) {
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${stubBin}:${process.env.PATH}`, STUB_LOG: stubLog, ...extraEnv };
  for (const k of ['PROJECT', 'REGION', 'FUNCTIONS_SA', 'WORKFLOW_SA', 'SCHEDULER_SA', 'DEPLOY_ENV_FILE', 'SCHEDULE', 'DEPLOY_STAGE_DIR']) if (!(k in extraEnv)) delete env[k];
  const r = spawnSync('bash', [SCRIPT, ...args], { cwd: os.tmpdir(), env, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, lines: r.stdout.split('\n').filter(Boolean) };
}

const commands = (lines: string[]) => lines.filter((l) => !l.startsWith('#'));
const stubCalls = () => (fs.existsSync(stubLog) ? fs.readFileSync(stubLog, 'utf8').split('\n').filter(Boolean) : []);

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'deploy-test-'));
  stubLog = path.join(tmp, 'calls.log');
  writeStubs();
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

const P = 'p';
const R = 'europe-west1';
const SA = (n: string) => `yieldopt-${n}@${P}.iam.gserviceaccount.com`;
const SECRETS = '--set-secrets=SLACK_BOT_TOKEN=slack-bot-token:latest,CMC_API_KEY=cmc-api-key:latest,ETHERSCAN_API_KEY=etherscan-api-key:latest';

function expectedFunctionCommands(envFlag: string, stageDir = '.deploy/functions'): string[] {
  return [
    ...FUNCTION_NAMES.map(
      (n) =>
        `gcloud functions deploy ${n} --gen2 --runtime=nodejs20 --region=${R} --project=${P} --trigger-http --no-allow-unauthenticated` +
        ` --entry-point=${n} --source=${stageDir} --service-account=${SA('functions')} --memory=1GiB --timeout=540s ${envFlag} ${SECRETS} --quiet`,
    ),
    ...FUNCTION_NAMES.map((n) => `gcloud functions add-invoker-policy-binding ${n} --region=${R} --project=${P} --member=serviceAccount:${SA('workflow')}`),
  ];
}

/** Every workflows/NAME.yaml is deployed as NAME, in byte order of the names. */
const WORKFLOW_NAMES = fs
  .readdirSync(path.join(ROOT, 'workflows'))
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => f.slice(0, -'.yaml'.length))
  .sort();
const workflowCmd = (name: string, sa = SA('workflow')) =>
  `gcloud workflows deploy ${name} --source=workflows/${name}.yaml --location=${R} --project=${P} --service-account=${sa}` +
  ` --set-env-vars=FUNCTIONS_BASE_URL=https://${R}-${P}.cloudfunctions.net`;
const WORKFLOW_CMDS = WORKFLOW_NAMES.map((n) => workflowCmd(n));
const schedulerCmd = (verb: string) =>
  `gcloud scheduler jobs ${verb} http pipeline-daily --location=${R} --project=${P} '--schedule=0 6 * * *' --time-zone=UTC` +
  ` --uri=https://workflowexecutions.googleapis.com/v1/projects/${P}/locations/${R}/workflows/pipeline/executions --http-method=POST` +
  ` '--message-body={"argument":"{}"}' --oauth-service-account-email=${SA('scheduler')}`;

test('the workflow list comes from workflows/ and includes the scheduled pipeline', () => {
  expect(WORKFLOW_NAMES).toEqual(expect.arrayContaining(['backtest', 'pipeline']));
  expect(WORKFLOW_NAMES.indexOf('backtest')).toBeLessThan(WORKFLOW_NAMES.indexOf('pipeline'));
});

test('--dry-run prints every gcloud command in order and runs nothing', () => {
  const r = deploy(['--dry-run', '--project', P, '--region', R]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(commands(r.lines)).toEqual([...expectedFunctionCommands(`--set-env-vars=GOOGLE_CLOUD_PROJECT=${P}`), ...WORKFLOW_CMDS, schedulerCmd('create')]);
  // One scheduler job, and it starts the pipeline workflow only (backtest runs on demand).
  expect(commands(r.lines).filter((l) => l.startsWith('gcloud scheduler '))).toEqual([schedulerCmd('create')]);
  // Local steps are documented as comments, so the output stays a runnable script.
  expect(r.lines.filter((l) => l.startsWith('#'))).toEqual([
    '# build: npm run -s build (skipped with --skip-build)',
    '# stage: node dist/scripts/deploy/stage-functions.js .deploy/functions',
    "# scheduler: 'update http' with the same flags if the job already exists",
  ]);
  expect(stubCalls()).toEqual([]);
  // Reproducible: the same invocation prints the same bytes; flags and env twins are equivalent.
  expect(deploy(['--dry-run', '--project', P, '--region', R]).stdout).toBe(r.stdout);
  expect(deploy(['--dry-run'], { PROJECT: P, REGION: R }).stdout).toBe(r.stdout);
  expect(deploy(['--dry-run', `--project=${P}`, `--region=${R}`]).stdout).toBe(r.stdout);
});

test('--only selects parts; service accounts and schedule are configurable', () => {
  expect(commands(deploy(['--dry-run', '--project', P, '--region', R, '--only', 'workflow']).lines)).toEqual(WORKFLOW_CMDS);
  const r = deploy(['--dry-run', '--project', P, '--region', R, '--only', 'scheduler,workflow', '--workflow-sa', `wf@${P}.iam.gserviceaccount.com`, '--scheduler-sa', `sch@${P}.iam.gserviceaccount.com`, '--schedule', '30 5 * * 1-5']);
  expect(commands(r.lines)).toEqual([
    ...WORKFLOW_NAMES.map((n) => workflowCmd(n, `wf@${P}.iam.gserviceaccount.com`)),
    schedulerCmd('create').replace('0 6 * * *', '30 5 * * 1-5').replace(SA('scheduler'), `sch@${P}.iam.gserviceaccount.com`),
  ]);
});

test('--workflow NAME deploys just that workflow (alone, or within --only)', () => {
  for (const name of WORKFLOW_NAMES) {
    expect(commands(deploy(['--dry-run', '--project', P, '--region', R, '--workflow', name]).lines)).toEqual([workflowCmd(name)]);
  }
  expect(commands(deploy(['--dry-run', '--project', P, '--region', R, '--workflow=backtest', '--only', 'workflow,scheduler']).lines)).toEqual([
    workflowCmd('backtest'),
    schedulerCmd('create'),
  ]);
});

test('--env-file: sorted non-secret vars, comma values use the alternate delimiter, secrets and local wiring refused', () => {
  const file = path.join(tmp, 'prod.env');
  fs.writeFileSync(file, '# comment\nTREASURY_ADDRESS=0xabc\nRISK_AVERSION=\nSLACK_CHANNEL="#treasury"\n');
  let r = deploy(['--dry-run', '--project', P, '--region', R, '--only', 'functions', '--env-file', file]);
  expect(r.code).toBe(0);
  expect(commands(r.lines)).toEqual(expectedFunctionCommands(`'--set-env-vars=GOOGLE_CLOUD_PROJECT=${P},SLACK_CHANNEL=#treasury,TREASURY_ADDRESS=0xabc'`));

  fs.writeFileSync(file, 'SCORES_SOURCE=a,b\n');
  r = deploy(['--dry-run', '--project', P, '--region', R, '--only', 'functions', '--env-file', file]);
  expect(commands(r.lines)[0]).toContain(`'--set-env-vars=^|^GOOGLE_CLOUD_PROJECT=${P}|SCORES_SOURCE=a,b'`);

  for (const [line, message] of [
    ['CMC_API_KEY=k', 'CMC_API_KEY is a secret'],
    ['FIRESTORE_EMULATOR_HOST=db:8080', 'local-emulator wiring'],
    ['DEFILLAMA_BASE_URL=http://127.0.0.1:4000/defillama', 'points at this machine'],
    ['not a line', 'expected KEY=VALUE'],
  ]) {
    fs.writeFileSync(file, `${line}\n`);
    r = deploy(['--dry-run', '--project', P, '--region', R, '--env-file', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stdout).not.toContain('gcloud ');
  }
});

test('missing or invalid configuration fails before printing anything', () => {
  for (const [args, message] of [
    [['--dry-run', '--region', R], 'missing project'],
    [['--dry-run', '--project', P], 'missing region'],
    [['--dry-run', '--project', 'Bad_Project', '--region', R], 'not a valid project id'],
    [['--dry-run', '--project', P, '--region', R, '--only', 'everything'], '--only takes'],
    [['--dry-run', '--project', P, '--region', R, '--workflow-sa', 'someone'], 'not a service account email'],
    [['--dry-run', '--project', P, '--region', R, '--workflow', 'nope'], '--workflow: no workflows/nope.yaml'],
    [['--dry-run', '--project', P, '--region', R, '--workflow', 'pipeline', '--only', 'functions'], 'does not include the workflow part'],
    [['--dry-run', '--project', P, '--region', R, '--workflow'], '--workflow needs a value'],
    [['--dry-run', '--project', P, '--region'], '--region needs a value'],
    [['--dry-run', '--bogus'], 'unknown argument'],
  ] as const) {
    const r = deploy([...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stdout).toBe('');
  }
});

test('a real run executes the printed commands, stages the runtime package and updates an existing job', () => {
  const entry = path.join(ROOT, 'dist', 'functions', 'src', 'index.js');
  if (!fs.existsSync(path.join(ROOT, 'dist', 'scripts', 'deploy', 'stage-functions.js')) || !fs.existsSync(entry)) {
    throw new Error('dist/ is missing: run `npm run build` before this test');
  }
  const stage = path.join(tmp, 'stage');
  const r = deploy(['--project', P, '--region', R, '--skip-build'], { JOB_EXISTS: '1', DEPLOY_STAGE_DIR: stage });
  expect(r.stderr).toContain('deploy: done');
  expect(r.code).toBe(0);
  const expected = [...expectedFunctionCommands(`--set-env-vars=GOOGLE_CLOUD_PROJECT=${P}`, stage), ...WORKFLOW_CMDS, schedulerCmd('update')];
  expect(commands(r.lines)).toEqual(expected);
  // The stub saw the same commands (unquoted), plus the read-only existence check of the job.
  const calls = stubCalls();
  expect(calls).toContain(`gcloud scheduler jobs describe pipeline-daily --location=${R} --project=${P} --format=value(name)`);
  expect(calls.filter((c) => !c.includes(' describe '))).toEqual(expected.map((c) => c.replace(/'/g, '')));
  expect(calls.some((c) => c.startsWith('npm'))).toBe(false); // --skip-build

  const pkg = JSON.parse(fs.readFileSync(path.join(stage, 'package.json'), 'utf8'));
  const rootPkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  expect(pkg.main).toBe('dist/functions/src/index.js');
  expect(pkg.dependencies).toEqual(rootPkg.dependencies);
  expect(pkg.devDependencies).toBeUndefined();
  expect(pkg.scripts).toBeUndefined();
  const lock = JSON.parse(fs.readFileSync(path.join(stage, 'package-lock.json'), 'utf8'));
  expect(lock.packages[''].dependencies).toEqual(rootPkg.dependencies);
  expect(lock.packages['node_modules/typescript']).toBeUndefined();
  expect(Object.values(lock.packages).some((p) => (p as { dev?: boolean }).dev)).toBe(false);
  expect(fs.existsSync(path.join(stage, 'dist', 'functions', 'src', 'index.js'))).toBe(true);
  expect(fs.existsSync(path.join(stage, 'dist', 'emulator'))).toBe(false);
  expect(fs.existsSync(path.join(stage, 'dist', 'scripts'))).toBe(false);

  // A fresh project: the job does not exist yet, so it is created.
  const fresh = deploy(['--project', P, '--region', R, '--only', 'scheduler'], { JOB_EXISTS: '0' });
  expect(commands(fresh.lines)).toEqual([schedulerCmd('create')]);
});
