/**
 * Conformance: BeginTransaction / Commit / Rollback and transactional reads (BatchGetDocuments and
 * RunQuery with `transaction` / `newTransaction`, read-only transactions and `readTime`).
 *
 * https://firebase.google.com/docs/firestore/manage-data/transactions and
 * https://firebase.google.com/docs/firestore/transaction-data-contention: a read-write transaction
 * must never commit on top of data that changed after it read it; the client retries the
 * transaction on ABORTED. Concurrent read-modify-write transactions therefore never lose updates.
 * (Production uses pessimistic locks in server SDKs, an emulator may use optimistic checks; both
 * must produce the outcomes asserted here.)
 */
import { FieldValue, type DocumentReference } from '@google-cloud/firestore';
import { Code, grpcCode, useFirestoreEmulator } from '../../support/firestore';

const db = useFirestoreEmulator('transactions');

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('read-write transactions', () => {
  it('reads with get(), getAll() and a query, then writes atomically', async () => {
    const col = db().collection('acct');
    await col.doc('a').set({ balance: 100, kind: 'x' });
    await col.doc('b').set({ balance: 50, kind: 'x' });
    await col.doc('c').set({ balance: 5, kind: 'y' });
    const result = await db().runTransaction(async (tx) => {
      const a = await tx.get(col.doc('a'));
      const [b, missing] = await tx.getAll(col.doc('b'), col.doc('missing'));
      const xs = await tx.get(col.where('kind', '==', 'x'));
      expect(missing.exists).toBe(false);
      expect(xs.size).toBe(2);
      tx.update(col.doc('a'), { balance: a.get('balance') - 30 });
      tx.update(col.doc('b'), { balance: b.get('balance') + 30 });
      tx.set(col.doc('missing'), { created: true });
      return 'done';
    });
    expect(result).toBe('done');
    const [a, b, m] = await db().getAll(col.doc('a'), col.doc('b'), col.doc('missing'));
    expect(a.get('balance')).toBe(70);
    expect(b.get('balance')).toBe(80);
    expect(m.data()).toEqual({ created: true });
  });

  it('a write-only transaction commits', async () => {
    const ref = db().collection('wo').doc('x');
    await db().runTransaction(async (tx) => {
      tx.set(ref, { v: 1 });
      tx.update(ref, { w: FieldValue.increment(2) });
    });
    expect((await ref.get()).data()).toEqual({ v: 1, w: 2 });
  });

  it('an error thrown in the update function rolls back: nothing is written, the error propagates', async () => {
    const ref = db().collection('rb').doc('x');
    await ref.set({ v: 1 });
    const boom = new Error('boom');
    await expect(
      db().runTransaction(async (tx) => {
        const snap = await tx.get(ref);
        tx.update(ref, { v: snap.get('v') + 1 });
        tx.set(db().collection('rb').doc('y'), { v: 1 });
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect((await ref.get()).data()).toEqual({ v: 1 });
    expect((await db().collection('rb').doc('y').get()).exists).toBe(false);
    // The rolled-back transaction holds nothing: a plain write to the document goes through.
    await ref.update({ v: 5 });
    expect((await ref.get()).get('v')).toBe(5);
  });

  it('a failing write in the commit (create of an existing doc) fails with ALREADY_EXISTS and writes nothing', async () => {
    const ref = db().collection('tx-err').doc('exists');
    await ref.set({ v: 1 });
    let attempts = 0;
    const code = await grpcCode(
      db().runTransaction(async (tx) => {
        attempts++;
        await tx.get(ref);
        tx.set(db().collection('tx-err').doc('other'), { v: 1 });
        tx.create(ref, { v: 2 });
      }),
    );
    expect(code).toBe(Code.ALREADY_EXISTS);
    expect(attempts).toBe(1); // not retryable
    expect((await db().collection('tx-err').doc('other').get()).exists).toBe(false);
    expect((await ref.get()).data()).toEqual({ v: 1 });
  });

  it('12 concurrent read-modify-write increments end with the exact total (no lost updates)', async () => {
    const ref = db().collection('counter').doc('c');
    await ref.set({ n: 0 });
    const N = 12;
    let attempts = 0;
    await Promise.all(
      Array.from({ length: N }, () =>
        db().runTransaction(
          async (tx) => {
            attempts++;
            const snap = await tx.get(ref);
            tx.update(ref, { n: (snap.get('n') as number) + 1 });
          },
          { maxAttempts: 50 },
        ),
      ),
    );
    expect((await ref.get()).get('n')).toBe(N);
    expect(attempts).toBeGreaterThanOrEqual(N);
  }, 180_000);

  it('contention: two transactions that both read a document before either writes; one is retried', async () => {
    // Locks taken by reads block other operations from *changing* the document, not from reading
    // it (https://firebase.google.com/docs/firestore/transaction-data-contention), so both
    // transactions can read before either commits; then only one of them may commit on that read.
    const ref = db().collection('contention').doc('c');
    await ref.set({ n: 0, log: [] });
    const bothRead = { count: 0, ...deferred() };
    let attempts = 0;
    let concurrentReads: boolean | undefined;
    const run = (name: string) =>
      db().runTransaction(
        async (tx) => {
          attempts++;
          const snap = await tx.get(ref);
          if (attempts <= 2) {
            // First attempts: wait until both transactions have read the same version. The bound
            // only keeps a blocking implementation from stalling the suite until its lock timeout.
            bothRead.count++;
            if (bothRead.count === 2) bothRead.resolve();
            const reached = await Promise.race([
              bothRead.promise.then(() => true),
              new Promise<boolean>((r) => setTimeout(() => r(false), 10_000)),
            ]);
            concurrentReads = concurrentReads ?? reached;
          }
          tx.update(ref, { n: (snap.get('n') as number) + 1, log: [...(snap.get('log') as string[]), name] });
        },
        { maxAttempts: 10 },
      );
    await Promise.all([run('t1'), run('t2')]);
    const data = (await ref.get()).data()!;
    expect(data.n).toBe(2);
    expect([...data.log].sort()).toEqual(['t1', 't2']);
    expect(concurrentReads).toBe(true);
    expect(attempts).toBeGreaterThanOrEqual(3);
  }, 120_000);

  it('contention: a transaction whose read document is changed by a plain write does not overwrite it', async () => {
    const ref = db().collection('contention').doc('outside');
    await ref.set({ n: 0 });
    let attempts = 0;
    let outside: Promise<unknown> | undefined;
    let outsideDone = false;
    await db().runTransaction(
      async (tx) => {
        attempts++;
        const snap = await tx.get(ref);
        if (attempts === 1) {
          outside = ref.update({ n: FieldValue.increment(100) }).then(() => (outsideDone = true));
          // Give a non-blocking (optimistic) emulator time to apply the outside write first; a
          // locking implementation holds it back until this transaction ends. Not a timing assertion.
          await Promise.race([outside, new Promise((r) => setTimeout(r, 500))]);
        }
        tx.update(ref, { n: (snap.get('n') as number) + 1 });
      },
      { maxAttempts: 10 },
    );
    await outside;
    expect((await ref.get()).get('n')).toBe(101);
    expect(outsideDone).toBe(true);
    if (attempts === 1) {
      // Only possible when the outside write was serialized after the transaction (locking).
      return;
    }
    expect(attempts).toBe(2);
  }, 120_000);

  it('a document created by another writer after the transaction read it as missing aborts the commit', async () => {
    const ref = db().collection('contention').doc('phantom');
    let attempts = 0;
    const seen: boolean[] = [];
    await db().runTransaction(
      async (tx) => {
        attempts++;
        const snap = await tx.get(ref);
        seen.push(snap.exists);
        if (attempts === 1) {
          await Promise.race([
            db().collection('contention').doc('phantom').create({ by: 'other' }).catch(() => undefined),
            new Promise((r) => setTimeout(r, 500)),
          ]);
        }
        if (!snap.exists) tx.create(ref, { by: 'tx' });
      },
      { maxAttempts: 10 },
    );
    const data = (await ref.get()).data()!;
    // Either the tx saw the other writer's document on retry, or it won and the other create failed.
    if (data.by === 'other') expect(seen).toEqual([false, true]);
    else expect(data.by).toBe('tx');
  }, 120_000);

  it('transactional queries see a consistent view and the commit is checked against them', async () => {
    const col = db().collection('tq');
    await col.doc('a').set({ open: true });
    await col.doc('b').set({ open: true });
    const closed = await db().runTransaction(async (tx) => {
      const open = await tx.get(col.where('open', '==', true));
      for (const d of open.docs) tx.update(d.ref, { open: false });
      return open.size;
    });
    expect(closed).toBe(2);
    expect((await col.where('open', '==', true).get()).size).toBe(0);
  });
});

describe('read-only transactions', () => {
  it('reads at a consistent snapshot: a write after the first read is not visible', async () => {
    const a = db().collection('ro').doc('a');
    const b = db().collection('ro').doc('b');
    await a.set({ v: 1 });
    await b.set({ v: 1 });
    const seen = await db().runTransaction(
      async (tx) => {
        const first = await tx.get(a);
        await b.set({ v: 2 }); // not blocked: read-only transactions take no locks
        const second = await tx.get(b);
        const q = await tx.get(db().collection('ro').where('v', '==', 1));
        return { a: first.get('v'), b: second.get('v'), q: q.size };
      },
      { readOnly: true },
    );
    expect(seen).toEqual({ a: 1, b: 1, q: 2 });
    expect((await b.get()).get('v')).toBe(2);
  });

  it('readTime reads the database as of that time (documents, queries, aggregations)', async () => {
    const ref = db().collection('ro').doc('versioned');
    const v1 = await ref.set({ v: 1 });
    await db().collection('ro').doc('later').set({ v: 9 });
    await ref.set({ v: 2 });
    // Read at the commit time of v1 (within the last hour, microsecond precision is allowed).
    const at = v1.writeTime;
    const seen = await db().runTransaction(
      async (tx) => {
        const snap = await tx.get(ref);
        const later = await tx.get(db().collection('ro').doc('later'));
        const all = await tx.get(db().collection('ro'));
        return { v: snap.get('v'), later: later.exists, n: all.size, readTime: snap.readTime };
      },
      { readOnly: true, readTime: at },
    );
    expect(seen.v).toBe(1);
    expect(seen.later).toBe(false);
    expect(seen.n).toBe(1);
    expect(seen.readTime.isEqual(at)).toBe(true);
  });

  it('readTime before a document existed reports it missing', async () => {
    const marker = await db().collection('ro').doc('marker').set({ v: 0 });
    const before = marker.writeTime;
    const ref = db().collection('ro').doc('newer');
    await ref.set({ v: 1 });
    const exists = await db().runTransaction(async (tx) => (await tx.get(ref)).exists, {
      readOnly: true,
      readTime: before,
    });
    expect(exists).toBe(false);
  });
});

describe('transaction ids', () => {
  it('two transactions on different documents commit independently', async () => {
    const refs: DocumentReference[] = [db().collection('ind').doc('x'), db().collection('ind').doc('y')];
    await Promise.all(refs.map((r) => r.set({ n: 0 })));
    await Promise.all(
      refs.map((r) =>
        db().runTransaction(async (tx) => {
          const s = await tx.get(r);
          tx.update(r, { n: s.get('n') + 1 });
        }),
      ),
    );
    const snaps = await db().getAll(...refs);
    expect(snaps.map((s) => s.get('n'))).toEqual([1, 1]);
  });
});
