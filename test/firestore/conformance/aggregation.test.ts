/**
 * Conformance: RunAggregationQuery (count, sum, avg).
 * https://firebase.google.com/docs/firestore/query-data/aggregation-queries:
 * - sum() and average() ignore non-numeric values; sum of integers is an integer (doubles make it a
 *   double); average() of no numeric values is null; sum() of none is 0.
 * - An aggregation applies to the query's filters, limit and implicit orderBy existence filter.
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
  it('ignore non-numeric values and missing fields', async () => {
    const snap = await db()
      .collection('sales')
      .aggregate({ total: AggregateField.sum('amount'), avg: AggregateField.average('amount'), n: AggregateField.count() })
      .get();
    expect(snap.data()).toEqual({ total: 19.5, avg: 6.5, n: 6 });
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
    expect(snap.data()).toEqual({ q: 12, amt: 7, avg: 4 });
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
