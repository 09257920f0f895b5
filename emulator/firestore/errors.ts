/** An error the emulator returns to the client with a specific gRPC status code. */
import { status } from '@grpc/grpc-js';

export { status as GrpcStatus };

export class FirestoreError extends Error {
  constructor(readonly code: status, message: string) {
    super(message);
    this.name = 'FirestoreError';
  }
}

export const invalidArgument = (message: string) => new FirestoreError(status.INVALID_ARGUMENT, message);
export const notFound = (message: string) => new FirestoreError(status.NOT_FOUND, message);
export const alreadyExists = (message: string) => new FirestoreError(status.ALREADY_EXISTS, message);
export const failedPrecondition = (message: string) => new FirestoreError(status.FAILED_PRECONDITION, message);
export const aborted = (message: string) => new FirestoreError(status.ABORTED, message);
