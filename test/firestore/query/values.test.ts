import type { Value } from '../../../emulator/firestore/types';
import { canonicalKey, compareUtf8, compareValues, typeOrder, valueKind, valuesEqual } from '../../../emulator/firestore/values';
import { arr, bool, bytes, dbl, geo, int, map, nul, ref, str, ts } from './helpers';

const vector = (...xs: number[]): Value => map({ __type__: str('__vector__'), value: arr(...xs.map(dbl)) });

describe('compareValues: cross-type order', () => {
  // One representative per bracket, in Firestore's documented order.
  const ladder: Value[] = [
    nul(),
    bool(false),
    bool(true),
    dbl(NaN),
    dbl(-Infinity),
    int('-9223372036854775808'),
    dbl(-1.5),
    int(0),
    dbl(0.5),
    int(1),
    dbl(Infinity),
    ts(-1, 0),
    ts(0, 1),
    str(''),
    str('a'),
    bytes(),
    bytes(0),
    ref('a/b'),
    ref('a/b/c/d'),
    geo(-10, 5),
    geo(0, -5),
    arr(),
    arr(int(1)),
    arr(int(1), int(2)),
    arr(int(2)),
    vector(9, 9),
    vector(1, 2, 3),
    map({}),
    map({ a: int(1) }),
  ];
  it('orders every pair consistently with the ladder', () => {
    for (let i = 0; i < ladder.length; i++) {
      for (let j = 0; j < ladder.length; j++) {
        const expected = Math.sign(i - j);
        expect([i, j, Math.sign(compareValues(ladder[i], ladder[j]))]).toEqual([i, j, expected]);
      }
    }
  });

  it('compares integers and doubles numerically, with -0 == 0', () => {
    expect(compareValues(int(1), dbl(1.0))).toBe(0);
    expect(compareValues(dbl(-0), int(0))).toBe(0);
    expect(compareValues(dbl(-0), dbl(0))).toBe(0);
    expect(compareValues(int(2), dbl(1.5))).toBe(1);
    expect(compareValues(dbl(2.5), int(3))).toBe(-1);
  });

  it('compares big int64 values exactly (beyond 2^53)', () => {
    expect(compareValues(int('9007199254740993'), int('9007199254740992'))).toBe(1);
    expect(compareValues(int('9223372036854775807'), int('9223372036854775806'))).toBe(1);
    // 2^53 as a double equals the integer 2^53 but is less than 2^53 + 1.
    expect(compareValues(int('9007199254740993'), dbl(9007199254740992))).toBe(1);
    expect(compareValues(dbl(9007199254740992), int('9007199254740992'))).toBe(0);
    expect(compareValues(int('9223372036854775807'), dbl(9223372036854775807))).toBe(-1); // double rounds up to 2^63
  });

  it('orders strings by UTF-8 bytes, not UTF-16 code units', () => {
    expect('\uFFFF' < '😀').toBe(false); // JS order disagrees
    expect(compareValues(str('\uFFFF'), str('😀'))).toBe(-1);
    expect(compareUtf8('😀', '\uFFFF')).toBe(1);
    expect(compareUtf8('a', 'ab')).toBe(-1);
    expect(compareUtf8('é', 'z')).toBe(1);
  });

  it('orders timestamps chronologically with nanos', () => {
    expect(compareValues(ts(5, 1), ts(5, 2))).toBe(-1);
    expect(compareValues(ts(6, 0), ts(5, 999999999))).toBe(1);
  });

  it('orders references by path segments, not by string', () => {
    // As strings "a-c/x" < "a/b" ('-' < '/'); by segments "a" < "a-c".
    expect(compareValues(ref('a/b'), ref('a-c/x'))).toBe(-1);
    expect(compareValues(ref('c/a'), ref('c/a/d/e'))).toBe(-1);
  });

  it('orders maps key by key (sorted keys), then by size', () => {
    const m1 = map({ a: str('aaa'), b: str('baz') });
    const m2 = map({ a: str('foo'), b: str('bar') });
    const m3 = map({ a: str('foo'), b: str('bar'), c: str('qux') });
    const m4 = map({ a: str('foo'), b: str('baz') });
    const m5 = map({ b: str('aaa'), c: str('baz') });
    const m6 = map({ c: str('aaa') });
    const sorted = [m6, m3, m1, m5, m4, m2].sort(compareValues);
    expect(sorted).toEqual([m1, m2, m3, m4, m5, m6]);
    // key order is independent of insertion order
    expect(compareValues(map({ b: int(1), a: int(2) }), map({ a: int(2), b: int(1) }))).toBe(0);
  });

  it('orders vectors by dimension first', () => {
    expect(compareValues(vector(5), vector(1, 1))).toBe(-1);
    expect(typeOrder(vector(1))).toBeGreaterThan(typeOrder(arr()));
    expect(typeOrder(vector(1))).toBeLessThan(typeOrder(map({})));
  });
});

describe('valueKind', () => {
  it('uses the discriminator when present and detects the field otherwise', () => {
    expect(valueKind({ valueType: 'stringValue', stringValue: 'x' })).toBe('stringValue');
    expect(valueKind({ integerValue: '0' })).toBe('integerValue');
    expect(valueKind({ booleanValue: false })).toBe('booleanValue');
    expect(valueKind({ nullValue: 0 })).toBe('nullValue');
    expect(valueKind({ doubleValue: 0 })).toBe('doubleValue');
  });
});

describe('valuesEqual and canonicalKey', () => {
  it('treats int and double with the same value as equal, NaN as unequal to itself', () => {
    expect(valuesEqual(int(1), dbl(1))).toBe(true);
    expect(valuesEqual(dbl(-0), int(0))).toBe(true);
    expect(valuesEqual(dbl(NaN), dbl(NaN))).toBe(false);
    expect(valuesEqual(arr(int(1)), arr(dbl(1)))).toBe(true);
    expect(valuesEqual(map({ a: int(1) }), map({ a: int(1), b: nul() }))).toBe(false);
    expect(valuesEqual(str('1'), int(1))).toBe(false);
    expect(valuesEqual(nul(), nul())).toBe(true);
  });

  it('gives equal keys exactly to equal values', () => {
    const values: Value[] = [
      int(1), dbl(1), dbl(1.5), int(0), dbl(-0), str('1'), bool(true), nul(), ts(1), bytes(1),
      ref('a/b'), geo(1, 2), arr(int(1)), arr(dbl(1)), map({ a: int(1) }), map({ a: dbl(1) }), int('9223372036854775807'),
    ];
    for (const a of values) {
      for (const b of values) {
        expect([a, b, canonicalKey(a) === canonicalKey(b)]).toEqual([a, b, valuesEqual(a, b)]);
      }
    }
  });
});
