/**
 * Behaviour of the simulated market: API shapes, determinism, no look-ahead, pool births and deaths,
 * depegs, the treasury's bookkeeping, and a pre-filter survivor count in the "few hundred" range.
 */
import { createSimulatedMarket, type LlamaPool } from '../../../emulator/market/sim';
import { DEFAULT_APPROVED_PROTOCOLS, DEFAULT_APPROVED_TOKENS, DEFAULT_BLACKLISTED_TOKENS } from '../../../functions/src/lib/params';

const END = '2025-10-06';
const small = createSimulatedMarket({ seed: 1, pools: 800, days: 200, endDate: END });

/** The 28 /pools fields in API order (external-apis.md §1.1, the 5-pool sample). */
const POOL_FIELDS = ['chain', 'project', 'symbol', 'tvlUsd', 'apyBase', 'apyReward', 'apy', 'rewardTokens', 'pool', 'apyPct1D',
  'apyPct7D', 'apyPct30D', 'stablecoin', 'ilRisk', 'exposure', 'predictions', 'poolMeta', 'mu', 'sigma', 'count', 'outlier',
  'underlyingTokens', 'il7d', 'apyBase7d', 'apyMean30d', 'volumeUsd1d', 'volumeUsd7d', 'apyBaseInception'];

describe('shapes', () => {
  const snap = small.poolsSnapshot(END);
  test('options, dates and snapshot size', () => {
    expect(small.options).toEqual({ seed: 1, pools: 800, days: 200, endDate: END });
    expect(small.startDate).toBe('2025-03-21');
    // The universe size is the listed count within ±10 %.
    expect(snap.length).toBeGreaterThan(720);
    expect(snap.length).toBeLessThan(880);
  });
  test('every pool has the 28 fields in order, sorted by TVL, ≥ $10k, unique uuids', () => {
    for (const p of snap) expect(Object.keys(p)).toEqual(POOL_FIELDS);
    for (let i = 1; i < snap.length; i++) expect(snap[i - 1].tvlUsd).toBeGreaterThanOrEqual(snap[i].tvlUsd);
    expect(snap.every((p) => p.tvlUsd >= 10_000 && Number.isInteger(p.tvlUsd))).toBe(true);
    expect(new Set(snap.map((p) => p.pool)).size).toBe(snap.length);
    expect(snap.every((p) => /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(p.pool))).toBe(true);
    const withBoth = snap.filter((p) => p.apyBase !== null && p.apyReward !== null);
    for (const p of withBoth) expect(p.apy!).toBeCloseTo(p.apyBase! + p.apyReward!, 4);
  });
  test('chart: rows up to upTo, ascending, gaps allowed, last row partial; unknown pool → undefined', () => {
    const p = snap[10];
    const rows = small.poolChart(p.pool, END)!;
    expect(rows.length).toBeGreaterThan(0);
    for (let i = 1; i < rows.length; i++) expect(rows[i].timestamp > rows[i - 1].timestamp).toBe(true);
    expect(rows[rows.length - 1].timestamp.slice(0, 10) <= END).toBe(true);
    expect(Object.keys(rows[0])).toEqual(['timestamp', 'tvlUsd', 'apy', 'apyBase', 'apyReward', 'il7d', 'apyBase7d']);
    expect(small.poolChart('00000000-0000-4000-8000-000000000000', END)).toBeUndefined();
    expect(small.poolChart('not-a-uuid', END)).toBeUndefined();
    // A pool's latest snapshot values are those of its latest chart row.
    const last = rows[rows.length - 1];
    expect(last.tvlUsd).toBe(p.tvlUsd);
    expect(last.apy).toBe(p.apy);
  });
  test('tokens: ETH, BTC, every approved and blacklisted token, a long tail', () => {
    const t = small.tokens();
    const syms = new Set(t.map((x) => x.symbol));
    for (const s of ['ETH', 'BTC', ...DEFAULT_APPROVED_TOKENS.map((x) => x.symbol), ...DEFAULT_BLACKLISTED_TOKENS.map((x) => x.symbol)]) expect(syms.has(s)).toBe(true);
    for (const a of DEFAULT_APPROVED_TOKENS) expect(t.find((x) => x.symbol === a.symbol)!.address).toBe(a.address);
    expect(t.filter((x) => x.blacklisted).length).toBe(DEFAULT_BLACKLISTED_TOKENS.length);
    expect(t.length).toBeGreaterThan(100);
    expect(new Set(t.map((x) => x.cmcId)).size).toBe(t.length);
    expect(t.find((x) => x.symbol === 'USDC')!.cmcId).toBe(3408);
  });
  test('gas hours are contiguous, +00:00 periods, gwei floats', () => {
    const g = small.gasHourly('2025-10-01T00:00:00Z', '2025-10-01T23:59:59Z');
    expect(g).toHaveLength(24);
    expect(g[0].period).toBe('2025-10-01T00:00:00+00:00');
    expect(g.every((h) => h.min <= h.median && h.median <= h.max && h.baseFee > 0 && h.ethPrice > 0)).toBe(true);
  });
});

describe('determinism and no look-ahead', () => {
  test('same seed → identical output; different seed → different', () => {
    const a = createSimulatedMarket({ seed: 5, pools: 300, days: 60, endDate: END });
    const b = createSimulatedMarket({ seed: 5, pools: 300, days: 60, endDate: END });
    const c = createSimulatedMarket({ seed: 6, pools: 300, days: 60, endDate: END });
    expect(JSON.stringify(a.poolsSnapshot(END))).toBe(JSON.stringify(b.poolsSnapshot(END)));
    expect(a.ohlcvDaily(825, '2025-09-01', END)).toEqual(b.ohlcvDaily(825, '2025-09-01', END));
    expect(a.treasury().transfers(END)).toEqual(b.treasury().transfers(END));
    expect(a.poolsSnapshot(END).map((p) => p.pool)).not.toEqual(c.poolsSnapshot(END).map((p) => p.pool));
    expect(a.ohlcvDaily(1027, '2025-09-01', END)).not.toEqual(c.ohlcvDaily(1027, '2025-09-01', END));
  });

  test('history up to d is identical whatever endDate/days', () => {
    const d = '2025-06-30';
    const short = createSimulatedMarket({ seed: 9, pools: 400, days: 100, endDate: d });
    const long = createSimulatedMarket({ seed: 9, pools: 400, days: 300, endDate: END });
    expect(JSON.stringify(long.poolsSnapshot(d))).toBe(JSON.stringify(short.poolsSnapshot(d)));
    const pool = short.poolsSnapshot(d)[3].pool;
    const cs = short.poolChart(pool, d)!;
    const cl = long.poolChart(pool, d)!.filter((r) => r.timestamp >= cs[0].timestamp);
    expect(cl).toEqual(cs);
    expect(long.ohlcvDaily(3408, '2025-05-01', d)).toEqual(short.ohlcvDaily(3408, '2025-05-01', d));
    expect(long.gasHourly('2025-06-29T00:00:00Z', '2025-06-30T23:00:00Z')).toEqual(short.gasHourly('2025-06-29T00:00:00Z', '2025-06-30T23:00:00Z'));
    expect(long.treasury().transfers(d)).toEqual(short.treasury().transfers(d).map((x) => ({ ...x, confirmations: x.confirmations })));
    expect(long.treasury().tokenBalanceRaw(DEFAULT_APPROVED_TOKENS[1].address, d)).toBe(short.treasury().tokenBalanceRaw(DEFAULT_APPROVED_TOKENS[1].address, d));
    // Nothing beyond endDate: asking for later data is clamped.
    expect(short.ohlcvDaily(3408, d, END).map((b) => b.date)).toEqual([d]);
  });
});

describe('market dynamics', () => {
  test('pools appear and die: a pool listed earlier is gone later, a pool listed later was unborn earlier', () => {
    const early = new Set(small.poolsSnapshot('2025-05-01').map((p) => p.pool));
    const late = small.poolsSnapshot(END);
    const lateIds = new Set(late.map((p) => p.pool));
    const died = [...early].filter((id) => !lateIds.has(id));
    const born = late.filter((p) => !early.has(p.pool));
    expect(died.length).toBeGreaterThan(20);
    expect(born.length).toBeGreaterThan(20);
    // A newborn's chart starts after 2025-05-01 and a dead pool's chart ends before END.
    const b = born.find((p) => small.poolChart(p.pool, END)![0].timestamp > '2025-05-02')!;
    expect(b).toBeDefined();
    const lastRow = small.poolChart(died[0], END)!.at(-1)!;
    expect(lastRow.timestamp.slice(0, 10) < END).toBe(true);
  });

  test('stablecoins depeg occasionally (daily low < 0.98 for a day or two) and recover; ETH moves', () => {
    const tokens = small.tokens().filter((t) => t.kind === 'usd-stable');
    let episodes = 0;
    for (const t of tokens) {
      const bars = small.ohlcvDaily(t.cmcId, '2024-10-07', END);
      let run = 0;
      for (const b of bars) {
        if (b.low < 0.98) run++;
        else { if (run > 0) { episodes++; expect(run).toBeLessThanOrEqual(4); } run = 0; }
        expect(b.low).toBeLessThanOrEqual(Math.min(b.open, b.close));
        expect(b.high).toBeGreaterThanOrEqual(Math.max(b.open, b.close));
      }
      // Outside episodes the price is pegged.
      expect(median(bars.map((b) => b.close))).toBeCloseTo(1, 2);
    }
    expect(episodes).toBeGreaterThan(5);
    const eth = small.ohlcvDaily(1027, '2024-10-07', END).map((b) => b.close);
    expect(Math.max(...eth) / Math.min(...eth)).toBeGreaterThan(1.3);
  });

  test('treasury: balances equal the sum of its transfers, never negative, positions as receipt tokens', () => {
    const tr = small.treasury();
    const xs = tr.transfers(END);
    expect(xs.length).toBeGreaterThan(20);
    const me = tr.address.toLowerCase();
    const byContract = new Map<string, bigint>();
    for (const x of xs) {
      const v = BigInt(x.value);
      const cur = byContract.get(x.contractAddress) ?? 0n;
      byContract.set(x.contractAddress, cur + (x.to === me ? v : 0n) - (x.from === me ? v : 0n));
      expect(byContract.get(x.contractAddress)! >= 0n).toBe(true);
    }
    for (const [c, v] of byContract) expect(tr.tokenBalanceRaw(c, END)).toBe(v.toString());
    const receipts = xs.filter((x) => x.from === '0x0000000000000000000000000000000000000000');
    expect(receipts.length).toBeGreaterThan(0);
    expect(BigInt(tr.ethBalanceWei(END)) > 0n).toBe(true);
    const txs = tr.normalTxs(END);
    expect(txs.some((t) => t.functionName.startsWith('deposit'))).toBe(true);
    expect(txs.some((t) => t.functionName.startsWith('withdraw'))).toBe(true);
  });
});

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** DOMAIN.md pre-filter, reduced to a local check (the real filter step does not exist yet). */
function passesPreFilter(p: LlamaPool, mcap: Map<string, number>): boolean {
  const approved = new Map(DEFAULT_APPROVED_TOKENS.map((t) => [t.address.toLowerCase(), t.symbol]));
  const black = new Set(DEFAULT_BLACKLISTED_TOKENS.map((t) => t.symbol.toUpperCase()));
  if (!DEFAULT_APPROVED_PROTOCOLS.includes(p.project) || p.chain !== 'Ethereum') return false;
  const u = (p.underlyingTokens ?? []).map((a) => a.toLowerCase());
  if (u.length === 0) return false;
  if (p.project === 'pendle' ? !u.some((a) => approved.has(a)) : !u.every((a) => approved.has(a))) return false;
  if (p.symbol.split('-').some((s) => black.has(s))) return false;
  return u.filter((a) => approved.has(a)).every((a) => (mcap.get(approved.get(a)!) ?? 0) >= 35_000_000);
}

describe('default size', () => {
  test('a DefiLlama-sized universe with a few hundred pools passing the pre-filter, and every rule biting', () => {
    const m = createSimulatedMarket({ endDate: END });
    const snap = m.poolsSnapshot(END);
    expect(snap.length).toBeGreaterThan(17_000);
    expect(snap.length).toBeLessThan(21_000);
    const mcap = new Map(m.tokens().map((t) => [t.symbol, m.ohlcvDaily(t.cmcId, END, END)[0]?.marketCap ?? 0]));
    const pass = snap.filter((p) => passesPreFilter(p, mcap)).length;
    expect(pass).toBeGreaterThan(150);
    expect(pass).toBeLessThan(800);
    const eth = snap.filter((p) => p.chain === 'Ethereum' && DEFAULT_APPROVED_PROTOCOLS.includes(p.project));
    expect(eth.some((p) => p.symbol.split('-').some((s) => ['FRAX', 'USDD', 'MIM', 'SUSD', 'FRXUSD', 'USD0++'].includes(s)))).toBe(true);
    const lowCap = DEFAULT_APPROVED_TOKENS.filter((t) => (mcap.get(t.symbol) ?? 0) < 35_000_000).map((t) => t.address.toLowerCase());
    expect(eth.some((p) => (p.underlyingTokens ?? []).some((a) => lowCap.includes(a.toLowerCase())))).toBe(true);
    expect(snap.some((p) => p.project === 'pendle' && p.chain === 'Ethereum')).toBe(true);
    expect(new Set(snap.map((p) => p.chain)).size).toBeGreaterThan(15);
    expect(new Set(snap.map((p) => p.project)).size).toBeGreaterThan(100);
  });
});
