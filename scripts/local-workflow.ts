/**
 * `npm run local-workflow`: runs workflows/pipeline.yaml through the local Workflows interpreter
 * against the local functions host — the same file `gcloud workflows deploy` takes. Reuses a running
 * `npm run emulate` (found through .runs/emulate.json and probed); starts whatever part is missing
 * (Firestore emulator, market stand-ins, functions host) for the duration of the run and stops it
 * afterwards. --run-date also sets the market stand-ins' simulated clock (a reused instance's too);
 * --pools/--days/--seed/--recordings shape the stand-ins it starts itself.
 *
 *   node dist/scripts/local-workflow.js [--run-date YYYY-MM-DD] [--data JSON] [--format json]
 *                                       [--workflow FILE] [--import DIR] [--export-on-exit DIR]
 *                                       [--pools N] [--days N] [--seed N] [--recordings DIR]
 *
 * Live progress (each step's start and end with timing, retries, errors) and a summary go to
 * stdout; with --format json only the execution record (GCP Execution shape) is printed.
 * Exit codes as workflows-local: 0 SUCCEEDED, 1 FAILED or CANCELLED, 2 invalid workflow/arguments.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { redact } from '../functions/src/lib/log';
import { isValidRunDate } from '../functions/src/lib/dates';
import { executeWorkflow, loadWorkflowFile, saveExecutionRecord, WorkflowValidationError, type ExecutionEvent, type ExecutionRecord } from '../emulator/workflows';
import { DEFAULT_PROJECT } from './emulate';
import { loadOrCreateLocalSecret } from './lib/secret';
import { repoRoot, runsDir } from './lib/paths';
import { startLocalStack, type FirestorePlan, type FunctionsPlan, type LocalStack, type ServiceStarter } from './lib/stack';
import { MARKET_FLAGS, marketOptionsFromFlags, marketService, seedTreasuryPoolContracts, setRemoteMarketClock } from './market';
import { discoverRunning } from './lib/state';

const USAGE = `usage: local-workflow [--run-date YYYY-MM-DD] [--data JSON] [--format json] [--workflow FILE]
                      [--import DIR] [--export-on-exit DIR] [--pools N] [--days N] [--seed N] [--recordings DIR]`;

class UsageError extends Error {}

interface Output {
  /** Progress and summary lines (suppressed with --format json). */
  info(line: string): void;
  error(line: string): void;
}

function parseCli(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      data: { type: 'string' },
      'run-date': { type: 'string' },
      format: { type: 'string', default: 'text' },
      workflow: { type: 'string' },
      import: { type: 'string' },
      'export-on-exit': { type: 'string' },
      ...MARKET_FLAGS,
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.format !== 'text' && values.format !== 'json') throw new UsageError(`--format must be "json" (or omitted), got ${JSON.stringify(values.format)}`);
  let argument: unknown = null;
  if (values.data !== undefined) {
    try {
      argument = JSON.parse(values.data);
    } catch (e) {
      throw new UsageError(`--data is not valid JSON: ${(e as Error).message}`);
    }
  }
  const runDate = values['run-date'];
  if (runDate !== undefined) {
    if (!isValidRunDate(runDate)) throw new UsageError(`--run-date must be a calendar day YYYY-MM-DD, got ${JSON.stringify(runDate)}`);
    if (argument !== null && (typeof argument !== 'object' || Array.isArray(argument))) {
      throw new UsageError('--run-date needs --data to be a JSON object (the workflow argument)');
    }
    argument = { ...((argument as Record<string, unknown> | null) ?? {}), runDate };
  }
  // The stand-ins' clock follows the run date, given by --run-date or inside --data.
  const argRunDate = (argument as { runDate?: unknown } | null)?.runDate;
  const clockDate = runDate ?? (typeof argRunDate === 'string' && isValidRunDate(argRunDate) ? argRunDate : undefined);
  let market;
  try {
    market = marketOptionsFromFlags({ ...values, 'run-date': clockDate });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  return {
    market,
    help: values.help ?? false,
    json: values.format === 'json',
    argument,
    workflow: path.resolve(values.workflow ?? path.join(repoRoot(), 'workflows', 'pipeline.yaml')),
    importDir: values.import ? path.resolve(values.import) : undefined,
    exportOnExit: values['export-on-exit'] ? path.resolve(values['export-on-exit']) : undefined,
  };
}

/** One short line for an error value (HttpError maps, raised strings…), secrets removed. */
export function summarizeError(error: unknown): string {
  let text: string;
  if (error && typeof error === 'object') {
    const e = error as { tags?: unknown; code?: unknown; message?: unknown; body?: unknown };
    const tags = Array.isArray(e.tags) ? e.tags.join(',') : undefined;
    const bodyMessage = (e.body as { error?: { message?: unknown } } | undefined)?.error?.message;
    text = [tags, e.code !== undefined ? `HTTP ${String(e.code)}` : undefined, bodyMessage ?? e.message].filter(Boolean).join(' ');
    if (!text) text = JSON.stringify(error);
  } else text = String(error);
  text = String(redact(text));
  return text.length > 300 ? `${text.slice(0, 297)}...` : text;
}

function stepLabel(e: { step: string; workflow: string; branch?: string }): string {
  const scope = e.workflow === 'main' ? '' : `${e.workflow}/`;
  return `${scope}${e.step}${e.branch !== undefined ? ` [${e.branch}]` : ''}`;
}

/** Live progress: one line per step start, end, retry and failure. */
function progressPrinter(out: Output): (e: ExecutionEvent) => void {
  return (e) => {
    const time = e.time.slice(11, 23);
    switch (e.type) {
      case 'step-started':
        return out.info(`${time}  ▶ ${stepLabel(e)}`);
      case 'step-finished':
        return out.info(`${time}  ✓ ${stepLabel(e)}  ${e.durationMs} ms${e.retries ? `  (${e.retries} ${e.retries === 1 ? 'retry' : 'retries'})` : ''}`);
      case 'step-retrying':
        return out.info(`${time}  ↻ ${stepLabel(e)}  attempt ${e.attempt + 1} in ${e.delaySeconds}s after: ${summarizeError(e.error)}`);
      case 'step-failed':
        return out.info(`${time}  ✗ ${stepLabel(e)}  ${e.durationMs} ms: ${summarizeError(e.error)}`);
    }
  };
}

function printSummary(record: ExecutionRecord, out: Output, savedTo: string[]): void {
  out.info('');
  out.info(`Execution ${record.executionId}: ${record.state}${record.duration ? ` in ${record.duration}` : ''}`);
  if (record.state === 'SUCCEEDED' && record.result !== undefined) {
    const result = JSON.parse(record.result) as { runId?: string; runDate?: string; steps?: Record<string, { status?: string; counts?: Record<string, number>; warnings?: string[] }> };
    if (result && typeof result === 'object' && result.steps) {
      out.info(`  runDate ${result.runDate}   runId ${result.runId}`);
      for (const [name, s] of Object.entries(result.steps)) {
        const counts = Object.entries(s.counts ?? {}).map(([k, v]) => `${k}=${v}`).join(' ');
        out.info(`  ${name.padEnd(24)} ${String(s.status).padEnd(9)} ${counts}`);
        for (const w of s.warnings ?? []) out.info(`    warning: ${w}`);
      }
    } else out.info(`  result: ${record.result}`);
  }
  if (record.error) {
    out.error(`  error: ${String(redact(record.error.payload))}`);
    out.error(`  context: ${record.error.context}`);
    if (record.failingStep) out.error(`  failing step: ${record.failingStep.step} (${path.relative(process.cwd(), record.failingStep.file)}:${record.failingStep.line}:${record.failingStep.column})`);
  }
  for (const where of savedTo) out.info(`  record: ${where}`);
}

/** Reuses what a running `npm run emulate` serves and plans the rest. */
async function planStack(
  importDir: string | undefined,
  exportOnExit: string | undefined,
  out: Output,
  market: ReturnType<typeof marketOptionsFromFlags>,
): Promise<{ firestore: FirestorePlan; functions: FunctionsPlan; project: string; services: ServiceStarter[] }> {
  const running = await discoverRunning();
  const project = running?.state.project ?? process.env.GOOGLE_CLOUD_PROJECT ?? process.env.GCLOUD_PROJECT ?? DEFAULT_PROJECT;
  if (running?.firestoreUp && (importDir || exportOnExit)) {
    throw new UsageError('--import/--export-on-exit apply only when local-workflow starts the Firestore emulator itself, but `npm run emulate` is running');
  }
  const firestore: FirestorePlan = running?.firestoreUp
    ? { reuse: running.state.firestore }
    : { mode: 'embedded', port: 0, strictPort: false, importDir, exportOnExit };
  // A functions host is only reused together with the Firestore it was started against.
  const functions: FunctionsPlan = running?.firestoreUp && running.functionsUp ? { reuse: running.state.functions } : { port: 0, strictPort: false };
  if ('reuse' in firestore) out.info(`using the running emulate instance (pid ${running!.state.pid}): Firestore ${firestore.reuse.address}`);
  if ('reuse' in functions) out.info(`using the running functions host ${functions.reuse.baseUrl}`);
  // The market stand-ins live in the emulate process next to the functions host that was given their
  // URLs: reused with it (its clock moved to the run date), started with a new host otherwise.
  const controlUrl = running?.state.env.MARKET_CONTROL_URL;
  if ('reuse' in functions && controlUrl) {
    if (market.market && Object.keys(market.market).some((k) => k !== 'endDate')) out.info('note: --pools/--days/--seed apply only to stand-ins local-workflow starts; the running ones are kept');
    if (market.date) {
      await setRemoteMarketClock(controlUrl, market.date);
      out.info(`market stand-ins clock set to ${market.date}`);
    }
    return { firestore, functions, project, services: [] };
  }
  return { firestore, functions, project, services: 'reuse' in functions ? [] : [marketService(market)] };
}

async function run(argv: string[]): Promise<number> {
  let quiet = false; // --format json: only the record goes to stdout
  const out: Output = {
    info: (line) => (quiet ? undefined : process.stdout.write(`${line}\n`)),
    error: (line) => process.stderr.write(`${line}\n`),
  };
  let cli: ReturnType<typeof parseCli>;
  try {
    cli = parseCli(argv);
  } catch (e) {
    out.error(`local-workflow: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (cli.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  quiet = cli.json;

  let program;
  try {
    program = await loadWorkflowFile(cli.workflow);
  } catch (e) {
    if (e instanceof WorkflowValidationError) {
      out.error(`local-workflow: ${path.relative(process.cwd(), cli.workflow)} is not a valid workflow:\n${e.message}`);
      return 2;
    }
    out.error(`local-workflow: cannot read ${cli.workflow}: ${(e as Error).message}`);
    return 2;
  }

  const logDir = path.join(runsDir(), 'logs');
  fs.mkdirSync(logDir, { recursive: true });
  const hostLog = path.join(logDir, 'functions-host.log');
  const hostLogStream = fs.createWriteStream(hostLog, { flags: 'a' });

  let stack: LocalStack | undefined;
  const abort = new AbortController();
  const onSignal = () => {
    out.error('local-workflow: interrupted, cancelling the execution…');
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const secret = loadOrCreateLocalSecret();
    let plan;
    try {
      plan = await planStack(cli.importDir, cli.exportOnExit, out, cli.market);
    } catch (e) {
      if (e instanceof UsageError) {
        out.error(`local-workflow: ${e.message}`);
        return 2;
      }
      throw e;
    }
    stack = await startLocalStack({
      host: '127.0.0.1',
      project: plan.project,
      secret,
      firestore: plan.firestore,
      functions: plan.functions,
      services: plan.services,
      notice: (m) => out.info(`note: ${m}`),
      onFunctionsLine: (line) => hostLogStream.write(`${line}\n`),
    });
    if (stack.started.firestore) out.info(`started Firestore emulator (embedded) at ${stack.firestore.address}`);
    if (stack.started.services.includes('market')) out.info(`started market stand-ins at ${stack.services.market.defillama.replace(/\/defillama$/, '')} (today ${stack.services.market.today})`);
    if (stack.started.functions) out.info(`started functions host at ${stack.functions.baseUrl} (logs: ${path.relative(process.cwd(), hostLog)})`);
    out.info(`running ${path.relative(process.cwd(), cli.workflow)} with argument ${JSON.stringify(cli.argument)}`);
    out.info('');

    // The record is saved to this stack's Firestore (workflowExecutions/{id}) as well as to a file.
    process.env.FIRESTORE_EMULATOR_HOST = stack.firestore.address;
    // The simulated treasury's pool contracts, as an operator would keep them (params.poolContracts).
    const control = stack.services.market?.control ?? (await discoverRunning())?.state.env.MARKET_CONTROL_URL;
    if (control) await seedTreasuryPoolContracts(control, stack.firestore.address, stack.project).catch((e: unknown) => out.error(`local-workflow: could not seed params/current.poolContracts: ${(e as Error).message}`));
    const record = await executeWorkflow(program, {
      argument: cli.argument,
      env: { FUNCTIONS_BASE_URL: stack.functions.baseUrl },
      project: stack.project,
      workflowId: path.basename(cli.workflow).replace(/\.(ya?ml|json)$/i, ''),
      localFunctionsSecret: secret,
      onEvent: cli.json ? undefined : progressPrinter(out),
      signal: abort.signal,
      logSink: (line) => out.info(`  [sys.log] ${line}`),
    });
    const saved = await saveExecutionRecord(record, { dir: path.join(runsDir(), 'executions'), projectId: stack.project }).catch((e: unknown) => {
      out.error(`local-workflow: could not save the execution record: ${(e as Error).message}`);
      return {} as { file?: string; firestorePath?: string };
    });
    if (cli.json) process.stdout.write(`${JSON.stringify(record, null, 2)}\n`);
    else printSummary(record, out, [saved.file ? path.relative(process.cwd(), saved.file) : undefined, saved.firestorePath].filter((x): x is string => !!x));
    return record.state === 'SUCCEEDED' ? 0 : 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (stack) await stack.stop();
    hostLogStream.end();
  }
}

if (require.main === module) {
  process.env.METADATA_SERVER_DETECTION = 'none';
  run(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`local-workflow: ${String(redact((e as Error).message))}\n`);
      process.exit(1);
    },
  );
}
