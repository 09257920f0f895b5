/** Pure core of fetchAccount: Etherscan rows → typed transfers/transactions, balances, write plan. */
import crypto from 'node:crypto';
import type { SeriesPoint } from '../../../lib/series';
import type { NormalTxRow, TokenTransferRow } from './schema';

/** An Etherscan answer is an error unless status "1", or the documented empty-history "0". */
export function etherscanProblem(v: { status: string; message: string; result: unknown }, expectRows: boolean): { reason: string; retry: boolean } | undefined {
  if (v.status === '1') {
    if (typeof v.result === 'string' && expectRows) return { reason: `status "1" with a string result`, retry: true };
    return undefined;
  }
  if (/^No (transactions|records) found/i.test(v.message) && Array.isArray(v.result) && v.result.length === 0) return undefined;
  const text = typeof v.result === 'string' ? v.result : v.message;
  // Rate limits and server-side timeouts clear up; key, chain, module/action problems do not.
  const retry = /rate limit|timeout|timed out|busy|try again/i.test(text) && !/invalid api key attempts/i.test(text);
  return { reason: `status "0": ${text}`, retry };
}

export interface Transfer extends Record<string, unknown> {
  hash: string;
  blockNumber: number;
  time: string;
  from: string;
  to: string;
  contractAddress: string;
  tokenSymbol: string;
  tokenDecimal: number;
  /** Raw integer units as a decimal string (exact); `amount` is the float view. */
  value: string;
  amount: number;
  direction: 'in' | 'out' | 'self';
  ingestedOn: string;
}

export interface NormalTx extends Record<string, unknown> {
  hash: string;
  blockNumber: number;
  time: string;
  from: string;
  to: string;
  valueWei: string;
  isError: boolean;
  gasUsed: string | null;
  gasPrice: string | null;
  functionName: string | null;
  ingestedOn: string;
}

export function toAmount(raw: string, decimals: number): number {
  const n = BigInt(raw);
  const scale = 10n ** BigInt(decimals);
  return Number(n / scale) + Number(n % scale) / Number(scale);
}

const isoOf = (ts: string) => new Date(Number(ts) * 1000).toISOString();
const dirOf = (from: string, to: string, me: string): Transfer['direction'] =>
  from === me && to === me ? 'self' : to === me ? 'in' : 'out';

/** A transfer's identity: Etherscan repeats rows across pages/windows; logIndex when given. */
export function transferId(r: TokenTransferRow): string {
  if (r.logIndex !== undefined) return `${r.hash}:${r.logIndex}`;
  const h = crypto.createHash('sha1').update(`${r.contractAddress.toLowerCase()}|${r.from.toLowerCase()}|${r.to.toLowerCase()}|${r.value}`).digest('hex');
  return `${r.hash}:${h.slice(0, 12)}`;
}

export function normalizeTransfers(rows: ReadonlyArray<TokenTransferRow>, wallet: string, runDate: string): { points: Array<SeriesPoint<Transfer>>; duplicates: number } {
  const me = wallet.toLowerCase();
  const byId = new Map<string, SeriesPoint<Transfer>>();
  let duplicates = 0;
  for (const r of rows) {
    const id = transferId(r);
    if (byId.has(id)) {
      duplicates++;
      continue;
    }
    const from = r.from.toLowerCase();
    const to = r.to.toLowerCase();
    const decimals = Number(r.tokenDecimal);
    const time = isoOf(r.timeStamp);
    byId.set(id, {
      id,
      date: time.slice(0, 10),
      value: {
        hash: r.hash,
        blockNumber: Number(r.blockNumber),
        time,
        from,
        to,
        contractAddress: r.contractAddress.toLowerCase(),
        tokenSymbol: r.tokenSymbol,
        tokenDecimal: decimals,
        value: r.value,
        amount: toAmount(r.value, decimals),
        direction: dirOf(from, to, me),
        ingestedOn: runDate,
      },
    });
  }
  return { points: [...byId.values()].sort((a, b) => a.value.blockNumber - b.value.blockNumber || (a.id < b.id ? -1 : 1)), duplicates };
}

export function normalizeTxs(rows: ReadonlyArray<NormalTxRow>, runDate: string): { points: Array<SeriesPoint<NormalTx>>; duplicates: number } {
  const byId = new Map<string, SeriesPoint<NormalTx>>();
  let duplicates = 0;
  for (const r of rows) {
    if (byId.has(r.hash)) {
      duplicates++;
      continue;
    }
    const time = isoOf(r.timeStamp);
    byId.set(r.hash, {
      id: r.hash,
      date: time.slice(0, 10),
      value: {
        hash: r.hash,
        blockNumber: Number(r.blockNumber),
        time,
        from: r.from.toLowerCase(),
        to: r.to.toLowerCase(),
        valueWei: r.value,
        isError: r.isError === '1',
        gasUsed: r.gasUsed ?? null,
        gasPrice: r.gasPrice ?? null,
        functionName: r.functionName || null,
        ingestedOn: runDate,
      },
    });
  }
  return { points: [...byId.values()].sort((a, b) => a.value.blockNumber - b.value.blockNumber || (a.id < b.id ? -1 : 1)), duplicates };
}

/** Tokens the wallet ever touched (contract → symbol, decimals), sorted: what to ask balances for. */
export function tokensSeen(transfers: ReadonlyArray<SeriesPoint<Transfer>>): Array<{ contract: string; symbol: string; decimals: number }> {
  const m = new Map<string, { contract: string; symbol: string; decimals: number }>();
  for (const t of transfers) m.set(t.value.contractAddress, { contract: t.value.contractAddress, symbol: t.value.tokenSymbol, decimals: t.value.tokenDecimal });
  return [...m.values()].sort((a, b) => (a.contract < b.contract ? -1 : 1));
}

/** Points not yet stored by an earlier runDate (a rerun rewrites its own; history is not rewritten). */
export function newPoints<V extends { ingestedOn: string }>(points: ReadonlyArray<SeriesPoint<V>>, stored: ReadonlyMap<string, { ingestedOn?: unknown }>, runDate: string): Array<SeriesPoint<V>> {
  return points.filter((p) => {
    const s = stored.get(p.id);
    return !s || s.ingestedOn === runDate;
  });
}
