/**
 * The backtest's data source over the stored history: the clean layers the daily pipeline writes,
 * read back in the shapes the replay expects (types.ts BacktestDataSource). I/O only; the engine
 * stays pure.
 *
 *   listing(date)     poolSnapshots/{date} (+chunks, column-wise: ids, tvlUsd, apy, apyBase, apyReward;
 *                     fetchPools) joined with the `pools/{uuid}` registry for the static attributes
 *                     (project, chain, symbol, underlyingTokens, poolMeta). Missing snapshot → the
 *                     latest one of the `snapshotFallbackDays` days before (a day the pipeline did not
 *                     run sees the previous listing), else StoredHistoryMissingError.
 *   histories         poolHistory/{poolId}_{YYYY-MM} (fetchPoolHistories): one point per day; the
 *                     explicit gap points (every value null) are dropped so a gap reads exactly like
 *                     a day /chart had no row for; a null APY or TVL becomes NaN.
 *   tokenDays         priceDaily/{SYMBOL}_{YYYY-MM} (fetchPrices), by the approved token's symbol.
 *   gasDays           gasDaily/mainnet_{YYYY-MM} (fetchGas) mean/max base fee + priceDaily/ETH close.
 *
 * What must exist for a backtest from F to T (the decision for day D reads data ≤ D − 1):
 *   - the pipeline's fetchPools for every day F − 1 .. T − 1 (the listing the decision starts from);
 *   - pool histories up to T for the pools in play: fetchPoolHistories of runDate T + 1 (it stores up
 *     to runDate − 1, and only for that day's eligible pools; a pool eligible earlier but not then
 *     earns its latest APY of the previous 7 days, as for a DefiLlama gap). fetchPoolHistories
 *     downloads a pool's whole chart the first time it is eligible, so the 200-day forecast window
 *     is there from the first day a pool is considered;
 *   - prices (fetchPrices stores a year on its first run) from F − 14 (depeg-guard warm-up) to T − 1;
 *   - gas: fetchGas stores only the week before each run, so gas history starts a week before the
 *     pipeline's first run (forecastGas works with what there is).
 * Running the daily pipeline over the window (plus one day) produces all of it.
 *
 * Caveats (documented in the README): the registry holds each pool's LATEST attributes (symbol,
 * underlying tokens), and a pool's stored history is the chart as DefiLlama served it when fetched
 * (possibly revised later than the day itself). Every read is still bounded by the date asked for.
 *
 * Month documents are cached per instance (a day's realised step re-reads the same months for every
 * pool); the cache is dropped wholesale past MAX_CACHED_DOCS to bound memory.
 */
import type { DocumentReference, Firestore } from '@google-cloud/firestore';
import { addDays, dayRange } from '../../lib/dates';
import { monthsBetween, seriesDocId } from '../../lib/series';
import type { PoolRecord } from '../enrich/prefilter';
import { ENRICH_COLLECTIONS } from '../enrich/handlers/common';
import { dateToDay } from '../forecast';
import { GAS_SERIES } from '../ingest/gas';
import { INGEST_COLLECTIONS } from '../ingest/common';
import type { BacktestDataSource, GasDay, PoolObservation, TokenDay } from './types';

const MAX_CACHED_DOCS = 40_000;
/** Documents per getAll round trip, and round trips in flight. */
const GET_ALL_BATCH = 300;
const GET_ALL_PARALLEL = 4;
const REGISTRY_FIELDS = ['project', 'chain', 'symbol', 'underlyingTokens', 'poolMeta'] as const;

/** The stored layers do not cover a day the backtest needs: the pipeline did not run for it. */
export class StoredHistoryMissingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoredHistoryMissingError';
  }
}

export interface FirestoreSourceOptions {
  /** How many days back a missing pool snapshot may be replaced by an earlier one (default 3). */
  snapshotFallbackDays?: number;
}

type Points = Record<string, Record<string, unknown>>;
type RegistryAttrs = Pick<PoolRecord, 'project' | 'chain' | 'symbol' | 'underlyingTokens' | 'poolMeta'>;

const numOrNaN = (v: unknown): number => (typeof v === 'number' ? v : NaN);
const numOrNull = (v: unknown): number | null => (typeof v === 'number' ? v : null);

/** Runs getAll over many references in bounded batches; snapshots in input order. */
async function getAllBatched(db: Firestore, refs: DocumentReference[], fieldMask?: readonly string[]): Promise<FirebaseFirestore.DocumentSnapshot[]> {
  const batches: DocumentReference[][] = [];
  for (let i = 0; i < refs.length; i += GET_ALL_BATCH) batches.push(refs.slice(i, i + GET_ALL_BATCH));
  const out: FirebaseFirestore.DocumentSnapshot[][] = new Array(batches.length);
  for (let i = 0; i < batches.length; i += GET_ALL_PARALLEL) {
    await Promise.all(
      batches.slice(i, i + GET_ALL_PARALLEL).map(async (b, k) => {
        out[i + k] = b.length ? await db.getAll(...b, ...(fieldMask ? [{ fieldMask: [...fieldMask] }] : [])) : [];
      }),
    );
  }
  return out.flat();
}

export class FirestoreBacktestSource implements BacktestDataSource {
  readonly description = 'stored history (Firestore: poolSnapshots, pools, poolHistory, priceDaily, gasDaily)';
  private readonly fallbackDays: number;
  /** Month documents by path: their points, or null when the document does not exist. */
  private readonly months = new Map<string, Points | null>();
  private readonly registry = new Map<string, RegistryAttrs | null>();
  /** Documents read so far (cost diagnostics for the step's counts). */
  readonly io = { reads: 0 };

  constructor(
    private readonly db: Firestore,
    options: FirestoreSourceOptions = {},
  ) {
    this.fallbackDays = options.snapshotFallbackDays ?? 3;
  }

  /** Month documents of one collection (cached); path → points or null. */
  private async monthDocs(collection: string, ids: readonly string[]): Promise<Map<string, Points | null>> {
    const col = this.db.collection(collection);
    const want = [...new Set(ids)].map((id) => `${collection}/${id}`);
    const missing = want.filter((p) => !this.months.has(p));
    if (missing.length) {
      if (this.months.size + missing.length > MAX_CACHED_DOCS) this.months.clear();
      const snaps = await getAllBatched(this.db, missing.map((p) => col.doc(p.slice(collection.length + 1))));
      this.io.reads += snaps.length;
      snaps.forEach((s, i) => this.months.set(missing[i], s.exists ? ((s.get('points') ?? {}) as Points) : null));
    }
    return new Map(want.map((p) => [p.slice(collection.length + 1), this.months.get(p) ?? null]));
  }

  /** Snapshot manifest of `date`, or of the latest day within the fallback window; undefined if none. */
  private async snapshotRef(date: string): Promise<{ ref: DocumentReference; chunks: number } | undefined> {
    const refs = dayRange(addDays(date, -this.fallbackDays), date)
      .reverse()
      .map((d) => this.db.collection(INGEST_COLLECTIONS.poolSnapshots).doc(d));
    const snaps = await this.db.getAll(...refs);
    this.io.reads += snaps.length;
    const found = snaps.find((s) => s.exists);
    return found ? { ref: found.ref, chunks: Number(found.get('chunks') ?? 0) } : undefined;
  }

  /** Days in [from, to] whose listing is missing even with the fallback (empty = the window is covered). */
  async missingListings(from: string, to: string): Promise<string[]> {
    const days = dayRange(addDays(from, -this.fallbackDays), to);
    const snaps = await getAllBatched(this.db, days.map((d) => this.db.collection(INGEST_COLLECTIONS.poolSnapshots).doc(d)), ['runDate']);
    this.io.reads += snaps.length;
    const present = new Set(days.filter((_, i) => snaps[i].exists));
    return dayRange(from, to).filter((d) => !dayRange(addDays(d, -this.fallbackDays), d).some((x) => present.has(x)));
  }

  private async registryAttrs(ids: readonly string[]): Promise<void> {
    const todo = ids.filter((id) => !this.registry.has(id));
    if (!todo.length) return;
    const col = this.db.collection(INGEST_COLLECTIONS.pools);
    const snaps = await getAllBatched(this.db, todo.map((id) => col.doc(id)), REGISTRY_FIELDS);
    this.io.reads += snaps.length;
    snaps.forEach((s, i) => {
      if (!s.exists) return void this.registry.set(todo[i], null);
      const tokens = s.get('underlyingTokens') as unknown;
      const meta = s.get('poolMeta') as unknown;
      this.registry.set(todo[i], {
        project: String(s.get('project') ?? ''),
        chain: String(s.get('chain') ?? ''),
        symbol: String(s.get('symbol') ?? ''),
        underlyingTokens: Array.isArray(tokens) ? (tokens as string[]) : null,
        poolMeta: typeof meta === 'string' ? meta : null,
      });
    });
  }

  async listing(date: string): Promise<PoolRecord[]> {
    const snap = await this.snapshotRef(date);
    if (!snap) throw new StoredHistoryMissingError(`no pool snapshot for ${date} (poolSnapshots/${date} nor the ${this.fallbackDays} days before): the pipeline's fetchPools did not run for it`);
    const chunks = snap.chunks > 0 ? await this.db.getAll(...Array.from({ length: snap.chunks }, (_, i) => snap.ref.collection('chunks').doc(String(i).padStart(4, '0')))) : [];
    this.io.reads += chunks.length;
    const rows: Array<{ id: string; tvlUsd: unknown; apy: unknown; apyBase: unknown; apyReward: unknown }> = [];
    for (const c of chunks) {
      if (!c.exists) throw new Error(`${snap.ref.path}: chunk ${c.id} missing (partial write; rerun fetchPools for that day)`);
      const d = c.data() as Record<string, unknown[]>;
      const ids = d.ids as string[];
      ids.forEach((id, i) => rows.push({ id, tvlUsd: d.tvlUsd?.[i], apy: d.apy?.[i], apyBase: d.apyBase?.[i], apyReward: d.apyReward?.[i] }));
    }
    await this.registryAttrs(rows.map((r) => r.id));
    const out: PoolRecord[] = [];
    for (const r of rows) {
      // A pool the registry does not know cannot be evaluated (filterPoolsPre skips it too).
      const attrs = this.registry.get(r.id);
      if (!attrs) continue;
      out.push({ pool: r.id, ...attrs, tvlUsd: numOrNull(r.tvlUsd), apy: numOrNull(r.apy), apyBase: numOrNull(r.apyBase), apyReward: numOrNull(r.apyReward) });
    }
    return out;
  }

  async histories(poolIds: readonly string[], from: string, to: string): Promise<Map<string, PoolObservation[]>> {
    const months = monthsBetween(from, to);
    const docs = await this.monthDocs(
      ENRICH_COLLECTIONS.poolHistory,
      poolIds.flatMap((id) => months.map((m) => seriesDocId(id, m))),
    );
    const out = new Map<string, PoolObservation[]>();
    for (const id of poolIds) {
      const rows: PoolObservation[] = [];
      for (const m of months) {
        const points = docs.get(seriesDocId(id, m));
        if (!points) continue;
        for (const day of Object.keys(points).sort()) {
          if (day < from || day > to) continue;
          const v = points[day];
          if (v.apy === null && v.tvlUsd === null) continue; // explicit gap: no row that day
          rows.push({ day: dateToDay(day), apy: numOrNaN(v.apy), tvlUsd: numOrNaN(v.tvlUsd) });
        }
      }
      if (rows.length) out.set(id, rows);
    }
    return out;
  }

  async tokenDays(tokens: ReadonlyArray<{ symbol: string; address: string }>, date: string): Promise<Record<string, TokenDay>> {
    const month = date.slice(0, 7);
    const docs = await this.monthDocs(INGEST_COLLECTIONS.priceDaily, tokens.map((t) => seriesDocId(t.symbol, month)));
    const out: Record<string, TokenDay> = {};
    for (const t of tokens) {
      const v = docs.get(seriesDocId(t.symbol, month))?.[date];
      if (v) out[t.symbol] = { low: numOrNull(v.low), close: numOrNull(v.close), marketCap: numOrNull(v.marketCap) };
    }
    return out;
  }

  async gasDays(from: string, to: string): Promise<GasDay[]> {
    if (from > to) return [];
    const months = monthsBetween(from, to);
    const gas = await this.monthDocs(INGEST_COLLECTIONS.gasDaily, months.map((m) => seriesDocId(GAS_SERIES, m)));
    const eth = await this.monthDocs(INGEST_COLLECTIONS.priceDaily, months.map((m) => seriesDocId('ETH', m)));
    const out: GasDay[] = [];
    for (const m of months) {
      const g = gas.get(seriesDocId(GAS_SERIES, m)) ?? {};
      const e = eth.get(seriesDocId('ETH', m)) ?? {};
      for (const date of Object.keys(g).sort()) {
        if (date < from || date > to) continue;
        const price = e[date]?.close;
        const mean = g[date].meanBaseFeeGwei;
        const max = g[date].maxBaseFeeGwei;
        // As the simulated source: a day without ETH's close cannot price gas.
        if (typeof price !== 'number' || typeof mean !== 'number' || typeof max !== 'number') continue;
        out.push({ date, meanGwei: mean, maxGwei: max, ethPriceUsd: price });
      }
    }
    return out;
  }
}
