/**
 * Pure core of fetchPools: validated `/pools` rows → registry records, the day's snapshot, and the
 * registry plan (which pools to upsert, which became inactive).
 */
import type { LlamaPool } from './schema';

/** The registry fields DefiLlama tells us; only fields present in the response are set. */
export interface PoolRecord {
  id: string;
  project: string;
  chain: string;
  symbol: string;
  tvlUsd: number;
  apy: number | null;
  apyBase?: number | null;
  apyReward?: number | null;
  underlyingTokens?: string[] | null;
  rewardTokens?: string[] | null;
  poolMeta?: string | null;
  stablecoin?: boolean | null;
  ilRisk?: string | null;
  exposure?: string | null;
  apyPct1D?: number | null;
  apyPct7D?: number | null;
  apyPct30D?: number | null;
  apyMean30d?: number | null;
  mu?: number | null;
  sigma?: number | null;
  count?: number | null;
  outlier?: boolean | null;
}

const OPTIONAL_FIELDS = [
  'apyBase', 'apyReward', 'underlyingTokens', 'rewardTokens', 'poolMeta', 'stablecoin', 'ilRisk', 'exposure',
  'apyPct1D', 'apyPct7D', 'apyPct30D', 'apyMean30d', 'mu', 'sigma', 'count', 'outlier',
] as const;

export interface NormalizedPools {
  pools: PoolRecord[];
  duplicates: number;
  warnings: string[];
}

/** Typed records, one per pool id; duplicated rows collapse (conflicting ones are reported). */
export function normalizePools(rows: ReadonlyArray<LlamaPool>): NormalizedPools {
  const byId = new Map<string, PoolRecord>();
  const conflicting: string[] = [];
  let duplicates = 0;
  for (const row of rows) {
    const rec: PoolRecord = { id: row.pool, project: row.project, chain: row.chain, symbol: row.symbol, tvlUsd: row.tvlUsd, apy: row.apy };
    for (const f of OPTIONAL_FIELDS) {
      const v = row[f];
      if (v !== undefined) (rec as unknown as Record<string, unknown>)[f] = v;
    }
    const seen = byId.get(rec.id);
    if (seen) {
      duplicates++;
      // /pools is sorted by TVL descending: the first row is the one DefiLlama ranks; keep it.
      if (JSON.stringify(seen) !== JSON.stringify(rec)) conflicting.push(rec.id);
      continue;
    }
    byId.set(rec.id, rec);
  }
  const warnings: string[] = [];
  if (duplicates > 0) {
    warnings.push(
      `DefiLlama /pools: ${duplicates} duplicated row(s) ignored` +
        (conflicting.length ? `; conflicting values for ${conflicting.slice(0, 5).join(', ')}${conflicting.length > 5 ? ', …' : ''} (first row kept)` : ''),
    );
  }
  const pools = [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { pools, duplicates, warnings };
}

/** What the registry holds about a pool, as far as planning cares. */
export interface RegistryState {
  active: boolean;
  lastSeen: string | null;
}

export interface RegistryPlan {
  /** Pools to upsert (merge) with lastSeen = runDate, active = true; `created` ones get firstSeen. */
  upserts: Array<{ record: PoolRecord; created: boolean }>;
  /** Active pools absent from today's response. */
  deactivate: string[];
  /** Pools seen later than runDate already (an older date rerun): left untouched. */
  skippedNewer: number;
}

export function planRegistry(pools: ReadonlyArray<PoolRecord>, registry: ReadonlyMap<string, RegistryState>, runDate: string): RegistryPlan {
  const today = new Set<string>();
  const upserts: RegistryPlan['upserts'] = [];
  let skippedNewer = 0;
  for (const record of pools) {
    today.add(record.id);
    const state = registry.get(record.id);
    if (state?.lastSeen && state.lastSeen > runDate) {
      skippedNewer++;
      continue;
    }
    upserts.push({ record, created: !state });
  }
  const deactivate: string[] = [];
  for (const [id, state] of registry) {
    if (!today.has(id) && state.active && (state.lastSeen === null || state.lastSeen < runDate)) deactivate.push(id);
  }
  deactivate.sort();
  return { upserts, deactivate, skippedNewer };
}

/** Columnar chunk of the day's snapshot (compact: ~40 bytes per pool). */
export interface SnapshotChunk {
  index: number;
  ids: string[];
  tvlUsd: number[];
  apy: Array<number | null>;
  apyBase: Array<number | null>;
  apyReward: Array<number | null>;
}

export const SNAPSHOT_ROWS_PER_CHUNK = 5000;

export function snapshotChunks(pools: ReadonlyArray<PoolRecord>, rowsPerChunk = SNAPSHOT_ROWS_PER_CHUNK): SnapshotChunk[] {
  const out: SnapshotChunk[] = [];
  for (let i = 0; i < pools.length; i += rowsPerChunk) {
    const part = pools.slice(i, i + rowsPerChunk);
    out.push({
      index: out.length,
      ids: part.map((p) => p.id),
      tvlUsd: part.map((p) => p.tvlUsd),
      apy: part.map((p) => p.apy),
      apyBase: part.map((p) => p.apyBase ?? null),
      apyReward: part.map((p) => p.apyReward ?? null),
    });
  }
  return out;
}
