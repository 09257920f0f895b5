/** Conversions from stored documents to google.firestore.v1.Document responses (with DocumentMask). */
import type { Document, Fields } from './types';
import type { StoredDocument } from './query-source';
import { FieldPathError, getField, parseFieldPath, setField } from './fieldpath';
import { invalidArgument } from './errors';
import { fullName } from './names';

export interface DocumentMask {
  fieldPaths?: string[];
}

/** Parsed mask paths, or undefined when the request has no mask (all fields). */
export function parseMask(mask: DocumentMask | undefined | null): string[][] | undefined {
  if (!mask) return undefined;
  return (mask.fieldPaths ?? []).map((p) => {
    try {
      return parseFieldPath(p);
    } catch (e) {
      if (e instanceof FieldPathError) throw invalidArgument(`Invalid field path "${p}" in mask: ${e.message}`);
      throw e;
    }
  });
}

/** Only the masked fields, as new objects (stored values are shared, never mutated). */
export function maskFields(fields: Fields, mask: string[][]): Fields {
  const out: Fields = {};
  // Deeper paths first: a later ancestor path replaces the partial map instead of writing into a
  // stored (shared) map.
  const ordered = mask.length > 1 ? [...mask].sort((a, b) => b.length - a.length) : mask;
  for (const segments of ordered) {
    const v = getField(fields, segments);
    if (v !== undefined) setField(out, segments, v);
  }
  return out;
}

export function toDocumentProto(root: string, doc: StoredDocument, mask?: string[][]): Document {
  return {
    name: fullName(root, doc.path),
    fields: mask ? maskFields(doc.fields, mask) : doc.fields,
    createTime: doc.createTime,
    updateTime: doc.updateTime,
  };
}
