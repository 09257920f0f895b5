/**
 * Step 1, fetchAccount (DOMAIN.md): the treasury wallet (TREASURY_ADDRESS) on Ethereum via
 * Etherscan V2. Writes, after every call answered and validated:
 *   accountTransfers/{address}_{YYYY-MM}   ERC-20 transfers, points keyed by hash:logIndex
 *   accountTxs/{address}_{YYYY-MM}         normal transactions, points keyed by hash
 *   accountBalances/{address}_{YYYY-MM}    the runDate's balances (ETH + every token touched)
 *   accounts/{address}                     latest balances and counts
 * The full history is read every run (a treasury has few transfers; pagination copes with many) and
 * only transfers earlier runDates did not store are written. No TREASURY_ADDRESS → "skipped".
 */
import { getFirestore } from '../../../lib/firestore';
import { RawRecorder } from '../../../lib/raw-layer';
import { commitWrites, monthsBetween, planSeriesWrites, readSeries, type PlannedWrite } from '../../../lib/series';
import { defineStep, type StepResult } from '../../../lib/step';
import { ConfigError, INGEST_COLLECTIONS, noteStepInRun, withRawLayer } from '../common';
import { etherscanContext, fetchEthBalance, fetchNormalTxs, fetchTokenBalance, fetchTokenTransfers, SOURCE } from './fetch';
import { newPoints, normalizeTransfers, normalizeTxs, toAmount, tokensSeen } from './normalize';

export const fetchAccount = defineStep({ name: 'fetchAccount' }, async (body, ctx): Promise<StepResult> => {
  const db = getFirestore();
  const address = process.env.TREASURY_ADDRESS?.trim();
  if (!address) {
    const result: StepResult = { status: 'skipped', counts: {}, warnings: ['TREASURY_ADDRESS is not set: no wallet to read'] };
    await noteStepInRun(db, ctx, result);
    return result;
  }
  if (!/^0x[0-9a-fA-F]{40}$/.test(address)) throw new ConfigError('TREASURY_ADDRESS is not a 0x-prefixed 20-byte hex address');
  const wallet = address.toLowerCase();
  const raw = new RawRecorder(db, SOURCE, body.runDate, body.runId ?? null);

  const fetched = await withRawLayer(raw, async () => {
    const es = etherscanContext(raw, address);
    const [transferRows, txRows, ethWei] = await Promise.all([fetchTokenTransfers(es), fetchNormalTxs(es), fetchEthBalance(es)]);
    const transfers = normalizeTransfers(transferRows, wallet, body.runDate);
    const tokens = tokensSeen(transfers.points);
    const balances = await Promise.all(tokens.map(async (t) => ({ ...t, raw: await fetchTokenBalance(es, t.contract) })));
    return { transfers, txs: normalizeTxs(txRows, body.runDate), ethWei, balances };
  });
  if (!/^\d+$/.test(fetched.ethWei)) throw new ConfigError(`Etherscan balance: result is not a wei amount (source: Etherscan /v2/api action=balance)`);

  const { transfers, txs } = fetched;
  const months = (points: Array<{ date: string }>) => (points.length ? monthsBetween(points[0].date, points[points.length - 1].date) : []);
  const sortedByDate = <T extends { date: string }>(p: T[]) => [...p].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  const storedTransfers = await readSeries<{ ingestedOn?: unknown }>(db, INGEST_COLLECTIONS.accountTransfers, wallet, months(sortedByDate(transfers.points)));
  const storedTxs = await readSeries<{ ingestedOn?: unknown }>(db, INGEST_COLLECTIONS.accountTxs, wallet, months(sortedByDate(txs.points)));
  const newTransfers = newPoints(transfers.points, storedTransfers, body.runDate);
  const newTxs = newPoints(txs.points, storedTxs, body.runDate);

  const tokenBalances: Record<string, { symbol: string; decimals: number; raw: string; amount: number }> = {};
  for (const b of fetched.balances) {
    if (!/^\d+$/.test(b.raw)) throw new ConfigError(`Etherscan tokenbalance ${b.contract}: result is not an integer amount`);
    tokenBalances[b.contract] = { symbol: b.symbol, decimals: b.decimals, raw: b.raw, amount: toAmount(b.raw, b.decimals) };
  }
  const balance = { ethWei: fetched.ethWei, eth: toAmount(fetched.ethWei, 18), tokens: tokenBalances, ingestedOn: body.runDate };

  const writes: PlannedWrite[] = [
    ...planSeriesWrites(db, INGEST_COLLECTIONS.accountTransfers, wallet, newTransfers, { address: wallet }),
    ...planSeriesWrites(db, INGEST_COLLECTIONS.accountTxs, wallet, newTxs, { address: wallet }),
    ...planSeriesWrites(db, INGEST_COLLECTIONS.accountBalances, wallet, [{ id: body.runDate, date: body.runDate, value: balance }], { address: wallet }),
  ];
  await commitWrites(db, writes);
  // The summary last: it says which runDate the stored balances are for.
  await db.collection(INGEST_COLLECTIONS.accounts).doc(wallet).set(
    { address: wallet, chainId: 1, balancesAsOf: body.runDate, ethBalanceWei: balance.ethWei, ethBalance: balance.eth, tokenBalances, transfers: transfers.points.length, txs: txs.points.length, lastBlock: Math.max(0, ...transfers.points.map((p) => p.value.blockNumber), ...txs.points.map((p) => p.value.blockNumber)) },
    { merge: true },
  );

  const duplicates = transfers.duplicates + txs.duplicates;
  const result: StepResult = {
    status: 'ok',
    counts: { transfers: transfers.points.length, newTransfers: newTransfers.length, txs: txs.points.length, newTxs: newTxs.length, tokens: fetched.balances.length, duplicates, documentsWritten: writes.length + 1, rawBytes: raw.totalBytes },
    warnings: duplicates ? [`Etherscan: ${duplicates} repeated row(s) ignored`] : [],
  };
  await noteStepInRun(db, ctx, result);
  return result;
});
