/** Argument checking helpers: TypeError for wrong types, naming the function and parameter. */
import { WfList, WfMap, WfValue, builtinError, typeName } from '../values';

export function typeErr(fn: string, param: string, expected: string, got: WfValue): never {
  throw builtinError('TypeError', `${fn}: argument '${param}' must be ${expected}, got ${typeName(got)}`);
}

export function valueErr(fn: string, message: string): never {
  throw builtinError('ValueError', `${fn}: ${message}`);
}

export function str(fn: string, param: string, v: WfValue): string {
  if (typeof v !== 'string') typeErr(fn, param, 'a string', v);
  return v as string;
}

export function int(fn: string, param: string, v: WfValue): bigint {
  if (typeof v !== 'bigint') typeErr(fn, param, 'an integer', v);
  return v as bigint;
}

export function num(fn: string, param: string, v: WfValue): bigint | number {
  if (typeof v !== 'bigint' && typeof v !== 'number') typeErr(fn, param, 'a number', v);
  return v as bigint | number;
}

export function list(fn: string, param: string, v: WfValue): WfList {
  if (!Array.isArray(v)) typeErr(fn, param, 'a list', v);
  return v as WfList;
}

export function map(fn: string, param: string, v: WfValue): WfMap {
  if (!(v instanceof Map)) typeErr(fn, param, 'a map', v);
  return v as WfMap;
}

export function bytes(fn: string, param: string, v: WfValue): Uint8Array {
  if (!(v instanceof Uint8Array)) typeErr(fn, param, 'bytes', v);
  return v as Uint8Array;
}

export function bool(fn: string, param: string, v: WfValue): boolean {
  if (typeof v !== 'boolean') typeErr(fn, param, 'a boolean', v);
  return v as boolean;
}

/** Optional argument: omitted (undefined) or null means "use the default". */
export function opt<T>(v: WfValue | undefined, read: (v: WfValue) => T, dflt: T): T {
  return v === undefined || v === null ? dflt : read(v);
}

/** Splits a string into Unicode code points (Workflows indexes strings by characters). */
export function codePoints(s: string): string[] {
  return Array.from(s);
}

/** Converts a UTF-16 offset in `s` to a code-point index. */
export function cpIndex(s: string, utf16Offset: number): number {
  let n = 0;
  for (let i = 0; i < utf16Offset; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < utf16Offset) i++;
    n++;
  }
  return n;
}
