/**
 * Conformance suite: every `cases/**\/<name>.workflow.yaml` (or .workflow.json) with its
 * `<name>.expect.json` is one test. Expectations: SUCCEEDED + exact result, FAILED + exact error
 * payload or a subset of its keys (`errorIncludes`), or `invalid` at a line/column. HTTP cases reach
 * a real local server through the user env vars TEST_SERVER_URL and REFUSED_URL.
 */
import fs from 'node:fs';
import path from 'node:path';
import { executeWorkflow, loadWorkflowSource, WorkflowValidationError } from '../../emulator/workflows';
import { startTestServer, type TestServer } from './support/test-server';

interface CaseExpect {
  doc?: string;
  argument?: unknown;
  env?: Record<string, string>;
  expect:
    | { state: 'SUCCEEDED'; result: unknown }
    | { state: 'FAILED'; error?: unknown; errorIncludes?: Record<string, unknown>; failingStep?: string }
    | { invalid: { line: number; column?: number; messageIncludes: string } };
}

const CASES_DIR = path.join(__dirname, 'cases');

function discover(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...discover(p));
    else if (/\.workflow\.(ya?ml|json)$/.test(entry.name)) out.push(p);
  }
  return out.sort();
}

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

const files = discover(CASES_DIR);

test('the suite has cases', () => {
  expect(files.length).toBeGreaterThan(0);
});

describe.each(files.map((f) => [path.relative(CASES_DIR, f), f]))('%s', (_name, file) => {
  test('matches its expectation', async () => {
    const expectFile = file.replace(/\.workflow\.(ya?ml|json)$/, '.expect.json');
    const spec = JSON.parse(fs.readFileSync(expectFile, 'utf8')) as CaseExpect;
    const text = fs.readFileSync(file, 'utf8');
    const rel = path.relative(CASES_DIR, file);
    if ('invalid' in spec.expect) {
      const inv = spec.expect.invalid;
      let error: unknown;
      try {
        loadWorkflowSource(text, rel);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(WorkflowValidationError);
      const issues = (error as WorkflowValidationError).issues;
      const match = issues.find(
        (i) => i.line === inv.line && (inv.column === undefined || i.column === inv.column) && i.message.includes(inv.messageIncludes),
      );
      if (!match) throw new Error(`no issue at ${inv.line}:${inv.column ?? '*'} containing "${inv.messageIncludes}"; got:\n${(error as Error).message}`);
      expect(match.file).toBe(rel);
      return;
    }
    const program = loadWorkflowSource(text, rel);
    const record = await executeWorkflow(program, {
      argument: spec.argument,
      env: { TEST_SERVER_URL: server.url, REFUSED_URL: server.refusedUrl, ...(spec.env ?? {}) },
      sleep: async () => undefined,
      logSink: () => undefined,
      executionId: 'conformance-exec',
      workflowId: 'conformance',
      project: 'conformance-project',
      location: 'us-central1',
    });
    const exp = spec.expect;
    if (exp.state === 'SUCCEEDED') {
      if (record.state !== 'SUCCEEDED') throw new Error(`expected SUCCEEDED, got ${record.state}: ${record.error?.payload} (${record.error?.context})`);
      expect(JSON.parse(record.result ?? 'null')).toEqual(exp.result);
      return;
    }
    expect(record.state).toBe('FAILED');
    const payload = JSON.parse(record.error?.payload ?? 'null');
    if (exp.error !== undefined) expect(payload).toEqual(exp.error);
    if (exp.errorIncludes) expect(payload).toEqual(expect.objectContaining(exp.errorIncludes));
    if (exp.failingStep) expect(record.failingStep?.step).toBe(exp.failingStep);
  });
});
