import { Decimal128, Double, EJSON, Long } from 'bson';
import { Aggregator } from 'mingo';
import { describe, expect, it } from 'vitest';
import { memEngine, run } from './helpers.js';

/** Deterministic pseudo-random numbers so failures reproduce. */
function rng(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

function dataset(n: number) {
  const r = rng(42);
  return Array.from({ length: n }, (_, i) => {
    const d: Record<string, unknown> = {
      _id: i,
      region: ['north', 'south', 'east', 'west', 'mid'][Math.floor(r() * 5)],
      qty: Math.floor(r() * 6),
    };
    d.cat = Math.floor(r() * 3);
    d.amount = r() > 0.5 ? Math.floor(r() * 1000) : Math.round(r() * 100000) / 100;
    d.nested = { x: Math.floor(r() * 10) };
    if (r() > 0.9) d.amount = null;
    return d;
  });
}

const PIPELINES: Record<string, object[]> = {
  'match + group with every accumulator': [
    { $match: { qty: { $gte: 2 } } },
    {
      $group: {
        _id: '$region',
        total: { $sum: '$amount' },
        n: { $sum: 1 },
        avg: { $avg: '$amount' },
        mn: { $min: '$amount' },
        mx: { $max: '$amount' },
        cats: { $addToSet: '$cat' },
        c: { $count: {} },
      },
    },
    { $sort: { _id: 1 } },
  ],
  'compound group key': [
    { $group: { _id: { r: '$region', c: '$cat' }, total: { $sum: '$qty' }, mx: { $max: '$nested.x' } } },
    { $sort: { '_id.r': 1, '_id.c': 1 } },
  ],
  'first / last after a sort': [
    { $sort: { amount: 1, _id: 1 } },
    { $group: { _id: '$cat', first: { $first: '$_id' }, last: { $last: '$_id' } } },
    { $sort: { _id: 1 } },
  ],
  'countDocuments as mongoose sends it': [
    { $match: { region: 'north', qty: { $in: [1, 2] } } },
    { $skip: 3 },
    { $limit: 50 },
    { $group: { _id: 1, n: { $sum: 1 } } },
  ],
  'project, sort, skip, limit': [
    { $match: { $or: [{ region: 'east' }, { qty: { $lt: 1 } }] } },
    { $project: { _id: 1, region: 1, amount: 1 } },
    { $sort: { amount: -1, _id: 1 } },
    { $skip: 5 },
    { $limit: 10 },
  ],
  'computed projection of paths': [{ $project: { _id: 0, r: '$region', x: '$nested.x' } }, { $limit: 25 }],
  'exclusion projection and $count': [
    { $project: { nested: 0 } },
    { $match: { cat: 2 } },
    { $count: 'total' },
  ],
  'generated loop: scalar match + numeric accumulators': [
    { $match: { qty: { $gte: 2 }, region: { $in: ['north', 'east', 'mid'] }, cat: { $ne: 1 } } },
    {
      $group: {
        _id: '$region',
        t: { $sum: '$amount' },
        a: { $avg: '$amount' },
        mn: { $min: '$amount' },
        mx: { $max: '$amount' },
        n: { $sum: 1 },
      },
    },
    { $sort: { _id: -1 } },
  ],
  'group by null': [{ $group: { _id: null, total: { $sum: '$amount' }, avg: { $avg: '$qty' } } }],
};

function canonical(docs: unknown[]): string {
  return EJSON.stringify(docs, { relaxed: false });
}

describe('compiled fast path gives the same results as mingo', () => {
  const data = dataset(1500);
  for (const [name, pipeline] of Object.entries(PIPELINES)) {
    it(name, async () => {
      const { engine } = memEngine();
      await run(engine, 'db', { insert: 'c', documents: data });
      const ex = await run(engine, 'db', { aggregate: 'c', pipeline, explain: true });
      expect(ex.queryPlanner.fastPath).toBe(true);
      const got = await engine.run(
        'db',
        { aggregate: 'c', pipeline, cursor: { batchSize: 10000 } },
        { connectionId: 1 },
      );
      const expected = new Aggregator(pipeline as Record<string, unknown>[], { idKey: '_id' }).run(
        structuredClone(data),
      );
      const norm = (xs: unknown[]) =>
        xs.map((x) => {
          const o = x as Record<string, unknown>;
          // $addToSet order is unspecified in MongoDB; compare as sorted sets.
          if (Array.isArray(o.cats)) o.cats = [...o.cats].sort();
          // Field order of inclusion projections differs (mingo: its own order, MongoDB: document
          // order, pinned in a test below), so values are compared with sorted keys.
          return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)));
        });
      expect(canonical(norm(got.cursor.firstBatch))).toBe(canonical(norm(expected)));
    });
  }

  it('MongoDB, not mingo: missing values are left out of $addToSet/$push, group keys and computed fields; inclusion keeps document order', async () => {
    const { engine } = memEngine();
    await run(engine, 'db', {
      insert: 'c',
      documents: [
        { _id: 1, b: 2, a: 1 },
        { _id: 2, a: 1, c: 5 },
      ],
    });
    const got = await run(engine, 'db', {
      aggregate: 'c',
      pipeline: [
        { $group: { _id: { a: '$a', c: '$c' }, cs: { $addToSet: '$c' }, ps: { $push: '$c' } } },
        { $sort: { '_id.c': 1 } },
      ],
      cursor: {},
    });
    expect(got.cursor.firstBatch).toEqual([
      { _id: { a: 1 }, cs: [], ps: [] },
      { _id: { a: 1, c: 5 }, cs: [5], ps: [5] },
    ]);
    const proj = await run(engine, 'db', {
      aggregate: 'c',
      pipeline: [{ $project: { x: '$c' } }],
      cursor: {},
    });
    expect(proj.cursor.firstBatch).toEqual([{ _id: 1 }, { _id: 2, x: 5 }]);
    const incl = await run(engine, 'db', {
      aggregate: 'c',
      pipeline: [{ $project: { a: 1, b: 1 } }],
      cursor: {},
    });
    expect(Object.keys(incl.cursor.firstBatch[0])).toEqual(['_id', 'b', 'a']);
  });

  it('the generated loop hands documents with number wrappers to the general path, same result', async () => {
    const { engine } = memEngine();
    const plain = [
      { g: 'a', v: 2 },
      { g: 'a', v: 3.5 },
      { g: 'b', v: 4 },
    ];
    await run(engine, 'db', {
      insert: 'c',
      documents: [
        { g: 'a', v: new Double(2) },
        { g: 'a', v: 3.5 },
        { g: 'b', v: Long.fromNumber(4) },
      ],
    });
    const pipeline = [
      { $group: { _id: '$g', s: { $sum: '$v' }, mx: { $max: '$v' } } },
      { $sort: { _id: 1 } },
    ];
    const got = await run(engine, 'db', { aggregate: 'c', pipeline, cursor: {} });
    const expected = new Aggregator(pipeline, {}).run(plain);
    expect(
      canonical(
        got.cursor.firstBatch.map((d: { _id: string; s: number; mx: unknown }) => ({
          ...d,
          mx: Number(d.mx),
        })),
      ),
    ).toBe(canonical(expected));
  });

  it('falls back to mingo when a document has an array on a grouped path, with the same result', async () => {
    const { engine } = memEngine();
    const docs = [
      { _id: 1, a: [{ b: 1 }, { b: 2 }] },
      { _id: 2, a: { b: 3 } },
    ];
    await run(engine, 'db', { insert: 'c', documents: docs });
    const pipeline = [{ $group: { _id: null, s: { $push: '$a.b' } } }];
    const got = await run(engine, 'db', { aggregate: 'c', pipeline, cursor: {} });
    expect(got.cursor.firstBatch).toEqual(new Aggregator(pipeline, {}).run(docs));
  });

  it('sums Decimal128 exactly (MongoDB), where mingo gives 0', async () => {
    const { engine } = memEngine();
    await run(engine, 'db', {
      insert: 'c',
      documents: [{ v: Decimal128.fromString('0.1') }, { v: Decimal128.fromString('0.2') }, { v: 1 }],
    });
    const got = await engine.run(
      'db',
      {
        aggregate: 'c',
        pipeline: [{ $group: { _id: null, s: { $sum: '$v' }, a: { $avg: '$v' } } }],
        cursor: {},
      },
      { connectionId: 1 },
    );
    const row = got.cursor.firstBatch[0];
    expect(row.s).toBeInstanceOf(Decimal128);
    expect(String(row.s)).toBe('1.3');
    expect(String(row.a)).toMatch(/^0\.4333/);
  });
});
