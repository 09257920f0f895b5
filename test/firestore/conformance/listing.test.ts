/**
 * Conformance: ListDocuments (CollectionReference.listDocuments, which asks for missing documents
 * too: "The document references returned may include references to documents that do not exist,
 * for instance if a document has no fields but does have subcollections") and ListCollectionIds
 * (Firestore.listCollections, DocumentReference.listCollections).
 * https://cloud.google.com/nodejs/docs/reference/firestore/latest/firestore/collectionreference#_google_cloud_firestore_CollectionReference_listDocuments_member_1_
 */
import { useFirestoreEmulator } from '../../support/firestore';

const db = useFirestoreEmulator('listing');

describe('listDocuments', () => {
  it('lists existing documents and missing parents that only have subcollections', async () => {
    const col = db().collection('people');
    await col.doc('alice').set({ n: 1 });
    await col.doc('carol').set({ n: 3 });
    await col.doc('bob').collection('pets').doc('rex').set({ kind: 'dog' }); // bob itself does not exist
    await col.doc('dave').collection('a').doc('b').collection('c').doc('d').set({ deep: true });
    await db().collection('peoplex').doc('zed').set({ n: 0 }); // a different collection
    await col.doc('eve').set({ n: 5 });
    await col.doc('eve').delete(); // deleted and without subcollections: gone
    const refs = await col.listDocuments();
    expect(refs.map((r) => r.path).sort()).toEqual(['people/alice', 'people/bob', 'people/carol', 'people/dave']);
    const snaps = await db().getAll(...refs.sort((a, b) => a.id.localeCompare(b.id)));
    expect(snaps.map((s) => s.exists)).toEqual([true, false, true, false]);
  });

  it('lists documents of a subcollection only', async () => {
    const parent = db().collection('orgs').doc('o1');
    await parent.set({ name: 'o1' });
    await parent.collection('members').doc('m1').set({});
    await parent.collection('members').doc('m2').set({});
    await db().collection('orgs').doc('o2').collection('members').doc('m3').set({});
    const refs = await parent.collection('members').listDocuments();
    expect(refs.map((r) => r.path).sort()).toEqual(['orgs/o1/members/m1', 'orgs/o1/members/m2']);
  });

  it('lists more documents than one page (pagination through page tokens)', async () => {
    const col = db().collection('paged');
    const batch = db().batch();
    for (let i = 0; i < 450; i++) batch.set(col.doc(`d${String(i).padStart(4, '0')}`), { i });
    await batch.commit();
    const refs = await col.listDocuments();
    expect(refs).toHaveLength(450);
    expect(new Set(refs.map((r) => r.id)).size).toBe(450);
  });

  it('an empty or unknown collection lists nothing', async () => {
    expect(await db().collection('nothing-here').listDocuments()).toEqual([]);
  });
});

describe('listCollections', () => {
  it('lists root collections, including those holding only missing parents', async () => {
    await db().collection('alpha').doc('a').set({});
    await db().collection('beta').doc('b').collection('inner').doc('i').set({});
    await db().collection('gamma').doc('g').set({});
    await db().collection('gamma').doc('g').delete();
    const cols = await db().listCollections();
    expect(cols.map((c) => c.id).sort()).toEqual(['alpha', 'beta']);
  });

  it('lists the subcollections of a document, existing or missing, without grandchildren', async () => {
    const doc = db().collection('users').doc('u1');
    await doc.set({ name: 'u1' });
    await doc.collection('orders').doc('o1').set({});
    await doc.collection('carts').doc('c1').collection('lines').doc('l1').set({});
    await doc.collection('wishes').doc('w1').set({});
    await db().collection('users').doc('u2').collection('other').doc('x').set({});
    const cols = await doc.listCollections();
    expect(cols.map((c) => c.id).sort()).toEqual(['carts', 'orders', 'wishes']);
    expect(cols.find((c) => c.id === 'orders')!.path).toBe('users/u1/orders');
    const missingParent = await db().collection('users').doc('u2').listCollections();
    expect(missingParent.map((c) => c.id)).toEqual(['other']);
    expect(await db().collection('users').doc('nobody').listCollections()).toEqual([]);
  });
});
