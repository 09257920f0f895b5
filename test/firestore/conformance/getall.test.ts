/**
 * Conformance: BatchGetDocuments (Firestore.getAll, including missing documents and field masks).
 * https://cloud.google.com/nodejs/docs/reference/firestore/latest/firestore/firestore#_google_cloud_firestore_Firestore_getAll_member_1_
 */
import { FieldPath } from '@google-cloud/firestore';
import { useFirestoreEmulator } from '../../support/firestore';

const db = useFirestoreEmulator('getall');

describe('getAll', () => {
  it('returns snapshots in argument order, missing documents included as exists=false', async () => {
    const col = db().collection('g');
    await col.doc('a').set({ n: 1 });
    await col.doc('c').set({ n: 3 });
    await db().collection('g').doc('sub').collection('deep').doc('d').set({ n: 4 });
    const snaps = await db().getAll(
      col.doc('c'),
      col.doc('missing'),
      col.doc('a'),
      col.doc('sub').collection('deep').doc('d'),
      col.doc('sub'),
    );
    expect(snaps.map((s) => s.ref.path)).toEqual(['g/c', 'g/missing', 'g/a', 'g/sub/deep/d', 'g/sub']);
    expect(snaps.map((s) => s.exists)).toEqual([true, false, true, true, false]);
    expect(snaps[0].data()).toEqual({ n: 3 });
    expect(snaps[2].data()).toEqual({ n: 1 });
    expect(snaps[3].data()).toEqual({ n: 4 });
    // All snapshots of one BatchGetDocuments call share a consistent read time.
    expect(snaps.every((s) => s.readTime.isEqual(snaps[0].readTime))).toBe(true);
  });

  it('the same document requested twice is returned twice', async () => {
    const ref = db().collection('g').doc('twice');
    await ref.set({ v: 1 });
    const snaps = await db().getAll(ref, ref);
    expect(snaps).toHaveLength(2);
    expect(snaps.map((s) => s.data())).toEqual([{ v: 1 }, { v: 1 }]);
  });

  it('fieldMask returns only the requested fields (top-level, nested, quoted)', async () => {
    const col = db().collection('mask');
    await col.doc('a').set({ keep: 1, drop: 2, m: { x: 1, y: 2 }, 'odd.key': 'q', other: { z: 1 } });
    await col.doc('b').set({ drop: 2 });
    const [a, b, missing] = await db().getAll(col.doc('a'), col.doc('b'), col.doc('missing'), {
      fieldMask: ['keep', 'm.x', new FieldPath('odd.key'), 'absent'],
    });
    expect(a.data()).toEqual({ keep: 1, m: { x: 1 }, 'odd.key': 'q' });
    // A document with none of the masked fields still exists, with no data.
    expect(b.exists).toBe(true);
    expect(b.data()).toEqual({});
    expect(missing.exists).toBe(false);
  });

  it('an empty fieldMask returns existing documents without fields', async () => {
    const ref = db().collection('mask').doc('empty');
    await ref.set({ a: 1 });
    const [snap] = await db().getAll(ref, { fieldMask: [] });
    expect(snap.exists).toBe(true);
    expect(snap.data()).toEqual({});
  });

  it('reads 300 documents in one call', async () => {
    const col = db().collection('many');
    const batch = db().batch();
    for (let i = 0; i < 300; i++) batch.set(col.doc(`d${i}`), { i });
    await batch.commit();
    const refs = Array.from({ length: 300 }, (_, i) => col.doc(`d${299 - i}`));
    const snaps = await db().getAll(...refs);
    expect(snaps.map((s) => s.get('i'))).toEqual(Array.from({ length: 300 }, (_, i) => 299 - i));
  });

  it('DocumentReference.get() reflects the latest committed write', async () => {
    const ref = db().collection('g').doc('latest');
    for (let i = 0; i < 5; i++) {
      await ref.set({ i });
      expect((await ref.get()).get('i')).toBe(i);
    }
  });
});
