/**
 * Conversions between Workflows values and JSON text / plain JS values.
 *
 * JSON decoding keeps the integer/double distinction that JSON.parse loses: a number without
 * fraction or exponent is an INTEGER (bigint) when it fits in int64, otherwise a DOUBLE.
 * Integral doubles are rendered with a trailing ".0" ("2.0"), so the type survives a round trip
 * and `string(4 / 2)` differs from `string(2)` (documented choice; GCP's exact rendering of
 * integral doubles is not stated in the docs we could read).
 */
import { INT64_MAX, INT64_MIN, WfFunctionRef, WfMap, WfValue, builtinError, typeName } from './values';

// ---------------------------------------------------------------------------------------------
// Number formatting

/** Shortest round-trip form; integral values keep ".0"; |x| >= 1e16 uses exponent form. */
export function formatDouble(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity';
  const abs = Math.abs(n);
  if (abs >= 1e16) return n.toExponential();
  if (Number.isInteger(n)) return `${Object.is(n, -0) ? '-0' : n.toString()}.0`;
  return n.toString();
}

/**
 * The text of a string, int, double or bool (doubles as formatDouble): what `+` puts next to a
 * string and what `string()` returns. undefined for any other value (each caller reports its own error).
 */
export function scalarText(v: WfValue): string | undefined {
  switch (typeof v) {
    case 'string':
      return v;
    case 'bigint':
      return v.toString();
    case 'number':
      return formatDouble(v);
    case 'boolean':
      return v ? 'true' : 'false';
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// JSON text → WfValue

class JsonReader {
  private i = 0;
  constructor(private readonly s: string) {}

  fail(msg: string): never {
    throw builtinError('ValueError', `invalid JSON at offset ${this.i}: ${msg}`);
  }
  private ws(): void {
    const s = this.s;
    while (this.i < s.length) {
      const c = s.charCodeAt(this.i);
      if (c === 32 || c === 9 || c === 10 || c === 13) this.i++;
      else break;
    }
  }
  readDocument(): WfValue {
    this.ws();
    const v = this.value();
    this.ws();
    if (this.i !== this.s.length) this.fail('unexpected trailing characters');
    return v;
  }
  private value(): WfValue {
    this.ws();
    const c = this.s[this.i];
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return this.string();
    if (c === '-' || (c >= '0' && c <= '9')) return this.number();
    if (this.s.startsWith('true', this.i)) return (this.i += 4), true;
    if (this.s.startsWith('false', this.i)) return (this.i += 5), false;
    if (this.s.startsWith('null', this.i)) return (this.i += 4), null;
    return this.fail(c === undefined ? 'unexpected end of input' : `unexpected character '${c}'`);
  }
  private object(): WfMap {
    const m: WfMap = new Map();
    this.i++;
    this.ws();
    if (this.s[this.i] === '}') {
      this.i++;
      return m;
    }
    for (;;) {
      this.ws();
      if (this.s[this.i] !== '"') this.fail('expected a string key');
      const k = this.string();
      this.ws();
      if (this.s[this.i] !== ':') this.fail("expected ':'");
      this.i++;
      m.set(k, this.value());
      this.ws();
      const c = this.s[this.i++];
      if (c === '}') return m;
      if (c !== ',') this.fail("expected ',' or '}'");
    }
  }
  private array(): WfValue[] {
    const a: WfValue[] = [];
    this.i++;
    this.ws();
    if (this.s[this.i] === ']') {
      this.i++;
      return a;
    }
    for (;;) {
      a.push(this.value());
      this.ws();
      const c = this.s[this.i++];
      if (c === ']') return a;
      if (c !== ',') this.fail("expected ',' or ']'");
    }
  }
  private string(): string {
    const start = this.i;
    this.i++;
    // Fast path: no escapes.
    const close = this.s.indexOf('"', this.i);
    if (close !== -1) {
      const chunk = this.s.slice(this.i, close);
      if (!chunk.includes('\\') && !/[\u0000-\u001f]/.test(chunk)) {
        this.i = close + 1;
        return chunk;
      }
    }
    let end = this.i;
    for (;;) {
      if (end >= this.s.length) {
        this.i = start;
        this.fail('unterminated string');
      }
      const c = this.s[end];
      if (c === '"') break;
      if (c === '\\') end++;
      else if (c.charCodeAt(0) < 0x20) {
        this.i = end;
        this.fail('control character in string');
      }
      end++;
    }
    try {
      const out = JSON.parse(this.s.slice(start, end + 1)) as string;
      this.i = end + 1;
      return out;
    } catch {
      this.i = start;
      return this.fail('invalid string escape');
    }
  }
  private number(): WfValue {
    const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(this.s.slice(this.i, this.i + 400));
    if (!m || m[0] === '-') return this.fail('invalid number');
    this.i += m[0].length;
    if (m[2] === undefined && m[3] === undefined) {
      const b = BigInt(m[0]);
      if (b >= INT64_MIN && b <= INT64_MAX) return b;
    }
    return Number(m[0]);
  }
}

/** Parses JSON text into a WfValue (ValueError on malformed input). */
export function fromJsonText(text: string): WfValue {
  return new JsonReader(text).readDocument();
}

// ---------------------------------------------------------------------------------------------
// plain JS → WfValue

export interface FromPlainOptions {
  /** Treat integral JS numbers as INTEGER (for JSON.parse output). Default false: numbers are
   *  DOUBLE, as produced by the `yaml` library with `intAsBigInt: true` for floats. */
  integralNumbersAsInts?: boolean;
}

export function fromPlain(v: unknown, opts: FromPlainOptions = {}): WfValue {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case 'boolean':
    case 'string':
      return v;
    case 'bigint':
      if (v > INT64_MAX || v < INT64_MIN) return Number(v);
      return v;
    case 'number':
      if (opts.integralNumbersAsInts && Number.isSafeInteger(v)) return BigInt(v);
      return v;
    case 'object':
      break;
    default:
      throw builtinError('TypeError', `cannot convert a JS ${typeof v} to a workflow value`);
  }
  if (v instanceof WfFunctionRef) return v;
  if (v instanceof Uint8Array) return v;
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map((x) => fromPlain(x, opts));
  if (v instanceof Map) {
    const m: WfMap = new Map();
    for (const [k, x] of v) m.set(String(k), fromPlain(x, opts));
    return m;
  }
  const m: WfMap = new Map();
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) m.set(k, fromPlain(x, opts));
  return m;
}

// ---------------------------------------------------------------------------------------------
// WfValue → JSON text

export interface JsonIndent {
  prefix: string;
  indent: string;
}

/**
 * JSON text of a value. `indent` (string or {prefix, indent}) pretty-prints like Go's
 * MarshalIndent: every line after the first starts with prefix + one indent per nesting level.
 * Bytes and functions are not JSON-encodable → TypeError (json.encode reports ValueError itself).
 */
export function toJsonText(v: WfValue, indent?: string | JsonIndent): string {
  const ind: JsonIndent | undefined = indent === undefined ? undefined : typeof indent === 'string' ? { prefix: '', indent } : indent;
  const parts: string[] = [];
  writeJson(v, ind, 0, parts);
  return parts.join('');
}

function writeJson(v: WfValue, ind: JsonIndent | undefined, depth: number, out: string[]): void {
  if (v === null) return void out.push('null');
  switch (typeof v) {
    case 'boolean':
      return void out.push(v ? 'true' : 'false');
    case 'bigint':
      return void out.push(v.toString());
    case 'number':
      if (!Number.isFinite(v)) throw builtinError('ValueError', `cannot JSON-encode ${v}`);
      return void out.push(formatDouble(v));
    case 'string':
      return void out.push(JSON.stringify(v));
  }
  if (v instanceof Uint8Array) throw builtinError('TypeError', 'bytes cannot be JSON-encoded (use base64.encode)');
  if (v instanceof WfFunctionRef) throw builtinError('TypeError', `function '${v.name}' cannot be JSON-encoded`);
  const nl = (d: number): string => (ind ? `\n${ind.prefix}${ind.indent.repeat(d)}` : '');
  const sep = ind ? ': ' : ':';
  if (Array.isArray(v)) {
    if (v.length === 0) return void out.push('[]');
    out.push('[');
    v.forEach((x, i) => {
      if (i > 0) out.push(',');
      out.push(nl(depth + 1));
      writeJson(x, ind, depth + 1, out);
    });
    out.push(nl(depth), ']');
    return;
  }
  if (v.size === 0) return void out.push('{}');
  out.push('{');
  let first = true;
  for (const [k, x] of v) {
    if (!first) out.push(',');
    first = false;
    out.push(nl(depth + 1), JSON.stringify(k), sep);
    writeJson(x, ind, depth + 1, out);
  }
  out.push(nl(depth), '}');
}

// ---------------------------------------------------------------------------------------------
// WfValue → plain JS

/**
 * JSON-compatible JS value (for HTTP bodies, Execution records). Integers become numbers when
 * they are safe integers, otherwise decimal strings; bytes/functions → TypeError.
 */
export function toPlain(v: WfValue): unknown {
  if (v === null) return null;
  switch (typeof v) {
    case 'boolean':
    case 'string':
      return v;
    case 'number':
      return v;
    case 'bigint':
      return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
  }
  if (v instanceof Uint8Array) throw builtinError('TypeError', 'bytes cannot be converted to JSON');
  if (v instanceof WfFunctionRef) throw builtinError('TypeError', `function '${v.name}' cannot be converted to JSON`);
  if (Array.isArray(v)) return v.map(toPlain);
  const o: Record<string, unknown> = {};
  for (const [k, x] of v) o[k] = toPlain(x);
  return o;
}

// ---------------------------------------------------------------------------------------------
// Size accounting (512 KB variable memory limit)

/** Approximate size in bytes of the value serialised as JSON (bytes counted raw). */
export function valueSize(v: WfValue): number {
  if (v === null) return 4;
  switch (typeof v) {
    case 'boolean':
      return v ? 4 : 5;
    case 'bigint':
      return v.toString().length;
    case 'number':
      return formatDouble(v).length;
    case 'string':
      return Buffer.byteLength(v, 'utf8') + 2;
  }
  if (v instanceof Uint8Array) return v.length;
  if (v instanceof WfFunctionRef) return v.name.length;
  if (Array.isArray(v)) {
    let n = 2 + Math.max(0, v.length - 1);
    for (const x of v) n += valueSize(x);
    return n;
  }
  let n = 2 + Math.max(0, v.size - 1);
  for (const [k, x] of v) n += Buffer.byteLength(k, 'utf8') + 3 + valueSize(x);
  return n;
}

/** Human-readable type name used in error messages. */
export { typeName };
