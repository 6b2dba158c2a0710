import { Decimal128, Double, Int32, Long } from 'bson';
import { describe, expect, it } from 'vitest';
import { findAll, memEngine, run } from './helpers.js';

async function setup(docs: Record<string, unknown>[]) {
  const { engine } = memEngine();
  await run(engine, 'db', { insert: 'c', documents: docs });
  return engine;
}

async function upd(engine: Awaited<ReturnType<typeof setup>>, q: object, u: object, extra: object = {}) {
  return run(engine, 'db', { update: 'c', updates: [{ q, u, ...extra }] });
}

describe('update operators where MongoDB differs from mingo', () => {
  it('$setOnInsert applies only when the upsert inserts (MongoDB: update operators, $setOnInsert)', async () => {
    const engine = await setup([{ _id: 1, a: 1 }]);
    const r1 = await upd(
      engine,
      { _id: 1 },
      { $set: { b: 2 }, $setOnInsert: { created: true } },
      { upsert: true },
    );
    expect(r1).toMatchObject({ n: 1, nModified: 1 });
    expect(r1.upserted).toBeUndefined();
    const r2 = await upd(
      engine,
      { _id: 2 },
      { $set: { b: 2 }, $setOnInsert: { created: true } },
      { upsert: true },
    );
    expect(r2).toMatchObject({ n: 1, nModified: 0, upserted: [{ index: 0, _id: 2 }] });
    expect(await findAll(engine, 'db', 'c')).toEqual([
      { _id: 1, a: 1, b: 2 },
      { _id: 2, b: 2, created: true },
    ]);
  });

  it('$inc on a string or null is TypeMismatch 14, not a silent no-op', async () => {
    const engine = await setup([{ _id: 1, s: 'x', n: null }]);
    for (const field of ['s', 'n']) {
      const r = await upd(engine, { _id: 1 }, { $inc: { [field]: 1 } });
      expect(r.writeErrors[0]).toMatchObject({ index: 0, code: 14, codeName: 'TypeMismatch' });
      expect(r.writeErrors[0].errmsg).toContain('Cannot apply $inc to a value of non-numeric type');
    }
    expect(await findAll(engine, 'db', 'c')).toEqual([{ _id: 1, s: 'x', n: null }]);
  });

  it('$inc with a non-numeric argument is TypeMismatch 14', async () => {
    const engine = await setup([{ _id: 1, a: 1 }]);
    const r = await upd(engine, { _id: 1 }, { $inc: { a: 'x' } });
    expect(r.writeErrors[0]).toMatchObject({ code: 14 });
  });

  it('$push on a non-array errors (MongoDB: "must be an array but is of type string")', async () => {
    const engine = await setup([{ _id: 1, tags: 'x' }]);
    const r = await upd(engine, { _id: 1 }, { $push: { tags: 'y' } });
    expect(r.writeErrors[0]).toMatchObject({ code: 2 });
    expect(r.writeErrors[0].errmsg).toContain("The field 'tags' must be an array but is of type string");
    const r2 = await upd(engine, { _id: 1 }, { $addToSet: { tags: 'y' } });
    expect(r2.writeErrors[0]).toMatchObject({ code: 2 });
  });

  it('setting a path through a scalar is PathNotViable 28', async () => {
    const engine = await setup([{ _id: 1, a: 5, n: null }]);
    const r = await upd(engine, { _id: 1 }, { $set: { 'a.b': 1 } });
    expect(r.writeErrors[0]).toMatchObject({ code: 28, codeName: 'PathNotViable' });
    expect(r.writeErrors[0].errmsg).toContain("Cannot create field 'b' in element {a: 5}");
    const r2 = await upd(engine, { _id: 1 }, { $set: { 'n.b': 1 } });
    expect(r2.writeErrors[0]).toMatchObject({ code: 28 });
  });

  it('two fields under one positional $ update the same matched element', async () => {
    const engine = await setup([
      {
        _id: 1,
        items: [
          { k: 'a', q: 1, p: 1 },
          { k: 'b', q: 1, p: 1 },
        ],
      },
    ]);
    const r = await upd(engine, { _id: 1, 'items.k': 'b' }, { $set: { 'items.$.q': 5, 'items.$.p': 9 } });
    expect(r).toMatchObject({ n: 1, nModified: 1 });
    expect((await findAll(engine, 'db', 'c'))[0]!.items).toEqual([
      { k: 'a', q: 1, p: 1 },
      { k: 'b', q: 5, p: 9 },
    ]);
  });

  it('$set of an unchanged _id is allowed; changing _id is ImmutableField 66', async () => {
    const engine = await setup([{ _id: 1, a: 1 }]);
    const ok = await upd(engine, { _id: 1 }, { $set: { _id: 1, a: 2 } });
    expect(ok).toMatchObject({ n: 1, nModified: 1 });
    expect(ok.writeErrors).toBeUndefined();
    const bad = await upd(engine, { _id: 1 }, { $set: { _id: 2 } });
    expect(bad.writeErrors[0]).toMatchObject({ code: 66, codeName: 'ImmutableField' });
    const repl = await upd(engine, { _id: 1 }, { _id: 3, a: 1 });
    expect(repl.writeErrors[0]).toMatchObject({ code: 66 });
  });

  it('$pull with $or removes every element matching either branch', async () => {
    const engine = await setup([{ _id: 1, xs: [{ a: 1 }, { a: 2 }, { b: 3 }, { a: 4 }] }]);
    const r = await upd(engine, { _id: 1 }, { $pull: { xs: { $or: [{ a: 1 }, { b: 3 }] } } });
    expect(r).toMatchObject({ nModified: 1 });
    expect((await findAll(engine, 'db', 'c'))[0]!.xs).toEqual([{ a: 2 }, { a: 4 }]);
  });

  it('$pull by condition and by value, $pullAll, $pop, $addToSet $each, $push modifiers', async () => {
    const engine = await setup([{ _id: 1, n: [1, 5, 9, 5], s: ['a', 'b'], p: [3, 1] }]);
    await upd(engine, { _id: 1 }, { $pull: { n: { $gte: 9 } } });
    await upd(engine, { _id: 1 }, { $pullAll: { s: ['a'] } });
    await upd(engine, { _id: 1 }, { $addToSet: { s: { $each: ['b', 'c'] } } });
    await upd(engine, { _id: 1 }, { $push: { p: { $each: [2, 7], $sort: 1, $slice: 3 } } });
    await upd(engine, { _id: 1 }, { $pop: { n: -1 } });
    expect(await findAll(engine, 'db', 'c')).toEqual([{ _id: 1, n: [5, 5], s: ['b', 'c'], p: [1, 2, 3] }]);
  });

  it('arrayFilters and $[] update the selected elements', async () => {
    const engine = await setup([{ _id: 1, g: [{ v: 1 }, { v: 8 }, { v: 9 }], h: [1, 2] }]);
    await upd(
      engine,
      { _id: 1 },
      { $set: { 'g.$[big].top': true }, $inc: { 'h.$[]': 10 } },
      { arrayFilters: [{ 'big.v': { $gte: 8 } }] },
    );
    expect(await findAll(engine, 'db', 'c')).toEqual([
      { _id: 1, g: [{ v: 1 }, { v: 8, top: true }, { v: 9, top: true }], h: [11, 12] },
    ]);
  });

  it('update pipelines and replacement documents', async () => {
    const engine = await setup([
      { _id: 1, a: 2, b: 3 },
      { _id: 2, a: 1, b: 1 },
    ]);
    await upd(engine, { _id: 1 }, [{ $set: { sum: { $add: ['$a', '$b'] } } }, { $unset: 'b' }]);
    await upd(engine, { _id: 2 }, { z: 1 });
    expect(await findAll(engine, 'db', 'c')).toEqual([
      { _id: 1, a: 2, sum: 5 },
      { _id: 2, z: 1 },
    ]);
  });

  it('counts nModified only for documents that really changed', async () => {
    const engine = await setup([
      { _id: 1, a: 1 },
      { _id: 2, a: 2 },
    ]);
    const r = await upd(engine, {}, { $set: { a: 1 } }, { multi: true });
    expect(r).toMatchObject({ n: 2, nModified: 1 });
  });

  it('conflicting paths are ConflictingUpdateOperators 40, unknown modifiers FailedToParse 9', async () => {
    const engine = await setup([{ _id: 1, a: { b: 1 } }]);
    const r = await upd(engine, { _id: 1 }, { $set: { a: 1 }, $inc: { 'a.b': 1 } });
    expect(r.writeErrors[0]).toMatchObject({ code: 40 });
    const r2 = await upd(engine, { _id: 1 }, { $frob: { a: 1 } });
    expect(r2.writeErrors[0]).toMatchObject({ code: 9 });
  });

  it('upsert seeds the document from the filter equalities (incl. dotted paths)', async () => {
    const { engine } = memEngine();
    const r = await run(engine, 'db', {
      update: 'c',
      updates: [{ q: { k: 'x', 'm.n': 3, v: { $gt: 1 } }, u: { $inc: { c: 1 } }, upsert: true }],
    });
    expect(r.upserted[0].index).toBe(0);
    const [doc] = await findAll(engine, 'db', 'c');
    expect(doc).toMatchObject({ k: 'x', m: { n: 3 }, c: 1 });
    expect(Object.keys(doc!)[0]).toBe('_id');
  });
});

describe('number types follow MongoDB', () => {
  it('$inc of Int32 by Int32 stays Int32, by Double becomes Double, Long stays Long', async () => {
    const engine = await setup([{ _id: 1, i: new Int32(1), d: new Int32(1), l: Long.fromNumber(5) }]);
    await upd(engine, { _id: 1 }, { $inc: { i: new Int32(2), d: new Double(0.5), l: new Int32(1) } });
    const r = await engine.run('db', { find: 'c', filter: {} }, { connectionId: 1 });
    const doc = r.cursor.firstBatch[0];
    expect(doc.i).toBe(3);
    expect(doc.d).toBe(1.5);
    expect(doc.l).toBeInstanceOf(Long);
    expect(String(doc.l)).toBe('6');
  });

  it('Int32 overflow under $inc widens to Long; Decimal128 arithmetic is exact', async () => {
    const engine = await setup([{ _id: 1, i: new Int32(2147483647), m: Decimal128.fromString('0.1') }]);
    await upd(engine, { _id: 1 }, { $inc: { i: new Int32(1), m: Decimal128.fromString('0.2') } });
    const r = await engine.run('db', { find: 'c', filter: {} }, { connectionId: 1 });
    const doc = r.cursor.firstBatch[0];
    expect(doc.i).toBeInstanceOf(Long);
    expect(String(doc.i)).toBe('2147483648');
    expect(doc.m).toBeInstanceOf(Decimal128);
    expect(String(doc.m)).toBe('0.3');
  });
});
