/** Test helpers: an in-memory QuerySource and terse builders for values, filters and queries. */
import type { QuerySource, StoredDocument, WriteObserver } from '../../../emulator/firestore/query-source';
import type { Fields, Filter, FieldFilterOp, Order, StructuredQuery, Timestamp, UnaryFilterOp, Value } from '../../../emulator/firestore/types';
import { compareDocumentPaths } from '../../../emulator/firestore/values';

export const ROOT = 'projects/p/databases/(default)/documents';
const T0: Timestamp = { seconds: '1', nanos: 0 };

export const int = (n: number | bigint | string): Value => ({ integerValue: String(n) });
export const dbl = (n: number): Value => ({ doubleValue: n });
export const str = (s: string): Value => ({ stringValue: s });
export const bool = (b: boolean): Value => ({ booleanValue: b });
export const nul = (): Value => ({ nullValue: 'NULL_VALUE' });
export const ts = (seconds: number, nanos = 0): Value => ({ timestampValue: { seconds: String(seconds), nanos } });
export const bytes = (...b: number[]): Value => ({ bytesValue: Buffer.from(b) });
export const ref = (path: string): Value => ({ referenceValue: `${ROOT}/${path}` });
export const geo = (latitude: number, longitude: number): Value => ({ geoPointValue: { latitude, longitude } });
export const arr = (...values: Value[]): Value => ({ arrayValue: { values } });
export const map = (fields: Record<string, Value>): Value => ({ mapValue: { fields } });

/** Plain JS → Value: integral numbers become integers, other numbers doubles. */
export function val(x: unknown): Value {
  if (x === null) return nul();
  if (typeof x === 'number') return Number.isInteger(x) && !Object.is(x, -0) ? int(x) : dbl(x);
  if (typeof x === 'string') return str(x);
  if (typeof x === 'boolean') return bool(x);
  if (Array.isArray(x)) return arr(...x.map(val));
  if (typeof x === 'object' && x && 'integerValue' in x) return x as Value;
  if (typeof x === 'object' && x && Object.keys(x).some((k) => k.endsWith('Value'))) return x as Value;
  if (typeof x === 'object' && x) return map(Object.fromEntries(Object.entries(x).map(([k, v]) => [k, val(v)])));
  throw new Error(`cannot convert ${String(x)}`);
}

export function fields(obj: Record<string, unknown>): Fields {
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, val(v)]));
}

export class MemorySource implements QuerySource {
  readonly docs = new Map<string, StoredDocument>();
  observers: WriteObserver[] = [];

  set(path: string, data: Record<string, unknown>): StoredDocument {
    const before = this.docs.get(path) ?? null;
    const doc: StoredDocument = { path, fields: fields(data), createTime: T0, updateTime: T0 };
    this.docs.set(path, doc);
    for (const o of this.observers) o.onDocumentChanged(path, before, doc);
    return doc;
  }

  delete(path: string): void {
    const before = this.docs.get(path) ?? null;
    this.docs.delete(path);
    for (const o of this.observers) o.onDocumentChanged(path, before, null);
  }

  private sorted(pred: (segments: string[]) => boolean): StoredDocument[] {
    return [...this.docs.values()].filter((d) => pred(d.path.split('/'))).sort((a, b) => compareDocumentPaths(a.path, b.path));
  }

  collection(parentPath: string, collectionId: string): Iterable<StoredDocument> {
    const parent = parentPath === '' ? [] : parentPath.split('/');
    return this.sorted((s) => s.length === parent.length + 2 && s[parent.length] === collectionId && parent.every((p, i) => s[i] === p));
  }

  collectionGroup(parentPath: string, collectionId: string): Iterable<StoredDocument> {
    const parent = parentPath === '' ? [] : parentPath.split('/');
    return this.sorted((s) => s.length > parent.length && s[s.length - 2] === collectionId && parent.every((p, i) => s[i] === p));
  }

  allDescendants(parentPath: string): Iterable<StoredDocument> {
    const parent = parentPath === '' ? [] : parentPath.split('/');
    return this.sorted((s) => s.length > parent.length && parent.every((p, i) => s[i] === p));
  }
}

export const ff = (field: string, op: FieldFilterOp, value: unknown): Filter => ({
  fieldFilter: { field: { fieldPath: field }, op, value: val(value) },
});
export const un = (field: string, op: UnaryFilterOp): Filter => ({ unaryFilter: { field: { fieldPath: field }, op } });
export const and = (...filters: Filter[]): Filter => ({ compositeFilter: { op: 'AND', filters } });
export const or = (...filters: Filter[]): Filter => ({ compositeFilter: { op: 'OR', filters } });
export const asc = (field: string): Order => ({ field: { fieldPath: field }, direction: 'ASCENDING' });
export const desc = (field: string): Order => ({ field: { fieldPath: field }, direction: 'DESCENDING' });

export function coll(id: string, extra: Partial<StructuredQuery> = {}): StructuredQuery {
  return { from: [{ collectionId: id }], ...extra };
}

/** Document ids (last path segment) of a result. */
export const ids = (docs: StoredDocument[]): string[] => docs.map((d) => d.path.split('/').pop()!);
