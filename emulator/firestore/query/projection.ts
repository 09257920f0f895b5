/** `select`: keeps only the listed field paths (nested paths keep their enclosing maps). */
import type { Fields } from '../types';
import type { StoredDocument } from '../query-source';
import { getField, setField } from '../fieldpath';
import type { FieldRef } from './model';

export function projectDocument(doc: StoredDocument, select: readonly FieldRef[]): StoredDocument {
  const fields: Fields = {};
  for (const f of select) {
    if (f.isName) continue; // `__name__` alone means "no fields, just the names"
    if (select.some((p) => p !== f && isStrictPrefix(p, f))) continue; // the enclosing map is copied whole
    const v = getField(doc.fields, f.segments);
    if (v !== undefined) setField(fields, f.segments, v);
  }
  return { path: doc.path, fields, createTime: doc.createTime, updateTime: doc.updateTime };
}

function isStrictPrefix(p: FieldRef, f: FieldRef): boolean {
  return !p.isName && p.segments.length < f.segments.length && p.segments.every((s, i) => f.segments[i] === s);
}
