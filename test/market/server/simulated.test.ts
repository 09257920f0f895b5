/**
 * The stand-ins over the real simulated market (small size): determinism by seed, the shapes the
 * functions' parsers see, and the clock moving the data.
 */
import axios from 'axios';
import { startMarketStandIns, type MarketStandIns } from '../../../emulator/market/server';

const MARKET = { pools: 300, days: 60, seed: 5, endDate: '2025-10-06' };

async function bodies(s: MarketStandIns): Promise<Record<string, string>> {
  const get = async (url: string, headers: Record<string, string> = {}) =>
    String((await axios.get(url, { headers, proxy: false, transformResponse: (r: unknown) => r, validateStatus: () => true })).data);
  const pools = await get(`${s.baseUrls.defillama}/pools`);
  const first = (JSON.parse(pools).data as Array<{ pool: string }>)[0].pool;
  const key = `apikey=${s.env.ETHERSCAN_API_KEY}`;
  return {
    pools,
    chart: await get(`${s.baseUrls.defillama}/chart/${first}`),
    ohlcv: await get(`${s.baseUrls.cmc}/v2/cryptocurrency/ohlcv/historical?id=3408,825&time_start=2025-09-01&time_end=2025-10-06`, { 'X-CMC_PRO_API_KEY': s.env.CMC_API_KEY }),
    quotes: await get(`${s.baseUrls.cmc}/v2/cryptocurrency/quotes/latest?id=3408`, { 'X-CMC_PRO_API_KEY': s.env.CMC_API_KEY }),
    gas: await get(`${s.baseUrls.gas}/average`),
    tokentx: await get(`${s.baseUrls.etherscan}?chainid=1&module=account&action=tokentx&address=${s.env.TREASURY_ADDRESS}&${key}`),
    balance: await get(`${s.baseUrls.etherscan}?chainid=1&module=account&action=balance&address=${s.env.TREASURY_ADDRESS}&tag=latest&${key}`),
  };
}

describe('stand-ins over the simulated market', () => {
  const started: MarketStandIns[] = [];
  const start = async (market = MARKET) => {
    const s = await startMarketStandIns({ market });
    started.push(s);
    return s;
  };
  afterAll(async () => {
    for (const s of started) await s.stop();
  });

  it('same seed and size → byte-identical responses from two servers; another seed differs', async () => {
    const a = await bodies(await start());
    const b = await bodies(await start());
    expect(b).toEqual(a);
    const c = await bodies(await start({ ...MARKET, seed: 6 }));
    expect(c.pools).not.toEqual(a.pools);
  });

  it('serves the simulated data in the real envelopes, as of the clock', async () => {
    const s = await start();
    expect(s.clock.today()).toBe('2025-10-06');
    const body = await bodies(s);
    const pools = JSON.parse(body.pools);
    expect(pools.status).toBe('success');
    expect(pools.data.length).toBeGreaterThan(200);
    expect(Object.keys(pools.data[0])).toHaveLength(28);
    const chart = JSON.parse(body.chart).data;
    // A listed pool's last row is at most 7 days old (DefiLlama keeps stale pools a week), never in the future.
    const lastDay = chart[chart.length - 1].timestamp.slice(0, 10);
    expect(lastDay <= '2025-10-06' && lastDay >= '2025-09-29').toBe(true);
    const ohlcv = JSON.parse(body.ohlcv);
    expect(ohlcv.status.error_code).toBe(0);
    expect(ohlcv.data['3408'].quotes[0].time_open).toBe('2025-09-02T00:00:00.000Z');
    expect(ohlcv.data['3408'].quotes.at(-1).time_open).toBe('2025-10-06T00:00:00.000Z');
    const gas = JSON.parse(body.gas).data.data;
    expect(gas).toHaveLength(168);
    expect(gas[0].period).toBe('2025-10-06T23:00:00+00:00');
    const tx = JSON.parse(body.tokentx);
    expect(tx.status).toBe('1');
    expect(Number(tx.result.at(-1).timeStamp)).toBeLessThanOrEqual(Date.parse('2025-10-07T00:00:00Z') / 1000);
    expect(JSON.parse(body.balance).result).toMatch(/^\d+$/);

    // The control API refuses a day outside the simulated history (it would serve nothing).
    const outside = await axios.post(`${s.origin}/_control/clock`, { date: '2025-01-01' }, { proxy: false, validateStatus: () => true });
    expect(outside.status).toBe(400);
    expect(outside.data.error).toMatch(/outside the simulated history 2025-08-08\.\.2025-10-06/);
    s.clock.set('2025-09-15');
    const earlier = await bodies(s);
    const earlierChart = JSON.parse(earlier.chart).data;
    expect(earlierChart.at(-1).timestamp.slice(0, 10) <= '2025-09-15').toBe(true);
    // Exactly the transfers up to the end of the earlier day (by hash: `confirmations` follows the
    // clock). Whether the seeded wallet was active in between is the simulation's business, so no
    // "fewer" here; endpoints.test.ts checks that with a market that has a transfer every day.
    const cutoff = Date.parse('2025-09-16T00:00:00Z') / 1000;
    const hashes = (rows: Array<{ hash: string; timeStamp: string }>) => rows.map((r) => `${r.hash}@${r.timeStamp}`);
    const earlierTx = JSON.parse(earlier.tokentx);
    expect(earlierTx.status).toBe('1');
    expect(hashes(earlierTx.result)).toEqual(hashes(tx.result.filter((r: { timeStamp: string }) => Number(r.timeStamp) < cutoff)));
    expect(earlierTx.result.length).toBeGreaterThan(0);
    expect(JSON.parse(earlier.gas).data.data[0].period).toBe('2025-09-15T23:00:00+00:00');
  });
});
