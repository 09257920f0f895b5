/**
 * Assignment to nested and indexed targets (`a.b[i].c: v`). Values have copy semantics in
 * Workflows (`b: ${a}` then `b.x: 1` leaves `a` alone), so the containers along the path are copied
 * (shallowly) before the write instead of mutating what other variables may share. The size delta
 * for the memory budget is computed from the replaced leaf only.
 */
import type { AssignTarget } from '../ast';
import { builtinError, typeName, type WfValue, type WfMap } from '../values';
import { sizeOf } from '../limits';
import type { Scope } from './scope';

export type IndexEvaluator = (e: unknown) => WfValue | Promise<WfValue>;

export async function assignTarget(scope: Scope, target: AssignTarget, value: WfValue, evalIndex: IndexEvaluator): Promise<void> {
  if (target.path.length === 0) {
    scope.set(target.root, value);
    return;
  }
  const root = scope.lookup(target.root);
  if (root === undefined) throw builtinError('KeyError', `variable '${target.root}' is not defined`);
  // Resolve all keys first: index expressions may read the variable being assigned.
  const keys: (string | bigint)[] = [];
  for (const seg of target.path) {
    if (seg.k === 'key') keys.push(seg.name);
    else {
      let k = evalIndex(seg.e);
      if (k instanceof Promise) k = await k; // only for indexes calling subworkflows
      if (typeof k === 'string' || typeof k === 'bigint') keys.push(k);
      else if (typeof k === 'number' && Number.isInteger(k)) keys.push(BigInt(k));
      else throw builtinError('TypeError', `index in assignment to '${target.text}' must be a string or an integer, got ${typeName(k)}`);
    }
  }
  let delta = 0;
  const write = (container: WfValue, i: number): WfValue => {
    const key = keys[i];
    const last = i === keys.length - 1;
    if (container instanceof Map) {
      if (typeof key !== 'string') throw builtinError('TypeError', `map key in '${target.text}' must be a string, got integer`);
      const copy: WfMap = new Map(container);
      const old = container.get(key);
      if (last) {
        delta += sizeOf(value) - (old === undefined ? -(key.length + 4) : sizeOf(old));
        copy.set(key, value);
      } else {
        if (old === undefined) throw builtinError('KeyError', `key '${key}' not found in '${target.text}'`);
        copy.set(key, write(old, i + 1));
      }
      return copy;
    }
    if (Array.isArray(container)) {
      if (typeof key !== 'bigint') throw builtinError('TypeError', `list index in '${target.text}' must be an integer, got string`);
      if (key < 0n || key >= BigInt(container.length))
        throw builtinError('IndexError', `list index ${key} out of range in '${target.text}'`);
      const n = Number(key);
      const copy = container.slice();
      if (last) {
        delta += sizeOf(value) - sizeOf(container[n]);
        copy[n] = value;
      } else copy[n] = write(container[n], i + 1);
      return copy;
    }
    throw builtinError('TypeError', `cannot assign to '${target.text}': ${typeName(container)} is not a map or a list`);
  };
  const updated = write(root, 0);
  scope.setWithDelta(target.root, updated, delta);
}
