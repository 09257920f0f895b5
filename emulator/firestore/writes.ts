/**
 * Applying one google.firestore.v1.Write to the current version of a document: preconditions,
 * full replace or masked update (merge), field transforms, and the resulting document. Pure with
 * respect to the store: it returns the new version and never mutates the old one (copy-on-write
 * along the edited paths, sharing everything else).
 */
import type { Document, Fields, Timestamp, Value } from './types';
import { alreadyExists, failedPrecondition, invalidArgument, notFound } from './errors';
import { FieldPathError, getField, parseFieldPath } from './fieldpath';
import { fromTimestamp, toTimestamp, type Micros } from './clock';
import { makeStoredDoc, type StoredDoc } from './store';
import { applyTransform, transformKind, type FieldTransform } from './transforms';
import { checkDocumentSize, MAX_TRANSFORMS_PER_DOCUMENT, validateFieldPathForWrite } from './limits';
import { truncateTimestamps, truncateValues } from './precision';

export interface Precondition {
  conditionType?: 'exists' | 'updateTime';
  exists?: boolean;
  updateTime?: Timestamp;
}

export interface Write {
  operation?: 'update' | 'delete' | 'transform';
  update?: Document;
  delete?: string;
  transform?: { document: string; fieldTransforms?: FieldTransform[] };
  updateMask?: { fieldPaths?: string[] };
  updateTransforms?: FieldTransform[];
  currentDocument?: Precondition;
}

export interface WriteResult {
  updateTime?: Timestamp;
  transformResults?: Value[];
}

/** The document name a write targets. */
export function writeTarget(w: Write): string {
  if (w.update) return w.update.name;
  if (w.delete !== undefined) return w.delete;
  if (w.transform) return w.transform.document;
  throw invalidArgument('A write must set one of update, delete or transform.');
}

export function parseWriteFieldPath(path: string): string[] {
  try {
    const segments = parseFieldPath(path);
    validateFieldPathForWrite(segments, path);
    return segments;
  } catch (e) {
    if (e instanceof FieldPathError) throw invalidArgument(`Invalid field path "${path}": ${e.message}`);
    throw e;
  }
}

/** Checks the precondition against the current version (null = missing). */
export function checkPrecondition(pre: Precondition | undefined, current: StoredDoc | null, name: string): void {
  if (!pre) return;
  if (pre.exists !== undefined && (pre.conditionType === undefined || pre.conditionType === 'exists')) {
    if (pre.exists && !current) throw notFound(`No document to update: ${name}`);
    if (!pre.exists && current) throw alreadyExists(`Document already exists: ${name}`);
    return;
  }
  if (pre.updateTime) {
    const want = fromTimestamp(pre.updateTime);
    if (!current) throw notFound(`No document to update: ${name}`);
    if (current.updateMicros !== want) {
      throw failedPrecondition(`The document's update time does not match the required update time (precondition failed): ${name}`);
    }
  }
}

/** Sets a value at a path of an owned top-level object, cloning (never mutating) shared inner maps. */
function cowSet(fields: Fields, segments: readonly string[], value: Value): void {
  let cur = fields;
  for (let i = 0; i < segments.length - 1; i++) {
    const existing = cur[segments[i]];
    const inner: Fields = existing?.mapValue ? { ...(existing.mapValue.fields ?? {}) } : {};
    cur[segments[i]] = { mapValue: { fields: inner } };
    cur = inner;
  }
  cur[segments[segments.length - 1]] = value;
}

function cowDelete(fields: Fields, segments: readonly string[]): void {
  // Only clone when the path exists, so deleting an absent field leaves the document untouched.
  if (getField(fields, segments) === undefined) return;
  let cur = fields;
  for (let i = 0; i < segments.length - 1; i++) {
    const existing = cur[segments[i]];
    const inner: Fields = { ...(existing!.mapValue!.fields ?? {}) };
    cur[segments[i]] = { mapValue: { fields: inner } };
    cur = inner;
  }
  delete cur[segments[segments.length - 1]];
}

export interface AppliedWrite {
  /** New version; the same object as `current` when the write changed nothing; null = deleted. */
  after: StoredDoc | null;
  result: WriteResult;
}

/**
 * Applies `w` to `current` at `commitTime`. Throws FirestoreError (NOT_FOUND, ALREADY_EXISTS,
 * FAILED_PRECONDITION, INVALID_ARGUMENT) without side effects.
 */
export function applyWrite(
  w: Write,
  path: string,
  segments: readonly string[],
  name: string,
  current: StoredDoc | null,
  commitTime: Micros,
  /** The value of serverTimestamp transforms (see requestTimeOf). */
  requestTs: Timestamp,
): AppliedWrite {
  checkPrecondition(w.currentDocument, current, name);
  if (w.delete !== undefined) return { after: null, result: {} };

  const transforms = w.update ? w.updateTransforms : w.transform?.fieldTransforms;
  // Stored timestamps have microsecond precision; the request's values are ours to normalize.
  if (w.update) truncateTimestamps(w.update.fields);
  if (transforms) {
    for (const t of transforms) {
      truncateValues(t.appendMissingElements?.values);
      truncateValues(t.removeAllFromArray?.values);
    }
  }
  let fields: Fields;
  let edited = false; // whether `fields` may differ from current.fields
  if (w.update) {
    // An update_mask that is present but empty (transform-only update) still means "merge".
    const mask = w.updateMask ? w.updateMask.fieldPaths ?? [] : undefined;
    if (mask) {
      fields = current ? { ...current.fields } : {};
      const source = w.update.fields ?? {};
      for (const fp of mask) {
        const segs = parseWriteFieldPath(fp);
        const v = getField(source, segs);
        if (v !== undefined) cowSet(fields, segs, v);
        else cowDelete(fields, segs);
      }
      edited = true;
    } else {
      fields = w.update.fields ?? {};
      edited = true;
    }
  } else {
    fields = current ? { ...current.fields } : {};
  }

  let transformResults: Value[] | undefined;
  if (transforms && transforms.length > 0) {
    if (transforms.length > MAX_TRANSFORMS_PER_DOCUMENT) {
      throw invalidArgument(`A document may receive at most ${MAX_TRANSFORMS_PER_DOCUMENT} field transforms per commit (${name}).`);
    }
    transformResults = [];
    for (const t of transforms) {
      transformKind(t);
      const segs = parseWriteFieldPath(t.fieldPath);
      const { value, result } = applyTransform(t, getField(fields, segs), requestTs);
      cowSet(fields, segs, value);
      transformResults.push(result);
    }
    edited = true;
  }

  checkDocumentSize(segments, fields, name);

  if (current && (!edited || fieldsIdentical(current.fields, fields))) {
    // No modification: the update time stays (WriteResult.update_time is the previous one).
    return { after: current, result: { updateTime: current.updateTime, transformResults } };
  }
  const after = makeStoredDoc(path, fields, current ? current.createMicros : commitTime, commitTime);
  return { after, result: { updateTime: after.updateTime, transformResults } };
}

/**
 * serverTimestamp (REQUEST_TIME) has millisecond precision (write.proto: "The time at which the
 * server processed the request, with millisecond precision"; the official emulator agrees), and is
 * the same for every field of one commit: the commit time truncated to the millisecond.
 */
export function requestTimeOf(commitTime: Micros): Timestamp {
  return toTimestamp(commitTime - (commitTime % 1000));
}

/** Exact structural identity (type and bits), used to detect writes that change nothing. */
export function fieldsIdentical(a: Fields, b: Fields): boolean {
  if (a === b) return true;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) {
    const y = b[k];
    if (y === undefined || !valuesIdentical(a[k], y)) return false;
  }
  return true;
}

function valuesIdentical(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (a.stringValue !== undefined) return a.stringValue === b.stringValue;
  if (a.integerValue !== undefined) return b.integerValue !== undefined && String(a.integerValue) === String(b.integerValue);
  if (a.doubleValue !== undefined) return b.doubleValue !== undefined && Object.is(Number(a.doubleValue), Number(b.doubleValue));
  if (a.booleanValue !== undefined) return a.booleanValue === b.booleanValue;
  if (a.nullValue !== undefined) return b.nullValue !== undefined;
  if (a.timestampValue !== undefined) {
    const x = a.timestampValue;
    const y = b.timestampValue;
    return !!y && String(x.seconds ?? '0') === String(y.seconds ?? '0') && (x.nanos ?? 0) === (y.nanos ?? 0);
  }
  if (a.mapValue !== undefined) return b.mapValue !== undefined && fieldsIdentical(a.mapValue.fields ?? {}, b.mapValue.fields ?? {});
  if (a.arrayValue !== undefined) {
    const x = a.arrayValue.values ?? [];
    const y = b.arrayValue?.values;
    return !!y && x.length === y.length && x.every((v, i) => valuesIdentical(v, y[i]));
  }
  if (a.bytesValue !== undefined) return b.bytesValue !== undefined && Buffer.from(a.bytesValue).equals(Buffer.from(b.bytesValue));
  if (a.referenceValue !== undefined) return a.referenceValue === b.referenceValue;
  if (a.geoPointValue !== undefined) {
    const y = b.geoPointValue;
    return !!y && (a.geoPointValue.latitude ?? 0) === (y.latitude ?? 0) && (a.geoPointValue.longitude ?? 0) === (y.longitude ?? 0);
  }
  return false;
}

