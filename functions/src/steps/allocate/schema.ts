/**
 * zod schemas for optimizer input arriving as JSON (the `yieldopt optimize` CLI, and the handler's
 * request overrides). Errors name the field path, e.g. `pools[3].forecastApy: expected number`.
 */
import { z } from 'zod';
import { DEFAULT_PARAMS, ParamsValidationError, resolveParams } from '../../lib/params';
import type { AllocationInput, AllocationParams, MeanVarianceProblem } from './types';

const finite = z.number().refine(Number.isFinite, 'expected a finite number');
const nonNeg = finite.refine((v) => v >= 0, 'expected a number ≥ 0');

export const CandidatePoolSchema = z.strictObject({
  id: z.string().min(1),
  name: z.string().optional(),
  tokens: z.array(z.string().min(1)).min(1),
  forecastApy: finite,
  forecastTvlUsd: nonNeg,
  group: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]),
  passesFinalFilter: z.boolean(),
});

export const HoldingSchema = z.strictObject({ poolId: z.string().min(1), token: z.string().min(1), amountUsd: nonNeg });

export const MeanVarianceFeaturesSchema = z.strictObject({
  assets: z.array(z.string().min(1)).min(1),
  expectedReturns: z.array(finite),
  covariance: z.array(z.array(finite)),
  scores: z.array(finite).optional(),
});

/** MILP input: the optimizer's AllocationInput with `params` a partial override of the defaults. */
export const AllocationInputSchema = z.strictObject({
  pools: z.array(CandidatePoolSchema),
  holdings: z.array(HoldingSchema).default([]),
  wallet: z.record(z.string(), nonNeg).default({}),
  prices: z.record(z.string(), nonNeg).default({}),
  ethPriceUsd: finite.refine((v) => v > 0, 'expected a price > 0'),
  gasPriceGwei: nonNeg,
  params: z.record(z.string(), z.unknown()).optional(),
  meanVariance: MeanVarianceFeaturesSchema.optional(),
});

export const MeanVarianceProblemSchema = z
  .strictObject({
    objective: z.enum(['mean-variance', 'min-variance']),
    assets: z.array(z.string().min(1)).min(1),
    expectedReturns: z.array(finite).optional(),
    covariance: z.array(z.array(finite)),
    riskAversion: nonNeg.default(DEFAULT_PARAMS.riskAversion),
    weightCap: finite.refine((v) => v > 0 && v <= 1, 'expected 0 < weightCap ≤ 1').default(DEFAULT_PARAMS.weightCap),
    scores: z.array(finite).optional(),
    scorePreference: finite.optional(),
    minAssets: z.number().int().min(0).optional(),
    maxAssets: z.number().int().min(1).optional(),
    minWeight: nonNeg.optional(),
    timeLimitSeconds: finite.refine((v) => v > 0, 'expected > 0').optional(),
  })
  .superRefine((v, ctx) => {
    const n = v.assets.length;
    if (v.objective === 'mean-variance' && !v.expectedReturns) ctx.addIssue({ code: 'custom', path: ['expectedReturns'], message: 'required for objective "mean-variance"' });
    if (v.expectedReturns && v.expectedReturns.length !== n) ctx.addIssue({ code: 'custom', path: ['expectedReturns'], message: `expected ${n} entries (one per asset), got ${v.expectedReturns.length}` });
    if (v.covariance.length !== n) ctx.addIssue({ code: 'custom', path: ['covariance'], message: `expected ${n} rows, got ${v.covariance.length}` });
    v.covariance.forEach((row, i) => {
      if (row.length !== n) ctx.addIssue({ code: 'custom', path: ['covariance', i], message: `expected ${n} columns, got ${row.length}` });
    });
    if (v.scores && v.scores.length !== n) ctx.addIssue({ code: 'custom', path: ['scores'], message: `expected ${n} entries, got ${v.scores.length}` });
  });

export type ParseResult<T> = { ok: true; value: T } | { ok: false; errors: string[] };

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const k of path) out += typeof k === 'number' ? `[${k}]` : out ? `.${String(k)}` : String(k);
  return out || '(root)';
}

function zodErrors(error: z.ZodError, prefix = ''): string[] {
  return error.issues.map((i) => {
    const keys = i.code === 'unrecognized_keys' ? ` (${i.keys.join(', ')})` : '';
    return `${prefix}${formatPath(i.path)}: ${i.message}${keys}`;
  });
}

export function parseAllocationInput(json: unknown): ParseResult<AllocationInput> {
  const r = AllocationInputSchema.safeParse(json);
  if (!r.success) return { ok: false, errors: zodErrors(r.error) };
  let params: AllocationParams;
  try {
    params = resolveParams(r.data.params ? [{ kind: 'request', name: 'input params', values: r.data.params }] : []);
  } catch (err) {
    if (err instanceof ParamsValidationError) return { ok: false, errors: err.issues.map((i) => `params.${i.path}: ${i.message}`) };
    throw err;
  }
  const { params: _ignored, ...rest } = r.data;
  return { ok: true, value: { ...rest, params } };
}

export function parseMeanVarianceProblem(json: unknown): ParseResult<MeanVarianceProblem> {
  const r = MeanVarianceProblemSchema.safeParse(json);
  if (!r.success) return { ok: false, errors: zodErrors(r.error) };
  const v = r.data;
  return { ok: true, value: { ...v, expectedReturns: v.expectedReturns ?? v.assets.map(() => 0) } };
}

/** A JSON document is a mean-variance problem when it names an objective and lists assets. */
export function isMeanVarianceDocument(json: unknown): boolean {
  return typeof json === 'object' && json !== null && 'assets' in json && 'objective' in json;
}
