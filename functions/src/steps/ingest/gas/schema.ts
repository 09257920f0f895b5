/**
 * ethgastracker `GET /api/gas/average` (external-apis.md §4): hourly averages for the past week,
 * newest first, gwei floats, under the double `data.data` nesting; `period` carries "+00:00".
 */
import { z } from 'zod';

const num = z.number().finite();

export const GasHourSchema = z.looseObject({
  period: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'expected an ISO-8601 instant'),
  baseFee: num.nonnegative(),
  max: num.nullable().optional(),
  min: num.nullable().optional(),
  median: num.nullable().optional(),
  ethPrice: num.nullable().optional(),
});
export type GasHour = z.infer<typeof GasHourSchema>;

export const GasAverageResponseSchema = z.looseObject({
  data: z.looseObject({
    network: z.string().optional(),
    data: z.array(GasHourSchema),
    lastUpdate: num.optional(),
  }),
});
export type GasAverageResponse = z.infer<typeof GasAverageResponseSchema>;
