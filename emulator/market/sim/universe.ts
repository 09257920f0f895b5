/**
 * The pool universe as a set of "slots": each slot is always occupied by one pool at a time; when that
 * pool dies, a new pool is born in the slot after a short gap (a renewal process). Walking a slot's
 * generations forward from a fixed anchor date makes births and deaths absolute (independent of endDate),
 * and keeps the number of live pools stationary at ≈ the slot count, like the real /pools list.
 *
 * A pool's static description (chain, project, tokens, and the parameters of its series) is drawn from a
 * PRNG seeded by hash(seed, slot, generation), so any pool can be rebuilt from its id alone.
 */
import { DEFAULT_APPROVED_PROTOCOLS } from '../../../functions/src/lib/params';
import { CALIBRATION, fromQuantiles, type Calibration } from './calibration';
import { dayIndex, dayString } from './dates';
import { fmix32, hashInts, Rng, toUnit, uAt } from './prng';
import { CHAIN_WEIGHTS, NON_EVM, PROJECTS, type Category, type ProjectDef } from './projects';
import { base58Address, isStableKind, tokenAddressOn, type SimToken } from './tokens';

/** Slots start their first pool around this day; by 2022 every slot has turned over or is long-lived. */
const ANCHOR_DAY = dayIndex('2020-01-01');
const MEAN_GAP_DAYS = 12;
const APPROVED = new Set(DEFAULT_APPROVED_PROTOCOLS);

export interface PoolDef {
  slot: number;
  gen: number;
  id: string;
  /** Stream key for this pool's series randomness. */
  key: number;
  /** First day with data (inclusive) and first day without (exclusive). */
  birth: number;
  death: number;
  chain: string;
  project: string;
  category: Category;
  symbol: string;
  tokens: SimToken[];
  underlyingTokens: string[] | null;
  rewardTokens: string[] | null;
  poolMeta: string | null;
  stablecoin: boolean;
  ilRisk: 'yes' | 'no';
  exposure: 'single' | 'multi';
  // --- series parameters (see pool-series.ts) ---
  baseLevel: number;
  rewardLevel: number;
  /** The adapter reports only `apy` (apyBase/apyReward null). */
  onlyTotal: boolean;
  apyAmps: number[];
  regimeBlock: number;
  regimePhase: number;
  regimeProb: number;
  regimeSigma: number;
  spikeRate: number;
  missRate: number;
  outageRate: number;
  logTvl: number;
  tvlAmps: number[];
  /** DEX fee rate, for volumes (0 for non-DEX). */
  feeRate: number;
}

interface SlotGens {
  gaps: number[];
  births: number[];
  deaths: number[];
  chains: string[];
  categories: Category[];
}

interface Header {
  chain: string;
  category: Category;
  life: number;
  gap: number;
}

const SYLL = ['ve', 'lo', 'ra', 'ki', 'mo', 'zen', 'tri', 'nex', 'flux', 'astro', 'yield', 'vault', 'pi', 'sol', 'arc', 'ion'];
const SUFFIX = ['finance', 'protocol', 'dex', 'lend', 'swap', 'vaults', 'v2', 'money', 'labs', 'fi'];
const FEE_TIERS = ['0.01%', '0.05%', '0.3%', '1%'];
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

function invOdd(a: number): number {
  let x = a >>> 0;
  for (let i = 0; i < 5; i++) x = Math.imul(x, 2 - Math.imul(a, x)) >>> 0;
  return x >>> 0;
}
const INV_C1 = invOdd(0x85ebca6b);
const INV_C2 = invOdd(0xc2b2ae35);
/** Inverse of fmix32, so a slot number can be hidden in a uuid and recovered from it. */
export function unfmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, INV_C2);
  h ^= (h >>> 13) ^ (h >>> 26);
  h = Math.imul(h, INV_C1);
  h ^= h >>> 16;
  return h >>> 0;
}
const hex = (n: number, width: number): string => (n >>> 0).toString(16).padStart(width, '0').slice(-width);

export class Universe {
  private readonly gens: (SlotGens | undefined)[];
  private readonly defs = new Map<number, PoolDef>();
  private readonly idKey: number;
  private readonly shortLife: number;
  private readonly stables: SimToken[];
  private readonly volatiles: SimToken[];
  private readonly rewardCandidates: SimToken[];
  private readonly ethLike: SimToken[];

  constructor(
    private readonly seedKey: number,
    readonly slots: number,
    private readonly tokens: SimToken[],
    private readonly calib: Calibration = CALIBRATION,
  ) {
    this.gens = new Array(slots);
    this.idKey = hashInts(seedKey, 11);
    // Daily death rate ≈ (1 − durable share) / shortLife (churning slots), up to the gaps; solve for shortLife.
    this.shortLife = Math.min(400, Math.max(10, (1 - DURABLE_SLOT_SHARE) / Math.max(calib.lifecycle.dailyDeathRate, 0.0005)));
    this.stables = tokens.filter((t) => isStableKind(t.kind) && t.poolWeight > 0);
    this.volatiles = tokens.filter((t) => !isStableKind(t.kind) && t.poolWeight > 0);
    this.ethLike = this.volatiles.filter((t) => t.kind === 'eth' || /ETH$/.test(t.symbol));
    this.rewardCandidates = tokens.filter((t) => ['AAVE', 'COMP', 'CRV', 'ARB', 'OP', 'AERO', 'CAKE', 'PENDLE', 'MORPHO', 'EIGEN', 'ENA', 'SUSHI', 'BAL', 'JUP'].includes(t.symbol));
  }

  /**
   * Header of a generation: enough to know its lifetime without building the whole pool. A slot is either
   * durable (blue-chip markets that live for years) or churning (short-lived pools replaced every few
   * weeks): durability must belong to the slot, or durable pools would end up occupying every slot.
   */
  private header(slot: number, gen: number): Header {
    const durable = uAt(this.seedKey, slot, 0xd0) < DURABLE_SLOT_SHARE;
    // Counter-based draws (no Rng object): headers are evaluated ~10⁶ times for a default market.
    const u = (i: number): number => toUnit(hashInts(this.seedKey, slot, gen, 70 + i));
    const chain = CHAIN_PICK(u(0));
    const category = durable ? DURABLE_PICK(u(1)) : CHURN_PICK(u(1));
    let life: number;
    if (category === 'pendle') life = 30 + Math.floor(u(2) * 270); // until maturity
    else if (durable) life = 700 + Math.floor(u(2) * 4300);
    else life = Math.max(2, Math.round(-Math.log(1 - u(2)) * this.shortLife));
    const gap = 1 + Math.round(-Math.log(1 - u(3)) * MEAN_GAP_DAYS);
    return { chain, category, life, gap };
  }

  /** Generations of a slot, walked forward until one covers `day` (births/deaths cached). */
  private slotGens(slot: number, day: number): SlotGens {
    let g = this.gens[slot];
    if (!g) {
      const h = this.header(slot, 0);
      const u = new Rng(hashInts(this.seedKey, slot, 0, 8)).next();
      const birth = ANCHOR_DAY - Math.floor(u * Math.min(h.life, 1500));
      g = { births: [birth], deaths: [birth + h.life], gaps: [h.gap], chains: [h.chain], categories: [h.category] };
      this.gens[slot] = g;
    }
    while (g.deaths[g.deaths.length - 1] <= day) {
      const gen = g.births.length;
      const birth = g.deaths[gen - 1] + g.gaps[gen - 1];
      const h = this.header(slot, gen);
      g.gaps.push(h.gap);
      g.births.push(birth);
      g.deaths.push(birth + h.life);
      g.chains.push(h.chain);
      g.categories.push(h.category);
    }
    return g;
  }

  /**
   * Up to `limit` pools alive on `day` whose chain/category pass `pre` and that pass `want`, scanning
   * slots from a salt-dependent offset (cheap: only matching headers build a pool).
   */
  findAlive(day: number, pre: (chain: string, category: Category) => boolean, want: (p: PoolDef) => boolean, limit: number, salt: number): PoolDef[] {
    const out: PoolDef[] = [];
    const start = hashInts(this.seedKey, salt, 31) % this.slots;
    for (let i = 0; i < this.slots && out.length < limit; i++) {
      const s = (start + i) % this.slots;
      const g = this.slotGens(s, day);
      const gi = g.births.length - 1;
      if (g.births[gi] > day || !pre(g.chains[gi], g.categories[gi])) continue;
      const p = this.def(s, gi);
      if (want(p)) out.push(p);
    }
    return out;
  }

  /** Pools whose last data day lies in [day − staleDays, day] and that were born by `day`. */
  poolsAround(day: number, staleDays: number): PoolDef[] {
    const out: PoolDef[] = [];
    for (let s = 0; s < this.slots; s++) {
      const g = this.slotGens(s, day);
      for (let i = g.births.length - 1; i >= 0; i--) {
        if (g.deaths[i] - 1 < day - staleDays) break;
        if (g.births[i] <= day) out.push(this.def(s, i));
      }
    }
    return out;
  }

  /** Every pool alive at some day of [from, to]. */
  poolsBetween(from: number, to: number): PoolDef[] {
    const out: PoolDef[] = [];
    for (let s = 0; s < this.slots; s++) {
      const g = this.slotGens(s, to);
      for (let i = 0; i < g.births.length; i++) {
        if (g.births[i] <= to && g.deaths[i] > from) out.push(this.def(s, i));
      }
    }
    return out;
  }

  byId(id: string): PoolDef | undefined {
    const m = /^([0-9a-f]{8})-([0-9a-f]{4})-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.exec(id);
    if (!m) return undefined;
    const slot = (unfmix32(parseInt(m[1], 16)) ^ this.idKey) >>> 0;
    if (slot >= this.slots) return undefined;
    const gen = (parseInt(m[2], 16) ^ (hashInts(this.idKey, slot, 12) & 0xffff)) & 0xffff;
    if (gen > 5000) return undefined;
    const g = this.slotGens(slot, ANCHOR_DAY);
    while (g.births.length <= gen) this.slotGens(slot, g.deaths[g.deaths.length - 1]);
    const def = this.def(slot, gen);
    return def.id === id ? def : undefined;
  }

  private poolId(slot: number, gen: number): string {
    const p1 = hex(fmix32((slot ^ this.idKey) >>> 0), 8);
    const p2 = hex((gen ^ hashInts(this.idKey, slot, 12)) & 0xffff, 4);
    const r = new Rng(hashInts(this.seedKey, slot, gen, 13));
    const rest = r.hex(15);
    const variant = '89ab'[r.int(0, 4)];
    return `${p1}-${p2}-4${rest.slice(0, 3)}-${variant}${rest.slice(3, 6)}-${r.hex(12)}`;
  }

  def(slot: number, gen: number): PoolDef {
    const cacheKey = slot * 8192 + gen;
    const hit = this.defs.get(cacheKey);
    if (hit) return hit;
    // Bound memory: long histories create many short-lived pools; rebuilding one is cheap.
    if (this.defs.size > 80_000) this.defs.clear();
    const g = this.slotGens(slot, ANCHOR_DAY);
    while (g.births.length <= gen) this.slotGens(slot, g.deaths[g.deaths.length - 1]);
    const d = this.build(slot, gen, this.header(slot, gen), g.births[gen], g.deaths[gen]);
    this.defs.set(cacheKey, d);
    return d;
  }

  private pickProject(r: Rng, chain: string, category: Category): string {
    const candidates: [ProjectDef, number][] = [];
    for (const p of PROJECTS) {
      if (p.category !== category) continue;
      const onChain = p.chains === '*' ? !NON_EVM.has(chain) : p.chains.includes(chain);
      if (!onChain) continue;
      // Approved protocols are where Ethereum stablecoin liquidity concentrates.
      const w = p.weight * (chain === 'Ethereum' && APPROVED.has(p.slug) ? 1.5 : 1);
      candidates.push([p, w]);
    }
    if (candidates.length === 0 || r.chance(0.18)) {
      // Long tail of small protocols (DefiLlama lists hundreds).
      const i = r.int(0, 400);
      const rr = new Rng(hashInts(0x5eed, i));
      return `${rr.pick(SYLL)}${rr.pick(SYLL)}-${rr.pick(SUFFIX)}`;
    }
    return r.weighted(candidates).slug;
  }

  private readonly cumCache = new Map<readonly SimToken[], Float64Array>();
  /** Weighted pick by poolWeight with cached cumulative weights (hot path of pool construction). */
  private pickToken(r: Rng, pool: readonly SimToken[]): SimToken {
    let cum = this.cumCache.get(pool);
    if (!cum) {
      cum = new Float64Array(pool.length);
      let acc = 0;
      pool.forEach((t, i) => { acc += t.poolWeight; cum![i] = acc; });
      this.cumCache.set(pool, cum);
    }
    const x = r.next() * cum[cum.length - 1];
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (cum[mid] > x) hi = mid; else lo = mid + 1; }
    return pool[lo];
  }

  private build(slot: number, gen: number, h: Header, birth: number, death: number): PoolDef {
    const r = new Rng(hashInts(this.seedKey, slot, gen, 1));
    const { chain, category } = h;
    const project = this.pickProject(r, chain, category);
    const c = this.calib;
    let tokens: SimToken[] = [];
    let poolMeta: string | null = null;
    const wantStable = (p: number): boolean => r.chance(p);
    const stable = (): SimToken => this.pickToken(r, this.stables);
    const volatile = (): SimToken => this.pickToken(r, this.volatiles);
    const bySym = (s: string): SimToken => this.tokens.find((t) => t.symbol === s)!;
    let extraUnderlying: string | null = null;
    switch (category) {
      case 'lending':
        tokens = [wantStable(0.4) ? stable() : volatile()];
        if (project === 'maple') { tokens = [bySym(r.chance(0.6) ? 'USDC' : 'USDT')]; poolMeta = `Syrup ${tokens[0].symbol}`; }
        if (project === 'sky-lending') tokens = [bySym(r.chance(0.5) ? 'sUSDS' : 'USDS')];
        if (project === 'crvusd') tokens = [bySym('crvUSD')];
        if (project === 'liquity-v1') tokens = [bySym('LUSD')];
        if (project === 'liquity-v2') tokens = [bySym(r.chance(0.5) ? 'BOLD' : 'sBOLD')];
        break;
      case 'dex': {
        const n = (project.startsWith('curve') || project.startsWith('balancer')) && r.chance(0.4) ? 3 : 2;
        const allStable = wantStable(project.startsWith('curve') ? 0.5 : 0.15);
        const set = new Map<string, SimToken>();
        let guard = 0;
        while (set.size < n && guard++ < 20) {
          const t = allStable || (set.size === 1 && r.chance(0.35)) ? stable() : volatile();
          set.set(t.symbol, t);
        }
        tokens = [...set.values()];
        if (project.includes('uniswap-v3') || project.includes('slipstream') || project.endsWith('-v3')) poolMeta = r.pick(FEE_TIERS);
        break;
      }
      case 'yield':
        if (project === 'ethena-usde') { tokens = [bySym('sUSDe')]; poolMeta = '7 days unstaking'; break; }
        tokens = r.chance(0.3) ? [wantStable(0.4) ? stable() : volatile(), stable()] : [wantStable(0.4) ? stable() : volatile()];
        if (tokens.length === 2 && tokens[0].symbol === tokens[1].symbol) tokens.pop();
        break;
      case 'pendle': {
        tokens = [r.chance(0.6) ? stable() : volatile()];
        const m = new Date(death * 86_400_000);
        const maturity = `${String(m.getUTCDate()).padStart(2, '0')}${MONTHS[m.getUTCMonth()]}${m.getUTCFullYear()}`;
        const lp = r.chance(0.35);
        poolMeta = lp ? `LP ${tokens[0].symbol} ${maturity}` : `For buying PT-${tokens[0].symbol}-${maturity}`;
        // The PT (or LP) token itself is not an approved token; the approved underlying sits next to it.
        extraUnderlying = chain === 'Solana' ? base58Address(`pt:${slot}:${gen}`) : '0x' + new Rng(hashInts(this.seedKey, slot, gen, 21)).hex(40);
        break;
      }
      case 'lst':
        tokens = [this.pickToken(r, this.ethLike)];
        break;
    }
    const stablecoin = tokens.every((t) => isStableKind(t.kind));
    const symbol = tokens.map((t) => t.symbol.toUpperCase()).join('-');
    let underlyingTokens: string[] | null = tokens.map((t) => tokenAddressOn(t, chain));
    if (extraUnderlying) underlyingTokens = [extraUnderlying, ...underlyingTokens];
    if (r.chance(project === 'ethena-usde' ? 0.5 : 0.03)) underlyingTokens = null;

    // --- APY. DEX pools follow the measured DEX distributions; lending/yield stablecoin pools follow the
    // fixtures' one lending series (Aave V3 USDC), since the pool snapshots hold no lending pools.
    const zero = r.chance(stablecoin ? c.apy.zeroShare.stable : c.apy.zeroShare.other);
    const lendingLike = stablecoin && category !== 'dex';
    let level: number;
    if (lendingLike) level = fromQuantiles(c.apy.lendingReference.apy, 0.1 + 0.8 * r.next()) * (category === 'lending' ? 1 : 1.4);
    else level = fromQuantiles(stablecoin ? c.apy.level.stable : c.apy.level.other, r.next());
    if (zero && category === 'dex') level = 0;
    const hasReward = !zero && r.chance(lendingLike ? 0.25 : c.apy.rewardShare);
    const rewardFrac = hasReward ? 0.15 + 0.7 * r.next() : 0;
    const jitterMedian = lendingLike
      ? c.apy.lendingReference.medianDLogApy * Math.exp(0.5 * r.normal())
      : fromQuantiles(stablecoin ? c.apy.poolMedianDLog.stable : c.apy.poolMedianDLog.other, r.next()) * JITTER_SCALE;
    // Median |Δ| of an iid N(0, a²) difference is 0.954·a.
    const jitter = jitterMedian / 0.954;
    const wander = 0.1 + 0.3 * r.next();
    const apyAmps = [jitter, 0, 0, wander / 1.7, 0, wander / 1.7, 0, wander / 1.7];
    const regimeBlock = r.int(20, 120);
    const regimeSigma = 0.7;
    // Detected shifts ≈ blocks/yr × q × P(|Δ| > ln 1.5) where Δ ~ N(0, σ√2) → P ≈ 0.68.
    const regimeProb = Math.min(1, ((c.chart.regimeShiftsPerPoolYear * regimeBlock) / (365 * 0.68)) * REGIME_SCALE);
    const tvlJitter = fromQuantiles(c.tvl.poolMedianDLog, r.next()) / 0.954;
    const tvlAmps = [tvlJitter];
    for (let j = 1; j <= 9; j++) tvlAmps.push(tvlJitter * 0.5 * Math.pow(2, j / 2) / 3);
    let logTvl = Math.LN10 * fromQuantiles(c.tvl.log10Level, r.next(), false);
    if (stablecoin && chain === 'Ethereum' && APPROVED.has(project)) logTvl = Math.LN10 * (6.3 + 1.1 * r.normal());
    const rewardTokens = hasReward && this.rewardCandidates.length > 0
      ? [tokenAddressOn(r.pick(this.rewardCandidates), chain)] : null;
    return {
      slot, gen, id: this.poolId(slot, gen), key: hashInts(this.seedKey, slot, gen, 99), birth, death, chain, project, category,
      symbol, tokens, underlyingTokens, rewardTokens, poolMeta, stablecoin,
      ilRisk: stablecoin || tokens.length === 1 ? 'no' : 'yes',
      exposure: symbol.includes('-') ? 'multi' : 'single',
      baseLevel: level * (1 - rewardFrac), rewardLevel: level * rewardFrac, onlyTotal: r.chance(0.04),
      apyAmps, regimeBlock, regimePhase: r.int(0, regimeBlock), regimeProb, regimeSigma,
      spikeRate: (c.chart.spikesPerPoolYear / 365) * SPIKE_SCALE * (lendingLike ? 0.2 : 1) * (0.4 + 1.2 * r.next()),
      // Heterogeneous gap rates (exponential across pools); lending pools report far more regularly.
      missRate: Math.min(0.6, c.chart.missingDayShare * MISS_SCALE * (category === 'dex' ? 1 : 0.15) * -Math.log(1 - r.next() * 0.999)),
      outageRate: category === 'dex' ? 0.06 : 0.01,
      logTvl, tvlAmps, feeRate: category === 'dex' ? [0.0001, 0.0005, 0.003, 0.01][r.int(0, 4)] : 0,
    };
  }
}

/**
 * Tuning factors between a calibration target and the generator parameter that produces it (measured by
 * the statistics test: detected spikes/shifts also arise from plain noise, so the explicit rates are lower).
 */
const JITTER_SCALE = 1;
const SPIKE_SCALE = 1;
const MISS_SCALE = 1;
const REGIME_SCALE = 1.4;

/** Share of slots holding long-lived pools, and the category mix of durable and churning slots. */
const DURABLE_SLOT_SHARE = 0.45;
const DURABLE_CATEGORIES: [Category, number][] = [['lending', 40], ['dex', 37], ['yield', 18], ['lst', 5]];
const CHURN_CATEGORIES: [Category, number][] = [['dex', 68], ['lending', 8], ['yield', 16], ['pendle', 8]];

/** Weighted picker with precomputed cumulative weights (headers are drawn ~10⁶ times per market). */
function picker<T>(items: readonly (readonly [T, number])[]): (u: number) => T {
  const cum: number[] = [];
  let acc = 0;
  for (const [, w] of items) cum.push((acc += w));
  return (u) => {
    const x = u * acc;
    let i = 0;
    while (cum[i] <= x && i < cum.length - 1) i++;
    return items[i][0];
  };
}
const CHAIN_PICK = picker(CHAIN_WEIGHTS);
const DURABLE_PICK = picker(DURABLE_CATEGORIES);
const CHURN_PICK = picker(CHURN_CATEGORIES);

export { dayString };
