/**
 * Ordering of query results, cursor positions and the final cursor/offset/limit stage.
 * `__name__` orders compare document paths directly (all documents share the database root).
 */
import type { Value } from '../types';
import type { StoredDocument } from '../query-source';
import { compareDocumentPaths, compareValues } from '../values';
import type { CursorSpec, FieldReader, NormalizedQuery, OrderSpec } from './model';

/** A matching document with its order-by values read once (undefined = field missing). */
export interface Keyed {
  doc: StoredDocument;
  keys: (Value | undefined)[];
}

export function orderKeys(doc: StoredDocument, orders: readonly OrderSpec[], reader: FieldReader): (Value | undefined)[] {
  return orders.map((o) => (o.field.isName ? undefined : reader.read(doc, o.field)));
}

/** Documents missing any order-by field are not part of the result (the implicit existence filter). */
export function hasOrderFields(keys: readonly (Value | undefined)[], orders: readonly OrderSpec[]): boolean {
  for (let i = 0; i < orders.length; i++) if (!orders[i].field.isName && keys[i] === undefined) return false;
  return true;
}

export function compareKeyed(a: Keyed, b: Keyed, orders: readonly OrderSpec[], from = 0): number {
  for (let i = from; i < orders.length; i++) {
    const o = orders[i];
    const c = o.field.isName ? compareDocumentPaths(a.doc.path, b.doc.path) : compareValues(a.keys[i]!, b.keys[i]!);
    if (c !== 0) return o.desc ? -c : c;
  }
  return 0;
}

/** Position of a document relative to a (possibly partial) cursor, in query order. */
export function compareToCursor(item: Keyed, cursor: CursorSpec, orders: readonly OrderSpec[], reader: FieldReader): number {
  for (let i = 0; i < cursor.values.length; i++) {
    const o = orders[i];
    const v = o.field.isName ? reader.read(item.doc, o.field)! : item.keys[i]!;
    const c = compareValues(v, cursor.values[i]);
    if (c !== 0) return o.desc ? -c : c;
  }
  return 0;
}

export function afterStart(item: Keyed, q: NormalizedQuery, reader: FieldReader): boolean {
  if (!q.start) return true;
  const c = compareToCursor(item, q.start, q.orders, reader);
  return q.start.before ? c >= 0 : c > 0;
}

export function beforeEnd(item: Keyed, q: NormalizedQuery, reader: FieldReader): boolean {
  if (!q.end) return true;
  const c = compareToCursor(item, q.end, q.orders, reader);
  return q.end.before ? c < 0 : c <= 0;
}

/**
 * Consumes matching documents in final query order and applies start/end cursors, offset and limit.
 * `push` returns false once no further document can be part of the result.
 */
export class ResultCollector {
  readonly docs: StoredDocument[] = [];
  private skipped = 0;

  constructor(
    private readonly q: NormalizedQuery,
    private readonly reader: FieldReader,
  ) {}

  get done(): boolean {
    return this.q.limit !== undefined && this.docs.length >= this.q.limit;
  }

  push(item: Keyed): boolean {
    if (this.done) return false;
    if (!afterStart(item, this.q, this.reader)) return true;
    if (!beforeEnd(item, this.q, this.reader)) return false;
    if (this.skipped < this.q.offset) {
      this.skipped++;
      return true;
    }
    this.docs.push(item.doc);
    return !this.done;
  }
}
