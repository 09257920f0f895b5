/**
 * Operator semantics shared by the sync and async evaluators.
 * Type tables: https://cloud.google.com/workflows/docs/reference/syntax/datatypes
 * ("Implicit data type conversions"; `+` table copied into gcp-workflows-semantics.md §1.4).
 */
import { INT64_MAX, INT64_MIN, WfFunctionRef, WfValue, builtinError, typeName } from '../values';
import { scalarText } from '../convert';

/** Checked 64-bit integer result. The datatypes page says overflow of integer/double
 *  arithmetic is an error [R: sentence truncated in our copy]; we raise ValueError. */
export function checkedInt(v: bigint, op: string): bigint {
  if (v > INT64_MAX || v < INT64_MIN) throw builtinError('ValueError', `integer overflow in '${op}'`);
  return v;
}

function checkedDouble(v: number, op: string): number {
  if (!Number.isFinite(v)) throw builtinError('ValueError', `floating-point overflow in '${op}'`);
  return v;
}

function isNumber(v: WfValue): v is bigint | number {
  return typeof v === 'bigint' || typeof v === 'number';
}

function operandError(op: string, l: WfValue, r: WfValue): never {
  throw builtinError('TypeError', `unsupported operand types for ${op}: '${typeName(l)}' and '${typeName(r)}'`);
}

export function add(l: WfValue, r: WfValue): WfValue {
  if (typeof l === 'bigint' && typeof r === 'bigint') return checkedInt(l + r, '+');
  if (isNumber(l) && isNumber(r)) return checkedDouble(Number(l) + Number(r), '+');
  // STRING row/column of the table: int, double, string and bool convert; bool+number does not.
  if (typeof l === 'string' || typeof r === 'string') {
    const a = scalarText(l);
    const b = scalarText(r);
    if (a !== undefined && b !== undefined) return a + b;
  }
  return operandError('+', l, r);
}

export function arith(op: '-' | '*' | '/' | '//' | '%', l: WfValue, r: WfValue): WfValue {
  if (!isNumber(l) || !isNumber(r)) return operandError(op, l, r);
  if (op === '/' || op === '//' || op === '%') {
    if (r === 0n || r === 0) throw builtinError('ZeroDivisionError', op === '%' ? 'modulo by zero' : 'division by zero');
  }
  if (typeof l === 'bigint' && typeof r === 'bigint') {
    switch (op) {
      case '-':
        return checkedInt(l - r, op);
      case '*':
        return checkedInt(l * r, op);
      case '/':
        return checkedDouble(Number(l) / Number(r), op); // "/" is float division
      case '//': {
        // Floor (toward -inf), not truncation: 7 // -2 == -4.
        let q = l / r;
        if (l % r !== 0n && l < 0n !== r < 0n) q -= 1n;
        return checkedInt(q, op);
      }
      case '%': {
        // Consistent with floor division: result takes the divisor's sign [R].
        let m = l % r;
        if (m !== 0n && m < 0n !== r < 0n) m += r;
        return m;
      }
    }
  }
  const a = Number(l);
  const b = Number(r);
  switch (op) {
    case '-':
      return checkedDouble(a - b, op);
    case '*':
      return checkedDouble(a * b, op);
    case '/':
      return checkedDouble(a / b, op);
    case '//':
      return checkedDouble(Math.floor(a / b), op);
    case '%': {
      let m = a % b;
      if (m !== 0 && m < 0 !== b < 0) m += b;
      return m;
    }
  }
}

export function negate(v: WfValue): WfValue {
  if (typeof v === 'bigint') return checkedInt(-v, 'unary -');
  if (typeof v === 'number') return -v;
  throw builtinError('TypeError', `bad operand type for unary -: '${typeName(v)}'`);
}

export function logicalNot(v: WfValue): boolean {
  if (typeof v !== 'boolean') throw builtinError('TypeError', `logical operator 'not' requires a boolean, got '${typeName(v)}'`);
  return !v;
}

export function requireBool(op: string, v: WfValue): boolean {
  if (typeof v !== 'boolean') throw builtinError('TypeError', `logical operator '${op}' requires booleans, got '${typeName(v)}'`);
  return v;
}

/** Ordering: numbers (int/double mixed) and strings only. */
export function compare(op: '<' | '<=' | '>' | '>=', l: WfValue, r: WfValue): boolean {
  let c: number;
  if (isNumber(l) && isNumber(r)) c = compareNumbers(l, r);
  else if (typeof l === 'string' && typeof r === 'string') c = compareStrings(l, r);
  else return operandError(op, l, r);
  switch (op) {
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    case '>=':
      return c >= 0;
  }
}

function compareNumbers(a: bigint | number, b: bigint | number): number {
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  // Compare int vs double exactly where possible (large ints lose precision as doubles).
  const x = Number(a);
  const y = Number(b);
  if (x !== y) return x < y ? -1 : 1;
  if (typeof a === 'bigint' && Number.isInteger(y)) {
    const by = BigInt(y);
    return a < by ? -1 : a > by ? 1 : 0;
  }
  if (typeof b === 'bigint' && Number.isInteger(x)) {
    const bx = BigInt(x);
    return bx < b ? -1 : bx > b ? 1 : 0;
  }
  return 0;
}

/** Code-point order (UTF-8 byte order), not UTF-16 unit order. */
function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done) return y.done ? 0 : -1;
    if (y.done) return 1;
    const cx = (x.value as string).codePointAt(0) as number;
    const cy = (y.value as string).codePointAt(0) as number;
    if (cx !== cy) return cx < cy ? -1 : 1;
  }
}

/** Deep equality; int and double compare by value; other type mismatches are simply unequal. */
export function deepEqual(a: WfValue, b: WfValue): boolean {
  if (a === b) return true;
  if (isNumber(a) && isNumber(b)) return compareNumbers(a, b) === 0;
  if (a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (a instanceof Map) {
    if (!(b instanceof Map) || a.size !== b.size) return false;
    for (const [k, v] of a) {
      if (!b.has(k) || !deepEqual(v, b.get(k) as WfValue)) return false;
    }
    return true;
  }
  if (a instanceof Uint8Array) {
    if (!(b instanceof Uint8Array) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  if (a instanceof WfFunctionRef) return b instanceof WfFunctionRef && a.name === b.name;
  return false;
}

/** `x in list` (membership by deep equality) or `key in map` (key existence). */
export function membership(l: WfValue, r: WfValue): boolean {
  if (Array.isArray(r)) {
    for (const item of r) if (deepEqual(l, item)) return true;
    return false;
  }
  if (r instanceof Map) return typeof l === 'string' && r.has(l);
  throw builtinError('TypeError', `argument of type '${typeName(r)}' does not support 'in' (expected list or map)`);
}

/** `obj.name`: maps only; missing key → KeyError. */
export function getProperty(obj: WfValue, name: string): WfValue {
  if (obj instanceof Map) {
    const v = obj.get(name);
    if (v === undefined) throw builtinError('KeyError', `key not found: ${name}`);
    return v;
  }
  throw builtinError('TypeError', `cannot access property '${name}' of a value of type '${typeName(obj)}' (expected map)`);
}

/** `obj[i]`: lists by integer (no negative indexes [E]), maps by string key. */
export function getIndex(obj: WfValue, index: WfValue): WfValue {
  if (Array.isArray(obj)) {
    if (typeof index !== 'bigint') throw builtinError('TypeError', `list index must be an integer, got '${typeName(index)}'`);
    if (index < 0n || index >= BigInt(obj.length)) throw builtinError('IndexError', `list index out of range: ${index}`);
    return obj[Number(index)];
  }
  if (obj instanceof Map) {
    if (typeof index !== 'string') throw builtinError('TypeError', `map key must be a string, got '${typeName(index)}'`);
    const v = obj.get(index);
    if (v === undefined) throw builtinError('KeyError', `key not found: ${index}`);
    return v;
  }
  throw builtinError('TypeError', `value of type '${typeName(obj)}' is not subscriptable (expected list or map)`);
}
