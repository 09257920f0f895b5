/**
 * RunAggregationQuery: count (with up_to), sum and avg over the documents the nested query returns
 * (after its filters, cursors, offset and limit).
 *
 * sum() and avg() are computed from index entries of their field
 * (https://cloud.google.com/blog/products/databases/aggregate-with-sum-and-avg-in-firestore: "a field
 * must be indexed to calculate an aggregation"), so a query with sum/avg aggregations only covers the
 * documents that have every aggregated field (of any type, null included), for all of its
 * aggregations, count() too, and before its offset and limit. The official emulator and the Firebase
 * SDKs' integration tests agree (four documents, one missing a field: count() is 3).
 *
 * sum: integers add exactly and stay an integer unless the int64 range overflows (then double);
 * any double makes the result a double; non-numeric and missing values are ignored; no numeric
 * values gives integer 0. avg: always a double, null when there is no numeric value. NaN propagates.
 */
import type { Aggregation, StructuredAggregationQuery, Value } from '../types';
import type { QuerySource, StoredDocument } from '../query-source';
import { getField } from '../fieldpath';
import { invalidArgument } from '../errors';
import { toBigInt, valueKind } from '../values';
import { executeQuery, type RunQueryOptions } from './engine';
import { fieldRef } from './model';
import { normalizeQuery } from './normalize';

const MAX_AGGREGATIONS = 5;
const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);

type Kind = 'count' | 'sum' | 'avg';

function kindOf(a: Aggregation): Kind {
  if (a.operator) return a.operator;
  if (a.count) return 'count';
  if (a.sum) return 'sum';
  if (a.avg) return 'avg';
  throw invalidArgument('Aggregation must set one of count, sum or avg.');
}

/** Aliases as sent, or `field_<n>` for those left unset (never colliding with a given alias). */
function assignAliases(aggs: readonly Aggregation[]): string[] {
  const given = new Set<string>();
  for (const a of aggs) {
    if (!a.alias) continue;
    if (given.has(a.alias)) throw invalidArgument(`Aggregation aliases must be unique; "${a.alias}" is repeated.`);
    given.add(a.alias);
  }
  let n = 1;
  return aggs.map((a) => {
    if (a.alias) return a.alias;
    while (given.has(`field_${n}`)) n++;
    const alias = `field_${n++}`;
    given.add(alias);
    return alias;
  });
}

interface NumericTotals {
  ints: bigint;
  doubles: number;
  sawDouble: boolean;
  count: number;
}

function totals(docs: readonly StoredDocument[], segments: string[]): NumericTotals {
  const t: NumericTotals = { ints: 0n, doubles: 0, sawDouble: false, count: 0 };
  for (const doc of docs) {
    const v = getField(doc.fields, segments);
    if (!v) continue;
    const k = valueKind(v);
    if (k === 'integerValue') {
      t.ints += toBigInt(v.integerValue);
      t.count++;
    } else if (k === 'doubleValue') {
      t.doubles += Number(v.doubleValue);
      t.sawDouble = true;
      t.count++;
    }
  }
  return t;
}

function sumValue(t: NumericTotals): Value {
  if (!t.sawDouble && t.ints >= INT64_MIN && t.ints <= INT64_MAX) return { integerValue: t.ints.toString() };
  return { doubleValue: Number(t.ints) + t.doubles };
}

function avgValue(t: NumericTotals): Value {
  if (t.count === 0) return { nullValue: 'NULL_VALUE' };
  return { doubleValue: (Number(t.ints) + t.doubles) / t.count };
}

function countValue(a: Aggregation, n: number): Value {
  const upTo = a.count?.upTo;
  if (upTo === undefined || upTo === null) return { integerValue: String(n) };
  const limit = toBigInt(upTo.value ?? 0);
  if (limit <= 0n) throw invalidArgument('count up_to must be greater than zero.');
  return { integerValue: (BigInt(n) < limit ? BigInt(n) : limit).toString() };
}

export function runAggregation(
  source: QuerySource,
  parentPath: string,
  aggQuery: StructuredAggregationQuery,
  opts: RunQueryOptions = {},
): Record<string, Value> {
  const aggs = aggQuery.aggregations ?? [];
  if (aggs.length === 0) throw invalidArgument('Aggregation query must contain at least one aggregation.');
  if (aggs.length > MAX_AGGREGATIONS) {
    throw invalidArgument(`Aggregation query may contain at most ${MAX_AGGREGATIONS} aggregations.`);
  }
  const aliases = assignAliases(aggs);
  const kinds = aggs.map(kindOf);
  const fields = aggs.map((a, i) => (kinds[i] === 'count' ? undefined : fieldRef((a.sum ?? a.avg)?.field?.fieldPath)));
  const q = normalizeQuery(parentPath, aggQuery.structuredQuery ?? {}, opts.documentsRoot);
  const required = fields.filter((f): f is NonNullable<typeof f> => f !== undefined);
  let docs: StoredDocument[];
  if (required.length === 0) docs = executeQuery(source, { ...q, select: undefined }, opts);
  else {
    // The implicit existence filter applies before offset and limit.
    const all = executeQuery(source, { ...q, select: undefined, offset: 0, limit: undefined }, opts);
    const present = all.filter((d) => required.every((f) => getField(d.fields, f.segments) !== undefined));
    docs = present.slice(q.offset, q.limit === undefined ? undefined : q.offset + q.limit);
  }
  const result: Record<string, Value> = {};
  aggs.forEach((a, i) => {
    const kind = kinds[i];
    if (kind === 'count') {
      result[aliases[i]] = countValue(a, docs.length);
      return;
    }
    const t = totals(docs, fields[i]!.segments);
    result[aliases[i]] = kind === 'sum' ? sumValue(t) : avgValue(t);
  });
  return result;
}
