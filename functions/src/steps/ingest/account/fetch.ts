/**
 * Etherscan V2 account calls for the treasury wallet (chainid=1): tokentx and txlist, paginated
 * (page × offset ≤ 10,000, so long histories continue in startblock windows), the ETH balance and
 * one tokenbalance per token the wallet has touched. The apikey rides in the query string, which
 * lib/http-client never puts into messages.
 */
import { HttpClient } from '../../../lib/http-client';
import type { RawRecorder } from '../../../lib/raw-layer';
import { baseUrlFromEnv, requiredEnv } from '../common';
import { etherscanProblem } from './normalize';
import { BalanceResponseSchema, TokenTxResponseSchema, TxListResponseSchema, type NormalTxRow, type TokenTransferRow } from './schema';
import type { z } from 'zod';

export const SOURCE = 'etherscan';
/** ETHERSCAN_BASE_URL is the V2 endpoint itself (https://api.etherscan.io/v2/api). */
const PATH = '';
/** Etherscan's window cap: page × offset ≤ 10,000. */
const WINDOW_CAP = 10_000;

export interface EtherscanContext {
  client: HttpClient;
  raw: RawRecorder;
  apiKey: string;
  address: string;
  pageSize: number;
}

export function etherscanContext(raw: RawRecorder, address: string): EtherscanContext {
  const client = new HttpClient({ source: 'Etherscan', baseUrl: baseUrlFromEnv('ETHERSCAN_BASE_URL', 'https://api.etherscan.io/v2/api'), concurrency: 2 });
  const pageSize = Number(process.env.ETHERSCAN_PAGE_SIZE) || 1000;
  return { client, raw, apiKey: requiredEnv('ETHERSCAN_API_KEY', 'Etherscan V2 key for the treasury wallet'), address, pageSize };
}

async function call<T>(ctx: EtherscanContext, rawName: string, query: Record<string, string | number>, schema: z.ZodType<T>, expectRows: boolean): Promise<T> {
  const res = await ctx.client.getJson({
    path: PATH,
    label: `/v2/api action=${query.action}`,
    query: { chainid: 1, ...query, apikey: ctx.apiKey },
    schema,
    onBody: ctx.raw.bodyRecorder(rawName),
    check: (v) => {
      const e = v as unknown as { status: string; message: string; result: unknown };
      const problem = etherscanProblem(e, expectRows);
      if (problem) return { reason: problem.reason, retry: problem.retry };
      // Real Etherscan says "No transactions found" (status "0") for nothing; an empty "1" is broken.
      if (expectRows && e.status === '1' && Array.isArray(e.result) && e.result.length === 0) return { reason: 'status "1" with no rows', retry: true };
      return undefined;
    },
  });
  return res.data;
}

/** Every row of a paginated history, oldest first (rows repeated across windows are kept: dedup is normalize's job). */
async function history<R extends { blockNumber: string }>(ctx: EtherscanContext, action: 'tokentx' | 'txlist', schema: z.ZodType<{ status: string; message: string; result: R[] | string }>): Promise<R[]> {
  const out: R[] = [];
  let startblock = 0;
  for (let window = 0; window < 1000; window++) {
    let lastPageFull = false;
    for (let page = 1; page * ctx.pageSize <= WINDOW_CAP; page++) {
      const res = await call(ctx, `${action}_b${startblock}_p${page}`, { module: 'account', action, address: ctx.address, startblock, endblock: 99999999, page, offset: ctx.pageSize, sort: 'asc' }, schema, true);
      const rows = Array.isArray(res.result) ? res.result : [];
      out.push(...rows);
      lastPageFull = rows.length >= ctx.pageSize;
      if (!lastPageFull) return out;
    }
    // The window is exhausted but full: continue from the last block seen (its rows repeat; deduped later).
    const last = Number(out[out.length - 1]?.blockNumber ?? startblock);
    if (last <= startblock) throw new Error(`Etherscan ${action}: more than ${WINDOW_CAP} rows in block ${startblock}; cannot page further`);
    startblock = last;
  }
  return out;
}

export const fetchTokenTransfers = (ctx: EtherscanContext): Promise<TokenTransferRow[]> => history(ctx, 'tokentx', TokenTxResponseSchema as never);
export const fetchNormalTxs = (ctx: EtherscanContext): Promise<NormalTxRow[]> => history(ctx, 'txlist', TxListResponseSchema as never);

export async function fetchEthBalance(ctx: EtherscanContext): Promise<string> {
  const res = await call(ctx, 'balance', { module: 'account', action: 'balance', address: ctx.address, tag: 'latest' }, BalanceResponseSchema, false);
  return String(res.result);
}

export async function fetchTokenBalance(ctx: EtherscanContext, contract: string): Promise<string> {
  const res = await call(ctx, `tokenbalance_${contract}`, { module: 'account', action: 'tokenbalance', contractaddress: contract, address: ctx.address, tag: 'latest' }, BalanceResponseSchema, false);
  return String(res.result);
}
