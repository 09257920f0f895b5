import { runQuery, type QueryExplain } from '../../../emulator/firestore/query/engine';
import { QueryIndexes } from '../../../emulator/firestore/query/indexes';
import type { Cursor, Filter, FieldFilterOp, Order, StructuredQuery, UnaryFilterOp, Value } from '../../../emulator/firestore/types';
import { MemorySource, ROOT, and, asc, coll, dbl, desc, ff, ids, int, or, ref, str, un, val } from './helpers';
import { mulberry32 } from '../../../emulator/market/sim/prng';

const POOL: Value[] = [
  val(null), val(false), val(true), dbl(NaN), int(-1), int(0), dbl(0.5), int(1), dbl(1), int(2), int(3),
  str(''), str('a'), str('b'), str('😀'), str('\uFFFF'), val([1, 2]), val([2]), val(['a']), val({ k: 1 }),
];
const FIELDS = ['a', 'b', 'c'];

function differential(seed: number, rounds: number): void {
  const r = mulberry32(seed); // seeded, so a failure can be replayed
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const source = new MemorySource();
  const indexes = new QueryIndexes();
  source.observers.push(indexes);
  const parents = ['', 'p/x', 'p/y'];
  const randomDoc = (): Record<string, unknown> => {
    const d: Record<string, unknown> = {};
    for (const f of FIELDS) if (r() < 0.8) d[f] = pick(POOL);
    return d;
  };
  const randomPath = (): string => {
    const parent = pick(parents);
    const id = `d${Math.floor(r() * 40)}`;
    return parent === '' ? `c/${id}` : `${parent}/c/${id}`;
  };
  for (let i = 0; i < 80; i++) source.set(randomPath(), randomDoc());

  const ops: FieldFilterOp[] = ['LESS_THAN', 'LESS_THAN_OR_EQUAL', 'GREATER_THAN', 'GREATER_THAN_OR_EQUAL', 'EQUAL', 'EQUAL', 'EQUAL', 'NOT_EQUAL', 'ARRAY_CONTAINS', 'IN', 'ARRAY_CONTAINS_ANY', 'NOT_IN'];
  const unaryOps: UnaryFilterOp[] = ['IS_NULL', 'IS_NAN', 'IS_NOT_NULL', 'IS_NOT_NAN'];
  const leaf = (): Filter => {
    const field = pick(FIELDS);
    if (r() < 0.15) return un(field, pick(unaryOps));
    const op = pick(ops);
    if (op === 'IN' || op === 'NOT_IN' || op === 'ARRAY_CONTAINS_ANY') {
      return ff(field, op, { arrayValue: { values: [pick(POOL), pick(POOL)] } });
    }
    let v = pick(POOL);
    while ((op.startsWith('LESS') || op.startsWith('GREATER')) && (v.nullValue !== undefined || Number.isNaN(v.doubleValue))) v = pick(POOL);
    return ff(field, op, v);
  };
  const filter = (depth = 0): Filter | undefined => {
    const x = r();
    if (x < 0.2) return undefined;
    if (x < 0.6 || depth > 1) return leaf();
    const children = [filter(depth + 1) ?? leaf(), filter(depth + 1) ?? leaf(), ...(r() < 0.5 ? [leaf()] : [])];
    return r() < 0.7 ? and(...children) : or(...children);
  };
  const orderBy = (): Order[] => {
    const n = Math.floor(r() * 3);
    const out: Order[] = [];
    const used = new Set<string>();
    for (let i = 0; i < n; i++) {
      const f = pick(FIELDS);
      if (used.has(f)) continue;
      used.add(f);
      out.push(r() < 0.5 ? asc(f) : desc(f));
    }
    if (r() < 0.1) out.push(r() < 0.5 ? asc('__name__') : desc('__name__'));
    return out;
  };
  const cursor = (order: Order[]): Cursor | undefined => {
    if (r() < 0.6) return undefined;
    const n = Math.min(order.length, 1 + Math.floor(r() * 2));
    const values = order.slice(0, n).map((o) => (o.field.fieldPath === '__name__' ? ref(randomPath()) : pick(POOL)));
    return { values, before: r() < 0.5 };
  };

  let compared = 0;
  let viaIndex = 0;
  for (let round = 0; round < rounds; round++) {
    // Mutate between queries so indexes are exercised incrementally.
    for (let m = Math.floor(r() * 4); m > 0; m--) {
      if (r() < 0.25) source.delete(randomPath());
      else source.set(randomPath(), randomDoc());
    }
    const order = orderBy();
    const parent = pick(parents);
    const query: StructuredQuery = {
      from: [r() < 0.3 ? { collectionId: 'c', allDescendants: true } : { collectionId: 'c' }],
      where: filter(),
      orderBy: order,
      startAt: cursor(order),
      endAt: cursor(order),
      offset: r() < 0.2 ? Math.floor(r() * 4) : undefined,
      limit: r() < 0.5 ? { value: Math.floor(r() * 8) } : undefined,
    };
    const attempt = (withIndexes: boolean): string[] | string => {
      try {
        const explain: QueryExplain = { usedIndex: false, entriesRead: 0 };
        const docs = runQuery(source, parent, query, { documentsRoot: ROOT, indexes: withIndexes ? indexes : undefined, explain }).documents;
        if (explain.usedIndex) viaIndex++;
        return docs.map((d) => d.path);
      } catch (e) {
        return `error: ${(e as Error).message}`;
      }
    };
    const scanned = attempt(false);
    const indexed = attempt(true);
    if (JSON.stringify(scanned) !== JSON.stringify(indexed)) {
      throw new Error(`seed ${seed} round ${round}: ${JSON.stringify({ query, parent, scanned, indexed }, null, 1)}`);
    }
    compared++;
  }
  expect(compared).toBe(rounds);
  expect(viaIndex).toBeGreaterThan(rounds / 3); // the comparison really exercises the index path
  expect(indexes.count).toBeGreaterThan(0);
}

describe('QueryIndexes: differential against the scan path', () => {
  it.each([1, 2, 3, 4])('random documents and queries agree (seed %i)', (seed) => differential(seed, 600));
});

describe('QueryIndexes: cost follows the result size', () => {
  const N = 20000;
  const source = new MemorySource();
  const indexes = new QueryIndexes();
  source.observers.push(indexes);
  for (let i = 0; i < N; i++) {
    const id = String(i).padStart(6, '0');
    source.set(`big/${id}`, { group: `g${i % 100}`, score: (i * 7919) % N, tag: i % 2 === 0 ? 'even' : 'odd' });
  }
  const explain = (): QueryExplain => ({ usedIndex: false, entriesRead: 0 });
  const exec = (query: StructuredQuery, x = explain()) => ({ docs: runQuery(source, '', query, { documentsRoot: ROOT, indexes, explain: x }).documents, x });

  it('orderBy(x).limit(10) reads ~10 entries', () => {
    const { docs, x } = exec(coll('big', { orderBy: [asc('score')], limit: { value: 10 } }));
    expect(docs.map((d) => d.fields.score.integerValue)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(x.usedIndex).toBe(true);
    expect(x.entriesRead).toBeLessThanOrEqual(11);
  });

  it('where(a == x).orderBy(b desc).limit(10) reads ~10 entries', () => {
    const { docs, x } = exec(coll('big', { where: ff('group', 'EQUAL', 'g7'), orderBy: [desc('score')], limit: { value: 10 } }));
    expect(docs).toHaveLength(10);
    expect(docs.every((d) => d.fields.group.stringValue === 'g7')).toBe(true);
    const scores = docs.map((d) => Number(d.fields.score.integerValue));
    expect([...scores].sort((p, q) => q - p)).toEqual(scores);
    expect(x.entriesRead).toBeLessThanOrEqual(11);
  });

  it('range filters and cursors narrow the walk', () => {
    const range = exec(coll('big', { where: ff('score', 'GREATER_THAN', 15000), limit: { value: 5 } }));
    expect(range.docs.map((d) => d.fields.score.integerValue)).toEqual(['15001', '15002', '15003', '15004', '15005']);
    expect(range.x.entriesRead).toBeLessThanOrEqual(6);
    const page = exec(coll('big', { orderBy: [asc('score')], startAt: { values: [int(12345)], before: false }, limit: { value: 3 } }));
    expect(page.docs.map((d) => d.fields.score.integerValue)).toEqual(['12346', '12347', '12348']);
    expect(page.x.entriesRead).toBeLessThanOrEqual(5);
    const between = exec(coll('big', { where: and(ff('score', 'GREATER_THAN_OR_EQUAL', 100), ff('score', 'LESS_THAN', 110)) }));
    expect(between.docs).toHaveLength(10);
    expect(between.x.entriesRead).toBe(10);
  });

  it('equality-only queries walk the equality prefix in name order', () => {
    const { docs, x } = exec(coll('big', { where: and(ff('tag', 'EQUAL', 'odd'), ff('group', 'EQUAL', 'g3')), limit: { value: 4 } }));
    expect(ids(docs)).toEqual(['000003', '000103', '000203', '000303']);
    expect(x.entriesRead).toBeLessThanOrEqual(5);
  });

  it('indexes follow later writes and deletes', () => {
    source.set('big/zzz', { group: 'g7', score: -1 });
    expect(ids(exec(coll('big', { orderBy: [asc('score')], limit: { value: 1 } })).docs)).toEqual(['zzz']);
    source.set('big/zzz', { group: 'g7', score: 'now a string' });
    expect(ids(exec(coll('big', { orderBy: [desc('score')], limit: { value: 1 } })).docs)).toEqual(['zzz']);
    source.delete('big/zzz');
    expect(ids(exec(coll('big', { orderBy: [desc('score')], limit: { value: 1 } })).docs)).not.toEqual(['zzz']);
    source.set('big/000000', { group: 'g0' }); // no longer has `score`
    const [first] = exec(coll('big', { orderBy: [asc('score')], limit: { value: 1 } })).docs;
    expect(first.fields.score).toEqual(int(1));
  });

  it('snapshot reads (readTime) scan instead of using indexes', () => {
    const x = explain();
    runQuery(source, '', coll('big', { orderBy: [asc('score')], limit: { value: 1 } }), { indexes, readTime: { seconds: '1', nanos: 0 }, explain: x });
    expect(x.usedIndex).toBe(false);
  });
});
