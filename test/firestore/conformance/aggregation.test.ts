/**
 * Conformance: RunAggregationQuery (count, sum, avg).
 * https://firebase.google.com/docs/firestore/query-data/aggregation-queries:
 * - sum() and average() ignore non-numeric values; sum of integers is an integer (doubles make it a
 *   double); average() of no numeric values is null; sum() of none is 0.
 * - An aggregation applies to the query's filters, limit and implicit orderBy existence filter.
 * - sum() and average() are computed from index entries of their field
 *   (https://cloud.google.com/blog/products/databases/aggregate-with-sum-and-avg-in-firestore), so
 *   a query with sum/average only covers documents that have every aggregated field (any type,
 *   null included), for count() too. The official emulator does the same, and so do the Firebase
 *   SDKs' integration tests (four documents, one missing a field: count() is 3).
 */
import { AggregateField, FieldPath, Filter } from '@google-cloud/firestore';
import { useFirestoreEmulator } from '../../support/firestore';

const db = useFirestoreEmulator('aggregation');

beforeEach(async () => {
  const batch = db().batch();
  const col = db().collection('sales');
  const rows: Array<Record<string, unknown>> = [
    { region: 'eu', amount: 10, qty: 1 },
    { region: 'eu', amount: 2.5, qty: 2 },
    { region: 'us', amount: 7, qty: 3 },
    { region: 'us', amount: 'n/a', qty: 4 },
    { region: 'us', qty: 5 },
    { region: 'apac', amount: null },
  ];
  rows.forEach((r, i) => batch.set(col.doc(`s${i}`), r));
  await batch.commit();
});

describe('count', () => {
  it('counts a collection, a filtered query and an empty result', async () => {
    const col = db().collection('sales');
    expect((await col.count().get()).data().count).toBe(6);
    expect((await col.where('region', '==', 'us').count().get()).data().count).toBe(3);
    expect((await col.where('region', '==', 'nowhere').count().get()).data().count).toBe(0);
    expect((await db().collection('empty').count().get()).data().count).toBe(0);
  });

  it('honours limit, offset-free cursors and orderBy existence', async () => {
    const col = db().collection('sales');
    expect((await col.limit(4).count().get()).data().count).toBe(4);
    expect((await col.where('region', '==', 'us').limit(10).count().get()).data().count).toBe(3);
    // orderBy('amount') drops the document without `amount` (s4).
    expect((await col.orderBy('amount').count().get()).data().count).toBe(5);
    expect((await col.orderBy('qty').startAfter(3).count().get()).data().count).toBe(2);
  });

  it('counts a collection group and an OR query', async () => {
    await db().doc('a/1/sales/x').set({ region: 'eu' });
    expect((await db().collectionGroup('sales').count().get()).data().count).toBe(7);
    const or = db()
      .collection('sales')
      .where(Filter.or(Filter.where('region', '==', 'apac'), Filter.where('qty', 'in', [4, 5])));
    expect((await or.count().get()).data().count).toBe(3);
  });
});

describe('sum and average', () => {
  it('ignore non-numeric values; documents without the field are left out of every aggregation', async () => {
    const snap = await db()
      .collection('sales')
      .aggregate({ total: AggregateField.sum('amount'), avg: AggregateField.average('amount'), n: AggregateField.count() })
      .get();
    // s4 has no `amount`: not counted. s3 ('n/a') and s5 (null) have it: counted, not summed.
    expect(snap.data()).toEqual({ total: 19.5, avg: 6.5, n: 5 });
  });

  it('several aggregated fields: only documents with all of them, before the limit', async () => {
    const col = db().collection('books');
    await col.doc('a').set({ pages: 100, year: 1980 });
    await col.doc('b').set({ pages: 50, year: 2020 });
    await col.doc('c').set({ pages: 150, year: 2021 });
    await col.doc('d').set({ pages: 50 });
    const all = await col
      .aggregate({ pages: AggregateField.sum('pages'), avgPages: AggregateField.average('pages'), avgYear: AggregateField.average('year'), n: AggregateField.count() })
      .get();
    expect(all.data()).toEqual({ pages: 300, avgPages: 100, avgYear: 2007, n: 3 });
    // Alone, sum('pages') covers d too.
    expect((await col.aggregate({ pages: AggregateField.sum('pages') }).get()).data().pages).toBe(350);
    // In name order a, b, c, d: the existence filter drops d before limit(2) keeps a and b.
    const limited = await col.limit(2).aggregate({ y: AggregateField.sum('year'), n: AggregateField.count() }).get();
    expect(limited.data()).toEqual({ y: 4000, n: 2 });
    const offset = await col.offset(2).aggregate({ y: AggregateField.sum('year'), n: AggregateField.count() }).get();
    expect(offset.data()).toEqual({ y: 2021, n: 1 });
  });

  it('sum of integers is exact; average is a double', async () => {
    const snap = await db()
      .collection('sales')
      .aggregate({ q: AggregateField.sum('qty'), a: AggregateField.average('qty') })
      .get();
    expect(snap.data()).toEqual({ q: 15, a: 3 });
  });

  it('with filters and limit', async () => {
    const snap = await db()
      .collection('sales')
      .where('region', '==', 'us')
      .aggregate({ q: AggregateField.sum('qty'), amt: AggregateField.sum('amount'), avg: AggregateField.average('qty') })
      .get();
    // s4 (qty 5) has no `amount`, so it is in none of the three aggregations.
    expect(snap.data()).toEqual({ q: 7, amt: 7, avg: 3.5 });
    const limited = await db()
      .collection('sales')
      .orderBy('qty', 'desc')
      .limit(2)
      .aggregate({ q: AggregateField.sum('qty') })
      .get();
    expect(limited.data().q).toBe(9);
  });

  it('no numeric values: sum is 0 and average is null', async () => {
    const snap = await db()
      .collection('sales')
      .where('region', '==', 'apac')
      .aggregate({ s: AggregateField.sum('amount'), a: AggregateField.average('amount') })
      .get();
    expect(snap.data()).toEqual({ s: 0, a: null });
  });

  it('aggregates nested fields', async () => {
    await db().collection('nested').doc('a').set({ m: { v: 2 } });
    await db().collection('nested').doc('b').set({ m: { v: 4 } });
    const snap = await db()
      .collection('nested')
      .aggregate({ s: AggregateField.sum(new FieldPath('m', 'v')), a: AggregateField.average('m.v') })
      .get();
    expect(snap.data()).toEqual({ s: 6, a: 3 });
  });

  it('the aggregation snapshot has a read time', async () => {
    const snap = await db().collection('sales').count().get();
    expect(snap.readTime.toMillis()).toBeGreaterThan(0);
  });
});
