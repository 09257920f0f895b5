/**
 * `map` and `list` modules. All functions return new values (inputs are never mutated).
 * map.get: https://cloud.google.com/workflows/docs/reference/stdlib/map/get — two args only;
 * returns null when a key is missing or the input is not a map.
 * list.concat: https://cloud.google.com/workflows/docs/reference/stdlib/list/concat
 */
import { definePure } from './registry';
import * as a from './args';
import { WfMap, WfValue } from '../values';

definePure('map.get', ['map', 'keys'], 2, ([m, keys]) => {
  const fn = 'map.get';
  let path: string[];
  if (typeof keys === 'string') path = [keys];
  else if (Array.isArray(keys)) path = keys.map((k) => a.str(fn, 'keys', k));
  else return a.typeErr(fn, 'keys', 'a string or a list of strings', keys);
  let cur: WfValue = m;
  for (const k of path) {
    if (!(cur instanceof Map)) return null;
    const next: WfValue | undefined = cur.get(k);
    if (next === undefined) return null;
    cur = next;
  }
  return cur;
});

definePure('map.delete', ['map', 'key'], 2, ([m, k]) => {
  const src = a.map('map.delete', 'map', m);
  const key = a.str('map.delete', 'key', k);
  const out: WfMap = new Map(src);
  out.delete(key);
  return out;
});

definePure('map.merge', ['first', 'second'], 2, ([x, y]) => {
  const out: WfMap = new Map(a.map('map.merge', 'first', x));
  for (const [k, v] of a.map('map.merge', 'second', y)) out.set(k, v);
  return out;
});

/** Recursive merge: nested maps are merged, anything else from `second` overwrites. */
function mergeNested(x: WfMap, y: WfMap): WfMap {
  const out: WfMap = new Map(x);
  for (const [k, v] of y) {
    const prev = out.get(k);
    out.set(k, prev instanceof Map && v instanceof Map ? mergeNested(prev, v) : v);
  }
  return out;
}

definePure('map.merge_nested', ['first', 'second'], 2, ([x, y]) =>
  mergeNested(a.map('map.merge_nested', 'first', x), a.map('map.merge_nested', 'second', y)),
);

definePure('list.concat', ['objs', 'val'], 2, ([l, v]) => [...a.list('list.concat', 'objs', l), v]);
definePure('list.prepend', ['objs', 'val'], 2, ([l, v]) => [v, ...a.list('list.prepend', 'objs', l)]);
