/**
 * gRPC handlers of google.cloud.workflows.executions.v1.Executions over an ExecutionRegistry.
 * Defaults follow the service: Get answers the FULL view, List the BASIC view; List returns 100 per
 * page by default, at most 1,000 (BASIC) or 100 (FULL). `filter` and `order_by` other than start
 * time are not emulated (UNIMPLEMENTED rather than silently ignored).
 */
import * as grpc from '@grpc/grpc-js';
import { toProtoExecution, type ExecutionView } from './convert';
import { ApiError } from './errors';
import type { ExecutionRegistry } from './registry';

interface CreateRequest {
  parent?: string;
  execution?: { argument?: string; labels?: Record<string, string> };
}
interface GetRequest {
  name?: string;
  view?: ExecutionView;
}
interface ListRequest {
  parent?: string;
  pageSize?: number;
  pageToken?: string;
  view?: ExecutionView;
  filter?: string;
  orderBy?: string;
}

type Handler<Req> = (call: grpc.ServerUnaryCall<Req, unknown>, callback: grpc.sendUnaryData<unknown>) => void;

/** Maps ApiError to its status; anything else is INTERNAL with its message. */
function unary<Req>(fn: (request: Req) => unknown | Promise<unknown>): Handler<Req> {
  return (call, callback) => {
    Promise.resolve()
      .then(() => fn(call.request))
      .then(
        (response) => callback(null, response),
        (e: unknown) => {
          const code = e instanceof ApiError ? e.code : grpc.status.INTERNAL;
          callback({ code, details: (e as Error)?.message ?? String(e) });
        },
      );
  };
}

const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE: Record<'BASIC' | 'FULL', number> = { BASIC: 1000, FULL: 100 };

export function executionsHandlers(registry: ExecutionRegistry): grpc.UntypedServiceImplementation {
  return {
    CreateExecution: unary<CreateRequest>(async (req) => {
      const entry = await registry.create(req.parent ?? '', req.execution?.argument ?? '', req.execution?.labels ?? {});
      return toProtoExecution(entry, 'FULL');
    }),
    GetExecution: unary<GetRequest>((req) => toProtoExecution(registry.get(req.name ?? ''), req.view === 'BASIC' ? 'BASIC' : 'FULL')),
    ListExecutions: unary<ListRequest>((req) => {
      if (req.filter) throw new ApiError(grpc.status.UNIMPLEMENTED, 'filter is not emulated by the local Executions API');
      if (req.orderBy && !/^\s*startTime(\s+desc)?\s*$/i.test(req.orderBy)) {
        throw new ApiError(grpc.status.UNIMPLEMENTED, `order_by ${JSON.stringify(req.orderBy)} is not emulated (newest first, i.e. "startTime desc", only)`);
      }
      const view = req.view === 'FULL' ? 'FULL' : 'BASIC';
      const requested = req.pageSize ?? 0;
      if (requested < 0) throw new ApiError(grpc.status.INVALID_ARGUMENT, 'page_size must not be negative');
      const pageSize = Math.min(requested || DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE[view]);
      const page = registry.list(req.parent ?? '', pageSize, req.pageToken ?? '');
      return { executions: page.executions.map((e) => toProtoExecution(e, view)), nextPageToken: page.nextPageToken };
    }),
    CancelExecution: unary<GetRequest>(async (req) => toProtoExecution(await registry.cancel(req.name ?? ''), 'FULL')),
  };
}
