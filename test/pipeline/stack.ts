/**
 * The reliability tests' stack: the real pipeline (workflows/pipeline.yaml) through the local
 * Workflows interpreter, against the functions host as its own child process (so it can be killed
 * and restarted on the same port), the embedded Firestore emulator and the market stand-ins over a
 * small simulated market. One Firestore emulator serves every "fresh state": each `PipelineEnv` is
 * its own project id with its own stand-ins and functions host, so tests never share documents.
 *
 * Known secret values (SECRETS) are used for every credential so the logs can be grepped for them.
 * The workflow's retry backoff is shortened through its `retry` argument; the functions' HTTP
 * client retries through the environment (no code path differs from a real run).
 */
import crypto from 'node:crypto';
import path from 'node:path';
import { Firestore } from '@google-cloud/firestore';
import { startMarketStandIns, type MarketStandIns } from '../../emulator/market/server';
import { executeWorkflow, loadWorkflowFile, type ExecutionEvent, type ExecutionRecord, type WorkflowProgram } from '../../emulator/workflows';
import { setLogSink, type LogSink } from '../../functions/src/lib/log';
import { runSummaryOf, type RunSummary } from '../../scripts/local-workflow';
import { startEmbeddedFirestore, type StartedFirestore } from '../../scripts/lib/firestore';
import { spawnFunctionsHost, type FunctionsHostProcess } from '../../scripts/lib/functions-host';
import { seedTreasuryPoolContracts } from '../../scripts/market';

export const ROOT = path.resolve(__dirname, '..', '..');

/** The small market: big enough for a feasible allocation (≈ 36 eligible pools), fast to run. */
export const MARKET = { seed: 42, pools: 1500, days: 120 } as const;
/** The market's last day (its clock); D1 is a backfill of the day before. */
export const D2 = '2025-04-01';
export const D1 = '2025-03-31';

/** Recognisable credential values: none of them may ever appear in a log line or a record. */
export const SECRETS = {
  CMC_API_KEY: 'cmc-SECRET-4f9a1c2e7b',
  ETHERSCAN_API_KEY: 'ETHERSCANSECRET9D2F7A1B3C5E',
  SLACK_BOT_TOKEN: 'xoxb-SECRET-77aa31-slack',
  LOCAL_FUNCTIONS_SECRET: `local-SECRET-${crypto.randomBytes(12).toString('hex')}`,
} as const;

/** Fast but bounded workflow retries (waits 0.2, 0.4, 0.8, 1.6, 2, 2 s). */
export const FAST_RETRY = { initialDelay: 0.2, maxDelay: 2, multiplier: 2, maxRetries: 6 };

/** The functions' own HTTP retries, shrunk (the ingest harness's values, a longer timeout). */
const FUNCTION_ENV: Record<string, string> = {
  HTTP_TIMEOUT_MS: '4000',
  HTTP_MAX_RETRIES: '4',
  HTTP_RETRY_BASE_MS: '5',
  HTTP_RETRY_MAX_MS: '40',
  HTTP_RETRY_AFTER_CAP_MS: '2000',
  SLACK_RETRY_MIN_MS: '10',
  SLACK_RETRY_MAX_MS: '50',
  SLACK_TIMEOUT_MS: '4000',
  ETHERSCAN_PAGE_SIZE: '100',
};

let program: WorkflowProgram | undefined;
export async function pipelineProgram(): Promise<WorkflowProgram> {
  return (program ??= await loadWorkflowFile(path.join(ROOT, 'workflows', 'pipeline.yaml')));
}

export interface RunOutcome {
  record: ExecutionRecord;
  summary: RunSummary | undefined;
  /** The interpreter's sys.log lines of this execution. */
  workflowLog: string[];
}

export interface PipelineEnv {
  project: string;
  market: MarketStandIns;
  db: Firestore;
  host(): FunctionsHostProcess;
  /** Every line the functions host(s) of this env wrote. */
  hostLog: string[];
  /** Kills the functions host with SIGKILL (no shutdown); `restartHost` brings it back on the same port. */
  killHost(): void;
  restartHost(): Promise<void>;
  run(argument: Record<string, unknown>, options?: { onEvent?(e: ExecutionEvent): void; secret?: string | null }): Promise<RunOutcome>;
  stop(): Promise<void>;
}

/** Shared Firestore emulator and in-process log capture for one test file. */
export interface PipelineSuite {
  firestore(): StartedFirestore;
  /** In-process log lines (market stand-ins, anything using functions/src/lib/log in the test process). */
  processLog: string[];
  /** Every execution record of the file. */
  records: ExecutionRecord[];
  /** Every sys.log line of the file's executions. */
  workflowLog: string[];
  /** Every functions host line of the file. */
  hostLog: string[];
  env(label: string, options?: { functionsEnv?: Record<string, string> }): Promise<PipelineEnv>;
}

export function usePipelineSuite(): PipelineSuite {
  let firestore: StartedFirestore | undefined;
  let previousSink: LogSink | undefined;
  const envs: PipelineEnv[] = [];
  const suite: PipelineSuite = {
    firestore: () => {
      if (!firestore) throw new Error('the Firestore emulator is not running');
      return firestore;
    },
    processLog: [],
    records: [],
    workflowLog: [],
    hostLog: [],
    env: async (label, options = {}) => {
      const e = await startEnv(suite, label, options.functionsEnv ?? {});
      envs.push(e);
      return e;
    },
  };

  beforeAll(async () => {
    previousSink = setLogSink((line) => suite.processLog.push(line));
    firestore = await startEmbeddedFirestore({ host: '127.0.0.1', port: 0 });
  });

  afterAll(async () => {
    for (const e of envs.splice(0)) await e.stop().catch(() => undefined);
    await firestore?.stop();
    if (previousSink) setLogSink(previousSink);
  });

  return suite;
}

async function startEnv(suite: PipelineSuite, label: string, functionsEnv: Record<string, string>): Promise<PipelineEnv> {
  const project = `demo-pipeline-${label}-${crypto.randomBytes(3).toString('hex')}`;
  const fs = suite.firestore();
  const market = await startMarketStandIns({
    port: 0,
    market: { ...MARKET, endDate: D2 },
    cmcApiKey: SECRETS.CMC_API_KEY,
    etherscanApiKey: SECRETS.ETHERSCAN_API_KEY,
    slackToken: SECRETS.SLACK_BOT_TOKEN,
  });
  const hostLog: string[] = [];
  const spawnHost = (port: number) =>
    spawnFunctionsHost({
      host: '127.0.0.1',
      port,
      secret: SECRETS.LOCAL_FUNCTIONS_SECRET,
      env: {
        FIRESTORE_EMULATOR_HOST: fs.address,
        GOOGLE_CLOUD_PROJECT: project,
        GCLOUD_PROJECT: project,
        METADATA_SERVER_DETECTION: 'none',
        ...market.env,
        ...FUNCTION_ENV,
        ...functionsEnv,
      },
      onLine: (line) => {
        hostLog.push(line);
        suite.hostLog.push(line);
      },
    });
  let host = await spawnHost(0);
  const port = Number(new URL(host.baseUrl).port);
  const db = new Firestore({ projectId: project, host: fs.address, ssl: false, customHeaders: { Authorization: 'Bearer owner' } });
  // The simulated treasury's pool contracts, as local-workflow seeds them (params.poolContracts).
  await seedTreasuryPoolContracts(`${market.origin}/_control`, fs.address, project);

  return {
    project,
    market,
    db,
    host: () => host,
    hostLog,
    killHost: () => {
      process.kill(host.pid, 'SIGKILL');
    },
    restartHost: async () => {
      await host.stop(); // reaps the killed child
      host = await spawnHost(port);
    },
    async run(argument, options = {}) {
      const workflowLog: string[] = [];
      const record = await executeWorkflow(await pipelineProgram(), {
        argument: { retry: FAST_RETRY, ...argument },
        env: { FUNCTIONS_BASE_URL: host.baseUrl },
        project,
        workflowId: 'pipeline',
        localFunctionsSecret: options.secret === null ? undefined : (options.secret ?? SECRETS.LOCAL_FUNCTIONS_SECRET),
        onEvent: options.onEvent,
        logSink: (line) => {
          workflowLog.push(line);
          suite.workflowLog.push(line);
        },
      });
      suite.records.push(record);
      return { record, summary: runSummaryOf(record), workflowLog };
    },
    async stop() {
      await db.terminate().catch(() => undefined);
      await host.stop().catch(() => undefined);
      await market.stop();
    },
  };
}

/** The decision of a run: allocations/{runId} without run metadata (runId, timestamps, solver timing). */
export async function allocationOf(db: Firestore, runId: string): Promise<Record<string, unknown>> {
  const snap = await db.doc(`allocations/${runId}`).get();
  if (!snap.exists) throw new Error(`allocations/${runId} does not exist`);
  return stripRunMetadata(snap.data()) as Record<string, unknown>;
}

/** Keys that legitimately differ between two runs of the same date. */
const RUN_METADATA_KEY = /^(runId|supersededRunId|at|updatedAt|createdAt|startedAt|finishedAt|fetchedAt|storedAt|timestamp|attempt|ts|claimId|executionId)$|Ms$/;

/** Deep copy without run metadata: runIds, timestamps, durations. */
export function stripRunMetadata(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripRunMetadata);
  if (value && typeof value === 'object') {
    if (value instanceof Date) return '<time>';
    if (typeof (value as { toDate?: unknown }).toDate === 'function') return '<time>';
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (!RUN_METADATA_KEY.test(k)) out[k] = stripRunMetadata(v);
    return out;
  }
  return value;
}

/** Every document under the given top-level collections (subcollections included), run metadata stripped. */
export async function dumpCollections(db: Firestore, collections: string[]): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const walk = async (ref: FirebaseFirestore.CollectionReference): Promise<void> => {
    const snap = await ref.get();
    for (const d of snap.docs) out[d.ref.path] = JSON.parse(JSON.stringify(stripRunMetadata(d.data())));
    for (const doc of await ref.listDocuments()) for (const sub of await doc.listCollections()) await walk(sub);
  };
  for (const c of collections) await walk(db.collection(c));
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Polls until `check` is true (a mid-run condition), failing after `timeoutMs`. */
export async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
