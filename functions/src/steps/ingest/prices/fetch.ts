/** CMC daily OHLCV, one request per symbol (a fault on one coin does not poison the others' bodies). */
import { HttpClient } from '../../../lib/http-client';
import type { RawRecorder } from '../../../lib/raw-layer';
import { baseUrlFromEnv, requiredEnv } from '../common';
import { CmcOhlcvResponseSchema, type CmcOhlcvResponse } from './schema';

export const SOURCE = 'cmc';
export const OHLCV_PATH = '/v2/cryptocurrency/ohlcv/historical';

export function cmcClient(): HttpClient {
  return new HttpClient({
    source: 'CoinMarketCap',
    baseUrl: baseUrlFromEnv('CMC_BASE_URL', 'https://pro-api.coinmarketcap.com'),
    headers: { 'X-CMC_PRO_API_KEY': requiredEnv('CMC_API_KEY', 'CoinMarketCap Pro key for OHLCV history') },
  });
}

/** time_start is exclusive and compared with a bar's open: pass the day before `from`. */
export async function fetchOhlcv(client: HttpClient, raw: RawRecorder, symbol: string, from: string, to: string, days: number): Promise<CmcOhlcvResponse> {
  const dayBefore = new Date(Date.parse(`${from}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
  const res = await client.getJson({
    path: OHLCV_PATH,
    query: { symbol, time_period: 'daily', interval: 'daily', time_start: `${dayBefore}T00:00:00Z`, time_end: `${to}T00:00:00Z`, count: Math.min(10000, days + 1), convert: 'USD', skip_invalid: 'true' },
    schema: CmcOhlcvResponseSchema,
    onBody: raw.bodyRecorder(`ohlcv_${symbol}`),
    check: (v) => {
      const code = Number(v.status.error_code);
      if (code === 0) {
        // We only ask for days that should exist: a listed coin without bars is a broken answer.
        // (A symbol CMC does not know is simply absent with skip_invalid: reported by the step.)
        const d = v.data as Record<string, unknown>;
        const entry = 'quotes' in d ? d : Object.entries(d).find(([k]) => k.toUpperCase() === symbol.toUpperCase())?.[1];
        if (entry !== undefined) {
          const coins = ([] as unknown[]).concat(entry);
          if (coins.every((c) => ((c as { quotes?: unknown[] }).quotes ?? []).length === 0)) return { reason: `no OHLCV bars for ${symbol} ${from}..${to}`, retry: true };
        }
        return undefined;
      }
      const message = `error_code ${code}: ${v.status.error_message ?? ''}`;
      return { reason: message, retry: code === 1008 || code === 1011 || code >= 500 };
    },
  });
  return res.data;
}
