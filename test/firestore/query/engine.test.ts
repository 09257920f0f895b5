import { FirestoreError } from '../../../emulator/firestore/errors';
import { runQuery } from '../../../emulator/firestore/query/engine';
import { QueryIndexes } from '../../../emulator/firestore/query/indexes';
import type { StructuredQuery, Value } from '../../../emulator/firestore/types';
import {
  MemorySource, ROOT, and, arr, asc, bytes, coll, dbl, desc, ff, geo, ids, int, map, nul, or, ref, str, ts, un,
} from './helpers';

/** Runs the query both by scanning and through indexes; the two must agree. */
function run(source: MemorySource, query: StructuredQuery, parent = ''): string[] {
  const scanned = runQuery(source, parent, query, { documentsRoot: ROOT }).documents;
  const indexed = runQuery(source, parent, query, { documentsRoot: ROOT, indexes: new QueryIndexes() }).documents;
  expect(indexed.map((d) => d.path)).toEqual(scanned.map((d) => d.path));
  return ids(scanned);
}

function expectInvalid(source: MemorySource, query: StructuredQuery, message?: RegExp): void {
  let error: unknown;
  try {
    runQuery(source, '', query, { documentsRoot: ROOT });
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(FirestoreError);
  expect((error as FirestoreError).code).toBe(3); // INVALID_ARGUMENT
  if (message) expect((error as FirestoreError).message).toMatch(message);
}

/** A collection whose field `v` takes one value of every type (plus a missing field). */
function mixed(): MemorySource {
  const s = new MemorySource();
  const values: Record<string, unknown> = {
    null: null,
    false: false,
    true: true,
    nan: NaN,
    neg: -5,
    zero: 0,
    onedbl: 1.0,
    oneint: 1,
    half: 1.5,
    big: { integerValue: '9223372036854775807' },
    time: ts(100),
    empty: '',
    text: 'abc',
    emoji: '😀',
    fffe: '\uFFFF',
    bytes: bytes(1, 2),
    ref: ref('x/y'),
    geo: geo(1, 2),
    arr: [1, 2],
    arr2: [3],
    map: { a: 1 },
  };
  for (const [id, v] of Object.entries(values)) s.set(`c/${id}`, { v: id === 'onedbl' ? dbl(1) : v, n: 1 });
  s.set('c/missing', { other: 1 });
  return s;
}

describe('ordering', () => {
  it('orders by Firestore cross-type value order, missing fields excluded', () => {
    expect(run(mixed(), coll('c', { orderBy: [asc('v')] }))).toEqual([
      'null', 'false', 'true', 'nan', 'neg', 'zero', 'onedbl', 'oneint', 'half', 'big', 'time', 'empty', 'text',
      'fffe', 'emoji', 'bytes', 'ref', 'geo', 'arr', 'arr2', 'map',
    ]);
  });

  it('descending order reverses values and the implicit __name__ order', () => {
    const s = new MemorySource();
    s.set('c/a', { v: 1 });
    s.set('c/b', { v: 1 });
    s.set('c/c', { v: 2 });
    expect(run(s, coll('c', { orderBy: [desc('v')] }))).toEqual(['c', 'b', 'a']);
    expect(run(s, coll('c', { orderBy: [desc('v'), asc('__name__')] }))).toEqual(['c', 'a', 'b']);
  });

  it('orders by multiple fields', () => {
    const s = new MemorySource();
    s.set('c/1', { a: 1, b: 'z' });
    s.set('c/2', { a: 2, b: 'a' });
    s.set('c/3', { a: 1, b: 'a' });
    s.set('c/4', { a: 1 });
    expect(run(s, coll('c', { orderBy: [asc('a'), desc('b')] }))).toEqual(['1', '3', '2']);
  });

  it('defaults to document-name order, by path segments', () => {
    const s = new MemorySource();
    for (const id of ['b', 'a', 'A', '__id5__', '__id10__', 'é']) s.set(`c/${id}`, {});
    expect(run(s, coll('c'))).toEqual(['__id5__', '__id10__', 'A', 'a', 'b', 'é']);
    expect(run(s, coll('c', { orderBy: [desc('__name__')] }))).toEqual(['é', 'b', 'a', 'A', '__id10__', '__id5__']);
  });

  it('orders nested field paths and quoted segments', () => {
    const s = new MemorySource();
    s.set('c/1', { m: { x: 2 }, 'odd.key': 1 });
    s.set('c/2', { m: { x: 1 }, 'odd.key': 2 });
    expect(run(s, coll('c', { orderBy: [asc('m.x')] }))).toEqual(['2', '1']);
    expect(run(s, coll('c', { orderBy: [desc('`odd.key`')] }))).toEqual(['2', '1']);
  });

  it('orders implicitly by inequality fields (lexicographically) before __name__', () => {
    const s = new MemorySource();
    s.set('c/1', { a: 3, b: 1 });
    s.set('c/2', { a: 2, b: 2 });
    s.set('c/3', { a: 2, b: 1 });
    // No explicit order: a then b, ascending.
    expect(run(s, coll('c', { where: and(ff('b', 'GREATER_THAN', 0), ff('a', 'GREATER_THAN', 0)) }))).toEqual(['3', '2', '1']);
    // Explicit order first; the inequality field follows in the last explicit direction.
    expect(run(s, coll('c', { where: ff('a', 'GREATER_THAN', 0), orderBy: [desc('b')] }))).toEqual(['2', '1', '3']);
  });
});

describe('field filters', () => {
  const q = (where: StructuredQuery['where']): StructuredQuery => coll('c', { where });

  it('== matches int and double of the same value, not other types', () => {
    expect(run(mixed(), q(ff('v', 'EQUAL', 1)))).toEqual(['onedbl', 'oneint']);
    expect(run(mixed(), q(ff('v', 'EQUAL', dbl(1))))).toEqual(['onedbl', 'oneint']);
    expect(run(mixed(), q(ff('v', 'EQUAL', [1, 2])))).toEqual(['arr']);
    expect(run(mixed(), q(ff('v', 'EQUAL', { a: 1 })))).toEqual(['map']);
    expect(run(mixed(), q(ff('v', 'EQUAL', '1')))).toEqual([]);
  });

  it('range filters stay inside the value type bracket', () => {
    expect(run(mixed(), q(ff('v', 'LESS_THAN', 1)))).toEqual(['neg', 'zero']);
    expect(run(mixed(), q(ff('v', 'LESS_THAN_OR_EQUAL', 1)))).toEqual(['neg', 'zero', 'onedbl', 'oneint']);
    expect(run(mixed(), q(ff('v', 'GREATER_THAN', 1)))).toEqual(['half', 'big']);
    expect(run(mixed(), q(ff('v', 'GREATER_THAN_OR_EQUAL', 'a')))).toEqual(['text', 'fffe', 'emoji']);
    expect(run(mixed(), q(ff('v', 'GREATER_THAN', '\uFFFF')))).toEqual(['emoji']);
    expect(run(mixed(), q(ff('v', 'LESS_THAN', true)))).toEqual(['false']);
    expect(run(mixed(), q(ff('v', 'GREATER_THAN', ts(0))))).toEqual(['time']);
    expect(run(mixed(), q(ff('v', 'GREATER_THAN', [1])))).toEqual(['arr', 'arr2']);
    expect(run(mixed(), q(ff('v', 'LESS_THAN', { b: 0 })))).toEqual(['map']);
  });

  it('!= excludes missing fields and nulls, includes NaN and every other type', () => {
    const got = run(mixed(), q(ff('v', 'NOT_EQUAL', 1)));
    expect(got).not.toContain('missing');
    expect(got).not.toContain('null');
    expect(got).not.toContain('oneint');
    expect(got).not.toContain('onedbl');
    expect(got).toContain('nan');
    expect(got).toHaveLength(21 - 3);
  });

  it('in / not-in', () => {
    expect(run(mixed(), q(ff('v', 'IN', [1, 'abc', null])))).toEqual(['null', 'onedbl', 'oneint', 'text']);
    const notIn = run(mixed(), q(ff('v', 'NOT_IN', [1, 'abc'])));
    expect(notIn).toHaveLength(21 - 4); // minus null, two ones, abc
    expect(notIn).not.toContain('null');
    expect(run(mixed(), q(ff('v', 'NOT_IN', [1, null])))).toEqual([]);
    // NaN never equals NaN: `in [NaN]` matches nothing.
    expect(run(mixed(), q(ff('v', 'IN', [NaN])))).toEqual([]);
  });

  it('array-contains and array-contains-any', () => {
    const s = new MemorySource();
    s.set('c/1', { tags: ['a', 'b'] });
    s.set('c/2', { tags: ['c', 1] });
    s.set('c/3', { tags: 'a' });
    s.set('c/4', { tags: [[1], { x: 1 }] as unknown[] });
    s.set('c/5', { tags: [1.0, NaN] });
    expect(run(s, coll('c', { where: ff('tags', 'ARRAY_CONTAINS', 'a') }))).toEqual(['1']);
    expect(run(s, coll('c', { where: ff('tags', 'ARRAY_CONTAINS', dbl(1)) }))).toEqual(['2', '5']);
    expect(run(s, coll('c', { where: ff('tags', 'ARRAY_CONTAINS', { x: 1 }) }))).toEqual(['4']);
    expect(run(s, coll('c', { where: ff('tags', 'ARRAY_CONTAINS_ANY', ['b', 'c']) }))).toEqual(['1', '2']);
    expect(run(s, coll('c', { where: ff('tags', 'ARRAY_CONTAINS_ANY', [NaN]) }))).toEqual([]);
  });

  it('__name__ filters compare document references', () => {
    const s = new MemorySource();
    for (const id of ['a', 'b', 'c']) s.set(`c/${id}`, {});
    expect(run(s, coll('c', { where: ff('__name__', 'EQUAL', ref('c/b')) }))).toEqual(['b']);
    expect(run(s, coll('c', { where: ff('__name__', 'GREATER_THAN', ref('c/a')) }))).toEqual(['b', 'c']);
    expect(run(s, coll('c', { where: ff('__name__', 'IN', [ref('c/a'), ref('c/c')]) }))).toEqual(['a', 'c']);
    expect(run(s, coll('c', { where: ff('__name__', 'NOT_IN', [ref('c/a')]) }))).toEqual(['b', 'c']);
  });
});

describe('unary filters', () => {
  const q = (where: StructuredQuery['where']): StructuredQuery => coll('c', { where });
  it('IS_NULL / IS_NAN match exactly null / NaN', () => {
    expect(run(mixed(), q(un('v', 'IS_NULL')))).toEqual(['null']);
    expect(run(mixed(), q(un('v', 'IS_NAN')))).toEqual(['nan']);
  });
  it('IS_NOT_NULL / IS_NOT_NAN exclude missing fields and null', () => {
    const notNull = run(mixed(), q(un('v', 'IS_NOT_NULL')));
    expect(notNull).toHaveLength(20);
    expect(notNull).toContain('nan');
    const notNan = run(mixed(), q(un('v', 'IS_NOT_NAN')));
    expect(notNan).toHaveLength(19);
    expect(notNan).not.toContain('null');
    expect(notNan).not.toContain('nan');
  });
});

describe('composite filters', () => {
  function people(): MemorySource {
    const s = new MemorySource();
    s.set('p/1', { age: 10, city: 'SF' });
    s.set('p/2', { age: 20, city: 'LA' });
    s.set('p/3', { age: 30, city: 'SF' });
    s.set('p/4', { age: 40 });
    return s;
  }
  it('AND, OR and nesting', () => {
    expect(run(people(), coll('p', { where: and(ff('city', 'EQUAL', 'SF'), ff('age', 'GREATER_THAN', 15)) }))).toEqual(['3']);
    expect(run(people(), coll('p', { where: or(ff('city', 'EQUAL', 'LA'), ff('age', 'GREATER_THAN', 35)) }))).toEqual(['2', '4']);
    expect(
      run(people(), coll('p', { where: and(ff('age', 'GREATER_THAN', 5), or(ff('city', 'EQUAL', 'LA'), ff('age', 'EQUAL', 10))) })),
    ).toEqual(['1', '2']);
  });
  it('an OR with an inequality orders by the inequality field', () => {
    expect(run(people(), coll('p', { where: or(ff('age', 'LESS_THAN', 15), ff('age', 'GREATER_THAN', 25)) }))).toEqual(['1', '3', '4']);
  });
});

describe('cursors, offset and limit', () => {
  function nums(): MemorySource {
    const s = new MemorySource();
    // v: a=1 b=2 c=2 d=3 e=4
    [['a', 1], ['b', 2], ['c', 2], ['d', 3], ['e', 4]].forEach(([id, v]) => s.set(`n/${id}`, { v }));
    return s;
  }
  const q = (extra: Partial<StructuredQuery>, dir = asc('v')): StructuredQuery => coll('n', { orderBy: [dir], ...extra });
  const cur = (before: boolean, ...values: Value[]) => ({ before, values });

  it('startAt / startAfter / endAt / endBefore with partial cursors', () => {
    expect(run(nums(), q({ startAt: cur(true, int(2)) }))).toEqual(['b', 'c', 'd', 'e']);
    expect(run(nums(), q({ startAt: cur(false, int(2)) }))).toEqual(['d', 'e']);
    expect(run(nums(), q({ endAt: cur(false, int(2)) }))).toEqual(['a', 'b', 'c']);
    expect(run(nums(), q({ endAt: cur(true, int(2)) }))).toEqual(['a']);
    expect(run(nums(), q({ startAt: cur(true, dbl(1.5)), endAt: cur(true, int(4)) }))).toEqual(['b', 'c', 'd']);
  });

  it('full cursors include __name__', () => {
    expect(run(nums(), q({ startAt: cur(false, int(2), ref('n/b')) }))).toEqual(['c', 'd', 'e']);
    expect(run(nums(), q({ startAt: cur(true, int(2), ref('n/c')) }))).toEqual(['c', 'd', 'e']);
    expect(run(nums(), q({ endAt: cur(true, int(2), ref('n/c')) }))).toEqual(['a', 'b']);
    expect(run(nums(), coll('n', { startAt: cur(false, ref('n/c')) }))).toEqual(['d', 'e']);
  });

  it('descending cursors', () => {
    expect(run(nums(), q({ startAt: cur(true, int(3)) }, desc('v')))).toEqual(['d', 'c', 'b', 'a']);
    expect(run(nums(), q({ startAt: cur(false, int(2), ref('n/c')) }, desc('v')))).toEqual(['b', 'a']);
    expect(run(nums(), q({ endAt: cur(true, int(2)) }, desc('v')))).toEqual(['e', 'd']);
  });

  it('cursor values of another type position by cross-type order', () => {
    expect(run(nums(), q({ startAt: cur(true, str('')) }))).toEqual([]);
    expect(run(nums(), q({ endAt: cur(false, nul()) }))).toEqual([]);
    expect(run(nums(), q({ startAt: cur(false, nul()) }))).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('offset and limit apply after cursors', () => {
    expect(run(nums(), q({ limit: { value: 2 } }))).toEqual(['a', 'b']);
    expect(run(nums(), q({ offset: 1, limit: { value: 2 } }))).toEqual(['b', 'c']);
    expect(run(nums(), q({ startAt: cur(false, int(1)), offset: 1, limit: 2 }))).toEqual(['c', 'd']);
    expect(run(nums(), q({ offset: 10 }))).toEqual([]);
    expect(run(nums(), q({ limit: {} }))).toEqual([]); // Int32Value 0 decodes as {}
    expect(run(nums(), coll('n', { limit: { value: 3 }, orderBy: [desc('__name__')] }))).toEqual(['e', 'd', 'c']);
  });

  it('limitToLast as sent by the client: reversed orders and swapped cursors', () => {
    // Client: orderBy(v).startAt(2).limitToLast(2) → orderBy(v desc), endAt {before: false}, then reverses.
    const sent = q({ endAt: cur(false, int(2)), limit: { value: 2 } }, desc('v'));
    expect(run(nums(), sent)).toEqual(['e', 'd']);
  });
});

describe('projection', () => {
  it('keeps only the selected (nested) fields; __name__ alone gives empty documents', () => {
    const s = new MemorySource();
    s.set('c/1', { a: 1, b: { x: 1, y: 2 }, c: 3 });
    const [doc] = runQuery(s, '', coll('c', { select: { fields: [{ fieldPath: 'a' }, { fieldPath: 'b.y' }, { fieldPath: 'zz' }] } })).documents;
    expect(doc.fields).toEqual({ a: int(1), b: map({ y: int(2) }) });
    const [nameOnly] = runQuery(s, '', coll('c', { select: { fields: [{ fieldPath: '__name__' }] } })).documents;
    expect(nameOnly.fields).toEqual({});
    expect(nameOnly.path).toBe('c/1');
    const [both] = runQuery(s, '', coll('c', { select: { fields: [{ fieldPath: 'b' }, { fieldPath: 'b.x' }] } })).documents;
    expect(both.fields).toEqual({ b: map({ x: int(1), y: int(2) }) });
    expect(s.docs.get('c/1')!.fields.b).toEqual(map({ x: int(1), y: int(2) })); // source untouched
  });
});

describe('scopes', () => {
  function tree(): MemorySource {
    const s = new MemorySource();
    s.set('users/u1', { n: 1 });
    s.set('users/u1/orders/o1', { n: 2 });
    s.set('users/u2/orders/o2', { n: 3 });
    s.set('shops/s1/orders/o3', { n: 4 });
    s.set('shops/s1/items/i1', { n: 5 });
    s.set('orders/o0', { n: 6 });
    return s;
  }
  it('collection queries only see direct children of the parent', () => {
    expect(run(tree(), coll('orders'), 'users/u1')).toEqual(['o1']);
    expect(run(tree(), coll('orders'))).toEqual(['o0']);
  });
  it('collection group queries see the id at any depth below the parent', () => {
    const group: StructuredQuery = { from: [{ collectionId: 'orders', allDescendants: true }], orderBy: [asc('n')] };
    expect(run(tree(), group)).toEqual(['o1', 'o2', 'o3', 'o0']);
    expect(run(tree(), group, 'users/u2')).toEqual(['o2']);
    expect(run(tree(), { ...group, where: ff('n', 'GREATER_THAN', 2) }, 'shops/s1')).toEqual(['o3']);
  });
  it('kindless all-descendants queries see every document below the parent', () => {
    expect(run(tree(), { from: [{ allDescendants: true }] }, 'shops/s1')).toEqual(['i1', 'o3']);
    expect(run(tree(), { from: [{ allDescendants: true }] }, 'users')).toEqual(['u1', 'o1', 'o2']);
  });
});

describe('validation', () => {
  const s = new MemorySource();
  it('rejects range comparisons with null or NaN', () => {
    expectInvalid(s, coll('c', { where: ff('a', 'LESS_THAN', null) }));
    expectInvalid(s, coll('c', { where: ff('a', 'GREATER_THAN', NaN) }), /NaN/);
  });
  it('rejects list operators without a non-empty array, and over their size limits', () => {
    expectInvalid(s, coll('c', { where: ff('a', 'IN', 1) }));
    expectInvalid(s, coll('c', { where: ff('a', 'IN', []) }));
    expectInvalid(s, coll('c', { where: ff('a', 'IN', Array.from({ length: 31 }, (_, i) => i)) }));
    expect(() => runQuery(s, '', coll('c', { where: ff('a', 'IN', Array.from({ length: 30 }, (_, i) => i)) }))).not.toThrow();
    expectInvalid(s, coll('c', { where: ff('a', 'NOT_IN', Array.from({ length: 11 }, (_, i) => i)) }));
    expectInvalid(s, coll('c', { where: ff('a', 'ARRAY_CONTAINS_ANY', Array.from({ length: 31 }, (_, i) => i)) }));
  });
  it('rejects forbidden combinations', () => {
    expectInvalid(s, coll('c', { where: and(ff('a', 'NOT_IN', [1]), ff('b', 'NOT_EQUAL', 1)) }));
    expectInvalid(s, coll('c', { where: and(ff('a', 'NOT_IN', [1]), ff('b', 'NOT_IN', [2])) }));
    expectInvalid(s, coll('c', { where: and(ff('a', 'NOT_IN', [1]), ff('b', 'IN', [2])) }));
    expectInvalid(s, coll('c', { where: or(ff('a', 'NOT_IN', [1]), ff('b', 'EQUAL', 2)) }));
    // 6 × 6 = 36 disjunctions after DNF expansion
    const six = Array.from({ length: 6 }, (_, i) => i);
    expectInvalid(s, coll('c', { where: and(ff('a', 'IN', six), ff('b', 'IN', six)) }), /disjunction/);
  });
  it('rejects __name__ filters whose value is not a reference', () => {
    expectInvalid(s, coll('c', { where: ff('__name__', 'EQUAL', 'c/a') }));
    expectInvalid(s, coll('c', { where: ff('__name__', 'IN', ['c/a']) }));
  });
  it('rejects cursors longer than the ordering and __name__ cursor values that are not references', () => {
    expectInvalid(s, coll('c', { orderBy: [asc('a')], startAt: { values: [int(1), ref('c/x'), int(3)] } }), /cursor/i);
    expectInvalid(s, coll('c', { startAt: { values: [str('x')] } }));
  });
  it('rejects orders after __name__, negative offset/limit, bad field paths, bad selectors', () => {
    expectInvalid(s, coll('c', { orderBy: [asc('__name__'), asc('a')] }));
    expectInvalid(s, coll('c', { offset: -1 }));
    expectInvalid(s, coll('c', { limit: { value: -1 } }));
    expectInvalid(s, coll('c', { orderBy: [asc('a..b')] }));
    expectInvalid(s, { from: [] });
    expectInvalid(s, { from: [{ collectionId: '' }] });
  });
});
