import { FirestoreError } from '../../../emulator/firestore/errors';
import { runAggregation } from '../../../emulator/firestore/query/aggregate';
import { QueryIndexes } from '../../../emulator/firestore/query/indexes';
import type { Aggregation, StructuredQuery } from '../../../emulator/firestore/types';
import { MemorySource, asc, coll, dbl, ff, int, nul } from './helpers';

const count = (alias: string, upTo?: number): Aggregation => ({ alias, count: upTo === undefined ? {} : { upTo: { value: String(upTo) } } });
const sum = (alias: string, field: string): Aggregation => ({ alias, sum: { field: { fieldPath: field } } });
const avg = (alias: string, field: string): Aggregation => ({ alias, avg: { field: { fieldPath: field } } });

function agg(s: MemorySource, aggregations: Aggregation[], structuredQuery: StructuredQuery = coll('c')) {
  return runAggregation(s, '', { structuredQuery, aggregations }, { indexes: new QueryIndexes() });
}

describe('runAggregation', () => {
  it('counts after filters, offset and limit; up_to caps the count', () => {
    const s = new MemorySource();
    for (let i = 0; i < 10; i++) s.set(`c/${i}`, { v: i });
    expect(agg(s, [count('n')])).toEqual({ n: int(10) });
    expect(agg(s, [count('n')], coll('c', { where: ff('v', 'GREATER_THAN_OR_EQUAL', 4) }))).toEqual({ n: int(6) });
    expect(agg(s, [count('n')], coll('c', { orderBy: [asc('v')], offset: 2, limit: { value: 5 } }))).toEqual({ n: int(5) });
    expect(agg(s, [count('n', 3), count('m', 30)])).toEqual({ n: int(3), m: int(10) });
    expect(() => agg(s, [count('n', 0)])).toThrow(FirestoreError);
  });

  it('sums integers exactly and stays an integer', () => {
    const s = new MemorySource();
    s.set('c/1', { v: { integerValue: '9007199254740993' } });
    s.set('c/2', { v: 1 });
    s.set('c/3', { v: 'text' });
    s.set('c/4', { v: null });
    s.set('c/5', {});
    expect(agg(s, [sum('s', 'v'), avg('a', 'v'), count('n')])).toEqual({
      s: int('9007199254740994'),
      a: dbl(4503599627370497),
      // c/5 has no `v`: a query with sum/avg of `v` leaves it out of count() too.
      n: int(4),
    });
  });

  it('switches to a double when any value is a double or the int64 sum overflows', () => {
    const s = new MemorySource();
    s.set('c/1', { v: 1 });
    s.set('c/2', { v: 0.5 });
    expect(agg(s, [sum('s', 'v')])).toEqual({ s: dbl(1.5) });
    const o = new MemorySource();
    o.set('c/1', { v: { integerValue: '9223372036854775807' } });
    o.set('c/2', { v: 1 });
    expect(agg(o, [sum('s', 'v')])).toEqual({ s: dbl(9223372036854775808) });
  });

  it('gives sum 0 and avg null without numeric values; NaN propagates', () => {
    const s = new MemorySource();
    s.set('c/1', { v: 'x' });
    expect(agg(s, [sum('s', 'v'), avg('a', 'v')])).toEqual({ s: int(0), a: nul() });
    s.set('c/2', { v: NaN });
    s.set('c/3', { v: 2 });
    const r = agg(s, [sum('s', 'v'), avg('a', 'v')]);
    expect(Number.isNaN(r.s.doubleValue)).toBe(true);
    expect(Number.isNaN(r.a.doubleValue)).toBe(true);
  });

  it('assigns default aliases and validates the aggregation list', () => {
    const s = new MemorySource();
    s.set('c/1', { v: 2 });
    expect(agg(s, [{ count: {} }, { alias: 'field_1', sum: { field: { fieldPath: 'v' } } }])).toEqual({ field_2: int(1), field_1: int(2) });
    expect(() => agg(s, [])).toThrow(FirestoreError);
    expect(() => agg(s, [count('a'), count('a')])).toThrow(FirestoreError);
    expect(() => agg(s, Array.from({ length: 6 }, (_, i) => count(`a${i}`)))).toThrow(FirestoreError);
  });
});
