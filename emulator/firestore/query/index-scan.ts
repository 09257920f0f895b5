/**
 * The indexed execution path. Equality filters (==, IS_NULL, IS_NAN) that are top-level conjuncts
 * form the index prefix; the first remaining order field is walked in query order, narrowed by the
 * range/in filters on that field and by the first cursor value. Every candidate is still checked
 * against the full filter and cursors, so this path returns exactly what the scan path returns;
 * it only avoids reading documents that cannot be in the result.
 */
import type { Value } from '../types';
import type { QuerySource, StoredDocument } from '../query-source';
import { compareValues, isNaNValue, typeOrder, TypeOrder } from '../values';
import type { CompiledFilter, FieldRef, FieldReader, LeafFilter, NormalizedQuery, OrderSpec } from './model';
import type { FieldIndex, IndexEntry, IndexScope, QueryIndexes } from './indexes';
import { type Keyed, ResultCollector, compareKeyed } from './ordering';
import { keyIfMatching } from './scan';

type Leaf = LeafFilter;

/** A bound in ascending value order: a value (inclusive or not) or the start/end of a type bracket. */
type Bound = { value: Value; inclusive: boolean } | { typeStart: number } | { typeEnd: number };

export interface IndexPlan {
  scope: IndexScope;
  /** Prefix of the scope path to keep (collection-group queries below a document). */
  pathPrefix?: string;
  eq: { field: FieldRef; value: Value }[];
  walk?: FieldRef;
  desc: boolean;
  lowers: Bound[];
  uppers: Bound[];
  /** True when entries of equal walk value already come in query order (no per-group sort). */
  groupOrdered: boolean;
}

function conjuncts(f: CompiledFilter | undefined): Leaf[] {
  if (!f) return [];
  if (f.kind === 'and') return f.children.flatMap(conjuncts);
  if (f.kind === 'or') return f.children.length === 1 ? conjuncts(f.children[0]) : [];
  return [f];
}

function equalityValue(f: Leaf): Value | undefined {
  if (f.field.isName) return undefined;
  if (f.kind === 'unary') {
    if (f.op === 'IS_NULL') return { nullValue: 'NULL_VALUE' };
    if (f.op === 'IS_NAN') return { doubleValue: NaN };
    return undefined;
  }
  return f.op === 'EQUAL' && !isNaNValue(f.value) ? f.value : undefined;
}

function boundsOf(f: Leaf, lowers: Bound[], uppers: Bound[]): void {
  if (f.kind === 'unary') {
    if (f.op === 'IS_NOT_NULL' || f.op === 'IS_NOT_NAN') lowers.push({ typeStart: TypeOrder.boolean });
    return;
  }
  const t = typeOrder(f.value);
  switch (f.op) {
    case 'LESS_THAN':
    case 'LESS_THAN_OR_EQUAL':
      lowers.push({ typeStart: t });
      uppers.push({ value: f.value, inclusive: f.op === 'LESS_THAN_OR_EQUAL' });
      break;
    case 'GREATER_THAN':
    case 'GREATER_THAN_OR_EQUAL':
      lowers.push({ value: f.value, inclusive: f.op === 'GREATER_THAN_OR_EQUAL' });
      uppers.push({ typeEnd: t });
      break;
    case 'IN': {
      const vals = f.list!.filter((v) => !isNaNValue(v)).sort(compareValues);
      if (vals.length === 0) {
        lowers.push({ typeStart: Infinity });
      } else {
        lowers.push({ value: vals[0], inclusive: true });
        uppers.push({ value: vals[vals.length - 1], inclusive: true });
      }
      break;
    }
    case 'NOT_EQUAL':
    case 'NOT_IN':
      lowers.push({ typeStart: TypeOrder.boolean });
      break;
    default:
      break;
  }
}

export function planIndex(q: NormalizedQuery): IndexPlan | undefined {
  if (q.scope.kind === 'all') return undefined;
  const leaves = conjuncts(q.filter);
  const eq = new Map<string, { field: FieldRef; value: Value }>();
  for (const f of leaves) {
    const v = equalityValue(f);
    if (v !== undefined && !eq.has(f.field.key)) eq.set(f.field.key, { field: f.field, value: v });
  }
  const rest: OrderSpec[] = q.orders.filter((o) => !eq.has(o.field.key));
  const first = rest[0];
  if (eq.size === 0 && first.field.isName) return undefined; // the source is already in name order
  const scope: IndexScope =
    q.scope.kind === 'collection'
      ? { kind: 'collection', parentPath: q.scope.parentPath, collectionId: q.scope.collectionId }
      : { kind: 'group', collectionId: q.scope.collectionId };
  const plan: IndexPlan = {
    scope,
    pathPrefix: q.scope.kind === 'group' && q.scope.parentPath !== '' ? q.scope.parentPath + '/' : undefined,
    eq: [...eq.values()].sort((a, b) => (a.field.key < b.field.key ? -1 : a.field.key > b.field.key ? 1 : 0)),
    walk: first.field.isName ? undefined : first.field,
    desc: first.desc,
    lowers: [],
    uppers: [],
    groupOrdered: rest.length === 1 || (rest.length === 2 && rest[1].field.isName && rest[1].desc === first.desc),
  };
  if (plan.walk) {
    for (const f of leaves) if (f.field.key === plan.walk.key) boundsOf(f, plan.lowers, plan.uppers);
    addCursorBounds(q, plan);
  }
  return plan;
}

/** A cursor on the first order field bounds the walk (inclusive: later fields decide ties). */
function addCursorBounds(q: NormalizedQuery, plan: IndexPlan): void {
  if (q.orders[0].field.key !== plan.walk!.key) return;
  const startValue = q.start?.values[0];
  const endValue = q.end?.values[0];
  const asc = !q.orders[0].desc;
  if (startValue !== undefined) (asc ? plan.lowers : plan.uppers).push({ value: startValue, inclusive: true });
  if (endValue !== undefined) (asc ? plan.uppers : plan.lowers).push({ value: endValue, inclusive: true });
}

/** Whether key `k` is at or above a lower bound (monotone in ascending key order). */
function meetsLower(k: Value, b: Bound): boolean {
  if ('typeStart' in b) return typeOrder(k) >= b.typeStart;
  if ('typeEnd' in b) return typeOrder(k) > b.typeEnd;
  const c = compareValues(k, b.value);
  return c > 0 || (c === 0 && b.inclusive);
}

/** Whether key `k` is above an upper bound (monotone in ascending key order). */
function exceedsUpper(k: Value, b: Bound): boolean {
  if ('typeEnd' in b) return typeOrder(k) > b.typeEnd;
  if ('typeStart' in b) return typeOrder(k) >= b.typeStart;
  const c = compareValues(k, b.value);
  return c > 0 || (c === 0 && !b.inclusive);
}

function walkRange(index: FieldIndex, plan: IndexPlan): [number, number] {
  const eqValues = plan.eq.map((e) => e.value);
  const prefixCmp = (e: IndexEntry): number => {
    for (let i = 0; i < eqValues.length; i++) {
      const c = compareValues(e.keys[i], eqValues[i]);
      if (c !== 0) return c;
    }
    return 0;
  };
  let lo = index.lowerBound(prefixCmp);
  let hi = index.lowerBound((e) => (prefixCmp(e) > 0 ? 0 : -1), lo);
  const w = eqValues.length; // position of the walk key in entry.keys
  for (const b of plan.lowers) lo = Math.max(lo, index.lowerBound((e) => (meetsLower(e.keys[w], b) ? 0 : -1), lo, hi));
  for (const b of plan.uppers) hi = Math.min(hi, index.lowerBound((e) => (exceedsUpper(e.keys[w], b) ? 0 : -1), lo, hi));
  return [lo, Math.max(lo, hi)];
}

export interface IndexScanStats {
  /** Index entries read by the walk. */
  entriesRead: number;
}

export function indexQuery(
  source: QuerySource,
  indexes: QueryIndexes,
  q: NormalizedQuery,
  plan: IndexPlan,
  reader: FieldReader,
  stats?: IndexScanStats,
): StoredDocument[] {
  const fields = plan.walk ? [...plan.eq.map((e) => e.field), plan.walk] : plan.eq.map((e) => e.field);
  const index = indexes.get(source, plan.scope, fields);
  const [lo, hi] = walkRange(index, plan);
  const out = new ResultCollector(q, reader);
  const w = plan.eq.length;
  const step = plan.desc ? -1 : 1;
  let i = plan.desc ? hi - 1 : lo;
  const inRange = (j: number): boolean => j >= lo && j < hi;
  let read = 0;
  while (inRange(i)) {
    // Gather one group of entries with an equal walk value (a single entry when walking by name).
    const group: Keyed[] = [];
    const first = index.at(i);
    do {
      const e = index.at(i);
      read++;
      if (!plan.pathPrefix || e.path.startsWith(plan.pathPrefix)) {
        const item = keyIfMatching(e.doc, q, reader);
        if (item) group.push(item);
      }
      i += step;
    } while (plan.walk && inRange(i) && compareValues(index.at(i).keys[w], first.keys[w]) === 0);
    if (!plan.groupOrdered && group.length > 1) group.sort((a, b) => compareKeyed(a, b, q.orders));
    let more = true;
    for (const item of group) if (!(more = out.push(item))) break;
    if (!more) break;
  }
  if (stats) stats.entriesRead += read;
  return out.docs;
}
