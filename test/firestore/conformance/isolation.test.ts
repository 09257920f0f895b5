/**
 * Conformance: projects and databases are isolated namespaces. A document path is only meaningful
 * inside `projects/{project}/databases/{database}`; nothing written in one is visible in another —
 * not to reads, queries, listings, aggregations or collection-group queries.
 */
import { useFirestoreEmulator } from '../../support/firestore';

const db = useFirestoreEmulator('isolation');

describe('isolation', () => {
  it('two projects do not see each other’s documents', async () => {
    const p1 = db();
    const p2 = db.client({ projectId: `${db.projectId}-other` });
    await p1.collection('shared').doc('x').set({ owner: 'p1' });
    await p2.collection('shared').doc('x').set({ owner: 'p2' });
    await p2.collection('only-p2').doc('y').set({ owner: 'p2' });
    expect((await p1.collection('shared').doc('x').get()).get('owner')).toBe('p1');
    expect((await p2.collection('shared').doc('x').get()).get('owner')).toBe('p2');
    expect((await p1.collection('only-p2').doc('y').get()).exists).toBe(false);
    expect((await p1.collection('shared').get()).size).toBe(1);
    expect((await p1.listCollections()).map((c) => c.id)).toEqual(['shared']);
    expect((await p2.listCollections()).map((c) => c.id).sort()).toEqual(['only-p2', 'shared']);
  });

  it('two databases of one project do not see each other’s documents', async () => {
    const main = db();
    const other = db.client({ databaseId: 'other' });
    await main.collection('items').doc('a').set({ db: 'default' });
    await other.collection('items').doc('a').set({ db: 'other' });
    await other.collection('items').doc('b').set({ db: 'other' });
    expect((await main.collection('items').doc('a').get()).get('db')).toBe('default');
    expect((await other.collection('items').doc('a').get()).get('db')).toBe('other');
    expect((await main.collection('items').count().get()).data().count).toBe(1);
    expect((await other.collection('items').count().get()).data().count).toBe(2);
    expect((await main.collectionGroup('items').get()).size).toBe(1);
    expect((await main.collection('items').listDocuments()).map((r) => r.id)).toEqual(['a']);
  });

  it('a transaction in one database does not conflict with writes in another', async () => {
    const main = db();
    const other = db.client({ databaseId: 'other' });
    const ref = main.collection('tx').doc('t');
    await ref.set({ n: 0 });
    let attempts = 0;
    await main.runTransaction(async (tx) => {
      attempts++;
      const snap = await tx.get(ref);
      if (attempts === 1) await other.collection('tx').doc('t').set({ n: 100 });
      tx.update(ref, { n: snap.get('n') + 1 });
    });
    expect(attempts).toBe(1);
    expect((await ref.get()).get('n')).toBe(1);
    expect((await other.collection('tx').doc('t').get()).get('n')).toBe(100);
  });

  it('data written in one test is gone in the next (the helper clears every database it used)', async () => {
    expect((await db().collection('shared').get()).size).toBe(0);
    expect((await db().collection('items').get()).size).toBe(0);
    expect((await db.client({ databaseId: 'other' }).collection('items').get()).size).toBe(0);
  });
});
