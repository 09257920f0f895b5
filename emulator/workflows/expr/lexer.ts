/**
 * Tokenizer for `${...}` expressions. Offsets are relative to the expression text; the parser
 * turns them into file positions (multi-line aware) via `PositionMap`.
 */
import type { SourcePos } from './ast';

export type TokenType = 'int' | 'double' | 'string' | 'ident' | 'op' | 'eof';

export interface Token {
  type: TokenType;
  /** Source text for ident/op; decoded text for strings; digits for numbers. */
  text: string;
  offset: number;
}

export class ExpressionSyntaxError extends Error {
  constructor(
    readonly pos: SourcePos,
    readonly detail: string,
  ) {
    super(`${pos.file}:${pos.line}:${pos.column}: expression syntax error: ${detail}`);
    this.name = 'ExpressionSyntaxError';
  }
}

/** Maps an offset in the expression text to a file position, counting newlines. */
export class PositionMap {
  private readonly lineStarts: number[] = [0];
  constructor(
    text: string,
    private readonly origin: SourcePos,
  ) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
  }
  at(offset: number): SourcePos {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    const col = offset - this.lineStarts[lo];
    return lo === 0
      ? { file: this.origin.file, line: this.origin.line, column: this.origin.column + col }
      : { file: this.origin.file, line: this.origin.line + lo, column: col + 1 };
  }
}

// Longest first so `//` wins over `/`, `<=` over `<`.
const OPERATORS = ['//', '<=', '>=', '==', '!=', '+', '-', '*', '/', '%', '<', '>', '(', ')', '[', ']', '{', '}', ',', ':', '.'];

const SIMPLE_ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  b: '\b',
  f: '\f',
  '\\': '\\',
  '"': '"',
  "'": "'",
  '/': '/',
};

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}
function isIdentStart(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
}
function isIdentPart(c: string): boolean {
  return isIdentStart(c) || isDigit(c);
}

export function tokenize(text: string, posAt: (offset: number) => SourcePos): Token[] {
  const tokens: Token[] = [];
  const fail = (offset: number, msg: string): never => {
    throw new ExpressionSyntaxError(posAt(offset), msg);
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    const start = i;
    if (isDigit(c) || (c === '.' && isDigit(text[i + 1] ?? ''))) {
      while (i < text.length && isDigit(text[i])) i++;
      let isDouble = false;
      if (text[i] === '.' && isDigit(text[i + 1] ?? '')) {
        isDouble = true;
        i++;
        while (i < text.length && isDigit(text[i])) i++;
      }
      if (text[i] === 'e' || text[i] === 'E') {
        let j = i + 1;
        if (text[j] === '+' || text[j] === '-') j++;
        if (isDigit(text[j] ?? '')) {
          isDouble = true;
          i = j;
          while (i < text.length && isDigit(text[i])) i++;
        }
      }
      if (i < text.length && isIdentStart(text[i])) fail(i, `unexpected character '${text[i]}' after number`);
      tokens.push({ type: isDouble ? 'double' : 'int', text: text.slice(start, i), offset: start });
      continue;
    }
    if (isIdentStart(c)) {
      while (i < text.length && isIdentPart(text[i])) i++;
      tokens.push({ type: 'ident', text: text.slice(start, i), offset: start });
      continue;
    }
    if (c === '"' || c === "'") {
      i++;
      let out = '';
      for (;;) {
        if (i >= text.length) fail(start, 'unterminated string literal');
        const ch = text[i];
        if (ch === c) {
          i++;
          break;
        }
        if (ch === '\\') {
          const e = text[i + 1];
          if (e === undefined) fail(i, 'unterminated string literal');
          if (e in SIMPLE_ESCAPES) {
            out += SIMPLE_ESCAPES[e];
            i += 2;
          } else if (e === 'u') {
            const hex = text.slice(i + 2, i + 6);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail(i, 'invalid \\u escape');
            out += String.fromCharCode(parseInt(hex, 16));
            i += 6;
          } else {
            fail(i, `invalid escape sequence '\\${e}'`);
          }
          continue;
        }
        out += ch;
        i++;
      }
      tokens.push({ type: 'string', text: out, offset: start });
      continue;
    }
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    if (op === undefined) fail(i, `unexpected character '${c}'`);
    tokens.push({ type: 'op', text: op as string, offset: start });
    i += (op as string).length;
  }
  tokens.push({ type: 'eof', text: '', offset: text.length });
  return tokens;
}
