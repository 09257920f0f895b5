/**
 * `npm run cloud-workflow`: starts an execution of a deployed workflow with the Executions API of
 * @google-cloud/workflows and follows it: state changes and the current step as they happen, then
 * the result (or the error payload and context).
 *
 *   node dist/scripts/cloud-workflow.js [--project ID] [--location REGION] [--workflow pipeline]
 *                                       [--data JSON] [--format json] [--local] [--endpoint HOST:PORT]
 *
 * In GCP the client uses Application Default Credentials (`gcloud auth application-default login`
 * or a service account); --project defaults to GOOGLE_CLOUD_PROJECT, --location to REGION.
 * With --local the same, unmodified ExecutionsClient talks plaintext gRPC to the local Executions
 * API of `npm run emulate` (found through WORKFLOWS_EXECUTIONS_EMULATOR_HOST, --endpoint or
 * .runs/emulate.json) and never looks for Google credentials.
 *
 * Ctrl-C cancels the execution (CancelExecution) and waits for it to end.
 * Exit codes: 0 SUCCEEDED, 1 FAILED or CANCELLED (or the API refused), 2 usage.
 */
import { parseArgs } from 'node:util';
import { ExecutionsClient, type protos } from '@google-cloud/workflows';
import { EMULATOR_HOST_ENV, localExecutionsClientOptions } from '../emulator/workflows-api/client';
import { redact } from '../functions/src/lib/log';
import { readEmulateState } from './lib/state';

const USAGE = `usage: cloud-workflow [--project ID] [--location REGION] [--workflow pipeline] [--data JSON] [--format json]
                      [--local [--endpoint HOST:PORT]]`;

class UsageError extends Error {}

const LOCAL_DEFAULT_LOCATION = 'us-central1';
/** GCP bills API calls, and executions run for minutes: poll gently there, briskly locally. */
const POLL_MS = { cloud: 2000, local: 200 };

interface Cli {
  local: boolean;
  endpoint?: string;
  project: string;
  location: string;
  workflow: string;
  argument: string;
  json: boolean;
}

function parseCli(argv: string[], env: NodeJS.ProcessEnv): Cli | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      project: { type: 'string' },
      location: { type: 'string' },
      workflow: { type: 'string', default: 'pipeline' },
      data: { type: 'string' },
      format: { type: 'string', default: 'text' },
      local: { type: 'boolean', default: false },
      endpoint: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) return 'help';
  if (values.format !== 'text' && values.format !== 'json') throw new UsageError(`--format must be "json" (or omitted), got ${JSON.stringify(values.format)}`);
  if (values.endpoint && !values.local) throw new UsageError('--endpoint applies to --local only');
  let argument = '';
  if (values.data !== undefined) {
    try {
      JSON.parse(values.data);
    } catch (e) {
      throw new UsageError(`--data is not valid JSON: ${(e as Error).message}`);
    }
    argument = values.data;
  }
  const workflow = values.workflow!;
  if (!/^[A-Za-z][A-Za-z0-9_-]{0,127}$/.test(workflow)) throw new UsageError(`--workflow must be a workflow id (letters, digits, - and _), got ${JSON.stringify(workflow)}`);

  let endpoint: string | undefined;
  let project = values.project ?? env.GOOGLE_CLOUD_PROJECT ?? env.GCLOUD_PROJECT;
  let location = values.location ?? env.REGION;
  if (values.local) {
    const state = readEmulateState(env);
    endpoint = values.endpoint ?? env[EMULATOR_HOST_ENV] ?? state?.env[EMULATOR_HOST_ENV];
    if (!endpoint) throw new UsageError(`--local: no local Executions API found; start \`npm run emulate\` or set ${EMULATOR_HOST_ENV}=HOST:PORT`);
    project = values.project ?? state?.project ?? project ?? 'demo-yieldopt';
    location ??= LOCAL_DEFAULT_LOCATION;
  } else {
    if (!project) throw new UsageError('missing project: pass --project ID or set GOOGLE_CLOUD_PROJECT');
    if (!location) throw new UsageError('missing location: pass --location REGION (the one deploy.sh used) or set REGION');
  }
  return { local: values.local!, endpoint, project, location, workflow, argument, json: values.format === 'json' };
}

type Execution = protos.google.cloud.workflows.executions.v1.IExecution;

function stepsText(e: Execution): string {
  return (e.status?.currentSteps ?? []).map((s) => (s.routine && s.routine !== 'main' ? `${s.routine}/${s.step}` : s.step)).join(', ');
}

function durationText(e: Execution): string {
  if (!e.duration) return '';
  return ` in ${(Number(e.duration.seconds ?? 0) + (e.duration.nanos ?? 0) / 1e9).toFixed(3)}s`;
}

async function run(argv: string[]): Promise<number> {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const err = (line: string) => process.stderr.write(`${line}\n`);
  let cli: Cli | 'help';
  try {
    cli = parseCli(argv, process.env);
  } catch (e) {
    err(`cloud-workflow: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (cli === 'help') {
    out(USAGE);
    return 0;
  }
  const info = cli.json ? () => undefined : out;
  const client = cli.local ? new ExecutionsClient(localExecutionsClientOptions(cli.endpoint!, cli.project)) : new ExecutionsClient();
  const parent = client.workflowPath(cli.project, cli.location, cli.workflow);
  let cancelRequested = false;
  let name: string | undefined;
  const onSignal = () => {
    if (!name || cancelRequested) return;
    cancelRequested = true;
    err('cloud-workflow: interrupted, cancelling the execution…');
    client.cancelExecution({ name }).catch((e: unknown) => err(`cloud-workflow: cancel failed: ${(e as Error).message}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const [created] = await client.createExecution({ parent, execution: cli.argument ? { argument: cli.argument } : {} });
    name = created.name!;
    info(`${cli.local ? 'local' : 'GCP'} execution ${name}`);
    let lastState = '';
    let lastSteps = '';
    let execution: Execution = created;
    for (;;) {
      const state = String(execution.state);
      const steps = stepsText(execution);
      if (state !== lastState) info(`  state ${state}`);
      else if (steps && steps !== lastSteps && state === 'ACTIVE') info(`  at ${steps}`);
      lastState = state;
      lastSteps = steps;
      if (state !== 'ACTIVE' && state !== 'QUEUED') break;
      await new Promise((r) => setTimeout(r, cli.local ? POLL_MS.local : POLL_MS.cloud));
      [execution] = await client.getExecution({ name });
    }
    if (cli.json) out(JSON.stringify(execution, null, 2));
    else {
      info(`Execution ${name.split('/').pop()}: ${execution.state}${durationText(execution)}`);
      if (execution.state === 'SUCCEEDED') info(`result: ${JSON.stringify(JSON.parse(execution.result || 'null'), null, 2)}`);
      if (execution.error) {
        err(`error: ${String(redact(execution.error.payload ?? ''))}`);
        if (execution.error.context) err(`context: ${String(redact(execution.error.context))}`);
      }
    }
    return execution.state === 'SUCCEEDED' ? 0 : 1;
  } catch (e) {
    const ge = e as { code?: number; details?: string; message?: string };
    err(`cloud-workflow: ${String(redact(ge.details ?? ge.message ?? String(e)))}`);
    return 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await client.close();
  }
}

if (require.main === module) {
  // Locally nothing may probe the metadata server; in GCP mode ADC may legitimately need it (Cloud Shell, GCE).
  if (process.argv.includes('--local')) process.env.METADATA_SERVER_DETECTION = 'none';
  run(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`cloud-workflow: ${String(redact((e as Error).message))}\n`);
      process.exit(1);
    },
  );
}
