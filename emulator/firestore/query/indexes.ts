/**
 * Secondary indexes of one database, so that query cost follows the result size.
 *
 * An index covers one scope (a collection, or a collection id across the database for collection-group
 * queries) and an ordered list of field paths; its entries are the documents having all those fields,
 * sorted by (field values..., document path). Indexes are built from the QuerySource the first time a
 * query needs one and then maintained incrementally from every committed change (WriteObserver).
 */
import type { Value } from '../types';
import type { QuerySource, StoredDocument, WriteObserver } from '../query-source';
import { getField } from '../fieldpath';
import { TypeOrder, compareDocumentPaths, compareUtf8, compareValues, typeOrder, valueKind } from '../values';
import type { FieldRef } from './model';
import { SortedChunks } from './sorted-chunks';

export interface IndexEntry {
  keys: Value[];
  /** Pre-digested keys: comparisons during maintenance avoid re-parsing int64 strings. */
  sortKeys: SortKey[];
  path: string;
  doc: StoredDocument;
}

/** Scope of an index: documents of one collection, or of one collection id anywhere. */
export type IndexScope = { kind: 'collection'; parentPath: string; collectionId: string } | { kind: 'group'; collectionId: string };

/** A value with its type bracket and, for safe numbers and strings, a primitive to compare directly. */
interface SortKey {
  t: number;
  n?: number;
  s?: string;
  v: Value;
}

function sortKey(v: Value): SortKey {
  const t = typeOrder(v);
  if (t === TypeOrder.number) {
    if (valueKind(v) === 'doubleValue') return { t, n: Number(v.doubleValue), v };
    const n = Number(v.integerValue);
    return Number.isSafeInteger(n) ? { t, n, v } : { t, v };
  }
  if (t === TypeOrder.string) return { t, s: v.stringValue ?? '', v };
  return { t, v };
}

function compareSortKeys(a: readonly SortKey[], b: readonly SortKey[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    let c: number;
    if (x.t !== y.t) c = x.t < y.t ? -1 : 1;
    else if (x.n !== undefined && y.n !== undefined) c = x.n < y.n ? -1 : x.n > y.n ? 1 : 0;
    else if (x.s !== undefined && y.s !== undefined) c = compareUtf8(x.s, y.s);
    else c = compareValues(x.v, y.v);
    if (c !== 0) return c;
  }
  return 0;
}

export function compareEntries(a: IndexEntry, b: IndexEntry): number {
  return compareSortKeys(a.sortKeys, b.sortKeys) || compareDocumentPaths(a.path, b.path);
}

/** One sorted index: entries in a chunked sorted list, plus the entry of each document by path. */
export class FieldIndex {
  private readonly entries = new SortedChunks<IndexEntry>(compareEntries);
  private readonly byPath = new Map<string, IndexEntry>();

  constructor(readonly fields: readonly FieldRef[]) {}

  get size(): number {
    return this.entries.size;
  }

  at(i: number): IndexEntry {
    return this.entries.at(i);
  }

  /** Bulk load (initial build): one sort instead of n insertions. */
  load(docs: Iterable<StoredDocument>): void {
    const items: IndexEntry[] = [];
    for (const doc of docs) {
      const entry = this.entryFor(doc);
      if (entry) {
        items.push(entry);
        this.byPath.set(entry.path, entry);
      }
    }
    this.entries.reset(items);
  }

  private entryFor(doc: StoredDocument): IndexEntry | undefined {
    const keys: Value[] = [];
    for (const f of this.fields) {
      const v = getField(doc.fields, f.segments);
      if (v === undefined) return undefined;
      keys.push(v);
    }
    return { keys, sortKeys: keys.map(sortKey), path: doc.path, doc };
  }

  /** First position in [lo, hi) whose entry is not before the target (`cmp(entry) >= 0`); cmp must be monotone. */
  lowerBound(cmp: (e: IndexEntry) => number, lo = 0, hi = this.entries.size): number {
    return this.entries.lowerBound(cmp, lo, hi);
  }

  remove(path: string): void {
    const entry = this.byPath.get(path);
    if (!entry) return;
    this.byPath.delete(path);
    // Entries keep the keys computed at insertion, so the entry is found where it was put.
    this.entries.remove(entry);
  }

  upsert(doc: StoredDocument): void {
    this.remove(doc.path);
    const entry = this.entryFor(doc);
    if (!entry) return;
    this.byPath.set(entry.path, entry);
    this.entries.insert(entry);
  }
}

function collectionPathOf(parentPath: string, collectionId: string): string {
  return parentPath === '' ? collectionId : `${parentPath}/${collectionId}`;
}

const fieldsKey = (fields: readonly FieldRef[]): string => fields.map((f) => f.key).join('\u0000');

export class QueryIndexes implements WriteObserver {
  /** collection path → fields key → index */
  private readonly collections = new Map<string, Map<string, FieldIndex>>();
  /** collection id → fields key → index (collection-group scope) */
  private readonly groups = new Map<string, Map<string, FieldIndex>>();

  /** The index for (scope, fields), built from `source` on first use. */
  get(source: QuerySource, scope: IndexScope, fields: readonly FieldRef[]): FieldIndex {
    const [map, scopeKey] =
      scope.kind === 'collection'
        ? [this.collections, collectionPathOf(scope.parentPath, scope.collectionId)]
        : [this.groups, scope.collectionId];
    let byFields = map.get(scopeKey);
    if (!byFields) map.set(scopeKey, (byFields = new Map()));
    const key = fieldsKey(fields);
    let index = byFields.get(key);
    if (!index) {
      index = new FieldIndex(fields);
      index.load(
        scope.kind === 'collection'
          ? source.collection(scope.parentPath, scope.collectionId)
          : source.collectionGroup('', scope.collectionId),
      );
      byFields.set(key, index);
    }
    return index;
  }

  /** Number of indexes built so far (diagnostics and tests). */
  get count(): number {
    let n = 0;
    for (const m of [this.collections, this.groups]) for (const byFields of m.values()) n += byFields.size;
    return n;
  }

  onDocumentChanged(path: string, before: StoredDocument | null, after: StoredDocument | null): void {
    void before; // entries remember their own keys, so the previous version is not needed
    const segments = path.split('/');
    if (segments.length < 2) return;
    const collectionId = segments[segments.length - 2];
    const collectionPath = segments.slice(0, -1).join('/');
    for (const byFields of [this.collections.get(collectionPath), this.groups.get(collectionId)]) {
      if (!byFields) continue;
      for (const index of byFields.values()) {
        if (after) index.upsert(after);
        else index.remove(path);
      }
    }
  }

  /** Drops every index (e.g. when the database is cleared); they are rebuilt on demand. */
  clear(): void {
    this.collections.clear();
    this.groups.clear();
  }
}
