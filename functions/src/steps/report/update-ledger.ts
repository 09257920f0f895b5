/**
 * Step 5, updateLedger (DOMAIN.md): loads the treasury's stored account data (fetchAccount), the
 * pool registry entries of the contracts it touched plus the operator's `params.poolContracts`
 * mapping (the run snapshot's), and the daily closes, calls computeLedger and
 * writes `ledger/{runDate}` (replaced on every run of the date: idempotent).
 *
 * Request body: {runDate, runId}. No TREASURY_ADDRESS → "skipped". Missing or stale account data,
 * missing closes or balances that do not reconcile with Etherscan's → "degraded" with warnings.
 */
import type { Firestore } from '@google-cloud/firestore';
import { COLLECTIONS } from '../../lib/collections';
import { addDays } from '../../lib/dates';
import { getFirestore } from '../../lib/firestore';
import { monthsBetween, readSeries } from '../../lib/series';
import { defineStep, type StepResult } from '../../lib/step';
import { INGEST_COLLECTIONS, loadRunParams, noteStepInRun } from '../ingest/common';
import { computeLedger, type GasSpend } from './ledger';
import { netUnitsByContract, withOperatorContracts, type LedgerTransfer, type OperatorPoolContracts, type PoolContract } from './wallet-model';

interface StoredTransfer {
  hash: string;
  time: string;
  from: string;
  to: string;
  contractAddress: string;
  tokenSymbol: string;
  amount: number;
}

/** accountBalances/{wallet}_{YYYY-MM} points: what fetchAccount fetched on that runDate. */
interface StoredBalance {
  eth?: number;
  tokens?: Record<string, { symbol?: string; amount?: number }>;
}

interface StoredTx {
  time: string;
  from: string;
  gasUsed: string | null;
  gasPrice: string | null;
}

async function seriesPoints<V>(db: Firestore, collection: string, wallet: string): Promise<Array<[string, V]>> {
  // One document per month; the treasury's whole history is a few dozen documents.
  const snap = await db.collection(collection).where('address', '==', wallet).get();
  const out: Array<[string, V]> = [];
  for (const doc of snap.docs) for (const [id, v] of Object.entries((doc.get('points') ?? {}) as Record<string, V>)) out.push([id, v]);
  return out;
}

/** Registry entries whose pool or receipt contract is one the wallet dealt with. */
async function poolContracts(db: Firestore, contracts: string[], approved: Map<string, string>): Promise<PoolContract[]> {
  const found = new Map<string, PoolContract>();
  for (const field of ['address', 'receiptToken'] as const) {
    for (let i = 0; i < contracts.length; i += 30) {
      const snap = await db.collection(INGEST_COLLECTIONS.pools).where(field, 'in', contracts.slice(i, i + 30)).get();
      for (const d of snap.docs) {
        const under = (d.get('underlyingTokens') ?? []) as string[];
        const symbols = under.map((u) => approved.get(u.toLowerCase())).filter((s): s is string => !!s);
        found.set(d.id, {
          poolId: d.id,
          address: typeof d.get('address') === 'string' ? d.get('address').toLowerCase() : undefined,
          receiptToken: typeof d.get('receiptToken') === 'string' ? d.get('receiptToken').toLowerCase() : undefined,
          underlying: under.length === 1 ? symbols[0] : undefined,
        });
      }
    }
  }
  return [...found.values()];
}

/** The single approved underlying of each pool the operator mapped (params.poolContracts), from its registry entry. */
async function mappedUnderlyings(db: Firestore, mapping: OperatorPoolContracts, approved: Map<string, string>): Promise<(poolId: string) => string | undefined> {
  const ids = Object.keys(mapping);
  const out = new Map<string, string>();
  if (ids.length) {
    const snaps = await db.getAll(...ids.map((id) => db.collection(INGEST_COLLECTIONS.pools).doc(id)));
    for (const d of snaps) {
      const under = (d.get('underlyingTokens') ?? []) as string[];
      const symbol = under.length === 1 ? approved.get(String(under[0]).toLowerCase()) : undefined;
      if (symbol) out.set(d.id, symbol);
    }
  }
  return (poolId) => out.get(poolId);
}

export const updateLedger = defineStep({ name: 'updateLedger' }, async (body, ctx): Promise<StepResult> => {
  const db = getFirestore();
  const address = process.env.TREASURY_ADDRESS?.trim();
  if (!address) {
    const result: StepResult = { status: 'skipped', counts: {}, warnings: ['TREASURY_ADDRESS is not set: no wallet, no ledger'] };
    await noteStepInRun(db, ctx, result);
    return result;
  }
  const wallet = address.toLowerCase();
  const runDate = body.runDate;
  const params = await loadRunParams(db, runDate);
  const approved = new Map(params.approvedTokens.filter((t) => t.address).map((t) => [t.address!.toLowerCase(), t.symbol]));
  const dataWarnings: string[] = [];

  const account = await db.collection(INGEST_COLLECTIONS.accounts).doc(wallet).get();
  // The balances fetchAccount stored for THIS runDate (accountBalances series), not the wallet
  // summary's latest ones: a run for another date (a backfill, a concurrent run) may have
  // rewritten accounts/{wallet} since, and this date's ledger must not depend on that.
  const dayBalance = (await readSeries<StoredBalance>(db, INGEST_COLLECTIONS.accountBalances, wallet, monthsBetween(runDate, runDate))).get(runDate);
  if (!account.exists) dataWarnings.push(`no account data for ${wallet} (fetchAccount has not run): ledger is empty`);
  else if (!dayBalance) dataWarnings.push(`account data is as of ${account.get('balancesAsOf')}, not ${runDate}: later transfers are missing`);

  // Transfers strictly before runDate: the ledger is the start of the day, and reruns see the same input.
  const transfers: LedgerTransfer[] = (await seriesPoints<StoredTransfer>(db, INGEST_COLLECTIONS.accountTransfers, wallet)).map(([id, t]) => ({
    id, hash: t.hash, time: t.time, from: t.from, to: t.to, contract: t.contractAddress, symbol: t.tokenSymbol, amount: t.amount,
  }));
  const gas: GasSpend[] = (await seriesPoints<StoredTx>(db, INGEST_COLLECTIONS.accountTxs, wallet))
    .filter(([, t]) => t.from?.toLowerCase() === wallet && t.gasUsed && t.gasPrice)
    .map(([, t]) => ({ date: t.time.slice(0, 10), feeEth: (Number(t.gasUsed) * Number(t.gasPrice)) / 1e18 }));

  const counterparties = new Set<string>();
  for (const t of transfers) {
    counterparties.add(t.contract.toLowerCase());
    counterparties.add((t.from.toLowerCase() === wallet ? t.to : t.from).toLowerCase());
  }
  const pools = withOperatorContracts(await poolContracts(db, [...counterparties].sort(), approved), params.poolContracts ?? {}, await mappedUnderlyings(db, params.poolContracts ?? {}, approved));

  const yesterday = addDays(runDate, -1);
  const firstPriceDay = addDays(`${runDate.slice(0, 4)}-01-01` < runDate ? `${runDate.slice(0, 4)}-01-01` : yesterday, -1);
  const months = monthsBetween(firstPriceDay, yesterday);
  const closes: Record<string, Record<string, number>> = {};
  for (const symbol of ['ETH', ...params.approvedTokens.map((t) => t.symbol)]) {
    const series = await readSeries<{ close?: unknown }>(db, INGEST_COLLECTIONS.priceDaily, symbol, months);
    const bySymbol: Record<string, number> = {};
    for (const [day, v] of series) if (typeof v.close === 'number') bySymbol[day] = v.close;
    closes[symbol] = bySymbol;
  }

  const result = computeLedger({
    runDate,
    wallet,
    transfers: transfers.filter((t) => t.time < `${runDate}T00:00:00.000Z`),
    approvedTokens: params.approvedTokens,
    pools,
    closes,
    gas,
    ethBalance: typeof dayBalance?.eth === 'number' ? dayBalance.eth : account.exists && typeof account.get('ethBalance') === 'number' ? account.get('ethBalance') : undefined,
  });

  // Etherscan's balances (fetched on runDate) against the sum of every stored transfer.
  if (dayBalance) {
    const net = netUnitsByContract(transfers, wallet);
    const snapshot = dayBalance.tokens ?? {};
    for (const [contract, b] of Object.entries(snapshot)) {
      const mine = net.get(contract.toLowerCase()) ?? 0;
      if (typeof b.amount === 'number' && Math.abs(mine - b.amount) > Math.max(1e-6, Math.abs(b.amount) * 1e-9)) {
        dataWarnings.push(`${b.symbol ?? contract}: Etherscan balance ${b.amount} ≠ ${mine} from the stored transfers (history incomplete?)`);
      }
    }
  }
  const priceGaps = result.warnings.filter((w) => w.includes('no close for'));
  const warnings = [...dataWarnings, ...result.warnings];

  await db.collection(COLLECTIONS.ledger).doc(runDate).set({ runId: body.runId ?? null, wallet, status: dataWarnings.length || priceGaps.length ? 'degraded' : 'ok', ...result, warnings });

  const stepResult: StepResult = {
    status: dataWarnings.length || priceGaps.length ? 'degraded' : 'ok',
    counts: { transfers: transfers.length, tokens: Object.keys(result.tokens).length, pools: result.pools.length, flowsYesterday: result.flows.length, ytdDays: result.ytd.days },
    warnings,
    extra: { navUsd: result.navUsd, yieldYesterdayUsd: result.yesterday.yieldUsd, ytdYieldUsd: result.ytd.yieldUsd },
  };
  await noteStepInRun(db, ctx, stepResult);
  return stepResult;
});
