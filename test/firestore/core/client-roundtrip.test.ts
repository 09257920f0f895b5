/**
 * The emulator core driven by the unmodified @google-cloud/firestore client: writes, transforms,
 * preconditions, limits, transactions, BulkWriter, listing, Listen, isolation, REST clear.
 */
import { FieldValue, Timestamp, type Firestore } from '@google-cloud/firestore';
import { startHarness, waitFor, type Harness } from './helpers';

let h: Harness;
let db: Firestore;

beforeAll(async () => {
  h = await startHarness();
  db = h.db;
});
afterAll(async () => {
  await h.close();
});

describe('writes and reads', () => {
  test('set, get, merge and update keep untouched fields', async () => {
    const ref = db.doc('w/a');
    await ref.set({ name: 'A', nested: { x: 1, y: 2 }, keep: true });
    await ref.set({ nested: { y: 3 } }, { merge: true });
    await ref.update({ 'nested.z': 4, name: FieldValue.delete() });
    const snap = await ref.get();
    expect(snap.data()).toEqual({ nested: { x: 1, y: 3, z: 4 }, keep: true });
    expect(snap.createTime!.toMillis()).toBeLessThanOrEqual(snap.updateTime!.toMillis());
  });

  test('update of a missing document is NOT_FOUND, create of an existing one ALREADY_EXISTS', async () => {
    await expect(db.doc('w/missing').update({ a: 1 })).rejects.toMatchObject({ code: 5 });
    await db.doc('w/existing').create({ a: 1 });
    await expect(db.doc('w/existing').create({ a: 2 })).rejects.toMatchObject({ code: 6 });
    expect((await db.doc('w/existing').get()).get('a')).toBe(1);
  });

  test('updateTime precondition: stale time fails with FAILED_PRECONDITION, current one succeeds', async () => {
    const ref = db.doc('w/pre');
    const first = await ref.set({ v: 1 });
    await ref.set({ v: 2 });
    await expect(ref.update({ v: 3 }, { lastUpdateTime: first.writeTime })).rejects.toMatchObject({ code: 9 });
    const current = (await ref.get()).updateTime!;
    await ref.update({ v: 4 }, { lastUpdateTime: current });
    expect((await ref.get()).get('v')).toBe(4);
  });

  test('a write that changes nothing keeps the update time', async () => {
    const ref = db.doc('w/noop');
    await ref.set({ a: 1, b: 'x' });
    const before = (await ref.get()).updateTime!;
    const result = await ref.set({ a: 1, b: 'x' });
    expect(result.writeTime.isEqual(before)).toBe(true);
    expect((await ref.get()).updateTime!.isEqual(before)).toBe(true);
  });

  test('numeric transforms follow Firestore semantics', async () => {
    const ref = db.doc('w/num');
    await ref.set({ i: 5, d: 1.5, big: Number.MAX_SAFE_INTEGER, s: 'text', m: 3, n: 3 });
    await ref.update({
      i: FieldValue.increment(2),
      d: FieldValue.increment(1),
      s: FieldValue.increment(7), // not a number: replaced by the operand
      fresh: FieldValue.increment(1.25),
      m: FieldValue.maximum(2.5), // stored 3 stays
      n: FieldValue.minimum(2.5),
    });
    const data = (await ref.get()).data()!;
    expect(data).toMatchObject({ i: 7, d: 2.5, s: 7, fresh: 1.25, m: 3, n: 2.5 });
  });

  test('arrayUnion appends only missing elements (numbers compared by value); arrayRemove removes all', async () => {
    const ref = db.doc('w/arr');
    await ref.set({ a: [1, 'x', 1, null] });
    await ref.update({ a: FieldValue.arrayUnion(1.0, 'y', 'y', null) });
    expect((await ref.get()).get('a')).toEqual([1, 'x', 1, null, 'y']);
    await ref.update({ a: FieldValue.arrayRemove(1, null) });
    expect((await ref.get()).get('a')).toEqual(['x', 'y']);
    await ref.update({ b: FieldValue.arrayUnion('z'), c: FieldValue.arrayRemove('q') });
    expect((await ref.get()).data()).toMatchObject({ b: ['z'], c: [] });
  });

  test('serverTimestamp is the commit time at millisecond precision (write.proto REQUEST_TIME)', async () => {
    const res = await db.doc('w/ts').set({ at: FieldValue.serverTimestamp() });
    const at = (await db.doc('w/ts').get()).get('at') as Timestamp;
    expect(at.nanoseconds % 1_000_000).toBe(0);
    expect(at.seconds).toBe(res.writeTime.seconds);
    expect(at.nanoseconds).toBe(res.writeTime.nanoseconds - (res.writeTime.nanoseconds % 1_000_000));
  });

  test('a batch is atomic: one failing precondition applies nothing', async () => {
    const batch = db.batch();
    batch.set(db.doc('w/atomic1'), { a: 1 });
    batch.update(db.doc('w/atomic-missing'), { a: 1 });
    await expect(batch.commit()).rejects.toMatchObject({ code: 5 });
    expect((await db.doc('w/atomic1').get()).exists).toBe(false);
  });

  test('getAll reports found and missing documents and honours a field mask', async () => {
    await db.doc('g/one').set({ a: 1, b: 2 });
    const [one, none] = await db.getAll(db.doc('g/one'), db.doc('g/none'), { fieldMask: ['a'] });
    expect(one.exists).toBe(true);
    expect(one.data()).toEqual({ a: 1 });
    expect(none.exists).toBe(false);
  });

  test('reading at a past readTime sees the old version', async () => {
    const ref = db.doc('w/history');
    await ref.set({ v: 'old' });
    const oldTime = (await ref.get()).readTime;
    await ref.set({ v: 'new' });
    const value = await db.runTransaction(async (tx) => (await tx.get(ref)).get('v'), { readOnly: true, readTime: oldTime });
    expect(value).toBe('old');
    expect((await ref.get()).get('v')).toBe('new');
  });
});

describe('limits', () => {
  test('a document above 1 MiB is INVALID_ARGUMENT', async () => {
    // Storage size of l/ok {big: s}: name (2 + 3 + 16) + field name 4 + string (len + 1) + 32.
    const exact = 1_048_576 - 21 - 4 - 1 - 32;
    await expect(db.doc('l/ok').set({ big: 'x'.repeat(exact + 1) })).rejects.toMatchObject({ code: 3 });
    await db.doc('l/ok').set({ big: 'x'.repeat(exact) });
    expect(((await db.doc('l/ok').get()).get('big') as string).length).toBe(exact);
  });

  test('a commit above the 10 MiB request size is INVALID_ARGUMENT and applies nothing', async () => {
    const batch = db.batch();
    const chunk = 'y'.repeat(1_000_000);
    for (let i = 0; i < 11; i++) batch.set(db.doc(`l/many${i}`), { chunk });
    await expect(batch.commit()).rejects.toMatchObject({ code: 3 });
    expect((await db.doc('l/many0').get()).exists).toBe(false);
  });

  test('reserved field names and document ids are rejected', async () => {
    await expect(db.doc('l/r').set({ __bad__: 1 })).rejects.toMatchObject({ code: 3 });
    await expect(db.doc('l/__reserved__').set({ a: 1 })).rejects.toMatchObject({ code: 3 });
  });
});

describe('transactions', () => {
  test('concurrent read-modify-write transactions never lose an update', async () => {
    const ref = db.doc('t/counter');
    await ref.set({ n: 0 });
    const workers = 8;
    // Reads are shared, so each round of concurrent readers has one winner and the rest retry;
    // give every worker enough attempts that the outcome never depends on retry timing.
    await Promise.all(
      Array.from({ length: workers }, () =>
        db.runTransaction(
          async (tx) => {
            const n = (await tx.get(ref)).get('n') as number;
            tx.update(ref, { n: n + 1 });
          },
          { maxAttempts: workers + 2 },
        ),
      ),
    );
    expect((await ref.get()).get('n')).toBe(workers);
  });

  test('a write outside the transaction to a document it read makes the commit retry', async () => {
    const ref = db.doc('t/outside');
    await ref.set({ n: 0 });
    let attempts = 0;
    await db.runTransaction(async (tx) => {
      attempts++;
      const n = (await tx.get(ref)).get('n') as number;
      if (attempts === 1) await ref.set({ n: 100 }); // concurrent non-transactional write
      tx.set(ref, { n: n + 1 });
    });
    expect(attempts).toBe(2);
    expect((await ref.get()).get('n')).toBe(101);
  });

  test('queries inside a transaction see committed data and writes commit atomically', async () => {
    await db.doc('tq/a').set({ k: 1 });
    await db.doc('tq/b').set({ k: 2 });
    const total = await db.runTransaction(async (tx) => {
      const snap = await tx.get(db.collection('tq').where('k', '>', 0));
      const sum = snap.docs.reduce((s, d) => s + (d.get('k') as number), 0);
      tx.set(db.doc('tq-sum/s'), { sum });
      return sum;
    });
    expect(total).toBe(3);
    expect((await db.doc('tq-sum/s').get()).get('sum')).toBe(3);
  });

  test('a failing transaction callback rolls back and releases its locks', async () => {
    const ref = db.doc('t/rollback');
    await ref.set({ n: 1 });
    await expect(
      db.runTransaction(async (tx) => {
        await tx.get(ref);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    // The lock is gone: another transaction can read and write immediately.
    await db.runTransaction(async (tx) => {
      const n = (await tx.get(ref)).get('n') as number;
      tx.update(ref, { n: n + 1 });
    });
    expect((await ref.get()).get('n')).toBe(2);
  });
});

describe('BulkWriter (BatchWrite)', () => {
  test('writes are applied individually with per-write errors', async () => {
    await db.doc('bw/exists').set({ a: 1 });
    const bulk = db.bulkWriter({ throttling: false });
    const failures: number[] = [];
    bulk.onWriteError((err) => {
      failures.push(err.code as number);
      return false;
    });
    for (let i = 0; i < 30; i++) void bulk.set(db.doc(`bw/d${i}`), { i });
    void bulk.create(db.doc('bw/exists'), { a: 2 }).catch(() => undefined);
    await bulk.close();
    expect(failures).toEqual([6]);
    expect((await db.collection('bw').count().get()).data().count).toBe(31);
    expect((await db.doc('bw/exists').get()).get('a')).toBe(1);
  });
});

describe('listing', () => {
  test('listDocuments includes missing parents; listCollections lists subcollections', async () => {
    await db.doc('lst/real').set({ a: 1 });
    await db.doc('lst/ghost/sub/x').set({ a: 1 });
    const ids = (await db.collection('lst').listDocuments()).map((r) => r.id);
    expect(ids).toEqual(['ghost', 'real']);
    const queried = (await db.collection('lst').get()).docs.map((d) => d.id);
    expect(queried).toEqual(['real']);
    const subs = (await db.doc('lst/ghost').listCollections()).map((c) => c.id);
    expect(subs).toEqual(['sub']);
  });

  test('collection-group queries find documents at any depth', async () => {
    await db.doc('cg/a/items/1').set({ v: 1 });
    await db.doc('cg/b/deeper/c/items/2').set({ v: 2 });
    await db.doc('items/3').set({ v: 3 });
    const ids = (await db.collectionGroup('items').get()).docs.map((d) => d.ref.path);
    expect(ids.sort()).toEqual(['cg/a/items/1', 'cg/b/deeper/c/items/2', 'items/3']);
  });
});

describe('Listen', () => {
  test('document listener sees the initial state, updates and deletion', async () => {
    const ref = db.doc('live/doc');
    await ref.set({ v: 1 });
    const seen: Array<number | 'missing'> = [];
    const unsubscribe = ref.onSnapshot((s) => seen.push(s.exists ? (s.get('v') as number) : 'missing'));
    await waitFor(seen, (v) => v === 1);
    await ref.update({ v: 2 });
    await waitFor(seen, (v) => v === 2);
    await ref.delete();
    await waitFor(seen, (v) => v === 'missing');
    unsubscribe();
    expect(seen).toEqual([1, 2, 'missing']);
  });

  test('query listener tracks documents entering and leaving the result', async () => {
    await db.doc('liveq/a').set({ n: 1 });
    await db.doc('liveq/b').set({ n: 5 });
    const seen: string[][] = [];
    const unsubscribe = db
      .collection('liveq')
      .where('n', '<', 3)
      .orderBy('n')
      .onSnapshot((s) => seen.push(s.docs.map((d) => d.id)));
    await waitFor(seen, (ids) => ids.join() === 'a');
    await db.doc('liveq/c').set({ n: 0 });
    await waitFor(seen, (ids) => ids.join() === 'c,a');
    await db.doc('liveq/a').update({ n: 10 });
    await waitFor(seen, (ids) => ids.join() === 'c');
    unsubscribe();
  });
});

describe('isolation and REST', () => {
  test('projects and databases are isolated; DELETE clears one database', async () => {
    const other = h.client('demo-other');
    const named = h.client('demo-core', 'second');
    await db.doc('iso/x').set({ who: 'default' });
    await other.doc('iso/x').set({ who: 'other' });
    await named.doc('iso/x').set({ who: 'named' });
    expect((await db.doc('iso/x').get()).get('who')).toBe('default');
    expect((await other.doc('iso/x').get()).get('who')).toBe('other');
    expect((await named.doc('iso/x').get()).get('who')).toBe('named');

    const res = await fetch(`http://${h.emulator.address}/emulator/v1/projects/demo-other/databases/(default)/documents`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    expect((await other.doc('iso/x').get()).exists).toBe(false);
    expect((await db.doc('iso/x').get()).exists).toBe(true);
    expect((await named.doc('iso/x').get()).exists).toBe(true);

    const root = await fetch(`http://${h.emulator.address}/`);
    expect(await root.text()).toMatch(/^Ok/);
  });
});
