/** Pure parts of the core: transforms, limits, names, store ordering and history. */
import { applyTransform } from '../../../emulator/firestore/transforms';
import { checkDocumentSize, measureFields, validateDocumentPathForWrite } from '../../../emulator/firestore/limits';
import { parseDocumentName, parseParentName } from '../../../emulator/firestore/names';
import { DocumentStore, makeStoredDoc } from '../../../emulator/firestore/store';
import { FirestoreError } from '../../../emulator/firestore/errors';
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

  test('nesting deeper than 20 levels is rejected', () => {
    let v: Value = int(1);
    for (let i = 0; i < 21; i++) v = { mapValue: { fields: { m: v } } };
    expect(codeOf(() => measureFields({ top: v }))).toBe(3);
    let ok: Value = int(1);
    for (let i = 0; i < 20; i++) ok = { mapValue: { fields: { m: ok } } };
    expect(codeOf(() => measureFields({ top: ok }))).toBeUndefined();
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
