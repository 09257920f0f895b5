/**
 * `npm run cloud-workflow -- --local` end to end against a running `npm run emulate`: the compiled
 * CLI finds the local Executions API through .runs/emulate.json, starts an execution with the
 * unmodified ExecutionsClient, and the workflow calls a real function of the stack (startRun, with
 * the OIDC stand-in token) before the result comes back. Needs `npm run build` first.
 */
import fs from 'node:fs';
import path from 'node:path';
import { cliEnv, requireBuilt, runToEnd, start, tempRunsDir, waitForOutput, type Running } from '../e2e/cli';

const PING = `
main:
  params: [args]
  steps:
    - open:
        call: http.post
        args:
          url: \${sys.get_env("FUNCTIONS_BASE_URL") + "/startRun"}
          auth:
            type: OIDC
          body:
            runDate: \${args.runDate}
        result: resp
    - done:
        return:
          status: \${resp.body.status}
          runDate: \${args.runDate}
`;

describe('cloud-workflow --local', () => {
  let runsDir: string;
  let workflowsDir: string;
  let emulate: Running | undefined;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    requireBuilt('scripts/emulate.js', 'scripts/cloud-workflow.js', 'emulator/workflows-api/server.js');
    runsDir = tempRunsDir('cloud-workflow');
    workflowsDir = path.join(runsDir, 'workflows');
    fs.mkdirSync(workflowsDir);
    fs.writeFileSync(path.join(workflowsDir, 'ping.yaml'), PING);
    env = cliEnv(runsDir, { GOOGLE_CLOUD_PROJECT: 'demo-cloud-workflow' });
    delete env.WORKFLOWS_EXECUTIONS_EMULATOR_HOST;
    emulate = start('scripts/emulate.js', ['--firestore-port', '0', '--functions-port', '0', '--workflows-api-port', '0', '--workflows-dir', workflowsDir], env);
    await waitForOutput(emulate, 'emulate: ready');
  });

  afterAll(async () => {
    if (emulate && emulate.child.exitCode === null) {
      emulate.child.kill('SIGINT');
      await emulate.exited;
    }
    fs.rmSync(runsDir, { recursive: true, force: true });
  });

  it('publishes the API endpoint in the banner and emulate.json', () => {
    const state = JSON.parse(fs.readFileSync(path.join(runsDir, 'emulate.json'), 'utf8'));
    const address: string = state.env.WORKFLOWS_EXECUTIONS_EMULATOR_HOST;
    expect(address).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(emulate!.stdout()).toContain(`export WORKFLOWS_EXECUTIONS_EMULATOR_HOST=${address}`);
  });

  it('runs a workflow that calls a function of the stack and prints the result', async () => {
    const run = await runToEnd('scripts/cloud-workflow.js', ['--local', '--workflow', 'ping', '--data', '{"runDate":"2025-03-01"}'], env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/local execution projects\/demo-cloud-workflow\/locations\/us-central1\/workflows\/ping\/executions\/[0-9a-f-]{36}/);
    expect(run.stdout).toContain('state ACTIVE');
    expect(run.stdout).toContain('state SUCCEEDED');
    expect(run.stdout).toContain('"status": "ok"');
    // Saved like local-workflow's records.
    const id = /executions\/([0-9a-f-]{36})/.exec(run.stdout)![1];
    const record = JSON.parse(fs.readFileSync(path.join(runsDir, 'executions', `${id}.json`), 'utf8'));
    expect(record).toMatchObject({ state: 'SUCCEEDED', workflowId: 'ping' });
  });

  it('--format json prints the execution; a failing function call exits 1 with the error payload', async () => {
    const run = await runToEnd('scripts/cloud-workflow.js', ['--local', '--workflow', 'ping', '--data', '{"runDate":"2025-13-01"}', '--format', 'json'], env);
    expect(run.code).toBe(1);
    const execution = JSON.parse(run.stdout);
    expect(execution.state).toBe('FAILED');
    expect(JSON.parse(execution.error.payload)).toMatchObject({ tags: ['HttpError'], code: 400 });
  });

  it('refuses an unknown workflow and bad usage', async () => {
    const missing = await runToEnd('scripts/cloud-workflow.js', ['--local', '--workflow', 'nope'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('nope');
    const bad = await runToEnd('scripts/cloud-workflow.js', ['--local', '--data', '{x'], env);
    expect(bad.code).toBe(2);
    const noProject = await runToEnd('scripts/cloud-workflow.js', ['--location', 'europe-west1'], { ...env, GOOGLE_CLOUD_PROJECT: '', GCLOUD_PROJECT: '' });
    expect(noProject.code).toBe(2);
    expect(noProject.stderr).toContain('missing project');
  });
});
