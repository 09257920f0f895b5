/**
 * Loads google.firestore.v1 from the .proto files that ship inside @google-cloud/firestore, so the
 * emulator speaks exactly the API the unmodified client was built against.
 *
 * Decoding options are fixed here for every module of the emulator: camelCase field names, int64 as
 * decimal strings, enums as their names, oneofs reported through a virtual field (e.g.
 * `value.valueType === 'stringValue'`), and no default values filled in (absent fields stay undefined).
 */
import path from 'node:path';
import * as protoLoader from '@grpc/proto-loader';
import * as grpc from '@grpc/grpc-js';

export const PROTO_LOADER_OPTIONS: protoLoader.Options = {
  keepCase: false,
  longs: String,
  enums: String,
  bytes: Buffer,
  defaults: false,
  oneofs: true,
};

function protosRoot(): string {
  const pkgJson = require.resolve('@google-cloud/firestore/package.json');
  return path.join(path.dirname(pkgJson), 'build', 'protos');
}

let cached: grpc.GrpcObject | undefined;

/** The loaded gRPC package object; `firestoreService()` is what a server registers. */
export function loadFirestoreProto(): grpc.GrpcObject {
  if (cached) return cached;
  const root = protosRoot();
  const definition = protoLoader.loadSync(path.join(root, 'google/firestore/v1/firestore.proto'), {
    ...PROTO_LOADER_OPTIONS,
    includeDirs: [root],
  });
  cached = grpc.loadPackageDefinition(definition);
  return cached;
}

/** The service definition of google.firestore.v1.Firestore. */
export function firestoreService(): grpc.ServiceDefinition {
  const pkg = loadFirestoreProto() as unknown as {
    google: { firestore: { v1: { Firestore: { service: grpc.ServiceDefinition } } } };
  };
  return pkg.google.firestore.v1.Firestore.service;
}
