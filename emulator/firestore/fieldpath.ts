/**
 * Firestore field paths: dot-separated segments, where a segment that is not a simple identifier
 * ([A-Za-z_][A-Za-z0-9_]*) is quoted with backticks and escapes ` and \ with a backslash.
 */
import type { Fields, Value } from './types';

export class FieldPathError extends Error {}

/** Splits `a.b.\`c.d\`` into ['a', 'b', 'c.d']. Throws FieldPathError on malformed input. */
export function parseFieldPath(path: string): string[] {
  if (path === '') throw new FieldPathError('field path must not be empty');
  const segments: string[] = [];
  let i = 0;
  while (i <= path.length) {
    let segment = '';
    if (path[i] === '`') {
      i++;
      let closed = false;
      while (i < path.length) {
        const ch = path[i];
        if (ch === '\\') {
          if (i + 1 >= path.length) throw new FieldPathError(`dangling escape in field path "${path}"`);
          segment += path[i + 1];
          i += 2;
        } else if (ch === '`') {
          closed = true;
          i++;
          break;
        } else {
          segment += ch;
          i++;
        }
      }
      if (!closed) throw new FieldPathError(`unterminated backtick in field path "${path}"`);
      if (segment === '') throw new FieldPathError(`empty quoted segment in field path "${path}"`);
    } else {
      const start = i;
      while (i < path.length && path[i] !== '.') i++;
      segment = path.slice(start, i);
      if (segment === '') throw new FieldPathError(`empty segment in field path "${path}"`);
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(segment)) {
        throw new FieldPathError(`segment "${segment}" of field path "${path}" must be quoted with backticks`);
      }
    }
    segments.push(segment);
    if (i === path.length) break;
    if (path[i] !== '.') throw new FieldPathError(`expected "." after segment in field path "${path}"`);
    i++;
    if (i === path.length) throw new FieldPathError(`field path "${path}" ends with "."`);
  }
  return segments;
}

/** Inverse of parseFieldPath: quotes segments that are not simple identifiers. */
export function formatFieldPath(segments: readonly string[]): string {
  return segments
    .map((s) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(s) ? s : '`' + s.replace(/\\/g, '\\\\').replace(/`/g, '\\`') + '`'))
    .join('.');
}

/** The value at `segments` inside `fields`, or undefined when any step is missing or not a map. */
export function getField(fields: Fields | undefined, segments: readonly string[]): Value | undefined {
  let current: Fields | undefined = fields;
  for (let i = 0; i < segments.length; i++) {
    if (!current) return undefined;
    const v: Value | undefined = current[segments[i]];
    if (v === undefined) return undefined;
    if (i === segments.length - 1) return v;
    current = v.mapValue ? v.mapValue.fields ?? {} : undefined;
  }
  return undefined;
}

/** Sets `value` at `segments`, creating (or replacing non-map values with) intermediate maps. */
export function setField(fields: Fields, segments: readonly string[], value: Value): void {
  let current = fields;
  for (let i = 0; i < segments.length - 1; i++) {
    const existing = current[segments[i]];
    if (!existing || !existing.mapValue) {
      const created: Value = { mapValue: { fields: {} } };
      current[segments[i]] = created;
      current = created.mapValue!.fields!;
    } else {
      existing.mapValue.fields = existing.mapValue.fields ?? {};
      current = existing.mapValue.fields;
    }
  }
  current[segments[segments.length - 1]] = value;
}

/** Removes the value at `segments`; intermediate maps are kept (possibly empty), as Firestore does. */
export function deleteField(fields: Fields, segments: readonly string[]): void {
  let current: Fields | undefined = fields;
  for (let i = 0; i < segments.length - 1; i++) {
    const v: Value | undefined = current?.[segments[i]];
    if (!v || !v.mapValue) return;
    current = v.mapValue.fields;
  }
  if (current) delete current[segments[segments.length - 1]];
}
