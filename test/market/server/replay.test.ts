/** Replay mode: recorded responses from test/market/server/recordings (hand-made, API-shaped). */
import fs from 'node:fs';
import path from 'node:path';
import { recordingKey } from '../../../emulator/market/server/replay';
import { parse, useStandIns } from './helpers';

const DIR = path.join(__dirname, 'recordings');
// No `source`: replay mode must not need (or build) the simulated market.
const t = useStandIns({ recordingsDir: DIR, source: undefined });

describe('replay mode', () => {
  it('takes the clock date and treasury address from meta.json', () => {
    expect(t.s.clock.today()).toBe('2025-10-06');
    expect(t.s.env.TREASURY_ADDRESS).toBe('0x5eed00000000000000000000000000000000beef');
  });
  it('serves a raw recorded body byte for byte', async () => {
    const res = await t.http.get(`${t.s.baseUrls.defillama}/pools`);
    expect(res.status).toBe(200);
    expect(res.data).toBe(fs.readFileSync(path.join(DIR, 'defillama', 'pools.json'), 'utf8'));
    expect(parse(res.data).data).toHaveLength(2);
  });
  it('serves envelope recordings with their status', async () => {
    const res = await t.http.get(`${t.s.baseUrls.defillama}/chart/not-a-uuid`);
    expect(res.status).toBe(400);
    expect(parse(res.data)).toBe('invalid configID!');
  });
  it('matches the sorted query without credentials; falls back to the path-only file', async () => {
    const key = t.s.env.ETHERSCAN_API_KEY;
    const bal = await t.http.get(`${t.s.baseUrls.etherscan}?tag=latest&apikey=${key}&module=account&address=0x5eed00000000000000000000000000000000beef&chainid=1&action=balance`);
    expect(parse(bal.data)).toEqual({ status: '1', message: 'OK', result: '1234500000000000000' });
    const ohlcv = await t.http.get(`${t.s.baseUrls.cmc}/v2/cryptocurrency/ohlcv/historical?id=3408&count=1`, { headers: { 'X-CMC_PRO_API_KEY': t.s.env.CMC_API_KEY } });
    expect(parse(ohlcv.data).data.quotes[0].time_open).toBe('2025-10-05T00:00:00.000Z');
  });
  it('credentials are still checked in front of recordings', async () => {
    const res = await t.http.get(`${t.s.baseUrls.cmc}/v2/cryptocurrency/quotes/latest?id=3408`);
    expect(res.status).toBe(401);
    const es = await t.http.get(`${t.s.baseUrls.etherscan}?chainid=1&module=account&action=balance&address=0x5eed00000000000000000000000000000000beef&tag=latest`);
    expect(parse(es.data).result).toBe('Missing/Invalid API Key');
  });
  it('a request without a recording is a 404 naming the files tried', async () => {
    const res = await t.http.get(`${t.s.baseUrls.gas}/latest`);
    expect(res.status).toBe(404);
    expect(parse(res.data).tried).toEqual([path.join('gas', 'api__gas__latest.json')]);
  });
  it('faults apply to replayed bodies too', async () => {
    const res = await t.http.get(`${t.s.baseUrls.gas}/average`, { headers: { 'X-Fault': 'empty' } });
    expect(parse(res.data).data.data).toEqual([]);
  });
  it('Slack stays the live stand-in', async () => {
    const res = await t.http.post(`${t.s.baseUrls.slack}chat.postMessage`, { channel: t.s.env.SLACK_CHANNEL, text: 'replayed day' }, {
      headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${t.s.env.SLACK_BOT_TOKEN}` },
    });
    expect(parse(res.data).ok).toBe(true);
    expect(t.s.slack.messages()).toHaveLength(1);
  });
  it('recording keys: path with "/" → "__", sorted encoded query, secrets left out', () => {
    const key = recordingKey('/v2/cryptocurrency/quotes/latest', new URLSearchParams('symbol=USDC,DAI&CMC_PRO_API_KEY=s&convert=USD'));
    expect(key).toEqual({ withQuery: 'v2__cryptocurrency__quotes__latest__convert=USD&symbol=USDC%2CDAI.json', pathOnly: 'v2__cryptocurrency__quotes__latest.json' });
  });
});
