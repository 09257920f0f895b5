/**
 * Daily OHLCV per token. USD stables sit at 1 with tiny noise and occasional depeg episodes (one to
 * three days with the intraday low 2–8 % under the peg); yield-bearing wrappers accrue; ETH/BTC and the
 * volatile tail follow a weakly mean-reverting log random walk walked forward from a fixed 2015 anchor
 * (so a day's price never depends on the requested range). Market cap = wandering supply × price.
 */
import { dayIndex, dayString } from './dates';
import { hashInts, hashString, nAt, uAt, valueNoise } from './prng';
import type { OhlcvBar } from './types';
import type { SimToken } from './tokens';

export const PRICE_ANCHOR = dayIndex('2015-01-01');
const YIELD_ANCHOR = dayIndex('2025-01-01');
const S_DEPEG = 1, S_DEPEG_LEN = 2, S_DEPEG_DEPTH = 3, S_NOISE = 4, S_WICK = 5, S_VOL = 6;
const SUPPLY_AMPS = [0.003, 0, 0, 0, 0.02, 0.03, 0.05, 0.08, 0.1, 0.12];

export class PriceModel {
  private readonly walks = new Map<number, Float64Array>();
  constructor(private readonly seedKey: number) {}

  private key(t: SimToken): number {
    return hashInts(this.seedKey, hashString('price:' + t.symbol));
  }

  /** Close of a volatile token (log walk with weak reversion to its reference level). */
  private walkClose(t: SimToken, day: number): number {
    // WETH/WBTC share ETH/BTC's walk.
    const sym = t.symbol === 'WETH' ? 'ETH' : t.symbol === 'WBTC' ? 'BTC' : t.symbol;
    const k = hashInts(this.seedKey, hashString('walk:' + sym));
    let arr = this.walks.get(k);
    const need = day - PRICE_ANCHOR + 1;
    if (!arr || arr.length < need) {
      const len = Math.max(need, 4800);
      const next = new Float64Array(len);
      const mu = Math.log(t.price0);
      let x = mu;
      let start = 0;
      if (arr) { next.set(arr); start = arr.length; x = Math.log(arr[arr.length - 1]); }
      for (let i = start; i < len; i++) {
        if (i > 0) x += -0.0015 * (x - mu) + t.dailyVol * nAt(k, i, S_NOISE);
        next[i] = Math.exp(x);
      }
      arr = next;
      this.walks.set(k, arr);
    }
    return arr[Math.max(0, day - PRICE_ANCHOR)];
  }

  /** A depeg episode starts on `s` (episodes are at least 10 days apart, so they never merge). */
  private depegStarts(k: number, t: SimToken, s: number): boolean {
    const p = t.depegsPerYear / 365;
    if (uAt(k, s, S_DEPEG) >= p) return false;
    for (let i = 1; i < 10; i++) if (uAt(k, s - i, S_DEPEG) < p) return false;
    return true;
  }

  /** Depth below the peg of a depeg affecting `day` (0 if none); it fades over the episode. */
  private depeg(t: SimToken, day: number): number {
    const k = this.key(t);
    let depth = 0;
    for (let j = 0; j < 3; j++) {
      const s = day - j;
      if (!this.depegStarts(k, t, s)) continue;
      const len = 1 + Math.floor(uAt(k, s, S_DEPEG_LEN) * 3);
      if (j >= len) continue;
      const d = 0.021 + 0.06 * Math.pow(uAt(k, s, S_DEPEG_DEPTH), 2);
      depth = Math.max(depth, d * Math.pow(0.7, j));
    }
    return depth;
  }

  private closeOf(t: SimToken, day: number): number {
    const k = this.key(t);
    if (t.kind === 'usd-stable' || t.kind === 'yield-stable') {
      const drift = t.kind === 'yield-stable' ? t.price0 * Math.exp((t.yieldRate * (day - YIELD_ANCHOR)) / 365) : 1;
      return drift * (1 + 0.0004 * nAt(k, day, S_NOISE) - 0.4 * this.depeg(t, day));
    }
    return this.walkClose(t, day);
  }

  bar(t: SimToken, day: number): OhlcvBar {
    const k = this.key(t);
    const close = this.closeOf(t, day);
    const open = this.closeOf(t, day - 1);
    const stable = t.kind === 'usd-stable' || t.kind === 'yield-stable';
    const wick = stable ? 0.0008 : t.dailyVol * 0.6;
    const dep = stable ? this.depeg(t, day) : 0;
    const high = Math.max(open, close) * (1 + wick * Math.abs(nAt(k, day, S_WICK)));
    const peg = stable ? Math.min(open, close) / (1 - 0.4 * dep + 1e-12) : 0;
    const low = stable && dep > 0
      ? peg * (1 - dep)
      : Math.min(open, close) * (1 - wick * Math.abs(nAt(k, day, S_WICK + 10)));
    const supply = (t.marketCap0 / t.price0) * Math.exp(valueNoise(k, day, SUPPLY_AMPS));
    const marketCap = supply * close;
    const turnover = (stable ? 0.04 : 0.08) * Math.exp(0.4 * nAt(k, day, S_VOL) + (dep > 0 ? 1.5 : 0));
    return {
      date: dayString(day),
      open: round(open), high: round(high), low: round(Math.min(low, open, close)), close: round(close),
      volume: Math.round(marketCap * turnover * 100) / 100,
      marketCap: Math.round(marketCap * 100) / 100,
    };
  }
}

const round = (x: number): number => Number(x.toPrecision(10));
