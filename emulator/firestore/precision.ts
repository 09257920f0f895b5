/**
 * Firestore stores timestamps with microsecond precision: "Timestamp … Precise only to
 * microseconds; any additional precision is rounded down"
 * (https://firebase.google.com/docs/firestore/manage-data/data-types, "Date and time").
 * Values a client sends are truncated once, before they are stored, so every read, comparison,
 * index entry and export sees the stored precision.
 */
import type { Fields, Value } from './types';

/**
 * Truncates sub-microsecond nanos of every timestampValue inside `fields`, in place. Only for
 * request-owned values (freshly decoded), never for stored documents: stored values are already
 * truncated, so for them the walk writes nothing.
 */
export function truncateTimestamps(fields: Fields | undefined): void {
  if (!fields) return;
  for (const key in fields) truncateValue(fields[key]);
}

export function truncateValues(values: Value[] | undefined): void {
  if (!values) return;
  for (const v of values) truncateValue(v);
}

function truncateValue(v: Value): void {
  const ts = v.timestampValue;
  if (ts !== undefined) {
    const nanos = ts.nanos ?? 0;
    const rest = nanos % 1000;
    if (rest !== 0) ts.nanos = nanos - rest;
    return;
  }
  if (v.mapValue !== undefined) truncateTimestamps(v.mapValue.fields);
  else if (v.arrayValue !== undefined) truncateValues(v.arrayValue.values);
}
