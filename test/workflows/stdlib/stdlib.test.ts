import { ev, evErr, W } from '../expr/helpers';
import { lookupBuiltin, namedToPositional, builtinValue } from '../../../emulator/workflows/stdlib/registry';
import { toJsonText, toPlain } from '../../../emulator/workflows/convert';
import { WfValue } from '../../../emulator/workflows/values';
import { compileRe2 } from '../../../emulator/workflows/stdlib/regex';

const plain = async (text: string, vars: Record<string, WfValue> = {}, env: Record<string, string> = {}): Promise<unknown> =>
  toPlain(await ev(text, vars, env));
const tags = async (text: string, vars: Record<string, WfValue> = {}): Promise<string[]> => (await evErr(text, vars)).tags;

describe('expression helpers', () => {
  test('conversions', async () => {
    expect(await ev('int("42")')).toBe(42n);
    expect(await ev('int(" -7 ")')).toBe(-7n);
    expect(await ev('int(2.7)')).toBe(2n);
    expect(await ev('int(-2.7)')).toBe(-2n);
    expect(await ev('double("7.5")')).toBe(7.5);
    expect(await ev('double(3)')).toBe(3);
    expect(await ev('string(1.7)')).toBe('1.7');
    expect(await ev('string(4 / 2)')).toBe('2.0');
    expect(await ev('string(12)')).toBe('12');
    expect(await ev('string(false)')).toBe('false');
    expect(await tags('int("abc")')).toEqual(['ValueError']);
    expect(await tags('int("99999999999999999999")')).toEqual(['ValueError']);
    expect(await tags('double("x1")')).toEqual(['ValueError']);
    expect(await tags('int(true)')).toEqual(['TypeError']);
    expect(await tags('string(null)')).toEqual(['TypeError']);
    expect(await tags('string([1])')).toEqual(['TypeError']);
  });

  test('len, keys, default, if, get_type', async () => {
    expect(await ev('len("héllo")')).toBe(5n);
    expect(await ev('len("😀a")')).toBe(2n);
    expect(await ev('len([1, 2])')).toBe(2n);
    expect(await ev('len({"a": 1})')).toBe(1n);
    expect(await tags('len(5)')).toEqual(['TypeError']);
    expect(await plain('keys({"b": 1, "a": 2})')).toEqual(['b', 'a']);
    expect(await tags('keys([1])')).toEqual(['TypeError']);
    expect(await ev('default(null, 5)')).toBe(5n);
    expect(await ev('default(false, 5)')).toBe(false);
    expect(await ev('if(1 < 2, "y", "n")')).toBe('y');
    expect(await tags('if(1, "y", "n")')).toEqual(['TypeError']);
    expect(await plain('[get_type(1), get_type(1.0), get_type("s"), get_type(true), get_type(null), get_type([]), get_type({}), get_type(text.encode("x"))]')).toEqual([
      'integer',
      'double',
      'string',
      'boolean',
      'null',
      'list',
      'map',
      'bytes',
    ]);
  });

  test('type() and bool() are not Workflows helpers', () => {
    expect(lookupBuiltin('type')).toBeUndefined();
    expect(lookupBuiltin('bool')).toBeUndefined();
  });
});

describe('text', () => {
  test('encode/decode', async () => {
    expect(await ev('text.decode(text.encode("héllo"))')).toBe('héllo');
    expect(await plain('len(base64.encode(text.encode("é", "ISO-8859-1")))')).toBe(4);
    expect(await tags('text.decode(base64.decode("/w=="))')).toEqual(['ValueError']);
    expect(await tags('text.encode(1)')).toEqual(['TypeError']);
    expect(await tags('text.encode("x", "EBCDIC")')).toEqual(['ValueError']);
  });

  test('find_all counts code points, non-overlapping', async () => {
    expect(await plain('text.find_all("00000", "00")')).toEqual([0, 2]);
    expect(await plain('text.find_all("😀ab😀ab", "ab")')).toEqual([1, 4]);
    expect(await plain('text.find_all("abc", "z")')).toEqual([]);
  });

  test('regex functions', async () => {
    expect(await plain('text.find_all_regex("a1b22c333", "[0-9]+")')).toEqual([
      { index: 1, match: '1' },
      { index: 3, match: '22' },
      { index: 6, match: '333' },
    ]);
    expect(await ev('text.match_regex("hello world", "o w")')).toBe(true);
    expect(await ev('text.match_regex("hello", "^ell")')).toBe(false);
    expect(await ev('text.match_regex("HELLO", "(?i)hello")')).toBe(true);
    expect(await ev('text.replace_all_regex("2024-01-31", "(\\\\d+)-(\\\\d+)-(\\\\d+)", "\\\\3/\\\\2/\\\\1")')).toBe('31/01/2024');
    expect(await ev('text.replace_all_regex("aaa", "a", "b")')).toBe('bbb');
    expect(await ev('text.match_regex("x-y", "x\\\\-y")')).toBe(true);
    expect(await ev('text.match_regex("ab", "(?P<first>a)b")')).toBe(true);
    expect(await ev('text.match_regex("a9", "[[:alpha:]][[:digit:]]")')).toBe(true);
    expect(await ev('text.match_regex("a.b", "\\\\Qa.b\\\\E")')).toBe(true);
    expect(await ev('text.match_regex("axb", "\\\\Qa.b\\\\E")')).toBe(false);
    expect(await ev('text.match_regex("a{", "a{")')).toBe(true);
  });

  test.each(['(?=a)', '(?<=a)b', '(a)\\\\1', '(?!a)', '[a', 'a)', '(?U)a', 'a{1001}'])('unsupported/invalid RE2 %s → ValueError', async (re) => {
    expect(await tags(`text.match_regex("a", "${re}")`)).toEqual(['ValueError']);
  });

  test('\\s is the RE2 ASCII class', () => {
    expect(compileRe2('\\s').test('\u00a0')).toBe(false);
    expect(compileRe2('\\s').test('\t')).toBe(true);
  });

  test('replace_all, split, substring, case, url', async () => {
    expect(await ev('text.replace_all("a.b.c", ".", "-")')).toBe('a-b-c');
    expect(await plain('text.split("a,b,,c", ",")')).toEqual(['a', 'b', '', 'c']);
    expect(await plain('text.split("abc", "")')).toEqual(['a', 'b', 'c']);
    expect(await ev('text.substring("héllo", 1, 3)')).toBe('él');
    expect(await ev('text.substring("hello", 3, 100)')).toBe('lo');
    expect(await ev('text.substring("hello", 4, 2)')).toBe('');
    expect(await tags('text.substring("hello", 1.0, 2)')).toEqual(['TypeError']);
    expect(await ev('text.to_upper("abc")')).toBe('ABC');
    expect(await ev('text.to_lower("ÀB")')).toBe('àb');
    expect(await ev('text.url_encode("a b&c/é")')).toBe('a%20b%26c%2F%C3%A9');
    expect(await ev('text.url_encode_plus("a b&c")')).toBe('a+b%26c');
    expect(await ev('text.url_decode("a%20b%2Fc")')).toBe('a b/c');
    expect(await tags('text.url_decode("%zz")')).toEqual(['ValueError']);
    expect(await tags('text.split(1, ",")')).toEqual(['TypeError']);
  });
});

describe('json', () => {
  test('decode keeps int vs double', async () => {
    const v = await ev('json.decode("{\\"i\\": 1, \\"d\\": 1.0, \\"e\\": 1e2, \\"big\\": 99999999999999999999, \\"l\\": [true, null]}")');
    const m = v as Map<string, WfValue>;
    expect(m.get('i')).toBe(1n);
    expect(m.get('d')).toBe(1);
    expect(m.get('e')).toBe(100);
    expect(m.get('big')).toBe(1e20);
    expect(m.get('l')).toEqual([true, null]);
    expect(await ev('json.decode(text.encode("[1]"))[0]')).toBe(1n);
    expect(await tags('json.decode("{bad")')).toEqual(['ValueError']);
    expect(await tags('json.decode("[1] x")')).toEqual(['ValueError']);
    expect(await tags('json.decode(1)')).toEqual(['TypeError']);
  });

  test('encode variants', async () => {
    expect(await ev('json.encode_to_string({"a": [1, 2.0, "x", null, true]})')).toBe('{"a":[1,2.0,"x",null,true]}');
    expect(await ev('text.decode(json.encode([1]))')).toBe('[1]');
    expect(await ev('json.encode_to_string({"a": [1]}, true)')).toBe('{\n    "a": [\n        1\n    ]\n}');
    expect(await ev('json.encode_to_string({"a": 1}, {"prefix": "> ", "indent": "\\t"})')).toBe('{\n> \t"a": 1\n> }');
    expect(await tags('json.encode_to_string(text.encode("x"))')).toEqual(['ValueError']);
    expect(await tags('json.encode_to_string(1, 5)')).toEqual(['TypeError']);
  });
});

describe('map and list', () => {
  const vars = { m: W({ a: { b: 1 }, c: 2 }) };
  test('map.get', async () => {
    expect(await ev('map.get(m, "c")', vars)).toBe(2n);
    expect(await ev('map.get(m, ["a", "b"])', vars)).toBe(1n);
    expect(await ev('map.get(m, ["a", "zz", "q"])', vars)).toBeNull();
    expect(await ev('map.get(null, "x")')).toBeNull();
    expect(await ev('map.get("str", "x")')).toBeNull();
    expect(await tags('map.get(m, 1)', vars)).toEqual(['TypeError']);
    expect(await tags('map.get(m, "a", 1)', vars)).toEqual(['TypeError']);
  });

  test('map.delete/merge/merge_nested do not mutate', async () => {
    expect(await plain('map.delete(m, "c")', vars)).toEqual({ a: { b: 1 } });
    expect(await plain('map.delete(m, "nope")', vars)).toEqual({ a: { b: 1 }, c: 2 });
    expect(await plain('map.merge(m, {"a": {"x": 1}})', vars)).toEqual({ a: { x: 1 }, c: 2 });
    expect(await plain('map.merge_nested(m, {"a": {"x": 1}, "d": 3})', vars)).toEqual({ a: { b: 1, x: 1 }, c: 2, d: 3 });
    expect(toPlain(vars.m)).toEqual({ a: { b: 1 }, c: 2 });
    expect(await tags('map.merge(m, [1])', vars)).toEqual(['TypeError']);
  });

  test('list.concat/prepend', async () => {
    const l = W([1, 2]);
    expect(await plain('list.concat(l, 3)', { l })).toEqual([1, 2, 3]);
    expect(await plain('list.concat(l, [3])', { l })).toEqual([1, 2, [3]]);
    expect(await plain('list.prepend(l, 0)', { l })).toEqual([0, 1, 2]);
    expect(toPlain(l)).toEqual([1, 2]);
    expect(await tags('list.concat("x", 1)')).toEqual(['TypeError']);
  });
});

describe('math', () => {
  test('abs/max/min/floor', async () => {
    expect(await ev('math.abs(-3)')).toBe(3n);
    expect(await ev('math.abs(-2.5)')).toBe(2.5);
    expect(await ev('math.max(2, 3)')).toBe(3n);
    expect(await ev('math.max(2, 1.5)')).toBe(2);
    expect(typeof (await ev('math.max(2, 1.5)'))).toBe('number');
    expect(await ev('math.min(2, 3)')).toBe(2n);
    expect(await ev('math.floor(-2.5)')).toBe(-3n);
    expect(await tags('math.abs("1")')).toEqual(['TypeError']);
    expect(await tags('math.abs(-9223372036854775807 - 1)')).toEqual(['ValueError']);
  });
});

describe('time', () => {
  test('format and parse', async () => {
    expect(await ev('time.format(0)')).toBe('1970-01-01T00:00:00Z');
    expect(await ev('time.format(1700000000.25)')).toBe('2023-11-14T22:13:20.25Z');
    expect(await ev('time.format(1700000000, "Europe/Paris")')).toBe('2023-11-14T23:13:20+01:00');
    expect(await ev('time.format(1700000000, "America/New_York")')).toBe('2023-11-14T17:13:20-05:00');
    expect(await ev('time.parse("2023-11-14T22:13:20Z")')).toBe(1700000000);
    expect(await ev('time.parse("2023-11-14T23:13:20.5+01:00")')).toBe(1700000000.5);
    expect(await tags('time.parse("yesterday")')).toEqual(['ValueError']);
    expect(await tags('time.parse("2023-02-30T00:00:00Z")')).toEqual(['ValueError']);
    expect(await tags('time.format(0, "Mars/Base")')).toEqual(['ValueError']);
  });
});

describe('base64, hash, uuid', () => {
  test('base64', async () => {
    expect(await ev('base64.encode(text.encode("hi?"))')).toBe('aGk/');
    expect(await ev('base64.encode(text.encode("h"))')).toBe('aA==');
    expect(await ev('base64.encode(text.encode("h"), false)')).toBe('aA');
    expect(await ev('text.decode(base64.decode("aA=="))')).toBe('h');
    expect(await ev('text.decode(base64.decode("aA", false))')).toBe('h');
    expect(await tags('base64.decode("aA")')).toEqual(['ValueError']);
    expect(await tags('base64.decode("a$==")')).toEqual(['ValueError']);
    expect(await tags('base64.encode("text")')).toEqual(['TypeError']);
  });

  test('hash', async () => {
    expect(await ev('base64.encode(hash.compute_checksum(text.encode("abc"), "SHA256"))')).toBe('ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=');
    expect(await ev('base64.encode(hash.compute_checksum(text.encode("abc"), "MD5"))')).toBe('kAFQmDzST7DWlj99KOF/cg==');
    // RFC 4231 test case 2.
    expect(
      Buffer.from((await ev('hash.compute_hmac(text.encode("Jefe"), text.encode("what do ya want for nothing?"), "SHA256")')) as Uint8Array).toString('hex'),
    ).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
    expect(await tags('hash.compute_checksum(text.encode("a"), "CRC32")')).toEqual(['ValueError']);
    expect(await tags('hash.compute_checksum("a", "SHA256")')).toEqual(['TypeError']);
  });

  test('uuid.generate', async () => {
    const a = await ev('uuid.generate()');
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(await ev('uuid.generate()')).not.toBe(a);
  });
});

describe('sys, retry, http values', () => {
  test('sys.get_env and sys.now', async () => {
    expect(await ev('sys.get_env("A")', {}, { A: 'x' })).toBe('x');
    expect(await ev('sys.get_env("B")')).toBeNull();
    expect(await ev('sys.get_env("B", "d")')).toBe('d');
    expect(await tags('sys.get_env(1)')).toEqual(['TypeError']);
    expect(await ev('sys.now()')).toBe(1700000000.5);
  });

  test('retry predicates', async () => {
    const err = (code: number | null, t: string): WfValue => W({ tags: [t], message: 'm', ...(code === null ? {} : { code }) });
    const cases: [WfValue, boolean, boolean][] = [
      [err(429, 'HttpError'), true, true],
      [err(500, 'HttpError'), false, false],
      [err(502, 'HttpError'), true, false],
      [err(503, 'HttpError'), true, true],
      [err(504, 'HttpError'), true, false],
      [err(null, 'ConnectionError'), true, false],
      [err(null, 'ConnectionFailedError'), true, true],
      [err(null, 'TimeoutError'), true, false],
      [err(null, 'ValueError'), false, false],
      ['plain string', false, false],
    ];
    for (const [e, idem, nonIdem] of cases) {
      expect(await ev('http.default_retry_predicate(e)', { e })).toBe(idem);
      expect(await ev('http.default_retry_predicate_non_idempotent(e)', { e })).toBe(nonIdem);
    }
    expect(await ev('retry.always("x")')).toBe(true);
    expect(await ev('retry.never("x")')).toBe(false);
  });

  test('policy values', () => {
    expect(toJsonText(builtinValue('retry.default_backoff') as WfValue)).toBe('{"initial_delay":1,"max_delay":60,"multiplier":1.25}');
    const p = builtinValue('http.default_retry_non_idempotent') as Map<string, WfValue>;
    expect(p.get('max_retries')).toBe(5n);
    expect((p.get('predicate') as { name: string }).name).toBe('http.default_retry_predicate_non_idempotent');
  });
});

describe('registry helpers', () => {
  test('namedToPositional maps names, fills gaps with null, rejects unknown/missing', () => {
    const fn = lookupBuiltin('text.substring')!;
    expect(namedToPositional(fn, new Map<string, WfValue>([['end', 2n], ['source', 'abc'], ['start', 0n]]))).toEqual(['abc', 0n, 2n]);
    const gj = lookupBuiltin('sys.get_env')!;
    expect(namedToPositional(gj, new Map<string, WfValue>([['name', 'X']]))).toEqual(['X']);
    expect(() => namedToPositional(fn, new Map<string, WfValue>([['source', 'a']]))).toThrow(/missing required argument 'start'/);
    expect(() => namedToPositional(fn, new Map<string, WfValue>([['bogus', 'a']]))).toThrow(/unexpected argument 'bogus'/);
  });
});
