import { Long } from 'bson';
import { describe, expect, it } from 'vitest';
import { findAll, memEngine, run, runErr } from './helpers.js';

describe('collection commands', () => {
  it('create / NamespaceExists 48 / drop / NamespaceNotFound 26 / listCollections with filter and nameOnly', async () => {
    const { engine } = memEngine();
    await run(engine, 'db', { create: 'a' });
    await run(engine, 'db', { create: 'b', validator: { x: { $exists: true } } });
    expect((await runErr(engine, 'db', { create: 'a' })).code).toBe(48);
    const all = await run(engine, 'db', { listCollections: 1, cursor: {} });
    expect(all.cursor.ns).toBe('db.$cmd.listCollections');
    expect(all.cursor.id).toEqual(Long.ZERO);
    expect(all.cursor.firstBatch.map((c: { name: string }) => c.name).sort()).toEqual(['a', 'b']);
    expect(all.cursor.firstBatch.find((c: { name: string }) => c.name === 'b')).toMatchObject({
      type: 'collection',
      options: { validator: { x: { $exists: true } } },
    });
    const names = await run(engine, 'db', {
      listCollections: 1,
      filter: { name: 'a' },
      nameOnly: true,
      cursor: {},
    });
    expect(names.cursor.firstBatch).toEqual([{ name: 'a', type: 'collection' }]);
    expect(await run(engine, 'db', { drop: 'a' })).toMatchObject({ ok: 1, ns: 'db.a' });
    const e = await runErr(engine, 'db', { drop: 'a' });
    expect(e).toMatchObject({ code: 26, codeName: 'NamespaceNotFound' });
  });

  it('listCollections cursors page through getMore on $cmd.listCollections', async () => {
    const { engine } = memEngine();
    for (const n of ['a', 'b', 'c']) await run(engine, 'db', { create: n });
    const first = await run(engine, 'db', { listCollections: 1, nameOnly: true, cursor: { batchSize: 1 } });
    expect(first.cursor.firstBatch).toHaveLength(1);
    const rest = await run(engine, 'db', { getMore: first.cursor.id, collection: '$cmd.listCollections' });
    expect(rest.cursor.nextBatch).toHaveLength(2);
    expect(rest.cursor.ns).toBe('db.$cmd.listCollections');
    const again = await run(engine, 'db', { listCollections: 1, cursor: { batchSize: 1 } });
    const killed = await run(engine, 'db', {
      killCursors: '$cmd.listCollections',
      cursors: [again.cursor.id],
    });
    expect(killed.cursorsKilled).toEqual([again.cursor.id]);
  });

  it('invalid names are InvalidNamespace 73', async () => {
    const { engine } = memEngine();
    expect((await runErr(engine, 'db', { create: 'a$b' })).code).toBe(73);
    expect((await runErr(engine, 'bad.db', { create: 'x' })).code).toBe(73);
    expect((await runErr(engine, 'db', { insert: '', documents: [{}] })).code).toBe(73);
  });

  it('dropDatabase and listDatabases', async () => {
    const { engine } = memEngine();
    await run(engine, 'one', { insert: 'c', documents: [{ a: 1 }] });
    await run(engine, 'two', { insert: 'c', documents: [{ a: 1 }] });
    const list = await run(engine, 'admin', { listDatabases: 1 });
    expect(list.databases.map((d: { name: string }) => d.name).sort()).toEqual(['one', 'two']);
    expect(list.databases[0].sizeOnDisk).toBeGreaterThan(0);
    expect(await run(engine, 'one', { dropDatabase: 1 })).toMatchObject({ dropped: 'one', ok: 1 });
    const after = await run(engine, 'admin', { listDatabases: 1, nameOnly: true });
    expect(after.databases).toEqual([{ name: 'two' }]);
  });

  it('renameCollection runs against admin with full namespaces, keeps indexes, honours dropTarget', async () => {
    const { engine } = memEngine();
    await run(engine, 'db', { insert: 'a', documents: [{ _id: 1, u: 1 }] });
    await run(engine, 'db', { createIndexes: 'a', indexes: [{ key: { u: 1 }, name: 'u_1', unique: true }] });
    await run(engine, 'db', { insert: 'b', documents: [{ _id: 9 }] });
    expect((await runErr(engine, 'db', { renameCollection: 'db.a', to: 'db.c' })).code).toBe(13);
    expect((await runErr(engine, 'admin', { renameCollection: 'db.a', to: 'db.b' })).code).toBe(48);
    expect((await runErr(engine, 'admin', { renameCollection: 'db.zz', to: 'db.y' })).code).toBe(26);
    await run(engine, 'admin', { renameCollection: 'db.a', to: 'db.b', dropTarget: true });
    expect(await findAll(engine, 'db', 'b')).toEqual([{ _id: 1, u: 1 }]);
    const dup = await run(engine, 'db', { insert: 'b', documents: [{ u: 1 }] });
    expect(dup.writeErrors[0]).toMatchObject({ code: 11000 });
    expect(dup.writeErrors[0].errmsg).toContain('collection: db.b index: u_1');
    expect(
      (await run(engine, 'db', { listCollections: 1, nameOnly: true, cursor: {} })).cursor.firstBatch,
    ).toEqual([{ name: 'b', type: 'collection' }]);
  });

  it('createIndexes / listIndexes / dropIndexes by name, key and "*"', async () => {
    const { engine } = memEngine();
    const r = await run(engine, 'db', {
      createIndexes: 'c',
      indexes: [
        { key: { a: 1 }, name: 'a_1' },
        { key: { b: -1, c: 1 }, name: 'b_-1_c_1', sparse: true },
        { key: { t: 1 }, name: 't_1', expireAfterSeconds: 3600 },
      ],
    });
    expect(r).toMatchObject({
      numIndexesBefore: 1,
      numIndexesAfter: 4,
      createdCollectionAutomatically: true,
      ok: 1,
    });
    const again = await run(engine, 'db', { createIndexes: 'c', indexes: [{ key: { a: 1 }, name: 'a_1' }] });
    expect(again).toMatchObject({
      numIndexesBefore: 4,
      numIndexesAfter: 4,
      note: 'all indexes already exist',
    });
    expect(
      (
        await runErr(engine, 'db', {
          createIndexes: 'c',
          indexes: [{ key: { a: 1 }, name: 'a_1', unique: true }],
        })
      ).code,
    ).toBe(85);
    expect(
      (await runErr(engine, 'db', { createIndexes: 'c', indexes: [{ key: { z: 1 }, name: 'a_1' }] })).code,
    ).toBe(86);
    const list = await run(engine, 'db', { listIndexes: 'c', cursor: {} });
    expect(list.cursor.firstBatch).toEqual([
      { v: 2, key: { _id: 1 }, name: '_id_' },
      { v: 2, key: { a: 1 }, name: 'a_1' },
      { v: 2, key: { b: -1, c: 1 }, name: 'b_-1_c_1', sparse: true },
      { v: 2, key: { t: 1 }, name: 't_1', expireAfterSeconds: 3600 },
    ]);
    expect(await run(engine, 'db', { dropIndexes: 'c', index: { b: -1, c: 1 } })).toMatchObject({
      nIndexesWas: 4,
    });
    expect((await runErr(engine, 'db', { dropIndexes: 'c', index: 'nope' })).code).toBe(27);
    expect((await runErr(engine, 'db', { dropIndexes: 'c', index: '_id_' })).code).toBe(72);
    await run(engine, 'db', { dropIndexes: 'c', index: '*' });
    expect((await run(engine, 'db', { listIndexes: 'c', cursor: {} })).cursor.firstBatch).toHaveLength(1);
    expect((await runErr(engine, 'db', { listIndexes: 'missing', cursor: {} })).code).toBe(26);
  });

  it('dbStats and collStats report counts, sizes and index counts', async () => {
    const { engine } = memEngine();
    await run(engine, 'db', {
      insert: 'c',
      documents: Array.from({ length: 50 }, (_, i) => ({ i, s: 'x'.repeat(100) })),
    });
    await run(engine, 'db', { createIndexes: 'c', indexes: [{ key: { i: 1 }, name: 'i_1' }] });
    const cs = await run(engine, 'db', { collStats: 'c' });
    expect(cs).toMatchObject({ ns: 'db.c', count: 50, nindexes: 2 });
    expect(cs.size).toBeGreaterThan(50 * 100);
    expect(cs.totalIndexSize).toBeGreaterThan(0);
    const ds = await run(engine, 'db', { dbStats: 1 });
    expect(ds).toMatchObject({ db: 'db', collections: 1, objects: 50, indexes: 2 });
    expect((await runErr(engine, 'db', { collStats: 'zz' })).code).toBe(26);
  });
});

describe('cursors', () => {
  it('find batches with getMore (Long ids), killCursors, CursorNotFound 43', async () => {
    const { engine } = memEngine();
    await run(engine, 'db', { insert: 'c', documents: Array.from({ length: 250 }, (_, i) => ({ _id: i })) });
    const first = await run(engine, 'db', { find: 'c' });
    expect(first.cursor.firstBatch).toHaveLength(101);
    expect(first.cursor.id).toBeInstanceOf(Long);
    expect(first.cursor.ns).toBe('db.c');
    const more = await run(engine, 'db', { getMore: first.cursor.id, collection: 'c', batchSize: 100 });
    expect(more.cursor.nextBatch).toHaveLength(100);
    const last = await run(engine, 'db', { getMore: first.cursor.id, collection: 'c' });
    expect(last.cursor.nextBatch).toHaveLength(49);
    expect(last.cursor.id).toEqual(Long.ZERO);
    expect((await runErr(engine, 'db', { getMore: first.cursor.id, collection: 'c' })).code).toBe(43);

    const b = await run(engine, 'db', { find: 'c', batchSize: 10 });
    const k = await run(engine, 'db', { killCursors: 'c', cursors: [b.cursor.id, Long.fromNumber(12345)] });
    expect(k.cursorsKilled).toEqual([b.cursor.id]);
    expect(k.cursorsNotFound).toEqual([Long.fromNumber(12345)]);
    expect((await runErr(engine, 'db', { getMore: b.cursor.id, collection: 'c' })).code).toBe(43);
  });

  it('limit, skip, singleBatch and batchSize 0', async () => {
    const { engine } = memEngine();
    await run(engine, 'db', { insert: 'c', documents: Array.from({ length: 30 }, (_, i) => ({ _id: i })) });
    const one = await run(engine, 'db', { find: 'c', filter: {}, limit: 1, singleBatch: true });
    expect(one.cursor).toMatchObject({ firstBatch: [{ _id: 0 }], id: Long.ZERO });
    const page = await run(engine, 'db', { find: 'c', sort: { _id: -1 }, skip: 5, limit: 3 });
    expect(page.cursor.firstBatch.map((d: { _id: number }) => d._id)).toEqual([24, 23, 22]);
    const zero = await run(engine, 'db', { find: 'c', batchSize: 0 });
    expect(zero.cursor.firstBatch).toEqual([]);
    expect(zero.cursor.id).not.toEqual(Long.ZERO);
    expect(await findAll(engine, 'db', 'missing')).toEqual([]);
  });

  it('idle cursors time out and cursors of a closed connection are killed', async () => {
    const { engine } = memEngine();
    await run(engine, 'db', { insert: 'c', documents: Array.from({ length: 5 }, (_, i) => ({ _id: i })) });
    const a = await run(engine, 'db', { find: 'c', batchSize: 1 });
    expect(engine.sweepCursors(Date.now() + 11 * 60 * 1000)).toBe(1);
    expect((await runErr(engine, 'db', { getMore: a.cursor.id, collection: 'c' })).code).toBe(43);
    const b = await run(engine, 'db', { find: 'c', batchSize: 1 });
    engine.connectionClosed(1);
    expect((await runErr(engine, 'db', { getMore: b.cursor.id, collection: 'c' })).code).toBe(43);
  });
});

describe('reads', () => {
  it('count with query, skip and limit; distinct with arrays and query', async () => {
    const { engine } = memEngine();
    await run(engine, 'db', {
      insert: 'c',
      documents: [{ a: 1, t: ['x', 'y'] }, { a: 2, t: 'x' }, { a: 2, t: ['z'] }, { a: 3 }],
    });
    expect((await run(engine, 'db', { count: 'c' })).n).toBe(4);
    expect((await run(engine, 'db', { count: 'c', query: { a: 2 } })).n).toBe(2);
    expect((await run(engine, 'db', { count: 'c', query: {}, skip: 1, limit: 2 })).n).toBe(2);
    expect((await run(engine, 'db', { count: 'missing' })).n).toBe(0);
    expect((await run(engine, 'db', { distinct: 'c', key: 't' })).values).toEqual(['x', 'y', 'z']);
    expect((await run(engine, 'db', { distinct: 'c', key: 'a', query: { a: { $gt: 1 } } })).values).toEqual([
      2, 3,
    ]);
  });

  it('compares under a collation, and refuses an invalid one', async () => {
    const { engine } = memEngine();
    await run(engine, 'db', { insert: 'c', documents: [{ a: 'A' }] });
    expect(
      (await run(engine, 'db', { find: 'c', filter: { a: 'a' }, collation: { locale: 'simple' } })).cursor
        .firstBatch,
    ).toEqual([]);
    const ci = await run(engine, 'db', {
      find: 'c',
      filter: { a: 'a' },
      collation: { locale: 'en', strength: 2 },
    });
    expect(ci.cursor.firstBatch).toHaveLength(1);
    expect((await runErr(engine, 'db', { find: 'c', collation: { locale: 'xx-nope' } })).code).toBe(2);
    expect((await runErr(engine, 'db', { find: 'c', collation: { strength: 2 } })).code).toBe(40414);
  });

  it('bad queries are BadValue 2', async () => {
    const { engine } = memEngine();
    await run(engine, 'db', { insert: 'c', documents: [{ a: 1 }] });
    expect((await runErr(engine, 'db', { find: 'c', filter: { a: { $frob: 1 } } })).code).toBe(2);
  });
});

describe('findAndModify', () => {
  it('returns the old or new document, upserts, sorts, projects and removes', async () => {
    const { engine } = memEngine();
    await run(engine, 'db', {
      insert: 'c',
      documents: [
        { _id: 1, q: 1, v: 'a' },
        { _id: 2, q: 1, v: 'b' },
      ],
    });
    const old = await run(engine, 'db', {
      findAndModify: 'c',
      query: { q: 1 },
      sort: { _id: -1 },
      update: { $set: { v: 'B' } },
    });
    expect(old).toMatchObject({
      lastErrorObject: { n: 1, updatedExisting: true },
      value: { _id: 2, v: 'b' },
      ok: 1,
    });
    const fresh = await run(engine, 'db', {
      findAndModify: 'c',
      query: { _id: 1 },
      update: { $inc: { n: 1 } },
      new: true,
      fields: { n: 1 },
    });
    expect(fresh.value).toEqual({ _id: 1, n: 1 });
    const up = await run(engine, 'db', {
      findAndModify: 'c',
      query: { _id: 7 },
      update: { $set: { v: 'z' } },
      upsert: true,
      new: true,
    });
    expect(up).toMatchObject({
      lastErrorObject: { n: 1, updatedExisting: false, upserted: 7 },
      value: { _id: 7, v: 'z' },
    });
    const none = await run(engine, 'db', {
      findAndModify: 'c',
      query: { _id: 99 },
      update: { $set: { v: 1 } },
    });
    expect(none).toMatchObject({ lastErrorObject: { n: 0, updatedExisting: false }, value: null });
    const rm = await run(engine, 'db', { findAndModify: 'c', query: { _id: 7 }, remove: true });
    expect(rm).toMatchObject({ lastErrorObject: { n: 1 }, value: { _id: 7, v: 'z' } });
    expect((await run(engine, 'db', { count: 'c' })).n).toBe(2);
  });

  it('mongoose version guard: query on { _id, __v } misses after a concurrent bump', async () => {
    const { engine } = memEngine();
    await run(engine, 'db', { insert: 'c', documents: [{ _id: 1, __v: 0, xs: [] }] });
    await run(engine, 'db', {
      findAndModify: 'c',
      query: { _id: 1, __v: 0 },
      update: { $push: { xs: 1 }, $inc: { __v: 1 } },
    });
    const stale = await run(engine, 'db', {
      findAndModify: 'c',
      query: { _id: 1, __v: 0 },
      update: { $push: { xs: 2 }, $inc: { __v: 1 } },
    });
    expect(stale.value).toBeNull();
  });

  it('a duplicate key in findAndModify is a command error with keyPattern/keyValue', async () => {
    const { engine } = memEngine();
    await run(engine, 'db', { createIndexes: 'c', indexes: [{ key: { e: 1 }, name: 'e_1', unique: true }] });
    await run(engine, 'db', {
      insert: 'c',
      documents: [
        { _id: 1, e: 'x' },
        { _id: 2, e: 'y' },
      ],
    });
    const e = await runErr(engine, 'db', {
      findAndModify: 'c',
      query: { _id: 2 },
      update: { $set: { e: 'x' } },
    });
    expect(e.toReply()).toMatchObject({
      ok: 0,
      code: 11000,
      codeName: 'DuplicateKey',
      keyPattern: { e: 1 },
      keyValue: { e: 'x' },
    });
  });
});

describe('limits and refusals', () => {
  it('transactions answer IllegalOperation 20 with the standalone message', async () => {
    const { engine } = memEngine();
    const e = await runErr(engine, 'db', {
      insert: 'c',
      documents: [{}],
      txnNumber: Long.fromNumber(1),
      startTransaction: true,
      autocommit: false,
    });
    expect(e).toMatchObject({
      code: 20,
      codeName: 'IllegalOperation',
      message: 'Transaction numbers are only allowed on a replica set member or mongos',
    });
  });

  it('unknown commands are CommandNotFound 59', async () => {
    const { engine } = memEngine();
    expect(engine.handles('find')).toBe(true);
    expect(engine.handles('findAndModify')).toBe(true);
    expect(engine.handles('hello')).toBe(false);
    expect(await runErr(engine, 'db', { nope: 1 })).toMatchObject({ code: 59, codeName: 'CommandNotFound' });
  });

  it('documents over 16 MiB are BSONObjectTooLarge 10334; batches over 100,000 are refused', async () => {
    const { engine } = memEngine();
    const ctx = { connectionId: 1 };
    // Sent without the BSON round trip: the engine sees what the wire would hand it.
    const big = await engine.run(
      'db',
      { insert: 'c', documents: [{ s: 'x'.repeat(16 * 1024 * 1024) }] },
      ctx,
    );
    expect(big.writeErrors[0]).toMatchObject({ index: 0, code: 10334, codeName: 'BSONObjectTooLarge' });
    await engine.run('db', { insert: 'c', documents: [{ _id: 1, s: 'x'.repeat(9 * 1024 * 1024) }] }, ctx);
    const grow = await engine.run(
      'db',
      { update: 'c', updates: [{ q: { _id: 1 }, u: { $set: { t: 'y'.repeat(9 * 1024 * 1024) } } }] },
      ctx,
    );
    expect(grow.writeErrors[0].code).toBe(10334);
    const e = await engine
      .run('db', { insert: 'c', documents: Array.from({ length: 100_001 }, () => ({})) }, ctx)
      .catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 16 });
  }, 20_000);

  it('an insert whose wire message could hold a document over 16 MiB still measures each one', async () => {
    const { engine } = memEngine();
    // The message size bounds the raw documents; the _id the store adds (17 bytes) must not slip one
    // over: 16 MiB - 5 bytes as sent, 16 MiB + 12 as stored.
    const limit = 16 * 1024 * 1024;
    const nearly = { s: 'x'.repeat(limit - 18) };
    const reply = await engine.run(
      'db',
      { insert: 'c', documents: [nearly] },
      { connectionId: 1, messageBytes: limit - 5 },
    );
    expect(reply.writeErrors[0]).toMatchObject({ index: 0, code: 10334 });
    const small = await engine.run(
      'db',
      { insert: 'c', documents: [{ _id: 2, s: 'fits' }] },
      { connectionId: 1, messageBytes: 200 },
    );
    expect(small.n).toBe(1);
  }, 20_000);

  it('$-prefixed field names are stored (MongoDB 5.0+) but refused inside _id', async () => {
    const { engine } = memEngine();
    const ok = await run(engine, 'db', { insert: 'c', documents: [{ $fine: 1 }] });
    expect(ok.n).toBe(1);
    const r = await run(engine, 'db', { insert: 'c', documents: [{ _id: { $bad: 1 } }] });
    expect(r.writeErrors[0]).toMatchObject({ code: 52, codeName: 'DollarPrefixedFieldName' });
  });
});

describe('server-side JavaScript is refused', () => {
  it('$where, $function and $accumulator never run code in the server process', async () => {
    const { engine } = memEngine();
    await run(engine, 'db', { insert: 'c', documents: [{ a: 1 }] });
    const marker = globalThis as { __pwned?: boolean };
    const code = 'function() { globalThis.__pwned = true; return true; }';
    await runErr(engine, 'db', { find: 'c', filter: { $where: code } });
    await runErr(engine, 'db', {
      aggregate: 'c',
      pipeline: [{ $project: { x: { $function: { body: code, args: [], lang: 'js' } } } }],
      cursor: {},
    });
    expect(marker.__pwned).toBeUndefined();
  });
});
