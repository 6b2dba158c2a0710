import { MongoServerError } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type AnyDoc, type ConformanceTarget, openTarget } from './harness.js';

vi.setConfig({ testTimeout: 20_000, hookTimeout: 30_000 });

describe('conformance: field names', () => {
  let t: ConformanceTarget;
  beforeAll(async () => {
    t = await openTarget('names');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('$-prefixed field names are stored (MongoDB 5.0+), but not inside _id', async () => {
    const c = t.db.collection<AnyDoc>('dollars');
    await c.insertOne({ _id: 1, $price: 5, nested: { $unit: 'eur' } });
    expect(await c.findOne({ _id: 1 })).toEqual({ _id: 1, $price: 5, nested: { $unit: 'eur' } });
    const badId = await c.insertOne({ _id: { $a: 1 } as never }).catch((e: unknown) => e);
    expect(badId).toBeInstanceOf(MongoServerError);
    expect(badId).toMatchObject({ code: 52, codeName: 'DollarPrefixedFieldName' });
    expect((badId as MongoServerError).message).toBe(
      "_id fields may not contain '$'-prefixed fields: $a is not valid for storage.",
    );
    const deep = await c.insertOne({ _id: { a: { $b: 1 } } as never }).catch((e: unknown) => e);
    expect(deep).toMatchObject({ code: 52 });
    // An upsert through a pipeline may create a $-prefixed field too.
    await c.updateOne(
      { _id: 2 },
      [{ $replaceWith: { $setField: { field: { $literal: '$cost' }, input: '$$ROOT', value: 7 } } }],
      { upsert: true },
    );
    expect(await c.findOne({ _id: 2 })).toEqual({ _id: 2, $cost: 7 });
    expect(await c.countDocuments()).toBe(2);
  });

  it('$rename and $set to paths named like JavaScript prototype members create ordinary fields', async () => {
    const c = t.db.collection<AnyDoc>('proto');
    await c.insertOne({ _id: 1, a: 1, b: 2, c: 3 });
    await c.updateOne({ _id: 1 }, { $rename: { a: 'constructor.x' } });
    await c.updateOne({ _id: 1 }, { $rename: { b: '__proto__.y' } });
    await c.updateOne({ _id: 1 }, { $set: { 'prototype.z': 4, 'toString.w': 5 } });
    const back = await c.findOne({ _id: 1 });
    expect(back).toEqual({
      _id: 1,
      c: 3,
      constructor: { x: 1 },
      ['__proto__']: { y: 2 },
      prototype: { z: 4 },
      toString: { w: 5 },
    });
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(await c.countDocuments({ 'constructor.x': 1 })).toBe(1);
    expect(await c.countDocuments({ '__proto__.y': 2 })).toBe(1);
    // A document without such fields has none: nothing inherited matches or is projected.
    await c.insertOne({ _id: 2, c: 3 });
    expect(await c.countDocuments({ constructor: { $exists: true } })).toBe(1);
    expect(await c.find({ _id: 2 }, { projection: { constructor: 1, toString: 1 } }).toArray()).toEqual([
      { _id: 2 },
    ]);
    expect(await c.distinct('constructor', { _id: 2 })).toEqual([]);
    const grouped = await c
      .aggregate([{ $group: { _id: '$constructor', n: { $sum: 1 } } }, { $sort: { _id: 1 } }])
      .toArray();
    expect(grouped).toEqual([
      { _id: null, n: 1 },
      { _id: { x: 1 }, n: 1 },
    ]);
  });
});
