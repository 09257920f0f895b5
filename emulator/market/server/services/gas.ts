/**
 * ethgastracker gas feed (https://www.ethgastracker.com/api/gas): `/average[/network]` — hourly
 * averages for the week before the simulated now, newest first, under the double `data.data`
 * nesting, gwei floats — and `/latest[/network]` — the current block, wei integers. L2 networks
 * reuse the mainnet series scaled down (their fees are a fraction of L1's).
 */
import type { GasHourLike, ServiceResponse } from '../types';
import { blockAt, hourPeriod } from './chain';
import { nowIso, type Handler, type HandlerContext } from './context';

const NETWORKS: Record<string, number> = { mainnet: 1, arbitrum: 0.01, optimism: 0.005, base: 0.004, polygon: 30 };
const WEEK_MS = 7 * 86_400_000;

const r = (x: number, d = 9) => Math.round(x * 10 ** d) / 10 ** d;

function hours(ctx: HandlerContext, spanMs: number): GasHourLike[] {
  const end = Date.parse(nowIso(ctx.clock));
  const from = new Date(end - spanMs).toISOString();
  return ctx.market
    .gasHourly(from, new Date(end).toISOString())
    // Hours that started inside (now − span, now]: exactly 168 for the week.
    .filter((h) => Date.parse(h.period) <= end && Date.parse(h.period) > end - spanMs)
    .sort((a, b) => Date.parse(b.period) - Date.parse(a.period));
}

function average(network: string, ctx: HandlerContext): ServiceResponse {
  const f = NETWORKS[network];
  const data = hours(ctx, WEEK_MS).map((h) => ({
    period: hourPeriod(h.period),
    baseFee: h.baseFee * f,
    gasLimit: h.gasLimit,
    gasUsed: h.gasUsed,
    txCount: h.txCount,
    min: h.min * f,
    max: h.max * f,
    median: h.median * f,
    ethPrice: h.ethPrice,
  }));
  const lastUpdate = Date.parse(nowIso(ctx.clock)) - 60_000;
  return { status: 200, body: { data: { network, data, lastUpdate } }, rowsPath: ['data', 'data'] };
}

function latest(network: string, ctx: HandlerContext): ServiceResponse {
  const f = NETWORKS[network];
  const h = hours(ctx, 3 * 3_600_000)[0];
  if (!h) return { status: 503, body: { error: 'no data' } };
  const nowMs = Date.parse(nowIso(ctx.clock));
  const gwei = (x: number) => Math.round(x * f * 1e9);
  const baseFee = gwei(h.baseFee);
  const priority = (p: number) => Math.max(1, Math.round((h.median - h.baseFee) * f * 1e9 * p));
  const oracle = (p: number) => {
    const priorityFee = priority(p);
    return { gasFee: baseFee + priorityFee, priorityFee, gwei: r((baseFee + priorityFee) / 1e9, 2) };
  };
  const utilization = Math.round((h.gasUsed / h.gasLimit) * 100);
  return {
    status: 200,
    body: {
      data: {
        network,
        blockNr: String(blockAt(nowMs)),
        timestamp: Math.floor(nowMs / 1000),
        ethPrice: Math.round(h.ethPrice),
        baseFee,
        // EIP-1559: the next base fee moves by up to 12.5 % toward 50 % utilization.
        nextFee: Math.round(baseFee * (1 + 0.125 * ((utilization - 50) / 50))),
        difference: 0,
        block: { gasLimit: Math.round(h.gasLimit), gasUsed: Math.round(h.gasUsed), utilization, transactionCount: Math.round(h.txCount) },
        oracle: { slow: oracle(0.1), normal: oracle(0.5), fast: oracle(1) },
        lastUpdate: nowMs - 30_000,
      },
    },
  };
}

export const gas: Handler = (req, ctx) => {
  const m = /^\/api\/gas\/(average|latest)(?:\/([a-z]+))?\/?$/.exec(req.path);
  if (req.method !== 'GET' || !m) return { status: 404, body: { message: `Not found: ${req.path}` } };
  const network = m[2] ?? 'mainnet';
  if (!(network in NETWORKS)) return { status: 400, body: { message: `Invalid network: ${network}` } };
  return m[1] === 'average' ? average(network, ctx) : latest(network, ctx);
};
