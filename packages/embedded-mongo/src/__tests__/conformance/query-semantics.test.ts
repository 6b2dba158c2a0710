import { Binary, DBRef, Double, Long, MongoServerError, ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type AnyDoc, type ConformanceTarget, openTarget } from './harness.js';

vi.setConfig({ testTimeout: 20_000, hookTimeout: 30_000 });

describe('conformance: query semantics where a naive engine answers wrongly', () => {
  let t: ConformanceTarget;
  beforeAll(async () => {
    t = await openTarget('qsem');
  });
  afterAll(async () => {
    await t?.close();
  });

  const ids = (docs: AnyDoc[]) => docs.map((d) => d._id);

  it('64-bit integers compare exactly, Long against Long and against double', async () => {
    const c = t.db.collection<AnyDoc>('longs');
    const base = Long.fromString('133118461172916224');
    await c.insertMany([
      { _id: 1, v: base },
      { _id: 2, v: base.add(1) },
      { _id: 3, v: base.add(2) },
      { _id: 4, v: new Double(2 ** 60) },
      { _id: 5, v: Long.fromString('1152921504606846977') },
    ]);
    expect(
      ids(
        await c
          .find({ v: { $gt: base } })
          .sort({ _id: 1 })
          .toArray(),
      ),
    ).toEqual([2, 3, 4, 5]);
    expect(ids(await c.find({ v: { $gt: base.add(1), $lt: base.add(3) } }).toArray())).toEqual([3]);
    expect(ids(await c.find({ v: base.add(1) }).toArray())).toEqual([2]);
    expect(
      ids(
        await c
          .find({ v: { $in: [base, base.add(2)] } })
          .sort({ _id: 1 })
          .toArray(),
      ),
    ).toEqual([1, 3]);
    // 2^60 + 1 is above the double 2^60, though both round to the same double.
    expect(ids(await c.find({ v: { $gt: new Double(2 ** 60) } }).toArray())).toEqual([5]);
    expect(ids(await c.find({ v: Long.fromString('1152921504606846976') }).toArray())).toEqual([4]);
    expect(ids(await c.find({}, { sort: { v: -1 } }).toArray())).toEqual([5, 4, 3, 2, 1]);
    await c.createIndex({ v: 1 });
    expect(
      ids(
        await c
          .find({ v: { $gte: base.add(1) } })
          .sort({ v: 1 })
          .toArray(),
      ),
    ).toEqual([2, 3, 4, 5]);
  });

  it('binary data orders by length, then subtype, then bytes', async () => {
    const c = t.db.collection<AnyDoc>('bins');
    await c.insertMany([
      { _id: 'long', b: new Binary(Buffer.from([0x00, 0x00, 0x00]), 0) },
      { _id: 'high', b: new Binary(Buffer.from([0xff]), 0) },
      { _id: 'low', b: new Binary(Buffer.from([0x01]), 0) },
      { _id: 'sub5', b: new Binary(Buffer.from([0x00]), 5) },
    ]);
    expect(ids(await c.find().sort({ b: 1 }).toArray())).toEqual(['low', 'high', 'sub5', 'long']);
    const two = new Binary(Buffer.from([0x00, 0x00]), 0);
    expect(ids(await c.find({ b: { $gt: two } }).toArray())).toEqual(['long']);
    expect(
      ids(
        await c
          .find({ b: { $lt: two } })
          .sort({ b: 1 })
          .toArray(),
      ),
    ).toEqual(['low', 'high', 'sub5']);
  });

  it('$bitsAllSet and friends read binary data as well as integers', async () => {
    const c = t.db.collection<AnyDoc>('bits');
    await c.insertMany([
      { _id: 1, v: new Binary(Buffer.from([0b0000_0101]), 0) },
      { _id: 2, v: new Binary(Buffer.from([0b0000_0001, 0b1000_0000]), 0) },
      { _id: 3, v: 5 },
      { _id: 4, v: 'x' },
    ]);
    expect(
      ids(
        await c
          .find({ v: { $bitsAllSet: [0, 2] } })
          .sort({ _id: 1 })
          .toArray(),
      ),
    ).toEqual([1, 3]);
    expect(ids(await c.find({ v: { $bitsAllSet: [15] } }).toArray())).toEqual([2]);
    expect(
      ids(
        await c
          .find({ v: { $bitsAnySet: 4 } })
          .sort({ _id: 1 })
          .toArray(),
      ),
    ).toEqual([1, 3]);
    expect(
      ids(
        await c
          .find({ v: { $bitsAllClear: [1] } })
          .sort({ _id: 1 })
          .toArray(),
      ),
    ).toEqual([1, 2, 3]);
    expect(
      ids(
        await c
          .find({ v: { $bitsAnyClear: [0, 15] } })
          .sort({ _id: 1 })
          .toArray(),
      ),
    ).toEqual([1, 3]);
    const mask = new Binary(Buffer.from([0b0000_0101]), 0);
    expect(
      ids(
        await c
          .find({ v: { $bitsAllSet: mask } })
          .sort({ _id: 1 })
          .toArray(),
      ),
    ).toEqual([1, 3]);
  });

  it('$all matches a non-array value equal to every listed value', async () => {
    const c = t.db.collection<AnyDoc>('all');
    await c.insertMany([
      { _id: 1, a: 5 },
      { _id: 2, a: [5, 6] },
      { _id: 3, a: 6 },
      { _id: 4, a: [[5, 6]] },
    ]);
    expect(
      ids(
        await c
          .find({ a: { $all: [5] } })
          .sort({ _id: 1 })
          .toArray(),
      ),
    ).toEqual([1, 2]);
    expect(ids(await c.find({ a: { $all: [5, 6] } }).toArray())).toEqual([2]);
    expect(
      ids(
        await c
          .find({ a: { $all: [[5, 6]] } })
          .sort({ _id: 1 })
          .toArray(),
      ),
    ).toEqual([2, 4]);
    expect(await c.countDocuments({ a: { $all: [] } })).toBe(0);
  });

  it('an $elemMatch projection with an operator-only condition picks a scalar element', async () => {
    const c = t.db.collection<AnyDoc>('proj');
    await c.insertMany([
      { _id: 1, scores: [3, 8, 12], other: 1 },
      { _id: 2, scores: [1, 2] },
    ]);
    const rows = await c
      .find({}, { projection: { scores: { $elemMatch: { $gt: 5 } } } })
      .sort({ _id: 1 })
      .toArray();
    expect(rows).toEqual([{ _id: 1, scores: [8] }, { _id: 2 }]);
  });

  it('$id and $ref inside $elemMatch name the fields of DBRefs', async () => {
    const c = t.db.collection<AnyDoc>('refs');
    const a = new ObjectId();
    const b = new ObjectId();
    await c.insertMany([
      { _id: 1, links: [new DBRef('people', a), new DBRef('teams', b)] },
      { _id: 2, links: [new DBRef('people', b)] },
      { _id: 3, owner: new DBRef('people', a) },
    ]);
    expect(ids(await c.find({ links: { $elemMatch: { $id: a } } }).toArray())).toEqual([1]);
    expect(ids(await c.find({ links: { $elemMatch: { $ref: 'people', $id: b } } }).toArray())).toEqual([2]);
    expect(ids(await c.find({ 'owner.$id': a }).toArray())).toEqual([3]);
    expect(ids(await c.find({ owner: new DBRef('people', a) }).toArray())).toEqual([3]);
    const back = await c.findOne({ _id: 3 });
    expect(back?.owner).toBeInstanceOf(DBRef);
    expect((back as AnyDoc).owner.oid).toEqual(a);
  });

  it('an invalid query operator is refused even on an empty or missing collection', async () => {
    for (const name of ['emptycoll', 'nosuchcoll']) {
      if (name === 'emptycoll') await t.db.createCollection(name);
      const c = t.db.collection<AnyDoc>(name);
      const field = await c
        .find({ a: { $foo: 1 } })
        .toArray()
        .catch((e: unknown) => e);
      expect(field).toBeInstanceOf(MongoServerError);
      expect(field).toMatchObject({ code: 2, codeName: 'BadValue' });
      expect((field as MongoServerError).message).toContain('unknown operator: $foo');
      const top = await c
        .find({ $foo: 1 })
        .toArray()
        .catch((e: unknown) => e);
      expect(top).toMatchObject({ code: 2 });
      expect((top as MongoServerError).message).toContain('unknown top level operator: $foo');
      const inNotArray = await c.countDocuments({ a: { $in: 5 } }).catch((e: unknown) => e);
      expect(inNotArray).toMatchObject({ code: 2 });
      const del = await c.deleteMany({ a: { $bad: 1 } }).catch((e: unknown) => e);
      expect(del).toMatchObject({ code: 2 });
    }
  });

  it('aggregation stages that reshape nested documents leave the stored documents as they were', async () => {
    const c = t.db.collection<AnyDoc>('shapes');
    const other = t.db.collection<AnyDoc>('shapes_other');
    await c.insertOne({ _id: 1, nested: { y: 2 }, arr: [{ k: 1 }], ref: 7 });
    await other.insertOne({ _id: 7, inner: { z: 3 } });
    await c.aggregate([{ $set: { 'nested.x': 1, 'arr.k': 9 } }]).toArray();
    await c.aggregate([{ $unset: 'nested.y' }]).toArray();
    await c
      .aggregate([
        { $lookup: { from: 'shapes_other', localField: 'ref', foreignField: '_id', as: 'joined' } },
        { $set: { 'joined.inner.z': 99 } },
      ])
      .toArray();
    expect(await c.findOne({ _id: 1 })).toEqual({ _id: 1, nested: { y: 2 }, arr: [{ k: 1 }], ref: 7 });
    expect(await other.findOne({ _id: 7 })).toEqual({ _id: 7, inner: { z: 3 } });
    // An update pipeline that is refused (validation) leaves the document unchanged too.
    await t.db.command({ collMod: 'shapes', validator: { 'nested.y': { $exists: true } } });
    const refused = await c.updateOne({ _id: 1 }, [{ $unset: 'nested.y' }]).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 121 });
    expect(await c.findOne({ _id: 1 })).toEqual({ _id: 1, nested: { y: 2 }, arr: [{ k: 1 }], ref: 7 });
  });

  it('ranges bounded by null match null and missing values only with $gte/$lte', async () => {
    const c = t.db.collection<AnyDoc>('nulls');
    await c.insertMany([{ _id: 1, a: null }, { _id: 2 }, { _id: 3, a: 0 }, { _id: 4, a: [null, 1] }]);
    expect(
      ids(
        await c
          .find({ a: { $gte: null } })
          .sort({ _id: 1 })
          .toArray(),
      ),
    ).toEqual([1, 2, 4]);
    expect(
      ids(
        await c
          .find({ a: { $lte: null } })
          .sort({ _id: 1 })
          .toArray(),
      ),
    ).toEqual([1, 2, 4]);
    expect(await c.countDocuments({ a: { $gt: null } })).toBe(0);
    expect(await c.countDocuments({ a: { $lt: null } })).toBe(0);
  });

  it('$group on a dotted path groups by the nested value', async () => {
    const c = t.db.collection<AnyDoc>('nested');
    await c.insertMany([
      { _id: 1, a: { b: 'x' }, v: 1 },
      { _id: 2, a: { b: 'x' }, v: 2 },
      { _id: 3, a: { b: 'y' }, v: 4 },
    ]);
    const rows = await c
      .aggregate([{ $group: { _id: '$a.b', total: { $sum: '$v' } } }, { $sort: { _id: 1 } }])
      .toArray();
    expect(rows).toEqual([
      { _id: 'x', total: 3 },
      { _id: 'y', total: 4 },
    ]);
  });

  it("an unknown pipeline stage is refused with mongod's message", async () => {
    const error = await t.db
      .collection('emptycoll')
      .aggregate([{ $frobnicate: {} }])
      .toArray()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 40324 });
    expect((error as MongoServerError).message).toBe("Unrecognized pipeline stage name: '$frobnicate'");
  });
});
