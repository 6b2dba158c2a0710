import { Double, Int32, Long, ObjectId } from 'bson';
import { describe, expect, it } from 'vitest';
import { findAll, memEngine, run, runErr } from './helpers.js';

async function shop() {
  const { engine, storage } = memEngine();
  await run(engine, 'db', {
    insert: 'orders',
    documents: [
      { _id: 1, cust: 'a', total: 10 },
      { _id: 2, cust: 'b', total: 5 },
      { _id: 3, cust: 'a', total: 7 },
    ],
  });
  await run(engine, 'db', {
    insert: 'customers',
    documents: [
      { _id: 'a', name: 'Ann' },
      { _id: 'b', name: 'Bob' },
    ],
  });
  await run(engine, 'db', { insert: 'archive', documents: [{ _id: 9, cust: 'b', total: 1 }] });
  return { engine, storage };
}

describe('aggregate', () => {
  it('$lookup joins another collection of the same database (missing collection → [])', async () => {
    const { engine } = await shop();
    const r = await run(engine, 'db', {
      aggregate: 'orders',
      pipeline: [
        { $match: { _id: 1 } },
        { $lookup: { from: 'customers', localField: 'cust', foreignField: '_id', as: 'c' } },
        { $lookup: { from: 'nothing', localField: 'cust', foreignField: '_id', as: 'none' } },
      ],
      cursor: {},
    });
    expect(r.cursor.firstBatch).toEqual([
      { _id: 1, cust: 'a', total: 10, c: [{ _id: 'a', name: 'Ann' }], none: [] },
    ]);
  });

  it('$unionWith and $facet', async () => {
    const { engine } = await shop();
    const u = await run(engine, 'db', {
      aggregate: 'orders',
      pipeline: [{ $unionWith: 'archive' }, { $sort: { total: 1 } }, { $project: { total: 1 } }],
      cursor: {},
    });
    expect(u.cursor.firstBatch.map((d: { _id: number }) => d._id)).toEqual([9, 2, 3, 1]);
    const f = await run(engine, 'db', {
      aggregate: 'orders',
      pipeline: [
        {
          $facet: {
            n: [{ $count: 'n' }],
            big: [{ $match: { total: { $gt: 6 } } }, { $project: { _id: 1 } }],
          },
        },
      ],
      cursor: {},
    });
    expect(f.cursor.firstBatch).toEqual([{ n: [{ n: 3 }], big: [{ _id: 1 }, { _id: 3 }] }]);
  });

  it('$out replaces the target through the journal; $merge merges per document', async () => {
    const { engine, storage } = await shop();
    await run(engine, 'db', { insert: 'summary', documents: [{ _id: 'stale' }] });
    const out = await run(engine, 'db', {
      aggregate: 'orders',
      pipeline: [{ $group: { _id: '$cust', sum: { $sum: '$total' } } }, { $out: 'summary' }],
      cursor: {},
    });
    expect(out.cursor.firstBatch).toEqual([]);
    expect(await findAll(engine, 'db', 'summary', { sort: { _id: 1 } })).toEqual([
      { _id: 'a', sum: 17 },
      { _id: 'b', sum: 5 },
    ]);
    expect(storage.all().some((o) => o.op === 'put' && o.coll === 'summary' && o.doc._id === 'a')).toBe(true);

    await run(engine, 'db', {
      aggregate: 'archive',
      pipeline: [
        { $group: { _id: '$cust', old: { $sum: '$total' } } },
        { $merge: { into: 'summary', whenMatched: 'merge', whenNotMatched: 'insert' } },
      ],
      cursor: {},
    });
    expect(await findAll(engine, 'db', 'summary', { sort: { _id: 1 } })).toEqual([
      { _id: 'a', sum: 17 },
      { _id: 'b', sum: 5, old: 1 },
    ]);
    await run(engine, 'db', {
      aggregate: 'customers',
      pipeline: [{ $project: { name: 1 } }, { $merge: { into: 'summary', whenMatched: 'replace' } }],
      cursor: {},
    });
    expect(await findAll(engine, 'db', 'summary', { sort: { _id: 1 } })).toEqual([
      { _id: 'a', name: 'Ann' },
      { _id: 'b', name: 'Bob' },
    ]);
  });

  it('mingo stages beyond the fast path ($unwind, $addFields, $bucket) work', async () => {
    const { engine } = memEngine();
    await run(engine, 'db', {
      insert: 'c',
      documents: [
        { _id: 1, tags: ['x', 'y'] },
        { _id: 2, tags: ['x'] },
      ],
    });
    const r = await run(engine, 'db', {
      aggregate: 'c',
      pipeline: [
        { $unwind: '$tags' },
        { $group: { _id: '$tags', n: { $sum: 1 } } },
        { $addFields: { t: { $toUpper: '$_id' } } },
        { $sort: { _id: 1 } },
      ],
      cursor: {},
    });
    expect(r.cursor.firstBatch).toEqual([
      { _id: 'x', n: 2, t: 'X' },
      { _id: 'y', n: 1, t: 'Y' },
    ]);
  });

  it('cursor batching, missing cursor option, bad stage', async () => {
    const { engine } = memEngine();
    await run(engine, 'db', { insert: 'c', documents: Array.from({ length: 30 }, (_, i) => ({ _id: i })) });
    const r = await run(engine, 'db', { aggregate: 'c', pipeline: [], cursor: { batchSize: 10 } });
    expect(r.cursor.firstBatch).toHaveLength(10);
    const more = await run(engine, 'db', { getMore: r.cursor.id, collection: 'c' });
    expect(more.cursor.nextBatch).toHaveLength(20);
    expect((await runErr(engine, 'db', { aggregate: 'c', pipeline: [] })).code).toBe(9);
    expect((await runErr(engine, 'db', { aggregate: 'c', pipeline: [{ $nope: 1 }], cursor: {} })).code).toBe(
      40324,
    );
  });
});

describe('mingo gaps patched in the fallback path', () => {
  it('$sort in a mingo pipeline uses BSON order (ObjectId before Date)', async () => {
    const { engine } = memEngine();
    await run(engine, 'db', {
      insert: 'c',
      documents: [
        { _id: 1, v: new Date() },
        { _id: 2, v: new ObjectId() },
        { _id: 3, v: 'x' },
      ],
    });
    const r = await run(engine, 'db', {
      aggregate: 'c',
      pipeline: [{ $addFields: { w: 1 } }, { $sort: { v: 1 } }],
      cursor: {},
    });
    expect(r.cursor.firstBatch.map((d: { _id: number }) => d._id)).toEqual([3, 2, 1]);
  });

  it('$toObjectId, $toString of an ObjectId, $type objectId, $indexOfCP', async () => {
    const { engine } = memEngine();
    const id = new ObjectId();
    await run(engine, 'db', { insert: 'c', documents: [{ _id: id, s: id.toHexString(), t: 'héllo' }] });
    const r = await run(engine, 'db', {
      aggregate: 'c',
      pipeline: [
        {
          $project: {
            o: { $toObjectId: '$s' },
            str: { $toString: '$_id' },
            ty: { $type: '$_id' },
            i: { $indexOfCP: ['$t', 'l'] },
          },
        },
      ],
      cursor: {},
    });
    expect(r.cursor.firstBatch).toEqual([{ _id: id, o: id, str: id.toHexString(), ty: 'objectId', i: 2 }]);
    expect(
      await findAll(engine, 'db', 'c', { filter: { _id: { $type: 'objectId' } }, projection: { _id: 1 } }),
    ).toEqual([{ _id: id }]);
  });

  it('an update pipeline with $replaceWith keeps the original _id (MongoDB), changing it is ImmutableField', async () => {
    const { engine } = memEngine();
    await run(engine, 'db', { insert: 'c', documents: [{ _id: 1, inner: { a: 1 } }] });
    await run(engine, 'db', { update: 'c', updates: [{ q: { _id: 1 }, u: [{ $replaceWith: '$inner' }] }] });
    expect(await findAll(engine, 'db', 'c')).toEqual([{ _id: 1, a: 1 }]);
    const r = await run(engine, 'db', {
      update: 'c',
      updates: [{ q: { _id: 1 }, u: [{ $set: { _id: 2 } }] }],
    });
    expect(r.writeErrors[0].code).toBe(66);
  });
});

describe('more mingo gaps (MongoDB wins)', () => {
  it('$mod does not match null or missing values', async () => {
    const { engine } = memEngine();
    await run(engine, 'db', { insert: 'c', documents: [{ _id: 1, v: 25 }, { _id: 2, v: null }, { _id: 3 }] });
    expect((await findAll(engine, 'db', 'c', { filter: { v: { $mod: [5, 0] } } })).map((d) => d._id)).toEqual(
      [1],
    );
  });

  it('$bucket puts a boundary value into the bucket that starts there', async () => {
    const { engine } = memEngine();
    await run(engine, 'db', {
      insert: 'c',
      documents: [10, 30, 5, 55, 20].map((amount, i) => ({ _id: i, amount })),
    });
    const r = await run(engine, 'db', {
      aggregate: 'c',
      pipeline: [{ $bucket: { groupBy: '$amount', boundaries: [0, 20, 100], output: { n: { $sum: 1 } } } }],
      cursor: {},
    });
    expect(r.cursor.firstBatch).toEqual([
      { _id: 0, n: 2 },
      { _id: 20, n: 3 },
    ]);
  });

  it('$type distinguishes int, long and double as stored', async () => {
    const { engine } = memEngine();
    await run(engine, 'db', {
      insert: 'c',
      documents: [
        { _id: 1, v: new Int32(5) },
        { _id: 2, v: Long.fromNumber(5) },
        { _id: 3, v: new Double(5) },
        { _id: 4, v: 2.5 },
      ],
    });
    const ids = async (t: string) =>
      (await findAll(engine, 'db', 'c', { filter: { v: { $type: t } } })).map((d) => d._id);
    expect(await ids('long')).toEqual([2]);
    expect(await ids('int')).toEqual([1]);
    expect(await ids('double')).toEqual([3, 4]);
    expect(await ids('number')).toEqual([1, 2, 3, 4]);
  });
});

describe('aggregate let', () => {
  it('makes command-level variables available as $$name', async () => {
    const { engine } = memEngine();
    await run(engine, 'db', {
      insert: 'c',
      documents: [
        { _id: 1, v: 2 },
        { _id: 2, v: 5 },
      ],
    });
    const r = await run(engine, 'db', {
      aggregate: 'c',
      pipeline: [{ $match: { $expr: { $gt: ['$v', '$$min'] } } }, { $project: { v: 1 } }],
      let: { min: 3 },
      cursor: {},
    });
    expect(r.cursor.firstBatch).toEqual([{ _id: 2, v: 5 }]);
  });
});
