/**
 * The local Workflows Executions API as a local service of `npm run emulate`: serves
 * `<workflowsDir>/<id>.yaml` (default workflows/) as projects/P/locations/L/workflows/<id>, runs
 * executions against the stack's functions host and saves every finished record like
 * local-workflow does (.runs/executions/ and Firestore workflowExecutions/{id}).
 *
 * The service starts before the functions host (scripts/lib/stack.ts order), so the functions URL
 * and secret reach it afterwards through `connect()`; until then CreateExecution answers UNAVAILABLE.
 */
import path from 'node:path';
import { saveExecutionRecord } from '../emulator/workflows';
import { EMULATOR_HOST_ENV, startWorkflowsApi, type ExecutionRuntime } from '../emulator/workflows-api';
import { repoRoot, runsDir } from './lib/paths';
import { preferredOrFreePort } from './lib/ports';
import type { ServiceStarter } from './lib/stack';

/** Preferred port (falls back to a free one with a notice, like the other emulators). */
export const DEFAULT_WORKFLOWS_API_PORT = 8090;

export interface WorkflowsApiService {
  starter: ServiceStarter;
  /** Hands the running stack's functions host to the API (call once the stack is up). */
  connect(stack: { functions: { baseUrl: string }; firestore: { address: string }; project: string }, secret: string): void;
}

export function workflowsApiService(options: { workflowsDir?: string; port?: number; log?: (line: string) => void } = {}): WorkflowsApiService {
  let runtime: ExecutionRuntime | undefined;
  let project = 'demo-yieldopt';
  const log = options.log ?? ((line: string) => process.stdout.write(`[workflows-api] ${line}\n`));
  return {
    starter: async ({ host, notice }) => {
      const port = options.port ?? (await preferredOrFreePort(DEFAULT_WORKFLOWS_API_PORT, host, (p) => notice(`Workflows Executions API: port ${DEFAULT_WORKFLOWS_API_PORT} is busy, using ${p} instead`)));
      const api = await startWorkflowsApi({
        host,
        port,
        workflowsDir: path.resolve(options.workflowsDir ?? path.join(repoRoot(), 'workflows')),
        runtime: () => runtime,
        log,
        onFinished: async (record) => {
          await saveExecutionRecord(record, { dir: path.join(runsDir(), 'executions'), projectId: project });
        },
      });
      return { name: 'workflows-api', endpoints: { executions: `grpc://${api.address}` }, env: { [EMULATOR_HOST_ENV]: api.address }, stop: () => api.stop() };
    },
    connect(stack, secret) {
      // Executions save their records to, and googleapis.firestore connectors talk to, this stack's
      // Firestore emulator (both read FIRESTORE_EMULATOR_HOST, as in local-workflow).
      process.env.FIRESTORE_EMULATOR_HOST = stack.firestore.address;
      project = stack.project;
      runtime = { env: { FUNCTIONS_BASE_URL: stack.functions.baseUrl }, localFunctionsSecret: secret };
    },
  };
}
