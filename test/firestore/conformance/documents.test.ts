/**
 * Conformance: single-document writes and reads (Commit with update/delete writes, update masks,
 * preconditions; GetDocument / BatchGetDocuments) and the round trip of every value type.
 *
 * References:
 * - Data types and their precision: https://firebase.google.com/docs/firestore/manage-data/data-types
 * - Add / update / delete: https://firebase.google.com/docs/firestore/manage-data/add-data
 * - WriteResult.update_time semantics: google/firestore/v1/write.proto (shipped with the client)
 */
import { DocumentReference, FieldPath, FieldValue, Firestore, GeoPoint, Timestamp } from '@google-cloud/firestore';
import { Code, grpcCode, useFirestoreEmulator } from '../../support/firestore';

const db = useFirestoreEmulator('documents');

describe('set / get', () => {
  it('set() creates a document that get() returns with createTime == updateTime', async () => {
    const ref = db().collection('docs').doc('a');
    const wr = await ref.set({ name: 'alpha', n: 1 });
    const snap = await ref.get();
    expect(snap.exists).toBe(true);
    expect(snap.id).toBe('a');
    expect(snap.data()).toEqual({ name: 'alpha', n: 1 });
    expect(snap.createTime).toBeDefined();
    expect(snap.updateTime!.isEqual(snap.createTime!)).toBe(true);
    expect(snap.updateTime!.isEqual(wr.writeTime)).toBe(true);
    expect(snap.readTime.toMillis()).toBeGreaterThanOrEqual(snap.updateTime!.toMillis());
  });

  it('get() of a missing document reports exists=false without an error', async () => {
    const snap = await db().collection('docs').doc('nope').get();
    expect(snap.exists).toBe(false);
    expect(snap.data()).toBeUndefined();
    expect(snap.createTime).toBeUndefined();
    expect(snap.updateTime).toBeUndefined();
    expect(snap.readTime).toBeDefined();
  });

  it('set() without merge replaces the whole document; createTime is kept, updateTime advances', async () => {
    const ref = db().collection('docs').doc('replace');
    await ref.set({ a: 1, b: { c: 2, d: 3 } });
    const first = await ref.get();
    await ref.set({ b: { c: 9 } });
    const second = await ref.get();
    expect(second.data()).toEqual({ b: { c: 9 } });
    expect(second.createTime!.isEqual(first.createTime!)).toBe(true);
    expect(second.updateTime!.valueOf() > first.updateTime!.valueOf()).toBe(true);
  });

  it('a write that does not change the document returns the previous update_time (write.proto WriteResult)', async () => {
    const ref = db().collection('docs').doc('noop');
    const first = await ref.set({ a: 1, s: 'x' });
    const again = await ref.set({ a: 1, s: 'x' });
    expect(again.writeTime.isEqual(first.writeTime)).toBe(true);
    const snap = await ref.get();
    expect(snap.updateTime!.isEqual(first.writeTime)).toBe(true);
  });

  it('delete then re-create gives a new createTime', async () => {
    const ref = db().collection('docs').doc('recreate');
    await ref.set({ v: 1 });
    const before = await ref.get();
    await ref.delete();
    expect((await ref.get()).exists).toBe(false);
    await ref.set({ v: 2 });
    const after = await ref.get();
    expect(after.data()).toEqual({ v: 2 });
    expect(after.createTime!.valueOf() > before.createTime!.valueOf()).toBe(true);
  });

  it('collection.add() creates a document with a 20-character auto id', async () => {
    const ref = await db().collection('auto').add({ x: true });
    expect(ref.id).toMatch(/^[A-Za-z0-9]{20}$/);
    expect((await ref.get()).data()).toEqual({ x: true });
  });

  it('documents in subcollections are independent of their parent document', async () => {
    const child = db().collection('parents').doc('p').collection('kids').doc('k');
    await child.set({ k: 1 });
    expect((await db().collection('parents').doc('p').get()).exists).toBe(false);
    expect((await child.get()).data()).toEqual({ k: 1 });
    await db().collection('parents').doc('p').set({ p: 1 });
    await db().collection('parents').doc('p').delete();
    // Deleting a document does not delete its subcollections.
    expect((await child.get()).exists).toBe(true);
  });
});

describe('value types round-trip', () => {
  it('null, booleans, strings (incl. unicode), integers, doubles, nested maps, arrays, empty containers', async () => {
    const ref = db().collection('types').doc('basic');
    const data = {
      nul: null,
      t: true,
      f: false,
      s: 'héllo 😀 \u0000 end',
      empty: '',
      i: 42,
      neg: -7,
      d: 3.25,
      tiny: 5e-324,
      big: 1.7976931348623157e308,
      arr: [1, 'two', null, false, { three: 3, inner: [1, 2] }, 2.5],
      emptyArr: [] as unknown[],
      emptyMap: {},
      nested: { a: { b: { c: 'deep', list: [1, 2, 3] } }, e: {} },
    };
    await ref.set(data);
    expect((await ref.get()).data()).toEqual(data);
  });

  it('int64 extremes round-trip exactly (useBigInt)', async () => {
    const client = db.client({ settings: { useBigInt: true } });
    const ref = client.collection('types').doc('int64');
    const max = BigInt('9223372036854775807');
    const min = BigInt('-9223372036854775808');
    await ref.set({ max, min, zero: BigInt(0), safe: BigInt(Number.MAX_SAFE_INTEGER) + BigInt(2) });
    const data = (await ref.get()).data()!;
    expect(data.max).toBe(max);
    expect(data.min).toBe(min);
    expect(data.zero).toBe(BigInt(0));
    expect(data.safe).toBe(BigInt('9007199254740993'));
  });

  it('special doubles: NaN, +/-Infinity and -0 survive', async () => {
    const ref = db().collection('types').doc('doubles');
    await ref.set({ nan: NaN, inf: Infinity, ninf: -Infinity, negz: -0, half: 0.5 });
    const data = (await ref.get()).data()!;
    expect(Number.isNaN(data.nan)).toBe(true);
    expect(data.inf).toBe(Infinity);
    expect(data.ninf).toBe(-Infinity);
    expect(Object.is(data.negz, -0)).toBe(true);
    expect(data.half).toBe(0.5);
  });

  it('bytes round-trip byte-for-byte, including 0x00 and 0xff', async () => {
    const ref = db().collection('types').doc('bytes');
    const bytes = Buffer.from([0, 1, 2, 127, 128, 254, 255]);
    await ref.set({ b: bytes, empty: Buffer.alloc(0) });
    const data = (await ref.get()).data()!;
    expect(Buffer.isBuffer(data.b) || data.b instanceof Uint8Array).toBe(true);
    expect(Buffer.from(data.b).equals(bytes)).toBe(true);
    expect(Buffer.from(data.empty).length).toBe(0);
  });

  it('timestamps keep microsecond precision and round sub-microsecond digits down', async () => {
    // data-types: "precise only to microseconds; any additional precision is rounded down."
    const ref = db().collection('types').doc('ts');
    const micro = new Timestamp(1700000000, 123456000);
    const nano = new Timestamp(1700000000, 987654321);
    const epochBefore = new Timestamp(-86400, 500000000);
    await ref.set({ micro, nano, epochBefore, date: new Date(Date.UTC(2024, 1, 29, 12, 0, 0, 7)) });
    const data = (await ref.get()).data()!;
    expect(data.micro).toBeInstanceOf(Timestamp);
    expect((data.micro as Timestamp).isEqual(micro)).toBe(true);
    expect((data.nano as Timestamp).seconds).toBe(1700000000);
    expect((data.nano as Timestamp).nanoseconds).toBe(987654000);
    expect((data.epochBefore as Timestamp).isEqual(epochBefore)).toBe(true);
    expect((data.date as Timestamp).toMillis()).toBe(Date.UTC(2024, 1, 29, 12, 0, 0, 7));
  });

  it('sub-microsecond digits are dropped everywhere a timestamp is stored: maps, arrays, merges, array transforms', async () => {
    const ref = db().collection('types').doc('ts-nested');
    const nano = (n: number) => new Timestamp(1700000000, n);
    await ref.set({ m: { t: nano(111222333), deep: { arr: [nano(1999)] } }, arr: [nano(5), { t: nano(999999999) }] });
    await ref.set({ merged: { t: nano(444555666) } }, { merge: true });
    await ref.update({ union: FieldValue.arrayUnion(nano(777888999)), 'm.u': nano(123) });
    const data = (await ref.get()).data()!;
    const nanos = (t: unknown) => (t as Timestamp).nanoseconds;
    expect(nanos(data.m.t)).toBe(111222000);
    expect(nanos(data.m.deep.arr[0])).toBe(1000);
    expect(nanos(data.arr[0])).toBe(0);
    expect(nanos(data.arr[1].t)).toBe(999999000);
    expect(nanos(data.merged.t)).toBe(444555000);
    expect(nanos(data.union[0])).toBe(777888000);
    expect(nanos(data.m.u)).toBe(0);
    // Stored values compare at the stored precision: an equality filter with the full-precision
    // value's truncation finds the document, and arrayRemove of the original value removes it.
    expect((await db().collection('types').where('m.t', '==', nano(111222000)).get()).size).toBe(1);
    await ref.update({ union: FieldValue.arrayRemove(nano(777888000)) });
    expect((await ref.get()).get('union')).toEqual([]);
  });

  it('create, update and read times are whole microseconds', async () => {
    const ref = db().collection('types').doc('times');
    const res = await ref.set({ v: 1 });
    await ref.update({ v: 2, at: FieldValue.serverTimestamp() });
    const snap = await ref.get();
    for (const t of [res.writeTime, snap.createTime!, snap.updateTime!, snap.readTime]) {
      expect(t.nanoseconds % 1000).toBe(0);
    }
    // serverTimestamp: "with millisecond precision" (write.proto REQUEST_TIME), not after the commit.
    const at = snap.get('at') as Timestamp;
    expect(at.nanoseconds % 1_000_000).toBe(0);
    expect(at.toMillis()).toBe(Math.floor(snap.updateTime!.toMillis()));
  });

  it('GeoPoint and DocumentReference values round-trip', async () => {
    const ref = db().collection('types').doc('geo');
    const target = db().collection('other').doc('x').collection('sub').doc('y');
    await ref.set({ where: new GeoPoint(-33.8688, 151.2093), link: target, links: [target] });
    const data = (await ref.get()).data()!;
    expect(data.where).toBeInstanceOf(GeoPoint);
    expect((data.where as GeoPoint).latitude).toBe(-33.8688);
    expect((data.where as GeoPoint).longitude).toBe(151.2093);
    expect(data.link).toBeInstanceOf(DocumentReference);
    expect((data.link as DocumentReference).path).toBe('other/x/sub/y');
    expect((data.links[0] as DocumentReference).isEqual(target)).toBe(true);
  });

  it('field names that need quoting (dots, spaces, backticks, unicode) round-trip as map keys', async () => {
    const ref = db().collection('types').doc('keys');
    const data = { 'a.b': 1, 'with space': 2, 'back`tick': 3, 'ünï': 4, '123': 5, nested: { 'x.y': { '$z': 6 } } };
    await ref.set(data);
    expect((await ref.get()).data()).toEqual(data);
    expect((await ref.get()).get(new FieldPath('a.b'))).toBe(1);
    expect((await ref.get()).get(new FieldPath('nested', 'x.y', '$z'))).toBe(6);
  });
});

describe('merge and field masks', () => {
  it('set(..., {merge: true}) deep-merges maps and keeps other fields', async () => {
    const ref = db().collection('merge').doc('m');
    await ref.set({ a: 1, m: { x: 1, y: 2 }, keep: 'yes' });
    await ref.set({ a: 2, m: { y: 20, z: 30 } }, { merge: true });
    expect((await ref.get()).data()).toEqual({ a: 2, m: { x: 1, y: 20, z: 30 }, keep: 'yes' });
  });

  it('set(..., {merge: true}) on a missing document creates it', async () => {
    const ref = db().collection('merge').doc('new');
    await ref.set({ a: { b: 1 } }, { merge: true });
    expect((await ref.get()).data()).toEqual({ a: { b: 1 } });
  });

  it('merge with an empty map value replaces that field with an empty map (its path is in the mask)', async () => {
    // The client puts the path of an empty map into the update mask (DocumentMask.fromObject),
    // so the server must overwrite `m` with {} while leaving `keep` alone.
    const ref = db().collection('merge').doc('emptymap');
    await ref.set({ m: { x: 1 }, keep: 1 });
    await ref.set({ m: {} }, { merge: true });
    expect((await ref.get()).data()).toEqual({ m: {}, keep: 1 });
  });

  it('set(..., {mergeFields}) writes only the listed fields, replacing a listed map entirely', async () => {
    const ref = db().collection('merge').doc('fields');
    await ref.set({ a: 1, b: 2, m: { x: 1, y: 2 }, n: { p: 1, q: 2 } });
    await ref.set({ a: 100, b: 200, m: { z: 3 }, n: { p: 10, q: 20 } }, { mergeFields: ['a', 'm', 'n.p'] });
    expect((await ref.get()).data()).toEqual({ a: 100, b: 2, m: { z: 3 }, n: { p: 10, q: 2 } });
  });

  it('mergeFields naming a field absent from the data deletes it', async () => {
    const ref = db().collection('merge').doc('fields-delete');
    await ref.set({ a: 1, b: 2 });
    // The client rejects a mergeField missing from data, so use FieldValue.delete() explicitly.
    await ref.set({ b: FieldValue.delete() }, { mergeFields: ['b'] });
    expect((await ref.get()).data()).toEqual({ a: 1 });
  });

  it('FieldValue.delete() in a merge set removes nested and top-level fields', async () => {
    const ref = db().collection('merge').doc('del');
    await ref.set({ a: 1, m: { x: 1, y: 2 }, z: 0 });
    await ref.set({ m: { x: FieldValue.delete() }, z: FieldValue.delete() }, { merge: true });
    expect((await ref.get()).data()).toEqual({ a: 1, m: { y: 2 } });
  });
});

describe('update()', () => {
  it('updates dotted field paths without replacing sibling map entries', async () => {
    const ref = db().collection('upd').doc('u');
    await ref.set({ a: 1, m: { x: 1, y: 2 }, top: 'keep' });
    await ref.update({ 'm.x': 10, 'm.new': { deep: true }, a: FieldValue.delete() });
    expect((await ref.get()).data()).toEqual({ m: { x: 10, y: 2, new: { deep: true } }, top: 'keep' });
  });

  it('a map value in update() replaces that map entirely', async () => {
    const ref = db().collection('upd').doc('replace-map');
    await ref.set({ m: { x: 1, y: 2 } });
    await ref.update({ m: { z: 3 } });
    expect((await ref.get()).data()).toEqual({ m: { z: 3 } });
  });

  it('FieldPath segments containing dots address a single field', async () => {
    const ref = db().collection('upd').doc('fp');
    await ref.set({ 'a.b': 1, a: { b: 2 } });
    await ref.update(new FieldPath('a.b'), 100);
    expect((await ref.get()).data()).toEqual({ 'a.b': 100, a: { b: 2 } });
    await ref.update(new FieldPath('a', 'b'), 200, new FieldPath('odd`key', 'x y'), true);
    expect((await ref.get()).data()).toEqual({ 'a.b': 100, a: { b: 200 }, 'odd`key': { 'x y': true } });
  });

  it('updating a field below a non-map value replaces that value with a map', async () => {
    const ref = db().collection('upd').doc('scalar-to-map');
    await ref.set({ s: 'scalar' });
    await ref.update({ 's.child': 1 });
    expect((await ref.get()).data()).toEqual({ s: { child: 1 } });
  });

  it('deleting a field that does not exist is a no-op', async () => {
    const ref = db().collection('upd').doc('delmissing');
    await ref.set({ a: 1 });
    await ref.update({ 'nope.deeper': FieldValue.delete(), zzz: FieldValue.delete() });
    expect((await ref.get()).data()).toEqual({ a: 1 });
  });

  it('update of a missing document fails with NOT_FOUND (5) and creates nothing', async () => {
    const ref = db().collection('upd').doc('missing');
    expect(await grpcCode(ref.update({ a: 1 }))).toBe(Code.NOT_FOUND);
    expect((await ref.get()).exists).toBe(false);
  });
});

describe('create() and preconditions', () => {
  it('create() of a new document succeeds', async () => {
    const ref = db().collection('pre').doc('new');
    await ref.create({ v: 1 });
    expect((await ref.get()).data()).toEqual({ v: 1 });
  });

  it('create() of an existing document fails with ALREADY_EXISTS (6) and leaves it unchanged', async () => {
    const ref = db().collection('pre').doc('exists');
    await ref.set({ v: 1 });
    expect(await grpcCode(ref.create({ v: 2 }))).toBe(Code.ALREADY_EXISTS);
    expect((await ref.get()).data()).toEqual({ v: 1 });
  });

  it('update with a matching lastUpdateTime succeeds', async () => {
    const ref = db().collection('pre').doc('lut-ok');
    const wr = await ref.set({ v: 1 });
    await ref.update({ v: 2 }, { lastUpdateTime: wr.writeTime });
    expect((await ref.get()).data()).toEqual({ v: 2 });
  });

  it('update with a stale lastUpdateTime fails with FAILED_PRECONDITION (9)', async () => {
    const ref = db().collection('pre').doc('lut-stale');
    const first = await ref.set({ v: 1 });
    await ref.update({ v: 2 });
    expect(await grpcCode(ref.update({ v: 3 }, { lastUpdateTime: first.writeTime }))).toBe(Code.FAILED_PRECONDITION);
    expect((await ref.get()).data()).toEqual({ v: 2 });
  });

  it('delete with a stale lastUpdateTime fails with FAILED_PRECONDITION (9) and keeps the document', async () => {
    const ref = db().collection('pre').doc('del-stale');
    const first = await ref.set({ v: 1 });
    await ref.set({ v: 2 });
    expect(await grpcCode(ref.delete({ lastUpdateTime: first.writeTime }))).toBe(Code.FAILED_PRECONDITION);
    expect((await ref.get()).exists).toBe(true);
  });

  it('delete with a matching lastUpdateTime deletes', async () => {
    const ref = db().collection('pre').doc('del-ok');
    const wr = await ref.set({ v: 1 });
    await ref.delete({ lastUpdateTime: wr.writeTime });
    expect((await ref.get()).exists).toBe(false);
  });

  it('delete with exists:true of a missing document fails with NOT_FOUND (5)', async () => {
    const ref = db().collection('pre').doc('del-missing');
    expect(await grpcCode(ref.delete({ exists: true }))).toBe(Code.NOT_FOUND);
  });

  it('delete of a missing document without a precondition succeeds', async () => {
    const ref = db().collection('pre').doc('never');
    await expect(ref.delete()).resolves.toBeDefined();
    expect((await ref.get()).exists).toBe(false);
  });
});

describe('client identity', () => {
  it('two clients on the same project and database see the same data', async () => {
    const other: Firestore = db.client();
    await db().collection('shared').doc('s').set({ from: 'main' });
    expect((await other.collection('shared').doc('s').get()).data()).toEqual({ from: 'main' });
  });
});
