import { EJSON, ObjectId } from 'bson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { columnMinimum, setColumnMinimum } from '../columns.js';
import { loopStats } from '../fast-agg.js';
import { memEngine, run } from './helpers.js';

/**
 * The pipelines the report compiler emits (access-scoped `$match`, `$unwind`, `$group` with compound,
 * `$ifNull` and date keys, sums, averages as sum + count of numbers, distinct sets) run in the compiled
 * loop and answer exactly what mingo answers (the same command with `let`, which the fast path leaves to
 * mingo).
 */

function rng(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

// These cases test the document loop (the column path has column-scan.test.ts): columns are kept off
// even when EMBEDDED_MONGO_COLUMN_MINIMUM turns them on for the rest of a run.
const minimum = columnMinimum();
beforeAll(() => setColumnMinimum(Number.POSITIVE_INFINITY));
afterAll(() => setColumnMinimum(minimum));

const WS = new ObjectId('aaaaaaaaaaaaaaaaaaaaaaaa');
const OTHER_WS = new ObjectId('bbbbbbbbbbbbbbbbbbbbbbbb');
const FORM = new ObjectId('cccccccccccccccccccccccc');
const OWNERS = ['111111111111111111111111', '222222222222222222222222', '333333333333333333333333'].map(
  (hex) => new ObjectId(hex),
);

function records(n: number, withOddities: boolean) {
  const r = rng(7);
  return Array.from({ length: n }, (_, i) => {
    // Around midnight in Shanghai and New York, across month ends and a DST change.
    const at = new Date(Date.UTC(2026, Math.floor(r() * 12), 1) - Math.floor(r() * 30 * 3600_000));
    const data: Record<string, unknown> = {
      region: ['north', 'south', 'east', null][Math.floor(r() * 4)],
      stage: ['lead', 'won', 'lost'][Math.floor(r() * 3)],
      amount: r() > 0.1 ? Math.round(r() * 100_000) / 100 : null,
      closedAt: at.toISOString(),
      customer: `c${Math.floor(r() * 20)}`,
      tags: r() > 0.3 ? ['x', 'y', 'z'].slice(0, Math.floor(r() * 3)) : undefined,
    };
    if (r() > 0.9) delete data.region;
    if (r() > 0.95) delete data.amount;
    if (withOddities && i % 97 === 0) data.closedAt = 'not a date';
    return {
      _id: new ObjectId(),
      ws: i % 10 === 0 ? OTHER_WS : WS,
      form: FORM,
      owner: OWNERS[i % 3],
      createdAt: at,
      deletedAt: i % 17 === 0 ? new Date(0) : null,
      data,
    };
  });
}

const base = { ws: WS, form: FORM, deletedAt: null };
const dayIn = (zone: string, path: string, kind: 'date' | 'text') => ({
  $dateToString: {
    date:
      kind === 'date'
        ? { $cond: [{ $eq: [{ $type: path }, 'date'] }, path, null] }
        : { $dateFromString: { dateString: path, onError: null, onNull: null } },
    format: '%Y-%m-%d',
    timezone: zone,
    onNull: null,
  },
});

const PIPELINES: Record<string, object[]> = {
  'bar by a field, every accumulator the report uses': [
    { $match: base },
    {
      $group: {
        _id: '$data.region',
        m0: { $sum: '$data.amount' },
        m1: { $sum: 1 },
        m2: { $sum: '$data.amount' },
        m2n: { $sum: { $cond: [{ $isNumber: '$data.amount' }, 1, 0] } },
        m3: { $min: '$data.amount' },
        m4: { $max: '$data.amount' },
        m5: { $addToSet: '$data.customer' },
        m6: { $sum: { $cond: [{ $eq: [{ $ifNull: ['$data.region', null] }, null] }, 0, 1] } },
      },
    },
    { $sort: { _id: 1 } },
  ],
  'a rep: owner scope and-ed, pivot on two fields': [
    { $match: { ws: WS, form: FORM, $and: [{ owner: OWNERS[1] }, { deletedAt: null }] } },
    {
      $group: {
        _id: { d0: { $ifNull: ['$data.region', null] }, d1: { $ifNull: ['$data.stage', null] } },
        m0: { $sum: '$data.amount' },
      },
    },
    { $sort: { '_id.d0': 1, '_id.d1': 1 } },
    { $limit: 11 },
  ],
  'several roles: the $or of scopes; grouped by owner ids': [
    {
      $match: {
        ws: WS,
        form: FORM,
        $and: [{ $or: [{ owner: OWNERS[0] }, { 'data.region': 'east' }] }, { deletedAt: null }],
      },
    },
    { $group: { _id: '$owner', m0: { $sum: 1 } } },
    { $sort: { m0: -1, _id: 1 } },
  ],
  'month of a timestamp in Asia/Shanghai': [
    { $match: base },
    {
      $group: {
        _id: {
          $dateToString: {
            date: { $cond: [{ $eq: [{ $type: '$createdAt' }, 'date'] }, '$createdAt', null] },
            format: '%Y-%m-01',
            timezone: 'Asia/Shanghai',
            onNull: null,
          },
        },
        m0: { $sum: '$data.amount' },
      },
    },
    { $sort: { _id: 1 } },
  ],
  'day of an ISO date-time in America/New_York, with a select': [
    {
      $match: {
        ...base,
        'data.stage': { $in: ['won', 'lost'] },
        createdAt: { $gte: new Date(Date.UTC(2026, 2, 1)) },
      },
    },
    {
      $group: {
        _id: {
          d0: dayIn('America/New_York', '$data.closedAt', 'text'),
          d1: { $ifNull: ['$data.stage', null] },
        },
        m0: { $sum: 1 },
      },
    },
    { $sort: { '_id.d0': 1, '_id.d1': 1 } },
  ],
  'multi-valued dimension unwound': [
    { $match: base },
    { $unwind: { path: '$data.tags', preserveNullAndEmptyArrays: true } },
    { $group: { _id: '$data.tags', m0: { $sum: 1 } } },
    { $sort: { _id: 1 } },
  ],
  'kpi with a distinct count': [
    { $match: { ...base, owner: { $in: [OWNERS[0], OWNERS[2]] } } },
    { $group: { _id: null, m0: { $addToSet: '$data.customer' }, m1: { $sum: '$data.amount' } } },
  ],
};

/** Results as text: sets sorted, and sums of doubles to 12 digits (the order of additions may differ). */
function canonical(docs: unknown[]): string {
  const sorted = docs.map((d) => {
    const o = { ...(d as Record<string, unknown>) };
    for (const [k, v] of Object.entries(o)) {
      if (Array.isArray(v)) o[k] = [...v].sort();
      if (typeof v === 'number' && !Number.isInteger(v)) o[k] = Number(v.toPrecision(12));
    }
    return o;
  });
  return EJSON.stringify(sorted, { relaxed: false });
}

async function both(docs: object[], pipeline: object[]) {
  const { engine } = memEngine();
  await run(engine, 'db', { insert: 'records', documents: docs });
  await run(engine, 'db', {
    createIndexes: 'records',
    indexes: [{ key: { ws: 1, form: 1, owner: 1 }, name: 'scope' }],
  });
  const before = { ...loopStats };
  const fast = await run(engine, 'db', { aggregate: 'records', pipeline, cursor: { batchSize: 100_000 } });
  const after = { ...loopStats };
  const slow = await run(engine, 'db', {
    aggregate: 'records',
    pipeline,
    let: {},
    cursor: { batchSize: 100_000 },
  });
  return {
    fast: fast.cursor.firstBatch as unknown[],
    slow: slow.cursor.firstBatch as unknown[],
    generated: after.generated - before.generated,
    bailed: after.bailed - before.bailed,
  };
}

describe('report pipelines on the compiled fast path', () => {
  const docs = records(3000, false);
  for (const [name, pipeline] of Object.entries(PIPELINES)) {
    it(name, async () => {
      const { fast, slow, generated, bailed } = await both(docs, pipeline);
      expect(fast.length).toBeGreaterThan(0);
      expect(canonical(fast)).toBe(canonical(slow));
      expect({ generated, bailed }).toEqual({ generated: 1, bailed: 0 });
    });
  }

  it('reads a selective index range at once and leaves its equalities out of the loop; scans when the range is most of the collection', async () => {
    const { engine } = memEngine();
    await run(engine, 'db', { insert: 'records', documents: docs });
    await run(engine, 'db', {
      createIndexes: 'records',
      indexes: [{ key: { ws: 1, form: 1, owner: 1 }, name: 'scope' }],
    });
    const count = (match: object) => [{ $match: match }, { $group: { _id: null, n: { $sum: 1 } } }];
    const rep = await run(engine, 'db', {
      aggregate: 'records',
      pipeline: count({ ws: WS, form: FORM, $and: [{ owner: OWNERS[1] }, { deletedAt: null }] }),
      cursor: {},
    });
    const repPlan = engine.lastPlan();
    expect(repPlan).toMatchObject({ stage: 'IXSCAN', indexName: 'scope' });
    const byHand = docs.filter((d) => d.ws === WS && d.owner === OWNERS[1] && d.deletedAt === null).length;
    expect(rep.cursor.firstBatch).toEqual([{ _id: null, n: byHand }]);
    // The index holds every document of the workspace and form (nine in ten): the collection is scanned.
    const all = await run(engine, 'db', { aggregate: 'records', pipeline: count(base), cursor: {} });
    expect(engine.lastPlan()).toMatchObject({ stage: 'COLLSCAN' });
    expect(all.cursor.firstBatch).toEqual([
      { _id: null, n: docs.filter((d) => d.ws === WS && d.deletedAt === null).length },
    ]);
  });

  it('hands a date text it does not know to mingo, with the same answer', async () => {
    const pipeline = [
      { $match: base },
      { $group: { _id: dayIn('Asia/Shanghai', '$data.closedAt', 'text'), n: { $sum: 1 } } },
      { $sort: { _id: 1 } },
    ];
    const { fast, slow } = await both(records(500, true), pipeline);
    expect(fast.some((d) => (d as { _id: unknown })._id === null)).toBe(true);
    expect(canonical(fast)).toBe(canonical(slow));
  });

  it('puts 23:30 local on the last day of a month in that month', async () => {
    const docs = [
      { ws: WS, form: FORM, deletedAt: null, createdAt: new Date('2026-03-31T15:30:00.000Z') },
      { ws: WS, form: FORM, deletedAt: null, createdAt: new Date('2026-03-31T16:30:00.000Z') },
    ];
    const month = (zone: string) => [
      { $match: base },
      {
        $group: {
          _id: { $dateToString: { date: '$createdAt', format: '%Y-%m', timezone: zone } },
          n: { $sum: 1 },
        },
      },
      { $sort: { _id: 1 } },
    ];
    const shanghai = await both(docs, month('Asia/Shanghai'));
    expect(shanghai.fast).toEqual([
      { _id: '2026-03', n: 1 },
      { _id: '2026-04', n: 1 },
    ]);
    expect(canonical(shanghai.fast)).toBe(canonical(shanghai.slow));
    const utc = await both(docs, month('UTC'));
    expect(utc.fast).toEqual([{ _id: '2026-03', n: 2 }]);
  });
});

describe('documents the generated loop hands back', () => {
  it('answers as mingo when a path meets a scalar, a date, an array or nothing on the way', async () => {
    const odd = [
      { data: 'text' },
      { data: new Date(0) },
      { data: [{ region: 'north', amount: 5 }] },
      { data: { region: ['north', 'south'], amount: 2 } },
      {},
      { data: null },
      { data: { region: 'north', amount: 3 } },
      { data: { region: null, amount: -0 } },
    ].map((d) => ({ ws: WS, form: FORM, deletedAt: null, ...d }));
    const pipelines = [
      [
        { $match: base },
        {
          $group: {
            _id: { r: { $ifNull: ['$data.region', null] } },
            s: { $sum: '$data.amount' },
            n: { $sum: { $cond: [{ $isNumber: '$data.amount' }, 1, 0] } },
          },
        },
        { $sort: { '_id.r': 1 } },
      ],
      [{ $match: base }, { $group: { _id: null, s: { $sum: '$data.amount' }, c: { $sum: 1 } } }],
    ];
    for (const pipeline of pipelines) {
      const { fast, slow } = await both(odd, pipeline);
      expect(canonical(fast)).toBe(canonical(slow));
    }
    // Without the odd ones the loop runs to the end.
    const plain = await both(odd.slice(4, 7), pipelines[0] as object[]);
    expect(canonical(plain.fast)).toBe(canonical(plain.slow));
    expect({ generated: plain.generated, bailed: plain.bailed }).toEqual({ generated: 1, bailed: 0 });
  });
});

describe('arrays where the loop reads a value', () => {
  // Conditions are tested on the values as read; an array makes a positive condition false where MongoDB
  // may match an element (checked when the test fails) and a negation true (checked before the test).
  const docs = [
    { owner: OWNERS[0], data: { region: 'north', amount: 5, tags: 'x' } },
    { owner: [OWNERS[0], OWNERS[1]], data: { region: 'north', amount: 7, tags: ['x', 'y'] } },
    { owner: OWNERS[1], data: { region: ['north', 'east'], amount: [1, 2], tags: [] } },
    { owner: OWNERS[2], data: { region: 'south', amount: 11, tags: ['z'] } },
    { owner: OWNERS[2], data: { region: 'east', amount: 13 } },
  ].map((d) => ({ ws: WS, form: FORM, deletedAt: null, ...d }));
  const total = { $group: { _id: null, s: { $sum: '$data.amount' }, c: { $sum: 1 } } };
  it.each([
    ['an id equality', { ...base, owner: OWNERS[0] }],
    ['a text equality', { ...base, 'data.region': 'north' }],
    ['$in', { ...base, 'data.region': { $in: ['east', 'west'] } }],
    ['a range', { ...base, 'data.amount': { $gte: 2 } }],
    ['$ne', { ...base, 'data.region': { $ne: 'north' } }],
    ['$nin', { ...base, 'data.tags': { $nin: ['x'] } }],
    ['$nor', { ...base, $nor: [{ 'data.tags': 'y' }] }],
    ['$exists', { ...base, 'data.tags': { $exists: true } }],
    ['$or', { ...base, $or: [{ owner: OWNERS[1] }, { 'data.region': 'south' }] }],
  ])('answers as mingo for %s', async (_name, match) => {
    const { fast, slow } = await both(docs, [{ $match: match }, total]);
    expect(canonical(fast)).toBe(canonical(slow));
  });

  it('sums skip an array value as MongoDB does, without leaving the loop', async () => {
    const { fast, slow, generated, bailed } = await both(docs, [{ $match: base }, total]);
    expect(fast).toEqual([{ _id: null, s: 36, c: 5 }]);
    expect(canonical(fast)).toBe(canonical(slow));
    expect({ generated, bailed }).toEqual({ generated: 1, bailed: 0 });
  });
});

describe('a dashboard: several report pipelines as one $facet over one scan', () => {
  const docs = records(3000, false);
  const pairable = Object.entries(PIPELINES).filter(([name]) => !name.includes('unwound'));
  const facetOf = (entries: [string, object[]][]) =>
    Object.fromEntries(entries.map(([, pipeline], i) => [`w${i}`, pipeline]));

  it('answers each sub-pipeline exactly as it answers alone, in one generated loop, for the owner and a rep', async () => {
    const { engine } = memEngine();
    await run(engine, 'db', { insert: 'records', documents: docs });
    await run(engine, 'db', {
      createIndexes: 'records',
      indexes: [{ key: { ws: 1, form: 1, owner: 1 }, name: 'scope' }],
    });
    const answer = async (pipeline: object[], extra: object = {}) =>
      (await run(engine, 'db', { aggregate: 'records', pipeline, cursor: { batchSize: 100_000 }, ...extra }))
        .cursor.firstBatch as Record<string, unknown[]>[];
    // The owner's scope, and a rep's (read from the index range, the rest in the loop).
    for (const [common, stage] of [
      [{ ws: WS, form: FORM }, 'COLLSCAN'],
      [{ ws: WS, form: FORM, owner: OWNERS[1] }, 'IXSCAN'],
    ] as const) {
      const pipeline = [{ $match: common }, { $facet: facetOf(pairable) }];
      const before = { ...loopStats };
      const [shared] = await answer(pipeline);
      expect(engine.lastPlan()).toMatchObject({ stage });
      expect({
        generated: loopStats.generated - before.generated,
        bailed: loopStats.bailed - before.bailed,
      }).toEqual({
        generated: 1,
        bailed: 0,
      });
      const [general] = await answer(pipeline, { let: {} });
      for (const [i, [, alone]] of pairable.entries()) {
        const own = await answer([{ $match: common }, ...alone]);
        expect(canonical(shared?.[`w${i}`] ?? [])).toBe(canonical(own));
        expect(canonical(shared?.[`w${i}`] ?? [])).toBe(canonical(general?.[`w${i}`] ?? []));
      }
    }
  }, 30_000);

  it('runs sub-pipelines the shared loop does not take (an $unwind) one by one, with the same answers', async () => {
    const facet = facetOf(Object.entries(PIPELINES));
    const { fast, slow, generated } = await both(docs, [{ $facet: facet }]);
    // A loop of its own per sub-pipeline.
    expect(generated).toBe(Object.keys(facet).length);
    const [answer] = fast as Record<string, unknown[]>[];
    const [general] = slow as Record<string, unknown[]>[];
    expect(Object.keys(answer ?? {})).toEqual(Object.keys(facet));
    for (const key of Object.keys(facet)) {
      expect((answer?.[key] ?? []).length).toBeGreaterThan(0);
      expect(canonical(answer?.[key] ?? [])).toBe(canonical(general?.[key] ?? []));
    }
  }, 30_000);

  it('puts 23:30 local on the last day of a month in that month, and answers odd documents as mingo', async () => {
    const boundary = [
      { ws: WS, form: FORM, deletedAt: null, createdAt: new Date('2026-03-31T15:30:00.000Z') },
      { ws: WS, form: FORM, deletedAt: null, createdAt: new Date('2026-03-31T16:30:00.000Z') },
      { ws: WS, form: FORM, deletedAt: null, createdAt: null, data: { amount: 1 } },
      { ws: WS, form: FORM, deletedAt: null },
    ];
    const month = (zone: string) => [
      { $match: base },
      {
        $group: {
          _id: {
            $dateToString: {
              date: { $cond: [{ $eq: [{ $type: '$createdAt' }, 'date'] }, '$createdAt', null] },
              format: '%Y-%m',
              timezone: zone,
              onNull: null,
            },
          },
          n: { $sum: 1 },
          s: { $sum: '$data.amount' },
        },
      },
      { $sort: { _id: 1 } },
    ];
    const { fast, slow } = await both(boundary, [
      { $match: { ws: WS } },
      { $facet: { shanghai: month('Asia/Shanghai'), utc: month('UTC') } },
    ]);
    expect(fast).toEqual([
      {
        shanghai: [
          { _id: null, n: 2, s: 1 },
          { _id: '2026-03', n: 1, s: 0 },
          { _id: '2026-04', n: 1, s: 0 },
        ],
        utc: [
          { _id: null, n: 2, s: 1 },
          { _id: '2026-03', n: 2, s: 0 },
        ],
      },
    ]);
    expect(canonical(fast)).toBe(canonical(slow));
    // A document the loop cannot read (an array on the way to a grouped field) sends the scan to the
    // general path, with the same answers.
    const odd = [...boundary, { ws: WS, form: FORM, deletedAt: null, data: [{ amount: 2 }] }];
    const oddRun = await both(odd, [
      { $match: { ws: WS } },
      { $facet: { shanghai: month('Asia/Shanghai'), utc: month('UTC') } },
    ]);
    expect(oddRun.bailed).toBeGreaterThan(0);
    expect(canonical(oddRun.fast)).toBe(canonical(oddRun.slow));
  });
});
