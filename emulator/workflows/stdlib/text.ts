/**
 * `text` module: https://cloud.google.com/workflows/docs/reference/stdlib/text/overview
 * Indexes are in characters (code points), as in find_all's documentation; regexes are RE2.
 */
import { definePure } from './registry';
import * as a from './args';
import { compileRe2, expandRewrite } from './regex';
import { WfMap, WfValue } from '../values';

const M = 'text';

/** Charset names accepted by text.encode/decode (UTF-8 default). */
function charset(fn: string, v: WfValue | undefined): 'utf8' | 'latin1' | 'ascii' | 'utf16le' {
  const name = a.opt(v, (x) => a.str(fn, 'charset', x), 'UTF-8')
    .toUpperCase()
    .replace(/_/g, '-');
  switch (name) {
    case 'UTF-8':
    case 'UTF8':
      return 'utf8';
    case 'ISO-8859-1':
    case 'LATIN1':
    case 'LATIN-1':
      return 'latin1';
    case 'US-ASCII':
    case 'ASCII':
      return 'ascii';
    case 'UTF-16LE':
      return 'utf16le';
    default:
      return a.valueErr(fn, `unsupported charset '${name}'`);
  }
}

definePure(`${M}.decode`, ['data', 'charset'], 1, ([data, cs]) => {
  const fn = `${M}.decode`;
  const b = a.bytes(fn, 'data', data);
  const enc = charset(fn, cs);
  if (enc === 'utf8') {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(b);
    } catch {
      return a.valueErr(fn, 'data is not valid UTF-8');
    }
  }
  if (enc === 'ascii' && b.some((x) => x > 0x7f)) a.valueErr(fn, 'data is not valid US-ASCII');
  return Buffer.from(b).toString(enc);
});

definePure(`${M}.encode`, ['text', 'charset'], 1, ([t, cs]) => {
  const fn = `${M}.encode`;
  const s = a.str(fn, 'text', t);
  const enc = charset(fn, cs);
  if (enc === 'ascii' && /[^\x00-\x7f]/.test(s)) a.valueErr(fn, 'text cannot be encoded as US-ASCII');
  if (enc === 'latin1' && /[^\x00-\xff]/.test(s)) a.valueErr(fn, 'text cannot be encoded as ISO-8859-1');
  return new Uint8Array(Buffer.from(s, enc));
});

definePure(`${M}.find_all`, ['source', 'substr'], 2, ([src, sub]) => {
  const fn = `${M}.find_all`;
  const s = a.str(fn, 'source', src);
  const needle = a.str(fn, 'substr', sub);
  const out: WfValue[] = [];
  if (needle === '') {
    // Every position, like an empty regex match [R].
    const n = a.codePoints(s).length;
    for (let i = 0; i <= n; i++) out.push(BigInt(i));
    return out;
  }
  // Non-overlapping, left to right: find_all("00000", "00") == [0, 2].
  let from = 0;
  for (;;) {
    const at = s.indexOf(needle, from);
    if (at === -1) return out;
    out.push(BigInt(a.cpIndex(s, at)));
    from = at + needle.length;
  }
});

function regexMatches(fn: string, src: WfValue, re: WfValue): { s: string; matches: RegExpExecArray[] } {
  const s = a.str(fn, 'source', src);
  const rx = compileRe2(a.str(fn, 'regexp', re));
  const matches: RegExpExecArray[] = [];
  for (;;) {
    const m = rx.exec(s);
    if (!m) break;
    matches.push(m);
    if (m[0] === '') rx.lastIndex = m.index + (s.codePointAt(m.index)! > 0xffff ? 2 : 1);
    if (rx.lastIndex > s.length) break;
  }
  return { s, matches };
}

definePure(`${M}.find_all_regex`, ['source', 'regexp'], 2, ([src, re]) => {
  const { s, matches } = regexMatches(`${M}.find_all_regex`, src, re);
  return matches.map((m) => {
    const r: WfMap = new Map();
    r.set('index', BigInt(a.cpIndex(s, m.index)));
    r.set('match', m[0]);
    return r;
  });
});

definePure(`${M}.match_regex`, ['source', 'regexp'], 2, ([src, re]) => {
  const fn = `${M}.match_regex`;
  const s = a.str(fn, 'source', src);
  const rx = compileRe2(a.str(fn, 'regexp', re));
  return rx.test(s); // unanchored: true if the regex matches any part of the string
});

definePure(`${M}.replace_all`, ['source', 'substr', 'repl'], 3, ([src, sub, rep]) => {
  const fn = `${M}.replace_all`;
  const s = a.str(fn, 'source', src);
  const needle = a.str(fn, 'substr', sub);
  const r = a.str(fn, 'repl', rep);
  if (needle === '') return a.codePoints(s).reduce((acc, ch) => acc + ch + r, r);
  return s.split(needle).join(r);
});

definePure(`${M}.replace_all_regex`, ['source', 'regexp', 'repl'], 3, ([src, re, rep]) => {
  const fn = `${M}.replace_all_regex`;
  const r = a.str(fn, 'repl', rep);
  const { s, matches } = regexMatches(fn, src, re);
  let out = '';
  let last = 0;
  for (const m of matches) {
    out += s.slice(last, m.index) + expandRewrite(r, m);
    last = m.index + m[0].length;
  }
  return out + s.slice(last);
});

definePure(`${M}.split`, ['source', 'separator'], 2, ([src, sep]) => {
  const fn = `${M}.split`;
  const s = a.str(fn, 'source', src);
  const d = a.str(fn, 'separator', sep);
  if (d === '') return a.codePoints(s); // characters, like Go's strings.Split(s, "") [R]
  return s.split(d);
});

definePure(`${M}.substring`, ['source', 'start', 'end'], 3, ([src, st, en]) => {
  const fn = `${M}.substring`;
  const cps = a.codePoints(a.str(fn, 'source', src));
  const n = BigInt(cps.length);
  const clamp = (x: bigint): number => Number(x < 0n ? 0n : x > n ? n : x);
  const start = clamp(a.int(fn, 'start', st));
  const end = clamp(a.int(fn, 'end', en));
  // Out-of-range indexes are clamped; start >= end gives "" [R].
  return start >= end ? '' : cps.slice(start, end).join('');
});

definePure(`${M}.to_lower`, ['source'], 1, ([s]) => a.str(`${M}.to_lower`, 'source', s).toLowerCase());
definePure(`${M}.to_upper`, ['source'], 1, ([s]) => a.str(`${M}.to_upper`, 'source', s).toUpperCase());

definePure(`${M}.url_decode`, ['source'], 1, ([src]) => {
  const fn = `${M}.url_decode`;
  const s = a.str(fn, 'source', src);
  try {
    return decodeURIComponent(s); // '+' stays '+': the inverse of url_encode [R]
  } catch {
    return a.valueErr(fn, `invalid percent-encoding in '${s}'`);
  }
});

/** Percent-encodes everything except RFC 3986 unreserved characters. */
function percentEncode(s: string, spaceAsPlus: boolean): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const ch = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(ch)) out += ch;
    else if (spaceAsPlus && b === 0x20) out += '+';
    else out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

definePure(`${M}.url_encode`, ['source'], 1, ([s]) => percentEncode(a.str(`${M}.url_encode`, 'source', s), false));
definePure(`${M}.url_encode_plus`, ['source'], 1, ([s]) => percentEncode(a.str(`${M}.url_encode_plus`, 'source', s), true));
