/**
 * `npm run emulate`: the whole backend on this machine — Firestore emulator (embedded by default,
 * `--firestore=firebase` for the official one where Java 21+ exists), local services (market
 * stand-ins, once they exist) and every function at its own URL. Prints the endpoints and the env
 * vars to export, records them in `.runs/emulate.json` for `npm run local-workflow`, and stays up
 * until Ctrl-C, then stops everything.
 *
 *   node dist/scripts/emulate.js [--firestore=embedded|firebase] [--firestore-port N] [--functions-port N]
 *                                [--project ID] [--import DIR] [--export-on-exit DIR]
 *                                [--pools N] [--days N] [--seed N] [--run-date YYYY-MM-DD] [--recordings DIR]
 *                                [--workflows-dir DIR] [--workflows-api-port N] [--console-port N]
 *   node dist/scripts/emulate.js token <functionName|URL>     prints a fresh bearer token (1 h)
 *
 * Ports default to firebase.json (Firestore 8080, functions 5001). A busy default port falls back
 * to a free one with a notice (everything downstream reads the actual address from the printed env
 * or .runs/emulate.json); a port given explicitly must be free.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { mintLocalIdToken } from '../emulator/functions/auth';
import { readEmulatorPorts } from './lib/firebase-config';
import { loadOrCreateLocalSecret, secretFilePath } from './lib/secret';
import { startLocalStack, type LocalStack, type ServiceStarter } from './lib/stack';
import { MARKET_FLAGS, marketOptionsFromFlags, marketService, seedTreasuryPoolContracts } from './market';
import { workflowsApiService } from './workflows-api';
import { consoleService } from './console';
import { discoverRunning, emulateStatePath, readEmulateState, removeEmulateState, writeEmulateState, type EmulateState } from './lib/state';

export const READY_LINE = 'emulate: ready';
export const DEFAULT_PROJECT = 'demo-yieldopt';

/** Local services started between Firestore and the functions host: the offline market stand-ins. */
const localServices = (values: Parameters<typeof marketOptionsFromFlags>[0]): ServiceStarter[] => [marketService(marketOptionsFromFlags(values))];

const USAGE = `usage: emulate [--firestore=embedded|firebase] [--firestore-port N] [--functions-port N] [--project ID]
               [--import DIR] [--export-on-exit DIR]
               [--pools N] [--days N] [--seed N] [--run-date YYYY-MM-DD] [--recordings DIR]   (market stand-ins)
               [--workflows-dir DIR] [--workflows-api-port N]   (local Workflows Executions API; default workflows/, 8090)
               [--console-port N]   (read-only run-history web page; default 4000)
       emulate token <functionName|URL>`;

const out = (line = '') => process.stdout.write(`${line}\n`);
const err = (line: string) => process.stderr.write(`${line}\n`);

function parsePort(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${flag} must be a port number (0-65535), got ${JSON.stringify(value)}`);
  return n;
}

/** `emulate token startRun`: a token for a function of the running instance (or any URL). */
function printToken(target: string | undefined): number {
  if (!target) {
    err('usage: emulate token <functionName|URL>');
    return 2;
  }
  let url = target;
  if (!/^https?:\/\//.test(target)) {
    const state = readEmulateState();
    if (!state) {
      err(`no running emulate instance recorded in ${emulateStatePath()}; pass a full URL instead`);
      return 1;
    }
    url = state.functions.urls[target] ?? `${state.functions.baseUrl}/${target}`;
  }
  out(mintLocalIdToken(url, loadOrCreateLocalSecret()));
  return 0;
}

function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

function printBanner(stack: LocalStack, stateFile: string): void {
  const fs = stack.firestore;
  const names = Object.keys(stack.functions.urls);
  const rel = (p: string) => path.relative(process.cwd(), p) || p;
  out('DefiYieldOpt local backend');
  out(`  Firestore emulator (${fs.kind})  ${fs.address}   project ${stack.project}`);
  out(`  Functions host                ${stack.functions.baseUrl}`);
  for (const name of names) out(`    ${name.padEnd(26)}  ${stack.functions.urls[name]}`);
  for (const [service, endpoints] of Object.entries(stack.services)) {
    for (const [label, url] of Object.entries(endpoints)) out(`  ${`${service} ${label}`.padEnd(30)}${url}`);
  }
  out('');
  out('Export in another shell to use it:');
  for (const [k, v] of Object.entries(stack.env)) out(`  export ${k}=${shellQuote(v)}`);
  out(`  export LOCAL_FUNCTIONS_SECRET="$(cat ${shellQuote(secretFilePath())})"`);
  out('');
  if (names.includes('startRun')) {
    const today = new Date().toISOString().slice(0, 10);
    out('Try it (the $(...) mints a fresh token for the function):');
    out(
      `  curl -sS -X POST ${stack.functions.urls.startRun} -H "Authorization: Bearer $(node ${shellQuote(rel(__filename))} token startRun)"` +
        ` -H 'Content-Type: application/json' -d '{"runDate":"${today}"}'`,
    );
    out('');
  }
  out(`Recorded in ${rel(stateFile)}. Press Ctrl-C to stop.`);
  out(READY_LINE);
}

async function run(argv: string[]): Promise<number> {
  if (argv[0] === 'token') return printToken(argv[1]);
  const { values } = parseArgs({
    args: argv,
    options: {
      firestore: { type: 'string', default: 'embedded' },
      'firestore-port': { type: 'string' },
      'functions-port': { type: 'string' },
      project: { type: 'string' },
      import: { type: 'string' },
      'export-on-exit': { type: 'string' },
      ...MARKET_FLAGS,
      'run-date': { type: 'string' },
      'workflows-dir': { type: 'string' },
      'workflows-api-port': { type: 'string' },
      'console-port': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    out(USAGE);
    return 0;
  }
  const mode = values.firestore;
  if (mode !== 'embedded' && mode !== 'firebase') throw new Error(`--firestore must be "embedded" or "firebase", got ${JSON.stringify(mode)}`);
  if (mode === 'firebase' && (values.import || values['export-on-exit'])) {
    throw new Error('--import/--export-on-exit apply to the embedded emulator; with --firestore=firebase pass them to firebase-tools directly');
  }
  const running = await discoverRunning();
  if (running && (running.firestoreUp || running.functionsUp)) {
    err(`emulate is already running (pid ${running.state.pid}): Firestore ${running.state.firestore.address}, functions ${running.state.functions.baseUrl}. Stop it first.`);
    return 1;
  }

  const defaults = readEmulatorPorts();
  const firestorePort = parsePort(values['firestore-port'], '--firestore-port');
  const functionsPort = parsePort(values['functions-port'], '--functions-port');
  const project = values.project ?? process.env.GOOGLE_CLOUD_PROJECT ?? process.env.GCLOUD_PROJECT ?? DEFAULT_PROJECT;
  const secret = loadOrCreateLocalSecret();
  // The local Executions API (ExecutionsClient / `cloud-workflow --local`) runs the YAML against this stack.
  const workflowsApi = workflowsApiService({ workflowsDir: values['workflows-dir'], port: parsePort(values['workflows-api-port'], '--workflows-api-port') });
  // The read-only run-history page (executions, steps, latest allocation) over this stack's Firestore.
  const runHistory = consoleService({ port: parsePort(values['console-port'], '--console-port') });
  const services = [...localServices(values), workflowsApi.starter, runHistory.starter];

  const stack = await startLocalStack({
    host: defaults.host,
    project,
    secret,
    firestore: {
      mode,
      port: firestorePort ?? defaults.firestorePort,
      strictPort: firestorePort !== undefined || mode === 'firebase',
      importDir: values.import ? path.resolve(values.import) : undefined,
      exportOnExit: values['export-on-exit'] ? path.resolve(values['export-on-exit']) : undefined,
    },
    functions: { port: functionsPort ?? defaults.functionsPort, strictPort: functionsPort !== undefined },
    services,
    notice: (m) => out(`note: ${m}`),
    onFunctionsLine: (line, stream) => (stream === 'stdout' ? out(line) : err(line)),
    onFirebaseLine: (line) => out(`[firebase] ${line}`),
  });

  workflowsApi.connect(stack, secret);
  runHistory.connect(stack);
  // The simulated treasury's pool contracts, as an operator would keep them (params.poolContracts).
  const control = stack.services.market?.control;
  if (control) {
    const n = await seedTreasuryPoolContracts(control, stack.firestore.address, project).catch((e: unknown) => (err(`emulate: could not seed params/current.poolContracts: ${(e as Error).message}`), 0));
    if (n) out(`note: params/current.poolContracts seeded with the simulated treasury's ${n} pool(s)`);
  }
  const state: EmulateState = {
    pid: process.pid,
    startedAt: new Date().toISOString(),
    project,
    firestore: stack.firestore,
    functions: stack.functions,
    services: stack.services,
    env: stack.env,
    secretFile: secretFilePath(),
  };
  const stateFile = writeEmulateState(state);
  printBanner(stack, stateFile);

  return new Promise<number>((resolve) => {
    let stopping = false;
    const shutdown = (signal: NodeJS.Signals) => {
      if (stopping) {
        err(`${signal} again: exiting without waiting`);
        process.exit(130);
      }
      stopping = true;
      out(`emulate: ${signal} received, stopping…`);
      stack
        .stop()
        .catch((e: unknown) => err(`emulate: error while stopping: ${(e as Error).message}`))
        .finally(() => {
          removeEmulateState(process.pid);
          out('emulate: stopped');
          resolve(0);
        });
    };
    process.on('SIGINT', shutdown);
    process.on('SIGTERM', shutdown);
  });
}

if (require.main === module) {
  process.env.METADATA_SERVER_DETECTION = 'none';
  run(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      err(`emulate: ${(e as Error).message}`);
      process.exit(/Java|firebase/.test((e as Error).message) ? 2 : 1);
    },
  );
}
