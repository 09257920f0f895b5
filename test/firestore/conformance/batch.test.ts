/**
 * Conformance: WriteBatch → Commit. A commit is atomic: either every write lands or none does
 * (https://firebase.google.com/docs/firestore/manage-data/transactions#batched-writes).
 */
import { FieldValue } from '@google-cloud/firestore';
import { Code, grpcCode, useFirestoreEmulator } from '../../support/firestore';

const db = useFirestoreEmulator('batch');

describe('WriteBatch', () => {
  it('commits set, update, create and delete together with one commit time', async () => {
    const col = db().collection('b');
    await col.doc('toUpdate').set({ v: 1 });
    await col.doc('toDelete').set({ v: 1 });
    const batch = db().batch();
    batch.set(col.doc('set'), { v: 'set' });
    batch.update(col.doc('toUpdate'), { v: 2, extra: true });
    batch.create(col.doc('created'), { v: 'created' });
    batch.delete(col.doc('toDelete'));
    const results = await batch.commit();
    expect(results).toHaveLength(4);
    // Every non-delete write of one commit carries the same update time.
    expect(results[1].writeTime.isEqual(results[0].writeTime)).toBe(true);
    expect(results[2].writeTime.isEqual(results[0].writeTime)).toBe(true);
    const [s, u, c, d] = await db().getAll(col.doc('set'), col.doc('toUpdate'), col.doc('created'), col.doc('toDelete'));
    expect(s.data()).toEqual({ v: 'set' });
    expect(u.data()).toEqual({ v: 2, extra: true });
    expect(c.data()).toEqual({ v: 'created' });
    expect(d.exists).toBe(false);
    expect(s.updateTime!.isEqual(results[0].writeTime)).toBe(true);
    expect(u.updateTime!.isEqual(results[0].writeTime)).toBe(true);
  });

  it('an empty batch commits', async () => {
    await expect(db().batch().commit()).resolves.toEqual([]);
  });

  it('an update of a missing document fails the whole batch with NOT_FOUND and nothing lands', async () => {
    const col = db().collection('atomic');
    await col.doc('existing').set({ v: 1 });
    const batch = db().batch();
    batch.set(col.doc('first'), { v: 1 });
    batch.update(col.doc('existing'), { v: 2 });
    batch.update(col.doc('missing'), { v: 1 });
    batch.set(col.doc('last'), { v: 1 });
    expect(await grpcCode(batch.commit())).toBe(Code.NOT_FOUND);
    const [first, existing, missing, last] = await db().getAll(
      col.doc('first'),
      col.doc('existing'),
      col.doc('missing'),
      col.doc('last'),
    );
    expect(first.exists).toBe(false);
    expect(existing.data()).toEqual({ v: 1 });
    expect(missing.exists).toBe(false);
    expect(last.exists).toBe(false);
  });

  it('a create of an existing document fails the whole batch with ALREADY_EXISTS', async () => {
    const col = db().collection('atomic2');
    await col.doc('taken').set({ v: 'orig' });
    await col.doc('other').set({ v: 'orig' });
    const batch = db().batch();
    batch.set(col.doc('a'), { v: 1 });
    // (Another document: the official emulator rejects "update then insert" of one document in a
    // request with INVALID_ARGUMENT before preconditions are looked at.)
    batch.update(col.doc('other'), { touched: true });
    batch.create(col.doc('taken'), { v: 'dup' });
    batch.create(col.doc('taken2'), { v: 1 });
    expect(await grpcCode(batch.commit())).toBe(Code.ALREADY_EXISTS);
    const [taken, other, a, taken2] = await db().getAll(col.doc('taken'), col.doc('other'), col.doc('a'), col.doc('taken2'));
    expect(taken.data()).toEqual({ v: 'orig' });
    expect(other.data()).toEqual({ v: 'orig' }); // not even the update before the failing create
    expect(a.exists).toBe(false);
    expect(taken2.exists).toBe(false);
  });

  it('a failed lastUpdateTime precondition fails the whole batch with FAILED_PRECONDITION', async () => {
    const col = db().collection('atomic3');
    const old = await col.doc('d').set({ v: 1 });
    await col.doc('d').set({ v: 2 });
    const batch = db().batch();
    batch.set(col.doc('other'), { v: 1 });
    batch.update(col.doc('d'), { v: 3 }, { lastUpdateTime: old.writeTime });
    expect(await grpcCode(batch.commit())).toBe(Code.FAILED_PRECONDITION);
    expect((await col.doc('other').get()).exists).toBe(false);
    expect((await col.doc('d').get()).data()).toEqual({ v: 2 });
  });

  it('writes to the same document apply in order within one batch', async () => {
    const ref = db().collection('order').doc('x');
    const batch = db().batch();
    batch.set(ref, { a: 1, b: 1 });
    batch.update(ref, { b: 2, c: FieldValue.arrayUnion('z') });
    batch.delete(ref);
    batch.set(ref, { final: true }, { merge: true });
    await batch.commit();
    expect((await ref.get()).data()).toEqual({ final: true });
  });

  it('a batch of 500 writes lands completely', async () => {
    const col = db().collection('big');
    const batch = db().batch();
    for (let i = 0; i < 500; i++) batch.set(col.doc(`d${String(i).padStart(3, '0')}`), { i });
    await batch.commit();
    const snap = await col.get();
    expect(snap.size).toBe(500);
    expect(snap.docs[499].get('i')).toBe(499);
  });
});
