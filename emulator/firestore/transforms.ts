/**
 * Server-side field transforms with the semantics documented on google.firestore.v1
 * DocumentTransform.FieldTransform: serverTimestamp, increment (int64 saturates, any double makes
 * the result a double), maximum/minimum (mixed int/double keeps the larger/smaller operand's type,
 * equal operands keep the stored value, NaN wins), appendMissingElements and removeAllFromArray
 * (numbers compared by value across int/double, NaN equals NaN, null equals null).
 */
import type { Timestamp, Value } from './types';
import { invalidArgument } from './errors';
import { isNaNValue, valueKind, valuesEqual } from './values';

export interface FieldTransform {
  fieldPath: string;
  transformType?: string;
  setToServerValue?: 'SERVER_VALUE_UNSPECIFIED' | 'REQUEST_TIME' | number;
  increment?: Value;
  maximum?: Value;
  minimum?: Value;
  appendMissingElements?: { values?: Value[] };
  removeAllFromArray?: { values?: Value[] };
}

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;
export const NULL_VALUE: Value = { nullValue: 'NULL_VALUE' };

function isNumber(v: Value | undefined): v is Value {
  if (!v) return false;
  const k = valueKind(v);
  return k === 'integerValue' || k === 'doubleValue';
}

function asDouble(v: Value): number {
  return valueKind(v) === 'integerValue' ? Number(v.integerValue) : Number(v.doubleValue);
}

function intValue(n: bigint): Value {
  return { integerValue: (n > INT64_MAX ? INT64_MAX : n < INT64_MIN ? INT64_MIN : n).toString() };
}

/** Numeric comparison across int64 and double (NaN handled by callers). */
function compareNumeric(a: Value, b: Value): number {
  if (valueKind(a) === 'integerValue' && valueKind(b) === 'integerValue') {
    const x = BigInt(a.integerValue ?? '0');
    const y = BigInt(b.integerValue ?? '0');
    return x < y ? -1 : x > y ? 1 : 0;
  }
  const x = asDouble(a);
  const y = asDouble(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function increment(current: Value | undefined, operand: Value): Value {
  if (!isNumber(current)) return operand;
  if (valueKind(current) === 'integerValue' && valueKind(operand) === 'integerValue') {
    return intValue(BigInt(current.integerValue ?? '0') + BigInt(operand.integerValue ?? '0'));
  }
  return { doubleValue: asDouble(current) + asDouble(operand) };
}

function extremum(current: Value | undefined, operand: Value, wantMax: boolean): Value {
  if (!isNumber(current)) return operand;
  if (isNaNValue(current)) return current;
  if (isNaNValue(operand)) return { doubleValue: NaN };
  const c = compareNumeric(operand, current);
  if (c === 0) return current; // 3 vs 3.0, 0 vs -0.0: the stored value stays
  return (wantMax ? c > 0 : c < 0) ? operand : current;
}

/** Array-transform equality: like ==, but NaN equals NaN. */
function sameElement(a: Value, b: Value): boolean {
  if (isNaNValue(a)) return isNaNValue(b);
  return valuesEqual(a, b);
}

function arrayUnion(current: Value | undefined, elements: Value[]): Value {
  const base = current && valueKind(current) === 'arrayValue' ? current.arrayValue?.values ?? [] : [];
  const out = base.slice();
  for (const e of elements) if (!out.some((x) => sameElement(x, e))) out.push(e);
  return { arrayValue: { values: out } };
}

function arrayRemove(current: Value | undefined, elements: Value[]): Value {
  const base = current && valueKind(current) === 'arrayValue' ? current.arrayValue?.values ?? [] : [];
  return { arrayValue: { values: base.filter((x) => !elements.some((e) => sameElement(x, e))) } };
}

/** The transform's kind; throws INVALID_ARGUMENT for an empty or malformed transform. */
export function transformKind(t: FieldTransform): string {
  const kind =
    t.transformType ??
    (t.setToServerValue !== undefined
      ? 'setToServerValue'
      : t.increment
        ? 'increment'
        : t.maximum
          ? 'maximum'
          : t.minimum
            ? 'minimum'
            : t.appendMissingElements
              ? 'appendMissingElements'
              : t.removeAllFromArray
                ? 'removeAllFromArray'
                : undefined);
  if (!kind) throw invalidArgument(`Field transform for "${t.fieldPath}" has no transform type.`);
  if ((kind === 'increment' || kind === 'maximum' || kind === 'minimum') && !isNumber(t[kind])) {
    throw invalidArgument(`${kind} transform for "${t.fieldPath}" requires a numeric operand (integer or double).`);
  }
  if (kind === 'setToServerValue' && t.setToServerValue !== 'REQUEST_TIME' && t.setToServerValue !== 1) {
    throw invalidArgument(`Unsupported server value for "${t.fieldPath}".`);
  }
  return kind;
}

/**
 * Computes the new value of one field. Returns the value to store and the transform result the
 * client receives (null for array transforms).
 */
export function applyTransform(t: FieldTransform, current: Value | undefined, commitTime: Timestamp): { value: Value; result: Value } {
  switch (transformKind(t)) {
    case 'setToServerValue': {
      const v: Value = { timestampValue: commitTime };
      return { value: v, result: v };
    }
    case 'increment': {
      const v = increment(current, t.increment!);
      return { value: v, result: v };
    }
    case 'maximum': {
      const v = extremum(current, t.maximum!, true);
      return { value: v, result: v };
    }
    case 'minimum': {
      const v = extremum(current, t.minimum!, false);
      return { value: v, result: v };
    }
    case 'appendMissingElements':
      return { value: arrayUnion(current, t.appendMissingElements!.values ?? []), result: NULL_VALUE };
    case 'removeAllFromArray':
      return { value: arrayRemove(current, t.removeAllFromArray!.values ?? []), result: NULL_VALUE };
    default:
      throw invalidArgument(`Unsupported field transform for "${t.fieldPath}".`);
  }
}
