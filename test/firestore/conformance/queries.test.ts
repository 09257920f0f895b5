/**
 * Conformance: RunQuery.
 *
 * References:
 * - Operators and their rules: https://firebase.google.com/docs/firestore/query-data/queries
 *   ("!=" and "not-in" match documents where the field exists and is not null; range filters
 *   and orderBy only match documents of the compared type / documents that have the field).
 * - Order and limit, cursors: https://firebase.google.com/docs/firestore/query-data/order-limit-data,
 *   https://firebase.google.com/docs/firestore/query-data/query-cursors
 * - Cross-type value ordering: https://firebase.google.com/docs/firestore/manage-data/data-types
 *   (null < booleans < numbers (NaN first) < timestamps < strings (UTF-8 byte order) < bytes <
 *   references (by path segment) < geo points (latitude, then longitude) < arrays < maps)
 * - Implicit ordering rules: StructuredQuery.order_by in google/firestore/v1/query.proto.
 */
import { FieldPath, Filter, GeoPoint, Timestamp, type Firestore, type QuerySnapshot } from '@google-cloud/firestore';
import { Code, grpcCode, useFirestoreEmulator } from '../../support/firestore';

const db = useFirestoreEmulator('queries');

const ids = (snap: QuerySnapshot) => snap.docs.map((d) => d.id);

async function seed(client: Firestore, collection: string, docs: Record<string, Record<string, unknown>>) {
  const batch = client.batch();
  for (const [id, data] of Object.entries(docs)) batch.set(client.collection(collection).doc(id), data);
  await batch.commit();
}

describe('field filters', () => {
  beforeEach(async () => {
    await seed(db(), 'cities', {
      sf: { name: 'San Francisco', state: 'CA', country: 'USA', capital: false, population: 860000, regions: ['west_coast', 'norcal'] },
      la: { name: 'Los Angeles', state: 'CA', country: 'USA', capital: false, population: 3900000, regions: ['west_coast', 'socal'] },
      dc: { name: 'Washington, D.C.', state: null, country: 'USA', capital: true, population: 680000, regions: ['east_coast'] },
      tok: { name: 'Tokyo', state: null, country: 'Japan', capital: true, population: 9000000, regions: ['kanto', 'honshu'] },
      bj: { name: 'Beijing', state: null, country: 'China', capital: true, population: 21500000, regions: ['jingjinji', 'hebei'] },
      nocap: { name: 'Nowhere', country: 'Atlantis', population: 'unknown' },
    });
  });
  const cities = () => db().collection('cities');

  it('== and the default document-name order', async () => {
    expect(ids(await cities().where('state', '==', 'CA').get())).toEqual(['la', 'sf']);
    expect(ids(await cities().where('capital', '==', true).get())).toEqual(['bj', 'dc', 'tok']);
    expect(ids(await cities().where('country', '==', 'Nope').get())).toEqual([]);
  });

  it('range filters only match values of the same type (numbers vs the string "unknown")', async () => {
    expect(ids(await cities().where('population', '<', 1000000).get())).toEqual(['dc', 'sf']);
    expect(ids(await cities().where('population', '<=', 860000).get())).toEqual(['dc', 'sf']);
    expect(ids(await cities().where('population', '>', 9000000).get())).toEqual(['bj']);
    expect(ids(await cities().where('population', '>=', 9000000).get())).toEqual(['tok', 'bj']);
    expect(ids(await cities().where('population', '>=', 'a').get())).toEqual(['nocap']);
  });

  it('range filters order implicitly by the filtered field, then by name', async () => {
    const snap = await cities().where('population', '>', 0).get();
    expect(ids(snap)).toEqual(['dc', 'sf', 'la', 'tok', 'bj']);
  });

  it('!= excludes missing fields and nulls, and matches other types', async () => {
    // "returns every city document where the capital field exists with a value other than false or null"
    expect(ids(await cities().where('capital', '!=', false).get())).toEqual(['bj', 'dc', 'tok']);
    expect(ids(await cities().where('state', '!=', 'CA').get())).toEqual([]);
    // population != 860000 also matches the string "unknown"; ordered by population (numbers < strings).
    expect(ids(await cities().where('population', '!=', 860000).get())).toEqual(['dc', 'la', 'tok', 'bj', 'nocap']);
  });

  it('in and not-in', async () => {
    expect(ids(await cities().where('country', 'in', ['USA', 'Japan']).get())).toEqual(['dc', 'la', 'sf', 'tok']);
    // not-in excludes documents where the field is missing or null; ordered by the field.
    expect(ids(await cities().where('country', 'not-in', ['USA', 'Japan']).get())).toEqual(['nocap', 'bj']);
    expect(ids(await cities().where('state', 'not-in', ['NY']).get())).toEqual(['la', 'sf']);
    // in with an array value matches the whole array exactly.
    expect(ids(await cities().where('regions', 'in', [['west_coast', 'norcal'], ['east_coast']]).get())).toEqual(['dc', 'sf']);
  });

  it('array-contains and array-contains-any', async () => {
    expect(ids(await cities().where('regions', 'array-contains', 'west_coast').get())).toEqual(['la', 'sf']);
    expect(ids(await cities().where('regions', 'array-contains-any', ['east_coast', 'kanto', 'nope']).get())).toEqual(['dc', 'tok']);
    // a document matching several values is returned once
    expect(ids(await cities().where('regions', 'array-contains-any', ['west_coast', 'socal']).get())).toEqual(['la', 'sf']);
    expect(ids(await cities().where('name', 'array-contains', 'Tokyo').get())).toEqual([]);
  });

  it('== null / != null and == NaN / != NaN become unary filters', async () => {
    expect(ids(await cities().where('state', '==', null).get())).toEqual(['bj', 'dc', 'tok']);
    // != null: field exists and is not null
    expect(ids(await cities().where('state', '!=', null).get())).toEqual(['la', 'sf']);
    await seed(db(), 'nums', { a: { v: NaN }, b: { v: 1 }, c: { v: 'x' }, d: { v: null }, e: {} });
    expect(ids(await db().collection('nums').where('v', '==', NaN).get())).toEqual(['a']);
    // != NaN: the field exists and is not NaN (null excluded like any other != filter)
    const notNan = ids(await db().collection('nums').where('v', '!=', NaN).get());
    expect(notNan.sort()).toEqual(['b', 'c']);
  });

  it('several equality filters and a range filter combine with AND', async () => {
    const snap = await cities().where('country', '==', 'USA').where('capital', '==', false).where('population', '>', 1000000).get();
    expect(ids(snap)).toEqual(['la']);
  });

  it('filters on nested fields and quoted field paths', async () => {
    await seed(db(), 'nested', {
      a: { m: { x: 1, 'y.z': 'dot' } },
      b: { m: { x: 2 } },
      c: { m: 'not a map' },
    });
    expect(ids(await db().collection('nested').where('m.x', '>=', 1).get())).toEqual(['a', 'b']);
    expect(ids(await db().collection('nested').where(new FieldPath('m', 'y.z'), '==', 'dot').get())).toEqual(['a']);
    expect(ids(await db().collection('nested').where('m', '==', { x: 2 }).get())).toEqual(['b']);
  });

  it('equality on arrays and maps is exact (order and all keys matter)', async () => {
    await seed(db(), 'exact', {
      a: { arr: [1, 2], map: { a: 1, b: 2 } },
      b: { arr: [2, 1], map: { a: 1 } },
    });
    expect(ids(await db().collection('exact').where('arr', '==', [1, 2]).get())).toEqual(['a']);
    expect(ids(await db().collection('exact').where('map', '==', { a: 1 }).get())).toEqual(['b']);
    expect(ids(await db().collection('exact').where('map', '==', { b: 2, a: 1 }).get())).toEqual(['a']);
  });

  it('timestamp, bytes, reference and geo point equality and ranges', async () => {
    const ref1 = db().collection('x').doc('1');
    await seed(db(), 'typed', {
      a: { t: new Timestamp(100, 5000), b: Buffer.from([1, 2]), r: ref1, g: new GeoPoint(1, 2) },
      b: { t: new Timestamp(200, 0), b: Buffer.from([1, 3]), r: db().collection('x').doc('2'), g: new GeoPoint(1, 3) },
    });
    const typed = db().collection('typed');
    expect(ids(await typed.where('t', '>', new Timestamp(100, 4000)).get())).toEqual(['a', 'b']);
    expect(ids(await typed.where('t', '==', new Timestamp(100, 5000)).get())).toEqual(['a']);
    expect(ids(await typed.where('b', '>', Buffer.from([1, 2])).get())).toEqual(['b']);
    expect(ids(await typed.where('r', '==', ref1).get())).toEqual(['a']);
    expect(ids(await typed.where('g', '<', new GeoPoint(1, 2.5)).get())).toEqual(['a']);
  });

  it('an in filter with more than 30 values is INVALID_ARGUMENT (disjunction limit)', async () => {
    const values = Array.from({ length: 31 }, (_, i) => `v${i}`);
    expect(await grpcCode(cities().where('country', 'in', values).get())).toBe(Code.INVALID_ARGUMENT);
    const ok = await cities().where('country', 'in', [...values.slice(0, 29), 'USA']).get();
    expect(ok.size).toBe(3);
  });
});

describe('composite filters (Filter.or / Filter.and)', () => {
  beforeEach(async () => {
    await seed(db(), 'c', {
      a: { x: 1, y: 'a', tags: ['t1'] },
      b: { x: 2, y: 'b', tags: ['t2'] },
      c: { x: 3, y: 'a', tags: ['t1', 't3'] },
      d: { x: 4, y: 'c' },
      e: { y: 'b' },
    });
  });

  it('OR of equalities', async () => {
    const snap = await db()
      .collection('c')
      .where(Filter.or(Filter.where('x', '==', 1), Filter.where('y', '==', 'b')))
      .get();
    expect(ids(snap)).toEqual(['a', 'b', 'e']);
  });

  it('AND of ORs and an OR containing an AND', async () => {
    const andOfOrs = await db()
      .collection('c')
      .where(
        Filter.and(
          Filter.or(Filter.where('y', '==', 'a'), Filter.where('y', '==', 'c')),
          Filter.or(Filter.where('x', '==', 3), Filter.where('x', '==', 4)),
        ),
      )
      .get();
    expect(ids(andOfOrs)).toEqual(['c', 'd']);
    const orOfAnd = await db()
      .collection('c')
      .where(Filter.or(Filter.and(Filter.where('y', '==', 'a'), Filter.where('x', '==', 1)), Filter.where('x', '==', 4)))
      .get();
    expect(ids(orOfAnd)).toEqual(['a', 'd']);
  });

  it('OR with in and array-contains, ordered and limited', async () => {
    const snap = await db()
      .collection('c')
      .where(Filter.or(Filter.where('x', 'in', [2, 4]), Filter.where('tags', 'array-contains', 't3')))
      .orderBy('x', 'desc')
      .limit(2)
      .get();
    expect(ids(snap)).toEqual(['d', 'c']);
  });

  it('a document matching several branches of an OR is returned once', async () => {
    const snap = await db()
      .collection('c')
      .where(Filter.or(Filter.where('y', '==', 'a'), Filter.where('tags', 'array-contains', 't1'), Filter.where('x', '<', 2)))
      .get();
    expect(ids(snap)).toEqual(['a', 'c']);
  });
});

describe('ordering', () => {
  const values: Array<[string, unknown]> = [];
  function build() {
    values.length = 0;
    values.push(
      ['01-null', null],
      ['02-false', false],
      ['03-true', true],
      ['04-nan', NaN],
      ['05-ninf', -Infinity],
      ['06-neg', -5],
      ['07-zero', 0],
      ['08-dbl', 1.5],
      ['09-int', 3],
      ['10-inf', Infinity],
      ['11-ts1', new Timestamp(0, 1000)],
      ['12-ts2', new Timestamp(1700000000, 0)],
      ['13-str-upper', 'Z'],
      ['14-str-lower', 'a'],
      ['15-str-longer', 'ab'],
      ['16-str-bmp', '\uffff'], // UTF-8 EF BF BF sorts before any 4-byte sequence...
      ['17-str-astral', '😀'], // ...even though its UTF-16 code unit (0xD83D) is smaller
      ['18-bytes', Buffer.from([0x00])],
      ['19-bytes', Buffer.from([0x00, 0x00])],
      ['20-bytes', Buffer.from([0xff])],
      ['21-ref', db().collection('r').doc('a').collection('s').doc('x')], // segment "a" < "a-b"
      ['22-ref', db().collection('r').doc('a-b')],
      ['23-ref', db().collection('s').doc('a')],
      ['24-geo', new GeoPoint(-10, 100)],
      ['25-geo', new GeoPoint(10, -100)],
      ['26-geo', new GeoPoint(10, 0)],
      ['27-arr', []],
      ['28-arr', [1]],
      ['29-arr', [1, 0]],
      ['30-arr', [2]],
      ['31-arr', ['a']],
      ['32-map', {}],
      ['33-map', { a: 1 }],
      ['34-map', { a: 1, b: 0 }],
      ['35-map', { a: 2 }],
      ['36-map', { b: 0 }],
    );
  }

  beforeEach(async () => {
    build();
    const batch = db().batch();
    // Document ids are shuffled relative to the expected order so name order cannot fake it.
    values.forEach(([id, v], i) => batch.set(db().collection('ord').doc(`doc${(i * 7919) % 1000}-${id}`), { v }));
    batch.set(db().collection('ord').doc('no-field'), { other: 1 });
    await batch.commit();
  });

  const label = (id: string) => id.replace(/^doc\d+-/, '');

  it('orderBy ascending follows the cross-type order and excludes documents without the field', async () => {
    const snap = await db().collection('ord').orderBy('v').get();
    expect(snap.docs.map((d) => label(d.id))).toEqual(values.map(([id]) => id));
  });

  it('orderBy descending is the exact reverse', async () => {
    const snap = await db().collection('ord').orderBy('v', 'desc').get();
    expect(snap.docs.map((d) => label(d.id))).toEqual(values.map(([id]) => id).reverse());
  });

  it('numbers compare across integer and double and ties are broken by document name', async () => {
    await seed(db(), 'ties', { b: { n: 2, m: 'x' }, a: { n: 2.5, m: 'y' }, c: { n: 2, m: 'x' }, d: { n: 1, m: 'z' } });
    expect(ids(await db().collection('ties').orderBy('n').get())).toEqual(['d', 'b', 'c', 'a']);
    expect(ids(await db().collection('ties').orderBy('n', 'desc').get())).toEqual(['a', 'c', 'b', 'd']);
    expect(ids(await db().collection('ties').orderBy('m').orderBy('n', 'desc').get())).toEqual(['c', 'b', 'a', 'd']);
  });

  it('multi-field orderBy with mixed directions and nested fields', async () => {
    await seed(db(), 'multi', {
      a: { g: 1, s: { v: 3 } },
      b: { g: 2, s: { v: 1 } },
      c: { g: 1, s: { v: 5 } },
      d: { g: 2, s: { v: 9 } },
      e: { g: 1 },
    });
    const snap = await db().collection('multi').orderBy('g', 'desc').orderBy('s.v').get();
    expect(ids(snap)).toEqual(['b', 'd', 'a', 'c']);
  });

  db.itUnlessGap('descending-name-order')('orderBy on the document id', async () => {
    await seed(db(), 'byid', { b: {}, a: {}, c: {} });
    expect(ids(await db().collection('byid').orderBy(FieldPath.documentId(), 'desc').get())).toEqual(['c', 'b', 'a']);
  });
});

describe('cursors, offset, limit', () => {
  beforeEach(async () => {
    const docs: Record<string, Record<string, unknown>> = {};
    for (let i = 0; i < 10; i++) docs[`d${i}`] = { n: i, g: i % 3, s: `s${9 - i}` };
    await seed(db(), 'p', docs);
  });
  const p = () => db().collection('p');

  it('startAt / startAfter / endAt / endBefore with values', async () => {
    expect(ids(await p().orderBy('n').startAt(3).endAt(5).get())).toEqual(['d3', 'd4', 'd5']);
    expect(ids(await p().orderBy('n').startAfter(3).endBefore(6).get())).toEqual(['d4', 'd5']);
    expect(ids(await p().orderBy('n', 'desc').startAt(5).endBefore(2).get())).toEqual(['d5', 'd4', 'd3']);
    // A cursor need not match an existing value.
    expect(ids(await p().orderBy('n').startAt(7.5).get())).toEqual(['d8', 'd9']);
  });

  it('cursors with a prefix of several orderBy fields', async () => {
    // order: g asc, n desc → (0: d9 d6 d3 d0) (1: d7 d4 d1) (2: d8 d5 d2)
    expect(ids(await p().orderBy('g').orderBy('n', 'desc').get())).toEqual(['d9', 'd6', 'd3', 'd0', 'd7', 'd4', 'd1', 'd8', 'd5', 'd2']);
    expect(ids(await p().orderBy('g').orderBy('n', 'desc').startAt(1).get())).toEqual(['d7', 'd4', 'd1', 'd8', 'd5', 'd2']);
    expect(ids(await p().orderBy('g').orderBy('n', 'desc').startAfter(0, 3).endAt(1, 4).get())).toEqual(['d0', 'd7', 'd4']);
    expect(ids(await p().orderBy('g').orderBy('n', 'desc').endBefore(1).get())).toEqual(['d9', 'd6', 'd3', 'd0']);
  });

  it('cursors from document snapshots (implicit __name__ tie-breaker)', async () => {
    await seed(db(), 'dups', { a: { v: 1 }, b: { v: 1 }, c: { v: 1 }, d: { v: 2 } });
    const b = await db().collection('dups').doc('b').get();
    expect(ids(await db().collection('dups').orderBy('v').startAfter(b).get())).toEqual(['c', 'd']);
    expect(ids(await db().collection('dups').orderBy('v').startAt(b).get())).toEqual(['b', 'c', 'd']);
    expect(ids(await db().collection('dups').orderBy('v').endBefore(b).get())).toEqual(['a']);
    expect(ids(await db().collection('dups').orderBy('v', 'desc').startAfter(b).get())).toEqual(['a']);
    // Without orderBy, a snapshot cursor pages through name order.
    expect(ids(await db().collection('dups').startAfter(b).get())).toEqual(['c', 'd']);
  });

  it('paginates with startAfter(lastDoc) + limit to the same result as one query', async () => {
    const all: string[] = [];
    let q = p().orderBy('s').limit(3);
    for (;;) {
      const page = await q.get();
      all.push(...ids(page));
      if (page.size < 3) break;
      q = p().orderBy('s').startAfter(page.docs[page.size - 1]).limit(3);
    }
    expect(all).toEqual(ids(await p().orderBy('s').get()));
    expect(all).toHaveLength(10);
  });

  it('offset and limit', async () => {
    expect(ids(await p().orderBy('n').offset(7).get())).toEqual(['d7', 'd8', 'd9']);
    expect(ids(await p().orderBy('n').offset(2).limit(3).get())).toEqual(['d2', 'd3', 'd4']);
    expect(ids(await p().orderBy('n').offset(20).get())).toEqual([]);
    expect(ids(await p().orderBy('n').startAfter(4).offset(1).limit(2).get())).toEqual(['d6', 'd7']);
    expect(ids(await p().limit(2).get())).toEqual(['d0', 'd1']);
  });

  it('limitToLast returns the last N in query order', async () => {
    expect(ids(await p().orderBy('n').limitToLast(3).get())).toEqual(['d7', 'd8', 'd9']);
    expect(ids(await p().orderBy('n', 'desc').limitToLast(2).get())).toEqual(['d1', 'd0']);
    expect(ids(await p().orderBy('n').endBefore(5).limitToLast(2).get())).toEqual(['d3', 'd4']);
  });
});

describe('projections (select)', () => {
  beforeEach(async () => {
    await seed(db(), 'sel', {
      a: { x: 1, y: 2, m: { p: 1, q: 2 } },
      b: { y: 3 },
    });
  });

  it('returns only the selected fields, nested ones as partial maps', async () => {
    const snap = await db().collection('sel').select('x', 'm.q').get();
    expect(snap.docs.map((d) => [d.id, d.data()])).toEqual([
      ['a', { x: 1, m: { q: 2 } }],
      ['b', {}],
    ]);
  });

  it('select() with no fields returns the document names only', async () => {
    const snap = await db().collection('sel').select().get();
    expect(ids(snap)).toEqual(['a', 'b']);
    expect(snap.docs.map((d) => d.data())).toEqual([{}, {}]);
  });

  it('select combined with a filter on a field that is not selected', async () => {
    const snap = await db().collection('sel').where('y', '>', 2).select('x').get();
    expect(snap.docs.map((d) => [d.id, d.data()])).toEqual([['b', {}]]);
  });
});

describe('collection groups and document ids', () => {
  beforeEach(async () => {
    const batch = db().batch();
    batch.set(db().doc('users/alice/items/1'), { n: 1, owner: 'alice' });
    batch.set(db().doc('users/alice/items/2'), { n: 2, owner: 'alice' });
    batch.set(db().doc('users/bob/items/1'), { n: 3, owner: 'bob' });
    batch.set(db().doc('users/bob/lists/l/items/9'), { n: 4, owner: 'bob' });
    batch.set(db().doc('items/top'), { n: 5, owner: 'root' });
    batch.set(db().doc('users/a-b/items/1'), { n: 6, owner: 'a-b' });
    batch.set(db().doc('users/a/items/1'), { n: 0, owner: 'a' });
    batch.set(db().doc('users/alice/items2/x'), { n: 7, owner: 'alice' });
    batch.set(db().doc('users/alice/itemsx/x'), { n: 8, owner: 'alice' });
    await batch.commit();
  });

  it('collectionGroup finds every collection with the id at any depth, in path-segment order', async () => {
    const snap = await db().collectionGroup('items').get();
    expect(snap.docs.map((d) => d.ref.path)).toEqual([
      'items/top',
      // by path segment: "a" < "a-b" (a plain string compare of the full names would invert these)
      'users/a/items/1',
      'users/a-b/items/1',
      'users/alice/items/1',
      'users/alice/items/2',
      'users/bob/items/1',
      'users/bob/lists/l/items/9',
    ]);
  });

  it('collectionGroup with filters and ordering', async () => {
    const snap = await db().collectionGroup('items').where('owner', '==', 'bob').orderBy('n', 'desc').get();
    expect(snap.docs.map((d) => d.ref.path)).toEqual(['users/bob/lists/l/items/9', 'users/bob/items/1']);
  });

  it('documentId filters on a collection accept ids', async () => {
    const users = db().collection('users').doc('alice').collection('items');
    expect(ids(await users.where(FieldPath.documentId(), '==', '2').get())).toEqual(['2']);
    expect(ids(await users.where(FieldPath.documentId(), 'in', ['1', '3', '2']).get())).toEqual(['1', '2']);
    expect(ids(await users.where(FieldPath.documentId(), '>', '1').get())).toEqual(['2']);
    expect(ids(await users.where(FieldPath.documentId(), 'not-in', ['1']).get())).toEqual(['2']);
  });

  it('documentId range on a collection group selects a subtree', async () => {
    const snap = await db()
      .collectionGroup('items')
      .where(FieldPath.documentId(), '>=', db().doc('users/bob'))
      .where(FieldPath.documentId(), '<', db().doc('users/bob0'))
      .get();
    expect(snap.docs.map((d) => d.ref.path)).toEqual(['users/bob/items/1', 'users/bob/lists/l/items/9']);
  });

  it('a collection query is shallow: it does not include subcollection documents', async () => {
    const snap = await db().collection('users').get();
    // users/alice, users/bob, users/a-b are missing parents, not documents.
    expect(snap.size).toBe(0);
  });
});

describe('PartitionQuery (CollectionGroup.getPartitions)', () => {
  db.itUnlessGap('partition-query')('partitions cover every document of the group exactly once', async () => {
    const batch = db().batch();
    for (let i = 0; i < 120; i++) batch.set(db().doc(`shards/s${i % 6}/parts/p${String(i).padStart(3, '0')}`), { i });
    await batch.commit();
    const seen: string[] = [];
    let partitions = 0;
    for await (const partition of db().collectionGroup('parts').getPartitions(4)) {
      partitions++;
      const snap = await partition.toQuery().get();
      seen.push(...snap.docs.map((d) => d.ref.path));
    }
    expect(partitions).toBeGreaterThanOrEqual(1);
    expect(partitions).toBeLessThanOrEqual(4);
    expect(seen).toHaveLength(120);
    expect(new Set(seen).size).toBe(120);
  });
});
