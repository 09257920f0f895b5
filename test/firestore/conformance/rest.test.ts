/**
 * Conformance: the emulator's REST conveniences that tests rely on.
 * `DELETE /emulator/v1/projects/{project}/databases/{database}/documents` clears every document of
 * that database (the official emulator's "clear data" endpoint:
 * https://firebase.google.com/docs/emulator-suite/connect_firestore#clear_your_database_between_tests)
 * and nothing else.
 */
import { useFirestoreEmulator } from '../../support/firestore';

const db = useFirestoreEmulator('rest');

describe('DELETE /emulator/v1/projects/{p}/databases/{d}/documents', () => {
  it('clears every document of that database, including subcollections', async () => {
    await db().collection('a').doc('1').set({ v: 1 });
    await db().collection('a').doc('1').collection('sub').doc('s').set({ v: 2 });
    await db().collection('b').doc('2').set({ v: 3 });
    const res = await db.rest('DELETE', `/emulator/v1/projects/${db.projectId}/databases/(default)/documents`);
    expect(res.status).toBe(200);
    expect((await db().collection('a').doc('1').get()).exists).toBe(false);
    expect((await db().collection('a').doc('1').collection('sub').doc('s').get()).exists).toBe(false);
    expect((await db().collection('b').get()).size).toBe(0);
    expect(await db().listCollections()).toEqual([]);
  });

  it('clears only the named database and project', async () => {
    const otherDb = db.client({ databaseId: 'keep-db' });
    const otherProject = db.client({ projectId: `${db.projectId}-keep` });
    await db().collection('c').doc('x').set({ v: 1 });
    await otherDb.collection('c').doc('x').set({ v: 2 });
    await otherProject.collection('c').doc('x').set({ v: 3 });
    await db.clear(db.projectId, '(default)');
    expect((await db().collection('c').doc('x').get()).exists).toBe(false);
    expect((await otherDb.collection('c').doc('x').get()).get('v')).toBe(2);
    expect((await otherProject.collection('c').doc('x').get()).get('v')).toBe(3);
    await db.clear(db.projectId, 'keep-db');
    expect((await otherDb.collection('c').doc('x').get()).exists).toBe(false);
    expect((await otherProject.collection('c').doc('x').get()).get('v')).toBe(3);
  });

  it('the database is fully usable after a clear', async () => {
    const ref = db().collection('after').doc('x');
    await ref.set({ v: 1 });
    await db.clear();
    await ref.create({ v: 2 }); // create succeeds: the old document is really gone
    expect((await ref.get()).data()).toEqual({ v: 2 });
  });
});
