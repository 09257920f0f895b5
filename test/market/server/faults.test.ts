/** Every fault kind, by X-Fault header and by config rule; rule matching, times, rate determinism. */
import axios from 'axios';
import { startMarketStandIns } from '../../../emulator/market/server';
import { FaultInjector, malformText, parseFaultHeader, transformBody } from '../../../emulator/market/server/faults';
import { fakeMarket, POOL_A } from './fake-market';
import { parse, useStandIns } from './helpers';

const t = useStandIns();
const pools = () => `${t.s.baseUrls.defillama}/pools`;
const fault = (kind: string) => ({ headers: { 'X-Fault': kind } });

describe('fault kinds (X-Fault header)', () => {
  it('429: Retry-After header and a service-flavoured body', async () => {
    const llama = await t.http.get(pools(), { headers: { 'X-Fault': '429; retry-after=3' } });
    expect(llama.status).toBe(429);
    expect(llama.headers['retry-after']).toBe('3');
    const cmc = await t.http.get(`${t.s.baseUrls.cmc}/v2/cryptocurrency/quotes/latest?id=3408`, { headers: { 'X-Fault': '429', 'X-CMC_PRO_API_KEY': t.s.env.CMC_API_KEY } });
    expect(cmc.status).toBe(429);
    expect(parse(cmc.data).status.error_code).toBe(1008);
    const slack = await t.http.post(`${t.s.baseUrls.slack}chat.postMessage`, {}, fault('429'));
    expect(parse(slack.data)).toEqual({ ok: false, error: 'ratelimited' });
  });
  it('429 on Etherscan with status=200: Etherscan\'s own HTTP-200 rate-limit body', async () => {
    const res = await t.http.get(`${t.s.baseUrls.etherscan}?chainid=1&module=account&action=balance`, { headers: { 'X-Fault': '429; status=200' } });
    expect(res.status).toBe(200);
    expect(parse(res.data)).toEqual({ status: '0', message: 'NOTOK', result: 'Max rate limit reached, please use API Key for higher rate limit' });
  });
  it('5xx: default 503, status selectable, non-JSON body for CDN-fronted APIs', async () => {
    const a = await t.http.get(pools(), fault('5xx'));
    expect(a.status).toBe(503);
    expect(() => JSON.parse(a.data)).toThrow();
    const b = await t.http.get(`${t.s.baseUrls.gas}/average`, fault('5xx; status=502'));
    expect(b.status).toBe(502);
  });
  it('truncated: 200, JSON content-type, Content-Length matching, body cut mid-way', async () => {
    const whole = await t.http.get(pools());
    const cut = await t.http.get(pools(), fault('truncated'));
    expect(cut.status).toBe(200);
    expect(cut.headers['content-type']).toMatch(/application\/json/);
    expect(Number(cut.headers['content-length'])).toBe(Buffer.byteLength(cut.data));
    expect(whole.data.startsWith(cut.data)).toBe(true);
    expect(cut.data.length).toBeLessThan(whole.data.length);
    expect(() => JSON.parse(cut.data)).toThrow();
  });
  it('malformed: complete body, invalid JSON', async () => {
    const res = await t.http.get(pools(), fault('malformed'));
    expect(res.status).toBe(200);
    expect(res.data.endsWith('}')).toBe(true);
    expect(() => JSON.parse(res.data)).toThrow();
  });
  it('wrong-shape: valid JSON, the main collection is no longer an array', async () => {
    const body = parse((await t.http.get(pools(), fault('wrong-shape'))).data);
    expect(body.status).toBe('success');
    expect(Array.isArray(body.data)).toBe(false);
    expect(typeof body.data.items['0'].tvlUsd).toBe('string');
  });
  it('empty: the collection is emptied (pools, chart, gas, etherscan rows)', async () => {
    expect(parse((await t.http.get(pools(), fault('empty'))).data)).toEqual({ status: 'success', data: [] });
    expect(parse((await t.http.get(`${t.s.baseUrls.defillama}/chart/${POOL_A}`, fault('empty'))).data).data).toEqual([]);
    expect(parse((await t.http.get(`${t.s.baseUrls.gas}/average`, fault('empty'))).data).data.data).toEqual([]);
    const tx = parse((await t.http.get(`${t.s.baseUrls.etherscan}?chainid=1&module=account&action=tokentx&address=${t.s.env.TREASURY_ADDRESS}&apikey=${t.s.env.ETHERSCAN_API_KEY}`, fault('empty'))).data);
    expect(tx).toMatchObject({ status: '1', result: [] });
  });
  it('duplicate-rows: some rows repeated right after themselves', async () => {
    const chart = parse((await t.http.get(`${t.s.baseUrls.defillama}/chart/${POOL_A}`, fault('duplicate-rows'))).data).data;
    expect(chart).toHaveLength(4);
    expect(chart[1]).toEqual(chart[0]);
    const ohlcv = parse(
      (await t.http.get(`${t.s.baseUrls.cmc}/v2/cryptocurrency/ohlcv/historical?id=3408&count=3`, { headers: { 'X-Fault': 'duplicate-rows', 'X-CMC_PRO_API_KEY': t.s.env.CMC_API_KEY } })).data,
    );
    expect(ohlcv.data.quotes).toHaveLength(4);
    expect(ohlcv.data.quotes[0].time_open).toBe(ohlcv.data.quotes[1].time_open);
  });
  it('body faults leave error responses alone', async () => {
    const res = await t.http.get(`${t.s.baseUrls.cmc}/v2/cryptocurrency/quotes/latest?id=3408`, fault('empty'));
    expect(res.status).toBe(401);
    expect(parse(res.data).status.error_code).toBe(1002);
  });
  it('an unknown X-Fault is a 400, not silently ignored', async () => {
    const res = await t.http.get(pools(), fault('gremlins'));
    expect(res.status).toBe(400);
    expect(res.data).toMatch(/X-Fault/);
  });
});

describe('fault config', () => {
  it('times: only the first N matching requests; match by service and path regex', async () => {
    t.s.faults.configure({ rules: [{ match: { service: 'defillama', path: '^/chart/' }, kind: '5xx', times: 2 }] });
    const chart = `${t.s.baseUrls.defillama}/chart/${POOL_A}`;
    expect((await t.http.get(pools())).status).toBe(200); // path does not match
    expect((await t.http.get(`${t.s.baseUrls.gas}/average`)).status).toBe(200); // service does not match
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await t.http.get(chart)).status);
    expect(statuses).toEqual([503, 503, 200, 200]);
    expect(t.s.faults.injected()).toEqual([2]);
  });
  it('config over the control API; bad rules are rejected with the field named', async () => {
    const bad = await t.http.put('/_control/faults', { rules: [{ match: {}, kind: 'nope' }] });
    expect(bad.status).toBe(400);
    expect(parse(bad.data).error).toMatch(/rules\[0\]\.kind/);
    const ok = await t.http.put('/_control/faults', { rules: [{ match: { service: 'gas' }, kind: 'empty' }] });
    expect(ok.status).toBe(200);
    expect(parse((await t.http.get(`${t.s.baseUrls.gas}/average`)).data).data.data).toEqual([]);
    await t.http.delete('/_control/faults');
    expect(parse((await t.http.get(`${t.s.baseUrls.gas}/average`)).data).data.data.length).toBeGreaterThan(0);
  });
  it('rate is deterministic by seed and counter, and roughly the rate', () => {
    const pattern = (seed: number) => {
      const f = new FaultInjector({ seed, rules: [{ match: {}, kind: '5xx', rate: 0.3 }] });
      return Array.from({ length: 400 }, () => (f.decide('defillama', '/pools', undefined) ? 1 : 0)).join('');
    };
    expect(pattern(7)).toBe(pattern(7));
    expect(pattern(7)).not.toBe(pattern(8));
    const hits = [...pattern(7)].filter((c) => c === '1').length;
    expect(hits).toBeGreaterThan(80);
    expect(hits).toBeLessThan(160);
  });
  it('header parsing and pure transforms', () => {
    expect(parseFaultHeader('5xx; status=504')).toMatchObject({ kind: '5xx', status: 504 });
    expect(() => JSON.parse(malformText('[]'))).toThrow();
    expect(() => JSON.parse(malformText('"x"'))).toThrow();
    expect(transformBody('empty', { data: { '1': {}, '2': {} } }, ['data'])).toEqual({ data: {} });
  });
});

describe('timeout fault', () => {
  it('holds the request unanswered (client timeout fires) and stop() releases held sockets', async () => {
    const s = await startMarketStandIns({ source: fakeMarket(), faults: { rules: [{ match: { service: 'defillama' }, kind: 'timeout' }] } });
    try {
      await expect(axios.get(`${s.baseUrls.defillama}/pools`, { timeout: 300, proxy: false })).rejects.toMatchObject({ code: 'ECONNABORTED' });
      // No client timeout: only stop() ends it.
      const pending = axios.get(`${s.baseUrls.defillama}/pools`, { proxy: false }).then(
        () => 'answered',
        (e: { code?: string }) => e.code ?? 'error',
      );
      // Wait until the server has the second request (read from the control API), then stop.
      for (let i = 0; i < 200; i++) {
        const counts = (await axios.get(`${s.origin}/_control/requests`, { proxy: false })).data as { total: number };
        if (counts.total >= 2) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      await s.stop();
      expect(await pending).not.toBe('answered');
    } finally {
      await s.stop();
    }
  });
});
