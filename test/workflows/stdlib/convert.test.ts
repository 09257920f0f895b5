import { formatDouble, fromJsonText, fromPlain, toJsonText, toPlain, valueSize } from '../../../emulator/workflows/convert';
import { WfFunctionRef, WfValue, WorkflowError } from '../../../emulator/workflows/values';

const tagsOf = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (e) {
    if (e instanceof WorkflowError) return (e.value as Map<string, WfValue>).get('tags');
    throw e;
  }
  throw new Error('expected an error');
};

describe('convert', () => {
  test('fromJsonText keeps int vs double and int64 range', () => {
    expect(fromJsonText('1')).toBe(1n);
    expect(fromJsonText('-0')).toBe(0n);
    expect(fromJsonText('1.0')).toBe(1);
    expect(fromJsonText('1e3')).toBe(1000);
    expect(fromJsonText('9223372036854775807')).toBe(9223372036854775807n);
    expect(fromJsonText('9223372036854775808')).toBe(9223372036854775808);
    expect(fromJsonText(' {"a": [1, "x\\n\\u00e9", {"b": null}], "a": 2} ')).toEqual(new Map([['a', 2n]]));
    expect(fromJsonText('"\\ud83d\\ude00"')).toBe('😀');
  });

  test.each(['', '{', '[1,]', '01', '1.', '"\\x"', 'nul', '{"a" 1}', '"a\nb"', '[1] 2'])('fromJsonText(%j) → ValueError', (t) => {
    expect(tagsOf(() => fromJsonText(t))).toEqual(['ValueError']);
  });

  test('toJsonText renders doubles with .0 and supports indentation', () => {
    const v = fromJsonText('{"i": 2, "d": 2.0, "s": "é\\"", "l": [], "m": {}}');
    expect(toJsonText(v)).toBe('{"i":2,"d":2.0,"s":"é\\"","l":[],"m":{}}');
    expect(toJsonText(fromJsonText('[1,{"a":2}]'), '  ')).toBe('[\n  1,\n  {\n    "a": 2\n  }\n]');
    expect(tagsOf(() => toJsonText(new Uint8Array([1])))).toEqual(['TypeError']);
    expect(tagsOf(() => toJsonText([new WfFunctionRef('f')]))).toEqual(['TypeError']);
  });

  test('formatDouble', () => {
    expect(formatDouble(2)).toBe('2.0');
    expect(formatDouble(-3)).toBe('-3.0');
    expect(formatDouble(0.1 + 0.2)).toBe('0.30000000000000004');
    expect(formatDouble(1e20)).toBe('1e+20');
    expect(formatDouble(1635892223.4459958)).toBe('1635892223.4459958');
  });

  test('fromPlain / toPlain', () => {
    expect(fromPlain({ a: [1, 1.5, 2n, null, undefined, true] })).toEqual(new Map([['a', [1, 1.5, 2n, null, null, true]]]));
    expect(fromPlain({ a: 1 }, { integralNumbersAsInts: true })).toEqual(new Map([['a', 1n]]));
    expect(toPlain(fromJsonText('{"a": [1, 2.5, 12345678901234567890, 9223372036854775807]}'))).toEqual({ a: [1, 2.5, 12345678901234567000, '9223372036854775807'] });
    expect(tagsOf(() => toPlain(new Uint8Array(1)))).toEqual(['TypeError']);
  });

  test('valueSize approximates the JSON size', () => {
    const v = fromJsonText('{"ab": [1, "xyz", true, null]}');
    expect(valueSize(v)).toBe(toJsonText(v).length);
    expect(valueSize('é')).toBe(4);
    expect(valueSize(new Uint8Array(1000))).toBe(1000);
  });
});
