/**
 * DefiLlama `GET /pools` (external-apis.md §1.1): `{status: "success", data: Pool[]}`. Only the
 * fields the pipeline uses are checked; unknown fields pass (the raw layer keeps everything).
 */
import { z } from 'zod';

const num = z.number().finite();
const optNum = num.nullable().optional();
const strList = z.array(z.string()).nullable().optional();

export const LlamaPoolSchema = z.looseObject({
  pool: z.string().min(1),
  chain: z.string().min(1),
  project: z.string().min(1),
  symbol: z.string(),
  tvlUsd: num,
  apy: num.nullable(),
  apyBase: optNum,
  apyReward: optNum,
  rewardTokens: strList,
  underlyingTokens: strList,
  poolMeta: z.string().nullable().optional(),
  stablecoin: z.boolean().nullable().optional(),
  ilRisk: z.string().nullable().optional(),
  exposure: z.string().nullable().optional(),
  apyPct1D: optNum,
  apyPct7D: optNum,
  apyPct30D: optNum,
  apyMean30d: optNum,
  mu: optNum,
  sigma: optNum,
  count: optNum,
  outlier: z.boolean().nullable().optional(),
});
export type LlamaPool = z.infer<typeof LlamaPoolSchema>;

export const LlamaPoolsResponseSchema = z.looseObject({
  status: z.string(),
  data: z.array(LlamaPoolSchema),
});
export type LlamaPoolsResponse = z.infer<typeof LlamaPoolsResponseSchema>;
