/** The engine's validated, normalized form of a StructuredQuery (shared by scan and index paths). */
import type { FieldFilterOp, UnaryFilterOp, Value } from '../types';
import type { StoredDocument } from '../query-source';
import { FieldPathError, formatFieldPath, getField, parseFieldPath } from '../fieldpath';
import { invalidArgument } from '../errors';

export const NAME_FIELD = '__name__';

export interface FieldRef {
  /** Canonical (formatted) field path, usable as a map key. */
  key: string;
  segments: string[];
  /** True for `__name__`: the document's own reference. */
  isName: boolean;
}

export function fieldRef(path: string | undefined): FieldRef {
  if (path === undefined || path === '') throw invalidArgument('Field path must not be empty.');
  if (path === NAME_FIELD) return { key: NAME_FIELD, segments: [NAME_FIELD], isName: true };
  try {
    const segments = parseFieldPath(path);
    return { key: formatFieldPath(segments), segments, isName: false };
  } catch (e) {
    if (e instanceof FieldPathError) throw invalidArgument(`Invalid field path: ${e.message}`);
    throw e;
  }
}

export type LeafFilter =
  | { kind: 'field'; field: FieldRef; op: FieldFilterOp; value: Value; list?: Value[] }
  | { kind: 'unary'; field: FieldRef; op: UnaryFilterOp };

export type CompiledFilter = { kind: 'and'; children: CompiledFilter[] } | { kind: 'or'; children: CompiledFilter[] } | LeafFilter;

export interface OrderSpec {
  field: FieldRef;
  desc: boolean;
}

export interface CursorSpec {
  values: Value[];
  before: boolean;
}

export type Scope =
  | { kind: 'collection'; parentPath: string; collectionId: string }
  | { kind: 'group'; parentPath: string; collectionId: string }
  | { kind: 'all'; parentPath: string };

export interface NormalizedQuery {
  scope: Scope;
  filter?: CompiledFilter;
  /** Full ordering: explicit orders, implicit inequality fields, then `__name__`. */
  orders: OrderSpec[];
  start?: CursorSpec;
  end?: CursorSpec;
  offset: number;
  limit?: number;
  select?: FieldRef[];
  /** `projects/{p}/databases/{d}/documents`: prefix that turns a path into a `__name__` reference. */
  root: string;
}

/** Evaluation context: how to read a field (or `__name__`) from a stored document. */
export class FieldReader {
  constructor(readonly root: string) {}

  read(doc: StoredDocument, field: FieldRef): Value | undefined {
    if (field.isName) return { referenceValue: this.root + '/' + doc.path };
    return getField(doc.fields, field.segments);
  }
}
