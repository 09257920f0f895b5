/**
 * The reference execution path: read every document of the scope, filter, sort, then apply
 * cursors/offset/limit. When the query is ordered by `__name__` ascending only, documents are
 * streamed in source order and the scan stops as soon as the limit is reached.
 */
import type { Timestamp } from '../types';
import type { QuerySource, StoredDocument } from '../query-source';
import { compareDocumentPaths } from '../values';
import { matchesFilter } from './filter';
import type { FieldReader, NormalizedQuery, Scope } from './model';
import { type Keyed, ResultCollector, compareKeyed, hasOrderFields, orderKeys } from './ordering';

export function scopeDocuments(source: QuerySource, scope: Scope, readTime?: Timestamp): Iterable<StoredDocument> {
  switch (scope.kind) {
    case 'collection':
      return source.collection(scope.parentPath, scope.collectionId, readTime);
    case 'group':
      return source.collectionGroup(scope.parentPath, scope.collectionId, readTime);
    case 'all':
      return source.allDescendants(scope.parentPath, readTime);
  }
}

/** The document if it passes the where clause and has every order-by field. */
export function keyIfMatching(doc: StoredDocument, q: NormalizedQuery, reader: FieldReader): Keyed | undefined {
  if (q.filter && !matchesFilter(q.filter, doc, reader)) return undefined;
  const keys = orderKeys(doc, q.orders, reader);
  return hasOrderFields(keys, q.orders) ? { doc, keys } : undefined;
}

function sortAndCollect(items: Keyed[], q: NormalizedQuery, reader: FieldReader): StoredDocument[] {
  items.sort((a, b) => compareKeyed(a, b, q.orders));
  const out = new ResultCollector(q, reader);
  for (const item of items) if (!out.push(item)) break;
  return out.docs;
}

export function scanQuery(source: QuerySource, q: NormalizedQuery, reader: FieldReader, readTime?: Timestamp): StoredDocument[] {
  const iterator = scopeDocuments(source, q.scope, readTime)[Symbol.iterator]();
  const items: Keyed[] = [];
  const streamable = q.orders.length === 1 && !q.orders[0].desc;
  if (streamable) {
    // Stream in source order while it really is document-name order; otherwise fall back to sorting.
    const out = new ResultCollector(q, reader);
    let prev: string | undefined;
    let sorted = true;
    for (let r = iterator.next(); !r.done; r = iterator.next()) {
      const doc = r.value;
      if (prev !== undefined && compareDocumentPaths(prev, doc.path) > 0) {
        sorted = false;
        const item = keyIfMatching(doc, q, reader);
        if (item) items.push(item);
        break;
      }
      prev = doc.path;
      const item = keyIfMatching(doc, q, reader);
      if (!item) continue;
      items.push(item);
      if (!out.push(item)) {
        iterator.return?.();
        return out.docs;
      }
    }
    if (sorted) return out.docs;
  }
  for (let r = iterator.next(); !r.done; r = iterator.next()) {
    const item = keyIfMatching(r.value, q, reader);
    if (item) items.push(item);
  }
  return sortAndCollect(items, q, reader);
}
