import { MongoBulkWriteError, MongoServerError } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type ConformanceTarget, openTarget } from './harness.js';

vi.setConfig({ testTimeout: 20_000, hookTimeout: 30_000 });

async function failure(promise: Promise<unknown>): Promise<MongoServerError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MongoServerError);
  return error as MongoServerError;
}

describe('conformance: collections and indexes', () => {
  let t: ConformanceTarget;
  beforeAll(async () => {
    t = await openTarget('colls');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('create, listCollections (filter, nameOnly), drop', async () => {
    await t.db.createCollection('alpha');
    await t.db.createCollection('beta');
    await t.db.collection('gamma').insertOne({ x: 1 }); // implicit creation
    const all = await t.db.listCollections().toArray();
    expect(all.map((c) => c.name).sort()).toEqual(expect.arrayContaining(['alpha', 'beta', 'gamma']));
    const alpha = all.find((c) => c.name === 'alpha');
    expect(alpha?.type).toBe('collection');
    const filtered = await t.db.listCollections({ name: 'beta' }).toArray();
    expect(filtered.map((c) => c.name)).toEqual(['beta']);
    const names = await t.db.listCollections({}, { nameOnly: true }).toArray();
    expect(names.find((c) => c.name === 'gamma')).toMatchObject({ name: 'gamma', type: 'collection' });
    expect(await t.db.collection('beta').drop()).toBe(true);
    const after = await t.db.listCollections({}, { nameOnly: true }).toArray();
    expect(after.map((c) => c.name)).not.toContain('beta');
    // Dropping a missing collection: servers answer NamespaceNotFound (or ok in newer releases);
    // the driver's drop() must not throw either way.
    await t.db.collection('never-existed').drop();
    const raw = await t.db.command({ drop: 'never-existed' }).catch((e: unknown) => e);
    if (raw instanceof MongoServerError)
      expect(raw).toMatchObject({ code: 26, codeName: 'NamespaceNotFound' });
    else expect(raw).toMatchObject({ ok: 1 });
  });

  it('renameCollection moves the documents and refuses an existing target without dropTarget', async () => {
    await t.db.collection('from').insertMany([{ a: 1 }, { a: 2 }]);
    await t.db.collection('taken').insertOne({ b: 1 });
    const error = await failure(t.db.renameCollection('from', 'taken'));
    expect(error.code).toBe(48);
    await t.db.renameCollection('from', 'to');
    expect(await t.db.collection('to').countDocuments()).toBe(2);
    expect(await t.db.collection('from').countDocuments()).toBe(0);
    await t.db.renameCollection('to', 'taken', { dropTarget: true });
    expect(await t.db.collection('taken').countDocuments({ a: { $exists: true } })).toBe(2);
    expect(await t.db.collection('taken').countDocuments({ b: { $exists: true } })).toBe(0);
  });

  it('dropDatabase removes every collection', async () => {
    const other = t.client.db(`${t.dbName}_x`);
    await other.collection('c').insertOne({ a: 1 });
    expect(await other.dropDatabase()).toBe(true);
    const dbs = await t.client.db('admin').admin().listDatabases({ nameOnly: true });
    expect(dbs.databases.map((d) => d.name)).not.toContain(`${t.dbName}_x`);
  });

  it('createIndexes (single, compound, options), listIndexes, dropIndexes', async () => {
    const c = t.db.collection('idx');
    await c.insertOne({ a: 1, b: 2 });
    expect(await c.createIndex({ a: 1 })).toBe('a_1');
    expect(await c.createIndex({ a: 1, b: -1 }, { name: 'ab' })).toBe('ab');
    expect(await c.createIndex({ at: 1 }, { expireAfterSeconds: 3600 })).toBe('at_1');
    const indexes = await c.listIndexes().toArray();
    expect(indexes.map((i) => i.name)).toEqual(['_id_', 'a_1', 'ab', 'at_1']);
    expect(indexes[0]).toMatchObject({ key: { _id: 1 }, name: '_id_' });
    expect(indexes[2]?.key).toEqual({ a: 1, b: -1 });
    expect(indexes[3]?.expireAfterSeconds).toBe(3600);
    // Creating the same index again is a no-op; the same name with other keys is a conflict.
    expect(await c.createIndex({ a: 1 })).toBe('a_1');
    const conflict = await failure(c.createIndex({ b: 1 }, { name: 'a_1' }));
    expect([85, 86]).toContain(conflict.code);
    await c.dropIndex('ab');
    expect((await c.listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_', 'a_1', 'at_1']);
    const missing = await failure(c.dropIndex('nope'));
    expect(missing.code).toBe(27);
    await c.dropIndexes();
    expect((await c.listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_']);
  });

  it('a unique index rejects duplicates with 11000, keyPattern and keyValue', async () => {
    const c = t.db.collection('uniq');
    await c.createIndex({ email: 1 }, { unique: true });
    await c.insertOne({ email: 'a@x.io' });
    const error = await failure(c.insertOne({ email: 'a@x.io' }));
    expect(error.code).toBe(11000);
    expect(error.keyPattern).toEqual({ email: 1 });
    expect(error.keyValue).toEqual({ email: 'a@x.io' });
    expect(error.message).toMatch(
      new RegExp(
        `^E11000 duplicate key error collection: ${t.dbName}\\.uniq index: email_1 dup key: \\{ email: "a@x\\.io" \\}`,
      ),
    );
    // The _id index is unique too.
    const doc = await c.findOne({ email: 'a@x.io' });
    const idError = await failure(c.insertOne({ _id: doc!._id, email: 'other' }));
    expect(idError.code).toBe(11000);
    expect(idError.keyPattern).toEqual({ _id: 1 });
    // An update that would create a duplicate fails and changes nothing.
    await c.insertOne({ email: 'b@x.io' });
    const updateError = await failure(c.updateOne({ email: 'b@x.io' }, { $set: { email: 'a@x.io' } }));
    expect(updateError.code).toBe(11000);
    expect(await c.countDocuments({ email: 'b@x.io' })).toBe(1);
  });

  it('a unique index cannot be built over existing duplicates', async () => {
    const c = t.db.collection('uniq-late');
    await c.insertMany([{ k: 1 }, { k: 1 }]);
    const error = await failure(c.createIndex({ k: 1 }, { unique: true }));
    expect(error.code).toBe(11000);
    expect((await c.listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_']);
  });

  it('compound unique keys, missing fields as null, sparse and partial unique indexes', async () => {
    const compound = t.db.collection('uniq-compound');
    await compound.createIndex({ a: 1, b: 1 }, { unique: true });
    await compound.insertMany([
      { a: 1, b: 1 },
      { a: 1, b: 2 },
    ]);
    const dup = await failure(compound.insertOne({ a: 1, b: 2 }));
    expect(dup.keyValue).toEqual({ a: 1, b: 2 });

    const dense = t.db.collection('uniq-dense');
    await dense.createIndex({ tag: 1 }, { unique: true });
    await dense.insertOne({ x: 1 });
    const nullDup = await failure(dense.insertOne({ x: 2 }));
    expect(nullDup.keyValue).toEqual({ tag: null });

    const sparse = t.db.collection('uniq-sparse');
    await sparse.createIndex({ tag: 1 }, { unique: true, sparse: true });
    await sparse.insertMany([{ x: 1 }, { x: 2 }, { tag: 't' }]);
    expect((await failure(sparse.insertOne({ tag: 't' }))).code).toBe(11000);

    const partial = t.db.collection('uniq-partial');
    await partial.createIndex(
      { slug: 1 },
      { unique: true, partialFilterExpression: { status: 'active' }, name: 'slug_active' },
    );
    await partial.insertMany([
      { slug: 's', status: 'active' },
      { slug: 's', status: 'archived' },
      { slug: 's', status: 'archived' },
    ]);
    expect((await failure(partial.insertOne({ slug: 's', status: 'active' }))).code).toBe(11000);
    const spec = (await partial.listIndexes().toArray()).find((i) => i.name === 'slug_active');
    expect(spec?.partialFilterExpression).toEqual({ status: 'active' });
  });

  it('a unique multikey index conflicts per array element, not within one document', async () => {
    const c = t.db.collection('uniq-multikey');
    await c.createIndex(
      { ws: 1, form: 1, tags: 1 },
      { unique: true, partialFilterExpression: { tags: { $exists: true } }, name: 'ws_form_tags' },
    );
    await c.insertOne({ _id: 'a', ws: 1, form: 1, tags: ['k\u0000x', 'n\u0000y'] } as never);
    // One document may repeat its own element; another form's documents are a different key.
    await c.insertOne({ _id: 'b', ws: 1, form: 1, tags: ['k\u0000z', 'k\u0000z'] } as never);
    await c.insertOne({ _id: 'c', ws: 1, form: 2, tags: ['k\u0000x'] } as never);
    // Documents without the array are outside the partial index and repeat freely.
    await c.insertMany([
      { ws: 1, form: 1 },
      { ws: 1, form: 1 },
    ]);
    const dup = await failure(c.insertOne({ ws: 1, form: 1, tags: ['q\u0000q', 'n\u0000y'] }));
    expect(dup.code).toBe(11000);
    expect(dup.keyPattern).toEqual({ ws: 1, form: 1, tags: 1 });
    expect(dup.keyValue).toEqual({ ws: 1, form: 1, tags: 'n\u0000y' });
    // An update that adds a taken element fails and changes nothing; keeping one's own elements is fine.
    const upd = await failure(c.updateOne({ _id: 'b' } as never, { $set: { tags: ['k\u0000x'] } }));
    expect(upd.keyValue).toEqual({ ws: 1, form: 1, tags: 'k\u0000x' });
    expect((await c.findOne({ _id: 'b' } as never))?.tags).toEqual(['k\u0000z', 'k\u0000z']);
    await c.updateOne({ _id: 'a' } as never, { $set: { tags: ['n\u0000y', 'k\u0000x', 'm\u0000w'] } });
    // Removing the array frees its elements for other documents.
    await c.updateOne({ _id: 'a' } as never, { $unset: { tags: '' } });
    await c.insertOne({ ws: 1, form: 1, tags: ['k\u0000x'] });
    expect(await c.countDocuments({ form: 1, tags: 'k\u0000x' })).toBe(1);
  });

  it('unordered inserts report each duplicate and keep the rest', async () => {
    const c = t.db.collection('uniq-bulk');
    await c.createIndex({ k: 1 }, { unique: true });
    const error = await c
      .insertMany([{ k: 1 }, { k: 1 }, { k: 2 }, { k: 2 }, { k: 3 }], { ordered: false })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoBulkWriteError);
    const bulk = error as MongoBulkWriteError;
    expect(bulk.insertedCount).toBe(3);
    expect(bulk.writeErrors).toHaveLength(2);
    const indexes = (Array.isArray(bulk.writeErrors) ? bulk.writeErrors : [bulk.writeErrors]).map(
      (e) => e.index,
    );
    expect(indexes).toEqual([1, 3]);
  });

  it('queries on indexed fields are planned on the index', async () => {
    const c = t.db.collection('planned');
    await c.insertMany(Array.from({ length: 50 }, (_, i) => ({ n: i, s: `v${i}` })));
    await c.createIndex({ n: 1 });
    const plan = JSON.stringify(await c.find({ n: 7 }).explain());
    expect(plan).toContain('IXSCAN');
    const range = JSON.stringify(await c.find({ n: { $gte: 10, $lt: 20 } }).explain());
    expect(range).toContain('IXSCAN');
    const scan = JSON.stringify(await c.find({ s: 'v7' }).explain());
    expect(scan).toContain('COLLSCAN');
  });
});
