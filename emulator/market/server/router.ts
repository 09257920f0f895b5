/**
 * The one request listener: /_control/* goes to the control API; /<service>/* is counted, checked
 * for an injected fault, answered by the service handler (or a recording in replay mode), and the
 * fault — if any — is applied to what goes on the wire.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { handleControl, type ControlDeps } from './control';
import { FaultError, malformText, rateLimitedResponse, serverErrorResponse, transformBody, truncateText, type ActiveFault, type FaultInjector } from './faults';
import { header, readBody, render } from './http';
import type { Recordings } from './replay';
import { cmc, cmcAuth } from './services/cmc';
import { nowIso, type Handler, type HandlerContext } from './services/context';
import { defillama } from './services/defillama';
import { etherscan, etherscanGuard } from './services/etherscan';
import { gas } from './services/gas';
import type { RequestStats } from './stats';
import type { MarketSource, ServiceName, ServiceRequest, ServiceResponse } from './types';

export interface RouterDeps {
  control: ControlDeps;
  faults: FaultInjector;
  stats: RequestStats;
  /** The data source, built on first use. */
  market: () => MarketSource;
  ctx: Omit<HandlerContext, 'market'>;
  slack: (req: ServiceRequest) => ServiceResponse;
  recordings?: Recordings;
  /** Responses held open by the timeout fault; the server destroys them on stop. */
  held: Set<ServerResponse>;
  onError?: (error: Error, where: string) => void;
}

const HANDLERS: Record<Exclude<ServiceName, 'slack'>, Handler> = { defillama, cmc, gas, etherscan };
const SERVICE_PATH = /^\/(defillama|cmc|gas|etherscan|slack)(\/.*)?$/;

function answer(service: ServiceName, req: ServiceRequest, deps: RouterDeps): Promise<ServiceResponse> | ServiceResponse {
  if (service === 'slack') return deps.slack(req);
  if (deps.recordings) {
    // Credentials are checked in front of recordings too: the functions must send them either way.
    const denied = service === 'cmc' ? cmcAuth(req, deps.ctx) : service === 'etherscan' ? etherscanGuard(req, deps.ctx) : undefined;
    return denied ?? deps.recordings.lookup(service, req.path, req.query);
  }
  return HANDLERS[service](req, { ...deps.ctx, market: deps.market() });
}

function applyBodyFault(fault: ActiveFault | undefined, res: ServiceResponse): ServiceResponse {
  if (!fault || !['empty', 'duplicate-rows', 'wrong-shape'].includes(fault.kind) || res.status < 200 || res.status >= 300) return res;
  let body = res.body;
  if (res.text !== undefined) {
    try {
      body = JSON.parse(res.text);
    } catch {
      return res; // not JSON: nothing to reshape
    }
  }
  return { status: res.status, headers: res.headers, body: transformBody(fault.kind as 'empty' | 'duplicate-rows' | 'wrong-shape', body, res.rowsPath) };
}

function write(out: ServerResponse, res: ServiceResponse, fault: ActiveFault | undefined): void {
  const { status, headers, payload } = render(res);
  let bytes = payload;
  if (fault?.kind === 'malformed') bytes = Buffer.from(malformText(payload.toString('utf8')), 'utf8');
  // Truncated: headers claim exactly the bytes sent, so the HTTP exchange completes and the client
  // is left holding half a JSON document, as after a proxy cut a body short.
  if (fault?.kind === 'truncated') bytes = truncateText(payload);
  out.writeHead(status, { ...headers, 'content-length': String(bytes.length) });
  out.end(bytes);
}

export function createRouter(deps: RouterDeps) {
  return async (req: IncomingMessage, out: ServerResponse): Promise<void> => {
    try {
      const url = new URL(req.url ?? '/', 'http://stand-in');
      const method = req.method ?? 'GET';
      const body = await readBody(req);
      if (url.pathname === '/_control' || url.pathname.startsWith('/_control/')) {
        return write(out, handleControl(deps.control, method, url.pathname, body), undefined);
      }
      const m = SERVICE_PATH.exec(url.pathname);
      if (!m) {
        return write(out, { status: 404, body: { error: `unknown path ${url.pathname}; services live under /defillama, /cmc, /gas, /etherscan, /slack` } }, undefined);
      }
      const service = m[1] as ServiceName;
      const sreq: ServiceRequest = { method, path: m[2] ?? '/', query: url.searchParams, headers: req.headers, body };
      deps.stats.record(service, method, sreq.path);

      let fault: ActiveFault | undefined;
      try {
        fault = deps.faults.decide(service, sreq.path + url.search, header(req.headers, 'x-fault'));
      } catch (e) {
        if (e instanceof FaultError) return write(out, { status: 400, headers: { 'content-type': 'text/plain; charset=utf-8' }, text: e.message }, undefined);
        throw e;
      }
      if (fault) deps.stats.fault(fault.kind);
      if (fault?.kind === 'timeout') {
        // Never answered; the socket stays open until the client gives up or the server stops.
        deps.held.add(out);
        out.on('close', () => deps.held.delete(out));
        return;
      }
      const now = nowIso(deps.ctx.clock);
      if (fault?.kind === '429') return write(out, rateLimitedResponse(service, fault, now), undefined);
      if (fault?.kind === '5xx') return write(out, serverErrorResponse(service, fault, now), undefined);
      const res = applyBodyFault(fault, await answer(service, sreq, deps));
      write(out, res, fault);
    } catch (e) {
      deps.onError?.(e as Error, req.url ?? '');
      if (!out.headersSent) write(out, { status: 500, body: { error: `stand-in error: ${(e as Error).message}` } }, undefined);
      else out.destroy();
    }
  };
}
