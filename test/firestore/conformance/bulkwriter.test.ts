/**
 * Conformance: BulkWriter → BatchWrite. BatchWrite is not atomic: each write succeeds or fails on
 * its own and the response carries one status per write (google/firestore/v1/firestore.proto,
 * BatchWriteRequest / BatchWriteResponse; https://cloud.google.com/nodejs/docs/reference/firestore/latest/firestore/bulkwriter).
 */
import { BulkWriterError, FieldValue, type WriteResult } from '@google-cloud/firestore';
import { Code, useFirestoreEmulator } from '../../support/firestore';

const db = useFirestoreEmulator('bulkwriter');

type Settled = { ok: true; value: WriteResult } | { ok: false; error: BulkWriterError };

/** Attaches handlers immediately so a rejected write never becomes an unhandled rejection. */
function settle(p: Promise<WriteResult>): Promise<Settled> {
  return p.then(
    (value) => ({ ok: true as const, value }),
    (error: BulkWriterError) => ({ ok: false as const, error }),
  );
}

function writer() {
  // No ramp-up throttling: the emulator is local and the 500 ops/s start would only slow the test.
  return db().bulkWriter({ throttling: false });
}

describe('BulkWriter', () => {
  it('writes 1,200 documents (several BatchWrite calls) and resolves every write', async () => {
    const col = db().collection('bw');
    const bw = writer();
    const results: Promise<WriteResult>[] = [];
    for (let i = 0; i < 1200; i++) results.push(bw.set(col.doc(`d${i}`), { i, payload: 'x'.repeat(100) }));
    await bw.close();
    const settled = await Promise.all(results);
    expect(settled.every((r) => r.writeTime.toMillis() > 0)).toBe(true);
    const count = await col.count().get();
    expect(count.data().count).toBe(1200);
    expect((await col.doc('d777').get()).get('i')).toBe(777);
  });

  it('one failing write does not stop the others; each failure carries its own gRPC code', async () => {
    const col = db().collection('mixed');
    await col.doc('exists').set({ v: 'orig' });
    await col.doc('stale').set({ v: 1 });
    const stale = (await col.doc('stale').get()).updateTime!;
    await col.doc('stale').set({ v: 2 });

    const errors: BulkWriterError[] = [];
    const bw = writer();
    bw.onWriteError((err) => {
      errors.push(err);
      return false; // never retry: these failures are permanent
    });
    const ok1 = settle(bw.set(col.doc('ok1'), { v: 1 }));
    const dup = settle(bw.create(col.doc('exists'), { v: 'dup' }));
    const ok2 = settle(bw.create(col.doc('ok2'), { v: 2 }));
    const missing = settle(bw.update(col.doc('missing'), { v: 1 }));
    const pre = settle(bw.update(col.doc('stale'), { v: 3 }, { lastUpdateTime: stale }));
    const ok3 = settle(bw.update(col.doc('exists'), { touched: true }));
    const del = settle(bw.delete(col.doc('ok-delete-missing')));
    await bw.close();

    for (const p of [ok1, ok2, ok3, del]) expect((await p).ok).toBe(true);
    const failed = async (p: Promise<Settled>) => {
      const r = await p;
      if (r.ok) throw new Error('expected the write to fail');
      return { code: r.error.code, operationType: r.error.operationType };
    };
    expect(await failed(dup)).toEqual({ code: Code.ALREADY_EXISTS, operationType: 'create' });
    expect(await failed(missing)).toEqual({ code: Code.NOT_FOUND, operationType: 'update' });
    expect(await failed(pre)).toEqual({ code: Code.FAILED_PRECONDITION, operationType: 'update' });

    expect(errors.map((e) => [e.documentRef.id, e.code]).sort()).toEqual(
      [
        ['exists', Code.ALREADY_EXISTS],
        ['missing', Code.NOT_FOUND],
        ['stale', Code.FAILED_PRECONDITION],
      ].sort(),
    );
    const [ok1s, ok2s, exists, missingS, staleS] = await db().getAll(
      col.doc('ok1'),
      col.doc('ok2'),
      col.doc('exists'),
      col.doc('missing'),
      col.doc('stale'),
    );
    expect(ok1s.data()).toEqual({ v: 1 });
    expect(ok2s.data()).toEqual({ v: 2 });
    expect(exists.data()).toEqual({ v: 'orig', touched: true });
    expect(missingS.exists).toBe(false);
    expect(staleS.data()).toEqual({ v: 2 });
  });

  it('onWriteError returning true retries the write (each retry is a new BatchWrite)', async () => {
    const ref = db().collection('retry').doc('missing');
    const bw = writer();
    const seen: number[] = [];
    bw.onWriteError((err) => {
      seen.push(err.failedAttempts);
      return err.failedAttempts < 3;
    });
    const result = settle(bw.update(ref, { n: FieldValue.increment(1) }));
    await bw.close();
    const r = await result;
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe(Code.NOT_FOUND);
      expect(r.error.failedAttempts).toBe(3);
    }
    expect(seen).toEqual([1, 2, 3]);
    expect((await ref.get()).exists).toBe(false);
  });

  it('several writes to one document are applied in the order they were enqueued', async () => {
    const ref = db().collection('seq').doc('one');
    const bw = writer();
    void bw.set(ref, { n: 1 });
    void bw.update(ref, { n: FieldValue.increment(10) });
    void bw.update(ref, { tag: 'last' });
    await bw.close();
    expect((await ref.get()).data()).toEqual({ n: 11, tag: 'last' });
  });

  it('recursiveDelete removes a document, its subcollections and nothing else', async () => {
    const root = db().collection('tree').doc('root');
    await root.set({ r: 1 });
    await root.collection('a').doc('a1').set({ v: 1 });
    await root.collection('a').doc('a1').collection('deep').doc('x').set({ v: 1 });
    await root.collection('b').doc('b1').set({ v: 1 });
    await db().collection('tree').doc('sibling').set({ keep: true });
    await db().collection('tree').doc('sibling').collection('a').doc('a1').set({ keep: true });
    await db().recursiveDelete(root, writer());
    expect((await root.get()).exists).toBe(false);
    expect((await root.collection('a').doc('a1').collection('deep').doc('x').get()).exists).toBe(false);
    expect((await root.collection('b').doc('b1').get()).exists).toBe(false);
    expect((await db().collection('tree').doc('sibling').get()).exists).toBe(true);
    expect((await db().collection('tree').doc('sibling').collection('a').doc('a1').get()).exists).toBe(true);
  });
});
