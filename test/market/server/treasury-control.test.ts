/**
 * GET /_control/treasury: the simulated treasury's pool uuid → {address, receiptToken} mapping that
 * the local tooling seeds into params/current.poolContracts. Checked against what the treasury
 * actually did on chain (its token transfers) and through the ledger core: with the mapping every
 * open position is named by a pool uuid the stand-in serves; without it they are `contract:0x…`.
 */
import axios from 'axios';
import { startMarketStandIns, type MarketStandIns } from '../../../emulator/market/server';
import { DEFAULT_APPROVED_TOKENS, ParamsSchema } from '../../../functions/src/lib/params';
import { computeLedger } from '../../../functions/src/steps/report/ledger';
import { withOperatorContracts, ZERO_ADDRESS, type LedgerTransfer } from '../../../functions/src/steps/report/wallet-model';
import { seedTreasuryPoolContracts } from '../../../scripts/market';
import { useFirestoreEmulator } from '../../support/firestore';

const MARKET = { pools: 300, days: 60, seed: 5, endDate: '2025-10-06' };
const get = async (url: string) => axios.get(url, { proxy: false, validateStatus: () => true });

const db = useFirestoreEmulator('treasury-control');
let s: MarketStandIns;
beforeAll(async () => {
  s = await startMarketStandIns({ market: MARKET });
});
afterAll(async () => s?.stop());

describe('GET /_control/treasury', () => {
  it('maps every pool the treasury deposited into, consistent with its transfers, valid as params.poolContracts', async () => {
    const res = await get(`${s.origin}/_control/treasury`);
    expect(res.status).toBe(200);
    const { date, address, poolContracts } = res.data as { date: string; address: string; poolContracts: Record<string, { address: string; receiptToken: string }> };
    expect(date).toBe('2025-10-06');
    expect(address).toBe(s.env.TREASURY_ADDRESS);
    const entries = Object.entries(poolContracts);
    expect(entries.length).toBeGreaterThan(0);
    // The schema accepts it as the operator's mapping.
    expect(ParamsSchema.parse({ poolContracts }).poolContracts).toEqual(poolContracts);

    const tx = await get(`${s.baseUrls.etherscan}?chainid=1&module=account&action=tokentx&address=${address}&apikey=${s.env.ETHERSCAN_API_KEY}`);
    const rows = tx.data.result as Array<Record<string, string>>;
    const minted = new Set(rows.filter((r) => r.from === ZERO_ADDRESS && r.to.toLowerCase() === address.toLowerCase()).map((r) => r.contractAddress.toLowerCase()));
    const depositedTo = new Set(rows.filter((r) => r.from.toLowerCase() === address.toLowerCase()).map((r) => r.to.toLowerCase()));
    for (const [, c] of entries) {
      expect(minted.has(c.receiptToken)).toBe(true);
      expect(depositedTo.has(c.address)).toBe(true);
    }
    // Every receipt token ever minted to the wallet is mapped.
    expect(new Set(entries.map(([, c]) => c.receiptToken))).toEqual(minted);

    // The ledger core over these transfers on a day with open positions: the mapping names each by
    // its pool uuid; without it they are `contract:0x…`. (Float dust below 1e-6 units is ignored.)
    const day = '2024-01-01';
    const transfers: LedgerTransfer[] = rows.map((r, i) => ({
      id: `${r.hash}:${i}`, hash: r.hash, time: new Date(Number(r.timeStamp) * 1000).toISOString(), from: r.from, to: r.to,
      contract: r.contractAddress, symbol: r.tokenSymbol, amount: Number(r.value) / 10 ** Number(r.tokenDecimal),
    })).filter((t) => t.time < `${day}T00:00:00.000Z`);
    const base = { runDate: day, wallet: address, transfers, approvedTokens: DEFAULT_APPROVED_TOKENS, closes: {} };
    const open = (pools: Array<{ poolId: string; amount: number }>) => pools.filter((p) => p.amount > 1e-6).map((p) => p.poolId).sort();
    const mapped = open(computeLedger({ ...base, pools: withOperatorContracts([], poolContracts) }).pools);
    const without = open(computeLedger({ ...base, pools: [] }).pools);
    expect(mapped.length).toBeGreaterThan(1);
    expect(mapped.every((id) => id in poolContracts)).toBe(true);
    expect(without).toEqual(mapped.map((id) => `contract:${poolContracts[id].address}`).sort());
  });

  it("the local tooling's seed: params/current.poolContracts merged in, the operator's other entries and parameters kept", async () => {
    const operator = { 'operator-pool': { address: '0x' + '12'.repeat(20) } };
    await db().doc('params/current').set({ minPools: 4, poolContracts: operator });
    const n = await seedTreasuryPoolContracts(`${s.origin}/_control`, db.host(), db.projectId);
    const expected = (await get(`${s.origin}/_control/treasury`)).data.poolContracts as Record<string, unknown>;
    expect(n).toBe(Object.keys(expected).length);
    const stored = (await db().doc('params/current').get()).data()!;
    expect(stored).toEqual({ minPools: 4, poolContracts: { ...operator, ...expected } });
    expect(ParamsSchema.parse(stored).poolContracts).toEqual({ ...operator, ...expected });
  });

  it('follows the clock: an earlier day maps only the pools deposited into by then', async () => {
    const at = async (date: string) => {
      s.clock.set(date); // the simulated history of the wallet starts long before the market window
      return Object.keys((await get(`${s.origin}/_control/treasury`)).data.poolContracts as Record<string, unknown>);
    };
    const all = await at('2025-10-06');
    const early = await at('2023-03-01');
    expect(early.length).toBeGreaterThan(0);
    expect(early.length).toBeLessThan(all.length);
    expect(early.every((id) => all.includes(id))).toBe(true);
    expect(await at('2023-01-02')).toEqual([]); // genesis: funded, nothing deposited yet
    s.clock.set('2025-10-06');
  });
});
