import { ExpressionSyntaxError, parseExpression, parseTemplate } from '../../../emulator/workflows/expr/parser';
import { collectCalls, collectVariables } from '../../../emulator/workflows/expr/analysis';
import type { Expr } from '../../../emulator/workflows/expr/ast';

const O = { file: 'wf.yaml', line: 5, column: 12 };

function syntaxError(fn: () => unknown): ExpressionSyntaxError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ExpressionSyntaxError) return e;
    throw e;
  }
  throw new Error('expected a syntax error');
}

/** Compact s-expression of the tree, to assert precedence. */
function sx(e: Expr): string {
  switch (e.kind) {
    case 'literal':
      return typeof e.value === 'string' ? JSON.stringify(e.value) : String(e.value);
    case 'variable':
      return e.name;
    case 'member':
      return `${sx(e.object)}.${e.name}`;
    case 'index':
      return `${sx(e.object)}[${sx(e.index)}]`;
    case 'unary':
      return `(${e.op} ${sx(e.operand)})`;
    case 'binary':
      return `(${sx(e.left)} ${e.op} ${sx(e.right)})`;
    case 'list':
      return `[${e.items.map(sx).join(' ')}]`;
    case 'map':
      return `{${e.entries.map((x) => `${sx(x.key)}:${sx(x.value)}`).join(' ')}}`;
    case 'call':
      return `${e.callee}(${e.args.map(sx).join(' ')})`;
  }
}

describe('precedence', () => {
  test.each([
    ['1 + 2 * 3', '(1 + (2 * 3))'],
    ['a - b - c', '((a - b) - c)'],
    ['not a in b', '((not a) in b)'],
    ['not a == b', '((not a) == b)'],
    ['-a.b[0]', '(- a.b[0])'],
    ['a or b and c', '(a or (b and c))'],
    ['a < b + 1 and c', '((a < (b + 1)) and c)'],
    ['x // 2 % 3', '((x // 2) % 3)'],
    ['-2 * 3', '(-2 * 3)'],
    ['- (2)', '(- 2)'],
    ['a.b.c(1, [2])', 'a.b.c(1 [2])'],
    ['text.split(s, ",")[0]', 'text.split(s ",")[0]'],
    ['NOT a OR b', '((not a) or b)'],
  ])('%s', (text, tree) => {
    expect(sx(parseExpression(text, O))).toBe(tree);
  });
});

describe('syntax errors carry positions', () => {
  test('offending token on the first line: origin column + offset', () => {
    const e = syntaxError(() => parseExpression('a + * b', O));
    expect(e.pos).toEqual({ file: 'wf.yaml', line: 5, column: 16 });
    expect(e.message).toContain('wf.yaml:5:16');
  });

  test('multi-line expression: later lines count columns from 1', () => {
    const e = syntaxError(() => parseExpression('a +\n  b +\n    )', O));
    expect(e.pos).toEqual({ file: 'wf.yaml', line: 7, column: 5 });
  });

  test.each([
    ['', 'empty'],
    ['a +', 'end of expression'],
    ['"abc', 'unterminated'],
    ['a b', "unexpected 'b'"],
    ['(1 + 2', "expected ')'"],
    ['1 = 2', "unexpected character '='"],
    ['"\\q"', 'invalid escape'],
    ['9223372036854775808', 'out of the 64-bit range'],
    ['(a + b)(1)', 'only named functions'],
    ['a.', 'property name'],
    ['and', "unexpected keyword 'and'"],
    ['a And b', "unexpected 'And'"],
  ])('%j', (text, msg) => {
    expect(syntaxError(() => parseExpression(text, O)).message).toContain(msg);
  });
});

describe('parseTemplate', () => {
  test('non-expressions are null', () => {
    expect(parseTemplate('hello', O)).toBeNull();
    expect(parseTemplate('a ${x}', O)).toBeNull();
    expect(parseTemplate('${a} and ${b}', O)).toBeNull();
  });

  test('braces inside string literals do not end the expression', () => {
    const e = parseTemplate('${"}" + x + "${"}', O) as Expr;
    expect(sx(e)).toBe('(("}" + x) + "${")');
  });

  test('map literal inside an expression', () => {
    expect(sx(parseTemplate('${{"a": {"b": 1}}}', O) as Expr)).toBe('{"a":{"b":1}}');
  });

  test('positions are relative to the scalar start + 2', () => {
    const e = syntaxError(() => parseTemplate('${a +}', O));
    expect(e.pos.column).toBe(O.column + 5);
  });

  test('unterminated ${ is an error', () => {
    expect(syntaxError(() => parseTemplate('${a + 1', O)).message).toContain('unterminated');
  });
});

describe('analysis', () => {
  test('collectVariables skips builtin chains and map keys are walked', () => {
    const e = parseExpression('a.b + c[d] + len(e) + http.default_retry.max_retries + text.x + {k: v}', O);
    expect(collectVariables(e)).toEqual(['a', 'c', 'd', 'e', 'text', 'k', 'v']);
  });

  test('collectCalls lists qualified names', () => {
    const e = parseExpression('text.split(my_sub(1), sys.get_env("X")) + len(x)', O);
    expect(collectCalls(e)).toEqual(['text.split', 'my_sub', 'sys.get_env', 'len']);
  });
});
