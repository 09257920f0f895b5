/**
 * CoinMarketCap `GET /v2/cryptocurrency/ohlcv/historical` (external-apis.md §2.2). The shape of
 * `data` depends on the query: one `id` → the coin; several ids → keyed by id; `symbol` → keyed by
 * symbol, each an ARRAY of coins sharing it. We ask by symbol, so the schema accepts all three.
 */
import { z } from 'zod';

const num = z.number().finite();

export const CmcQuoteSchema = z.looseObject({
  time_open: z.string(),
  time_close: z.string().optional(),
  quote: z.looseObject({
    USD: z.looseObject({
      open: num,
      high: num,
      low: num,
      close: num,
      volume: num.nullable().optional(),
      market_cap: num.nullable().optional(),
    }),
  }),
});

export const CmcCoinSchema = z.looseObject({
  id: z.number().int(),
  symbol: z.string(),
  name: z.string().optional(),
  quotes: z.array(CmcQuoteSchema),
});
export type CmcCoin = z.infer<typeof CmcCoinSchema>;

export const CmcStatusSchema = z.looseObject({
  error_code: z.union([z.number(), z.string()]),
  error_message: z.string().nullable().optional(),
});

export const CmcOhlcvResponseSchema = z.looseObject({
  status: CmcStatusSchema,
  data: z.union([CmcCoinSchema, z.record(z.string(), z.union([CmcCoinSchema, z.array(CmcCoinSchema)]))]),
});
export type CmcOhlcvResponse = z.infer<typeof CmcOhlcvResponseSchema>;
