/**
 * `math` module: abs, max, min (documented; ts2workflows' typed stdlib lists exactly these) and
 * floor [E: listed by third-party notes; kept because it is harmless and commonly used].
 * Integers stay integers; mixing int and double yields the double form of the chosen value.
 */
import { definePure } from './registry';
import * as a from './args';
import { checkedInt } from '../expr/ops';

definePure('math.abs', ['x'], 1, ([x]) => {
  const v = a.num('math.abs', 'x', x);
  return typeof v === 'bigint' ? checkedInt(v < 0n ? -v : v, 'math.abs') : Math.abs(v);
});

function pick(fn: string, x: Parameters<typeof a.num>[2], y: Parameters<typeof a.num>[2], wantMax: boolean): bigint | number {
  const p = a.num(fn, 'x', x);
  const q = a.num(fn, 'y', y);
  if (typeof p === 'bigint' && typeof q === 'bigint') return (wantMax ? p >= q : p <= q) ? p : q;
  const r = wantMax ? Math.max(Number(p), Number(q)) : Math.min(Number(p), Number(q));
  return r;
}

definePure('math.max', ['x', 'y'], 2, ([x, y]) => pick('math.max', x, y, true));
definePure('math.min', ['x', 'y'], 2, ([x, y]) => pick('math.min', x, y, false));

definePure('math.floor', ['x'], 1, ([x]) => {
  const v = a.num('math.floor', 'x', x);
  if (typeof v === 'bigint') return v;
  if (!Number.isFinite(v)) return a.valueErr('math.floor', `cannot floor ${v}`);
  return checkedInt(BigInt(Math.floor(v)), 'math.floor');
});
