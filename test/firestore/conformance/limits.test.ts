/**
 * Conformance: documented limits, enforced with the status code the service returns
 * (INVALID_ARGUMENT, gRPC code 3).
 *
 * https://firebase.google.com/docs/firestore/quotas#collections_documents_and_fields:
 * - Maximum size for a document: 1 MiB (1,048,576 bytes)
 * - Maximum size of a document name: 6 KiB
 * - Collection and document IDs: no longer than 1,500 bytes, no "/", not "." or "..", not __.*__
 * - Maximum depth of subcollections: 100
 * - Maximum depth of fields in a map or array: 20 (each map/array level counts; {a: {b: {c: {}}}} has depth 3)
 * - Maximum size of a field name: 1,500 bytes; field names matching __.*__ are reserved
 * - Maximum number of fields in a document: 20,000
 * - Maximum API request size: 10 MiB
 * https://firebase.google.com/docs/firestore/manage-data/data-types: an array cannot directly
 * contain another array.
 * https://firebase.google.com/docs/firestore/query-data/queries#limitations: in / array-contains-any
 * take up to 30 values, not-in up to 10.
 */
import { Code, grpcCode, useFirestoreEmulator } from '../../support/firestore';

const db = useFirestoreEmulator('limits');
const MiB = 1024 * 1024;

/**
 * {l1: {l2: ... {l<depth>: leaf}}}. With an empty-map leaf the object has a depth of exactly `depth`
 * under both readings of the documented rule (count the map/array values on the path, or the
 * length of the deepest field path): the quotas page's example {nested1: {nested2: {nested3: {}}}}
 * has a depth of three.
 */
function nested(depth: number, leaf: unknown = {}): Record<string, unknown> {
  let value: unknown = leaf;
  for (let i = depth; i >= 1; i--) value = { [`l${i}`]: value };
  return value as Record<string, unknown>;
}

describe('document size', () => {
  it('a document over 1 MiB is rejected with INVALID_ARGUMENT and not stored', async () => {
    const ref = db().collection('size').doc('big');
    expect(await grpcCode(ref.set({ s: 'x'.repeat(MiB) }))).toBe(Code.INVALID_ARGUMENT);
    expect((await ref.get()).exists).toBe(false);
  });

  it('a document just under 1 MiB is accepted and read back intact', async () => {
    const ref = db().collection('size').doc('almost');
    const s = 'y'.repeat(MiB - 10_000);
    await ref.set({ s });
    expect(((await ref.get()).get('s') as string).length).toBe(s.length);
  });

  it('an update that grows a document past 1 MiB is rejected and leaves it unchanged', async () => {
    const ref = db().collection('size').doc('grow');
    await ref.set({ a: 'a'.repeat(600_000) });
    expect(await grpcCode(ref.update({ b: 'b'.repeat(600_000) }))).toBe(Code.INVALID_ARGUMENT);
    const snap = await ref.get();
    expect(snap.get('b')).toBeUndefined();
    expect((snap.get('a') as string).length).toBe(600_000);
  });

  it('an oversize document fails its whole batch', async () => {
    const batch = db().batch();
    batch.set(db().collection('size').doc('small'), { ok: true });
    batch.set(db().collection('size').doc('huge'), { s: 'z'.repeat(MiB + 1) });
    expect(await grpcCode(batch.commit())).toBe(Code.INVALID_ARGUMENT);
    expect((await db().collection('size').doc('small').get()).exists).toBe(false);
  });

  db.itUnlessGap('large-commit')('a 5 MiB commit of several sub-1 MiB documents is accepted (request limit is 10 MiB)', async () => {
    const batch = db().batch();
    for (let i = 0; i < 6; i++) batch.set(db().collection('size').doc(`part${i}`), { s: String(i).repeat(900_000) });
    await batch.commit();
    const snap = await db().collection('size').get();
    expect(snap.size).toBe(6);
  });

  db.itUnlessGap('field-count-limit')('a document with more than 20,000 fields is rejected', async () => {
    const data: Record<string, number> = {};
    for (let i = 0; i < 20_001; i++) data[`f${i}`] = i;
    expect(await grpcCode(db().collection('size').doc('wide').set(data))).toBe(Code.INVALID_ARGUMENT);
  });
});

describe('names and ids', () => {
  it('a document id of 1,500 bytes is accepted, 1,501 bytes is rejected', async () => {
    await db().collection('ids').doc('a'.repeat(1500)).set({ ok: true });
    expect((await db().collection('ids').doc('a'.repeat(1500)).get()).exists).toBe(true);
    expect(await grpcCode(db().collection('ids').doc('b'.repeat(1501)).set({ ok: false }))).toBe(Code.INVALID_ARGUMENT);
  });

  it('the limit counts UTF-8 bytes: 501 three-byte characters (1,503 bytes) are rejected', async () => {
    expect(await grpcCode(db().collection('ids').doc('€'.repeat(501)).set({}))).toBe(Code.INVALID_ARGUMENT);
    await db().collection('ids').doc('€'.repeat(500)).set({ ok: true }); // 1,500 bytes
  });

  it('a collection id over 1,500 bytes is rejected', async () => {
    expect(await grpcCode(db().collection('c'.repeat(1501)).doc('d').set({}))).toBe(Code.INVALID_ARGUMENT);
  });

  db.itUnlessGap('document-name-size-limit')('a document name over 6 KiB is rejected', async () => {
    const seg = 'n'.repeat(1400);
    const tooLong = db().doc([`c/${seg}`, `c/${seg}`, `c/${seg}`, `c/${seg}`, `c/${seg}`].join('/')); // ~7 KB
    expect(await grpcCode(tooLong.set({}))).toBe(Code.INVALID_ARGUMENT);
    const fine = db().doc([`c/${seg}`, `c/${seg}`, `c/${seg}`].join('/')); // ~4.2 KB
    await fine.set({ ok: true });
    expect((await fine.get()).exists).toBe(true);
  });

  it('reserved ids (__.*__), "." and ".." are rejected as collection or document ids', async () => {
    expect(await grpcCode(db().collection('c').doc('__bad__').set({}))).toBe(Code.INVALID_ARGUMENT);
    expect(await grpcCode(db().collection('__bad__').doc('d').set({}))).toBe(Code.INVALID_ARGUMENT);
    expect(await grpcCode(db().collection('c').doc('.').set({}))).toBe(Code.INVALID_ARGUMENT);
    expect(await grpcCode(db().collection('c').doc('..').set({}))).toBe(Code.INVALID_ARGUMENT);
    // Ids that merely contain underscores or dots are fine.
    await db().collection('c').doc('__ok').set({});
    await db().collection('c').doc('a.b').set({});
    await db().collection('c').doc('...').set({});
  });

  it('subcollection depth: 100 nested collections are accepted, 102 are rejected', async () => {
    const path = (levels: number) => Array.from({ length: levels }, (_, i) => `c${i}/d`).join('/');
    await db().doc(path(100)).set({ deep: true });
    expect((await db().doc(path(100)).get()).get('deep')).toBe(true);
    expect(await grpcCode(db().doc(path(102)).set({ deep: true }))).toBe(Code.INVALID_ARGUMENT);
  });
});

describe('fields', () => {
  it('reserved field names (__.*__) are rejected', async () => {
    expect(await grpcCode(db().collection('f').doc('r').set({ __foo__: 1 }))).toBe(Code.INVALID_ARGUMENT);
    expect(await grpcCode(db().collection('f').doc('r').set({ ok: 1, __name__: 'x' }))).toBe(Code.INVALID_ARGUMENT);
    await db().collection('f').doc('r2').set({ __foo: 1, foo__: 2, _: 3 });
    expect((await db().collection('f').doc('r2').get()).data()).toEqual({ __foo: 1, foo__: 2, _: 3 });
  });

  it('a reserved field name in update() is rejected', async () => {
    await db().collection('f').doc('u').set({ a: 1 });
    expect(await grpcCode(db().collection('f').doc('u').update({ __x__: 1 }))).toBe(Code.INVALID_ARGUMENT);
  });

  it('a field name over 1,500 bytes is rejected', async () => {
    expect(await grpcCode(db().collection('f').doc('long').set({ ['k'.repeat(1501)]: 1 }))).toBe(Code.INVALID_ARGUMENT);
    await db().collection('f').doc('long-ok').set({ ['k'.repeat(1500)]: 1 });
  });

  it('map nesting depth 20 is accepted, 21 is rejected', async () => {
    const ok = db().collection('f').doc('depth20');
    await ok.set(nested(20));
    expect((await ok.get()).get(Array.from({ length: 20 }, (_, i) => `l${i + 1}`).join('.'))).toEqual({});
    await db().collection('f').doc('depth20-scalar').set(nested(20, 1));
    expect(await grpcCode(db().collection('f').doc('depth21').set(nested(21)))).toBe(Code.INVALID_ARGUMENT);
    expect((await db().collection('f').doc('depth21').get()).exists).toBe(false);
  });

  it('arrays count toward the nesting depth', async () => {
    // 19 maps, then an array holding an empty map: 21 levels.
    expect(await grpcCode(db().collection('f').doc('arrdepth').set(nested(20, [{}])))).toBe(Code.INVALID_ARGUMENT);
    // 18 maps, an array and an empty map: depth 20, accepted.
    await db().collection('f').doc('arrdepth-ok').set(nested(19, [{}]));
  });

  it('an update that nests a value too deeply is rejected', async () => {
    const ref = db().collection('f').doc('deep-update');
    await ref.set({ a: 1 });
    const path = Array.from({ length: 20 }, (_, i) => `l${i + 1}`).join('.');
    expect(await grpcCode(ref.update({ [path]: { tooDeep: {} } }))).toBe(Code.INVALID_ARGUMENT);
    expect((await ref.get()).data()).toEqual({ a: 1 });
  });

  it('an array directly inside an array is rejected', async () => {
    expect(await grpcCode(db().collection('f').doc('arr').set({ a: [1, [2, 3]] }))).toBe(Code.INVALID_ARGUMENT);
    // Through a map it is fine.
    await db().collection('f').doc('arr-ok').set({ a: [1, { b: [2, 3] }] });
  });
});

describe('query limits', () => {
  beforeEach(async () => {
    await db().collection('q').doc('a').set({ v: 1, tags: ['x'] });
  });

  it('array-contains-any with more than 30 values is rejected', async () => {
    const values = Array.from({ length: 31 }, (_, i) => i);
    expect(await grpcCode(db().collection('q').where('tags', 'array-contains-any', values).get())).toBe(Code.INVALID_ARGUMENT);
  });

  it('not-in with more than 10 values is rejected', async () => {
    const values = Array.from({ length: 11 }, (_, i) => i + 100);
    expect(await grpcCode(db().collection('q').where('v', 'not-in', values).get())).toBe(Code.INVALID_ARGUMENT);
    const ok = await db().collection('q').where('v', 'not-in', values.slice(0, 10)).get();
    expect(ok.size).toBe(1);
  });
});
