/** Risk/quality scores CSV (DOMAIN.md step 1): header `date,key,provider,score`, one score per row. */
import { z } from 'zod';
import { isValidRunDate } from '../../../lib/dates';

export const SCORE_COLUMNS = ['date', 'key', 'provider', 'score'] as const;

export const ScoreRowSchema = z.object({
  date: z.string().refine(isValidRunDate, 'expected a UTC calendar day YYYY-MM-DD'),
  key: z.string().min(1, 'expected a protocol slug or pool id'),
  provider: z.string().min(1, 'expected a provider name'),
  score: z
    .string()
    .refine((s) => s.trim() !== '' && Number.isFinite(Number(s)), 'expected a number')
    .transform((s) => Number(s)),
});
export type ScoreRow = z.infer<typeof ScoreRowSchema>;
