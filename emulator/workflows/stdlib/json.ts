/**
 * `json` module: decode, encode (→ bytes), encode_to_string.
 * https://cloud.google.com/workflows/docs/reference/stdlib/json/encode — `indent` is a boolean or
 * a map {prefix, indent}; `true` means the defaults (prefix "", indent four spaces).
 */
import { definePure } from './registry';
import * as a from './args';
import { JsonIndent, fromJsonText, toJsonText } from '../convert';
import { WfValue, WorkflowError, builtinError } from '../values';

function indentOf(fn: string, v: WfValue | undefined): JsonIndent | undefined {
  if (v === undefined || v === null || v === false) return undefined;
  if (v === true) return { prefix: '', indent: '    ' };
  if (v instanceof Map) {
    for (const k of v.keys()) if (k !== 'prefix' && k !== 'indent') a.valueErr(fn, `unknown indent option '${k}'`);
    const prefix = a.opt(v.get('prefix'), (x) => a.str(fn, 'indent.prefix', x), '');
    const indent = a.opt(v.get('indent'), (x) => a.str(fn, 'indent.indent', x), '    ');
    return { prefix, indent };
  }
  return a.typeErr(fn, 'indent', 'a boolean or a map', v);
}

function encode(fn: string, data: WfValue, indent: WfValue | undefined): string {
  const ind = indentOf(fn, indent);
  try {
    return toJsonText(data, ind);
  } catch (e) {
    // Non-encodable values (bytes, functions) are a ValueError for json.encode*.
    if (e instanceof WorkflowError) throw builtinError('ValueError', `${fn}: ${e.message.replace(/^\w+Error: /, '')}`);
    throw e;
  }
}

definePure('json.encode', ['data', 'indent'], 1, ([d, ind]) => new Uint8Array(Buffer.from(encode('json.encode', d, ind), 'utf8')));
definePure('json.encode_to_string', ['data', 'indent'], 1, ([d, ind]) => encode('json.encode_to_string', d, ind));

definePure('json.decode', ['data'], 1, ([d]) => {
  const fn = 'json.decode';
  let text: string;
  if (typeof d === 'string') text = d;
  else if (d instanceof Uint8Array) {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(d);
    } catch {
      return a.valueErr(fn, 'data is not valid UTF-8');
    }
  } else return a.typeErr(fn, 'data', 'bytes or a string', d);
  try {
    return fromJsonText(text);
  } catch (e) {
    if (e instanceof WorkflowError) throw builtinError('ValueError', `${fn}: ${e.message.replace(/^\w+Error: /, '')}`);
    throw e;
  }
});
