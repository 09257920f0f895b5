/**
 * The local Workflows Executions API: a plaintext gRPC server on loopback serving
 * google.cloud.workflows.executions.v1.Executions, so the unmodified ExecutionsClient (pointed at
 * it with insecure channel credentials, see ./client.ts) starts and follows executions of the local
 * interpreter exactly as it would in GCP.
 */
import * as grpc from '@grpc/grpc-js';
import { executionsService } from './proto';
import { ExecutionRegistry, type RegistryOptions } from './registry';
import { executionsHandlers } from './service';

export interface WorkflowsApiOptions extends RegistryOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
}

export interface WorkflowsApi {
  host: string;
  port: number;
  /** host:port, the value of WORKFLOWS_EXECUTIONS_EMULATOR_HOST. */
  address: string;
  registry: ExecutionRegistry;
  /** Cancels running executions, then closes the server. */
  stop(): Promise<void>;
}

export async function startWorkflowsApi(options: WorkflowsApiOptions): Promise<WorkflowsApi> {
  const host = options.host ?? '127.0.0.1';
  const registry = new ExecutionRegistry(options);
  const server = new grpc.Server();
  server.addService(executionsService(), executionsHandlers(registry));
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${host}:${options.port ?? 0}`, grpc.ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound))),
  );
  const address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  return {
    host,
    port,
    address,
    registry,
    async stop() {
      await registry.close();
      await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
    },
  };
}
