/**
 * `npm run emulate` end to end: the compiled CLI starts Firestore and the functions host, prints the
 * endpoints, serves startRun with a token, and stops everything on SIGINT.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Firestore } from '@google-cloud/firestore';
import { mintLocalIdToken } from '../../emulator/functions/auth';
import { cliEnv, requireBuilt, runToEnd, start, tempRunsDir, stopIfRunning, waitForOutput, type Running } from './cli';

const PROJECT = 'demo-e2e-emulate';

describe('npm run emulate', () => {
  let runsDir: string;
  let emulate: Running | undefined;
  let db: Firestore | undefined;

  beforeAll(() => {
    requireBuilt('scripts/emulate.js', 'emulator/functions/main.js');
    runsDir = tempRunsDir('emulate');
  });

  afterAll(async () => {
    await db?.terminate();
    await stopIfRunning(emulate, 'SIGKILL');
    fs.rmSync(runsDir, { recursive: true, force: true });
  });

  it('serves every function, creates the run document over HTTP and stops cleanly on SIGINT', async () => {
    const env = cliEnv(runsDir, { GOOGLE_CLOUD_PROJECT: PROJECT });
    // Free ports: a developer's own `npm run emulate` may hold the firebase.json defaults.
    emulate = start('scripts/emulate.js', ['--firestore-port', '0', '--functions-port', '0'], env);
    await waitForOutput(emulate, 'emulate: ready');

    const state = JSON.parse(fs.readFileSync(path.join(runsDir, 'emulate.json'), 'utf8'));
    expect(state.project).toBe(PROJECT);
    expect(state.firestore.kind).toBe('embedded');
    expect(state.env).toMatchObject({ FIRESTORE_EMULATOR_HOST: state.firestore.address, FUNCTIONS_BASE_URL: state.functions.baseUrl, METADATA_SERVER_DETECTION: 'none' });
    const startRunUrl: string = state.functions.urls.startRun;
    expect(startRunUrl).toBe(`${state.functions.baseUrl}/startRun`);

    const out = emulate.stdout();
    expect(out).toContain(startRunUrl);
    expect(out).toContain(`export FIRESTORE_EMULATOR_HOST=${state.firestore.address}`);
    expect(out).toContain(`export FUNCTIONS_BASE_URL=${state.functions.baseUrl}`);
    expect(out).toMatch(/curl .*startRun.*token startRun/);
    const secret = fs.readFileSync(path.join(runsDir, 'local-functions.secret'), 'utf8').trim();
    expect(out).not.toContain(secret);

    // Unauthenticated calls are refused like --no-allow-unauthenticated.
    const anonymous = await fetch(startRunUrl, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"runDate":"2025-03-01"}' });
    expect(anonymous.status).toBe(401);

    // The token subcommand the printed curl line uses.
    const tokenRun = await runToEnd('scripts/emulate.js', ['token', 'startRun'], env);
    expect(tokenRun.code).toBe(0);
    const printedToken = tokenRun.stdout.trim();
    expect(printedToken.split('.')).toHaveLength(3);

    for (const token of [printedToken, mintLocalIdToken(startRunUrl, secret)]) {
      const res = await fetch(startRunUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: JSON.stringify({ runDate: '2025-03-01' }),
      });
      expect(res.status).toBe(200);
    }

    process.env.FIRESTORE_EMULATOR_HOST = state.firestore.address;
    db = new Firestore({ projectId: PROJECT });
    const run = await db.doc('runs/2025-03-01').get();
    expect(run.exists).toBe(true);
    expect(run.data()).toMatchObject({ runDate: '2025-03-01', status: 'running', attempt: 2 });
    await db.terminate();
    db = undefined;

    emulate.child.kill('SIGINT');
    const { code } = await emulate.exited;
    expect(code).toBe(0);
    expect(emulate.stdout()).toContain('emulate: stopped');
    expect(fs.existsSync(path.join(runsDir, 'emulate.json'))).toBe(false);
    // The functions host child went down with it.
    await expect(fetch(`${state.functions.baseUrl}/_host/health`)).rejects.toThrow();
  });
});
