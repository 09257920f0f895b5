/**
 * `workflows-local`: run or validate a GCP Workflows YAML/JSON file locally.
 *
 *   workflows-local run FILE [--data JSON] [--set-env-vars K=V,...] [--format json]
 *   workflows-local validate FILE
 *
 * Exit codes: 0 SUCCEEDED (or valid), 1 FAILED/CANCELLED, 2 invalid workflow or usage error.
 * Without --format json, progress is printed live (each step start/end, timing, retries, errors).
 */
import { parseArgs } from 'node:util';
import fs from 'node:fs';
import {
  executeWorkflow, formatIssue, loadWorkflowSource, saveExecutionRecord, WorkflowValidationError,
  type ExecutionEvent, type ExecutionRecord, type WorkflowProgram,
} from '../emulator/workflows';

const USAGE = `usage:
  workflows-local run FILE [--data JSON] [--set-env-vars K=V,...] [--format json] [--no-save]
  workflows-local validate FILE`;

class UsageError extends Error {}

function parseEnvVars(spec: string | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  if (!spec) return env;
  for (const pair of spec.split(',')) {
    if (!pair.trim()) continue;
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--set-env-vars: expected KEY=VALUE, got "${pair}"`);
    env[pair.slice(0, eq).trim()] = pair.slice(eq + 1);
  }
  return env;
}

function load(file: string): WorkflowProgram {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
  }
  return loadWorkflowSource(text, file);
}

const color = process.stdout.isTTY ? (c: number, s: string) => `\x1b[${c}m${s}\x1b[0m` : (_c: number, s: string) => s;

function progress(e: ExecutionEvent): void {
  const where = `${e.workflow === 'main' ? '' : `${e.workflow}.`}${e.step}${e.branch !== undefined ? ` [${e.branch}]` : ''}`;
  const t = e.time.slice(11, 23);
  switch (e.type) {
    case 'step-started':
      process.stdout.write(`${t} ▶ ${where}\n`);
      break;
    case 'step-finished':
      process.stdout.write(`${t} ${color(32, '✔')} ${where} (${e.durationMs} ms${e.retries ? `, ${e.retries} retries` : ''})\n`);
      break;
    case 'step-retrying':
      process.stdout.write(`${t} ${color(33, '↻')} ${where} retry ${e.attempt} in ${e.delaySeconds}s after ${JSON.stringify(e.error)}\n`);
      break;
    case 'step-failed':
      process.stdout.write(`${t} ${color(31, '✘')} ${where} (${e.durationMs} ms) ${JSON.stringify(e.error)}\n`);
      break;
  }
}

function printSummary(rec: ExecutionRecord): void {
  process.stdout.write(`\nexecution ${rec.executionId}: ${rec.state} in ${rec.duration} (${rec.stepsExecuted} steps)\n`);
  if (rec.state === 'SUCCEEDED') process.stdout.write(`result: ${rec.result}\n`);
  if (rec.error) {
    const f = rec.failingStep;
    process.stderr.write(`error payload: ${rec.error.payload}\n`);
    if (f) process.stderr.write(`failing step: ${f.step} (workflow ${f.workflow}) at ${f.file}:${f.line}:${f.column}\n`);
    process.stderr.write(`context: ${rec.error.context}\n`);
  }
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      data: { type: 'string' },
      'set-env-vars': { type: 'string' },
      format: { type: 'string' },
      'no-save': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const [command, file] = positionals;
  if (!command || !file || positionals.length > 2) throw new UsageError(USAGE);
  if (command === 'validate') {
    load(file);
    process.stdout.write(`${file}: valid\n`);
    return 0;
  }
  if (command !== 'run') throw new UsageError(`unknown command "${command}"\n${USAGE}`);
  if (values.format !== undefined && values.format !== 'json') throw new UsageError('--format accepts only "json"');
  const json = values.format === 'json';
  const env = parseEnvVars(values['set-env-vars']);
  let argumentText: string | undefined;
  if (values.data !== undefined) {
    try {
      JSON.parse(values.data);
    } catch (e) {
      throw new UsageError(`--data is not valid JSON: ${(e as Error).message}`);
    }
    argumentText = values.data;
  }
  const program = load(file);
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  const record = await executeWorkflow(program, {
    argumentText,
    env,
    signal: controller.signal,
    onEvent: json ? undefined : progress,
    logSink: (line) => process.stderr.write(`${line}\n`),
  });
  if (!values['no-save']) {
    try {
      const saved = await saveExecutionRecord(record);
      if (!json && saved.file) process.stdout.write(`record: ${saved.file}${saved.firestorePath ? ` and ${saved.firestorePath}` : ''}\n`);
    } catch (e) {
      process.stderr.write(`warning: could not save the execution record: ${(e as Error).message}\n`);
    }
  }
  if (json) {
    process.stdout.write(`${JSON.stringify(record, null, 2)}\n`);
    if (record.error) {
      process.stderr.write(`error payload: ${record.error.payload}\n`);
      if (record.failingStep) process.stderr.write(`failing step: ${record.failingStep.step} at ${record.failingStep.file}:${record.failingStep.line}:${record.failingStep.column}\n`);
    }
  } else printSummary(record);
  return record.state === 'SUCCEEDED' ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof WorkflowValidationError) {
      for (const issue of err.issues) process.stderr.write(`${formatIssue(issue)}\n`);
    } else if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`${(err as Error).message}\n`);
    } else {
      process.stderr.write(`workflows-local: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exitCode = 1;
      return;
    }
    process.exitCode = 2;
  },
);
