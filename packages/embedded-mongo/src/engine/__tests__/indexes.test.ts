import { describe, expect, it } from 'vitest';
import { findAll, memEngine, run, runErr } from './helpers.js';

function seed(n: number) {
  return Array.from({ length: n }, (_, i) => ({
    _id: i,
    k: i % 100,
    s: `s${String(i).padStart(5, '0')}`,
    t: [i % 3, 10 + (i % 5)],
  }));
}

describe('indexes serve queries (no full scan when an index applies)', () => {
  it('equality, $in and ranges use the index and examine only matching keys', async () => {
    const { engine } = memEngine();
    await run(engine, 'db', { insert: 'c', documents: seed(2000) });
    await run(engine, 'db', { createIndexes: 'c', indexes: [{ key: { k: 1 }, name: 'k_1' }] });

    expect(await findAll(engine, 'db', 'c', { filter: { k: 7 } })).toHaveLength(20);
    expect(engine.lastPlan()).toMatchObject({
      stage: 'IXSCAN',
      indexName: 'k_1',
      docsExamined: 20,
      keysExamined: 20,
    });

    expect(await findAll(engine, 'db', 'c', { filter: { k: { $in: [1, 2, 3] } } })).toHaveLength(60);
    expect(engine.lastPlan()).toMatchObject({ indexName: 'k_1', docsExamined: 60 });

    expect(await findAll(engine, 'db', 'c', { filter: { k: { $gt: 97, $lte: 99 } } })).toHaveLength(40);
    expect(engine.lastPlan()).toMatchObject({ indexName: 'k_1', docsExamined: 40 });

    expect(await findAll(engine, 'db', 'c', { filter: { k: { $lt: 1 } } })).toHaveLength(20);
    expect(engine.lastPlan()).toMatchObject({ indexName: 'k_1', docsExamined: 20 });

    await findAll(engine, 'db', 'c', { filter: { s: 's00010' } });
    expect(engine.lastPlan()).toMatchObject({ stage: 'COLLSCAN', docsExamined: 2000 });

    await findAll(engine, 'db', 'c', { filter: { _id: 1234 } });
    expect(engine.lastPlan()).toMatchObject({ stage: 'IDHACK', docsExamined: 1 });
  });

  it('range bounds stay within the type bracket: $gt: 5 does not return strings', async () => {
    const { engine } = memEngine();
    await run(engine, 'db', {
      insert: 'c',
      documents: [
        { _id: 1, v: 3 },
        { _id: 2, v: 9 },
        { _id: 3, v: 'zzz' },
        { _id: 4, v: null },
      ],
    });
    await run(engine, 'db', { createIndexes: 'c', indexes: [{ key: { v: 1 }, name: 'v_1' }] });
    expect((await findAll(engine, 'db', 'c', { filter: { v: { $gt: 5 } } })).map((d) => d._id)).toEqual([2]);
    expect(engine.lastPlan()).toMatchObject({ indexName: 'v_1', docsExamined: 1 });
    expect((await findAll(engine, 'db', 'c', { filter: { v: null } })).map((d) => d._id)).toEqual([4]);
  });

  it('sort on an indexed field walks the index and stops at the limit', async () => {
    const { engine } = memEngine();
    await run(engine, 'db', { insert: 'c', documents: seed(1000) });
    await run(engine, 'db', { createIndexes: 'c', indexes: [{ key: { s: -1 }, name: 's_-1' }] });
    const top = await findAll(engine, 'db', 'c', { sort: { s: 1 }, limit: 3 });
    expect(top.map((d) => d._id)).toEqual([0, 1, 2]);
    expect(engine.lastPlan()).toMatchObject({ indexName: 's_-1', sortProvided: true, docsExamined: 3 });
    const desc = await findAll(engine, 'db', 'c', { sort: { s: -1 }, limit: 2 });
    expect(desc.map((d) => d._id)).toEqual([999, 998]);
  });

  it('compound indexes serve an equality prefix plus a range and the sort after it', async () => {
    const { engine } = memEngine();
    await run(engine, 'db', {
      insert: 'c',
      documents: seed(1000).map((d) => ({ _id: d._id, a: d._id % 10, b: d._id })),
    });
    await run(engine, 'db', { createIndexes: 'c', indexes: [{ key: { a: 1, b: -1 }, name: 'a_1_b_-1' }] });
    const got = await findAll(engine, 'db', 'c', { filter: { a: 3, b: { $gte: 900 } }, sort: { b: -1 } });
    expect(got.map((d) => d._id)).toEqual([993, 983, 973, 963, 953, 943, 933, 923, 913, 903]);
    expect(engine.lastPlan()).toMatchObject({ indexName: 'a_1_b_-1', sortProvided: true, docsExamined: 10 });
  });

  it('multikey indexes match array elements without returning a document twice', async () => {
    const { engine } = memEngine();
    await run(engine, 'db', { insert: 'c', documents: seed(300) });
    await run(engine, 'db', { createIndexes: 'c', indexes: [{ key: { t: 1 }, name: 't_1' }] });
    const got = await findAll(engine, 'db', 'c', { filter: { t: { $in: [0, 10] } } });
    const expected = seed(300).filter((d) => d.t.includes(0) || d.t.includes(10));
    expect(got.map((d) => d._id).sort((a, b) => a - b)).toEqual(expected.map((d) => d._id));
    expect(engine.lastPlan()).toMatchObject({ indexName: 't_1' });
  });

  it('update, delete, count, findAndModify and a leading aggregate $match use indexes too', async () => {
    const { engine } = memEngine();
    await run(engine, 'db', { insert: 'c', documents: seed(1000) });
    await run(engine, 'db', { createIndexes: 'c', indexes: [{ key: { k: 1 }, name: 'k_1' }] });
    await run(engine, 'db', {
      update: 'c',
      updates: [{ q: { k: 5 }, u: { $set: { hit: true } }, multi: true }],
    });
    expect(engine.lastPlan()).toMatchObject({ indexName: 'k_1', docsExamined: 10 });
    expect((await run(engine, 'db', { count: 'c', query: { k: 5, hit: true } })).n).toBe(10);
    expect(engine.lastPlan()).toMatchObject({ indexName: 'k_1', docsExamined: 10 });
    await run(engine, 'db', { findAndModify: 'c', query: { k: 6 }, update: { $set: { x: 1 } } });
    expect(engine.lastPlan()).toMatchObject({ indexName: 'k_1' });
    await run(engine, 'db', { delete: 'c', deletes: [{ q: { k: 6 }, limit: 0 }] });
    expect(engine.lastPlan()).toMatchObject({ indexName: 'k_1', docsExamined: 10 });
    const agg = await run(engine, 'db', {
      aggregate: 'c',
      pipeline: [{ $match: { k: 7 } }, { $count: 'n' }],
      cursor: {},
    });
    expect(agg.cursor.firstBatch).toEqual([{ n: 10 }]);
    expect(engine.lastPlan()).toMatchObject({ indexName: 'k_1', docsExamined: 10 });
    const ex = await run(engine, 'db', { explain: { find: 'c', filter: { k: 8 } } });
    expect(ex.queryPlanner.winningPlan.inputStage).toMatchObject({ stage: 'IXSCAN', indexName: 'k_1' });
    expect(ex.executionStats).toMatchObject({ nReturned: 10, totalDocsExamined: 10 });
  });
});

describe('unique indexes', () => {
  it('duplicate key errors are shaped exactly like MongoDB', async () => {
    const { engine } = memEngine();
    await run(engine, 'db', {
      createIndexes: 'users',
      indexes: [{ key: { email: 1 }, name: 'email_1', unique: true }],
    });
    await run(engine, 'db', { insert: 'users', documents: [{ _id: 1, email: 'a@b.c' }] });
    const r = await run(engine, 'db', { insert: 'users', documents: [{ _id: 2, email: 'a@b.c' }] });
    expect(r.n).toBe(0);
    expect(r.writeErrors).toEqual([
      {
        index: 0,
        code: 11000,
        codeName: 'DuplicateKey',
        errmsg: 'E11000 duplicate key error collection: db.users index: email_1 dup key: { email: "a@b.c" }',
        keyPattern: { email: 1 },
        keyValue: { email: 'a@b.c' },
      },
    ]);
    const idDup = await run(engine, 'db', { insert: 'users', documents: [{ _id: 1, email: 'z' }] });
    expect(idDup.writeErrors[0]).toMatchObject({ code: 11000, keyPattern: { _id: 1 }, keyValue: { _id: 1 } });
    expect(idDup.writeErrors[0].errmsg).toBe(
      'E11000 duplicate key error collection: db.users index: _id_ dup key: { _id: 1 }',
    );
  });

  it('ordered batches stop at the first duplicate, unordered ones report each and insert the rest', async () => {
    const { engine } = memEngine();
    await run(engine, 'db', { createIndexes: 'c', indexes: [{ key: { u: 1 }, name: 'u_1', unique: true }] });
    const docs = [{ u: 1 }, { u: 1 }, { u: 2 }, { u: 2 }, { u: 3 }];
    const ordered = await run(engine, 'db', { insert: 'c', documents: docs });
    expect(ordered.n).toBe(1);
    expect(ordered.writeErrors.map((e: { index: number }) => e.index)).toEqual([1]);
    await run(engine, 'db', { delete: 'c', deletes: [{ q: {}, limit: 0 }] });
    const unordered = await run(engine, 'db', { insert: 'c', documents: docs, ordered: false });
    expect(unordered.n).toBe(3);
    expect(unordered.writeErrors.map((e: { index: number }) => e.index)).toEqual([1, 3]);
  });

  it('a multi-update that would violate a unique index leaves that document unchanged and reports 11000', async () => {
    const { engine } = memEngine();
    await run(engine, 'db', {
      insert: 'c',
      documents: [
        { _id: 1, u: 1, g: 'x' },
        { _id: 2, u: 2, g: 'x' },
        { _id: 3, u: 5, g: 'y' },
      ],
    });
    await run(engine, 'db', { createIndexes: 'c', indexes: [{ key: { u: 1 }, name: 'u_1', unique: true }] });
    const r = await run(engine, 'db', {
      update: 'c',
      updates: [{ q: { g: 'x' }, u: { $set: { u: 5 } }, multi: true }],
    });
    expect(r.writeErrors[0]).toMatchObject({ index: 0, code: 11000, keyValue: { u: 5 } });
    expect((await findAll(engine, 'db', 'c')).map((d) => d.u)).toEqual([1, 2, 5]);
  });

  it('building a unique index over duplicates fails and leaves no index behind', async () => {
    const { engine } = memEngine();
    await run(engine, 'db', { insert: 'c', documents: [{ u: 1 }, { u: 1 }] });
    const e = await runErr(engine, 'db', {
      createIndexes: 'c',
      indexes: [{ key: { u: 1 }, name: 'u_1', unique: true }],
    });
    expect(e.code).toBe(11000);
    const list = await run(engine, 'db', { listIndexes: 'c', cursor: {} });
    expect(list.cursor.firstBatch.map((i: { name: string }) => i.name)).toEqual(['_id_']);
  });

  it('missing fields collide as null unless the index is sparse or partial; compound keys', async () => {
    const { engine } = memEngine();
    await run(engine, 'db', {
      createIndexes: 'c',
      indexes: [
        { key: { a: 1 }, name: 'a_1', unique: true },
        { key: { b: 1 }, name: 'b_1', unique: true, sparse: true },
        { key: { c: 1 }, name: 'c_1', unique: true, partialFilterExpression: { c: { $exists: true } } },
      ],
    });
    await run(engine, 'db', {
      createIndexes: 'c2',
      indexes: [{ key: { d: 1, e: 1 }, name: 'd_1_e_1', unique: true }],
    });
    expect(
      (
        await run(engine, 'db', {
          insert: 'c',
          documents: [
            { _id: 1, a: 1 },
            { _id: 2, a: 2 },
          ],
        })
      ).n,
    ).toBe(2);
    const r = await run(engine, 'db', { insert: 'c', documents: [{ _id: 3 }, { _id: 4 }], ordered: false });
    expect(r.writeErrors[0]).toMatchObject({ index: 1, keyValue: { a: null } });
    expect(
      (
        await run(engine, 'db', {
          insert: 'c',
          documents: [
            { _id: 8, a: 8 },
            { _id: 9, a: 9 },
          ],
        })
      ).n,
    ).toBe(2);
    const r2 = await run(engine, 'db', {
      insert: 'c2',
      documents: [
        { _id: 5, d: 1, e: 1 },
        { _id: 6, d: 1, e: 2 },
        { _id: 7, d: 1, e: 1 },
      ],
      ordered: false,
    });
    expect(r2.writeErrors).toHaveLength(1);
    expect(r2.writeErrors[0]).toMatchObject({
      index: 2,
      keyPattern: { d: 1, e: 1 },
      keyValue: { d: 1, e: 1 },
    });
  });

  it('numbers of different types collide (5 and 5.0 are the same key)', async () => {
    const { engine } = memEngine();
    await run(engine, 'db', { createIndexes: 'c', indexes: [{ key: { n: 1 }, name: 'n_1', unique: true }] });
    await run(engine, 'db', { insert: 'c', documents: [{ n: 5 }] });
    const r = await run(engine, 'db', { insert: 'c', documents: [{ n: 5.0 }] });
    expect(r.writeErrors[0].code).toBe(11000);
  });
});

describe('TTL indexes', () => {
  it('a sweep removes documents whose date is older than expireAfterSeconds', async () => {
    const { engine, storage } = memEngine();
    const now = Date.now();
    await run(engine, 'db', {
      createIndexes: 's',
      indexes: [{ key: { at: 1 }, name: 'at_1', expireAfterSeconds: 60 }],
    });
    await run(engine, 'db', {
      insert: 's',
      documents: [
        { _id: 1, at: new Date(now - 120_000) },
        { _id: 2, at: new Date(now) },
        { _id: 3, at: 'not a date' },
      ],
    });
    expect(await engine.sweepTtl(new Date(now))).toBe(1);
    expect((await findAll(engine, 'db', 's')).map((d) => d._id)).toEqual([2, 3]);
    expect(storage.all().some((o) => o.op === 'delete')).toBe(true);
  });

  it('descending TTL indexes and arrays of dates (earliest date counts) expire too', async () => {
    const { engine } = memEngine();
    const now = Date.now();
    await run(engine, 'db', {
      createIndexes: 's',
      indexes: [{ key: { at: -1 }, name: 'at_-1', expireAfterSeconds: 10 }],
    });
    await run(engine, 'db', {
      insert: 's',
      documents: [
        { _id: 1, at: [new Date(now), new Date(now - 60_000)] },
        { _id: 2, at: new Date(now - 5_000) },
        { _id: 3, at: new Date(now - 20_000) },
      ],
    });
    expect(await engine.sweepTtl(new Date(now))).toBe(2);
    expect((await findAll(engine, 'db', 's')).map((d) => d._id)).toEqual([2]);
  });
});
