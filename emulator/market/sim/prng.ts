/**
 * Seeded randomness for the simulated market. Math.random is never used: every number is a pure function
 * of the seed and of integer coordinates (pool slot, generation, day, ...), so any value can be recomputed
 * on its own ("counter-based" randomness) and nothing depends on the order in which values are asked for.
 * This is what makes the market lazy and free of look-ahead: day d only hashes coordinates ≤ d.
 */

/** 32-bit avalanche finaliser (murmur3 fmix32): small input changes flip about half of the output bits. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hash a list of integers (negative allowed) into one unsigned 32-bit value. */
export function hashInts(a: number, b = 0, c = 0, d = 0): number {
  let h = fmix32((a | 0) ^ 0x9e3779b9);
  h = fmix32((h ^ Math.imul(b | 0, 0x27d4eb2f)) + 0x165667b1);
  h = fmix32((h ^ Math.imul(c | 0, 0x61c88647)) + 0x7f4a7c15);
  h = fmix32((h ^ Math.imul(d | 0, 0x2c1b3c6d)) + 0x6c8e9cf5);
  return h;
}

/** FNV-1a over a string: used to turn labels ("spike", a token symbol, ...) into stream keys. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h);
}

/** Uniform in [0, 1) from a 32-bit hash. */
export function toUnit(h: number): number {
  return (h >>> 0) / 4294967296;
}

/** Uniform [0,1) at integer coordinates. */
export function uAt(key: number, a: number, b = 0, c = 0): number {
  return c === 0 ? toUnit(hash3(key ^ 0x2545f491, a, b)) : toUnit(hashInts(key, a, b, c));
}

/** Cheaper 3-coordinate hash for the hot paths (two mixing rounds are enough for noise). */
export function hash3(key: number, a: number, b: number): number {
  const h = fmix32((key ^ Math.imul(a | 0, 0x27d4eb2f)) + 0x165667b1);
  return fmix32((h ^ Math.imul(b | 0, 0x61c88647)) + 0x7f4a7c15);
}

/**
 * Approximately standard normal at integer coordinates: the sum of the four bytes of one hash
 * (Irwin–Hall of 4, rescaled to unit variance). No transcendental functions — this is the innermost
 * call of every series — and tails bounded at ±3.5σ, which suits day-to-day noise (fat tails come from
 * the explicit spikes and regime shifts).
 */
export function nAt(key: number, a: number, b = 0): number {
  const h = hash3(key, a, b);
  const sum = (h & 0xff) + ((h >>> 8) & 0xff) + ((h >>> 16) & 0xff) + (h >>> 24);
  return (sum / 255 - 2) * 1.7320508;
}

/**
 * mulberry32: a small seeded sequential generator, uniform in [0, 1). The one implementation in the
 * repository — the market's Rng below, the benches and the property tests all draw from it, so the same
 * seed gives the same sequence everywhere.
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Sequential generator (mulberry32) for drawing the static attributes of one entity. */
export class Rng {
  /** Uniform [0,1). */
  readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  int(lo: number, hiExclusive: number): number {
    return lo + Math.floor(this.next() * (hiExclusive - lo));
  }
  normal(): number {
    const u1 = this.next() || 1e-12;
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * this.next());
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
  /** Pick by weight; weights need not sum to 1. */
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of items) total += w;
    let r = this.next() * total;
    for (const [item, w] of items) {
      r -= w;
      if (r < 0) return item;
    }
    return items[items.length - 1][0];
  }
  hex(nChars: number): string {
    const parts: string[] = [];
    for (let n = 0; n < nChars; n += 8) parts.push(((this.next() * 4294967296) >>> 0).toString(16).padStart(8, '0'));
    return parts.join('').slice(0, nChars);
  }
}

/**
 * Multi-scale "value noise": a sum of linearly interpolated random values on grids of 1, 2, 4, ... days.
 * It is random-access (O(scales) per day) yet behaves like a slowly wandering series whose day-to-day
 * change is dominated by the finest scale. amps[j] is the amplitude of the grid with spacing 2^j days.
 */
export function valueNoise(key: number, day: number, amps: readonly number[]): number {
  let sum = 0;
  for (let j = 0; j < amps.length; j++) {
    const a = amps[j];
    if (a === 0) continue;
    const span = 1 << j;
    const cell = Math.floor(day / span);
    const frac = (day - cell * span) / span;
    const v0 = nAt(key, cell, j);
    const v1 = frac === 0 ? 0 : nAt(key, cell + 1, j);
    sum += a * (v0 + (v1 - v0) * frac);
  }
  return sum;
}
