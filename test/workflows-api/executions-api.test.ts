/**
 * The local Executions API driven through the unmodified ExecutionsClient of @google-cloud/workflows:
 * create → get until done (SUCCEEDED with the result, FAILED with the error payload), cancel of a
 * sleeping execution, list with pagination and views, and the API's error statuses.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { status } from '@grpc/grpc-js';
import { ExecutionsClient } from '@google-cloud/workflows';
import { localExecutionsClientOptions, startWorkflowsApi, type WorkflowsApi } from '../../emulator/workflows-api';

const WORKFLOWS: Record<string, string> = {
  'hello.yaml': `
main:
  params: [args]
  steps:
    - greet:
        return:
          greeting: \${"hello " + args.name}
          base: \${sys.get_env("FUNCTIONS_BASE_URL")}
`,
  'boom.yaml': `
main:
  steps:
    - fail:
        raise:
          code: 7
          message: boom
`,
  'sleepy.yaml': `
main:
  steps:
    - nap:
        call: sys.sleep
        args:
          seconds: 600
    - done:
        return: woke
`,
  'broken.yaml': `
main:
  steps:
    - x:
        next: nowhere
`,
};

const PARENT = (w: string) => `projects/demo-p/locations/europe-west1/workflows/${w}`;

let dir: string;
let api: WorkflowsApi;
let client: ExecutionsClient;
const finished: string[] = [];
let getClientSpy: jest.SpyInstance;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'workflows-api-'));
  for (const [name, text] of Object.entries(WORKFLOWS)) fs.writeFileSync(path.join(dir, name), text);
  api = await startWorkflowsApi({
    workflowsDir: dir,
    runtime: () => ({ env: { FUNCTIONS_BASE_URL: 'http://127.0.0.1:9/base' } }),
    onFinished: (record) => void finished.push(record.executionId),
  });
  client = new ExecutionsClient(localExecutionsClientOptions(api.address));
  // Local mode must never look for Google credentials (ADC file, metadata server).
  getClientSpy = jest.spyOn(client.auth, 'getClient');
});

afterAll(async () => {
  await client?.close();
  await api?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function waitDone(name: string) {
  for (;;) {
    const [execution] = await client.getExecution({ name });
    if (execution.state !== 'ACTIVE') return execution;
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function expectCode(promise: Promise<unknown>, code: status): Promise<string> {
  const err = (await promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => e,
  )) as { code?: number; details?: string };
  expect(err.code).toBe(code);
  return err.details ?? '';
}

test('create → get until SUCCEEDED returns the result, argument and timing', async () => {
  const [created] = await client.createExecution({ parent: PARENT('hello'), execution: { argument: '{"name":"treasury"}' } });
  expect(created.name).toMatch(/^projects\/demo-p\/locations\/europe-west1\/workflows\/hello\/executions\/[0-9a-f-]{36}$/);
  expect(created.startTime?.seconds).toBeDefined();

  const done = await waitDone(created.name!);
  expect(done.state).toBe('SUCCEEDED');
  expect(JSON.parse(done.result!)).toEqual({ greeting: 'hello treasury', base: 'http://127.0.0.1:9/base' });
  expect(done.argument).toBe('{"name":"treasury"}');
  expect(done.error).toBeNull();
  expect(Number(done.endTime!.seconds)).toBeGreaterThanOrEqual(Number(done.startTime!.seconds));
  expect(done.duration).toBeTruthy();
  expect(done.status?.currentSteps).toEqual([{ routine: 'main', step: 'greet' }]);
  expect(finished).toContain(created.name!.split('/').pop());
});

test('a raised error ends FAILED with the payload and the failing step', async () => {
  const [created] = await client.createExecution({ parent: PARENT('boom'), execution: {} });
  const done = await waitDone(created.name!);
  expect(done.state).toBe('FAILED');
  expect(done.result).toBe('');
  expect(JSON.parse(done.error!.payload!)).toEqual({ code: 7, message: 'boom' });
  expect(done.error!.context).toContain('fail');
  expect(done.error!.stackTrace!.elements![0]).toMatchObject({ step: 'fail', routine: 'main' });
});

test('cancel stops a sleeping execution: CANCELLED, and a second cancel is refused', async () => {
  const [created] = await client.createExecution({ parent: PARENT('sleepy'), execution: { argument: '{}' } });
  // The execution is live: ACTIVE with the step it is in.
  let live;
  do [live] = await client.getExecution({ name: created.name });
  while (live.status?.currentSteps?.[0]?.step !== 'nap');
  expect(live.state).toBe('ACTIVE');

  const [cancelled] = await client.cancelExecution({ name: created.name });
  expect(cancelled.state).toBe('CANCELLED');
  const [after] = await client.getExecution({ name: created.name });
  expect(after.state).toBe('CANCELLED');
  expect(after.endTime).toBeTruthy();
  const details = await expectCode(client.cancelExecution({ name: created.name }), status.FAILED_PRECONDITION);
  expect(details).toContain('not active');
});

test('list pages newest first, BASIC by default, FULL on request', async () => {
  const names: string[] = [];
  for (const name of ['a', 'b', 'c']) {
    const [e] = await client.createExecution({ parent: PARENT('hello'), execution: { argument: JSON.stringify({ name }) } });
    names.push(e.name!);
  }
  await Promise.all(names.map(waitDone));

  const [page1, next1, raw1] = await client.listExecutions({ parent: PARENT('hello'), pageSize: 2 }, { autoPaginate: false });
  expect(page1.map((e) => e.name)).toEqual([names[2], names[1]]);
  expect(page1[0].state).toBe('SUCCEEDED');
  expect(page1[0].result).toBe(''); // BASIC view: no result
  expect(raw1?.nextPageToken).toBeTruthy();
  const [page2] = await client.listExecutions({ ...next1!, pageSize: 2 }, { autoPaginate: false });
  expect(page2[0].name).toBe(names[0]);
  // Executions of other workflows are not listed; the earlier hello run comes last.
  const [all] = await client.listExecutions({ parent: PARENT('hello'), view: 'FULL' });
  expect(all.slice(0, 3).map((e) => e.name)).toEqual([names[2], names[1], names[0]]);
  expect(all.every((e) => e.name!.includes('/workflows/hello/'))).toBe(true);
  expect(JSON.parse(all[0].result!)).toMatchObject({ greeting: 'hello c' });
  // Other workflows have their own lists.
  const [boom] = await client.listExecutions({ parent: PARENT('boom') });
  expect(boom.map((e) => e.state)).toEqual(['FAILED']);
});

test('errors: unknown workflow, invalid workflow, bad argument, unknown execution, bad names', async () => {
  expect(await expectCode(client.createExecution({ parent: PARENT('nope'), execution: {} }), status.NOT_FOUND)).toContain('nope');
  expect(await expectCode(client.createExecution({ parent: PARENT('broken'), execution: {} }), status.FAILED_PRECONDITION)).toContain('nowhere');
  expect(await expectCode(client.createExecution({ parent: PARENT('hello'), execution: { argument: '{oops' } }), status.INVALID_ARGUMENT)).toContain('JSON');
  await expectCode(client.getExecution({ name: `${PARENT('hello')}/executions/00000000-0000-0000-0000-000000000000` }), status.NOT_FOUND);
  await expectCode(client.getExecution({ name: 'executions/x' }), status.INVALID_ARGUMENT);
  await expectCode(client.createExecution({ parent: 'projects/p/locations/l/workflows/../../etc', execution: {} }), status.INVALID_ARGUMENT);
  await expectCode(client.listExecutions({ parent: PARENT('hello'), filter: 'state="FAILED"' }, { autoPaginate: false }), status.UNIMPLEMENTED);
});

test('the client never asked google-auth-library for credentials', () => {
  expect(getClientSpy).not.toHaveBeenCalled();
});
