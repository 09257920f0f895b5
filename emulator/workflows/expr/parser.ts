/**
 * Recursive-descent parser for `${...}` expressions, following the documented precedence
 * (https://cloud.google.com/workflows/docs/reference/syntax/datatypes "Order of operations"):
 *   () > . > [] > not > unary - > * / // % > + - > < <= >= > == != in > and > or
 * Note `not` binds tighter than comparisons and `in`, so `not "x" in l` is `(not "x") in l`.
 */
import type { BinaryOp, Expr, SourcePos } from './ast';
import { ExpressionSyntaxError, PositionMap, Token, tokenize } from './lexer';
import { INT64_MAX } from '../values';

export { ExpressionSyntaxError } from './lexer';

/** Names of stdlib modules: `module.member` chains rooted here may denote builtin values. */
export const STDLIB_MODULES: ReadonlySet<string> = new Set([
  'base64',
  'events',
  'experimental',
  'googleapis',
  'hash',
  'http',
  'json',
  'list',
  'map',
  'math',
  'retry',
  'sys',
  'text',
  'time',
  'uuid',
]);

// Keywords may be lower- or upper-case but not mixed (datatypes page, "Logical operators").
const AND = new Set(['and', 'AND']);
const OR = new Set(['or', 'OR']);
const NOT = new Set(['not', 'NOT']);
const TRUE = new Set(['true', 'True', 'TRUE']);
const FALSE = new Set(['false', 'False', 'FALSE']);
const RESERVED = new Set([...AND, ...OR, ...NOT, ...TRUE, ...FALSE, 'in', 'null']);

const COMPARISON: ReadonlySet<string> = new Set(['<', '<=', '>', '>=', '==', '!=']);

class Parser {
  private i = 0;
  /** Literals written in parentheses: `-(5)` stays a unary minus. */
  private readonly parenthesised = new WeakSet<Expr>();
  constructor(
    private readonly tokens: Token[],
    private readonly positions: PositionMap,
  ) {}

  private peek(): Token {
    return this.tokens[this.i];
  }
  private next(): Token {
    return this.tokens[this.i++];
  }
  private pos(t: Token): SourcePos {
    return this.positions.at(t.offset);
  }
  private fail(t: Token, msg: string): never {
    throw new ExpressionSyntaxError(this.pos(t), msg);
  }
  private isOp(text: string): boolean {
    const t = this.peek();
    return t.type === 'op' && t.text === text;
  }
  private isWord(words: ReadonlySet<string>): boolean {
    const t = this.peek();
    return t.type === 'ident' && words.has(t.text);
  }
  private expectOp(text: string): Token {
    const t = this.peek();
    if (t.type !== 'op' || t.text !== text) this.fail(t, `expected '${text}' but found ${describe(t)}`);
    return this.next();
  }

  parseWhole(): Expr {
    if (this.peek().type === 'eof') this.fail(this.peek(), 'empty expression');
    const e = this.parseOr();
    const t = this.peek();
    if (t.type !== 'eof') this.fail(t, `unexpected ${describe(t)}`);
    return e;
  }

  private parseOr(): Expr {
    let left = this.parseAnd();
    while (this.isWord(OR)) {
      const t = this.next();
      left = { kind: 'binary', op: 'or', left, right: this.parseAnd(), pos: this.pos(t) };
    }
    return left;
  }

  private parseAnd(): Expr {
    let left = this.parseComparison();
    while (this.isWord(AND)) {
      const t = this.next();
      left = { kind: 'binary', op: 'and', left, right: this.parseComparison(), pos: this.pos(t) };
    }
    return left;
  }

  private parseComparison(): Expr {
    let left = this.parseAdditive();
    for (;;) {
      const t = this.peek();
      let op: BinaryOp | undefined;
      if (t.type === 'op' && COMPARISON.has(t.text)) op = t.text as BinaryOp;
      else if (t.type === 'ident' && t.text === 'in') op = 'in';
      if (!op) return left;
      this.next();
      left = { kind: 'binary', op, left, right: this.parseAdditive(), pos: this.pos(t) };
    }
  }

  private parseAdditive(): Expr {
    let left = this.parseMultiplicative();
    while (this.isOp('+') || this.isOp('-')) {
      const t = this.next();
      left = { kind: 'binary', op: t.text as BinaryOp, left, right: this.parseMultiplicative(), pos: this.pos(t) };
    }
    return left;
  }

  private parseMultiplicative(): Expr {
    let left = this.parsePrefix();
    while (this.isOp('*') || this.isOp('/') || this.isOp('//') || this.isOp('%')) {
      const t = this.next();
      left = { kind: 'binary', op: t.text as BinaryOp, left, right: this.parsePrefix(), pos: this.pos(t) };
    }
    return left;
  }

  /** `not` and unary `-` are both prefix operators above the binary ones. */
  private parsePrefix(): Expr {
    const t = this.peek();
    if (this.isWord(NOT)) {
      this.next();
      return { kind: 'unary', op: 'not', operand: this.parsePrefix(), pos: this.pos(t) };
    }
    if (this.isOp('-')) {
      this.next();
      const operand = this.parsePrefix();
      // Fold negative literals so `-9223372036854775808` is representable.
      if (operand.kind === 'literal' && typeof operand.value === 'number') return { ...operand, value: -operand.value, pos: this.pos(t) };
      if (operand.kind === 'literal' && typeof operand.value === 'bigint' && !this.parenthesised.has(operand)) {
        return { kind: 'literal', value: -operand.value, pos: this.pos(t) };
      }
      return { kind: 'unary', op: '-', operand, pos: this.pos(t) };
    }
    return this.parsePostfix();
  }

  private parsePostfix(): Expr {
    let e = this.parsePrimary();
    for (;;) {
      const t = this.peek();
      if (this.isOp('.')) {
        this.next();
        const name = this.peek();
        if (name.type !== 'ident') this.fail(name, `expected a property name after '.' but found ${describe(name)}`);
        this.next();
        e = { kind: 'member', object: e, name: name.text, pos: this.pos(t) };
      } else if (this.isOp('[')) {
        this.next();
        const index = this.parseOr();
        this.expectOp(']');
        e = { kind: 'index', object: e, index, pos: this.pos(t) };
      } else if (this.isOp('(')) {
        const callee = calleeName(e);
        if (callee === undefined) this.fail(t, 'only named functions can be called');
        this.next();
        const args: Expr[] = [];
        if (!this.isOp(')')) {
          for (;;) {
            args.push(this.parseOr());
            if (this.isOp(',')) {
              this.next();
              continue;
            }
            break;
          }
        }
        this.expectOp(')');
        e = { kind: 'call', callee: callee as string, args, pos: e.pos };
      } else {
        return e;
      }
    }
  }

  private parsePrimary(): Expr {
    const t = this.next();
    const pos = this.pos(t);
    switch (t.type) {
      case 'int': {
        const v = BigInt(t.text);
        // INT64_MAX + 1 is allowed only as the operand of unary minus; checked below.
        if (v > INT64_MAX + 1n) this.fail(t, `integer literal ${t.text} is out of the 64-bit range`);
        if (v === INT64_MAX + 1n && !(this.tokens[this.i - 2]?.type === 'op' && this.tokens[this.i - 2].text === '-')) {
          this.fail(t, `integer literal ${t.text} is out of the 64-bit range`);
        }
        return { kind: 'literal', value: v, pos };
      }
      case 'double': {
        const v = Number(t.text);
        if (!Number.isFinite(v)) this.fail(t, `number literal ${t.text} is out of range`);
        return { kind: 'literal', value: v, pos };
      }
      case 'string':
        return { kind: 'literal', value: t.text, pos };
      case 'ident':
        if (TRUE.has(t.text)) return { kind: 'literal', value: true, pos };
        if (FALSE.has(t.text)) return { kind: 'literal', value: false, pos };
        if (t.text === 'null') return { kind: 'literal', value: null, pos };
        if (RESERVED.has(t.text)) this.fail(t, `unexpected keyword '${t.text}'`);
        return { kind: 'variable', name: t.text, pos };
      case 'op':
        if (t.text === '(') {
          const inner = this.parseOr();
          this.expectOp(')');
          this.parenthesised.add(inner);
          return inner;
        }
        if (t.text === '[') return this.parseListRest(pos);
        if (t.text === '{') return this.parseMapRest(pos);
        return this.fail(t, `unexpected ${describe(t)}`);
      case 'eof':
        return this.fail(t, 'unexpected end of expression');
    }
  }

  private parseListRest(pos: SourcePos): Expr {
    const items: Expr[] = [];
    if (!this.isOp(']')) {
      for (;;) {
        items.push(this.parseOr());
        if (this.isOp(',')) {
          this.next();
          continue;
        }
        break;
      }
    }
    this.expectOp(']');
    return { kind: 'list', items, pos };
  }

  private parseMapRest(pos: SourcePos): Expr {
    const entries: { key: Expr; value: Expr }[] = [];
    if (!this.isOp('}')) {
      for (;;) {
        const key = this.parseOr();
        this.expectOp(':');
        const value = this.parseOr();
        entries.push({ key, value });
        if (this.isOp(',')) {
          this.next();
          continue;
        }
        break;
      }
    }
    this.expectOp('}');
    return { kind: 'map', entries, pos };
  }
}

function calleeName(e: Expr): string | undefined {
  if (e.kind === 'variable') return e.name;
  if (e.kind === 'member') {
    const base = calleeName(e.object);
    return base === undefined ? undefined : `${base}.${e.name}`;
  }
  return undefined;
}

function describe(t: Token): string {
  switch (t.type) {
    case 'eof':
      return 'end of expression';
    case 'string':
      return 'string literal';
    case 'int':
    case 'double':
      return `number ${t.text}`;
    default:
      return `'${t.text}'`;
  }
}

/** Parses the inside of `${...}`. `origin` is the position of the first character of `text`. */
export function parseExpression(text: string, origin: SourcePos): Expr {
  const positions = new PositionMap(text, origin);
  const tokens = tokenize(text, (o) => positions.at(o));
  return new Parser(tokens, positions).parseWhole();
}

/**
 * If `raw` (a YAML scalar) is exactly one `${...}` expression, parses it; otherwise null
 * (a plain string: Workflows has no interpolation, so `"a ${x}"` stays literal text).
 * Braces and quotes inside string literals do not end the expression.
 */
export function parseTemplate(raw: string, origin: SourcePos): Expr | null {
  if (!raw.startsWith('${')) return null;
  const { end, openQuote } = findClosingBrace(raw, 2);
  if (end === -1) {
    const positions = new PositionMap(raw, origin);
    if (openQuote !== -1) throw new ExpressionSyntaxError(positions.at(openQuote), 'unterminated string literal');
    throw new ExpressionSyntaxError(positions.at(0), "unterminated expression: missing '}'");
  }
  if (end !== raw.length - 1) return null;
  const inner = raw.slice(2, end);
  const innerOrigin = new PositionMap(raw, origin).at(2);
  return parseExpression(inner, innerOrigin);
}

/** Index of the `}` closing the expression opened before `from` (or -1, with the offset of a
 *  string literal left open, -1 if none). */
function findClosingBrace(s: string, from: number): { end: number; openQuote: number } {
  let depth = 0;
  let quote: string | null = null;
  let quoteAt = -1;
  for (let i = from; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      quoteAt = i;
    } else if (c === '{') depth++;
    else if (c === '}') {
      if (depth === 0) return { end: i, openQuote: -1 };
      depth--;
    }
  }
  return { end: -1, openQuote: quote ? quoteAt : -1 };
}
