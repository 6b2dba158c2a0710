import {
  Binary,
  Decimal128,
  Double,
  Int32,
  Long,
  MaxKey,
  MinKey,
  ObjectId,
  serialize,
  Timestamp,
} from 'bson';
import { describe, expect, it } from 'vitest';
import { findAll, memEngine, run } from './helpers.js';

describe('type fidelity (a document read back equals the document written, type for type)', () => {
  it('round-trips Int32, Double (integral and not), Long, Decimal128 and nested values byte for byte', async () => {
    const { engine } = memEngine();
    const doc = {
      _id: new ObjectId(),
      i: new Int32(7),
      d: new Double(2),
      f: new Double(2.5),
      big: new Double(1e10),
      l: Long.fromNumber(42),
      m: Decimal128.fromString('1.10'),
      nested: { arr: [new Int32(1), new Double(1), Long.fromNumber(1)] },
      when: new Date(1700000000000),
      bin: new Binary(Buffer.from('hi')),
    };
    await run(engine, 'db', { insert: 'c', documents: [doc] });
    const r = await engine.run('db', { find: 'c', filter: {} }, { connectionId: 1 });
    expect(serialize(r.cursor.firstBatch[0])).toEqual(serialize(doc));
  });

  it('matches numbers across types as MongoDB does (5 == 5.0 == NumberLong(5))', async () => {
    const { engine } = memEngine();
    await run(engine, 'db', {
      insert: 'c',
      documents: [
        { _id: 1, v: new Double(5) },
        { _id: 2, v: Long.fromNumber(5) },
        { _id: 3, v: 6 },
      ],
    });
    const got = await findAll(engine, 'db', 'c', { filter: { v: new Int32(5) } });
    expect(got.map((d) => d._id)).toEqual([1, 2]);
    const gt = await findAll(engine, 'db', 'c', { filter: { v: { $gt: 5 } } });
    expect(gt.map((d) => d._id)).toEqual([3]);
  });
});

describe('sort order is BSON order', () => {
  it('MinKey < null < numbers < string < object < array < binData < ObjectId < bool < Date < timestamp < regex < MaxKey', async () => {
    const { engine } = memEngine();
    const values = [
      new MaxKey(),
      /re/,
      new Timestamp({ t: 1, i: 1 }),
      new Date(0),
      true,
      new ObjectId('000000000000000000000001'),
      new Binary(Buffer.from('x')),
      [0],
      { a: 1 },
      'str',
      3,
      null,
      new MinKey(),
    ];
    await run(engine, 'db', { insert: 'c', documents: values.map((v, i) => ({ _id: i, v })) });
    const asc = await findAll(engine, 'db', 'c', { sort: { v: 1 } });
    // The array [0] sorts by its smallest element (0) among the numbers, as MongoDB does.
    expect(asc.map((d) => d._id)).toEqual([12, 11, 7, 10, 9, 8, 6, 5, 4, 3, 2, 1, 0]);
    const desc = await findAll(engine, 'db', 'c', { sort: { v: -1 } });
    expect(desc.map((d) => d._id)).toEqual([0, 1, 2, 3, 4, 5, 6, 8, 9, 10, 7, 11, 12]);
  });

  it('ObjectId sorts before Date (mingo puts it after)', async () => {
    const { engine } = memEngine();
    await run(engine, 'db', {
      insert: 'c',
      documents: [
        { _id: 1, v: new Date() },
        { _id: 2, v: new ObjectId() },
      ],
    });
    expect((await findAll(engine, 'db', 'c', { sort: { v: 1 } })).map((d) => d._id)).toEqual([2, 1]);
  });

  it('sorts missing fields with nulls first and is stable on ties', async () => {
    const { engine } = memEngine();
    await run(engine, 'db', {
      insert: 'c',
      documents: [{ _id: 1, v: 2 }, { _id: 2 }, { _id: 3, v: null }, { _id: 4, v: 2 }],
    });
    expect((await findAll(engine, 'db', 'c', { sort: { v: 1 } })).map((d) => d._id)).toEqual([2, 3, 1, 4]);
  });
});

describe('projection', () => {
  it('puts _id first for inclusion projections (MongoDB), honours _id: 0 and exclusion', async () => {
    const { engine } = memEngine();
    await run(engine, 'db', { insert: 'c', documents: [{ b: 1, a: 2, _id: 1, c: { x: 1, y: 2 } }] });
    const inc = await findAll(engine, 'db', 'c', { projection: { a: 1, 'c.y': 1 } });
    expect(Object.keys(inc[0]!)).toEqual(['_id', 'a', 'c']);
    expect(inc[0]).toEqual({ _id: 1, a: 2, c: { y: 2 } });
    expect(await findAll(engine, 'db', 'c', { projection: { _id: 0, a: 1 } })).toEqual([{ a: 2 }]);
    expect(await findAll(engine, 'db', 'c', { projection: { c: 0 } })).toEqual([{ _id: 1, b: 1, a: 2 }]);
  });

  it('$slice keeps the other fields; $elemMatch and positional $ pick one element', async () => {
    const { engine } = memEngine();
    await run(engine, 'db', {
      insert: 'c',
      documents: [{ _id: 1, a: 'k', xs: [1, 2, 3, 4], ys: [{ v: 1 }, { v: 2 }] }],
    });
    expect(await findAll(engine, 'db', 'c', { projection: { xs: { $slice: 2 } } })).toEqual([
      { _id: 1, a: 'k', xs: [1, 2], ys: [{ v: 1 }, { v: 2 }] },
    ]);
    expect(await findAll(engine, 'db', 'c', { projection: { xs: { $slice: [1, 2] }, a: 0 } })).toEqual([
      { _id: 1, xs: [2, 3], ys: [{ v: 1 }, { v: 2 }] },
    ]);
    expect(await findAll(engine, 'db', 'c', { projection: { ys: { $elemMatch: { v: 2 } } } })).toEqual([
      { _id: 1, ys: [{ v: 2 }] },
    ]);
    expect(await findAll(engine, 'db', 'c', { filter: { 'ys.v': 2 }, projection: { 'ys.$': 1 } })).toEqual([
      { _id: 1, ys: [{ v: 2 }] },
    ]);
  });

  it('computed projections fall back to mingo and still put _id first', async () => {
    const { engine } = memEngine();
    await run(engine, 'db', { insert: 'c', documents: [{ _id: 1, a: 2, b: 3 }] });
    const got = await findAll(engine, 'db', 'c', { projection: { s: { $add: ['$a', '$b'] } } });
    expect(got).toEqual([{ _id: 1, s: 5 }]);
    expect(Object.keys(got[0]!)[0]).toBe('_id');
  });
});
