import {
  Binary,
  BSONRegExp,
  Decimal128,
  Double,
  Int32,
  Long,
  MaxKey,
  MinKey,
  ObjectId,
  Timestamp,
  UUID,
} from 'mongodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type AnyDoc, type ConformanceTarget, openTarget } from './harness.js';

vi.setConfig({ testTimeout: 20_000, hookTimeout: 30_000 });

describe('conformance: BSON type fidelity', () => {
  let t: ConformanceTarget;
  beforeAll(async () => {
    t = await openTarget('types');
  });
  afterAll(async () => {
    await t?.close();
  });

  const raw = { promoteValues: false, promoteLongs: false, bsonRegExp: true } as const;

  it('a document read back equals the document written, type for type and key for key', async () => {
    const c = t.db.collection<AnyDoc>('fidelity');
    const doc = {
      _id: new ObjectId(),
      i32: new Int32(-7),
      i64: Long.fromString('9223372036854775807'),
      dbl: new Double(3),
      dblFrac: new Double(0.1),
      dec: Decimal128.fromString('-1234567890.0987654321'),
      date: new Date('1969-07-20T20:17:40.123Z'),
      str: 'ünïcødé ✓ 𝄞',
      empty: '',
      yes: true,
      no: false,
      nothing: null,
      bin: new Binary(Buffer.from([0, 1, 2, 255])),
      uuid: new UUID('01234567-89ab-4def-8123-456789abcdef'),
      custom: new Binary(Buffer.from('x'), 0x80),
      regex: new BSONRegExp('^a.c$', 'im'),
      ts: new Timestamp({ t: 1_700_000_000, i: 3 }),
      min: new MinKey(),
      max: new MaxKey(),
      arr: [new Int32(1), 'two', [new Double(3.5)], { four: new Long(4) }],
      nested: { z: new Int32(1), a: { deep: [] }, m: new Int32(0) },
    };
    await c.insertOne(doc);
    const back = await c.findOne({ _id: doc._id }, raw);
    expect(back).toEqual(doc);
    expect(Object.keys(back ?? {})).toEqual(Object.keys(doc));
    expect(Object.keys(back?.nested ?? {})).toEqual(['z', 'a', 'm']);
    expect(back?.i32).toBeInstanceOf(Int32);
    expect(back?.dbl).toBeInstanceOf(Double);
    expect(back?.i64).toBeInstanceOf(Long);
    expect(back?.dec).toBeInstanceOf(Decimal128);
    expect((back!.uuid as Binary).sub_type).toBe(4);
    expect((back!.custom as Binary).sub_type).toBe(0x80);
  });

  it('types survive updates that do not touch them, and a server restart of the cursor path', async () => {
    const c = t.db.collection<AnyDoc>('fidelity2');
    const _id = new ObjectId();
    await c.insertOne({ _id, i32: new Int32(1), i64: Long.fromNumber(2), dbl: new Double(3), other: 0 });
    await c.updateOne({ _id }, { $set: { other: 1 } });
    const back = await c.findOne({ _id }, raw);
    expect(back?.i32).toEqual(new Int32(1));
    expect(back?.i64).toEqual(Long.fromNumber(2));
    expect(back?.dbl).toEqual(new Double(3));
    const viaAggregate = await c.aggregate([{ $match: { _id } }], raw).toArray();
    expect(viaAggregate[0]?.dbl).toEqual(new Double(3));
  });

  it('numbers compare across Int32, Long, Double and Decimal128 in queries and indexes', async () => {
    const c = t.db.collection<AnyDoc>('numeric');
    await c.insertMany([
      { _id: 1, v: new Int32(5) },
      { _id: 2, v: Long.fromNumber(5) },
      { _id: 3, v: new Double(5) },
      { _id: 4, v: Decimal128.fromString('5.0') },
      { _id: 5, v: new Double(5.5) },
    ]);
    const eq = await c.find({ v: 5 }).sort({ _id: 1 }).toArray();
    expect(eq.map((d) => d._id)).toEqual([1, 2, 3, 4]);
    await c.createIndex({ v: 1 });
    const eqIndexed = await c
      .find({ v: Long.fromNumber(5) })
      .sort({ _id: 1 })
      .toArray();
    expect(eqIndexed.map((d) => d._id)).toEqual([1, 2, 3, 4]);
    const gt = await c.find({ v: { $gt: new Int32(5) } }).toArray();
    expect(gt.map((d) => d._id)).toEqual([5]);
    expect(await c.countDocuments({ v: { $type: 'number' } })).toBe(5);
    expect(await c.countDocuments({ v: { $type: 'int' } })).toBe(1);
    expect(await c.countDocuments({ v: { $type: 'long' } })).toBe(1);
    expect(await c.countDocuments({ v: { $type: 'double' } })).toBe(2);
    expect(await c.countDocuments({ v: { $type: 'decimal' } })).toBe(1);
  });

  it('Long values beyond 2^53 stay exact', async () => {
    const c = t.db.collection<AnyDoc>('long');
    const big = Long.fromString('9007199254740993');
    await c.insertOne({ _id: 'big', v: big });
    const back = await c.findOne({ v: big }, raw);
    expect(String(back?.v)).toBe('9007199254740993');
    await c.updateOne({ _id: 'big' }, { $inc: { v: Long.fromNumber(1) } });
    expect(String((await c.findOne({ _id: 'big' }, raw))?.v)).toBe('9007199254740994');
  });

  it('ObjectId, Date, Binary and UUID values match by equality and $in', async () => {
    const c = t.db.collection<AnyDoc>('eq');
    const oid = new ObjectId();
    const when = new Date('2026-01-01T00:00:00Z');
    const uuid = new UUID().toBinary();
    await c.insertMany([
      { _id: 1, ref: oid, when, key: uuid },
      { _id: 2, ref: new ObjectId(), when: new Date(0), key: new UUID().toBinary() },
    ]);
    expect((await c.findOne({ ref: new ObjectId(oid.toHexString()) }))?._id).toBe(1);
    expect((await c.findOne({ when: new Date(when.getTime()) }))?._id).toBe(1);
    expect((await c.findOne({ key: uuid }))?._id).toBe(1);
    expect(await c.countDocuments({ ref: { $in: [oid, new ObjectId()] } })).toBe(1);
    expect(await c.countDocuments({ when: { $gte: new Date('2025-01-01') } })).toBe(1);
  });
});
