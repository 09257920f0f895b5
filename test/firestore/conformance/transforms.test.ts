/**
 * Conformance: field transforms (Write.update_transforms): serverTimestamp, increment, maximum,
 * minimum, arrayUnion (append_missing_elements) and arrayRemove (remove_all_from_array).
 *
 * The semantics asserted here are the ones documented on DocumentTransform.FieldTransform in
 * google/firestore/v1/write.proto (shipped inside @google-cloud/firestore) and on
 * https://firebase.google.com/docs/firestore/manage-data/add-data#update_elements_in_an_array /
 * #increment_a_numeric_value.
 */
import { FieldValue, Timestamp } from '@google-cloud/firestore';
import { Code, grpcCode, useFirestoreEmulator } from '../../support/firestore';

const db = useFirestoreEmulator('transforms');

describe('serverTimestamp', () => {
  it('set() with serverTimestamp stores a Timestamp not later than the write time', async () => {
    const ref = db().collection('t').doc('a');
    const wr = await ref.set({ at: FieldValue.serverTimestamp(), nested: { at: FieldValue.serverTimestamp() }, plain: 1 });
    const snap = await ref.get();
    const at = snap.get('at') as Timestamp;
    expect(at).toBeInstanceOf(Timestamp);
    expect(at.toMillis()).toBeLessThanOrEqual(wr.writeTime.toMillis());
    expect(at.toMillis()).toBeGreaterThan(Date.UTC(2020, 0, 1));
    expect((snap.get('nested.at') as Timestamp).isEqual(at)).toBe(true);
    expect(snap.get('plain')).toBe(1);
  });

  it('all server timestamps of one commit are equal, across documents (write.proto REQUEST_TIME)', async () => {
    const batch = db().batch();
    const a = db().collection('t').doc('b1');
    const b = db().collection('t').doc('b2');
    batch.set(a, { at: FieldValue.serverTimestamp() });
    batch.set(b, { at: FieldValue.serverTimestamp(), x: 1 });
    await batch.commit();
    const [sa, sb] = await db().getAll(a, b);
    expect((sa.get('at') as Timestamp).isEqual(sb.get('at') as Timestamp)).toBe(true);
  });

  it('serverTimestamp in update() and in a merge set leaves other fields alone', async () => {
    const ref = db().collection('t').doc('u');
    await ref.set({ keep: 'x', m: { k: 1 } });
    await ref.update({ 'm.at': FieldValue.serverTimestamp() });
    await ref.set({ top: FieldValue.serverTimestamp() }, { merge: true });
    const snap = await ref.get();
    expect(snap.get('keep')).toBe('x');
    expect(snap.get('m.k')).toBe(1);
    expect(snap.get('m.at')).toBeInstanceOf(Timestamp);
    expect(snap.get('top')).toBeInstanceOf(Timestamp);
    expect((snap.get('top') as Timestamp).valueOf() >= (snap.get('m.at') as Timestamp).valueOf()).toBe(true);
  });

  it('a document written only with a server timestamp exists', async () => {
    const ref = db().collection('t').doc('only');
    await ref.set({ at: FieldValue.serverTimestamp() });
    const snap = await ref.get();
    expect(snap.exists).toBe(true);
    expect(Object.keys(snap.data()!)).toEqual(['at']);
  });
});

describe('increment', () => {
  it('integer + integer stays an integer; missing field is set to the operand', async () => {
    const client = db.client({ settings: { useBigInt: true } });
    const ref = client.collection('inc').doc('int');
    await ref.set({ n: 5 });
    await ref.update({ n: FieldValue.increment(3), fresh: FieldValue.increment(7) });
    const snap = await ref.get();
    // With useBigInt, integers come back as bigint and doubles as number: this checks the type.
    expect(snap.get('n')).toBe(BigInt(8));
    expect(snap.get('fresh')).toBe(BigInt(7));
  });

  it('integer + double and double + integer become doubles', async () => {
    const client = db.client({ settings: { useBigInt: true } });
    const ref = client.collection('inc').doc('mixed');
    await ref.set({ i: 1, d: 2.5 });
    await ref.update({ i: FieldValue.increment(0.5), d: FieldValue.increment(2) });
    const snap = await ref.get();
    expect(snap.get('i')).toBe(1.5);
    expect(snap.get('d')).toBe(4.5);
    expect(typeof snap.get('d')).toBe('number');
  });

  it('incrementing a non-numeric field sets it to the operand', async () => {
    const ref = db().collection('inc').doc('nonnum');
    await ref.set({ s: 'text', arr: [1], nul: null });
    await ref.update({ s: FieldValue.increment(2), arr: FieldValue.increment(-1.5), nul: FieldValue.increment(1) });
    expect((await ref.get()).data()).toEqual({ s: 2, arr: -1.5, nul: 1 });
  });

  it('integer overflow saturates at the int64 bounds (write.proto)', async () => {
    const client = db.client({ settings: { useBigInt: true } });
    const ref = client.collection('inc').doc('overflow');
    await ref.set({ hi: BigInt('9223372036854775800'), lo: BigInt('-9223372036854775800') });
    await ref.update({ hi: FieldValue.increment(100), lo: FieldValue.increment(-100) });
    const snap = await ref.get();
    expect(snap.get('hi')).toBe(BigInt('9223372036854775807'));
    expect(snap.get('lo')).toBe(BigInt('-9223372036854775808'));
  });

  it('increment in a merge set creates the document', async () => {
    const ref = db().collection('inc').doc('merge-create');
    await ref.set({ count: FieldValue.increment(1), m: { c: FieldValue.increment(2) } }, { merge: true });
    await ref.set({ count: FieldValue.increment(1) }, { merge: true });
    expect((await ref.get()).data()).toEqual({ count: 2, m: { c: 2 } });
  });

  it('increment in update() of a missing document fails with NOT_FOUND', async () => {
    const ref = db().collection('inc').doc('missing');
    expect(await grpcCode(ref.update({ n: FieldValue.increment(1) }))).toBe(Code.NOT_FOUND);
  });

  it('50 concurrent increments lose nothing', async () => {
    const ref = db().collection('inc').doc('concurrent');
    await ref.set({ n: 0 });
    await Promise.all(Array.from({ length: 50 }, () => ref.update({ n: FieldValue.increment(1) })));
    expect((await ref.get()).get('n')).toBe(50);
  });

  it('writes to one document in one batch apply in order: set, then increment', async () => {
    const ref = db().collection('inc').doc('batch');
    const batch = db().batch();
    batch.set(ref, { n: 10, other: 'x' });
    batch.update(ref, { n: FieldValue.increment(5) });
    await batch.commit();
    expect((await ref.get()).data()).toEqual({ n: 15, other: 'x' });
  });
});

describe('maximum / minimum', () => {
  it('keep the larger / smaller value; missing fields take the operand', async () => {
    const ref = db().collection('mm').doc('a');
    await ref.set({ hi: 5, lo: 5, hi2: 5, lo2: 5 });
    await ref.update({
      hi: FieldValue.maximum(3),
      lo: FieldValue.minimum(7),
      hi2: FieldValue.maximum(9),
      lo2: FieldValue.minimum(-1),
      newMax: FieldValue.maximum(4),
      newMin: FieldValue.minimum(-4),
    });
    expect((await ref.get()).data()).toEqual({ hi: 5, lo: 5, hi2: 9, lo2: -1, newMax: 4, newMin: -4 });
  });

  it('mixed int/double takes the larger (max) or smaller (min) operand with its type', async () => {
    const client = db.client({ settings: { useBigInt: true } });
    const ref = client.collection('mm').doc('mixed');
    await ref.set({ a: 3, b: 3, c: 2.5, d: 2.5 });
    await ref.update({
      a: FieldValue.maximum(3.5), // double 3.5 > int 3 -> 3.5
      b: FieldValue.minimum(2.5), // double 2.5 < int 3 -> 2.5
      c: FieldValue.maximum(4), // int 4 > double 2.5 -> int 4
      d: FieldValue.minimum(4), // double 2.5 stays
    });
    const data = (await ref.get()).data()!;
    expect(data.a).toBe(3.5);
    expect(data.b).toBe(2.5);
    expect(data.c).toBe(BigInt(4));
    expect(data.d).toBe(2.5);
  });

  it('non-numeric current value is replaced by the operand; a stored NaN wins (write.proto)', async () => {
    // The client refuses a NaN operand, so the NaN is the stored value.
    const ref = db().collection('mm').doc('odd');
    await ref.set({ s: 'str', n: NaN, m: NaN });
    await ref.update({ s: FieldValue.maximum(2), n: FieldValue.maximum(5), m: FieldValue.minimum(-5) });
    const data = (await ref.get()).data()!;
    expect(data.s).toBe(2);
    expect(Number.isNaN(data.n)).toBe(true);
    expect(Number.isNaN(data.m)).toBe(true);
  });
});

describe('arrayUnion / arrayRemove', () => {
  it('arrayUnion appends only missing elements, in order, keeping existing duplicates', async () => {
    const ref = db().collection('arr').doc('u');
    await ref.set({ a: [1, 1, 'x', { k: 1 }] });
    await ref.update({ a: FieldValue.arrayUnion('x', 2, { k: 1 }, { k: 2 }, 2, 3) });
    expect((await ref.get()).get('a')).toEqual([1, 1, 'x', { k: 1 }, 2, { k: 2 }, 3]);
  });

  it('arrayUnion on a missing or non-array field sets the array of the (deduplicated) elements', async () => {
    const ref = db().collection('arr').doc('u2');
    await ref.set({ notArray: 'str' });
    await ref.update({ notArray: FieldValue.arrayUnion(1, 2), fresh: FieldValue.arrayUnion('a', 'a', 'b') });
    expect((await ref.get()).data()).toEqual({ notArray: [1, 2], fresh: ['a', 'b'] });
  });

  it('arrayUnion treats NaN as equal to NaN and null as equal to null', async () => {
    const ref = db().collection('arr').doc('nan');
    await ref.set({ a: [NaN, null] });
    await ref.update({ a: FieldValue.arrayUnion(NaN, null, 0) });
    const a = (await ref.get()).get('a') as unknown[];
    expect(a).toHaveLength(3);
    expect(Number.isNaN(a[0] as number)).toBe(true);
    expect(a.slice(1)).toEqual([null, 0]);
  });

  it('arrayRemove removes every equal element (deep equality for maps and arrays)', async () => {
    const ref = db().collection('arr').doc('r');
    await ref.set({ a: [1, 2, 1, { k: 1 }, { k: 2 }, 'x', NaN, null, { l: [1, 2] }] });
    await ref.update({ a: FieldValue.arrayRemove(1, { k: 1 }, NaN, null, { l: [1, 2] }, 'absent') });
    expect((await ref.get()).get('a')).toEqual([2, { k: 2 }, 'x']);
  });

  it('arrayRemove on a missing or non-array field sets an empty array', async () => {
    const ref = db().collection('arr').doc('r2');
    await ref.set({ s: 'str' });
    await ref.update({ s: FieldValue.arrayRemove('str'), fresh: FieldValue.arrayRemove(1) });
    expect((await ref.get()).data()).toEqual({ s: [], fresh: [] });
  });

  it('arrayUnion in a merge set and create() work on new documents', async () => {
    const m = db().collection('arr').doc('merge');
    await m.set({ tags: FieldValue.arrayUnion('a') }, { merge: true });
    await m.set({ tags: FieldValue.arrayUnion('b', 'a') }, { merge: true });
    expect((await m.get()).get('tags')).toEqual(['a', 'b']);
    const c = db().collection('arr').doc('create');
    await c.create({ tags: FieldValue.arrayUnion('z'), n: FieldValue.increment(2) });
    expect((await c.get()).data()).toEqual({ tags: ['z'], n: 2 });
  });

  it('several transforms on different fields of one write all apply', async () => {
    const ref = db().collection('arr').doc('multi');
    await ref.set({ n: 1, tags: ['a'], hi: 1 });
    await ref.update({
      n: FieldValue.increment(1),
      tags: FieldValue.arrayUnion('b'),
      hi: FieldValue.maximum(10),
      at: FieldValue.serverTimestamp(),
      plain: 'set',
    });
    const data = (await ref.get()).data()!;
    expect(data.n).toBe(2);
    expect(data.tags).toEqual(['a', 'b']);
    expect(data.hi).toBe(10);
    expect(data.at).toBeInstanceOf(Timestamp);
    expect(data.plain).toBe('set');
  });
});
