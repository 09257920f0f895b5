/**
 * The run-history console's HTTP server (node:http, server-rendered HTML, no script). Read-only:
 * GET (and HEAD, which HTTP requires wherever GET is served) only; every other method is 405.
 * It has no authentication, so it binds to loopback addresses only.
 *
 *   GET /                      executions, newest first, and the latest allocation
 *   GET /executions/{id}       one execution: argument, result or error, step history
 *   GET /allocations/latest    the latest allocation;  GET /allocations/{runId}  one run's
 *   GET /healthz               "ok"
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConsoleStore, type ConsoleStoreOptions, type Source } from './data';
import { html } from './html';
import { allocationPanel, allocationSection } from './views/allocation';
import { executionBody, executionsTable } from './views/executions';
import { page } from './views/layout';

export interface ConsoleOptions extends ConsoleStoreOptions {
  /** Default 0 (a free port). */
  port?: number;
  /** Default 127.0.0.1; must be a loopback address. */
  host?: string;
  /** Executions listed on `/` (default 100). */
  listLimit?: number;
  /** Server-side failures (a page still answers 500). */
  log?: (line: string) => void;
}

export interface RunningConsole {
  url: string;
  host: string;
  port: number;
  stop(): Promise<void>;
}

/** Scripts, frames, forms and remote loads are all refused: the pages need none of them. */
const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

interface Reply {
  status: number;
  body: string;
  type?: string;
  headers?: Record<string, string>;
}

function htmlReply(status: number, title: string, body: ReturnType<typeof html>, sources?: Source[], refreshSeconds?: number): Reply {
  return { status, body: page({ title, body, sources, refreshSeconds }) };
}

function notFound(what: string): Reply {
  return htmlReply(404, 'Not found', html`<h1>Not found</h1><p>${what}</p><p><a href="/">Back to the executions</a></p>`);
}

async function route(store: ConsoleStore, pathname: string, listLimit: number): Promise<Reply> {
  if (pathname === '/healthz') return { status: 200, body: 'ok\n', type: 'text/plain; charset=utf-8' };
  if (pathname === '/' || pathname === '/executions' || pathname === '/executions/') {
    const [list, latest] = await Promise.all([
      store.listExecutions(listLimit),
      store.getAllocation().then(
        (found) => ({ found, problem: undefined as string | undefined }),
        (e: unknown) => ({ found: undefined, problem: `Could not read the latest allocation: ${(e as Error).message}` }),
      ),
    ]);
    const active = list.items.some((e) => e.state === 'ACTIVE');
    const body = html`<h1>Executions</h1>
${list.items.length ? html`<p class="muted">${list.items.length} most recent${list.items.length >= listLimit ? ` (limit ${listLimit})` : ''}, newest first.</p>` : ''}
${executionsTable(list.items)}
${allocationPanel(latest.found?.value, latest.problem)}`;
    return htmlReply(200, 'Executions', body, [list.source, ...(latest.found ? [latest.found.source] : [])], active ? 5 : undefined);
  }
  const exec = /^\/executions\/([^/]+)$/.exec(pathname);
  if (exec) {
    const id = exec[1];
    const found = await store.getExecution(id);
    if (!found) return notFound(`No execution ${id}.`);
    return htmlReply(200, `Execution ${id}`, executionBody(found.value), [found.source], found.value.state === 'ACTIVE' ? 5 : undefined);
  }
  const alloc = /^\/allocations\/([^/]+)$/.exec(pathname);
  if (alloc) {
    const runId = alloc[1] === 'latest' ? undefined : alloc[1];
    const found = await store.getAllocation(runId);
    if (!found) return notFound(runId ? `No allocation for run ${runId}.` : 'No allocation stored yet (the optimize step writes allocations/{runId}).');
    const title = runId ? `Allocation ${runId}` : 'Latest allocation';
    return htmlReply(200, title, html`<h1>${title}</h1>${allocationSection(found.value, false)}`, [found.source]);
  }
  return notFound(`No page at ${pathname}.`);
}

export async function startConsole(options: ConsoleOptions = {}): Promise<RunningConsole> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopback(host)) throw new Error(`the run-history console has no authentication and binds to loopback only, not ${host}`);
  const store = new ConsoleStore(options);
  const listLimit = options.listLimit ?? 100;
  const log = options.log ?? ((line: string) => process.stderr.write(`[console] ${line}\n`));

  const server = http.createServer((req, res) => {
    const send = (reply: Reply) => {
      const body = Buffer.from(reply.body, 'utf8');
      res.writeHead(reply.status, {
        ...SECURITY_HEADERS,
        'Content-Type': reply.type ?? 'text/html; charset=utf-8',
        'Content-Length': String(body.length),
        ...reply.headers,
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send({ status: 405, body: 'This console is read-only: only GET is allowed.\n', type: 'text/plain; charset=utf-8', headers: { Allow: 'GET, HEAD' } });
      return;
    }
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://console.local').pathname);
    } catch {
      send(notFound('Malformed address.'));
      return;
    }
    route(store, pathname, listLimit).then(send, (e: unknown) => {
      log(`${req.method} ${pathname}: ${(e as Error).stack ?? String(e)}`);
      send(htmlReply(500, 'Error', html`<h1>Could not render this page</h1><pre>${(e as Error).message}</pre>`));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}`,
    host,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
