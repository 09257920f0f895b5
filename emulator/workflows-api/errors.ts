/** An error the API answers with a gRPC status, like the service (NOT_FOUND, INVALID_ARGUMENT, …). */
import { status } from '@grpc/grpc-js';

export class ApiError extends Error {
  constructor(
    readonly code: status,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const invalidArgument = (message: string) => new ApiError(status.INVALID_ARGUMENT, message);
export const notFound = (message: string) => new ApiError(status.NOT_FOUND, message);
