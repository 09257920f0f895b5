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
 * Live progress (each pipeline step's start, then its outcome with timing and retries, every retry
 * and skip — from the workflow's own sys.log lines) and the run summary (step table with status,
 * duration, retries, warnings/errors; the allocation headline; pool filter counts) go to stdout;
 * with --format json only the execution record (GCP Execution shape) is printed. The summary is the
 * execution's result, or `summary` in its error payload when a step failed (pipeline.yaml header).
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

/** The pipeline's steps in workflow order (workflows/pipeline.yaml main). */
export const PIPELINE_STEPS = [
  'startRun', 'fetchPools', 'fetchPrices', 'fetchGas', 'fetchAccount', 'importScores', 'updateLedger',
  'filterPoolsPre', 'fetchPoolHistories', 'computeMetrics', 'groupPools', 'updateIcebox', 'buildFeatures',
  'forecastPools', 'forecastGas', 'filterPoolsFinal', 'optimizeAllocations', 'postSlackReport',
] as const;
const PIPELINE_STEP_SET: ReadonlySet<string> = new Set(PIPELINE_STEPS);

/** One step of the run summary (pipeline.yaml's step record). */
export interface StepSummary {
  status: string;
  durationMs?: number;
  retries?: number;
  warnings?: string[];
  counts?: Record<string, number>;
  error?: { message?: string; code?: number | null; tags?: string[] } | null;
  reason?: string;
  blockedBy?: string | null;
}

/** The workflow's run summary: its result, or `summary` inside the raised error when a step failed. */
export interface RunSummary {
  runId: string;
  runDate: string;
  status: 'succeeded' | 'degraded' | 'failed';
  phases?: string[];
  steps: Record<string, StepSummary>;
  failedSteps?: string[];
  allocation?: {
    status?: string;
    objective?: string;
    projectedApyPct?: number | null;
    projectedApyGrossPct?: number | null;
    transactions?: number | null;
    pools?: number | null;
    totalCostUsd?: number | null;
    path?: string;
    reasons?: string[] | null;
  } | null;
}

function isRunSummary(v: unknown): v is RunSummary {
  return !!v && typeof v === 'object' && typeof (v as RunSummary).runId === 'string' && !!(v as RunSummary).steps && typeof (v as RunSummary).steps === 'object';
}

/** The run summary of an execution record, whether it SUCCEEDED (result) or FAILED after reporting (error.payload.summary). */
export function runSummaryOf(record: ExecutionRecord): RunSummary | undefined {
  try {
    if (record.result !== undefined) {
      const result: unknown = JSON.parse(record.result);
      if (isRunSummary(result)) return result;
    }
    if (record.error) {
      const payload = JSON.parse(record.error.payload) as { summary?: unknown };
      if (isRunSummary(payload?.summary)) return payload.summary;
    }
  } catch {
    // not JSON: no summary
  }
  return undefined;
}

const STATUS_MARK: Record<string, string> = { ok: '✓', degraded: '!', skipped: '–', failed: '✗' };

/**
 * Live progress: "▶ step" when the workflow reaches a pipeline step, then the outcome line the
 * workflow logs (sys.log {pipelineStep, status|event, …}): done, retrying, skipped, failed.
 * Other steps (subworkflow internals) are not printed; an uncaught failure of a main step is.
 */
function progressPrinter(out: Output): { onEvent: (e: ExecutionEvent) => void; logSink: (line: string) => void } {
  const clock = (iso: string) => iso.slice(11, 23);
  return {
    onEvent: (e) => {
      if (e.workflow !== 'main') return;
      if (e.type === 'step-started' && PIPELINE_STEP_SET.has(e.step)) out.info(`${clock(e.time)}  ▶ ${e.step}`);
      else if (e.type === 'step-failed' && !PIPELINE_STEP_SET.has(e.step) && e.step !== 'ingest' && e.step !== 'forecast') {
        out.info(`${clock(e.time)}  ✗ ${e.step}: ${summarizeError(e.error)}`);
      }
    },
    logSink: (line) => {
      let entry: { timestamp?: string; textPayload?: string; jsonPayload?: Record<string, unknown> };
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        return out.info(`  [sys.log] ${line}`);
      }
      const p = entry.jsonPayload;
      const time = clock(entry.timestamp ?? new Date().toISOString());
      if (!p || typeof p.pipelineStep !== 'string') return out.info(`  [sys.log] ${entry.textPayload ?? JSON.stringify(p)}`);
      const name = p.pipelineStep;
      const retries = Number(p.retries ?? 0);
      const retryNote = retries ? `  (${retries} ${retries === 1 ? 'retry' : 'retries'})` : '';
      if (p.event === 'retry') return out.info(`${time}  ↻ ${name}  attempt ${String(p.attempt)} in ${String(p.delaySeconds)}s after: ${String(redact(String(p.error)))}`);
      const status = String(p.status);
      const mark = STATUS_MARK[status] ?? '?';
      if (status === 'skipped' && p.reason) return out.info(`${time}  ${mark} ${name}  skipped: ${String(p.reason).replace(/^skipped: /, '')}`);
      if (status === 'failed') return out.info(`${time}  ${mark} ${name}  failed after ${String(p.durationMs)} ms${retryNote}: ${String(redact(String(p.error)))}`);
      return out.info(`${time}  ${mark} ${name}  ${status}  ${String(p.durationMs)} ms${retryNote}`);
    },
  };
}

const usd = (v: number) => `$${v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const pct = (v: number) => `${v.toFixed(2)} %`;

/** The human summary of a run: step table, allocation headline, pool filter counts (pure; tested). */
export function formatRunSummary(summary: RunSummary): string[] {
  const lines: string[] = [];
  lines.push(`Run ${summary.runDate}  ${summary.status.toUpperCase()}   runId ${summary.runId}${summary.phases ? `   phases ${summary.phases.join(',')}` : ''}`);
  lines.push('');
  lines.push(`  ${'step'.padEnd(21)} ${'status'.padEnd(9)} ${'duration'.padStart(10)}  ${'retries'.padStart(7)}  notes`);
  const names = [...PIPELINE_STEPS.filter((n) => n in summary.steps), ...Object.keys(summary.steps).filter((n) => !PIPELINE_STEP_SET.has(n))];
  for (const name of names) {
    const s = summary.steps[name];
    const notes: string[] = [];
    if (s.status === 'failed' && s.error) notes.push(`error: ${s.error.code !== undefined && s.error.code !== null ? `HTTP ${s.error.code} ` : ''}${String(redact(s.error.message ?? ''))}`);
    if (s.status === 'skipped' && s.reason) notes.push(s.reason.replace(/^skipped: /, ''));
    const warnings = s.warnings ?? [];
    const shown = warnings.slice(0, 3).map((w) => `warning: ${String(redact(w))}`);
    if (warnings.length > 3) shown.push(`… ${warnings.length - 3} more warning(s)`);
    const duration = s.durationMs !== undefined ? `${s.durationMs} ms` : '';
    lines.push(`  ${name.padEnd(21)} ${s.status.padEnd(9)} ${duration.padStart(10)}  ${String(s.retries ?? 0).padStart(7)}  ${notes[0] ?? shown.shift() ?? ''}`);
    for (const note of [...notes.slice(1), ...shown]) lines.push(`  ${''.padEnd(21)} ${''.padEnd(9)} ${''.padStart(10)}  ${''.padStart(7)}  ${note}`);
  }
  lines.push('');
  const a = summary.allocation;
  if (a && a.status && a.reasons == null) {
    const apy = typeof a.projectedApyPct === 'number' ? `projected APY ${pct(a.projectedApyPct)} net${typeof a.projectedApyGrossPct === 'number' ? ` (${pct(a.projectedApyGrossPct)} gross)` : ''}` : 'projected APY n/a';
    lines.push(`  Allocation: ${a.status}, ${apy}, ${a.transactions ?? 0} transaction(s), ${a.pools ?? 0} pool(s), total cost ${typeof a.totalCostUsd === 'number' ? usd(a.totalCostUsd) : 'n/a'}${a.path ? `  (${a.path})` : ''}`);
  } else if (a && a.status) {
    lines.push(`  Allocation: ${a.status}${a.reasons?.length ? `: ${a.reasons.join('; ')}` : ''}${a.path ? `  (${a.path})` : ''}`);
  } else {
    lines.push(`  Allocation: none (optimizeAllocations ${summary.steps.optimizeAllocations?.status ?? 'not run'})`);
  }
  const pre = summary.steps.filterPoolsPre?.counts;
  const fin = summary.steps.filterPoolsFinal?.counts;
  const parts: string[] = [];
  if (pre && pre.pools !== undefined) parts.push(`${pre.pools} pools → ${pre.eligible} eligible after the pre-filter`);
  if (fin && fin.kept !== undefined) parts.push(`${fin.kept} kept by the final filter (${fin.dropped ?? 0} dropped, ${fin.mustExit ?? 0} held must exit)`);
  if (parts.length) lines.push(`  Pool filter: ${parts.join(' → ')}`);
  if (summary.failedSteps?.length) lines.push(`  Failed steps: ${summary.failedSteps.join(', ')}`);
  return lines;
}

function printSummary(record: ExecutionRecord, out: Output, savedTo: string[]): void {
  out.info('');
  const summary = runSummaryOf(record);
  if (summary) for (const line of formatRunSummary(summary)) out.info(line);
  else if (record.state === 'SUCCEEDED' && record.result !== undefined) out.info(`  result: ${record.result}`);
  out.info('');
  out.info(`Execution ${record.executionId}: ${record.state}${record.duration ? ` in ${record.duration}` : ''}`);
  if (record.error) {
    const payload = (() => {
      try {
        return JSON.parse(record.error!.payload) as { message?: unknown };
      } catch {
        return undefined;
      }
    })();
    // With a run summary the table above already says everything; name the error only.
    if (summary && typeof payload?.message === 'string') out.error(`  error: ${String(redact(payload.message))}`);
    else {
      out.error(`  error: ${String(redact(record.error.payload))}`);
      out.error(`  context: ${record.error.context}`);
      if (record.failingStep) out.error(`  failing step: ${record.failingStep.step} (${path.relative(process.cwd(), record.failingStep.file)}:${record.failingStep.line}:${record.failingStep.column})`);
    }
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
    const progress = cli.json ? undefined : progressPrinter(out);
    const record = await executeWorkflow(program, {
      argument: cli.argument,
      env: { FUNCTIONS_BASE_URL: stack.functions.baseUrl },
      project: stack.project,
      workflowId: path.basename(cli.workflow).replace(/\.(ya?ml|json)$/i, ''),
      localFunctionsSecret: secret,
      onEvent: progress?.onEvent,
      signal: abort.signal,
      // --format json: the workflow's log lines are not part of the output.
      logSink: progress?.logSink ?? (() => undefined),
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
