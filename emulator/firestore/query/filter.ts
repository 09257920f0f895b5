/**
 * Compiles `where` into a CompiledFilter (validating it like the service does) and evaluates it
 * against documents with Firestore's semantics: every filter requires the field to exist; range
 * operators only match values of the same type bracket; `!=`, `not-in`, IS_NOT_NULL and IS_NOT_NAN
 * never match null; NaN equals nothing.
 */
import type { FieldFilterOp, Filter, Value } from '../types';
import type { StoredDocument } from '../query-source';
import { invalidArgument } from '../errors';
import { compareValues, isNaNValue, isNullValue, typeOrder, valueKind, valuesEqual } from '../values';
import { type CompiledFilter, type FieldReader, type LeafFilter, fieldRef } from './model';

/** Documented limits: `in` / `array-contains-any` up to 30 values, `not-in` up to 10, 30 DNF disjunctions. */
export const MAX_IN_VALUES = 30;
export const MAX_NOT_IN_VALUES = 10;
export const MAX_DISJUNCTIONS = 30;

const RANGE_OPS: ReadonlySet<FieldFilterOp> = new Set(['LESS_THAN', 'LESS_THAN_OR_EQUAL', 'GREATER_THAN', 'GREATER_THAN_OR_EQUAL']);
const LIST_OPS: ReadonlySet<FieldFilterOp> = new Set(['IN', 'NOT_IN', 'ARRAY_CONTAINS_ANY']);
const KNOWN_FIELD_OPS: ReadonlySet<string> = new Set([...RANGE_OPS, ...LIST_OPS, 'EQUAL', 'NOT_EQUAL', 'ARRAY_CONTAINS']);
const KNOWN_UNARY_OPS: ReadonlySet<string> = new Set(['IS_NAN', 'IS_NULL', 'IS_NOT_NAN', 'IS_NOT_NULL']);

function filterKind(f: Filter): 'compositeFilter' | 'fieldFilter' | 'unaryFilter' | undefined {
  if (f.filterType) return f.filterType;
  if (f.compositeFilter) return 'compositeFilter';
  if (f.fieldFilter) return 'fieldFilter';
  if (f.unaryFilter) return 'unaryFilter';
  return undefined;
}

function compileField(ff: NonNullable<Filter['fieldFilter']>): CompiledFilter {
  const field = fieldRef(ff.field?.fieldPath);
  const op = ff.op;
  if (!KNOWN_FIELD_OPS.has(op)) throw invalidArgument(`Invalid field filter operator: ${String(op)}.`);
  const value: Value = ff.value ?? {};
  if (ff.value === undefined) throw invalidArgument('A field filter requires a value.');
  if (RANGE_OPS.has(op)) {
    if (isNaNValue(value)) throw invalidArgument("Invalid query. You can only perform '==' and '!=' comparisons on NaN.");
    if (isNullValue(value)) throw invalidArgument("Invalid query. Null only supports '==' and '!=' comparisons.");
  }
  let list: Value[] | undefined;
  if (LIST_OPS.has(op)) {
    if (valueKind(value) !== 'arrayValue') throw invalidArgument(`A ${op} filter requires an array value.`);
    list = value.arrayValue?.values ?? [];
    if (list.length === 0) throw invalidArgument(`A non-empty array is required for '${op}' filters.`);
    const max = op === 'NOT_IN' ? MAX_NOT_IN_VALUES : MAX_IN_VALUES;
    if (list.length > max) {
      throw invalidArgument(`Invalid Query. '${op}' filters support a maximum of ${max} elements in the value array.`);
    }
  }
  if (field.isName) validateNameFilter(op, value, list);
  return { kind: 'field', field, op, value, list };
}

function validateNameFilter(op: FieldFilterOp, value: Value, list: Value[] | undefined): void {
  if (op === 'ARRAY_CONTAINS' || op === 'ARRAY_CONTAINS_ANY') {
    throw invalidArgument(`Invalid query. You can't perform '${op}' queries on __name__.`);
  }
  for (const v of list ?? [value]) {
    if (valueKind(v) !== 'referenceValue') throw invalidArgument('__key__ filter value must be a Key');
  }
}

function compileFilter(f: Filter): CompiledFilter {
  switch (filterKind(f)) {
    case 'compositeFilter': {
      const cf = f.compositeFilter!;
      if (cf.op !== 'AND' && cf.op !== 'OR') throw invalidArgument(`Invalid composite filter operator: ${String(cf.op)}.`);
      const children = (cf.filters ?? []).map(compileFilter);
      if (children.length === 0) throw invalidArgument('A composite filter must contain at least one filter.');
      return cf.op === 'AND' ? { kind: 'and', children } : { kind: 'or', children };
    }
    case 'fieldFilter':
      return compileField(f.fieldFilter!);
    case 'unaryFilter': {
      const uf = f.unaryFilter!;
      if (!KNOWN_UNARY_OPS.has(uf.op)) throw invalidArgument(`Invalid unary filter operator: ${String(uf.op)}.`);
      const field = fieldRef(uf.field?.fieldPath);
      return { kind: 'unary', field, op: uf.op };
    }
    default:
      throw invalidArgument('Filter must set one of composite_filter, field_filter or unary_filter.');
  }
}

/** Every field / unary filter of the tree, at any depth. */
export function flattenFilters(f: CompiledFilter | undefined): LeafFilter[] {
  if (!f) return [];
  if (f.kind === 'and' || f.kind === 'or') return f.children.flatMap(flattenFilters);
  return [f];
}

function hasOr(f: CompiledFilter): boolean {
  return f.kind === 'or' ? f.children.length > 1 || f.children.some(hasOr) : f.kind === 'and' ? f.children.some(hasOr) : false;
}

/** Number of conjunctions after expanding the filter to disjunctive normal form (in/array-contains-any expand). */
export function disjunctionCount(f: CompiledFilter): number {
  switch (f.kind) {
    case 'or':
      return f.children.reduce((n, c) => n + disjunctionCount(c), 0);
    case 'and':
      return f.children.reduce((n, c) => n * disjunctionCount(c), 1);
    case 'field':
      return f.op === 'IN' || f.op === 'ARRAY_CONTAINS_ANY' ? f.list!.length : 1;
    default:
      return 1;
  }
}

/** Validates the combination rules documented under "Query limitations". */
function validateCombination(f: CompiledFilter): void {
  const flat = flattenFilters(f);
  const count = (op: string) => flat.filter((x) => x.op === op).length;
  const notIn = count('NOT_IN');
  if (notIn > 1) throw invalidArgument("Invalid query. You cannot use more than one 'NOT_IN' filter.");
  if (notIn > 0) {
    if (count('NOT_EQUAL') > 0) throw invalidArgument("Invalid query. You cannot use 'NOT_IN' filters with 'NOT_EQUAL' filters.");
    if (count('IN') > 0) throw invalidArgument("Invalid query. You cannot use 'NOT_IN' filters with 'IN' filters.");
    if (count('ARRAY_CONTAINS_ANY') > 0) {
      throw invalidArgument("Invalid query. You cannot use 'NOT_IN' filters with 'ARRAY_CONTAINS_ANY' filters.");
    }
    if (hasOr(f)) throw invalidArgument("Invalid query. You cannot use 'NOT_IN' filters with 'OR' filters.");
  }
  if (disjunctionCount(f) > MAX_DISJUNCTIONS) {
    throw invalidArgument(`Invalid Query. Query has more than ${MAX_DISJUNCTIONS} disjunctions after conversion to disjunctive normal form.`);
  }
}

export function compileWhere(where: Filter | undefined): CompiledFilter | undefined {
  if (!where) return undefined;
  const compiled = compileFilter(where);
  validateCombination(compiled);
  return compiled;
}

/** Fields filtered by an inequality (<, <=, >, >=, !=, not-in, IS_NOT_NULL, IS_NOT_NAN), at any depth. */
export function isInequality(f: LeafFilter): boolean {
  if (f.kind === 'unary') return f.op === 'IS_NOT_NULL' || f.op === 'IS_NOT_NAN';
  return RANGE_OPS.has(f.op) || f.op === 'NOT_EQUAL' || f.op === 'NOT_IN';
}

function listContains(list: readonly Value[], v: Value): boolean {
  for (const x of list) if (valuesEqual(x, v)) return true;
  return false;
}

function matchField(op: FieldFilterOp, v: Value, x: Value, list: Value[] | undefined): boolean {
  switch (op) {
    case 'EQUAL':
      return valuesEqual(v, x);
    case 'NOT_EQUAL':
      if (isNullValue(v)) return false;
      if (isNaNValue(x)) return !isNaNValue(v);
      return !valuesEqual(v, x);
    case 'LESS_THAN':
    case 'LESS_THAN_OR_EQUAL':
    case 'GREATER_THAN':
    case 'GREATER_THAN_OR_EQUAL': {
      if (typeOrder(v) !== typeOrder(x)) return false;
      const c = compareValues(v, x);
      if (op === 'LESS_THAN') return c < 0;
      if (op === 'LESS_THAN_OR_EQUAL') return c <= 0;
      if (op === 'GREATER_THAN') return c > 0;
      return c >= 0;
    }
    case 'ARRAY_CONTAINS':
      return valueKind(v) === 'arrayValue' && listContains(v.arrayValue?.values ?? [], x);
    case 'ARRAY_CONTAINS_ANY': {
      if (valueKind(v) !== 'arrayValue') return false;
      const elems = v.arrayValue?.values ?? [];
      return list!.some((want) => listContains(elems, want));
    }
    case 'IN':
      return listContains(list!, v);
    case 'NOT_IN':
      // A null in the list makes not-in match nothing; null field values never match either.
      if (isNullValue(v) || list!.some(isNullValue)) return false;
      return !listContains(list!, v);
  }
}

export function matchesFilter(f: CompiledFilter, doc: StoredDocument, reader: FieldReader): boolean {
  switch (f.kind) {
    case 'and':
      for (const c of f.children) if (!matchesFilter(c, doc, reader)) return false;
      return true;
    case 'or':
      for (const c of f.children) if (matchesFilter(c, doc, reader)) return true;
      return false;
    case 'field': {
      const v = reader.read(doc, f.field);
      return v !== undefined && matchField(f.op, v, f.value, f.list);
    }
    case 'unary': {
      const v = reader.read(doc, f.field);
      if (v === undefined) return false;
      switch (f.op) {
        case 'IS_NULL':
          return isNullValue(v);
        case 'IS_NAN':
          return isNaNValue(v);
        case 'IS_NOT_NULL':
          return !isNullValue(v);
        case 'IS_NOT_NAN':
          return !isNullValue(v) && !isNaNValue(v);
      }
    }
  }
}
