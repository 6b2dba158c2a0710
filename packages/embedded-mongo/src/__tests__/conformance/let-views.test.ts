import { MongoServerError } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type AnyDoc, type ConformanceTarget, openTarget } from './harness.js';

vi.setConfig({ testTimeout: 20_000, hookTimeout: 30_000 });

describe('conformance: let variables, views, collMod, setParameter', () => {
  let t: ConformanceTarget;
  beforeAll(async () => {
    t = await openTarget('letviews');
    await t.db.collection<AnyDoc>('orders').insertMany([
      { _id: 1, item: 'pen', qty: 5, price: 2, status: 'open' },
      { _id: 2, item: 'ink', qty: 1, price: 20, status: 'open' },
      { _id: 3, item: 'pad', qty: 10, price: 1, status: 'closed' },
    ]);
  });
  afterAll(async () => {
    await t?.close();
  });

  const orders = () => t.db.collection<AnyDoc>('orders');
  const ids = (docs: AnyDoc[]) => docs.map((d) => d._id);

  it('let in find, aggregate, update, delete, findAndModify and bulkWrite', async () => {
    const found = await orders()
      .find({ $expr: { $gte: ['$qty', '$$min'] } }, { let: { min: 5 } })
      .sort({ _id: 1 })
      .toArray();
    expect(ids(found)).toEqual([1, 3]);
    const agg = await orders()
      .aggregate(
        [
          { $match: { $expr: { $eq: ['$status', '$$s'] } } },
          { $project: { total: { $multiply: ['$qty', '$price', '$$factor'] } } },
        ],
        {
          let: { s: 'open', factor: 10 },
        },
      )
      .toArray();
    expect(agg).toEqual([
      { _id: 1, total: 100 },
      { _id: 2, total: 200 },
    ]);
    await orders().updateMany({ $expr: { $eq: ['$status', '$$s'] } }, [{ $set: { tag: '$$label' } }], {
      let: { s: 'open', label: 'active' },
    });
    expect(await orders().countDocuments({ tag: 'active' })).toBe(2);
    const fam = await orders().findOneAndUpdate(
      { $expr: { $eq: ['$item', '$$target'] } },
      [{ $set: { qty: { $add: ['$qty', '$$inc'] } } }],
      { let: { target: 'ink', inc: 4 }, returnDocument: 'after' },
    );
    expect(fam?.qty).toBe(5);
    const bulk = await orders().bulkWrite(
      [
        {
          updateOne: { filter: { $expr: { $eq: ['$_id', '$$one'] } }, update: [{ $set: { seen: '$$one' } }] },
        },
        { deleteOne: { filter: { $expr: { $eq: ['$_id', '$$three'] } } } },
      ],
      { let: { one: 1, three: 3 } },
    );
    expect(bulk.modifiedCount).toBe(1);
    expect(bulk.deletedCount).toBe(1);
    const del = await orders().deleteMany({ $expr: { $eq: ['$_id', '$$two'] } }, { let: { two: 2 } });
    expect(del.deletedCount).toBe(1);
    expect(ids(await orders().find().toArray())).toEqual([1]);
    const bad = await orders()
      .find({}, { let: { Upper: 1 } })
      .toArray()
      .catch((e: unknown) => e);
    expect(bad).toMatchObject({ code: 2 });
  });

  it('a view reads through its pipeline and refuses writes', async () => {
    const c = t.db.collection<AnyDoc>('staff');
    await c.insertMany([
      { _id: 1, name: 'ann', dept: 'sales', salary: 100 },
      { _id: 2, name: 'bob', dept: 'ops', salary: 80 },
      { _id: 3, name: 'cid', dept: 'sales', salary: 120 },
    ]);
    await t.db.createCollection('sales_public', {
      viewOn: 'staff',
      pipeline: [{ $match: { dept: 'sales' } }, { $project: { salary: 0 } }],
    });
    const v = t.db.collection<AnyDoc>('sales_public');
    expect(await v.find().sort({ name: -1 }).toArray()).toEqual([
      { _id: 3, name: 'cid', dept: 'sales' },
      { _id: 1, name: 'ann', dept: 'sales' },
    ]);
    expect(await v.find({ name: 'ann' }, { projection: { name: 1 } }).toArray()).toEqual([
      { _id: 1, name: 'ann' },
    ]);
    expect(await v.countDocuments()).toBe(2);
    expect(await v.distinct('name')).toEqual(['ann', 'cid']);
    expect(await v.aggregate([{ $count: 'n' }]).toArray()).toEqual([{ n: 2 }]);
    // A view on a view.
    await t.db.createCollection('sales_a', {
      viewOn: 'sales_public',
      pipeline: [{ $match: { name: { $lt: 'b' } } }],
    });
    expect(ids(await t.db.collection<AnyDoc>('sales_a').find().toArray())).toEqual([1]);
    for (const write of [
      () => v.insertOne({ _id: 9 }),
      () => v.updateOne({}, { $set: { x: 1 } }),
      () => v.deleteMany({}),
      () => v.createIndex({ name: 1 }),
    ]) {
      const e = await write().catch((x: unknown) => x);
      expect(e).toBeInstanceOf(MongoServerError);
      expect(e).toMatchObject({ code: 166, codeName: 'CommandNotSupportedOnView' });
    }
    const [info] = await t.db.listCollections({ name: 'sales_public' }).toArray();
    expect(info).toMatchObject({
      name: 'sales_public',
      type: 'view',
      options: { viewOn: 'staff', pipeline: [{ $match: { dept: 'sales' } }, { $project: { salary: 0 } }] },
      info: { readOnly: true },
    });
    // collMod changes the view's definition.
    await t.db.command({ collMod: 'sales_public', viewOn: 'staff', pipeline: [{ $match: { dept: 'ops' } }] });
    expect(ids(await v.find().toArray())).toEqual([2]);
    await v.drop();
    expect((await t.db.listCollections({ name: 'sales_public' }).toArray()).length).toBe(0);
  });

  it('collMod changes a validator and an index', async () => {
    const c = t.db.collection<AnyDoc>('modded');
    await c.insertOne({ _id: 1, n: -1 });
    await c.createIndex({ at: 1 }, { expireAfterSeconds: 3600, name: 'at_ttl' });
    await t.db.command({ collMod: 'modded', validator: { n: { $gte: 0 } }, validationLevel: 'moderate' });
    expect(await c.insertOne({ _id: 2, n: -5 }).catch((e: unknown) => e)).toMatchObject({ code: 121 });
    await c.updateOne({ _id: 1 }, { $set: { n: -2 } });
    const ttl = await t.db.command({ collMod: 'modded', index: { name: 'at_ttl', expireAfterSeconds: 60 } });
    expect(ttl).toMatchObject({ expireAfterSeconds_old: 3600, expireAfterSeconds_new: 60 });
    expect((await c.listIndexes().toArray()).find((i) => i.name === 'at_ttl')?.expireAfterSeconds).toBe(60);
    const hidden = await t.db.command({ collMod: 'modded', index: { keyPattern: { at: 1 }, hidden: true } });
    expect(hidden).toMatchObject({ hidden_old: false, hidden_new: true });
    const missing = await t.db.command({ collMod: 'nosuch', validator: {} }).catch((e: unknown) => e);
    expect(missing).toMatchObject({ code: 26 });
  });

  it('setParameter changes a run-time parameter and reports the old value', async () => {
    const admin = t.db.admin();
    const before = await admin.command({ getParameter: 1, logLevel: 1 });
    const set = await admin.command({ setParameter: 1, logLevel: 1 });
    expect(set.was).toBe(before.logLevel);
    expect((await admin.command({ getParameter: 1, logLevel: 1 })).logLevel).toBe(1);
    await admin.command({ setParameter: 1, logLevel: before.logLevel });
    const unknown = await admin.command({ setParameter: 1, noSuchKnob: 1 }).catch((e: unknown) => e);
    expect(unknown).toMatchObject({ code: 72 });
    expect((unknown as MongoServerError).message).toContain(
      'attempted to set unrecognized parameter [noSuchKnob]',
    );
  });
});
