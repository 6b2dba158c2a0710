import { EJSON, Long, ObjectId } from 'bson';
import { afterEach, describe, expect, it } from 'vitest';
import { columnMinimum, setColumnMinimum } from '../columns.js';
import { loopStats } from '../fast-agg.js';
import { memEngine, run } from './helpers.js';

/**
 * Value columns (columns.ts, column-scan.ts): a `$match` + `$group` over a collection at least as large as
 * the column minimum is answered from typed arrays of its values. The answers must be those of the document
 * loop exactly — the same groups in the same order, sums added in the same order — so each case runs the
 * same command with columns (minimum 0) and without (minimum infinite) and compares the replies byte for byte.
 */

function rng(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

const IDS = ['111111111111111111111111', '222222222222222222222222', '333333333333333333333333'].map(
  (hex) => new ObjectId(hex),
);
const DAYS = [Date.UTC(2026, 0, 1), Date.UTC(2026, 0, 31, 23, 30), Date.UTC(2026, 1, 1)].map(
  (t) => new Date(t),
);
const TEXTS = ['north', 'south', 'East', 'ä', ''];

function documents(n: number, seed: number) {
  const r = rng(seed);
  const one = <T>(list: readonly T[]) => list[Math.floor(r() * list.length)] as T;
  return Array.from({ length: n }, (_, i) => {
    const d: Record<string, unknown> = { _id: i };
    const put = (key: string, value: () => unknown, missing = 0.1) => {
      if (r() >= missing) d[key] = value();
    };
    put('a', () => (r() < 0.1 ? null : one(TEXTS)));
    put('b', () => (r() < 0.1 ? null : one(IDS)));
    put('flag', () => (r() < 0.2 ? null : r() < 0.5));
    put('n', () => {
      const k = r();
      if (k < 0.05) return null;
      if (k < 0.1) return -0.5;
      if (k < 0.5) return Math.floor(r() * 10);
      return Math.round(r() * 100_000) / 100;
    });
    put('d', () => (r() < 0.1 ? null : one(DAYS)));
    put('x', () =>
      r() < 0.1 ? null : r() < 0.15 ? 'scalar' : { y: r() < 0.2 ? null : one(TEXTS.slice(0, 3)) },
    );
    return d;
  });
}

/** Pipelines of the subset: filters, keys and accumulators combined. */
function pipelines() {
  const filters: object[] = [
    {},
    { a: 'north' },
    { a: null },
    { a: { $ne: 'north' } },
    { b: IDS[1] },
    { b: { $in: [IDS[0], null] } },
    { b: { $nin: [IDS[2]] } },
    { flag: true },
    { flag: { $exists: false } },
    { n: { $gte: 5, $lt: 500 } },
    { n: { $gt: -1 } },
    { n: 3 },
    { n: { $in: [0, 1, 2, null] } },
    { a: { $gt: 'm' } },
    { a: { $lte: 'North' } },
    { d: DAYS[1] },
    { d: { $lt: DAYS[2] } },
    { d: { $gte: DAYS[1] } },
    { 'x.y': 'north' },
    { 'x.y': null },
    { 'x.y': { $exists: true } },
    { a: 'missing value' },
    { $or: [{ a: 'south' }, { b: IDS[0] }] },
    { $nor: [{ a: 'south' }, { n: { $lt: 10 } }] },
    { a: { $in: ['north', 'south'] }, $and: [{ $or: [{ flag: false }, { d: null }] }, { b: { $ne: null } }] },
  ];
  const keys: unknown[] = [
    null,
    'all',
    '$a',
    '$b',
    '$flag',
    '$n',
    '$d',
    '$x.y',
    { $ifNull: ['$a', null] },
    { k1: '$a', k2: '$b' },
    { k1: { $ifNull: ['$x.y', null] }, k2: '$flag' },
    { only: '$a' },
    { $dateToString: { date: '$d', format: '%Y-%m', timezone: 'Asia/Shanghai' } },
    { $dateToString: { date: '$d', format: '%Y-%m-%d', timezone: 'America/New_York', onNull: 'none' } },
    {
      $dateToString: {
        date: { $cond: [{ $eq: [{ $type: '$d' }, 'date'] }, '$d', null] },
        format: '%Y-%m-01',
        timezone: 'Asia/Shanghai',
        onNull: null,
      },
    },
    { $dateToString: { date: { $cond: [{ $eq: [{ $type: '$a' }, 'date'] }, '$a', null] }, format: '%Y' } },
  ];
  const accs: Record<string, object> = {
    s: { $sum: '$n' },
    c: { $sum: 1 },
    h: { $sum: 2.5 },
    k: { $sum: { $cond: [{ $isNumber: '$n' }, 1, 0] } },
    v: { $avg: '$n' },
    lo: { $min: '$n' },
    hi: { $max: '$n' },
    set: { $addToSet: '$a' },
    flags: { $addToSet: '$flag' },
    nums: { $addToSet: '$n' },
    cnt: { $count: {} },
  };
  const out: object[][] = [];
  const names = Object.keys(accs);
  filters.forEach((match, f) => {
    keys.forEach((_id, k) => {
      // A few accumulators per pipeline, rotating through them.
      const pick = [names[(f + k) % names.length], names[(f + 2 * k + 1) % names.length], 's'] as string[];
      const group: Record<string, unknown> = { _id };
      for (const name of pick) group[name] = accs[name];
      out.push([{ $match: match }, { $group: group }]);
    });
  });
  return out;
}

async function engineWith(docs: object[]) {
  const { engine } = memEngine();
  await run(engine, 'db', { insert: 'c', documents: docs });
  return engine;
}

type Engine = Awaited<ReturnType<typeof engineWith>>;

async function answer(engine: Engine, pipeline: object[], columns: boolean) {
  setColumnMinimum(columns ? 0 : Number.POSITIVE_INFINITY);
  const before = loopStats.columns;
  const reply = await run(engine, 'db', { aggregate: 'c', pipeline, cursor: { batchSize: 100_000 } });
  return {
    text: EJSON.stringify(reply.cursor.firstBatch, { relaxed: false }),
    docs: reply.cursor.firstBatch as Record<string, unknown>[],
    columns: loopStats.columns - before,
  };
}

const minimum = columnMinimum();
afterEach(() => setColumnMinimum(minimum));

describe('answers from value columns', () => {
  it('equal the document loop byte for byte over a grid of filters, keys and accumulators', async () => {
    const engine = await engineWith(documents(1500, 11));
    let byColumns = 0;
    const all = pipelines();
    for (const pipeline of all) {
      const fromColumns = await answer(engine, pipeline, true);
      const fromDocuments = await answer(engine, pipeline, false);
      expect(fromColumns.text, JSON.stringify(pipeline)).toBe(fromDocuments.text);
      expect(fromDocuments.columns).toBe(0);
      byColumns += fromColumns.columns;
    }
    // Most of the grid runs on columns; $min / $max over texts and dates, and sets of ObjectIds, do not.
    expect(byColumns).toBeGreaterThan(all.length * 0.6);
  }, 60_000);

  it('answers a gauge, a table and a pivot as report pipelines ask, on columns', async () => {
    const engine = await engineWith(documents(800, 5));
    const cases = [
      [{ $match: { a: { $ne: null } } }, { $group: { _id: null, m0: { $sum: '$n' } } }, { $limit: 2 }],
      [
        { $match: { d: { $ne: null } } },
        {
          $group: {
            _id: '$a',
            m0: { $sum: '$n' },
            m1n: { $sum: { $cond: [{ $isNumber: '$n' }, 1, 0] } },
            m2: { $sum: 1 },
          },
        },
        { $sort: { _id: 1 } },
        { $limit: 1001 },
      ],
      [
        { $match: {} },
        {
          $group: {
            _id: { d0: { $ifNull: ['$a', null] }, d1: { $ifNull: ['$x.y', null] } },
            m0: { $sum: '$n' },
          },
        },
        { $sort: { '_id.d0': 1, '_id.d1': 1 } },
      ],
    ];
    for (const pipeline of cases) {
      const fromColumns = await answer(engine, pipeline, true);
      expect(fromColumns.columns).toBe(1);
      expect(fromColumns.text).toBe((await answer(engine, pipeline, false)).text);
    }
    // Hand-computed: the gauge sums every number of n where a is neither null nor missing.
    const docs = documents(800, 5);
    const sum = docs
      .filter((d) => d.a !== null && d.a !== undefined)
      .reduce((s, d) => s + (typeof d.n === 'number' ? d.n : 0), 0);
    const [gauge] = (await answer(engine, cases[0] as object[], true)).docs;
    expect(gauge?.m0).toBeCloseTo(sum, 6);
  });

  it('leaves values columns cannot code to the documents, with the same answers', async () => {
    const odd = [
      { _id: 1, a: 'north', n: 5 },
      { _id: 2, a: ['north', 'south'], n: 7 },
      { _id: 3, a: { nested: 1 }, n: Long.fromNumber(2 ** 40) },
      { _id: 4, a: 'south', n: 'text' },
      { _id: 5, x: [{ y: 'north' }], n: 1 },
    ];
    const engine = await engineWith(odd);
    for (const pipeline of [
      [{ $match: { a: 'north' } }, { $group: { _id: null, s: { $sum: '$n' } } }],
      [{ $match: {} }, { $group: { _id: '$x.y', c: { $sum: 1 } } }],
      [{ $match: {} }, { $group: { _id: null, lo: { $min: '$n' } } }],
    ]) {
      const fromColumns = await answer(engine, pipeline, true);
      expect(fromColumns.columns).toBe(0);
      expect(fromColumns.text).toBe((await answer(engine, pipeline, false)).text);
    }
  });
});

describe('columns of many values', () => {
  it('widen their codes past 255 and 65,535 values, before and after they are built', async () => {
    const many = Array.from({ length: 70_000 }, (_, i) => ({ _id: i, k: `v${i % 66_000}`, n: i % 7 }));
    const engine = await engineWith(many.slice(0, 200));
    const pipeline = [{ $match: { n: { $gte: 0 } } }, { $group: { _id: '$k', s: { $sum: '$n' } } }];
    const check = async () => {
      const fromColumns = await answer(engine, pipeline, true);
      expect(fromColumns.columns).toBe(1);
      expect(fromColumns.text).toBe((await answer(engine, pipeline, false)).text);
      return fromColumns.docs;
    };
    await check();
    // Appended to built columns (200 -> 70,000 documents: past 255 and 65,535 distinct texts).
    setColumnMinimum(0);
    await run(engine, 'db', { insert: 'c', documents: many.slice(200) });
    const groups = await check();
    expect(groups).toHaveLength(66_000);
    expect(groups.find((g) => g._id === 'v65999')).toEqual({ _id: 'v65999', s: 65_999 % 7 });
    expect(groups[0]).toEqual({ _id: 'v0', s: 0 + (66_000 % 7) });
  }, 60_000);
});

describe('columns follow writes', () => {
  const gauge = [{ $match: { flag: true } }, { $group: { _id: '$a', s: { $sum: '$n' }, c: { $sum: 1 } } }];

  it('are appended by inserts, recoded after updates, dropped by deletes, and answer as the documents after each', async () => {
    const engine = await engineWith(documents(600, 3));
    const check = async (label: string) => {
      const fromColumns = await answer(engine, gauge, true);
      expect(fromColumns.columns, label).toBe(1);
      expect(fromColumns.text, label).toBe((await answer(engine, gauge, false)).text);
      return fromColumns.docs;
    };
    await check('first scan builds the columns');
    setColumnMinimum(0);
    await run(engine, 'db', {
      insert: 'c',
      documents: [
        { _id: 'new1', a: 'north', flag: true, n: 1000 },
        { _id: 'new2', a: 'brand new', flag: true, n: 1 },
      ],
    });
    const afterInsert = await check('inserts appended');
    expect(afterInsert.find((g) => g._id === 'brand new')).toEqual({ _id: 'brand new', s: 1, c: 1 });
    setColumnMinimum(0);
    await run(engine, 'db', { update: 'c', updates: [{ q: { _id: 'new2' }, u: { $set: { n: 41 } } }] });
    const afterUpdate = await check('update seen');
    expect(afterUpdate.find((g) => g._id === 'brand new')).toEqual({ _id: 'brand new', s: 41, c: 1 });
    // Updated twice before the next scan, one to a new text, and many at once.
    setColumnMinimum(0);
    await run(engine, 'db', {
      update: 'c',
      updates: [{ q: { _id: 'new1' }, u: { $set: { a: 'renamed' } } }],
    });
    await run(engine, 'db', { update: 'c', updates: [{ q: { _id: 'new1' }, u: { $inc: { n: 5 } } }] });
    await run(engine, 'db', {
      update: 'c',
      updates: [{ q: { flag: true, n: { $lt: 10 } }, u: { $set: { flag: false } }, multi: true }],
    });
    const afterUpdates = await check('updates seen');
    expect(afterUpdates.find((g) => g._id === 'renamed')).toEqual({ _id: 'renamed', s: 1005, c: 1 });
    setColumnMinimum(0);
    await run(engine, 'db', { delete: 'c', deletes: [{ q: { _id: 'new2' }, limit: 1 }] });
    const afterDelete = await check('delete seen');
    expect(afterDelete.find((g) => g._id === 'brand new')).toBeUndefined();
    // An update to a value columns cannot code: the scan reads the documents, and answers the same.
    setColumnMinimum(0);
    await run(engine, 'db', { update: 'c', updates: [{ q: { _id: 'new1' }, u: { $set: { n: [1, 2] } } }] });
    const odd = await answer(engine, gauge, true);
    expect(odd.columns).toBe(0);
    expect(odd.text).toBe((await answer(engine, gauge, false)).text);
    // An insert whose value columns cannot code: the scan reads the documents, and answers the same.
    setColumnMinimum(0);
    await run(engine, 'db', { insert: 'c', documents: [{ _id: 'odd', a: ['north'], flag: true, n: 2 }] });
    const fromColumns = await answer(engine, gauge, true);
    expect(fromColumns.columns).toBe(0);
    expect(fromColumns.text).toBe((await answer(engine, gauge, false)).text);
  });

  it('are not used below the column minimum', async () => {
    const engine = await engineWith(documents(100, 9));
    setColumnMinimum(101);
    const before = loopStats.columns;
    await run(engine, 'db', { aggregate: 'c', pipeline: gauge, cursor: {} });
    expect(loopStats.columns).toBe(before);
  });
});

/** Groups as a sorted list, sums to 12 digits: the same answer met in another order. */
function unordered(docs: Record<string, unknown>[]) {
  return docs
    .map((d) =>
      EJSON.stringify(
        Object.fromEntries(
          Object.entries(d).map(([k, v]) => [k, typeof v === 'number' ? Number(v.toPrecision(12)) : v]),
        ),
        { relaxed: false },
      ),
    )
    .sort();
}

describe('columns or an index range', () => {
  it('answers from columns a match whose index range holds more than a 64th of the collection, from the range a narrower one', async () => {
    const engine = await engineWith(documents(1500, 13));
    await run(engine, 'db', { createIndexes: 'c', indexes: [{ key: { a: 1 }, name: 'a' }] });
    const wide = [{ $match: { a: 'north', flag: true } }, { $group: { _id: '$b', s: { $sum: '$n' } } }];
    const fromColumns = await answer(engine, wide, true);
    expect(fromColumns.columns).toBe(1);
    expect(engine.lastPlan()).toMatchObject({ stage: 'COLLSCAN' });
    const fromRange = await answer(engine, wide, false);
    expect(engine.lastPlan()).toMatchObject({ stage: 'IXSCAN', indexName: 'a' });
    // The range meets the groups (and adds their sums) in index order, the columns in the collection's.
    expect(unordered(fromColumns.docs)).toEqual(unordered(fromRange.docs));
    const narrow = [{ $match: { _id: { $in: [3, 4, 5] } } }, { $group: { _id: null, s: { $sum: '$n' } } }];
    expect((await answer(engine, narrow, true)).columns).toBe(0);
    expect(engine.lastPlan()).not.toMatchObject({ stage: 'COLLSCAN' });
    // A $facet over a range with a sub-pipeline columns cannot answer reads the range for all of them.
    const facet = [
      { $match: { a: 'north' } },
      {
        $facet: {
          total: [{ $group: { _id: null, s: { $sum: '$n' } } }],
          unwound: [{ $unwind: '$a' }, { $count: 'n' }],
        },
      },
    ];
    const mixed = await answer(engine, facet, true);
    expect(mixed.columns).toBe(0);
    expect(engine.lastPlan()).toMatchObject({ stage: 'IXSCAN' });
    expect(mixed.text).toBe((await answer(engine, facet, false)).text);
  });
});

describe('a $facet over columns and documents together', () => {
  it('answers the sub-pipelines columns can from them and the rest from one scan of the documents', async () => {
    const engine = await engineWith(documents(900, 21));
    const pipeline = [
      { $match: { flag: { $ne: null } } },
      {
        $facet: {
          total: [{ $group: { _id: null, s: { $sum: '$n' } } }],
          byText: [
            { $match: { b: { $ne: IDS[0] } } },
            { $group: { _id: '$a', c: { $sum: 1 } } },
            { $sort: { _id: 1 } },
          ],
          byMonth: [
            {
              $group: {
                _id: { $dateToString: { date: '$d', format: '%Y-%m', timezone: 'Asia/Shanghai' } },
                c: { $sum: 1 },
              },
            },
            { $sort: { _id: 1 } },
          ],
          unwound: [{ $unwind: '$a' }, { $count: 'n' }],
        },
      },
    ];
    const fromColumns = await answer(engine, pipeline, true);
    expect(fromColumns.columns).toBe(3);
    expect(fromColumns.text).toBe((await answer(engine, pipeline, false)).text);
    const [facet] = fromColumns.docs;
    expect(Object.keys(facet ?? {})).toEqual(['total', 'byText', 'byMonth', 'unwound']);
    // 23:30 UTC on January 31 is February 1 in Shanghai.
    expect(((facet?.byMonth ?? []) as { _id: string }[]).map((g) => g._id)).toContain('2026-02');
  });
});
