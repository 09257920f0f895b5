/**
 * The local stack behind `npm run emulate` and `npm run local-workflow`: Firestore emulator, local
 * services (market stand-ins), functions host — started in that order because each later part
 * reads the earlier parts' addresses from its environment, exactly as in GCP.
 *
 * Extension point: a local service (e.g. the offline market stand-ins of emulator/market/) is a
 * ServiceStarter in `options.services`; its `env` (DEFILLAMA_BASE_URL, CMC_BASE_URL, …) reaches the
 * functions host and is printed/exported like the rest.
 */
import { startEmbeddedFirestore, startFirebaseFirestore, type StartedFirestore } from './firestore';
import { spawnFunctionsHost } from './functions-host';
import { isPortFree, preferredOrFreePort } from './ports';
import type { FirestoreEndpoint, FunctionsEndpoint } from './state';

export interface StartedService {
  name: string;
  /** Human-facing endpoints, e.g. {defillama: "http://127.0.0.1:PORT"}. */
  endpoints: Record<string, string>;
  /** Variables the functions need to use it, e.g. {DEFILLAMA_BASE_URL: "http://127.0.0.1:PORT"}. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

export type ServiceStarter = (ctx: { host: string; notice: (message: string) => void }) => Promise<StartedService>;

export type FirestorePlan =
  | { reuse: FirestoreEndpoint }
  | { mode: 'embedded' | 'firebase'; port: number; strictPort: boolean; importDir?: string; exportOnExit?: string };

export type FunctionsPlan = { reuse: FunctionsEndpoint } | { port: number; strictPort: boolean };

export interface StackOptions {
  host: string;
  project: string;
  secret: string;
  firestore: FirestorePlan;
  functions: FunctionsPlan;
  services?: ServiceStarter[];
  /** One-line human messages (port fallbacks, what is reused). */
  notice: (message: string) => void;
  /** JSON log lines of the functions host child. */
  onFunctionsLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  onFirebaseLine?: (line: string) => void;
}

export interface LocalStack {
  project: string;
  firestore: FirestoreEndpoint;
  functions: FunctionsEndpoint;
  services: Record<string, Record<string, string>>;
  /** What a shell (or the workflow) needs to talk to this stack. */
  env: Record<string, string>;
  /** Which parts this process started (and will stop). */
  started: { firestore: boolean; functions: boolean; services: string[] };
  stop(): Promise<void>;
}

async function resolvePort(label: string, port: number, strict: boolean, host: string, notice: (m: string) => void): Promise<number> {
  if (strict && port !== 0) {
    if (!(await isPortFree(port, host))) throw new Error(`${label} port ${host}:${port} is already in use`);
    return port;
  }
  return preferredOrFreePort(port, host, (p) => notice(`${label}: port ${port} is busy, using ${p} instead`));
}

export async function startLocalStack(options: StackOptions): Promise<LocalStack> {
  const stoppers: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    // Reverse start order: the functions host goes before the database it talks to.
    for (const stop of stoppers.splice(0).reverse()) await stop().catch(() => undefined);
  };
  try {
    let firestore: FirestoreEndpoint;
    let startedFirestore = false;
    if ('reuse' in options.firestore) {
      firestore = options.firestore.reuse;
    } else {
      const plan = options.firestore;
      let started: StartedFirestore;
      if (plan.mode === 'firebase') {
        // firebase-tools reads its port from firebase.json; it cannot be moved to a free one here.
        started = await startFirebaseFirestore({ host: options.host, port: plan.port, project: options.project, onLine: options.onFirebaseLine });
      } else {
        const port = await resolvePort('Firestore emulator', plan.port, plan.strictPort, options.host, options.notice);
        started = await startEmbeddedFirestore({ host: options.host, port, importDir: plan.importDir, exportOnExit: plan.exportOnExit });
      }
      stoppers.push(() => started.stop());
      firestore = { kind: started.kind, host: started.host, port: started.port, address: started.address };
      startedFirestore = true;
    }

    const services: Record<string, Record<string, string>> = {};
    const serviceEnv: Record<string, string> = {};
    const startedServices: string[] = [];
    for (const startService of options.services ?? []) {
      const service = await startService({ host: options.host, notice: options.notice });
      stoppers.push(() => service.stop());
      services[service.name] = service.endpoints;
      Object.assign(serviceEnv, service.env);
      startedServices.push(service.name);
    }

    const functionsEnv: Record<string, string> = {
      FIRESTORE_EMULATOR_HOST: firestore.address,
      GOOGLE_CLOUD_PROJECT: options.project,
      GCLOUD_PROJECT: options.project,
      METADATA_SERVER_DETECTION: 'none',
      ...serviceEnv,
    };

    let functions: FunctionsEndpoint;
    let startedFunctions = false;
    if ('reuse' in options.functions) {
      functions = options.functions.reuse;
    } else {
      const port = await resolvePort('functions host', options.functions.port, options.functions.strictPort, options.host, options.notice);
      const child = await spawnFunctionsHost({
        host: options.host,
        port,
        secret: options.secret,
        env: functionsEnv,
        onLine: options.onFunctionsLine,
        onUnexpectedExit: (code, signal) =>
          options.notice(`the functions host (pid ${child.pid}) exited unexpectedly with ${signal ?? `code ${code}`}; its URLs no longer answer`),
      });
      stoppers.push(() => child.stop());
      functions = { baseUrl: child.baseUrl, pid: child.pid, urls: child.urls };
      startedFunctions = true;
    }

    return {
      project: options.project,
      firestore,
      functions,
      services,
      env: { ...functionsEnv, FUNCTIONS_BASE_URL: functions.baseUrl },
      started: { firestore: startedFirestore, functions: startedFunctions, services: startedServices },
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
