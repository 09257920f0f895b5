import { ev, evErr, W } from './helpers';
import { WfFunctionRef } from '../../../emulator/workflows/values';

describe('arithmetic and types', () => {
  test.each([
    ['1 + 2 * 3', 7n],
    ['(1 + 2) * 3', 9n],
    ['7 // 2', 3n],
    ['7 // -2', -4n],
    ['-7 // 2', -4n],
    ['7 % 3', 1n],
    ['-7 % 3', 2n],
    ['7 % -3', -2n],
    ['7 / 2', 3.5],
    ['4 / 2', 2],
    ['1 + 2.5', 3.5],
    ['10 - 2.5', 7.5],
    ['2 * 1.5', 3],
    ['7.5 // 2', 3],
    ['-3', -3n],
    ['--3', 3n],
    ['1.5e3', 1500],
    ['9223372036854775807', 9223372036854775807n],
    ['-9223372036854775808', -9223372036854775808n],
    ['27*9/5+32', 80.6],
  ])('%s', async (text, expected) => {
    expect(await ev(text)).toBe(expected);
  });

  test('4 / 2 is a double, 2 * 2 an integer', async () => {
    expect(typeof (await ev('4 / 2'))).toBe('number');
    expect(typeof (await ev('2 * 2'))).toBe('bigint');
  });

  test.each([
    ['"a" + 1', 'a1'],
    ['1 + "a"', '1a'],
    ['"x" + 2.5', 'x2.5'],
    ['"x" + 2.0', 'x2.0'],
    ['"v=" + true', 'v=true'],
    ['false + "!"', 'false!'],
    ['"a" + "b"', 'ab'],
  ])('string concatenation %s', async (text, expected) => {
    expect(await ev(text)).toBe(expected);
  });

  test.each(['true + 1', '1 + true', '1.5 + false', 'true + true', 'null + 1', '"a" + null', '"a" + [1]', '[1] + [2]', '"a" - 1', '"a" * 2'])(
    '%s → TypeError',
    async (text) => {
      expect((await evErr(text)).tags).toEqual(['TypeError']);
    },
  );

  test.each(['5 % 0', '5 / 0', '5 // 0', '5.0 / 0.0', '1 % 0.0'])('%s → ZeroDivisionError', async (text) => {
    expect((await evErr(text)).tags).toEqual(['ZeroDivisionError']);
  });

  test('integer overflow raises ValueError', async () => {
    expect((await evErr('9223372036854775807 + 1')).tags).toEqual(['ValueError']);
    expect((await evErr('-9223372036854775807 - 2')).tags).toEqual(['ValueError']);
    expect((await evErr('4611686018427387904 * 2')).tags).toEqual(['ValueError']);
  });
});

describe('logic, comparison, membership', () => {
  test.each([
    ['1 < 2', true],
    ['2 <= 2.0', true],
    ['3 > 2.5', true],
    ['"abc" < "abd"', true],
    ['"b" >= "a"', true],
    ['1 == 1.0', true],
    ['1 == "1"', false],
    ['null == null', true],
    ['1 != null', true],
    ['[1, [2, {"a": 3}]] == [1, [2, {"a": 3}]]', true],
    ['{"a": 1, "b": 2} == {"b": 2, "a": 1}', true],
    ['[1, 2] == [2, 1]', false],
    ['2 in [1, 2]', true],
    ['2.0 in [1, 2]', true],
    ['"k" in {"k": null}', true],
    ['"z" in {"k": 1}', false],
    ['"Key1" in ["a"]', false],
    ['not false', true],
    ['not (1 == 2)', true],
    ['true and false or true', true],
    ['true or false and false', true],
    ['TRUE AND True', true],
    ['not ("x" in ["x"])', false],
  ])('%s', async (text, expected) => {
    expect(await ev(text)).toBe(expected);
  });

  test('not binds tighter than in: not "x" in l → TypeError', async () => {
    expect((await evErr('not "x" in l', { l: W(['x']) })).tags).toEqual(['TypeError']);
  });

  test('not binds tighter than ==: not 1 == 2 → TypeError', async () => {
    expect((await evErr('not 1 == 2')).tags).toEqual(['TypeError']);
  });

  test.each(['1 and true', 'true and 1', 'null or true', 'not null', 'not 0', '"a" or "b"'])('%s → TypeError', async (text) => {
    expect((await evErr(text)).tags).toEqual(['TypeError']);
  });

  test('and/or short-circuit', async () => {
    expect(await ev('false and missing.x')).toBe(false);
    expect(await ev('true or 1 / 0 == 1')).toBe(true);
    expect((await evErr('true and missing')).tags).toEqual(['KeyError']);
  });

  test.each(['1 < "a"', '"a" < 1', 'null < 1', 'true < false', '[1] < [2]'])('%s → TypeError', async (text) => {
    expect((await evErr(text)).tags).toEqual(['TypeError']);
  });

  test('in on a non-collection → TypeError', async () => {
    expect((await evErr('1 in "abc"')).tags).toEqual(['TypeError']);
  });
});

describe('access', () => {
  const vars = { m: W({ a: { b: [10, 20, { c: 'deep' }] }, 'odd key': 1 }), l: W([1, 2, 3]), s: 'str' };
  test.each([
    ['m.a.b[1]', 20n],
    ['m["a"]["b"][2].c', 'deep'],
    ['m["odd key"]', 1n],
    ['l[1 + 1]', 3n],
    ['[1, 2, 3][0]', 1n],
    ['{"x": {"y": 5}}.x.y', 5n],
  ])('%s', async (text, expected) => {
    expect(await ev(text, vars)).toBe(expected);
  });

  test('missing key → KeyError', async () => {
    const e = await evErr('m.zzz', vars);
    expect(e.tags).toEqual(['KeyError']);
    expect(e.message).toContain('zzz');
    expect((await evErr('m["zzz"]', vars)).tags).toEqual(['KeyError']);
  });

  test.each(['l[3]', 'l[-1]', '[][0]'])('%s → IndexError', async (text) => {
    expect((await evErr(text, vars)).tags).toEqual(['IndexError']);
  });

  test.each(['s.x', 'l.x', 'l["0"]', 'l[1.0]', 'm[1]', 's[0]', '(5).x'])('%s → TypeError', async (text) => {
    expect((await evErr(text, vars)).tags).toEqual(['TypeError']);
  });

  test('undefined variable → KeyError naming it', async () => {
    const e = await evErr('nope + 1');
    expect(e.tags).toEqual(['KeyError']);
    expect(e.message).toContain('nope');
  });
});

describe('literals', () => {
  test('strings with escapes and both quote styles', async () => {
    expect(await ev(`"a\\"b\\n" + 'c\\'d' + "\\u00e9"`)).toBe('a"b\nc\'dé');
    expect(await ev('"}" + "{"')).toBe('}{');
  });

  test('booleans and null', async () => {
    expect(await ev('[true, True, TRUE, false, False, FALSE, null]')).toEqual([true, true, true, false, false, false, null]);
  });

  test('map literal with computed key', async () => {
    const v = await ev('{"a": 1, k: [2]}', { k: 'b' });
    expect(v).toEqual(new Map<string, unknown>([['a', 1n], ['b', [2n]]]));
    expect((await evErr('{1: 2}')).tags).toEqual(['TypeError']);
  });
});

describe('functions', () => {
  test('builtin calls', async () => {
    expect(await ev('len(text.split("a,b,c", ","))')).toBe(3n);
    expect(await ev('default(map.get(m, "x"), "dflt")', { m: W({}) })).toBe('dflt');
  });

  test('builtin values and predicates as values', async () => {
    const policy = (await ev('http.default_retry')) as Map<string, unknown>;
    expect(policy.get('max_retries')).toBe(5n);
    expect(policy.get('predicate')).toEqual(new WfFunctionRef('http.default_retry_predicate'));
    expect(await ev('retry.always')).toEqual(new WfFunctionRef('retry.always'));
    expect(await ev('retry.default_backoff.multiplier')).toBe(1.25);
  });

  test('a variable named like a module shadows builtin values', async () => {
    expect(await ev('text.default_retry', { text: W({ default_retry: 1 }) })).toBe(1n);
  });

  test('wrong arity → TypeError', async () => {
    expect((await evErr('len()')).tags).toEqual(['TypeError']);
    expect((await evErr('len([], [])')).tags).toEqual(['TypeError']);
  });

  test('subworkflow calls go through callUserFunction, in order, with short-circuit', async () => {
    const { parseExpression } = await import('../../../emulator/workflows/expr/parser');
    const { evaluate, needsAsync } = await import('../../../emulator/workflows/expr/evaluate');
    const calls: string[] = [];
    const ctx = {
      getVariable: (n: string) => {
        throw new Error(n);
      },
      callUserFunction: async (name: string, args: unknown[]) => {
        calls.push(`${name}(${args.join(',')})`);
        return name === 'yes' ? true : 10n;
      },
      stdlib: { env: () => undefined, now: () => 0 },
    };
    const e = parseExpression('add(1, 2) + len([add(3)]) * 2 == 12 or yes()', { file: 'f', line: 1, column: 1 });
    expect(needsAsync(e)).toBe(true);
    expect(await evaluate(e, ctx)).toBe(true);
    expect(calls).toEqual(['add(1,2)', 'add(3)']);
  });

  test('a subworkflow name used as a value becomes a function reference', async () => {
    const { parseExpression } = await import('../../../emulator/workflows/expr/parser');
    const { evaluate } = await import('../../../emulator/workflows/expr/evaluate');
    const ctx = {
      getVariable: (n: string): never => {
        throw new Error(n);
      },
      hasVariable: () => false,
      isUserFunction: (n: string) => n === 'my_pred',
      stdlib: { env: () => undefined, now: () => 0 },
    };
    expect(await evaluate(parseExpression('my_pred', { file: 'f', line: 1, column: 1 }), ctx)).toEqual(new WfFunctionRef('my_pred'));
  });
});
