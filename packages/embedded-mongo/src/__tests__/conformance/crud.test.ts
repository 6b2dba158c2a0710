import { Int32, MongoBulkWriteError, MongoServerError, ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type AnyDoc, type ConformanceTarget, openTarget } from './harness.js';

vi.setConfig({ testTimeout: 20_000, hookTimeout: 30_000 });

describe('conformance: CRUD', () => {
  let t: ConformanceTarget;
  beforeAll(async () => {
    t = await openTarget('crud');
    await t.db.collection<AnyDoc>('people').insertMany([
      { _id: 1, name: 'ann', age: 31, city: 'oslo', tags: ['a', 'b'], address: { zip: '0150' } },
      { _id: 2, name: 'bob', age: 25, city: 'rome', tags: ['b'], address: { zip: '00100' } },
      {
        _id: 3,
        name: 'cid',
        age: 42,
        city: 'oslo',
        tags: [],
        scores: [
          { k: 'x', v: 3 },
          { k: 'y', v: 9 },
        ],
      },
      { _id: 4, name: 'dee', age: 25, city: 'lima' },
      { _id: 5, name: 'eve', age: null, city: 'rome', tags: ['c', 'a'] },
    ]);
  });
  afterAll(async () => {
    await t?.close();
  });

  const people = () => t.db.collection<{ _id: number } & Record<string, unknown>>('people');
  const ids = (docs: Array<{ _id: unknown }>) => docs.map((d) => d._id);

  it('inserts with generated ObjectIds and reports insertedIds', async () => {
    const c = t.db.collection<AnyDoc>('gen');
    const one = await c.insertOne({ a: 1 });
    expect(one.insertedId).toBeInstanceOf(ObjectId);
    const many = await c.insertMany([{ a: 2 }, { a: 3 }]);
    expect(many.insertedCount).toBe(2);
    expect(Object.keys(many.insertedIds)).toEqual(['0', '1']);
    expect(await c.countDocuments()).toBe(3);
  });

  it('ordered inserts stop at the first error; unordered continue', async () => {
    const c = t.db.collection<AnyDoc>('ordered');
    const ordered = await c.insertMany([{ _id: 1 }, { _id: 1 }, { _id: 2 }]).catch((e: unknown) => e);
    expect(ordered).toBeInstanceOf(MongoBulkWriteError);
    expect((ordered as MongoBulkWriteError).insertedCount).toBe(1);
    expect((ordered as MongoBulkWriteError).writeErrors).toMatchObject([{ index: 1, code: 11000 }]);
    expect(await c.countDocuments()).toBe(1);
    const unordered = await c
      .insertMany([{ _id: 1 }, { _id: 3 }, { _id: 3 }, { _id: 4 }], { ordered: false })
      .catch((e: unknown) => e);
    expect((unordered as MongoBulkWriteError).insertedCount).toBe(2);
    expect(ids(await c.find().sort({ _id: 1 }).toArray())).toEqual([1, 3, 4]);
  });

  it('find: comparison, logical, element, array and regex operators', async () => {
    expect(
      ids(
        await people()
          .find({ age: { $gt: 25 } })
          .sort({ _id: 1 })
          .toArray(),
      ),
    ).toEqual([1, 3]);
    expect(
      ids(
        await people()
          .find({ age: { $gte: 25, $lt: 40 } })
          .sort({ _id: 1 })
          .toArray(),
      ),
    ).toEqual([1, 2, 4]);
    expect(
      ids(
        await people()
          .find({ city: { $in: ['rome', 'lima'] } })
          .sort({ _id: 1 })
          .toArray(),
      ),
    ).toEqual([2, 4, 5]);
    expect(
      ids(
        await people()
          .find({ city: { $nin: ['oslo'] } })
          .sort({ _id: 1 })
          .toArray(),
      ),
    ).toEqual([2, 4, 5]);
    expect(
      ids(
        await people()
          .find({ $or: [{ age: 42 }, { name: 'bob' }] })
          .sort({ _id: 1 })
          .toArray(),
      ),
    ).toEqual([2, 3]);
    expect(
      ids(
        await people()
          .find({ $nor: [{ city: 'oslo' }, { city: 'rome' }] })
          .toArray(),
      ),
    ).toEqual([4]);
    expect(
      ids(
        await people()
          .find({ age: { $not: { $gt: 30 } } })
          .sort({ _id: 1 })
          .toArray(),
      ),
    ).toEqual([2, 4, 5]);
    expect(
      ids(
        await people()
          .find({ tags: { $exists: false } })
          .toArray(),
      ),
    ).toEqual([4]);
    expect(ids(await people().find({ age: null }).toArray())).toEqual([5]);
    expect(
      ids(
        await people()
          .find({ age: { $type: 'null' } })
          .toArray(),
      ),
    ).toEqual([5]);
    expect(ids(await people().find({ tags: 'a' }).sort({ _id: 1 }).toArray())).toEqual([1, 5]);
    expect(
      ids(
        await people()
          .find({ tags: { $all: ['a', 'b'] } })
          .toArray(),
      ),
    ).toEqual([1]);
    expect(
      ids(
        await people()
          .find({ tags: { $size: 0 } })
          .toArray(),
      ),
    ).toEqual([3]);
    expect(
      ids(
        await people()
          .find({ scores: { $elemMatch: { k: 'y', v: { $gt: 5 } } } })
          .toArray(),
      ),
    ).toEqual([3]);
    expect(ids(await people().find({ 'scores.v': 3 }).toArray())).toEqual([3]);
    expect(ids(await people().find({ 'address.zip': '0150' }).toArray())).toEqual([1]);
    expect(
      ids(
        await people()
          .find({ name: { $regex: '^[ab]' } })
          .sort({ _id: 1 })
          .toArray(),
      ),
    ).toEqual([1, 2]);
    expect(ids(await people().find({ name: /^E/i }).toArray())).toEqual([5]);
    // $mod never matches null or missing values (mingo's arithmetic would).
    expect(
      ids(
        await people()
          .find({ age: { $mod: [5, 0] } })
          .sort({ _id: 1 })
          .toArray(),
      ),
    ).toEqual([2, 4]);
    expect(
      ids(
        await people()
          .find({ $expr: { $gt: ['$age', 40] } })
          .toArray(),
      ),
    ).toEqual([3]);
  });

  it('find: sort, skip, limit and projections (_id first)', async () => {
    const sorted = await people().find().sort({ age: -1, _id: 1 }).skip(1).limit(3).toArray();
    expect(ids(sorted)).toEqual([1, 2, 4]);
    const projected = await people().findOne({ _id: 1 }, { projection: { name: 1, age: 1 } });
    expect(Object.keys(projected ?? {})).toEqual(['_id', 'name', 'age']);
    const withoutId = await people().findOne({ _id: 1 }, { projection: { name: 1, _id: 0 } });
    expect(withoutId).toEqual({ name: 'ann' });
    const excluded = await people().findOne({ _id: 2 }, { projection: { tags: 0, address: 0 } });
    expect(excluded).toEqual({ _id: 2, name: 'bob', age: 25, city: 'rome' });
    const dotted = await people().findOne({ _id: 1 }, { projection: { 'address.zip': 1 } });
    expect(dotted).toEqual({ _id: 1, address: { zip: '0150' } });
    const sliced = await people().findOne({ _id: 3 }, { projection: { scores: { $slice: 1 } } });
    expect(sliced).toEqual({
      _id: 3,
      name: 'cid',
      age: 42,
      city: 'oslo',
      tags: [],
      scores: [{ k: 'x', v: 3 }],
    });
    const matched = await people().findOne(
      { _id: 3 },
      { projection: { scores: { $elemMatch: { k: 'y' } } } },
    );
    expect(matched).toEqual({ _id: 3, scores: [{ k: 'y', v: 9 }] });
  });

  it('sorts mixed types in BSON order (numbers, strings, objects, arrays, ObjectId, booleans, dates)', async () => {
    const c = t.db.collection<AnyDoc>('mixed');
    const oid = new ObjectId('650000000000000000000000');
    await c.insertMany([
      { _id: 1, v: new Date('2020-01-01') },
      { _id: 2, v: oid },
      { _id: 3, v: 'text' },
      { _id: 4, v: true },
      { _id: 5, v: 10 },
      { _id: 6, v: { a: 1 } },
      { _id: 7, v: null },
      { _id: 8, v: new Int32(2) },
    ]);
    expect(ids(await c.find().sort({ v: 1 }).toArray())).toEqual([7, 8, 5, 3, 6, 2, 4, 1]);
    expect(ids(await c.find().sort({ v: -1 }).toArray())).toEqual([1, 4, 2, 6, 3, 5, 8, 7]);
  });

  it('updateOne, updateMany, replaceOne and upserts report their counts', async () => {
    const c = t.db.collection<AnyDoc>('upd');
    await c.insertMany([
      { _id: 1, g: 'a', n: 1 },
      { _id: 2, g: 'a', n: 2 },
      { _id: 3, g: 'b', n: 3 },
    ]);
    const one = await c.updateOne({ g: 'a' }, { $inc: { n: 10 } });
    expect(one).toMatchObject({ matchedCount: 1, modifiedCount: 1, upsertedCount: 0, upsertedId: null });
    const many = await c.updateMany({ g: 'a' }, { $set: { seen: true } });
    expect(many).toMatchObject({ matchedCount: 2, modifiedCount: 2 });
    const noop = await c.updateMany({ g: 'a' }, { $set: { seen: true } });
    expect(noop).toMatchObject({ matchedCount: 2, modifiedCount: 0 });
    const none = await c.updateOne({ g: 'zzz' }, { $set: { x: 1 } });
    expect(none).toMatchObject({ matchedCount: 0, modifiedCount: 0 });
    const upsert = await c.updateOne({ g: 'c', k: 5 }, { $set: { n: 7 } }, { upsert: true });
    expect(upsert.upsertedCount).toBe(1);
    expect(upsert.upsertedId).toBeInstanceOf(ObjectId);
    const created = await c.findOne({ _id: upsert.upsertedId as unknown as number });
    expect(created).toMatchObject({ g: 'c', k: 5, n: 7 });
    const replaced = await c.replaceOne({ _id: 3 }, { g: 'b', replaced: true });
    expect(replaced).toMatchObject({ matchedCount: 1, modifiedCount: 1 });
    expect(await c.findOne({ _id: 3 })).toEqual({ _id: 3, g: 'b', replaced: true });
    const replaceUpsert = await c.replaceOne({ _id: 9 }, { fresh: 1 }, { upsert: true });
    expect(replaceUpsert.upsertedId).toBe(9);
    expect(await c.findOne({ _id: 9 })).toEqual({ _id: 9, fresh: 1 });
    const bad = await c.replaceOne({ _id: 1 }, { $set: { a: 1 } }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(Error); // the driver refuses operators in a replacement
  });

  it('deleteOne and deleteMany report their counts', async () => {
    const c = t.db.collection<AnyDoc>('del');
    await c.insertMany([{ k: 1 }, { k: 1 }, { k: 1 }, { k: 2 }]);
    expect((await c.deleteOne({ k: 1 })).deletedCount).toBe(1);
    expect((await c.deleteMany({ k: 1 })).deletedCount).toBe(2);
    expect((await c.deleteMany({ k: 99 })).deletedCount).toBe(0);
    expect(await c.countDocuments()).toBe(1);
    expect((await c.deleteMany({})).deletedCount).toBe(1);
  });

  it('count, estimatedDocumentCount, countDocuments and distinct', async () => {
    expect(await people().estimatedDocumentCount()).toBe(5);
    expect(await people().countDocuments({ city: 'oslo' })).toBe(2);
    expect(await people().countDocuments({}, { skip: 1, limit: 2 })).toBe(2);
    expect((await t.db.command({ count: 'people', query: { age: { $gte: 30 } } })).n).toBe(2);
    expect((await people().distinct('city')).sort()).toEqual(['lima', 'oslo', 'rome']);
    expect((await people().distinct('tags')).sort()).toEqual(['a', 'b', 'c']);
    expect(await people().distinct('city', { age: 25 })).toEqual(expect.arrayContaining(['rome', 'lima']));
    expect(await t.db.collection<AnyDoc>('missing').countDocuments()).toBe(0);
    expect(await t.db.collection<AnyDoc>('missing').distinct('x')).toEqual([]);
  });

  it('stores and returns a document close to the 16 MiB limit', async () => {
    const c = t.db.collection<AnyDoc>('big');
    const big = 'x'.repeat(15 * 1024 * 1024);
    await c.insertOne({ _id: 1, big });
    const back = await c.findOne({ _id: 1 });
    expect(back?.big.length).toBe(big.length);
  });

  it('answers malformed queries with BadValue 2 and FailedToParse 9', async () => {
    const topLevel = await people()
      .find({ $bogus: 1 } as never)
      .toArray()
      .catch((e: unknown) => e);
    expect(topLevel).toBeInstanceOf(MongoServerError);
    expect(topLevel).toMatchObject({ code: 2, codeName: 'BadValue' });
    expect((topLevel as Error).message).toMatch(/unknown top level operator: \$bogus/);
    const fieldLevel = await people()
      .find({ age: { $bogus: 1 } } as never)
      .toArray()
      .catch((e: unknown) => e);
    expect(fieldLevel).toMatchObject({ code: 2 });
    expect((fieldLevel as Error).message).toContain('$bogus');
    const noCursor = await t.db.command({ aggregate: 'people', pipeline: [] }).catch((e: unknown) => e);
    expect(noCursor).toMatchObject({ code: 9, codeName: 'FailedToParse' });
  });

  it('rejects a document with an invalid _id or field names as MongoDB does', async () => {
    const c = t.db.collection<AnyDoc>('invalid');
    const arrayId = await c.insertOne({ _id: [1, 2] as unknown as ObjectId }).catch((e: unknown) => e);
    expect(arrayId).toBeInstanceOf(MongoServerError);
    expect((arrayId as MongoServerError).code).toBe(53);
  });
});
