import { Double, Int32, Long } from 'bson';
import { describe, expect, it } from 'vitest';
import { fileEngine, findAll, memEngine, run, runErr } from './helpers.js';

describe('a failed journal write undoes the in-memory change and reaches the client', () => {
  it('insert, update, delete and catalog changes are rolled back on a failing commit', async () => {
    const { engine, storage } = memEngine();
    await run(engine, 'db', { createIndexes: 'c', indexes: [{ key: { u: 1 }, name: 'u_1', unique: true }] });
    await run(engine, 'db', { insert: 'c', documents: [{ _id: 1, u: 1 }] });

    storage.failNext = 1;
    const e = await runErr(engine, 'db', { insert: 'c', documents: [{ _id: 2, u: 2 }] });
    expect(e).toMatchObject({ code: 14031, codeName: 'OutOfDiskSpace' });
    expect(await findAll(engine, 'db', 'c')).toEqual([{ _id: 1, u: 1 }]);
    // The unique index was rolled back too: the same key inserts fine now.
    expect((await run(engine, 'db', { insert: 'c', documents: [{ _id: 2, u: 2 }] })).n).toBe(1);

    storage.failNext = 1;
    await runErr(engine, 'db', { update: 'c', updates: [{ q: { _id: 1 }, u: { $set: { u: 5 } } }] });
    expect((await findAll(engine, 'db', 'c', { filter: { u: 1 } })).map((d) => d._id)).toEqual([1]);
    expect(await findAll(engine, 'db', 'c', { filter: { u: 5 } })).toEqual([]);

    storage.failNext = 1;
    await runErr(engine, 'db', { delete: 'c', deletes: [{ q: {}, limit: 0 }] });
    expect((await run(engine, 'db', { count: 'c' })).n).toBe(2);

    storage.failNext = 1;
    await runErr(engine, 'db', { create: 'other' });
    expect(
      (await run(engine, 'db', { listCollections: 1, nameOnly: true, cursor: {} })).cursor.firstBatch,
    ).toEqual([{ name: 'c', type: 'collection' }]);

    storage.failNext = 1;
    await runErr(engine, 'db', { dropDatabase: 1 });
    expect((await run(engine, 'db', { count: 'c' })).n).toBe(2);

    storage.failNext = 1;
    await runErr(engine, 'db', { createIndexes: 'c', indexes: [{ key: { z: 1 }, name: 'z_1' }] });
    expect((await run(engine, 'db', { listIndexes: 'c', cursor: {} })).cursor.firstBatch).toHaveLength(2);

    storage.failNext = 1;
    await runErr(engine, 'admin', { renameCollection: 'db.c', to: 'db.d' });
    expect((await run(engine, 'db', { count: 'c' })).n).toBe(2);
    expect((await run(engine, 'db', { count: 'd' })).n).toBe(0);
  });
});

describe('recovery replays the journal into the same state', () => {
  it('a new engine over the committed ops sees the same documents, indexes and constraints', async () => {
    const { engine, storage } = memEngine();
    await run(engine, 'db', { createIndexes: 'c', indexes: [{ key: { u: 1 }, name: 'u_1', unique: true }] });
    await run(engine, 'db', {
      insert: 'c',
      documents: [
        { _id: 1, u: 1, n: new Int32(1), d: new Double(2), l: Long.fromNumber(3) },
        { _id: 2, u: 2 },
        { _id: 3, u: 3 },
      ],
    });
    await run(engine, 'db', { update: 'c', updates: [{ q: { _id: 2 }, u: { $set: { x: 'y' } } }] });
    await run(engine, 'db', { delete: 'c', deletes: [{ q: { _id: 3 }, limit: 1 }] });
    await run(engine, 'db', { insert: 'gone', documents: [{}] });
    await run(engine, 'db', { drop: 'gone' });
    await run(engine, 'db', { insert: 'old', documents: [{ _id: 'o' }] });
    await run(engine, 'admin', { renameCollection: 'db.old', to: 'db.new' });
    await run(engine, 'tmp', { insert: 'x', documents: [{}] });
    await run(engine, 'tmp', { dropDatabase: 1 });

    const { engine: again } = memEngine(storage.all());
    const docs = await again.run('db', { find: 'c', filter: {} }, { connectionId: 1 });
    const before = await engine.run('db', { find: 'c', filter: {} }, { connectionId: 1 });
    expect(docs.cursor.firstBatch).toEqual(before.cursor.firstBatch);
    expect(docs.cursor.firstBatch[0].d).toBeInstanceOf(Double);
    expect(docs.cursor.firstBatch[0].l).toBeInstanceOf(Long);
    expect(await findAll(again, 'db', 'new')).toEqual([{ _id: 'o' }]);
    expect(
      (await run(again, 'db', { listCollections: 1, nameOnly: true, cursor: {} })).cursor.firstBatch
        .map((c: { name: string }) => c.name)
        .sort(),
    ).toEqual(['c', 'new']);
    expect((await run(again, 'admin', { listDatabases: 1, nameOnly: true })).databases).toEqual([
      { name: 'db' },
    ]);
    const dup = await run(again, 'db', { insert: 'c', documents: [{ u: 1 }] });
    expect(dup.writeErrors[0].code).toBe(11000);
  });

  it('checkpoints take a consistent snapshot that replays to the same state', async () => {
    const { engine, storage } = memEngine();
    storage.checkpointBytes = 500;
    await run(engine, 'db', { createIndexes: 'c', indexes: [{ key: { k: 1 }, name: 'k_1' }] });
    for (let i = 0; i < 20; i++) await run(engine, 'db', { insert: 'c', documents: [{ _id: i, k: i % 3 }] });
    expect(storage.checkpoints.length).toBeGreaterThan(0);
    const last = storage.checkpoints.length - 1;
    const snap = storage.checkpoints[last]!;
    expect(snap[0]).toMatchObject({ op: 'createCollection', db: 'db', coll: 'c' });
    expect(snap.some((o) => o.op === 'createIndex')).toBe(true);
    // Snapshot + the journal written after it = the whole state.
    const after = storage.committed.slice(storage.checkpointAt[last]).flat();
    const { engine: again } = memEngine([...snap, ...after]);
    expect((await run(again, 'db', { count: 'c' })).n).toBe(20);
    expect(await findAll(again, 'db', 'c', { filter: { k: 1 } })).toHaveLength(7);
    expect(again.lastPlan()).toMatchObject({ indexName: 'k_1' });
  });
});

describe('with the real file storage', () => {
  it('survives close and reopen with types and indexes intact', async () => {
    const first = await fileEngine();
    try {
      await run(first.engine, 'db', {
        createIndexes: 'c',
        indexes: [{ key: { e: 1 }, name: 'e_1', unique: true }],
      });
      await run(first.engine, 'db', {
        insert: 'c',
        documents: [{ _id: 1, e: 'a', d: new Double(1), l: Long.fromNumber(7) }],
      });
      await run(first.engine, 'db', {
        update: 'c',
        updates: [{ q: { _id: 1 }, u: { $inc: { d: new Double(1) } } }],
      });
      await first.engine.close();
      const second = await fileEngine(first.dir);
      const r = await second.engine.run('db', { find: 'c', filter: { e: 'a' } }, { connectionId: 1 });
      expect(r.cursor.firstBatch[0].d).toBeInstanceOf(Double);
      expect(r.cursor.firstBatch[0].d.value).toBe(2);
      expect(String(r.cursor.firstBatch[0].l)).toBe('7');
      expect(second.engine.lastPlan()).toMatchObject({ indexName: 'e_1' });
      expect(
        (await run(second.engine, 'db', { insert: 'c', documents: [{ e: 'a' }] })).writeErrors[0].code,
      ).toBe(11000);
      await second.engine.close();
    } finally {
      await first.cleanup();
    }
  });
});

describe('concurrent commands', () => {
  it('concurrent inserts of one unique key: exactly one wins, the other gets 11000', async () => {
    const { engine } = memEngine();
    await run(engine, 'db', { createIndexes: 'c', indexes: [{ key: { k: 1 }, name: 'k_1', unique: true }] });
    const replies = await Promise.all(
      Array.from({ length: 5 }, () => run(engine, 'db', { insert: 'c', documents: [{ k: 'same' }] })),
    );
    expect(replies.filter((r) => r.n === 1)).toHaveLength(1);
    expect(replies.filter((r) => r.writeErrors?.[0]?.code === 11000)).toHaveLength(4);
  });

  it('concurrent $inc on one document loses no increment', async () => {
    const { engine, storage } = memEngine();
    await run(engine, 'db', { insert: 'c', documents: [{ _id: 1, n: 0 }] });
    await Promise.all(
      Array.from({ length: 50 }, () =>
        run(engine, 'db', { update: 'c', updates: [{ q: { _id: 1 }, u: { $inc: { n: 1 } } }] }),
      ),
    );
    expect(await findAll(engine, 'db', 'c')).toEqual([{ _id: 1, n: 50 }]);
    const { engine: again } = memEngine(storage.all());
    expect(await findAll(again, 'db', 'c')).toEqual([{ _id: 1, n: 50 }]);
  });
});

describe('failed group commits unwind in order', () => {
  it('an insert and an update stacked on it, both failing, leave no trace', async () => {
    const { engine, storage } = memEngine();
    await run(engine, 'db', { create: 'c' });
    storage.failNext = 2;
    const [a, b] = await Promise.allSettled([
      run(engine, 'db', { insert: 'c', documents: [{ _id: 1, n: 1 }] }),
      run(engine, 'db', { update: 'c', updates: [{ q: { _id: 1 }, u: { $inc: { n: 1 } } }] }),
    ]);
    expect(a.status).toBe('rejected');
    expect(b.status).toBe('rejected');
    expect(await findAll(engine, 'db', 'c')).toEqual([]);
    expect((await run(engine, 'db', { insert: 'c', documents: [{ _id: 1, n: 5 }] })).n).toBe(1);
  });
});

describe('recovery keeps text and geo indexes, views, collMod changes and collations', () => {
  it('a new engine over the journal, and over a snapshot, answers the same', async () => {
    const { engine, storage } = memEngine();
    await run(engine, 'db', {
      create: 'people',
      collation: { locale: 'en', strength: 2 },
      validator: { age: { $gte: 0 } },
    });
    await run(engine, 'db', {
      insert: 'people',
      documents: [
        {
          _id: 1,
          name: 'Ann',
          bio: 'coffee lover',
          loc: { type: 'Point', coordinates: [121.49, 31.24] },
          age: 3,
        },
        { _id: 2, name: 'bob', bio: 'tea', loc: { type: 'Point', coordinates: [116.4, 39.9] }, age: 5 },
      ],
    });
    await run(engine, 'db', {
      createIndexes: 'people',
      indexes: [
        { key: { bio: 'text' }, name: 'bio_text' },
        { key: { loc: '2dsphere' }, name: 'loc_2dsphere' },
        { key: { name: 1 }, name: 'name_1', unique: true },
      ],
    });
    await run(engine, 'db', {
      create: 'adults',
      viewOn: 'people',
      pipeline: [{ $match: { age: { $gte: 4 } } }],
    });
    await run(engine, 'db', { collMod: 'people', validator: { age: { $gte: 1 } } });
    const check = async (e: typeof engine) => {
      const text = await findAll(e, 'db', 'people', { filter: { $text: { $search: 'COFFEE' } } });
      expect(text.map((d) => d._id)).toEqual([1]);
      const near = await findAll(e, 'db', 'people', {
        filter: { loc: { $near: { $geometry: { type: 'Point', coordinates: [121, 31] } } } },
      });
      expect(near.map((d) => d._id)).toEqual([1, 2]);
      expect((await findAll(e, 'db', 'adults')).map((d) => d._id)).toEqual([2]);
      expect((await findAll(e, 'db', 'people', { filter: { name: 'ANN' } })).map((d) => d._id)).toEqual([1]);
      const dup = await run(e, 'db', { insert: 'people', documents: [{ _id: 3, name: 'BOB', age: 9 }] });
      expect(dup.writeErrors[0]).toMatchObject({ code: 11000 });
      const invalid = await run(e, 'db', { insert: 'people', documents: [{ _id: 4, name: 'cy', age: 0 }] });
      expect(invalid.writeErrors[0]).toMatchObject({ code: 121 });
    };
    await check(engine);
    await check(memEngine(storage.all()).engine);
    // A checkpoint after the next commit: the snapshot alone must rebuild the same state.
    storage.checkpointBytes = 0;
    await run(engine, 'db', { insert: 'other', documents: [{ _id: 1 }] });
    await new Promise((resolve) => setImmediate(resolve));
    const snapshot = storage.checkpoints.at(-1);
    expect(snapshot).toBeDefined();
    await check(memEngine(snapshot).engine);
  });
});
