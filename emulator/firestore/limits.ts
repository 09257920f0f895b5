/**
 * Firestore's documented limits, enforced with the status codes the service uses (all
 * INVALID_ARGUMENT). Sources: https://cloud.google.com/firestore/quotas ("Collections, documents,
 * and fields", "Writes and transactions") and https://cloud.google.com/firestore/docs/storage-size
 * (how a document's size is computed).
 *
 * Decisions:
 * - No fixed number of writes per Commit/BatchWrite: the current quotas page no longer lists the old
 *   500-writes-per-commit limit; a request is bounded by the 10 MiB API request size instead.
 * - Nesting depth is the length of the deepest field path, array indexes included (the quotas
 *   page's example {nested1: {nested2: {nested3: {}}}} has depth 3); at most 20.
 * - "Maximum number of fields in a document: 20,000" counts map entries at every depth.
 * - Arrays cannot directly contain arrays (as in the service).
 */
import type { Fields, Value } from './types';
import { invalidArgument } from './errors';

export const MAX_DOCUMENT_SIZE = 1_048_576; // 1 MiB
export const MAX_DOCUMENT_NAME_SIZE = 6 * 1024; // 6 KiB, storage-size rules
export const MAX_ID_BYTES = 1_500; // collection and document ids
export const MAX_SUBCOLLECTION_DEPTH = 100;
export const MAX_FIELD_NAME_BYTES = 1_500;
export const MAX_FIELD_PATH_BYTES = 1_500;
export const MAX_NESTING_DEPTH = 20;
export const MAX_FIELDS_PER_DOCUMENT = 20_000;
export const MAX_REQUEST_BYTES = 10 * 1024 * 1024; // 10 MiB API request / transaction size
export const MAX_TRANSFORMS_PER_DOCUMENT = 500;

const RESERVED_RE = /^__.*__$/;

function utf8Length(s: string): number {
  // Short strings (field names, ids): a JS loop beats the native call; long ones: native.
  if (s.length > 24) return Buffer.byteLength(s, 'utf8');
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 0x7f) return Buffer.byteLength(s, 'utf8');
  }
  return s.length;
}

/** String storage size: UTF-8 bytes + 1. */
function stringSize(s: string): number {
  return utf8Length(s) + 1;
}

/** Document name storage size: sum of segment string sizes + 16. */
export function documentNameSize(segments: readonly string[]): number {
  let n = 16;
  for (const s of segments) n += stringSize(s);
  return n;
}

/** Checks a document path's ids, depth and name size (for writes). */
export function validateDocumentPathForWrite(segments: readonly string[], name: string): void {
  if (segments.length / 2 > MAX_SUBCOLLECTION_DEPTH) {
    throw invalidArgument(`Document name "${name}" exceeds the maximum subcollection depth of ${MAX_SUBCOLLECTION_DEPTH}.`);
  }
  for (let i = 0; i < segments.length; i++) validateId(segments[i], i % 2 === 0 ? 'collection' : 'document', name);
  const size = documentNameSize(segments);
  if (size > MAX_DOCUMENT_NAME_SIZE) {
    throw invalidArgument(`Document name "${name.slice(0, 200)}..." is too long: ${size} bytes exceeds the maximum of ${MAX_DOCUMENT_NAME_SIZE} bytes.`);
  }
}

/** Collection and document id rules: at most 1,500 bytes, not `.`/`..`, not `__.*__`. */
export function validateId(id: string, kind: 'collection' | 'document', name: string): void {
  if (id === '.' || id === '..') throw invalidArgument(`A ${kind} id cannot be "${id}" (in "${name}").`);
  if (RESERVED_RE.test(id)) throw invalidArgument(`${kind === 'collection' ? 'Collection' : 'Document'} id "${id}" is reserved: ids matching __.*__ are not allowed (in "${name}").`);
  if (utf8Length(id) > MAX_ID_BYTES) throw invalidArgument(`A ${kind} id must be no longer than ${MAX_ID_BYTES} bytes (in "${name.slice(0, 200)}...").`);
}

export function validateCollectionId(id: string): void {
  if (id === '' || id.includes('/')) throw invalidArgument(`Invalid collection id "${id}".`);
  validateId(id, 'collection', id);
}

/** Rules for the segments of a field path used in writes (masks, transforms). */
export function validateFieldPathForWrite(segments: readonly string[], display: string): void {
  let bytes = 0;
  for (const s of segments) {
    validateFieldName(s, display);
    bytes += utf8Length(s);
  }
  if (bytes + segments.length - 1 > MAX_FIELD_PATH_BYTES) {
    throw invalidArgument(`Field path "${display.slice(0, 200)}" exceeds the maximum of ${MAX_FIELD_PATH_BYTES} bytes.`);
  }
}

function validateFieldName(name: string, where: string): void {
  if (name === '') throw invalidArgument(`Field names cannot be empty (in "${where}").`);
  if (name.charCodeAt(0) === 95 && name.charCodeAt(1) === 95 && RESERVED_RE.test(name)) throw invalidArgument(`Field name "${name}" is reserved: names matching __.*__ are not allowed.`);
  if (utf8Length(name) > MAX_FIELD_NAME_BYTES) throw invalidArgument(`Field name "${name.slice(0, 100)}..." exceeds the maximum of ${MAX_FIELD_NAME_BYTES} bytes.`);
}

function isVectorMap(fields: Fields): boolean {
  const t = fields['__type__'];
  return t !== undefined && t.stringValue === '__vector__';
}

/** Counts fields (map entries at any depth) while measuring, for the 20,000-field limit. */
interface Measure {
  fields: number;
  referenceSize?: (ref: string) => number;
}

/**
 * Validates field names, nesting (the deepest field path, array indexes included, may have 20
 * segments), nested arrays and the field count of the values a client sent, and returns their
 * storage size (sum of field-name sizes and value sizes). One pass, no allocation.
 */
export function measureFields(fields: Fields | undefined, depth = 0, referenceSize?: (ref: string) => number): number {
  const m: Measure = { fields: 0, referenceSize };
  const size = measureMap(fields, depth, m);
  if (m.fields > MAX_FIELDS_PER_DOCUMENT) {
    throw invalidArgument(`A document cannot contain more than ${MAX_FIELDS_PER_DOCUMENT.toLocaleString('en-US')} fields (found ${m.fields}).`);
  }
  return size;
}

function measureMap(fields: Fields | undefined, depth: number, m: Measure): number {
  if (!fields) return 0;
  let size = 0;
  const vector = depth > 0 && isVectorMap(fields);
  for (const key in fields) {
    if (!(vector && key === '__type__')) validateFieldName(key, key);
    m.fields++;
    size += stringSize(key) + measureValue(fields[key], depth + 1, m, false);
  }
  return size;
}

/** `depth` is the length of the field path that leads to `v` (a top-level field has depth 1). */
function measureValue(v: Value, depth: number, m: Measure, inArray: boolean): number {
  if (depth > MAX_NESTING_DEPTH) {
    throw invalidArgument(`A value is nested more than ${MAX_NESTING_DEPTH} levels deep (maps and arrays count).`);
  }
  if (v.stringValue !== undefined) return stringSize(v.stringValue);
  if (v.integerValue !== undefined || v.doubleValue !== undefined || v.timestampValue !== undefined) return 8;
  if (v.booleanValue !== undefined || v.nullValue !== undefined) return 1;
  if (v.mapValue !== undefined) return measureMap(v.mapValue.fields, depth, m);
  if (v.arrayValue !== undefined) {
    if (inArray) throw invalidArgument('Cannot have an array directly inside another array.');
    let n = 0;
    for (const e of v.arrayValue.values ?? []) n += measureValue(e, depth + 1, m, true);
    return n;
  }
  if (v.bytesValue !== undefined) return v.bytesValue.length;
  if (v.referenceValue !== undefined) return m.referenceSize ? m.referenceSize(v.referenceValue) : stringSize(v.referenceValue);
  if (v.geoPointValue !== undefined) return 16;
  return 1;
}

/** Reference values count as the size of the referenced document name. */
export function referenceNameSize(ref: string): number {
  const i = ref.indexOf('/documents/');
  return i < 0 ? stringSize(ref) : documentNameSize(ref.slice(i + '/documents/'.length).split('/'));
}

/** Document storage size: name size + fields + 32 bytes; throws when above 1 MiB. */
export function checkDocumentSize(segments: readonly string[], fields: Fields, name: string): number {
  const size = documentNameSize(segments) + measureFields(fields, 0, referenceNameSize) + 32;
  if (size > MAX_DOCUMENT_SIZE) {
    throw invalidArgument(
      `Document "${name}" cannot be written because its size (${size.toLocaleString('en-US')} bytes) exceeds the maximum allowed size of ${MAX_DOCUMENT_SIZE.toLocaleString('en-US')} bytes.`,
    );
  }
  return size;
}

/** The 10 MiB request limit, checked against the encoded size of the request. */
export function checkRequestSize(bytes: number | undefined): void {
  if (bytes !== undefined && bytes > MAX_REQUEST_BYTES) {
    throw invalidArgument(`Request payload size exceeds the limit: ${MAX_REQUEST_BYTES} bytes.`);
  }
}
