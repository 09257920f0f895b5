/**
 * Expression helpers: https://cloud.google.com/workflows/docs/reference/stdlib/expression-helpers
 * Conversion: double, int, string. Data type: keys, len (+ the `in` operator). Conditional:
 * default, if. Type: get_type.
 * Not provided: `type()` and `bool()` — they are not in Google's list of helpers (the docs list
 * only double/int/string as conversions), so a workflow using them would fail to deploy.
 */
import { definePure } from './registry';
import * as a from './args';
import { scalarText } from '../convert';
import { checkedInt } from '../expr/ops';
import { INT64_MAX, INT64_MIN, WfValue, builtinError, typeName } from '../values';

definePure('default', ['value', 'default_value'], 2, ([v, d]) => (v === null ? d : v));

// `if(cond, a, b)`: both branches are already evaluated (no laziness) [E ts2workflows].
definePure('if', ['condition', 'if_true', 'if_false'], 3, ([c, t, f]) => (a.bool('if', 'condition', c) ? t : f));

definePure('keys', ['map'], 1, ([m]) => [...a.map('keys', 'map', m).keys()]);

definePure('len', ['value'], 1, ([v]) => {
  if (typeof v === 'string') return BigInt(a.codePoints(v).length);
  if (Array.isArray(v)) return BigInt(v.length);
  if (v instanceof Map) return BigInt(v.size);
  return a.typeErr('len', 'value', 'a string, list or map', v);
});

/** Type names per ts2workflows' typing of get_type [R]: boolean, bytes, double, integer, list, map, string, null. */
definePure('get_type', ['value'], 1, ([v]) => typeName(v));

const INT_TEXT = /^[+-]?[0-9]+$/;
const DOUBLE_TEXT = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;

definePure('int', ['value'], 1, ([v]) => {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) a.valueErr('int', `cannot convert ${v} to an integer`);
    return checkIntRange(BigInt(Math.trunc(v)), String(v)); // int(2.7) == 2: truncation toward zero
  }
  if (typeof v === 'string') {
    const s = v.trim();
    if (INT_TEXT.test(s)) return checkIntRange(BigInt(s), v);
    // "2.5" → 2 like int(double("2.5")) [R]; anything else is a ValueError.
    if (DOUBLE_TEXT.test(s)) return checkIntRange(BigInt(Math.trunc(Number(s))), v);
    return a.valueErr('int', `cannot convert string '${v}' to an integer`);
  }
  return a.typeErr('int', 'value', 'a string or double', v);
});

function checkIntRange(b: bigint, text: string): bigint {
  if (b > INT64_MAX || b < INT64_MIN) throw builtinError('ValueError', `int: '${text}' is out of the 64-bit integer range`);
  return checkedInt(b, 'int');
}

definePure('double', ['value'], 1, ([v]) => {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string') {
    const s = v.trim();
    if (!DOUBLE_TEXT.test(s)) return a.valueErr('double', `cannot convert string '${v}' to a double`);
    const d = Number(s);
    if (!Number.isFinite(d)) return a.valueErr('double', `'${v}' is out of range`);
    return d;
  }
  return a.typeErr('double', 'value', 'a string or integer', v);
});

definePure('string', ['value'], 1, ([v]) => stringOf(v));

export function stringOf(v: WfValue): string {
  return scalarText(v) ?? a.typeErr('string', 'value', 'an integer, double or boolean', v);
}
