/**
 * Slack Web API (https://slack.com/api/): `chat.postMessage` (and `auth.test`, which clients use
 * to check a token). Errors are HTTP 200 with `ok:false`, as in Slack. Accepts the two encodings
 * Slack accepts — JSON and form-urlencoded (what @slack/web-api sends, with `blocks` as a JSON
 * string) — and the token as a Bearer header or a `token` field. Accepted messages are recorded.
 */
import { header } from '../http';
import type { Clock, PostedMessage, ServiceRequest, ServiceResponse } from '../types';

export interface SlackConfig {
  token: string;
  /** Known channels: id → name. A post may name the channel by id, name or #name. */
  channels: Record<string, string>;
}

const MAX_BLOCKS = 50;
const MAX_TEXT = 40_000;

export class SlackStore {
  private messages: PostedMessage[] = [];
  private seq = 0;
  list(): PostedMessage[] {
    return this.messages.map((m) => structuredClone(m));
  }
  clear(): void {
    this.messages = [];
  }
  /** Message ts: the simulated now in seconds, plus a per-server sequence as the 6-digit suffix. */
  add(message: Omit<PostedMessage, 'ts'>, clock: Clock): PostedMessage {
    const secs = Math.floor(Date.parse(clock.now ? clock.now() : `${clock.today()}T23:59:59.999Z`) / 1000);
    this.seq += 1;
    const ts = `${secs}.${String(this.seq % 1_000_000).padStart(6, '0')}`;
    const stored = { ...message, ts };
    this.messages.push(stored);
    return structuredClone(stored);
  }
}

function parseArgs(req: ServiceRequest): { args: Record<string, unknown>; missingCharset: boolean } | undefined {
  const type = (header(req.headers, 'content-type') ?? '').toLowerCase();
  const text = req.body.toString('utf8');
  if (type.startsWith('application/json')) {
    try {
      const parsed = JSON.parse(text || '{}') as unknown;
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
      return { args: parsed as Record<string, unknown>, missingCharset: !type.includes('charset') };
    } catch {
      return undefined;
    }
  }
  const form = new URLSearchParams(text);
  const args: Record<string, unknown> = Object.fromEntries(form.entries());
  for (const [k, v] of req.query.entries()) if (!(k in args)) args[k] = v;
  return { args, missingCharset: false };
}

const blockError = (message: string, pointer: string): ServiceResponse => ({
  status: 200,
  body: { ok: false, error: 'invalid_blocks', response_metadata: { messages: [`[ERROR] ${message} [json-pointer:${pointer}]`] } },
});

/** The Block Kit limits an allocation report can realistically hit. */
function checkBlocks(blocks: unknown[]): ServiceResponse | undefined {
  if (blocks.length > MAX_BLOCKS) return blockError(`no more than ${MAX_BLOCKS} items allowed`, '/blocks');
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i] as { type?: unknown; text?: { text?: unknown }; fields?: unknown };
    if (!b || typeof b !== 'object' || typeof b.type !== 'string') return blockError('missing required field: type', `/blocks/${i}`);
    const text = typeof b.text?.text === 'string' ? b.text.text : undefined;
    if (b.type === 'section' && text !== undefined && text.length > 3000) return blockError('must be less than 3001 characters', `/blocks/${i}/text/text`);
    if (b.type === 'header' && text !== undefined && text.length > 150) return blockError('must be less than 151 characters', `/blocks/${i}/text/text`);
    if (b.type === 'section' && Array.isArray(b.fields) && b.fields.length > 10) return blockError('no more than 10 items allowed', `/blocks/${i}/fields`);
  }
  return undefined;
}

export function slackHandler(config: SlackConfig, store: SlackStore, clock: Clock) {
  const okBody = (body: Record<string, unknown>, warn: boolean): ServiceResponse => ({
    status: 200,
    body: warn ? { ...body, warning: 'missing_charset', response_metadata: { warnings: ['missing_charset'] } } : body,
  });
  return (req: ServiceRequest): ServiceResponse => {
    const m = /^\/api\/([a-zA-Z.]+)$/.exec(req.path);
    if (!m) return { status: 404, headers: { 'content-type': 'text/plain' }, text: 'not found' };
    const method = m[1];
    const parsed = parseArgs(req);
    if (!parsed) return { status: 200, body: { ok: false, error: 'invalid_json' } };
    const { args, missingCharset } = parsed;
    const bearer = /^Bearer\s+(.+)$/i.exec(header(req.headers, 'authorization') ?? '')?.[1];
    const token = bearer ?? (typeof args.token === 'string' ? args.token : undefined);
    if (!token) return { status: 200, body: { ok: false, error: 'not_authed' } };
    if (token !== config.token) return { status: 200, body: { ok: false, error: 'invalid_auth' } };

    if (method === 'auth.test') {
      return okBody({ ok: true, url: 'https://yieldopt-local.slack.com/', team: 'YieldOpt (local)', user: 'yieldopt-bot', team_id: 'T0LOCAL0001', user_id: 'U0LOCALBOT1', bot_id: 'B0LOCALBOT1' }, false);
    }
    if (method !== 'chat.postMessage') return { status: 200, body: { ok: false, error: 'unknown_method', req_method: method } };
    if (req.method !== 'POST') return { status: 200, body: { ok: false, error: 'invalid_request_data' } };

    const channelArg = typeof args.channel === 'string' ? args.channel.replace(/^#/, '') : '';
    const channel = Object.keys(config.channels).find((id) => id === channelArg || config.channels[id] === channelArg);
    if (!channel) return { status: 200, body: { ok: false, error: 'channel_not_found' } };

    let blocks: unknown[] | undefined;
    if (args.blocks !== undefined) {
      let raw = args.blocks;
      if (typeof raw === 'string') {
        try {
          raw = JSON.parse(raw);
        } catch {
          return { status: 200, body: { ok: false, error: 'invalid_blocks_format' } };
        }
      }
      if (!Array.isArray(raw)) return { status: 200, body: { ok: false, error: 'invalid_blocks_format' } };
      const bad = checkBlocks(raw);
      if (bad) return bad;
      blocks = raw;
    }
    const text = typeof args.text === 'string' ? args.text : undefined;
    if (!text && !(blocks && blocks.length)) return { status: 200, body: { ok: false, error: 'no_text' } };
    if (text && text.length > MAX_TEXT) return { status: 200, body: { ok: false, error: 'msg_too_long' } };

    const { token: _omit, ...rest } = args;
    const threadTs = typeof args.thread_ts === 'string' ? args.thread_ts : undefined;
    const posted = store.add({ channel, text, blocks, threadTs, args: { ...rest, ...(blocks ? { blocks } : {}) }, date: clock.today() }, clock);
    return okBody(
      {
        ok: true,
        channel,
        ts: posted.ts,
        message: { user: 'U0LOCALBOT1', type: 'message', ts: posted.ts, bot_id: 'B0LOCALBOT1', app_id: 'A0LOCALAPP1', text: text ?? '', team: 'T0LOCAL0001', ...(blocks ? { blocks } : {}), ...(threadTs ? { thread_ts: threadTs } : {}) },
      },
      missingCharset,
    );
  };
}
