/** The firestore-emulator command (compiled by `npm run build`) and --import / --export-on-exit. */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Firestore } from '@google-cloud/firestore';
import { startFirestoreEmulator } from '../../../emulator/firestore/server';

const BIN = path.join(__dirname, '../../../bin/firestore-emulator.js');

function runCli(args: string[]): { child: ChildProcess; ready: Promise<string>; exit: Promise<number | null>; stderr: () => string } {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, METADATA_SERVER_DETECTION: 'none' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const ready = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /ready at (\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.on('exit', () => reject(new Error(`exited before ready: ${out}${err}`)));
  });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, ready, exit, stderr: () => err };
}

test('bad flags exit with status 2 and a message', async () => {
  const { exit, stderr, ready } = runCli(['--bogus']);
  ready.catch(() => undefined);
  expect(await exit).toBe(2);
  expect(stderr()).toMatch(/bogus/);
});

test('the command serves the client, exports on SIGTERM, and a new run imports the data', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fs-export-'));
  const first = runCli(['--port', '0', '--export-on-exit', dir]);
  const address = await first.ready;
  expect(address).toMatch(/^127\.0\.0\.1:\d+$/);
  process.env.FIRESTORE_EMULATOR_HOST = address;
  const db = new Firestore({ projectId: 'demo-cli' });
  await db.doc('runs/r1').set({ n: 1, when: new Date(Date.UTC(2024, 0, 2)), bytes: Buffer.from([1, 2, 3]), nested: { list: [1.5, 'x', null] } });
  await db.doc('runs/r1/steps/s1').set({ ok: true });
  const written = await db.doc('runs/r1').get();
  await db.terminate();
  first.child.kill('SIGTERM');
  expect(await first.exit).toBe(0);
  expect(fs.existsSync(path.join(dir, 'firestore-data.json'))).toBe(true);

  const second = await startFirestoreEmulator({ port: 0, importDir: dir });
  try {
    process.env.FIRESTORE_EMULATOR_HOST = second.address;
    const db2 = new Firestore({ projectId: 'demo-cli' });
    const snap = await db2.doc('runs/r1').get();
    expect(snap.get('n')).toBe(1);
    expect(snap.get('when').toDate().toISOString()).toBe('2024-01-02T00:00:00.000Z');
    expect(Buffer.from(snap.get('bytes'))).toEqual(Buffer.from([1, 2, 3]));
    expect(snap.get('nested')).toEqual({ list: [1.5, 'x', null] });
    expect(snap.updateTime!.isEqual(written.updateTime!)).toBe(true);
    expect((await db2.doc('runs/r1/steps/s1').get()).get('ok')).toBe(true);
    // New commits are stamped after the imported ones.
    const res = await db2.doc('runs/r2').set({ n: 2 });
    expect(res.writeTime.toMillis()).toBeGreaterThanOrEqual(written.updateTime!.toMillis());
    await db2.terminate();
  } finally {
    await second.stop();
  }
});
