/**
 * The pipeline's parameters: ONE zod schema for the whole Parameters table of DOMAIN.md, with its
 * defaults, and the layering that produces the effective set a run snapshots:
 *
 *   built-in defaults < Firestore `params/current` < env (RISK_AVERSION, WEIGHT_CAP, COV_WINDOW_DAYS,
 *   EXPECTED_RETURN_LOOKBACK) < a partial `params` object in the request.
 *
 * Each layer is deep-merged onto the result of the previous ones and the merge is validated at once,
 * so a validation error is attributed to the layer that introduced it (field path + source).
 * Objects merge key by key; arrays and scalars replace.
 */
import { z } from 'zod';

const ADDRESS = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'expected a 0x-prefixed 20-byte hex address');
const FRACTION = z.number().min(0).max(1);
const NON_NEGATIVE = z.number().min(0);
const POSITIVE_INT = z.number().int().positive();

const TokenSchema = z.strictObject({
  symbol: z.string().min(1),
  /** Ethereum mainnet contract; matching is by address (symbols are ambiguous across chains). */
  address: ADDRESS,
  /** Plain USD stablecoin, or a yield-bearing wrapper whose price drifts above 1 by design. */
  kind: z.enum(['stable', 'yield-bearing']),
});
export type ApprovedToken = z.infer<typeof TokenSchema>;

const BlacklistedTokenSchema = z.strictObject({
  symbol: z.string().min(1),
  /** null where no single canonical mainnet address is known; the symbol still matches. */
  address: ADDRESS.nullable(),
});
export type BlacklistedToken = z.infer<typeof BlacklistedTokenSchema>;

const token = (symbol: string, address: string, kind: ApprovedToken['kind'] = 'stable'): ApprovedToken => ({
  symbol,
  address,
  kind,
});

/** Ethereum mainnet addresses, cross-checked against the original system's table and public sources. */
export const DEFAULT_APPROVED_TOKENS: ApprovedToken[] = [
  token('USDT', '0xdAC17F958D2ee523a2206206994597C13D831ec7'),
  token('USDC', '0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48'),
  token('USDS', '0xdC035D45d973E3EC169d2276DDab16f1e407384F'),
  token('DAI', '0x6B175474E89094C44Da98b954EedeAC495271d0F'),
  token('LUSD', '0x5f98805A4E8be255a32880FDeC7F6728C6568bA0'),
  token('BOLD', '0x6440f144b7e50D6a8439336510312d2F54beB01D'), // Liquity V2, redeployed May 2025
  token('PYUSD', '0x6c3ea9036406852006290770BEdFcAbA0e23A0e8'),
  token('USDP', '0x8E870D67F660D95d5be530380D0eC0bd388289E1'),
  token('GUSD', '0x056Fd409E1d7A124BD7017459dFEa2F387b6d5Cd'),
  token('GHO', '0x40D16FC0246aD3160Ccc09B8D0D3A2cD28aE6C2f'),
  token('RLUSD', '0x8292Bb45bf1Ee4d140127049757C2E0fF06317eD'),
  token('USDtb', '0xC139190F447e929f090Edeb554D95AbB8b18aC1C'),
  token('USD0', '0x73A15FeD60Bf67631dC6cd7Bc5B6e8da8190aCF5'),
  token('USDG', '0xe343167631d89B6Ffc58B88d6b7fB0228795491D'),
  token('USDL', '0xbdC7c08592Ee4aa51D06C27Ee23D5087D65aDbcD'),
  token('USDM', '0x59D9356E565Ab3A36dD77763Fc0d87fEaf85508C'),
  token('USDe', '0x4c9EDD5852cd905f086C759E8383e09bff1E68B3'),
  token('crvUSD', '0xf939E0A03FB07F59A73314E73794Be0E57ac1b4E'),
  token('USDF', '0xFa2B947eEc368f42195f24F36d2aF29f7c24CeC2'), // Falcon Finance USDf
  token('sDAI', '0x83F20F44975D03b1b09e64809B757c47f942BEeA', 'yield-bearing'),
  token('sUSDS', '0xa3931d71877C0E7a3148CB7Eb4463524FEc27fbD', 'yield-bearing'),
  token('sUSDe', '0x9D39A5DE30e57443BfF2A8307A4256c8797A3497', 'yield-bearing'),
  token('sBOLD', '0x50Bd66D59911F5e086Ec87aE43C811e0D059DD11', 'yield-bearing'), // K3 Capital's BOLD vault
  token('stkGHO', '0x1a88Df1cFe15Af22B3c4c783D4e6F7F9e0C1885d', 'yield-bearing'),
];

export const DEFAULT_BLACKLISTED_TOKENS: BlacklistedToken[] = [
  { symbol: 'FRAX', address: '0x853d955aCEf822Db058eb8505911ED77F175b99e' },
  { symbol: 'USDD', address: null }, // several "USDD" contracts exist on mainnet; match by symbol only
  { symbol: 'MIM', address: '0x99D8a9C45b2ecA8864373A26D1459e3Dff1e17F3' },
  { symbol: 'FRXUSD', address: '0xCAcd6fd266aF91b8AeD52aCCc382b4e165586E29' },
  { symbol: 'SUSD', address: '0x57Ab1ec28D129707052df4dF418D58a2D46d5f51' },
  { symbol: 'USD0++', address: '0x35D8949372D46B7a3D5A56006AE77B215fc69bC0' },
];

export const DEFAULT_APPROVED_PROTOCOLS: string[] = [
  'aave-v2', 'aave-v3', 'balancer-v2', 'balancer-v3', 'compound-v2', 'compound-v3', 'convex-finance',
  'crvusd', 'curve-dex', 'ethena-usde', 'euler-v2', 'fluid-lending', 'goldfinch', 'liquity-v1',
  'liquity-v2', 'maple', 'morpho-v0-aavev2', 'morpho-v0-compoundv2', 'morpho-v1', 'pendle',
  'sky-lending', 'sparklend', 'spectra-v2', 'sushiswap', 'sushiswap-v3', 'uniswap-v2', 'uniswap-v3',
  'yearn-finance',
];

/** Upper bounds of stability groups 1 and 2 (percentage points): a pool qualifies when all three hold. */
const UpperBoundsSchema = z.strictObject({ maxDelta: NON_NEGATIVE, maxSigma7: NON_NEGATIVE, maxSigma30: NON_NEGATIVE });
/** Group 3 is defined by lower bounds: |Δ| > minDelta and σ7 > minSigma7 and σ30 > minSigma30. */
const LowerBoundsSchema = z.strictObject({ minDelta: NON_NEGATIVE, minSigma7: NON_NEGATIVE, minSigma30: NON_NEGATIVE });

export const ParamsSchema = z
  .strictObject({
    approvedProtocols: z.array(z.string().min(1)).default(DEFAULT_APPROVED_PROTOCOLS),
    approvedTokens: z.array(TokenSchema).min(1).default(DEFAULT_APPROVED_TOKENS),
    blacklistedTokens: z.array(BlacklistedTokenSchema).default(DEFAULT_BLACKLISTED_TOKENS),
    chain: z.string().min(1).default('Ethereum'),
    /** USD, applied to forecast TVL. */
    poolTvlFloor: NON_NEGATIVE.default(100_000),
    /** Fraction (0.01 = 1 %), compared with forecast APY in percent / 100. */
    poolApyFloor: NON_NEGATIVE.default(0.01),
    /** USD, every underlying token. */
    tokenMarketCapFloor: NON_NEGATIVE.default(35_000_000),
    maxAllocShare: FRACTION.default(0.25),
    maxPoolTvlShare: FRACTION.default(0.05),
    minPools: POSITIVE_INT.default(5),
    maxPools: POSITIVE_INT.default(20),
    minPositionUsd: NON_NEGATIVE.default(1_000),
    /** Share of AUM per stability group; group 4 is not investable. */
    groupCaps: z
      .strictObject({ '1': FRACTION, '2': FRACTION, '3': FRACTION })
      .default({ '1': 0.35, '2': 0.35, '3': 0.3 }),
    conversionFee: FRACTION.default(0.0004),
    gasUnits: z
      .strictObject({ deposit: POSITIVE_INT, withdraw: POSITIVE_INT, swap: POSITIVE_INT, transfer: POSITIVE_INT })
      .default({ deposit: 150_000, withdraw: 150_000, swap: 180_000, transfer: 65_000 }),
    horizonDays: POSITIVE_INT.default(1),
    objective: z.enum(['yield', 'mean-variance']).default('yield'),
    riskAversion: NON_NEGATIVE.default(5.0),
    weightCap: FRACTION.default(0.07),
    covWindowDays: z.number().int().min(2).default(20),
    expectedReturnLookback: POSITIVE_INT.default(20),
    scorePreference: z.number().default(0.0),
    /** Depeg guard (fractions below peg, consecutive days). */
    icebox: z
      .strictObject({
        lowPct: FRACTION,
        lowDays: POSITIVE_INT,
        closePct: FRACTION,
        closeDays: POSITIVE_INT,
        recoveryLowDays: POSITIVE_INT,
        recoveryCloseDays: POSITIVE_INT,
      })
      .default({ lowPct: 0.02, lowDays: 2, closePct: 0.01, closeDays: 1, recoveryLowDays: 2, recoveryCloseDays: 3 }),
    groupThresholds: z
      .strictObject({ group1: UpperBoundsSchema, group2: UpperBoundsSchema, group3: LowerBoundsSchema })
      .default({
        group1: { maxDelta: 1.0, maxSigma7: 1.5, maxSigma30: 2.0 },
        group2: { maxDelta: 3, maxSigma7: 4, maxSigma30: 5 },
        group3: { minDelta: 3, minSigma7: 4, minSigma30: 2 },
      }),
    /**
     * Operator-maintained contracts of pools the treasury holds, by DefiLlama pool uuid: the pool/vault
     * contract deposits go to and/or the receipt token it mints (aToken, cToken, vault share).
     * DefiLlama publishes no contract addresses, so without this (or `address`/`receiptToken` on
     * `pools/{uuid}`) the ledger can only name a position by its contract and the optimizer cannot
     * plan its withdrawal. Used by updateLedger in addition to the registry; this mapping wins where
     * both name the same contract. Locally, `emulate`/`local-workflow` seed it from the simulated treasury.
     */
    poolContracts: z
      .record(z.string().min(1), z.strictObject({ address: ADDRESS.optional(), receiptToken: ADDRESS.optional() }))
      .default({}),
    /** HiGHS limits for the allocation MILP. */
    solver: z
      .strictObject({ timeLimitSeconds: z.number().positive(), mipRelGap: FRACTION })
      .default({ timeLimitSeconds: 60, mipRelGap: 0.0001 }),
  })
  .superRefine((p, ctx) => {
    if (p.minPools > p.maxPools) {
      ctx.addIssue({ code: 'custom', path: ['minPools'], message: `minPools (${p.minPools}) exceeds maxPools (${p.maxPools})` });
    }
  });

export type Params = z.infer<typeof ParamsSchema>;

/** A layer may set any subset of fields, nested objects partially. */
export type ParamsLayer = Record<string, unknown>;

/** Environment variables portfolio-pipeline users know, and the field each overrides. */
export const ENV_OVERRIDES: ReadonlyArray<{ env: string; field: keyof Params }> = [
  { env: 'RISK_AVERSION', field: 'riskAversion' },
  { env: 'WEIGHT_CAP', field: 'weightCap' },
  { env: 'COV_WINDOW_DAYS', field: 'covWindowDays' },
  { env: 'EXPECTED_RETURN_LOOKBACK', field: 'expectedReturnLookback' },
];

export type ParamsSourceKind = 'defaults' | 'stored' | 'env' | 'request';

export interface ParamsSource {
  kind: ParamsSourceKind;
  /** Human name used in errors, e.g. "Firestore params/current" or "request params". */
  name: string;
  values: ParamsLayer;
  /** For env layers: field → env var name, so errors name the variable the user actually set. */
  envNames?: Partial<Record<string, string>>;
}

export interface ParamsIssue {
  /** Dotted field path inside the parameters, e.g. "groupCaps.1" or "riskAversion". */
  path: string;
  source: string;
  sourceKind: ParamsSourceKind;
  message: string;
}

export class ParamsValidationError extends Error {
  readonly issues: ParamsIssue[];
  readonly sourceKind: ParamsSourceKind;
  constructor(issues: ParamsIssue[]) {
    super(issues.map(formatIssue).join('; '));
    this.name = 'ParamsValidationError';
    this.issues = issues;
    this.sourceKind = issues[0]?.sourceKind ?? 'defaults';
  }
}

function formatIssue(i: ParamsIssue): string {
  return `params.${i.path} (from ${i.source}): ${i.message}`;
}

export const DEFAULT_PARAMS: Params = Object.freeze(ParamsSchema.parse({})) as Params;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
}

/** Objects merge key by key; anything else (arrays included) in `over` replaces `base`. */
export function deepMerge(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(over)) return over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = deepMerge(base[k], v);
  return out;
}

/** Reads the env overrides; a value that is not a number is passed through so the schema names it. */
export function envLayer(env: NodeJS.ProcessEnv = process.env): ParamsSource {
  const values: ParamsLayer = {};
  const envNames: Record<string, string> = {};
  for (const { env: name, field } of ENV_OVERRIDES) {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') continue;
    const n = Number(raw.trim());
    values[field] = Number.isFinite(n) ? n : raw;
    envNames[field] = name;
  }
  return { kind: 'env', name: 'environment', values, envNames };
}

function issuePath(path: ReadonlyArray<PropertyKey>, extraKey?: string): string {
  const parts = path.map(String);
  if (extraKey !== undefined) parts.push(extraKey);
  return parts.length ? parts.join('.') : '(root)';
}

function describeSource(source: ParamsSource, path: string): string {
  const envName = source.envNames?.[path.split('.')[0]];
  return envName ? `env ${envName}` : source.name;
}

/**
 * Applies the layers in order onto the built-in defaults and returns the effective parameters.
 * Throws ParamsValidationError naming each bad field and the layer it came from.
 */
export function resolveParams(sources: ParamsSource[]): Params {
  let effective: Params = DEFAULT_PARAMS;
  for (const source of sources) {
    if (!isPlainObject(source.values)) {
      throw new ParamsValidationError([
        { path: '(root)', source: source.name, sourceKind: source.kind, message: 'expected an object of parameters' },
      ]);
    }
    const result = ParamsSchema.safeParse(deepMerge(effective, source.values));
    if (!result.success) {
      const issues: ParamsIssue[] = [];
      for (const issue of result.error.issues) {
        const keys = issue.code === 'unrecognized_keys' ? issue.keys : [undefined];
        for (const key of keys) {
          const path = issuePath(issue.path, key);
          const message = issue.code === 'unrecognized_keys' ? 'unknown parameter' : issue.message;
          issues.push({ path, source: describeSource(source, path), sourceKind: source.kind, message });
        }
      }
      throw new ParamsValidationError(issues);
    }
    effective = result.data;
  }
  return effective;
}

/** The usual stack: stored document (may be absent), env, request override (may be absent). */
export function buildParamSources(stored: ParamsLayer | undefined, requestParams: unknown, env: NodeJS.ProcessEnv = process.env): ParamsSource[] {
  const sources: ParamsSource[] = [];
  if (stored !== undefined) sources.push({ kind: 'stored', name: 'Firestore params/current', values: stored });
  sources.push(envLayer(env));
  if (requestParams !== undefined && requestParams !== null) {
    sources.push({ kind: 'request', name: 'request params', values: requestParams as ParamsLayer });
  }
  return sources;
}
