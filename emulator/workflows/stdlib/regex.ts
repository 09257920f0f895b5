/**
 * RE2 → JavaScript RegExp translation.
 *
 * Workflows' text.*_regex functions use RE2 syntax. JS (with the `u` flag) accepts a superset in
 * some places (lookaround, backreferences) and rejects RE2 forms in others (`\-`-style escapes,
 * `(?P<name>`, POSIX classes, `\Q..\E`, `\z`). We translate what RE2 accepts and reject what RE2
 * rejects with ValueError, so a pattern that would fail in GCP fails here too.
 */
import { builtinError } from '../values';

const cache = new Map<string, RegExp>();

function bad(pattern: string, why: string): never {
  throw builtinError('ValueError', `invalid regular expression '${pattern}': ${why}`);
}

const POSIX: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

function literal(ch: string): string {
  const cp = ch.codePointAt(0) as number;
  return /[A-Za-z0-9 ]/.test(ch) ? ch : `\\u{${cp.toString(16)}}`;
}

/** Translates an RE2 pattern to a JS RegExp (global, unicode). Throws ValueError when invalid. */
export function compileRe2(pattern: string): RegExp {
  const hit = cache.get(pattern);
  if (hit) return new RegExp(hit.source, hit.flags);
  let flags = 'gu';
  let i = 0;
  // Leading flag group `(?ims)`; flags elsewhere are not supported by JS before Node 23.
  const lead = /^\(\?([imsU]+)\)/.exec(pattern);
  if (lead) {
    if (lead[1].includes('U')) bad(pattern, 'ungreedy flag (?U) is not supported by this emulator');
    for (const f of new Set(lead[1])) flags += f;
    i = lead[0].length;
  }
  let out = '';
  let inClass = false;
  let classStart = false;
  // Work on code points so astral characters stay intact.
  const chars = Array.from(pattern);
  let p = Array.from(pattern.slice(0, i)).length;
  while (p < chars.length) {
    const c = chars[p];
    if (c === '\\') {
      const n = chars[p + 1];
      if (n === undefined) bad(pattern, 'trailing backslash');
      p += 2;
      if (/[1-9]/.test(n)) bad(pattern, 'backreferences are not supported by RE2');
      switch (n) {
        case 'd':
        case 'D':
        case 'w':
        case 'W':
        case 'n':
        case 't':
        case 'r':
        case 'f':
        case 'v':
          out += `\\${n}`;
          break;
        case 'b':
        case 'B':
          if (inClass) bad(pattern, `\\${n} is not allowed in a character class`);
          out += `\\${n}`;
          break;
        case 's':
          out += inClass ? '\\t\\n\\f\\r ' : '[\\t\\n\\f\\r ]';
          break;
        case 'S':
          out += inClass ? '\\S' : '[^\\t\\n\\f\\r ]';
          break;
        case 'a':
          out += '\\x07';
          break;
        case 'A':
          if (inClass) bad(pattern, '\\A in a character class');
          out += '(?<![\\s\\S])';
          break;
        case 'z':
          if (inClass) bad(pattern, '\\z in a character class');
          out += '(?![\\s\\S])';
          break;
        case 'x': {
          if (chars[p] === '{') {
            const close = chars.indexOf('}', p);
            const hex = chars.slice(p + 1, close).join('');
            if (close === -1 || !/^[0-9A-Fa-f]{1,6}$/.test(hex)) bad(pattern, 'invalid \\x{...} escape');
            out += `\\u{${hex}}`;
            p = close + 1;
          } else {
            const hex = chars.slice(p, p + 2).join('');
            if (!/^[0-9A-Fa-f]{2}$/.test(hex)) bad(pattern, 'invalid \\x escape');
            out += `\\x${hex}`;
            p += 2;
          }
          break;
        }
        case 'p':
        case 'P': {
          let name: string;
          if (chars[p] === '{') {
            const close = chars.indexOf('}', p);
            if (close === -1) bad(pattern, 'unterminated \\p{...}');
            name = chars.slice(p + 1, close).join('');
            p = close + 1;
          } else {
            name = chars[p] ?? '';
            p += 1;
          }
          let neg = n === 'P';
          if (name.startsWith('^')) {
            neg = !neg;
            name = name.slice(1);
          }
          if (!/^[A-Za-z_]+$/.test(name)) bad(pattern, `invalid Unicode class '${name}'`);
          const prop = name === 'Any' ? 'Any' : /^[A-Z][a-z]?$/.test(name) ? name : `Script=${name}`;
          out += `\\${neg ? 'P' : 'p'}{${prop}}`;
          break;
        }
        case 'Q': {
          let end = chars.indexOf('\\', p);
          while (end !== -1 && chars[end + 1] !== 'E') end = chars.indexOf('\\', end + 1);
          const lit = chars.slice(p, end === -1 ? chars.length : end);
          out += lit.map(literal).join('');
          p = end === -1 ? chars.length : end + 2;
          break;
        }
        case 'C':
        case 'G':
        case 'Z':
        case 'e':
        case 'k':
          bad(pattern, `\\${n} is not supported by RE2`);
          break;
        case '0':
          bad(pattern, 'octal escapes are not supported');
          break;
        default:
          if (/[A-Za-z0-9]/.test(n)) bad(pattern, `invalid escape \\${n}`);
          out += literal(n); // RE2 allows escaping any punctuation
      }
      classStart = false;
      continue;
    }
    if (inClass) {
      if (c === '[' && chars[p + 1] === ':') {
        const close = chars.indexOf(']', p + 2);
        const spec = chars.slice(p + 2, close).join('');
        const m = /^(\^?)([a-z]+):$/.exec(spec);
        if (close !== -1 && m && POSIX[m[2]]) {
          if (m[1]) bad(pattern, 'negated POSIX classes are not supported by this emulator');
          out += POSIX[m[2]];
          p = close + 1;
          classStart = false;
          continue;
        }
      }
      if (c === ']' && !classStart) {
        inClass = false;
        out += ']';
      } else if (c === '[' || c === ']') {
        out += `\\${c}`; // `[]a]` and a literal `[` inside a class
      } else {
        out += c;
      }
      classStart = false;
      p++;
      continue;
    }
    switch (c) {
      case '[':
        inClass = true;
        classStart = true;
        out += '[';
        if (chars[p + 1] === '^') {
          out += '^';
          p++;
        }
        p++;
        continue;
      case '(': {
        if (chars[p + 1] === '?') {
          const rest = chars.slice(p + 2, p + 4).join('');
          if (rest.startsWith(':')) {
            out += '(?:';
            p += 3;
          } else if (rest.startsWith('P<') || rest.startsWith('<')) {
            const skip = rest.startsWith('P<') ? 4 : 3;
            if (rest.startsWith('<=') || rest.startsWith('<!')) bad(pattern, 'lookbehind is not supported by RE2');
            out += '(?<';
            p += skip;
          } else if (rest.startsWith('=') || rest.startsWith('!')) {
            bad(pattern, 'lookahead is not supported by RE2');
          } else {
            bad(pattern, 'inline flag groups are only supported at the start of the pattern');
          }
        } else {
          out += '(';
          p++;
        }
        continue;
      }
      case '{': {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(chars.slice(p, p + 24).join(''));
        if (m && out.length > 0) {
          const lo = Number(m[1]);
          const hi = m[3] ? Number(m[3]) : lo;
          if (lo > 1000 || hi > 1000) bad(pattern, 'repeat count exceeds 1000');
          if (m[3] && hi < lo) bad(pattern, 'invalid repeat range');
          out += m[0];
          p += m[0].length;
        } else {
          out += '\\{'; // RE2 treats a brace that does not start a repetition as a literal
          p++;
        }
        continue;
      }
      case '}':
      case ']':
        out += `\\${c}`;
        p++;
        continue;
      default:
        out += c;
        p++;
    }
  }
  if (inClass) bad(pattern, 'missing closing ]');
  let re: RegExp;
  try {
    re = new RegExp(out, flags);
  } catch (e) {
    return bad(pattern, (e as Error).message.replace(/^Invalid regular expression: /, ''));
  }
  if (cache.size > 500) cache.clear();
  cache.set(pattern, re);
  return new RegExp(re.source, re.flags);
}

/**
 * Expands an RE2 rewrite string (`\0`..`\9` groups, `\\` backslash) for one match [R: RE2
 * GlobalReplace semantics; the Workflows page does not show a group example in our copy].
 */
export function expandRewrite(rewrite: string, m: RegExpExecArray): string {
  let out = '';
  for (let i = 0; i < rewrite.length; i++) {
    const c = rewrite[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = rewrite[i + 1];
    if (n === '\\') {
      out += '\\';
      i++;
    } else if (n !== undefined && n >= '0' && n <= '9') {
      const g = Number(n);
      if (g >= m.length) throw builtinError('ValueError', `text.replace_all_regex: rewrite refers to group \\${n}, but the pattern has ${m.length - 1} group(s)`);
      out += m[g] ?? '';
      i++;
    } else {
      throw builtinError('ValueError', `text.replace_all_regex: invalid rewrite escape '\\${n ?? ''}'`);
    }
  }
  return out;
}
