/**
 * The ledger (pure, DOMAIN.md step 5): balances per token and pool at the start of runDate (00:00
 * UTC), NAV at close prices, realized yield of yesterday and year-to-date.
 *
 *   NAV(start of d)  = Σ units × close(d − 1)        units: wallet tokens + positions (wallet-model.ts)
 *   flows(d)         = Σ external legs of d × close(d) (in > 0, out < 0)
 *   yield(d)         = NAV(start of d+1) − NAV(start of d) − flows(d)   a deposit into the fund is not yield
 *                    = income(d) + priceEffect(d), with
 *   income(d)        = Σ_s (u1 − u0 − f)_s × close(d)   units the fund gained (interest, realized on exit)
 *   priceEffect(d)   = Σ_s u0_s × (close(d) − close(d−1))  mark-to-market, e.g. a depeg (valued at its close)
 *   return(d)        = yield(d) / (NAV(start of d) + ½ flows(d))   (flows assumed mid-day, Modified Dietz)
 *   YTD              = days from Jan 1 (UTC) of runDate's year to runDate − 1; return chained (time-weighted);
 *                      annualised ((1 + R)^(365/days) − 1); APY in percent as everywhere
 *
 * A missing close counts as 1.0 with a warning (stablecoins); ETH is the gas reserve, kept out of NAV,
 * and gas spent is reported beside the yield so that "net of gas" is visible.
 */
import { addDays, dayRange } from '../../lib/dates';
import { buildWalletModel, UNMAPPED_POOL_PREFIX, type Leg, type WalletModelInput } from './wallet-model';

export interface GasSpend {
  date: string;
  feeEth: number;
}

export interface LedgerInput extends WalletModelInput {
  runDate: string;
  /** Daily closes: symbol → day → USD. */
  closes: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** Gas paid by the wallet's own transactions. */
  gas?: ReadonlyArray<GasSpend>;
  /** Current ETH balance (gas reserve), if known. */
  ethBalance?: number;
}

export interface TokenBalance {
  contract: string | null;
  amount: number;
  price: number;
  usd: number;
}

export interface PoolBalance {
  poolId: string;
  token: string;
  amount: number;
  price: number;
  usd: number;
  /** receipt: receipt-token balance; net-deposits: deposits − withdrawals at cost. */
  basis: 'receipt' | 'net-deposits';
  receiptToken?: string;
  poolContract?: string | null;
}

export interface ExternalFlow {
  date: string;
  time: string;
  hash: string;
  direction: 'in' | 'out';
  symbol: string;
  amount: number;
  price: number;
  usd: number;
  counterparty: string;
}

export interface DayResult {
  date: string;
  navStartUsd: number;
  navEndUsd: number;
  inflowsUsd: number;
  outflowsUsd: number;
  netFlowsUsd: number;
  yieldUsd: number;
  incomeUsd: number;
  priceEffectUsd: number;
  /** Fraction; null when the day had no capital. */
  return: number | null;
  gasUsd: number | null;
}

export interface LedgerResult {
  runDate: string;
  /** Balances are as of this instant (start of runDate), valued at `priceDate` closes. */
  asOf: string;
  priceDate: string;
  navUsd: number;
  walletUsd: number;
  positionsUsd: number;
  tokens: Record<string, TokenBalance>;
  pools: PoolBalance[];
  yesterday: DayResult & { apyPct: number | null; yieldNetOfGasUsd: number | null };
  ytd: { from: string | null; to: string | null; days: number; yieldUsd: number; netFlowsUsd: number; gasUsd: number; returnPct: number | null; apyPct: number | null };
  /** Yesterday's external flows. */
  flows: ExternalFlow[];
  gasReserve: { eth: number; usd: number | null } | null;
  /** Non-zero balances of tokens that are neither approved nor receipts: not in NAV. */
  unvalued: Array<{ contract: string; symbol: string; amount: number }>;
  warnings: string[];
}

type Units = Map<string, number>;

interface State {
  wallet: Map<string, number>; // contract → units (approved tokens)
  receipts: Map<string, number>; // receipt contract → units
  deposits: Map<string, number>; // `${poolId}|${symbol}` → units at cost
  other: Map<string, { symbol: string; amount: number }>;
}

const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
const EPS = 1e-9;

function apply(state: State, leg: Leg): void {
  const c = leg.transfer.contract;
  switch (leg.kind) {
    case 'receipt':
      add(state.receipts, c, leg.delta);
      return;
    case 'unvalued': {
      const o = state.other.get(c) ?? { symbol: leg.transfer.symbol, amount: 0 };
      o.amount += leg.delta;
      state.other.set(c, o);
      return;
    }
    case 'deposit':
    case 'withdraw': {
      add(state.wallet, c, leg.delta);
      const key = `${leg.poolId}|${leg.symbol}`;
      // Withdrawing more than was deposited is realized yield: the position ends at 0.
      state.deposits.set(key, Math.max(0, (state.deposits.get(key) ?? 0) - leg.delta));
      return;
    }
    default:
      add(state.wallet, c, leg.delta);
  }
}

export function computeLedger(input: LedgerInput): LedgerResult {
  const model = buildWalletModel(input);
  const warnings = [...model.warnings];
  const symbolOf = new Map<string, string>();
  for (const t of input.approvedTokens) if (t.address) symbolOf.set(t.address.toLowerCase(), t.symbol);

  const missing = new Map<string, Set<string>>();
  const price = (symbol: string, day: string): number => {
    const p = input.closes[symbol]?.[day];
    if (typeof p === 'number' && Number.isFinite(p) && p > 0) return p;
    if (!missing.has(symbol)) missing.set(symbol, new Set());
    missing.get(symbol)!.add(day);
    return 1.0;
  };
  const units = (s: State): Units => {
    const u: Units = new Map();
    for (const [c, v] of s.wallet) add(u, symbolOf.get(c)!, v);
    for (const [c, v] of s.receipts) add(u, model.receipts.get(c)!.underlying, v);
    for (const [k, v] of s.deposits) add(u, k.slice(k.indexOf('|') + 1), v);
    return u;
  };
  const nav = (u: Units, priceDay: string) => [...u].reduce((sum, [s, v]) => (Math.abs(v) > EPS ? sum + v * price(s, priceDay) : sum), 0);

  const yesterday = addDays(input.runDate, -1);
  const jan1 = `${input.runDate.slice(0, 4)}-01-01`;
  const firstDay = jan1 < input.runDate ? jan1 : yesterday;
  const state: State = { wallet: new Map(), receipts: new Map(), deposits: new Map(), other: new Map() };
  const legs = model.legs;
  let i = 0;
  /** Applies every leg before `instant`; returns them. */
  const advanceTo = (instant: string): Leg[] => {
    const applied: Leg[] = [];
    while (i < legs.length && legs[i].transfer.time < instant) {
      apply(state, legs[i]);
      applied.push(legs[i++]);
    }
    return applied;
  };
  const gasByDay = new Map<string, number>();
  for (const g of input.gas ?? []) gasByDay.set(g.date, (gasByDay.get(g.date) ?? 0) + g.feeEth);

  advanceTo(`${firstDay}T00:00:00.000Z`);
  let u0 = units(state);
  const days: DayResult[] = [];
  let flowsYesterday: ExternalFlow[] = [];
  for (const day of dayRange(firstDay, yesterday)) {
    const end = `${addDays(day, 1)}T00:00:00.000Z`;
    const dayLegs = advanceTo(end);
    const u1 = units(state);
    const flowUnits: Units = new Map();
    const flows: ExternalFlow[] = [];
    for (const l of dayLegs) {
      if (l.kind !== 'external') continue;
      add(flowUnits, l.symbol!, l.delta);
      const p = price(l.symbol!, day);
      flows.push({ date: day, time: l.transfer.time, hash: l.transfer.hash, direction: l.delta > 0 ? 'in' : 'out', symbol: l.symbol!, amount: Math.abs(l.delta), price: p, usd: Math.abs(l.delta) * p, counterparty: l.counterparty });
    }
    const prevDay = addDays(day, -1);
    const symbols = new Set([...u0.keys(), ...u1.keys(), ...flowUnits.keys()]);
    let income = 0;
    let priceEffect = 0;
    for (const s of symbols) {
      const a0 = u0.get(s) ?? 0;
      const a1 = u1.get(s) ?? 0;
      const f = flowUnits.get(s) ?? 0;
      if (Math.abs(a0) + Math.abs(a1) + Math.abs(f) <= EPS) continue;
      const p1 = price(s, day);
      income += (a1 - a0 - f) * p1;
      if (Math.abs(a0) > EPS) priceEffect += a0 * (p1 - price(s, prevDay));
    }
    const navStart = nav(u0, prevDay);
    const navEnd = nav(u1, day);
    const inflows = flows.filter((f) => f.direction === 'in').reduce((s, f) => s + f.usd, 0);
    const outflows = flows.filter((f) => f.direction === 'out').reduce((s, f) => s + f.usd, 0);
    const net = inflows - outflows;
    const yieldUsd = navEnd - navStart - net;
    const denominator = navStart + net / 2;
    const feeEth = gasByDay.get(day) ?? 0;
    const eth = feeEth > 0 ? input.closes.ETH?.[day] : undefined;
    days.push({
      date: day, navStartUsd: navStart, navEndUsd: navEnd, inflowsUsd: inflows, outflowsUsd: outflows, netFlowsUsd: net,
      yieldUsd, incomeUsd: income, priceEffectUsd: priceEffect,
      return: denominator > EPS ? yieldUsd / denominator : null,
      gasUsd: feeEth === 0 ? 0 : eth ? feeEth * eth : null,
    });
    if (day === yesterday) flowsYesterday = flows;
    u0 = u1;
  }

  // Start of runDate: the balances the report and the optimizer see.
  const priceDate = yesterday;
  const tokens: Record<string, TokenBalance> = {};
  for (const [c, v] of [...state.wallet].sort()) {
    if (Math.abs(v) <= EPS) continue;
    const s = symbolOf.get(c)!;
    if (v < 0) warnings.push(`${s}: negative reconstructed balance ${v} (transfer history incomplete?)`);
    const p = price(s, priceDate);
    const prev = tokens[s];
    tokens[s] = prev ? { contract: c, amount: prev.amount + v, price: p, usd: (prev.amount + v) * p } : { contract: c, amount: v, price: p, usd: v * p };
  }
  const pools: PoolBalance[] = [];
  for (const [c, v] of [...state.receipts].sort()) {
    if (Math.abs(v) <= EPS) continue;
    const r = model.receipts.get(c)!;
    const p = price(r.underlying, priceDate);
    pools.push({ poolId: r.poolId, token: r.underlying, amount: v, price: p, usd: v * p, basis: 'receipt', receiptToken: c, poolContract: r.poolContract });
  }
  for (const [k, v] of [...state.deposits].sort()) {
    if (v <= EPS) continue;
    const [poolId, token] = [k.slice(0, k.indexOf('|')), k.slice(k.indexOf('|') + 1)];
    const p = price(token, priceDate);
    pools.push({ poolId, token, amount: v, price: p, usd: v * p, basis: 'net-deposits' });
  }
  pools.sort((a, b) => b.usd - a.usd || (a.poolId < b.poolId ? -1 : 1));
  const unmapped = pools.filter((p) => p.poolId.startsWith(UNMAPPED_POOL_PREFIX)).map((p) => p.poolContract ?? p.poolId);
  if (unmapped.length) warnings.push(`${unmapped.length} position(s) in pool contracts the registry does not know (no pools/{uuid} with that address or receiptToken, no params.poolContracts entry), shown by address: ${unmapped.slice(0, 5).join(', ')}${unmapped.length > 5 ? ', …' : ''}`);
  const walletUsd = Object.values(tokens).reduce((s, t) => s + t.usd, 0);
  const positionsUsd = pools.reduce((s, p) => s + p.usd, 0);

  const y = days[days.length - 1];
  const ytdDays = days.filter((d) => d.date >= jan1);
  const chained = ytdDays.filter((d) => d.return !== null);
  const growth = chained.reduce((g, d) => g * (1 + d.return!), 1);
  const gasKnown = (d: DayResult) => d.gasUsd ?? 0;
  if (days.some((d) => d.gasUsd === null)) warnings.push('ETH: no close for a day with gas spent; that gas is not valued');

  const ethClose = input.closes.ETH?.[priceDate];
  const unvalued = [...state.other].filter(([, o]) => Math.abs(o.amount) > EPS).map(([contract, o]) => ({ contract, symbol: o.symbol, amount: o.amount }));
  if (unvalued.length) warnings.push(`not in NAV (neither approved nor a pool receipt): ${unvalued.map((u) => u.symbol).join(', ')}`);
  for (const [s, set] of [...missing].sort()) {
    const list = [...set].sort();
    warnings.push(`${s}: no close for ${list.length} day(s) (${list.slice(0, 3).join(', ')}${list.length > 3 ? ', …' : ''}); valued at 1.0`);
  }

  return {
    runDate: input.runDate,
    asOf: `${input.runDate}T00:00:00.000Z`,
    priceDate,
    navUsd: walletUsd + positionsUsd,
    walletUsd,
    positionsUsd,
    tokens,
    pools,
    yesterday: {
      ...y,
      apyPct: y.return === null ? null : (Math.pow(1 + y.return, 365) - 1) * 100,
      yieldNetOfGasUsd: y.gasUsd === null ? null : y.yieldUsd - y.gasUsd,
    },
    ytd: {
      from: ytdDays[0]?.date ?? null,
      to: ytdDays[ytdDays.length - 1]?.date ?? null,
      days: chained.length,
      yieldUsd: ytdDays.reduce((s, d) => s + d.yieldUsd, 0),
      netFlowsUsd: ytdDays.reduce((s, d) => s + d.netFlowsUsd, 0),
      gasUsd: ytdDays.reduce((s, d) => s + gasKnown(d), 0),
      returnPct: chained.length ? (growth - 1) * 100 : null,
      apyPct: chained.length ? (Math.pow(growth, 365 / chained.length) - 1) * 100 : null,
    },
    flows: flowsYesterday,
    gasReserve: input.ethBalance === undefined ? null : { eth: input.ethBalance, usd: ethClose ? input.ethBalance * ethClose : null },
    unvalued,
    warnings,
  };
}
