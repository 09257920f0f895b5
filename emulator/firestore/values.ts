/**
 * Firestore value semantics: the cross-type total order used by orderBy, cursors and range filters,
 * the equality used by ==, in and array-contains, and a canonical key for hashing sets of values.
 *
 * Values may come from proto-loader (with the `valueType` oneof discriminator) or be built by hand
 * (only the set field present), so the kind is detected by which field is set when needed.
 */
import type { Value, ValueType } from './types';

/** The set field of a value; values without any recognised field are treated as null. */
export function valueKind(v: Value): ValueType {
  if (v.valueType) return v.valueType;
  if (v.nullValue !== undefined) return 'nullValue';
  if (v.booleanValue !== undefined) return 'booleanValue';
  if (v.integerValue !== undefined) return 'integerValue';
  if (v.doubleValue !== undefined) return 'doubleValue';
  if (v.timestampValue !== undefined) return 'timestampValue';
  if (v.stringValue !== undefined) return 'stringValue';
  if (v.bytesValue !== undefined) return 'bytesValue';
  if (v.referenceValue !== undefined) return 'referenceValue';
  if (v.geoPointValue !== undefined) return 'geoPointValue';
  if (v.arrayValue !== undefined) return 'arrayValue';
  if (v.mapValue !== undefined) return 'mapValue';
  return 'nullValue';
}

/** Type brackets of the cross-type order. NaN sorts as its own bracket before all other numbers. */
export const TypeOrder = {
  null: 0,
  boolean: 1,
  nan: 2,
  number: 3,
  timestamp: 4,
  string: 5,
  bytes: 6,
  reference: 7,
  geoPoint: 8,
  array: 9,
  vector: 10,
  map: 11,
} as const;

/** A map `{__type__: "__vector__", value: [...]}` is a vector embedding, ordered between arrays and maps. */
export function isVector(v: Value): boolean {
  const f = v.mapValue?.fields;
  if (!f) return false;
  const t = f['__type__'];
  return t !== undefined && t.stringValue === '__vector__';
}

export function isNaNValue(v: Value): boolean {
  return valueKind(v) === 'doubleValue' && Number.isNaN(Number(v.doubleValue));
}

export function isNullValue(v: Value): boolean {
  return valueKind(v) === 'nullValue';
}

export function typeOrder(v: Value): number {
  switch (valueKind(v)) {
    case 'nullValue':
      return TypeOrder.null;
    case 'booleanValue':
      return TypeOrder.boolean;
    case 'integerValue':
      return TypeOrder.number;
    case 'doubleValue':
      return Number.isNaN(Number(v.doubleValue)) ? TypeOrder.nan : TypeOrder.number;
    case 'timestampValue':
      return TypeOrder.timestamp;
    case 'stringValue':
      return TypeOrder.string;
    case 'bytesValue':
      return TypeOrder.bytes;
    case 'referenceValue':
      return TypeOrder.reference;
    case 'geoPointValue':
      return TypeOrder.geoPoint;
    case 'arrayValue':
      return TypeOrder.array;
    case 'mapValue':
      return isVector(v) ? TypeOrder.vector : TypeOrder.map;
  }
}

const sign = (n: number): number => (n < 0 ? -1 : n > 0 ? 1 : 0);

/**
 * Compares strings in UTF-8 byte order (= code point order). JS `<` compares UTF-16 units, which
 * puts supplementary characters (surrogate pairs) before U+E000..U+FFFF; fix up only that case.
 */
export function compareUtf8(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca === cb) continue;
    const sa = ca >= 0xd800 && ca <= 0xdfff;
    const sb = cb >= 0xd800 && cb <= 0xdfff;
    if (sa === sb) return ca < cb ? -1 : 1;
    return sa ? 1 : -1;
  }
  return sign(a.length - b.length);
}

/** An int64 decimal string as BigInt; accepts numbers from hand-built values too. */
export function toBigInt(s: string | number | undefined): bigint {
  if (s === undefined) return 0n;
  return typeof s === 'number' ? BigInt(Math.trunc(s)) : BigInt(s);
}

/** Exact comparison of an int64 with a finite or infinite (non-NaN) double. */
function compareIntDouble(i: bigint, d: number): number {
  if (d === Infinity) return -1;
  if (d === -Infinity) return 1;
  if (Number.isInteger(d)) {
    const bd = BigInt(d);
    return i < bd ? -1 : i > bd ? 1 : 0;
  }
  const fl = BigInt(Math.floor(d));
  return i <= fl ? -1 : 1;
}

/** Small integers (|x| < 2^53) are compared as plain numbers; others exactly as BigInt. */
function intAsSafeNumber(s: string | number | undefined): number | undefined {
  if (s === undefined) return 0;
  if (typeof s === 'number') return s;
  if (s.length <= 15) return Number(s);
  return undefined;
}

function compareNumbers(a: Value, b: Value): number {
  const ka = valueKind(a);
  const kb = valueKind(b);
  if (ka === 'integerValue' && kb === 'integerValue') {
    const na = intAsSafeNumber(a.integerValue);
    const nb = intAsSafeNumber(b.integerValue);
    if (na !== undefined && nb !== undefined) return sign(na - nb);
    const ba = toBigInt(a.integerValue);
    const bb = toBigInt(b.integerValue);
    return ba < bb ? -1 : ba > bb ? 1 : 0;
  }
  if (ka === 'doubleValue' && kb === 'doubleValue') {
    const da = Number(a.doubleValue);
    const db = Number(b.doubleValue);
    return da < db ? -1 : da > db ? 1 : 0; // -0 == 0
  }
  if (ka === 'integerValue') {
    const na = intAsSafeNumber(a.integerValue);
    const db = Number(b.doubleValue);
    if (na !== undefined) return na < db ? -1 : na > db ? 1 : 0;
    return compareIntDouble(toBigInt(a.integerValue), db);
  }
  const c = compareNumbers(b, a);
  return c === 0 ? 0 : -c;
}

function compareTimestamps(a: Value, b: Value): number {
  const ta = a.timestampValue ?? { seconds: '0', nanos: 0 };
  const tb = b.timestampValue ?? { seconds: '0', nanos: 0 };
  const sa = Number(ta.seconds ?? 0);
  const sb = Number(tb.seconds ?? 0);
  if (sa !== sb) return sa < sb ? -1 : 1;
  return sign((ta.nanos ?? 0) - (tb.nanos ?? 0));
}

/** Bytes may be a Buffer (proto-loader), a Uint8Array or a base64 string (hand-built / JSON). */
export function toBuffer(b: Buffer | Uint8Array | string | undefined): Buffer {
  if (b === undefined) return Buffer.alloc(0);
  if (typeof b === 'string') return Buffer.from(b, 'base64');
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

/** `__id<n>__` segments are numeric ids: they sort before other segments, by number (as the client does). */
function isNumericId(s: string): boolean {
  return s.length > 6 && s.startsWith('__id') && s.endsWith('__') && /^-?\d+$/.test(s.slice(4, -2));
}

export function compareSegments(a: string, b: string): number {
  if (a === b) return 0;
  const na = isNumericId(a);
  const nb = isNumericId(b);
  if (na || nb) {
    if (na && nb) {
      const x = BigInt(a.slice(4, -2));
      const y = BigInt(b.slice(4, -2));
      return x < y ? -1 : x > y ? 1 : 0;
    }
    return na ? -1 : 1;
  }
  return compareUtf8(a, b);
}

/** Orders slash-separated paths segment by segment, then by length (a parent before its children). */
export function compareDocumentPaths(a: string, b: string): number {
  if (a === b) return 0;
  // Fast path without allocation: find the first differing unit; both paths share the segments before it.
  const common = Math.min(a.length, b.length);
  let i = 0;
  while (i < common && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  const segStart = a.lastIndexOf('/', i - 1) + 1;
  if (!a.startsWith('__id', segStart) && !b.startsWith('__id', segStart)) {
    const ca = i < a.length ? a.charCodeAt(i) : -1;
    const cb = i < b.length ? b.charCodeAt(i) : -1;
    const endA = ca === -1 || ca === 0x2f; // a's segment (or whole path) ends here
    const endB = cb === -1 || cb === 0x2f;
    if (endA && endB) return ca === -1 ? -1 : 1; // same segments so far: the path that ends first is smaller
    if (endA) return -1; // a's segment is a proper prefix of b's
    if (endB) return 1;
    return compareUtf8(a.slice(i, i + 2), b.slice(i, i + 2));
  }
  const sa = a === '' ? [] : a.split('/');
  const sb = b === '' ? [] : b.split('/');
  const n = Math.min(sa.length, sb.length);
  for (let i = 0; i < n; i++) {
    const c = compareSegments(sa[i], sb[i]);
    if (c !== 0) return c;
  }
  return sign(sa.length - sb.length);
}

function compareGeo(a: Value, b: Value): number {
  const ga = a.geoPointValue ?? {};
  const gb = b.geoPointValue ?? {};
  const c = compareDoubles(ga.latitude ?? 0, gb.latitude ?? 0);
  return c !== 0 ? c : compareDoubles(ga.longitude ?? 0, gb.longitude ?? 0);
}

function compareDoubles(a: number, b: number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  if (a === b) return 0;
  return Number.isNaN(a) ? (Number.isNaN(b) ? 0 : -1) : 1;
}

function compareArrays(a: Value[], b: Value[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareValues(a[i], b[i]);
    if (c !== 0) return c;
  }
  return sign(a.length - b.length);
}

export function sortedKeys(fields: Record<string, Value> | undefined): string[] {
  return Object.keys(fields ?? {}).sort(compareUtf8);
}

function compareMaps(a: Record<string, Value>, b: Record<string, Value>): number {
  const ka = sortedKeys(a);
  const kb = sortedKeys(b);
  const n = Math.min(ka.length, kb.length);
  for (let i = 0; i < n; i++) {
    const kc = compareUtf8(ka[i], kb[i]);
    if (kc !== 0) return kc;
    const vc = compareValues(a[ka[i]], b[kb[i]]);
    if (vc !== 0) return vc;
  }
  return sign(ka.length - kb.length);
}

function vectorElements(v: Value): Value[] {
  return v.mapValue?.fields?.['value']?.arrayValue?.values ?? [];
}

/** Firestore's total order over all values (as used by orderBy and cursors). */
export function compareValues(a: Value, b: Value): number {
  // Fast paths for the common same-kind comparisons (index maintenance and sorting are hot).
  const ka = valueKind(a);
  if (ka === valueKind(b)) {
    if (ka === 'stringValue') return compareUtf8(a.stringValue!, b.stringValue!);
    if (ka === 'doubleValue') {
      const x = Number(a.doubleValue);
      const y = Number(b.doubleValue);
      if (x < y) return -1;
      if (x > y) return 1;
      if (x === y) return 0;
    }
  }
  const ta = typeOrder(a);
  const tb = typeOrder(b);
  if (ta !== tb) return ta < tb ? -1 : 1;
  switch (ta) {
    case TypeOrder.null:
    case TypeOrder.nan:
      return 0;
    case TypeOrder.boolean:
      return sign(Number(!!a.booleanValue) - Number(!!b.booleanValue));
    case TypeOrder.number:
      return compareNumbers(a, b);
    case TypeOrder.timestamp:
      return compareTimestamps(a, b);
    case TypeOrder.string:
      return compareUtf8(a.stringValue ?? '', b.stringValue ?? '');
    case TypeOrder.bytes:
      return sign(Buffer.compare(toBuffer(a.bytesValue), toBuffer(b.bytesValue)));
    case TypeOrder.reference:
      return compareDocumentPaths(a.referenceValue ?? '', b.referenceValue ?? '');
    case TypeOrder.geoPoint:
      return compareGeo(a, b);
    case TypeOrder.array:
      return compareArrays(a.arrayValue?.values ?? [], b.arrayValue?.values ?? []);
    case TypeOrder.vector: {
      const va = vectorElements(a);
      const vb = vectorElements(b);
      if (va.length !== vb.length) return va.length < vb.length ? -1 : 1;
      return compareArrays(va, vb);
    }
    default:
      return compareMaps(a.mapValue?.fields ?? {}, b.mapValue?.fields ?? {});
  }
}

/**
 * Equality as used by ==, in, not-in and array-contains: numbers by numeric value across int/double
 * (-0 == 0), NaN never equal to anything, containers element-wise with the same rule.
 */
export function valuesEqual(a: Value, b: Value): boolean {
  const ta = typeOrder(a);
  if (ta === TypeOrder.nan) return false;
  if (ta !== typeOrder(b)) return false;
  switch (ta) {
    case TypeOrder.array: {
      const xa = a.arrayValue?.values ?? [];
      const xb = b.arrayValue?.values ?? [];
      return xa.length === xb.length && xa.every((x, i) => valuesEqual(x, xb[i]));
    }
    case TypeOrder.vector:
    case TypeOrder.map: {
      const fa = a.mapValue?.fields ?? {};
      const fb = b.mapValue?.fields ?? {};
      const ka = Object.keys(fa);
      if (ka.length !== Object.keys(fb).length) return false;
      return ka.every((k) => fb[k] !== undefined && valuesEqual(fa[k], fb[k]));
    }
    default:
      return compareValues(a, b) === 0;
  }
}

/** A double's key equals the key of the int64 with the same numeric value (1.0 ~ 1, -0 ~ 0). */
function numberKey(v: Value): string {
  if (valueKind(v) === 'integerValue') return 'n' + toBigInt(v.integerValue).toString();
  const d = Number(v.doubleValue);
  if (Number.isInteger(d)) return 'n' + BigInt(d).toString();
  return 'd' + String(d);
}

/**
 * A string that is equal for two values iff `valuesEqual` holds (NaN gets a fixed key, but callers
 * must remember NaN never equals anything). Used to hash `in` / `not-in` lists.
 */
export function canonicalKey(v: Value): string {
  switch (typeOrder(v)) {
    case TypeOrder.null:
      return 'z';
    case TypeOrder.boolean:
      return v.booleanValue ? 'bt' : 'bf';
    case TypeOrder.nan:
      return 'NaN';
    case TypeOrder.number:
      return numberKey(v);
    case TypeOrder.timestamp:
      return 't' + String(Number(v.timestampValue?.seconds ?? 0)) + '.' + String(v.timestampValue?.nanos ?? 0);
    case TypeOrder.string:
      return 's' + (v.stringValue ?? '');
    case TypeOrder.bytes:
      return 'y' + toBuffer(v.bytesValue).toString('base64');
    case TypeOrder.reference:
      return 'r' + (v.referenceValue ?? '');
    case TypeOrder.geoPoint:
      return 'g' + String(v.geoPointValue?.latitude ?? 0) + ',' + String(v.geoPointValue?.longitude ?? 0);
    case TypeOrder.array:
      return 'a' + JSON.stringify((v.arrayValue?.values ?? []).map(canonicalKey));
    default: {
      const f = v.mapValue?.fields ?? {};
      return (isVector(v) ? 'v' : 'm') + JSON.stringify(sortedKeys(f).map((k) => [k, canonicalKey(f[k])]));
    }
  }
}
