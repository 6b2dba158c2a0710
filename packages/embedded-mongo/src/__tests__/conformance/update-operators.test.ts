import { Decimal128, Double, Int32, Long, MongoServerError } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type AnyDoc, type ConformanceTarget, openTarget } from './harness.js';

vi.setConfig({ testTimeout: 20_000, hookTimeout: 30_000 });

type Doc = Record<string, unknown>;

describe('conformance: update operators', () => {
  let t: ConformanceTarget;
  let seq = 0;
  beforeAll(async () => {
    t = await openTarget('updates');
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Inserts `doc` under a fresh _id, applies `update`, returns the stored result (raw numeric types). */
  async function apply(doc: Doc, update: Doc | Doc[], options: Doc = {}): Promise<Doc | null> {
    const c = t.db.collection<AnyDoc>('u');
    const _id = ++seq;
    await c.insertOne({ _id, ...doc } as Doc);
    await c.updateOne({ _id }, update, options);
    return c.findOne({ _id }, { promoteValues: false, projection: { _id: 0 } });
  }

  async function rejects(doc: Doc, update: Doc): Promise<MongoServerError> {
    const c = t.db.collection<AnyDoc>('u');
    const _id = ++seq;
    await c.insertOne({ _id, ...doc } as Doc);
    const error = await c.updateOne({ _id }, update).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MongoServerError);
    // A failed update changes nothing.
    expect(await c.findOne({ _id }, { projection: { _id: 0 } })).toEqual(doc);
    return error as MongoServerError;
  }

  it('$set, $unset, $rename, dotted paths creating sub-documents', async () => {
    expect(await apply({ a: 1, b: 2 }, { $set: { a: 5, 'c.d': 'x' }, $unset: { b: '' } })).toEqual({
      a: new Int32(5),
      c: { d: 'x' },
    });
    expect(await apply({ a: 1, b: { c: 2 } }, { $rename: { a: 'z', 'b.c': 'b.d' } })).toEqual({
      b: { d: new Int32(2) },
      z: new Int32(1),
    });
  });

  it('$inc, $mul, $min, $max keep or widen numeric types as MongoDB does', async () => {
    const r = await apply(
      { i: new Int32(1), l: Long.fromNumber(10), d: new Double(1.5), m: new Int32(3), lo: 5, hi: 5 },
      {
        $inc: { i: new Int32(2), l: new Int32(1), d: new Int32(1), missing: new Int32(4) },
        $mul: { m: new Double(2.5) },
        $min: { lo: 3 },
        $max: { hi: 9 },
      },
    );
    expect(r?.i).toEqual(new Int32(3));
    expect(r?.l).toEqual(Long.fromNumber(11));
    expect(r?.d).toEqual(new Double(2.5));
    expect(r?.missing).toEqual(new Int32(4));
    expect(r?.m).toEqual(new Double(7.5));
    expect(r?.lo).toEqual(new Int32(3));
    expect(r?.hi).toEqual(new Int32(9));
    const widened = await apply({ i: new Int32(1) }, { $inc: { i: new Double(0.5) } });
    expect(widened?.i).toEqual(new Double(1.5));
    const decimal = await apply(
      { p: Decimal128.fromString('1.10') },
      { $inc: { p: Decimal128.fromString('2.25') } },
    );
    expect(decimal?.p?.toString()).toBe('3.35');
  });

  it('$currentDate sets a Date', async () => {
    const r = await apply({}, { $currentDate: { at: true } });
    expect(r?.at).toBeInstanceOf(Date);
  });

  it('$push with $each/$position/$slice/$sort, $addToSet, $pop, $pull, $pullAll', async () => {
    expect((await apply({ a: [1, 2] }, { $push: { a: 3 } }))?.a).toEqual([1, 2, 3].map((n) => new Int32(n)));
    expect((await apply({ a: [5, 1] }, { $push: { a: { $each: [4, 2], $sort: 1, $slice: 3 } } }))?.a).toEqual(
      [1, 2, 4].map((n) => new Int32(n)),
    );
    expect((await apply({ a: [1, 2] }, { $push: { a: { $each: [9], $position: 0 } } }))?.a).toEqual(
      [9, 1, 2].map((n) => new Int32(n)),
    );
    expect((await apply({}, { $push: { a: 'x' } }))?.a).toEqual(['x']);
    expect((await apply({ a: ['x'] }, { $addToSet: { a: { $each: ['x', 'y', 'y'] } } }))?.a).toEqual([
      'x',
      'y',
    ]);
    expect((await apply({ a: [1, 2, 3] }, { $pop: { a: -1 } }))?.a).toEqual([2, 3].map((n) => new Int32(n)));
    expect((await apply({ a: [1, 5, 9] }, { $pull: { a: { $gte: 5 } } }))?.a).toEqual([new Int32(1)]);
    expect((await apply({ a: [1, 2, 1, 3] }, { $pullAll: { a: [1, 3] } }))?.a).toEqual([new Int32(2)]);
    expect((await apply({ f: new Int32(0b1100) }, { $bit: { f: { and: new Int32(0b0100) } } }))?.f).toEqual(
      new Int32(4),
    );
  });

  it('$pull with a condition on sub-documents, including $or', async () => {
    const items = [
      { k: 'a', n: 1 },
      { k: 'b', n: 2 },
      { k: 'c', n: 3 },
    ];
    const r = await apply({ items }, { $pull: { items: { $or: [{ k: 'a' }, { n: { $gte: 3 } }] } } });
    expect(r?.items).toEqual([{ k: 'b', n: new Int32(2) }]);
    const simple = await apply({ items }, { $pull: { items: { k: 'b' } } });
    expect(((simple?.items ?? []) as Doc[]).map((i) => i.k)).toEqual(['a', 'c']);
  });

  it('positional $, $[] and $[<id>] with arrayFilters, two fields under one positional $', async () => {
    const c = t.db.collection<AnyDoc>('u');
    const _id = ++seq;
    await c.insertOne({
      _id,
      items: [
        { k: 'a', q: 1 },
        { k: 'b', q: 2 },
        { k: 'c', q: 3 },
      ],
    } as Doc);
    await c.updateOne({ _id, 'items.k': 'b' }, { $set: { 'items.$.q': 20, 'items.$.seen': true } });
    await c.updateOne({ _id }, { $inc: { 'items.$[].q': 1 } });
    await c.updateOne(
      { _id },
      { $set: { 'items.$[big].big': true } },
      { arrayFilters: [{ 'big.q': { $gt: 3 } }] },
    );
    expect((await c.findOne({ _id }))?.items).toEqual([
      { k: 'a', q: 2 },
      { k: 'b', q: 21, seen: true, big: true },
      { k: 'c', q: 4, big: true },
    ]);
  });

  it('$setOnInsert applies only when an upsert inserts', async () => {
    const c = t.db.collection<AnyDoc>('soi');
    await c.updateOne({ key: 'k' }, { $set: { v: 1 }, $setOnInsert: { created: 'first' } }, { upsert: true });
    expect(await c.findOne({ key: 'k' }, { projection: { _id: 0 } })).toEqual({
      key: 'k',
      v: 1,
      created: 'first',
    });
    await c.updateOne(
      { key: 'k' },
      { $set: { v: 2 }, $setOnInsert: { created: 'second' } },
      { upsert: true },
    );
    expect(await c.findOne({ key: 'k' }, { projection: { _id: 0 } })).toEqual({
      key: 'k',
      v: 2,
      created: 'first',
    });
    // Equality fields of the query seed the inserted document; operators in it do not.
    await c.updateOne({ a: 1, 'b.c': 2, n: { $gt: 5 } }, { $inc: { hits: 1 } }, { upsert: true });
    expect(await c.findOne({ a: 1 }, { projection: { _id: 0 } })).toEqual({ a: 1, b: { c: 2 }, hits: 1 });
  });

  it('$set of an unchanged _id is allowed; changing _id is ImmutableField 66', async () => {
    const c = t.db.collection<AnyDoc>('u');
    const _id = ++seq;
    await c.insertOne({ _id, a: 1 } as Doc);
    const same = await c.updateOne({ _id }, { $set: { _id, a: 2 } });
    expect(same.modifiedCount).toBe(1);
    const error = await rejects({ a: 1 }, { $set: { _id: 'other' } });
    expect(error.code).toBe(66);
  });

  it('errors where mingo would silently do nothing', async () => {
    const inc = await rejects({ s: 'text' }, { $inc: { s: 1 } });
    expect(inc.code).toBe(14);
    expect(inc.message).toMatch(/Cannot apply \$inc to a value of non-numeric type/);
    const incNull = await rejects({ s: null }, { $inc: { s: 1 } });
    expect(incNull.code).toBe(14);
    const push = await rejects({ a: 'scalar' }, { $push: { a: 1 } });
    expect(push.code).toBe(2);
    expect(push.message).toMatch(/must be an array/);
    const through = await rejects({ a: 5 }, { $set: { 'a.b': 1 } });
    expect(through.code).toBe(28);
    const conflict = await rejects({ a: 1 }, { $set: { a: 2 }, $inc: { a: 1 } });
    expect(conflict.code).toBe(40);
    const unknown = await rejects({ a: 1 }, { $frobnicate: { a: 1 } });
    expect(unknown.code).toBe(9);
  });

  it('update pipelines compute from the document', async () => {
    const r = await apply({ a: 2, b: 3 }, [{ $set: { total: { $add: ['$a', '$b'] } } }, { $unset: 'b' }]);
    expect(r).toEqual({ a: new Int32(2), total: new Int32(5) });
  });

  it('multi updates touch every match; upsert with multi inserts one', async () => {
    const c = t.db.collection<AnyDoc>('multi');
    await c.insertMany([{ g: 1 }, { g: 1 }, { g: 2 }]);
    expect((await c.updateMany({ g: 1 }, { $set: { hit: true } })).modifiedCount).toBe(2);
    const up = await c.updateMany({ g: 3 }, { $set: { hit: true } }, { upsert: true });
    expect(up.upsertedCount).toBe(1);
    expect(await c.countDocuments({ hit: true })).toBe(3);
  });
});
