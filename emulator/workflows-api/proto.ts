/**
 * Loads google.cloud.workflows.executions.v1 from the .proto files that ship inside
 * @google-cloud/workflows (the imports of google/api and google/protobuf come from google-gax's
 * bundled protos), so the local API speaks exactly what the unmodified ExecutionsClient expects.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

const SERVICE_PROTO = 'google/cloud/workflows/executions/v1/executions.proto';

/** `<package root>/build/protos`; found from the main entry (google-gax does not export package.json). */
function packageProtos(pkg: string, from?: string): string {
  let dir = path.dirname(require.resolve(pkg, from ? { paths: [from] } : undefined));
  while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return path.join(dir, 'build', 'protos');
}

let cached: grpc.ServiceDefinition | undefined;

/** The service definition of google.cloud.workflows.executions.v1.Executions. */
export function executionsService(): grpc.ServiceDefinition {
  if (cached) return cached;
  const workflowsRoot = packageProtos('@google-cloud/workflows');
  // google-gax is a dependency of @google-cloud/workflows; resolve it from there.
  const gaxRoot = packageProtos('google-gax', workflowsRoot);
  const definition = protoLoader.loadSync(SERVICE_PROTO, {
    // Field names camelCased, enums as names, int64 as strings; absent fields stay absent.
    keepCase: false,
    longs: String,
    enums: String,
    defaults: false,
    oneofs: true,
    includeDirs: [workflowsRoot, gaxRoot],
  });
  const pkg = grpc.loadPackageDefinition(definition) as unknown as {
    google: { cloud: { workflows: { executions: { v1: { Executions: { service: grpc.ServiceDefinition } } } } } };
  };
  cached = pkg.google.cloud.workflows.executions.v1.Executions.service;
  return cached;
}
