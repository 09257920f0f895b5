/**
 * CoinMarketCap Pro API (https://pro-api.coinmarketcap.com): v2 OHLCV historical (daily) and v2
 * quotes latest. Every answer carries CMC's `status` envelope; callers must check
 * `status.error_code` (401 1001/1002 for a bad/missing X-CMC_PRO_API_KEY, 400 for bad parameters).
 * Response shape depends on how coins are asked for, as in the real API: one `id` → `data` is the
 * coin; several → keyed by id; `symbol` → keyed by symbol with an array of coins.
 */
import { unitHash } from '../faults';
import { header } from '../http';
import type { OhlcvBarLike, ServiceRequest, ServiceResponse, TokenInfoLike } from '../types';
import { nowIso, type Handler, type HandlerContext } from './context';
import { addDays } from '../clock';

const DAY_MS = 86_400_000;

function status(ctx: Pick<HandlerContext, 'clock'>, extra: { error_code?: number; error_message?: string | null; credit_count?: number } = {}) {
  return {
    timestamp: nowIso(ctx.clock),
    error_code: extra.error_code ?? 0,
    error_message: extra.error_message ?? '',
    elapsed: 10,
    credit_count: extra.credit_count ?? 0,
    notice: '',
  };
}

function fail(ctx: Pick<HandlerContext, 'clock'>, http: number, code: number, message: string): ServiceResponse {
  const s = status(ctx, { error_code: code, error_message: message });
  return { status: http, body: { status: { timestamp: s.timestamp, error_code: code, error_message: message, elapsed: 0, credit_count: 0 } } };
}

const slugOf = (t: TokenInfoLike) => t.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

/** Parses CMC's time parameters: Unix seconds or an ISO date/time. */
function parseTime(value: string | null): number | undefined | 'bad' {
  if (value === null || value === '') return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const t = Date.parse(value);
  return Number.isNaN(t) ? 'bad' : t;
}

interface CoinSelection {
  by: 'id' | 'symbol' | 'slug';
  /** How many coins were asked for: the shape follows the request, not what was found. */
  requested: number;
  coins: Array<{ key: string; tokens: TokenInfoLike[] }>;
}

function selectCoins(req: ServiceRequest, ctx: HandlerContext): CoinSelection | ServiceResponse {
  const q = req.query;
  const given = (['id', 'symbol', 'slug'] as const).filter((k) => q.get(k));
  if (given.length === 0) return fail(ctx, 400, 400, '"value" must contain at least one of [id, symbol, slug]');
  if (given.length > 1) return fail(ctx, 400, 400, `"value" contains a conflict between exclusive peers [id, symbol, slug]`);
  const by = given[0];
  const skipInvalid = q.get('skip_invalid') === 'true';
  const tokens = ctx.market.tokens();
  const keys = q.get(by)!.split(',').map((s) => s.trim()).filter(Boolean);
  const coins: CoinSelection['coins'] = [];
  const invalid: string[] = [];
  for (const key of keys) {
    const found =
      by === 'id' ? tokens.filter((t) => String(t.cmcId) === key) : by === 'symbol' ? tokens.filter((t) => t.symbol.toUpperCase() === key.toUpperCase()) : tokens.filter((t) => slugOf(t) === key.toLowerCase());
    if (found.length === 0) invalid.push(key);
    else coins.push({ key: by === 'symbol' ? key.toUpperCase() : key, tokens: by === 'symbol' ? found : [found[0]] });
  }
  if (invalid.length && !skipInvalid) return fail(ctx, 400, 400, `Invalid value${invalid.length > 1 ? 's' : ''} for "${by}": "${invalid.join(',')}"`);
  return { by, requested: keys.length, coins };
}

function checkConvert(req: ServiceRequest, ctx: HandlerContext): ServiceResponse | undefined {
  const convert = req.query.get('convert');
  if (convert && convert.toUpperCase() !== 'USD') return fail(ctx, 400, 400, `Invalid value for "convert": "${convert}" (the offline stand-in quotes USD only)`);
  if (req.query.get('convert_id') && req.query.get('convert_id') !== '2781') return fail(ctx, 400, 400, `Invalid value for "convert_id": "${req.query.get('convert_id')}"`);
  return undefined;
}

/** A bar's intraday high/low instants: deterministic, inside the day. */
function intradayIso(date: string, salt: string): string {
  const ms = Math.floor(unitHash(`${date}:${salt}`) * DAY_MS);
  return new Date(Date.parse(`${date}T00:00:00.000Z`) + ms - (ms % 60000)).toISOString();
}

function bar(b: OhlcvBarLike, cmcId: number) {
  const close = `${b.date}T23:59:59.999Z`;
  return {
    time_open: `${b.date}T00:00:00.000Z`,
    time_close: close,
    time_high: intradayIso(b.date, `${cmcId}:high`),
    time_low: intradayIso(b.date, `${cmcId}:low`),
    quote: { USD: { open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume, market_cap: b.marketCap, timestamp: close } },
  };
}

function ohlcv(req: ServiceRequest, ctx: HandlerContext): ServiceResponse {
  const q = req.query;
  const badConvert = checkConvert(req, ctx);
  if (badConvert) return badConvert;
  for (const p of ['interval', 'time_period'] as const) {
    const v = q.get(p);
    if (v && !['daily', '1d'].includes(v)) return fail(ctx, 400, 400, `Invalid value for "${p}": "${v}" (the offline stand-in serves daily bars only)`);
  }
  const start = parseTime(q.get('time_start'));
  const end = parseTime(q.get('time_end'));
  if (start === 'bad') return fail(ctx, 400, 400, `Invalid value for "time_start": "${q.get('time_start')}"`);
  if (end === 'bad') return fail(ctx, 400, 400, `Invalid value for "time_end": "${q.get('time_end')}"`);
  const countParam = q.get('count');
  const count = countParam === null ? undefined : Number(countParam);
  if (count !== undefined && !(Number.isInteger(count) && count >= 1 && count <= 10000)) return fail(ctx, 400, 400, `Invalid value for "count": "${countParam}"`);
  const sel = selectCoins(req, ctx);
  if ('status' in sel && typeof sel.status === 'number') return sel as ServiceResponse;
  const { by, requested, coins } = sel as CoinSelection;

  const nowMs = Date.parse(nowIso(ctx.clock));
  const endMs = Math.min(end ?? nowMs, nowMs);
  // time_start is exclusive, time_end inclusive, both compared with a bar's time_open.
  const toDay = new Date(endMs).toISOString().slice(0, 10);
  const fromDay = start !== undefined ? new Date(start).toISOString().slice(0, 10) : addDays(toDay, -((count ?? 10) + 1));
  let points = 0;
  const series = (t: TokenInfoLike) => {
    let bars = ctx.market.ohlcvDaily(t.cmcId, fromDay, toDay).filter((b) => {
      const open = Date.parse(`${b.date}T00:00:00.000Z`);
      return (start === undefined || open > start) && open <= endMs;
    });
    if (start === undefined) bars = bars.slice(-(count ?? 10));
    else if (count !== undefined) bars = bars.slice(0, count);
    points += bars.length;
    return { id: t.cmcId, name: t.name, symbol: t.symbol, quotes: bars.map((b) => bar(b, t.cmcId)) };
  };
  let data: unknown;
  let rowsPath: Array<string | number> | undefined;
  if (by === 'symbol') data = Object.fromEntries(coins.map((c) => [c.key, c.tokens.map(series)]));
  else if (requested === 1 && coins.length === 1) {
    data = series(coins[0].tokens[0]);
    rowsPath = ['data', 'quotes'];
  } else data = Object.fromEntries(coins.map((c) => [String(c.tokens[0].cmcId), series(c.tokens[0])]));
  return { status: 200, body: { data, status: status(ctx, { credit_count: Math.max(1, Math.ceil(points / 100)) }) }, rowsPath };
}

const pct = (now: number, then: number | undefined) => (then ? ((now - then) / then) * 100 : 0);

function coinObject(t: TokenInfoLike, ctx: HandlerContext, rank: number) {
  const today = ctx.clock.today();
  const bars = ctx.market.ohlcvDaily(t.cmcId, addDays(today, -31), today);
  const last = bars[bars.length - 1];
  const at = (daysBack: number) => bars.find((b) => b.date === addDays(last?.date ?? today, -daysBack));
  const price = last?.close ?? 0;
  const supply = last && price ? last.marketCap / price : 0;
  const updated = nowIso(ctx.clock);
  const isStable = t.kind === 'usd-stable' || t.kind === 'yield-stable';
  const native = !t.address || !/^0x[0-9a-fA-F]{40}$/.test(t.address);
  return {
    id: t.cmcId,
    name: t.name,
    symbol: t.symbol,
    slug: slugOf(t),
    num_market_pairs: 50 + Math.floor(unitHash(`pairs:${t.cmcId}`) * 5000),
    date_added: '2019-01-01T00:00:00.000Z',
    tags: isStable ? ['stablecoin', 'asset-backed-stablecoin'] : [],
    max_supply: null,
    circulating_supply: supply,
    total_supply: supply * 1.02,
    is_active: 1,
    infinite_supply: isStable,
    platform: native ? null : { id: 1027, name: 'Ethereum', symbol: 'ETH', slug: 'ethereum', token_address: t.address },
    cmc_rank: rank,
    is_fiat: 0,
    self_reported_circulating_supply: null,
    self_reported_market_cap: null,
    tvl_ratio: null,
    last_updated: updated,
    quote: {
      USD: {
        price,
        volume_24h: last?.volume ?? 0,
        volume_change_24h: pct(last?.volume ?? 0, at(1)?.volume),
        percent_change_1h: 0,
        percent_change_24h: pct(price, at(1)?.close),
        percent_change_7d: pct(price, at(7)?.close),
        percent_change_30d: pct(price, at(30)?.close),
        market_cap: last?.marketCap ?? 0,
        market_cap_dominance: 0,
        fully_diluted_market_cap: supply * 1.02 * price,
        tvl: null,
        last_updated: updated,
      },
    },
  };
}

function quotesLatest(req: ServiceRequest, ctx: HandlerContext): ServiceResponse {
  const badConvert = checkConvert(req, ctx);
  if (badConvert) return badConvert;
  const sel = selectCoins(req, ctx);
  if ('status' in sel && typeof sel.status === 'number') return sel as ServiceResponse;
  const { by, coins } = sel as CoinSelection;
  const ranked = [...ctx.market.tokens()].sort((a, b) => a.cmcId - b.cmcId);
  const rank = (t: TokenInfoLike) => ranked.findIndex((x) => x.cmcId === t.cmcId) + 1;
  const data =
    by === 'symbol'
      ? Object.fromEntries(coins.map((c) => [c.key, c.tokens.map((t) => coinObject(t, ctx, rank(t)))]))
      : Object.fromEntries(coins.map((c) => [String(c.tokens[0].cmcId), coinObject(c.tokens[0], ctx, rank(c.tokens[0]))]));
  return { status: 200, body: { status: { ...status(ctx, { credit_count: Math.max(1, Math.ceil(coins.length / 100)) }), error_message: null, notice: null }, data } };
}

/** The key check every CMC call goes through (replay mode too): header, or the query fallback. */
export function cmcAuth(req: ServiceRequest, ctx: Pick<HandlerContext, 'clock' | 'cmcApiKey'>): ServiceResponse | undefined {
  const key = header(req.headers, 'x-cmc_pro_api_key') ?? req.query.get('CMC_PRO_API_KEY') ?? undefined;
  if (!key) return fail(ctx, 401, 1002, 'API key missing.');
  if (key !== ctx.cmcApiKey) return fail(ctx, 401, 1001, 'This API Key is invalid.');
  return undefined;
}

export const cmc: Handler = (req, ctx) => {
  const denied = cmcAuth(req, ctx);
  if (denied) return denied;
  if (req.method !== 'GET') return fail(ctx, 405, 405, `Method ${req.method} not allowed`);
  if (req.path === '/v2/cryptocurrency/ohlcv/historical') return ohlcv(req, ctx);
  if (req.path === '/v2/cryptocurrency/quotes/latest') return quotesLatest(req, ctx);
  return fail(ctx, 404, 404, `Not found: ${req.path} (the offline stand-in serves v2 ohlcv/historical and v2 quotes/latest)`);
};
