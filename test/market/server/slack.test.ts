/** chat.postMessage through the real @slack/web-api WebClient pointed at the stand-in (slackApiUrl). */
import { WebClient, WebClientEvent, ErrorCode, LogLevel, type Logger } from '@slack/web-api';
import { parse, useStandIns } from './helpers';

const t = useStandIns();
// The client logs every platform error and retry; the tests assert on them instead.
const quiet: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {}, setLevel: () => {}, getLevel: () => LogLevel.ERROR, setName: () => {} };
const client = (token = t.s.env.SLACK_BOT_TOKEN) =>
  new WebClient(token, { slackApiUrl: t.s.env.SLACK_API_URL, logger: quiet, retryConfig: { retries: 2, factor: 1, minTimeout: 10, maxTimeout: 20 } });

const blocks = (n: number) => Array.from({ length: n }, (_, i) => ({ type: 'section', text: { type: 'mrkdwn', text: `line ${i}` } }));

describe('Slack chat.postMessage', () => {
  it('accepts a Block Kit message, answers ok with ts, records it', async () => {
    const res = await client().chat.postMessage({ channel: t.s.env.SLACK_CHANNEL, text: 'Daily allocation 2025-10-06', blocks: blocks(3) });
    expect(res.ok).toBe(true);
    expect(res.channel).toBe(t.s.env.SLACK_CHANNEL);
    expect(res.ts).toMatch(/^\d+\.\d{6}$/);
    const messages = t.s.slack.messages();
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ channel: t.s.env.SLACK_CHANNEL, ts: res.ts, text: 'Daily allocation 2025-10-06', date: '2025-10-06' });
    expect(messages[0].blocks).toHaveLength(3);
    expect(JSON.stringify(messages[0].args)).not.toContain(t.s.env.SLACK_BOT_TOKEN);
    // also readable through the control API
    const viaControl = parse((await t.http.get('/_control/slack/messages')).data);
    expect(viaControl.messages[0].ts).toBe(res.ts);
  });

  it('channel by name works; successive ts increase', async () => {
    const a = await client().chat.postMessage({ channel: '#yieldopt-reports', text: 'one' });
    const b = await client().chat.postMessage({ channel: 'yieldopt-reports', text: 'two' });
    expect(Number(b.ts)).toBeGreaterThan(Number(a.ts));
  });

  it('rejects 51 blocks with invalid_blocks and records nothing', async () => {
    await expect(client().chat.postMessage({ channel: t.s.env.SLACK_CHANNEL, text: 'x', blocks: blocks(51) })).rejects.toMatchObject({
      code: ErrorCode.PlatformError,
      data: { ok: false, error: 'invalid_blocks', response_metadata: { messages: ['[ERROR] no more than 50 items allowed [json-pointer:/blocks]'] } },
    });
    // exactly 50 is fine
    await expect(client().chat.postMessage({ channel: t.s.env.SLACK_CHANNEL, text: 'x', blocks: blocks(50) })).resolves.toMatchObject({ ok: true });
    expect(t.s.slack.messages()).toHaveLength(1);
  });

  it('auth and channel errors are ok:false platform errors', async () => {
    await expect(client('xoxb-wrong').chat.postMessage({ channel: t.s.env.SLACK_CHANNEL, text: 'x' })).rejects.toMatchObject({ data: { error: 'invalid_auth' } });
    await expect(client().chat.postMessage({ channel: 'C0NOPE', text: 'x' })).rejects.toMatchObject({ data: { error: 'channel_not_found' } });
    await expect(client().chat.postMessage({ channel: t.s.env.SLACK_CHANNEL, text: '' })).rejects.toMatchObject({ data: { error: 'no_text' } });
    const noAuth = await t.http.post(`${t.s.baseUrls.slack}chat.postMessage`, { channel: t.s.env.SLACK_CHANNEL, text: 'x' }, { headers: { 'content-type': 'application/json; charset=utf-8' } });
    expect(noAuth.status).toBe(200);
    expect(parse(noAuth.data)).toEqual({ ok: false, error: 'not_authed' });
    expect(t.s.slack.messages()).toHaveLength(0);
  });

  it('JSON bodies work too; a missing charset earns the missing_charset warning', async () => {
    const res = await t.http.post(`${t.s.baseUrls.slack}chat.postMessage`, { channel: t.s.env.SLACK_CHANNEL, text: 'json' }, {
      headers: { 'content-type': 'application/json', authorization: `Bearer ${t.s.env.SLACK_BOT_TOKEN}` },
    });
    expect(parse(res.data)).toMatchObject({ ok: true, warning: 'missing_charset' });
  });

  it('429 + Retry-After is honoured by the client retry; the message lands once', async () => {
    t.s.faults.configure({ rules: [{ match: { service: 'slack', path: 'chat\\.postMessage' }, kind: '429', times: 1, retryAfterSeconds: 1 }] });
    await t.http.delete('/_control/requests');
    const c = client();
    const rateLimited: number[] = [];
    c.on(WebClientEvent.RATE_LIMITED, (seconds: number) => rateLimited.push(seconds));
    const res = await c.chat.postMessage({ channel: t.s.env.SLACK_CHANNEL, text: 'after a 429' });
    expect(res.ok).toBe(true);
    expect(rateLimited).toEqual([1]);
    expect(t.s.slack.messages().map((m) => m.text)).toEqual(['after a 429']);
    const counts = parse((await t.http.get('/_control/requests')).data);
    expect(counts.byService.slack).toBe(2);
    expect(counts.faults['429']).toBe(1);
  });

  it('rejectRateLimitedCalls surfaces the 429 with its retry-after', async () => {
    t.s.faults.configure({ rules: [{ match: { service: 'slack' }, kind: '429', retryAfterSeconds: 7 }] });
    const c = new WebClient(t.s.env.SLACK_BOT_TOKEN, { slackApiUrl: t.s.env.SLACK_API_URL, logger: quiet, rejectRateLimitedCalls: true });
    await expect(c.chat.postMessage({ channel: t.s.env.SLACK_CHANNEL, text: 'x' })).rejects.toMatchObject({ code: ErrorCode.RateLimitedError, retryAfter: 7 });
    expect(t.s.slack.messages()).toHaveLength(0);
  });
});
