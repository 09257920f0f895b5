/**
 * The token universe: ETH, BTC, every approved token (addresses from the project's parameter defaults),
 * every blacklisted token, and a long tail of other stables (some below the market-cap floor) and
 * volatile tokens. Addresses of long-tail tokens are synthetic but well-formed and seed-independent.
 */
import { DEFAULT_APPROVED_TOKENS, DEFAULT_BLACKLISTED_TOKENS } from '../../../functions/src/lib/params';
import { hashString, Rng } from './prng';
import type { TokenInfo, TokenKind } from './types';

/** Internal token record: the public TokenInfo plus what the generators need. */
export interface SimToken extends TokenInfo {
  /** Relative frequency with which pools pick this token (within its kind). */
  poolWeight: number;
  /** Market cap (USD) around which the simulated supply wanders. */
  marketCap0: number;
  /** Price at the anchor date (1 for USD stables). */
  price0: number;
  /** Yearly drift of the price (yield-bearing wrappers accrue; 0 otherwise). */
  yieldRate: number;
  /** Expected depeg episodes per year (stables). */
  depegsPerYear: number;
  /** Daily log-return volatility (volatile tokens). */
  dailyVol: number;
}

/** Real CMC ids where well known; other tokens get ids ≥ 90000 (documented as synthetic). */
const KNOWN_CMC: Record<string, number> = {
  BTC: 1, ETH: 1027, USDT: 825, USDC: 3408, DAI: 4943, USDP: 3330, GUSD: 3306, LUSD: 9566, PYUSD: 27772,
  GHO: 23508, USDe: 29470, FRAX: 6952, MIM: 162, SUSD: 2927, USDD: 19891, TUSD: 2563, FDUSD: 26081,
};

/** Market caps (USD, order of magnitude of 2025) for approved tokens; some sit near or below the floor. */
const APPROVED_MCAP: Record<string, number> = {
  USDT: 1.6e11, USDC: 7e10, USDS: 8e9, DAI: 5e9, LUSD: 4.2e7, BOLD: 5e7, PYUSD: 1e9, USDP: 5.5e7, GUSD: 6e7,
  GHO: 2.5e8, RLUSD: 6e8, USDtb: 1.4e9, USD0: 5e8, USDG: 8e8, USDL: 2e7, USDM: 3e7, USDe: 1.2e10, crvUSD: 1.5e8,
  USDF: 1.5e9, sDAI: 4e8, sUSDS: 3e9, sUSDe: 5e9, sBOLD: 2e7, stkGHO: 2e8,
};
/** Pool popularity of approved tokens (USDC and USDT dominate real pool lists). */
const APPROVED_WEIGHT: Record<string, number> = {
  USDC: 30, USDT: 22, DAI: 8, USDe: 7, USDS: 5, sUSDe: 5, GHO: 3, crvUSD: 4, PYUSD: 3, USD0: 2, sDAI: 2, sUSDS: 2,
  LUSD: 2, BOLD: 1.5, USDtb: 1, RLUSD: 1.5, USDF: 1, USDP: 0.7, GUSD: 0.5, USDG: 0.7, USDL: 0.5, USDM: 0.5,
  sBOLD: 0.5, stkGHO: 0.5,
};
const SIX_DECIMALS = new Set(['USDT', 'USDC', 'PYUSD', 'USDG']);

/** Other USD stables: not approved. [symbol, market cap]; several are below the 35 M floor. */
const OTHER_STABLES: [string, number][] = [
  ['TUSD', 4.9e8], ['FDUSD', 1.2e9], ['DOLA', 1.3e8], ['USDX', 9e6], ['USDA', 3e7], ['MKUSD', 4e6], ['EUSD', 6e7],
  ['ZUSD', 2e6], ['USDB', 2.5e7], ['AUSD', 1.1e8], ['USDZ', 8e6], ['CUSD', 1.5e7], ['USDY', 5e8], ['ALUSD', 1.2e7],
  ['FXUSD', 4e7], ['GYD', 9e6], ['USDK', 3e6], ['HYUSD', 5e6], ['USR', 2e8], ['DEUSD', 6e7], ['USDN', 1e7],
  ['SCUSD', 3e7], ['USDAI', 2.5e8], ['REUSD', 1.8e7], ['AVUSD', 1.2e7], ['MUSD', 6e6],
];
/** Volatile long tail with a rough price and market cap. */
const VOLATILE: [string, number, number][] = [
  ['WSTETH', 4200, 1.4e10], ['STETH', 3500, 3e10], ['RETH', 3900, 2e9], ['CBETH', 3800, 1.5e9], ['WEETH', 3700, 6e9],
  ['EZETH', 3600, 1e9], ['LDO', 1.2, 1e9], ['CRV', 0.6, 8e8], ['CVX', 3, 3e8], ['AAVE', 250, 3.8e9], ['UNI', 8, 5e9],
  ['LINK', 15, 9e9], ['PENDLE', 4, 6e8], ['ARB', 0.5, 2.3e9], ['OP', 0.8, 1.3e9], ['POL', 0.25, 2.5e9], ['SOL', 180, 9e10],
  ['AVAX', 25, 1e10], ['BNB', 700, 1e11], ['MKR', 1800, 1.6e9], ['COMP', 45, 4e8], ['BAL', 1.5, 1e8], ['SUSHI', 0.7, 1.8e8],
  ['GMX', 15, 1.4e8], ['AERO', 0.9, 7e8], ['CAKE', 2.5, 7e8], ['JUP', 0.5, 1.5e9], ['ENA', 0.5, 3e9], ['ETHFI', 1.2, 5e8],
  ['TBTC', 95000, 5e8], ['CBBTC', 95000, 4e9], ['EIGEN', 1.5, 4e8],
];

function syntheticAddress(label: string): string {
  const r = new Rng(hashString(label));
  return '0x' + r.hex(40);
}

/** Build the token list (identical for every seed: tokens are reference data, not randomness). */
export function buildTokens(): SimToken[] {
  const out: SimToken[] = [];
  let nextId = 90001;
  const cmc = (sym: string): number => KNOWN_CMC[sym] ?? nextId++;
  const add = (t: Omit<SimToken, 'cmcId'> & { cmcId?: number }): void => {
    out.push({ ...t, cmcId: t.cmcId ?? cmc(t.symbol) });
  };
  add({ symbol: 'ETH', name: 'Ethereum', address: null, decimals: 18, kind: 'eth', blacklisted: false, poolWeight: 0,
    marketCap0: 4e11, price0: 3500, yieldRate: 0, depegsPerYear: 0, dailyVol: 0.032 });
  add({ symbol: 'BTC', name: 'Bitcoin', address: null, decimals: 8, kind: 'btc', blacklisted: false, poolWeight: 0,
    marketCap0: 1.9e12, price0: 95000, yieldRate: 0, depegsPerYear: 0, dailyVol: 0.025 });
  // Wrapped forms are what pools hold; they track ETH/BTC prices.
  add({ symbol: 'WETH', name: 'Wrapped Ether', address: '0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2', decimals: 18,
    kind: 'eth', blacklisted: false, poolWeight: 40, marketCap0: 8e9, price0: 3500, yieldRate: 0, depegsPerYear: 0, dailyVol: 0.032 });
  add({ symbol: 'WBTC', name: 'Wrapped BTC', address: '0x2260FAC5E5542a773Aa44fBCfeDf7C193bc2C599', decimals: 8,
    kind: 'btc', blacklisted: false, poolWeight: 12, marketCap0: 1.2e10, price0: 95000, yieldRate: 0, depegsPerYear: 0, dailyVol: 0.025 });
  for (const t of DEFAULT_APPROVED_TOKENS) {
    const yieldBearing = t.kind === 'yield-bearing';
    add({
      symbol: t.symbol, name: t.symbol + (yieldBearing ? ' Savings' : ' Stablecoin'), address: t.address,
      decimals: t.symbol === 'GUSD' ? 2 : SIX_DECIMALS.has(t.symbol) ? 6 : 18,
      kind: yieldBearing ? 'yield-stable' : 'usd-stable', blacklisted: false,
      poolWeight: APPROVED_WEIGHT[t.symbol] ?? 0.5, marketCap0: APPROVED_MCAP[t.symbol] ?? 1e8,
      price0: yieldBearing ? 1.08 : 1, yieldRate: yieldBearing ? 0.06 : 0,
      // Majors depeg rarely; small approved stables about twice a year.
      depegsPerYear: ['USDT', 'USDC', 'DAI', 'USDS'].includes(t.symbol) ? 0.3 : 1.5, dailyVol: 0,
    });
  }
  for (const b of DEFAULT_BLACKLISTED_TOKENS) {
    add({
      symbol: b.symbol, name: b.symbol + ' (blacklisted)', address: b.address, decimals: 18, kind: 'usd-stable',
      blacklisted: true, poolWeight: 2.5, marketCap0: 3e8, price0: 1, yieldRate: 0, depegsPerYear: 3, dailyVol: 0,
    });
  }
  for (const [symbol, mcap] of OTHER_STABLES) {
    add({
      symbol, name: symbol + ' Dollar', address: syntheticAddress('token:' + symbol), decimals: 18, kind: 'usd-stable',
      blacklisted: false, poolWeight: 0.8, marketCap0: mcap, price0: 1, yieldRate: 0, depegsPerYear: 3, dailyVol: 0,
    });
  }
  for (const [symbol, price, mcap] of VOLATILE) {
    add({
      symbol, name: symbol, address: syntheticAddress('token:' + symbol), decimals: 18, kind: 'other', blacklisted: false,
      poolWeight: 3, marketCap0: mcap, price0: price, yieldRate: 0, depegsPerYear: 0, dailyVol: 0.045,
    });
  }
  // Memecoin-like tail: small caps, high volatility, mostly below the floor.
  const r = new Rng(hashString('tail-tokens'));
  const syll = ['ZO', 'KA', 'MI', 'RU', 'TE', 'NO', 'PA', 'XI', 'LU', 'BO', 'GRA', 'FI', 'DE', 'QU', 'VY'];
  const seen = new Set(out.map((t) => t.symbol));
  while (out.length < 260) {
    const symbol = r.pick(syll) + r.pick(syll) + (r.chance(0.4) ? r.pick(syll) : '');
    if (seen.has(symbol)) continue;
    seen.add(symbol);
    const mcap = Math.exp(Math.log(2e5) + r.next() * Math.log(5e3));
    add({ symbol, name: symbol + ' Token', address: syntheticAddress('token:' + symbol), decimals: 18, kind: 'other',
      blacklisted: false, poolWeight: 0.3, marketCap0: mcap, price0: Math.exp(r.normal() * 3), yieldRate: 0,
      depegsPerYear: 0, dailyVol: 0.08 });
  }
  return out;
}

export function isStableKind(kind: TokenKind): boolean {
  return kind === 'usd-stable' || kind === 'yield-stable';
}

/** Address of a token on a chain: the real Ethereum one, otherwise a stable synthetic per (chain, token). */
export function tokenAddressOn(token: SimToken, chain: string): string {
  if (chain === 'Ethereum' && token.address) return token.address;
  if (chain === 'Ethereum') return syntheticAddress('token:' + token.symbol);
  if (chain === 'Solana') return base58Address('sol:' + token.symbol);
  return syntheticAddress(chain + ':' + token.symbol);
}

const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
export function base58Address(label: string): string {
  const r = new Rng(hashString(label));
  let s = '';
  for (let i = 0; i < 44; i++) s += B58[r.int(0, B58.length)];
  return s;
}
