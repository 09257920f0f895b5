/** The execution record: GCP Execution shape, per-step history, saving to .runs/ and Firestore. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { saveExecutionRecord } from '../../emulator/workflows';
import { runYaml } from './support/run-case';

const FAILING = `main:
  params: [args]
  steps:
    - first:
        assign:
          - n: \${args.n}
    - call_sub:
        call: sub
        args:
          v: \${n}
sub:
  params: [v]
  steps:
    - check:
        raise:
          code: \${v}
          reason: "bad value"
`;

test('a failed run records state, payload, failing step, stack and per-step status', async () => {
  const r = await runYaml(FAILING, { argument: { n: 7 }, executionId: 'exec-1', project: 'p1', location: 'europe-west1', workflowId: 'wf' }, 'fail.yaml');
  const rec = r.record;
  expect(rec.name).toBe('projects/p1/locations/europe-west1/workflows/wf/executions/exec-1');
  expect(rec.state).toBe('FAILED');
  expect(rec.argument).toBe('{"n":7}');
  expect(rec.result).toBeUndefined();
  expect(JSON.parse(rec.error!.payload)).toEqual({ code: 7, reason: 'bad value' });
  expect(rec.failingStep).toEqual({ workflow: 'sub', step: 'check', file: 'fail.yaml', line: 14, column: 7 });
  expect(rec.error!.stackTrace.elements.map((e) => `${e.routine}.${e.step}`)).toEqual(['sub.check', 'main.call_sub']);
  expect(rec.error!.context).toContain('in step "check"');
  expect(rec.steps.map((s) => `${s.workflow}.${s.name}:${s.status}`)).toEqual(['main.first:SUCCEEDED', 'main.call_sub:FAILED', 'sub.check:FAILED']);
  expect(rec.steps[2].error).toEqual({ code: 7, reason: 'bad value' });
  expect(rec.stepsExecuted).toBe(3);
  expect(Date.parse(rec.endTime!)).toBeGreaterThanOrEqual(Date.parse(rec.startTime));
  expect(rec.workflowRevisionId).toBeTruthy();
});

test('a successful run has result as JSON text and no error', async () => {
  const r = await runYaml(`- a:
    return: {x: 1.5, y: [1, "a"]}
`);
  expect(r.record.state).toBe('SUCCEEDED');
  expect(r.record.result).toBe('{"x":1.5,"y":[1,"a"]}');
  expect(r.record.error).toBeUndefined();
});

test('cancelling through the AbortSignal ends in CANCELLED', async () => {
  const controller = new AbortController();
  const r = await runYaml(
    `- loop:
    for:
      value: i
      range: [1, 50]
      steps:
        - nap:
            call: sys.sleep
            args:
              seconds: 1
`,
    {
      signal: controller.signal,
      sleep: async () => {
        controller.abort();
      },
    },
  );
  expect(r.record.state).toBe('CANCELLED');
});

test('step records are capped but every step is counted', async () => {
  const r = await runYaml(
    `- loop:
    for:
      value: i
      range: [1, 100]
      steps:
        - s:
            assign:
              - x: \${i}
`,
    { maxStepRecords: 10 },
  );
  expect(r.record.stepsExecuted).toBe(101);
  expect(r.record.steps).toHaveLength(10);
  expect(r.record.droppedStepRecords).toBe(91);
});

test('saveExecutionRecord writes .runs/<id>.json and the Firestore document', async () => {
  const r = await runYaml(FAILING, { argument: { n: 1 }, executionId: 'exec-save' });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-rec-'));
  const written: Record<string, unknown> = {};
  const fakeDb = {
    collection: (c: string) => ({ doc: (id: string) => ({ set: async (data: unknown) => void (written[`${c}/${id}`] = data) }) }),
  };
  const saved = await saveExecutionRecord(r.record, { dir, firestore: fakeDb });
  expect(saved.file).toBe(path.join(dir, 'exec-save.json'));
  expect(JSON.parse(fs.readFileSync(saved.file!, 'utf8')).state).toBe('FAILED');
  expect(saved.firestorePath).toBe('workflowExecutions/exec-save');
  expect((written['workflowExecutions/exec-save'] as { failingStep: { step: string } }).failingStep.step).toBe('check');
  fs.rmSync(dir, { recursive: true, force: true });
});

test('sys.log lines go to the log sink as structured JSON', async () => {
  const r = await runYaml(`- l:
    call: sys.log
    args:
      json: {a: 1}
      severity: ERROR
- t:
    call: sys.log
    args: ["text", "INFO"]
`);
  expect(r.logs.map((l) => JSON.parse(l))).toEqual([
    expect.objectContaining({ severity: 'ERROR', jsonPayload: { a: 1 } }),
    expect.objectContaining({ severity: 'INFO', textPayload: 'text' }),
  ]);
});
