/**
 * Pure: the stored layers of a runDate → the optimizer's AllocationInput (DOMAIN.md step 4), plus the
 * warnings about the inputs themselves. No Firestore here (load.ts reads, this decides).
 *
 *   candidates  final-filter rows that are kept (passing pools and held pools that must be exited);
 *               forecast APY = mean over the horizon, TVL = min over the horizon (as the filter stored
 *               them); group from poolGroups (none → 4, not investable); tokens = approved symbols
 *   holdings    ledger positions by pool uuid, amount × latest close
 *   wallet      ledger token balances, amount × latest close
 *   prices      latest close per token (≤ the as-of day); missing → 1.0 with a warning (DOMAIN)
 *   gas         gasForecasts: gasPriceGwei (forecast max) and ethPriceUsd
 *
 * Positions the ledger could not map to a pool uuid (`contract:0x…`) are NOT given to the optimizer:
 * a plan cannot withdraw from a pool it cannot name, and treating them as "exit this" would promise a
 * transaction nobody can execute from the report. They are named in a warning and left out of the
 * investable AUM until an operator maps the contract in params.poolContracts.
 */
import type { Params } from '../../../lib/params';
import type { FinalFilterRow } from '../../forecast/handlers/common';
import { UNMAPPED_POOL_PREFIX } from '../../report/wallet-model';
import type { AllocationInput, CandidatePool, Holding, MeanVarianceFeatures, StabilityGroup } from '../types';

/** The slice of `ledger/{date}` the optimizer needs (updateLedger's LedgerResult). */
export interface StoredLedger {
  /** Document id (the ledger's runDate); may be earlier than the run's when today's is missing. */
  date: string;
  tokens: Record<string, { amount: number }>;
  pools: Array<{ poolId: string; token: string; amount: number; poolContract?: string | null; receiptToken?: string }>;
}

export interface StoredLayers {
  runDate: string;
  params: Params;
  finalFilter: FinalFilterRow[];
  /** Stability group per pool id (poolGroups). */
  groups: ReadonlyMap<string, number>;
  ledger: StoredLedger | null;
  /** Latest close per symbol within the lookback. */
  closes: Readonly<Record<string, { usd: number; date: string }>>;
  gasPriceGwei: number;
  ethPriceUsd: number;
  /** readMeanVarianceFeatures (NaN where buildFeatures stored null); only for objective mean-variance. */
  features?: { assets: string[]; expectedReturns: number[]; covariance: number[][]; scores: number[] };
}

export interface BuiltInput {
  input: AllocationInput;
  warnings: string[];
  /** True when the inputs are incomplete in a way the recommendation should be read with (degraded). */
  incomplete: boolean;
  counts: Record<string, number>;
}

/**
 * Positions worth less than this are float residue of the ledger's unit sums (a receipt burnt in full
 * can leave ±1e-9 units), not holdings: planning a withdrawal of them would only spend gas.
 */
export const DUST_USD = 0.01;

const usd = (v: number): string => `${Math.round(v).toLocaleString('en-US')} USD`;
const asGroup = (g: number | undefined): StabilityGroup => (g === 1 || g === 2 || g === 3 ? g : 4);

export function buildAllocationInput(layers: StoredLayers): BuiltInput {
  const warnings: string[] = [];
  let incomplete = false;

  // Prices: one warning per token valued at 1.0, then the optimizer never needs to guess again.
  const prices: Record<string, number> = {};
  const priced = (token: string): number => {
    if (prices[token] === undefined) {
      const c = layers.closes[token];
      if (c && Number.isFinite(c.usd) && c.usd > 0) prices[token] = c.usd;
      else {
        prices[token] = 1.0;
        warnings.push(`${token}: no recent close (priceDaily); valued at 1.0`);
        incomplete = true;
      }
    }
    return prices[token];
  };

  const holdings: Holding[] = [];
  const wallet: Record<string, number> = {};
  let unmappedUsd = 0;
  const ledger = layers.ledger;
  if (!ledger) {
    warnings.push(`no ledger on or before ${layers.runDate} (updateLedger has not run): no wallet balances or positions, AUM is 0`);
    incomplete = true;
  } else {
    if (ledger.date !== layers.runDate) {
      warnings.push(`balances come from ledger/${ledger.date}, not ledger/${layers.runDate}: later transfers are not reflected`);
      incomplete = true;
    }
    for (const [token, b] of Object.entries(ledger.tokens ?? {}).sort(([a], [b2]) => (a < b2 ? -1 : 1))) {
      if (!(typeof b?.amount === 'number' && Number.isFinite(b.amount)) || Math.abs(b.amount) < DUST_USD) continue;
      if (b.amount < 0) {
        warnings.push(`${token}: negative ledger balance ${b.amount} (transfer history incomplete?); treated as 0`);
        incomplete = true;
        continue;
      }
      wallet[token] = (wallet[token] ?? 0) + b.amount * priced(token);
    }
    const unmapped: string[] = [];
    for (const p of ledger.pools ?? []) {
      if (!(typeof p.amount === 'number' && p.amount > 0)) continue;
      const value = p.amount * priced(p.token);
      if (value < DUST_USD) continue;
      if (p.poolId.startsWith(UNMAPPED_POOL_PREFIX)) {
        unmappedUsd += value;
        unmapped.push(`${usd(value)} of ${p.token} in ${p.poolContract ?? p.poolId.slice(UNMAPPED_POOL_PREFIX.length)}${p.receiptToken ? ` (receipt ${p.receiptToken})` : ''}`);
        continue;
      }
      holdings.push({ poolId: p.poolId, token: p.token, amountUsd: value });
    }
    if (unmapped.length) {
      warnings.push(
        `${unmapped.length} position(s) worth ${usd(unmappedUsd)} are in contracts not mapped to a DefiLlama pool and are left out of the investable AUM` +
          ` (map them in params.poolContracts): ${unmapped.slice(0, 5).join('; ')}${unmapped.length > 5 ? '; …' : ''}`,
      );
      incomplete = true;
    }
  }

  const heldTokens = new Map<string, string[]>();
  for (const h of holdings) heldTokens.set(h.poolId, [...new Set([...(heldTokens.get(h.poolId) ?? []), h.token])]);
  const pools: CandidatePool[] = [];
  let noTokens = 0;
  for (const row of layers.finalFilter) {
    if (!row.kept) continue;
    // A held pool the pre-filter rejected may have no approved symbols: it is exited in the tokens held.
    const tokens = row.tokens.length ? row.tokens : (heldTokens.get(row.poolId) ?? []);
    if (tokens.length === 0) {
      noTokens++;
      continue;
    }
    const passes = !row.mustExit && row.reasons.length === 0;
    pools.push({
      id: row.poolId,
      ...(row.project || row.symbol ? { name: [row.project, row.symbol].filter(Boolean).join(' ') } : {}),
      tokens,
      // A pool that must be exited may lack a forecast; its APY and TVL do not matter then.
      forecastApy: row.forecastApy ?? 0,
      forecastTvlUsd: row.forecastTvl ?? 0,
      group: asGroup(layers.groups.get(row.poolId)),
      passesFinalFilter: passes,
    });
    for (const t of tokens) priced(t);
  }
  if (noTokens) warnings.push(`${noTokens} kept pool(s) have no approved token symbols and are not candidates`);
  const noGroup = pools.filter((p) => p.passesFinalFilter && !layers.groups.has(p.id)).length;
  if (noGroup) warnings.push(`${noGroup} passing pool(s) have no stability group (poolGroups): treated as group 4, not investable`);

  const input: AllocationInput = {
    pools,
    holdings,
    wallet,
    prices,
    ethPriceUsd: layers.ethPriceUsd,
    gasPriceGwei: layers.gasPriceGwei,
    params: layers.params,
  };
  if (layers.params.objective === 'mean-variance' && layers.features) {
    const mv = usableFeatures(layers.features);
    input.meanVariance = mv.features;
    warnings.push(...mv.warnings);
  }
  const candidates = pools.length;
  return {
    input,
    warnings,
    incomplete,
    counts: {
      candidates,
      passing: pools.filter((p) => p.passesFinalFilter).length,
      mustExit: pools.filter((p) => !p.passesFinalFilter).length,
      heldPools: heldTokens.size,
      unmappedPositionsUsd: Math.round(unmappedUsd * 100) / 100,
    },
  };
}

/**
 * The stored features as the optimizer accepts them (finite numbers only), by the backtest's rule
 * (backtest/day-step.ts) so live and replayed decisions agree: assets without an expected return or
 * variance are left out; a pair with too little overlap counts as covariance 0 (no evidence of
 * co-movement); a missing score is 0.5, the neutral middle of the normalised scores.
 */
export function usableFeatures(f: NonNullable<StoredLayers['features']>): { features: MeanVarianceFeatures; warnings: string[] } {
  const fin = Number.isFinite;
  const keep = f.assets.map((_, i) => i).filter((i) => fin(f.expectedReturns[i]) && fin(f.covariance[i]?.[i]));
  const warnings: string[] = [];
  const dropped = f.assets.length - keep.length;
  if (dropped) warnings.push(`${dropped} asset(s) of features have no expected return or variance: left out of mean-variance`);
  let zeroed = 0;
  const covariance = keep.map((i) =>
    keep.map((j) => {
      const v = f.covariance[i][j];
      if (fin(v)) return v;
      zeroed++;
      return 0;
    }),
  );
  if (zeroed) warnings.push(`${zeroed / 2} covariance pair(s) with too little overlap counted as 0`);
  const scores = keep.map((i) => f.scores[i]);
  const anyScore = scores.some(fin);
  return {
    features: {
      assets: keep.map((i) => f.assets[i]),
      expectedReturns: keep.map((i) => f.expectedReturns[i]),
      covariance,
      ...(anyScore ? { scores: scores.map((s) => (fin(s) ? s : 0.5)) } : {}),
    },
    warnings,
  };
}
