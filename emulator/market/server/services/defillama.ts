/**
 * DefiLlama Yields API (https://yields.llama.fi): `GET /pools` and `GET /chart/{pool}`.
 * `/pools` takes no parameters (extra ones are ignored, like the real controller). The serialized
 * snapshot of a day is cached because it is ~10 MB for a DefiLlama-sized universe.
 */
import type { ServiceResponse } from '../types';
import type { Handler, HandlerContext } from './context';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const poolsCache = new WeakMap<object, { date: string; text: string }>();

function pools(ctx: HandlerContext): ServiceResponse {
  const date = ctx.clock.today();
  const cached = poolsCache.get(ctx.market);
  if (cached && cached.date === date) return { status: 200, text: cached.text, rowsPath: ['data'] };
  const text = JSON.stringify({ status: 'success', data: ctx.market.poolsSnapshot(date) });
  poolsCache.set(ctx.market, { date, text });
  return { status: 200, text, rowsPath: ['data'] };
}

function chart(poolId: string, ctx: HandlerContext): ServiceResponse {
  // The real server validates the configID and answers a bare JSON string.
  if (!UUID.test(poolId)) return { status: 400, body: 'invalid configID!' };
  const rows = ctx.market.poolChart(poolId, ctx.clock.today()) ?? [];
  return { status: 200, body: { status: 'success', data: rows }, rowsPath: ['data'] };
}

export const defillama: Handler = (req, ctx) => {
  if (req.method !== 'GET') return notFound(req.method, req.path);
  if (req.path === '/pools') return pools(ctx);
  const m = /^\/chart\/([^/]+)$/.exec(req.path);
  if (m) return chart(decodeURIComponent(m[1]), ctx);
  return notFound(req.method, req.path);
};

function notFound(method: string, path: string): ServiceResponse {
  return { status: 404, headers: { 'content-type': 'text/html; charset=utf-8' }, text: `Cannot ${method} ${path}` };
}
