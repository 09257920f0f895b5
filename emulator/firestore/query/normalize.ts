/**
 * Turns a decoded StructuredQuery into a NormalizedQuery: validates it and computes the full
 * implicit ordering the service uses (explicit orders, then inequality fields not already ordered
 * in lexicographic field-path order, then `__name__`, both in the direction of the last explicit order).
 */
import type { Cursor, StructuredQuery, Value } from '../types';
import { invalidArgument } from '../errors';
import { compareSegments, valueKind } from '../values';
import { compileWhere, flattenFilters, isInequality } from './filter';
import { type CursorSpec, type FieldRef, NAME_FIELD, type NormalizedQuery, type OrderSpec, type Scope, fieldRef } from './model';

export const DEFAULT_ROOT = 'projects/_/databases/(default)/documents';

function compareFieldRefs(a: FieldRef, b: FieldRef): number {
  const n = Math.min(a.segments.length, b.segments.length);
  for (let i = 0; i < n; i++) {
    const c = compareSegments(a.segments[i], b.segments[i]);
    if (c !== 0) return c;
  }
  return a.segments.length - b.segments.length;
}

function parseScope(parentPath: string, query: StructuredQuery): Scope {
  const from = query.from ?? [];
  if (from.length !== 1) throw invalidArgument('Query must specify exactly one collection selector in "from".');
  const sel = from[0];
  const collectionId = sel.collectionId ?? '';
  if (sel.allDescendants) {
    return collectionId === '' ? { kind: 'all', parentPath } : { kind: 'group', parentPath, collectionId };
  }
  if (collectionId === '') throw invalidArgument('Collection id must be set unless all_descendants is true.');
  return { kind: 'collection', parentPath, collectionId };
}

function parseLimit(limit: StructuredQuery['limit']): number | undefined {
  if (limit === undefined || limit === null) return undefined;
  const n = typeof limit === 'number' ? limit : Number(limit.value ?? 0);
  if (!Number.isInteger(n) || n < 0) throw invalidArgument('limit is negative');
  return n;
}

function parseOrders(query: StructuredQuery, inequalities: FieldRef[]): OrderSpec[] {
  const orders: OrderSpec[] = [];
  const seen = new Set<string>();
  for (const o of query.orderBy ?? []) {
    const field = fieldRef(o.field?.fieldPath);
    if (seen.has(NAME_FIELD)) throw invalidArgument('order by clause cannot contain more fields after the key __name__');
    seen.add(field.key); // a repeated field is kept: cursor positions follow the orderBy list as sent
    orders.push({ field, desc: o.direction === 'DESCENDING' });
  }
  const lastDesc = orders.length > 0 ? orders[orders.length - 1].desc : false;
  for (const field of [...inequalities].sort(compareFieldRefs)) {
    if (field.isName || seen.has(field.key)) continue;
    seen.add(field.key);
    orders.push({ field, desc: lastDesc });
  }
  if (!seen.has(NAME_FIELD)) orders.push({ field: fieldRef(NAME_FIELD), desc: lastDesc });
  return orders;
}

function parseCursor(c: Cursor | undefined, orders: OrderSpec[]): CursorSpec | undefined {
  if (!c) return undefined;
  const values = c.values ?? [];
  if (values.length > orders.length) {
    throw invalidArgument('Too many cursor values specified. The specified values must match the orderBy() constraints of the query.');
  }
  values.forEach((v, i) => {
    if (orders[i].field.isName && valueKind(v) !== 'referenceValue') {
      throw invalidArgument('Cursor values for __name__ must be document references.');
    }
  });
  return { values, before: !!c.before };
}

/** The `projects/p/databases/d/documents` prefix of the first reference value found in the query. */
function inferRoot(query: StructuredQuery): string | undefined {
  const found: string[] = [];
  const visit = (v: Value | undefined): void => {
    if (!v || found.length > 0) return;
    if (v.referenceValue !== undefined) {
      const m = /^(projects\/[^/]+\/databases\/[^/]+\/documents)(\/|$)/.exec(v.referenceValue);
      if (m) found.push(m[1]);
    }
    v.arrayValue?.values?.forEach(visit);
  };
  const visitFilter = (f: StructuredQuery['where']): void => {
    if (!f) return;
    f.compositeFilter?.filters?.forEach(visitFilter);
    visit(f.fieldFilter?.value);
  };
  query.startAt?.values?.forEach(visit);
  query.endAt?.values?.forEach(visit);
  visitFilter(query.where);
  return found[0];
}

export function normalizeQuery(parentPath: string, query: StructuredQuery, root?: string): NormalizedQuery {
  const scope = parseScope(parentPath, query);
  const filter = compileWhere(query.where);
  const inequalities = flattenFilters(filter)
    .filter(isInequality)
    .map((f) => f.field);
  const orders = parseOrders(query, inequalities);
  const offset = query.offset ?? 0;
  if (!Number.isInteger(offset) || offset < 0) throw invalidArgument('offset is negative');
  const select = query.select ? (query.select.fields ?? []).map((f) => fieldRef(f.fieldPath)) : undefined;
  return {
    scope,
    filter,
    orders,
    start: parseCursor(query.startAt, orders),
    end: parseCursor(query.endAt, orders),
    offset,
    limit: parseLimit(query.limit),
    select,
    root: root ?? inferRoot(query) ?? DEFAULT_ROOT,
  };
}
