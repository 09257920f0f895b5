/**
 * Conformance: Listen (DocumentReference.onSnapshot and Query.onSnapshot).
 * https://firebase.google.com/docs/firestore/query-data/listen: the first snapshot carries the
 * current state; later snapshots carry the changes, with docChanges() typed added / modified /
 * removed (a document that stops matching the query is "removed").
 */
import type { DocumentSnapshot, Query, QuerySnapshot } from '@google-cloud/firestore';
import { useFirestoreEmulator } from '../../support/firestore';

const db = useFirestoreEmulator('listen');

/** Collects snapshots from a listener and lets a test await the next one (or one matching a predicate). */
class SnapshotQueue<T> {
  private readonly items: T[] = [];
  private waiters: Array<() => void> = [];
  private failure: Error | undefined;
  unsubscribe: () => void = () => undefined;

  push = (item: T): void => {
    this.items.push(item);
    this.wake();
  };
  fail = (err: Error): void => {
    this.failure = err;
    this.wake();
  };
  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    w.forEach((f) => f());
  }
  /** Resolves with the first queued snapshot satisfying `pred`, discarding earlier ones. */
  async next(pred: (t: T) => boolean = () => true, what = 'snapshot'): Promise<T> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      if (this.failure) throw this.failure;
      while (this.items.length) {
        const item = this.items.shift()!;
        if (pred(item)) return item;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 1000);
      });
    }
  }
}

const queues: Array<SnapshotQueue<unknown>> = [];
afterEach(() => {
  queues.splice(0).forEach((q) => q.unsubscribe());
});

function listenDoc(path: string): SnapshotQueue<DocumentSnapshot> {
  const q = new SnapshotQueue<DocumentSnapshot>();
  q.unsubscribe = db().doc(path).onSnapshot(q.push, q.fail);
  queues.push(q as SnapshotQueue<unknown>);
  return q;
}

function listenQuery(query: Query): SnapshotQueue<QuerySnapshot> {
  const q = new SnapshotQueue<QuerySnapshot>();
  q.unsubscribe = query.onSnapshot(q.push, q.fail);
  queues.push(q as SnapshotQueue<unknown>);
  return q;
}

const changes = (s: QuerySnapshot) => s.docChanges().map((c) => `${c.type}:${c.doc.id}`);

describe('document listeners', () => {
  it('initial snapshot of an existing document, then a change, then a delete', async () => {
    const ref = db().collection('l').doc('a');
    await ref.set({ v: 1 });
    const q = listenDoc('l/a');
    const first = await q.next();
    expect(first.exists).toBe(true);
    expect(first.data()).toEqual({ v: 1 });

    await ref.update({ v: 2 });
    const second = await q.next((s) => s.get('v') === 2, 'v == 2');
    expect(second.data()).toEqual({ v: 2 });
    expect(second.updateTime!.valueOf() > first.updateTime!.valueOf()).toBe(true);

    await ref.delete();
    const third = await q.next((s) => !s.exists, 'delete');
    expect(third.exists).toBe(false);
  });

  it('initial snapshot of a missing document, then its creation', async () => {
    const q = listenDoc('l/later');
    const first = await q.next();
    expect(first.exists).toBe(false);
    await db().collection('l').doc('later').set({ hello: 'world' });
    const created = await q.next((s) => s.exists, 'creation');
    expect(created.data()).toEqual({ hello: 'world' });
  });

  it('changes to other documents do not produce document snapshots with different data', async () => {
    const ref = db().collection('l').doc('quiet');
    await ref.set({ v: 1 });
    const q = listenDoc('l/quiet');
    await q.next();
    await db().collection('l').doc('noise').set({ v: 99 });
    await ref.update({ v: 3 });
    const next = await q.next();
    // The first snapshot after the initial one must already be the change to this document.
    expect(next.data()).toEqual({ v: 3 });
  });
});

describe('query listeners', () => {
  it('reports added, modified and removed documents', async () => {
    const col = db().collection('tasks');
    await col.doc('t1').set({ done: false, p: 1 });
    await col.doc('t2').set({ done: false, p: 2 });
    await col.doc('t3').set({ done: true, p: 3 });
    const q = listenQuery(col.where('done', '==', false));

    const initial = await q.next();
    expect(initial.docs.map((d) => d.id)).toEqual(['t1', 't2']);
    expect(changes(initial)).toEqual(['added:t1', 'added:t2']);

    await col.doc('t4').set({ done: false, p: 4 });
    const added = await q.next((s) => s.size === 3, 'added t4');
    expect(changes(added)).toEqual(['added:t4']);

    await col.doc('t1').update({ p: 10 });
    const modified = await q.next((s) => s.docChanges().some((c) => c.type === 'modified'), 'modified t1');
    expect(changes(modified)).toEqual(['modified:t1']);
    expect(modified.docs.find((d) => d.id === 't1')!.get('p')).toBe(10);

    await col.doc('t2').update({ done: true }); // no longer matches
    const removed = await q.next((s) => s.size === 2, 'removed t2');
    expect(changes(removed)).toEqual(['removed:t2']);

    await col.doc('t4').delete();
    const deleted = await q.next((s) => s.size === 1, 'deleted t4');
    expect(changes(deleted)).toEqual(['removed:t4']);
    expect(deleted.docs.map((d) => d.id)).toEqual(['t1']);

    await col.doc('t3').update({ done: false }); // starts matching
    const matched = await q.next((s) => s.size === 2, 't3 matches');
    expect(changes(matched)).toEqual(['added:t3']);
  });

  it('an ordered, limited query listener keeps the top N', async () => {
    const col = db().collection('scores');
    await col.doc('a').set({ s: 10 });
    await col.doc('b').set({ s: 20 });
    await col.doc('c').set({ s: 30 });
    const q = listenQuery(col.orderBy('s', 'desc').limit(2));
    const initial = await q.next();
    expect(initial.docs.map((d) => d.id)).toEqual(['c', 'b']);

    await col.doc('d').set({ s: 25 });
    const next = await q.next((s) => s.docs.some((d) => d.id === 'd'), 'd enters the top 2');
    expect(next.docs.map((d) => d.id)).toEqual(['c', 'd']);
    expect(changes(next).sort()).toEqual(['added:d', 'removed:b']);

    await col.doc('c').delete();
    const after = await q.next((s) => !s.docs.some((d) => d.id === 'c'), 'c deleted');
    expect(after.docs.map((d) => d.id)).toEqual(['d', 'b']);
  });

  it('a listener on an empty collection gets an empty initial snapshot, then the first document', async () => {
    const q = listenQuery(db().collection('empty-now'));
    const initial = await q.next();
    expect(initial.empty).toBe(true);
    await db().collection('empty-now').doc('first').set({ x: 1 });
    const next = await q.next((s) => s.size === 1, 'first document');
    expect(changes(next)).toEqual(['added:first']);
  });

  it('a collection-group listener sees documents in every matching collection', async () => {
    const q = listenQuery(db().collectionGroup('msgs').where('to', '==', 'me'));
    await q.next();
    await db().doc('rooms/r1/msgs/m1').set({ to: 'me' });
    await db().doc('rooms/r2/msgs/m2').set({ to: 'you' });
    await db().doc('rooms/r3/msgs/m3').set({ to: 'me' });
    const snap = await q.next((s) => s.size === 2, 'two messages');
    expect(snap.docs.map((d) => d.ref.path)).toEqual(['rooms/r1/msgs/m1', 'rooms/r3/msgs/m3']);
  });

  it('a batch that changes several matching documents is delivered consistently', async () => {
    const col = db().collection('atomic');
    const q = listenQuery(col);
    await q.next();
    const batch = db().batch();
    for (let i = 0; i < 5; i++) batch.set(col.doc(`d${i}`), { i });
    await batch.commit();
    // Never a snapshot with only part of the batch.
    const snap = await q.next((s) => s.size > 0, 'batch');
    expect(snap.size).toBe(5);
  });
});
