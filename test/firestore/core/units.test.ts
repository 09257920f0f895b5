/** Pure parts of the core: transforms, limits, names, store ordering and history. */
import { applyTransform } from '../../../emulator/firestore/transforms';
import { checkDocumentSize, measureFields, validateDocumentPathForWrite } from '../../../emulator/firestore/limits';
import { parseDocumentName, parseParentName } from '../../../emulator/firestore/names';
import { DocumentStore, makeStoredDoc } from '../../../emulator/firestore/store';
import { FirestoreError } from '../../../emulator/firestore/errors';
import { TransactionManager } from '../../../emulator/firestore/transactions';
import type { Value } from '../../../emulator/firestore/types';

const now = { seconds: '100', nanos: 0 };
const int = (n: string | number): Value => ({ integerValue: String(n) });
const dbl = (n: number): Value => ({ doubleValue: n });

function codeOf(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof FirestoreError) return e.code;
    throw e;
  }
  return undefined;
}

describe('transforms', () => {
  test('increment saturates int64 and switches to double when either side is a double', () => {
    expect(applyTransform({ fieldPath: 'a', increment: int(1) }, int('9223372036854775807'), now).value).toEqual(int('9223372036854775807'));
    expect(applyTransform({ fieldPath: 'a', increment: int(-5) }, int('-9223372036854775807'), now).value).toEqual(int('-9223372036854775808'));
    expect(applyTransform({ fieldPath: 'a', increment: dbl(0.5) }, int(2), now).value).toEqual(dbl(2.5));
    expect(applyTransform({ fieldPath: 'a', increment: int(3) }, { stringValue: 'x' }, now).value).toEqual(int(3));
  });

  test('maximum/minimum keep the stored value on ties, take the winning operand type, and NaN wins', () => {
    expect(applyTransform({ fieldPath: 'a', maximum: dbl(3) }, int(3), now).value).toEqual(int(3));
    expect(applyTransform({ fieldPath: 'a', maximum: dbl(3.5) }, int(3), now).value).toEqual(dbl(3.5));
    expect(applyTransform({ fieldPath: 'a', minimum: int(2) }, dbl(2.5), now).value).toEqual(int(2));
    expect(Number.isNaN(applyTransform({ fieldPath: 'a', minimum: dbl(NaN) }, int(1), now).value.doubleValue)).toBe(true);
    expect(applyTransform({ fieldPath: 'a', maximum: int(7) }, undefined, now).value).toEqual(int(7));
  });

  test('array transforms treat NaN as equal to NaN and report a null transform result', () => {
    const r = applyTransform({ fieldPath: 'a', removeAllFromArray: { values: [dbl(NaN)] } }, { arrayValue: { values: [dbl(NaN), int(1)] } }, now);
    expect(r.value).toEqual({ arrayValue: { values: [int(1)] } });
    expect(r.result).toEqual({ nullValue: 'NULL_VALUE' });
  });

  test('non-numeric increment operands are INVALID_ARGUMENT', () => {
    expect(codeOf(() => applyTransform({ fieldPath: 'a', increment: { stringValue: '1' } }, int(1), now))).toBe(3);
  });
});

describe('limits', () => {
  test('document size follows the storage-size rules (documented example is 147 bytes)', () => {
    const fields = {
      type: { stringValue: 'Personal' },
      done: { booleanValue: false },
      priority: int(1),
      description: { stringValue: 'Learn Cloud Firestore' },
    };
    expect(checkDocumentSize(['users', 'jeff', 'tasks', 'my_task_id'], fields, 'x')).toBe(147);
  });

  test('field paths deeper than 20 segments (array indexes included) are rejected', () => {
    let v: Value = int(1);
    for (let i = 0; i < 20; i++) v = { mapValue: { fields: { m: v } } };
    expect(codeOf(() => measureFields({ top: v }))).toBe(3); // top + 20 × m = 21
    let ok: Value = int(1);
    for (let i = 0; i < 19; i++) ok = { mapValue: { fields: { m: ok } } };
    expect(codeOf(() => measureFields({ top: ok }))).toBeUndefined();
    const inArray: Value = { arrayValue: { values: [ok] } }; // one more level
    expect(codeOf(() => measureFields({ top: inArray }))).toBe(3);
  });

  test('nested arrays and more than 20,000 fields are rejected', () => {
    expect(codeOf(() => measureFields({ a: { arrayValue: { values: [{ arrayValue: { values: [] } }] } } }))).toBe(3);
    const wide: Record<string, Value> = {};
    for (let i = 0; i < 20_000; i++) wide['f' + i] = int(i);
    expect(codeOf(() => measureFields(wide))).toBeUndefined();
    wide.extra = int(1);
    expect(codeOf(() => measureFields(wide))).toBe(3);
  });

  test('ids: reserved, dot names, and oversize names are INVALID_ARGUMENT', () => {
    expect(codeOf(() => validateDocumentPathForWrite(['c', '__x__'], 'n'))).toBe(3);
    expect(codeOf(() => validateDocumentPathForWrite(['..', 'd'], 'n'))).toBe(3);
    expect(codeOf(() => validateDocumentPathForWrite(['c', 'x'.repeat(1501)], 'n'))).toBe(3);
    expect(codeOf(() => validateDocumentPathForWrite(['c', 'x'.repeat(1500)], 'n'))).toBeUndefined();
    expect(codeOf(() => validateDocumentPathForWrite(['c', 'x'.repeat(1500), 'd', 'y'.repeat(1500), 'e', 'z'.repeat(1500), 'f', 'w'.repeat(1500), 'g', 'v'.repeat(1500)], 'n'))).toBe(3);
  });

  test('vector values may use the __type__ key', () => {
    const vector: Value = { mapValue: { fields: { __type__: { stringValue: '__vector__' }, value: { arrayValue: { values: [dbl(1)] } } } } };
    expect(codeOf(() => measureFields({ embedding: vector }))).toBeUndefined();
  });
});

describe('names', () => {
  test('document names need an even number of segments; parents too', () => {
    expect(parseDocumentName('projects/p/databases/(default)/documents/a/b').path).toBe('a/b');
    expect(codeOf(() => parseDocumentName('projects/p/databases/(default)/documents/a'))).toBe(3);
    expect(codeOf(() => parseParentName('projects/p/databases/(default)/documents/a'))).toBe(3);
    expect(parseParentName('projects/p/databases/(default)/documents').path).toBe('');
    expect(codeOf(() => parseDocumentName('projects/p/databases/d/docs/a/b'))).toBe(3);
  });
});

describe('store', () => {
  test('collections iterate in document-name order and keep older versions for snapshot reads', () => {
    const store = new DocumentStore();
    store.apply([{ path: 'c/b', after: makeStoredDoc('c/b', { v: int(1) }, 10, 10) }, { path: 'c/a', after: makeStoredDoc('c/a', {}, 10, 10) }], 10);
    store.apply([{ path: 'c/b', after: makeStoredDoc('c/b', { v: int(2) }, 10, 20) }, { path: 'c/a', after: null }], 20);
    expect([...store.collection('', 'c')].map((d) => d.path)).toEqual(['c/b']);
    const old = [...store.collection('', 'c', { seconds: '0', nanos: 15_000 })];
    expect(old.map((d) => [d.path, d.fields.v?.integerValue])).toEqual([
      ['c/a', undefined],
      ['c/b', '1'],
    ]);
    expect(store.getAt('c/b', 5)).toBeNull();
  });
});

describe('transaction manager (shared read locks, wound-wait at commit)', () => {
  const ABORTED = expect.objectContaining({ code: 10 });

  test('reads are shared: two transactions read-lock the same document without waiting', () => {
    const m = new TransactionManager();
    const a = m.begin({ readWrite: {} }, 0);
    const b = m.begin({ readWrite: {} }, 0);
    m.lock(a, ['d']);
    m.lock(b, ['d']);
    expect(a.locks.has('d') && b.locks.has('d')).toBe(true);
    expect(() => m.get(a.id)).not.toThrow();
    expect(() => m.get(b.id)).not.toThrow();
  });

  test('both read, both commit (upgrade deadlock): the older commits at once, the younger is aborted', async () => {
    const m = new TransactionManager();
    const older = m.begin({ readWrite: {} }, 0);
    const younger = m.begin({ readWrite: {} }, 0);
    m.lock(older, ['d']);
    m.lock(younger, ['d']);
    // The younger asks first: it has to wait for the older reader.
    const youngerWait = m.commitBlockers(younger, ['d']);
    expect(youngerWait).toBeInstanceOf(Promise);
    // The older asks: it wounds the younger (whose wait fails with ABORTED) and may commit now.
    expect(m.commitBlockers(older, ['d'])).toBeUndefined();
    await expect(youngerWait).rejects.toEqual(ABORTED);
    expect(() => m.get(younger.id)).toThrow(ABORTED);
  });

  test('a younger commit waits for an older reader and proceeds once it ends', async () => {
    const m = new TransactionManager();
    const older = m.begin({ readWrite: {} }, 0);
    const younger = m.begin({ readWrite: {} }, 0);
    m.lock(older, ['d']);
    m.lock(younger, ['d']);
    let released = false;
    const wait = m.commitBlockers(younger, ['d'])!.then(() => (released = true));
    await new Promise((r) => setImmediate(r));
    expect(released).toBe(false);
    m.end(older, 'rolledBack');
    await wait;
    expect(m.commitBlockers(younger, ['d'])).toBeUndefined();
  });

  test('an older commit wounds a younger reader, which then fails with ABORTED', () => {
    const m = new TransactionManager();
    const older = m.begin({ readWrite: {} }, 0);
    const younger = m.begin({ readWrite: {} }, 0);
    m.lock(younger, ['d']);
    expect(m.commitBlockers(older, ['d'])).toBeUndefined();
    expect(() => m.get(younger.id)).toThrow(ABORTED);
    expect(() => m.lock(younger, ['e'])).toThrow(ABORTED);
  });

  test('readers of other documents are not affected by a commit', () => {
    const m = new TransactionManager();
    const older = m.begin({ readWrite: {} }, 0);
    const younger = m.begin({ readWrite: {} }, 0);
    m.lock(younger, ['other']);
    expect(m.commitBlockers(older, ['d'])).toBeUndefined();
    expect(() => m.get(younger.id)).not.toThrow();
  });

  test('a retried transaction keeps the priority of the attempt it retries', async () => {
    const m = new TransactionManager();
    const first = m.begin({ readWrite: {} }, 0);
    const other = m.begin({ readWrite: {} }, 0);
    m.end(first, 'aborted');
    const retry = m.begin({ readWrite: { retryTransaction: first.id } }, 0);
    expect(retry.priority).toBeLessThan(other.priority);
  });

  test('idle transactions expire with the message the client retries on', () => {
    const m = new TransactionManager();
    const t = m.begin({ readWrite: {} }, 0);
    m.sweep(Date.now() + 61_000);
    expect(() => m.get(t.id)).toThrow(/transaction has expired/);
  });
});
