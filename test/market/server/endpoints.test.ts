/** Each endpoint's shape and error bodies, over real HTTP (axios), against the fake market. */
import axios from 'axios';
import { END, POOL_A, TREASURY, USDC } from './fake-market';
import { parse, useStandIns } from './helpers';

const t = useStandIns();
const get = async (url: string, headers: Record<string, string> = {}) => {
  const res = await t.http.get(url, { headers });
  return { status: res.status, headers: res.headers, body: parse(res.data) };
};

describe('env and base URLs', () => {
  it('exposes every variable the functions read, pointing at this server', () => {
    const env = t.s.env;
    for (const k of ['DEFILLAMA_BASE_URL', 'CMC_BASE_URL', 'CMC_API_KEY', 'GAS_BASE_URL', 'ETHERSCAN_BASE_URL', 'ETHERSCAN_API_KEY', 'SLACK_API_URL', 'SLACK_BOT_TOKEN', 'SLACK_CHANNEL', 'TREASURY_ADDRESS']) {
      expect(env[k]).toBeTruthy();
    }
    expect(env.SLACK_API_URL.endsWith('/api/')).toBe(true);
    expect(env.TREASURY_ADDRESS).toBe(TREASURY);
    expect(env.DEFILLAMA_BASE_URL.startsWith('http://127.0.0.1:')).toBe(true);
    expect(t.s.baseUrls.etherscan).toBe(env.ETHERSCAN_BASE_URL);
  });
});

describe('DefiLlama', () => {
  it('GET /pools: success envelope with the snapshot of the clock day', async () => {
    const { status, body } = await get(`${t.s.baseUrls.defillama}/pools`);
    expect(status).toBe(200);
    expect(body.status).toBe('success');
    expect(body.data).toHaveLength(2);
    expect(body.data[0].pool).toBe(POOL_A);
    expect(body.data[0].poolMeta).toBe(END); // the fake stamps the snapshot date
  });
  it('GET /chart/{pool}: rows up to the clock day; unknown uuid → empty; non-uuid → 400 "invalid configID!"', async () => {
    const chart = await get(`${t.s.baseUrls.defillama}/chart/${POOL_A}`);
    expect(chart.body.status).toBe('success');
    expect(chart.body.data.map((r: { timestamp: string }) => r.timestamp.slice(0, 10))).toEqual(['2025-10-04', '2025-10-05', END]);
    const unknown = await get(`${t.s.baseUrls.defillama}/chart/00000000-0000-4000-8000-000000000000`);
    expect(unknown.body).toEqual({ status: 'success', data: [] });
    const bad = await get(`${t.s.baseUrls.defillama}/chart/not-a-uuid`);
    expect(bad.status).toBe(400);
    expect(bad.body).toBe('invalid configID!');
  });
  it('follows the control clock', async () => {
    const set = await axios.post(`${t.s.origin}/_control/clock`, { date: '2025-10-02' }, { proxy: false });
    expect(set.data.date).toBe('2025-10-02');
    try {
      const { body } = await get(`${t.s.baseUrls.defillama}/pools`);
      expect(body.data[0].poolMeta).toBe('2025-10-02');
    } finally {
      t.s.clock.set(END);
    }
    const badDate = await t.http.post('/_control/clock', { date: '2025-13-01' });
    expect(badDate.status).toBe(400);
  });
});

describe('CoinMarketCap', () => {
  const key = () => ({ 'X-CMC_PRO_API_KEY': t.s.env.CMC_API_KEY });
  it('rejects a missing key (401, 1002) and a wrong key (401, 1001) with the status envelope', async () => {
    const url = `${t.s.baseUrls.cmc}/v2/cryptocurrency/quotes/latest?id=3408`;
    const missing = await get(url);
    expect(missing.status).toBe(401);
    expect(missing.body.status).toMatchObject({ error_code: 1002, error_message: 'API key missing.' });
    const wrong = await get(url, { 'X-CMC_PRO_API_KEY': 'nope' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.status.error_code).toBe(1001);
    expect(wrong.body.data).toBeUndefined();
  });
  it('OHLCV historical: one id → data is the coin; time_start exclusive, time_end inclusive', async () => {
    const { status, body } = await get(`${t.s.baseUrls.cmc}/v2/cryptocurrency/ohlcv/historical?id=3408&time_start=2025-10-01&time_end=2025-10-04&interval=daily&convert=USD`, key());
    expect(status).toBe(200);
    expect(body.status.error_code).toBe(0);
    expect(body.data).toMatchObject({ id: 3408, symbol: 'USDC', name: 'USD Coin' });
    expect(body.data.quotes.map((q: { time_open: string }) => q.time_open)).toEqual(['2025-10-02T00:00:00.000Z', '2025-10-03T00:00:00.000Z', '2025-10-04T00:00:00.000Z']);
    const q = body.data.quotes[0];
    expect(q.time_close).toBe('2025-10-02T23:59:59.999Z');
    expect(Object.keys(q.quote.USD).sort()).toEqual(['close', 'high', 'low', 'market_cap', 'open', 'timestamp', 'volume']);
    expect(q.quote.USD.close).toBeCloseTo(1.0001);
  });
  it('OHLCV: several ids → keyed by id; count without time_start → the last N bars up to today', async () => {
    const { body } = await get(`${t.s.baseUrls.cmc}/v2/cryptocurrency/ohlcv/historical?id=3408,825&count=2`, key());
    expect(Object.keys(body.data).sort()).toEqual(['3408', '825']);
    expect(body.data['825'].quotes.map((q: { time_open: string }) => q.time_open.slice(0, 10))).toEqual(['2025-10-05', END]);
  });
  it('OHLCV: unknown id → 400 envelope, unless skip_invalid=true; non-USD convert → 400', async () => {
    const bad = await get(`${t.s.baseUrls.cmc}/v2/cryptocurrency/ohlcv/historical?id=999999`, key());
    expect(bad.status).toBe(400);
    expect(bad.body.status).toMatchObject({ error_code: 400, error_message: 'Invalid value for "id": "999999"' });
    const skipped = await get(`${t.s.baseUrls.cmc}/v2/cryptocurrency/ohlcv/historical?id=3408,999999&skip_invalid=true&count=1`, key());
    expect(skipped.status).toBe(200);
    expect(Object.keys(skipped.body.data)).toEqual(['3408']);
    const eur = await get(`${t.s.baseUrls.cmc}/v2/cryptocurrency/ohlcv/historical?id=3408&convert=EUR`, key());
    expect(eur.body.status.error_code).toBe(400);
  });
  it('quotes latest: by id → keyed by id; by symbol → arrays; key also accepted as query param', async () => {
    const byId = await get(`${t.s.baseUrls.cmc}/v2/cryptocurrency/quotes/latest?id=3408,1027`, key());
    expect(Object.keys(byId.body.data).sort()).toEqual(['1027', '3408']);
    const usdc = byId.body.data['3408'];
    expect(usdc).toMatchObject({ id: 3408, symbol: 'USDC', slug: 'usd-coin', platform: { token_address: USDC } });
    expect(usdc.tags).toContain('stablecoin');
    expect(usdc.quote.USD.price).toBeCloseTo(1.0003);
    expect(byId.body.data['1027'].platform).toBeNull();
    const bySymbol = await get(`${t.s.baseUrls.cmc}/v2/cryptocurrency/quotes/latest?symbol=usdt&CMC_PRO_API_KEY=${t.s.env.CMC_API_KEY}`);
    expect(Array.isArray(bySymbol.body.data.USDT)).toBe(true);
    expect(bySymbol.body.data.USDT[0].id).toBe(825);
  });
});

describe('ethgastracker', () => {
  it('/average: a week of hourly averages up to now, newest first, data.data nesting, +00:00 periods', async () => {
    const { status, body } = await get(`${t.s.baseUrls.gas}/average`);
    expect(status).toBe(200);
    expect(body.data.network).toBe('mainnet');
    const rows = body.data.data;
    expect(rows).toHaveLength(7 * 24);
    expect(rows[0].period).toBe(`${END}T23:00:00+00:00`);
    expect(rows[rows.length - 1].period).toBe('2025-09-30T00:00:00+00:00');
    expect(Date.parse(rows[0].period)).toBeGreaterThan(Date.parse(rows[1].period));
    expect(Object.keys(rows[0]).sort()).toEqual(['baseFee', 'ethPrice', 'gasLimit', 'gasUsed', 'max', 'median', 'min', 'period', 'txCount']);
    expect(typeof body.data.lastUpdate).toBe('number');
    const base = await get(`${t.s.baseUrls.gas}/average/base`);
    expect(base.body.data.network).toBe('base');
    expect(base.body.data.data[0].baseFee).toBeLessThan(rows[0].baseFee);
  });
  it('/latest: wei integers and the oracle tiers', async () => {
    const { body } = await get(`${t.s.baseUrls.gas}/latest`);
    expect(typeof body.data.blockNr).toBe('string');
    expect(Number.isInteger(body.data.baseFee)).toBe(true);
    expect(body.data.baseFee).toBeGreaterThan(1e8);
    expect(body.data.oracle.fast.gasFee).toBeGreaterThanOrEqual(body.data.oracle.slow.gasFee);
  });
});

describe('Etherscan V2', () => {
  const api = (q: string) => `${t.s.baseUrls.etherscan}?${q}`;
  const key = () => `apikey=${t.s.env.ETHERSCAN_API_KEY}`;
  it('HTTP-200 status "0" errors with the real wording', async () => {
    const cases: Array<[string, string]> = [
      [`module=account&action=balance&address=${TREASURY}&${key()}`, 'Missing chainid parameter (required for v2 api)'],
      [`chainid=999999&module=account&action=balance&address=${TREASURY}&${key()}`, 'Missing or unsupported chainid parameter (required for v2 api), please see https://api.etherscan.io/v2/chainlist for the list of supported chainids'],
      [`chainid=1&module=account&action=balance&address=${TREASURY}`, 'Missing/Invalid API Key'],
      [`chainid=1&module=account&action=balance&address=${TREASURY}&apikey=WRONG`, 'Invalid API Key'],
      [`chainid=1&module=account&action=nope&address=${TREASURY}&${key()}`, 'Error! Missing Or invalid Action name'],
    ];
    for (const [q, result] of cases) {
      const res = await get(api(q));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: '0', message: 'NOTOK', result });
    }
    const v1 = await get(`${t.s.origin}/etherscan/api?module=account&action=balance&address=${TREASURY}&${key()}`);
    expect(v1.body.result).toMatch(/deprecated V1 endpoint/);
  });
  it('balance and tokenbalance of the treasury as of the clock day', async () => {
    const bal = await get(api(`chainid=1&module=account&action=balance&address=${TREASURY}&tag=latest&${key()}`));
    expect(bal.body).toEqual({ status: '1', message: 'OK', result: '2000000000000000000' });
    const tok = await get(api(`chainid=1&module=account&action=tokenbalance&contractaddress=${USDC}&address=${TREASURY}&tag=latest&${key()}`));
    expect(tok.body.result).toBe('6000000');
  });
  it('tokentx: rows in Etherscan shape, block range, sort, paging; empty history is "No transactions found"', async () => {
    const all = await get(api(`chainid=1&module=account&action=tokentx&address=${TREASURY}&startblock=0&endblock=99999999&sort=asc&${key()}`));
    expect(all.body.status).toBe('1');
    expect(all.body.result).toHaveLength(5);
    expect(all.body.result[0]).toMatchObject({ contractAddress: USDC, to: TREASURY, tokenDecimal: '6' });
    expect(Number(all.body.result[0].confirmations)).toBeGreaterThan(100_000); // recomputed against "now"
    const desc = await get(api(`chainid=1&module=account&action=tokentx&address=${TREASURY}&page=1&offset=2&sort=desc&${key()}`));
    expect(desc.body.result.map((r: { blockNumber: string }) => r.blockNumber)).toEqual(['23028800', '23021600']);
    const window = await get(api(`chainid=1&module=account&action=tokentx&address=${TREASURY}&startblock=23007200&endblock=23014400&${key()}`));
    expect(window.body.result).toHaveLength(2);
    const none = await get(api(`chainid=1&module=account&action=txlist&address=0x3333333333333333333333333333333333333333&${key()}`));
    expect(none.body).toEqual({ status: '0', message: 'No transactions found', result: [] });
    const tooFar = await get(api(`chainid=1&module=account&action=txlist&address=${TREASURY}&page=11&offset=1000&${key()}`));
    expect(tooFar.body.message).toBe('NOTOK');
  });
  it('history follows the clock: earlier day, fewer transfers', async () => {
    t.s.clock.set('2025-10-02');
    try {
      const res = await get(api(`chainid=1&module=account&action=txlist&address=${TREASURY}&${key()}`));
      expect(res.body.result).toHaveLength(2);
    } finally {
      t.s.clock.set(END);
    }
  });
  it('gasoracle: string gwei decimals', async () => {
    const { body } = await get(api(`chainid=1&module=gastracker&action=gasoracle&${key()}`));
    expect(body.status).toBe('1');
    for (const k of ['LastBlock', 'SafeGasPrice', 'ProposeGasPrice', 'FastGasPrice', 'suggestBaseFee', 'gasUsedRatio']) expect(typeof body.result[k]).toBe('string');
    expect(Number(body.result.FastGasPrice)).toBeGreaterThanOrEqual(Number(body.result.SafeGasPrice));
    expect(body.result.gasUsedRatio.split(',')).toHaveLength(5);
  });
});

describe('control API', () => {
  it('counts requests by service and route', async () => {
    await t.http.delete('/_control/requests');
    await t.http.get(`${t.s.baseUrls.defillama}/pools`);
    await t.http.get(`${t.s.baseUrls.defillama}/pools`);
    await t.http.get(`${t.s.baseUrls.gas}/average`);
    const counts = parse((await t.http.get('/_control/requests')).data);
    expect(counts.total).toBe(3);
    expect(counts.byService).toEqual({ defillama: 2, gas: 1 });
    expect(counts.byRoute['defillama GET /pools']).toBe(2);
  });
  it('unknown service prefix → 404', async () => {
    expect((await t.http.get('/coingecko/api/v3/ping')).status).toBe(404);
  });
});
