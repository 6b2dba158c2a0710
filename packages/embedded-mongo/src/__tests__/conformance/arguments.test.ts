import { MongoServerError, ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type AnyDoc, type ConformanceTarget, openTarget } from './harness.js';

vi.setConfig({ testTimeout: 20_000, hookTimeout: 30_000 });

/** Runs a raw command and returns the server error it fails with. */
async function refusal(t: ConformanceTarget, cmd: Record<string, unknown>): Promise<MongoServerError> {
  const error = await t.db.command(cmd).then(
    (reply) => new Error(`expected a refusal, got ${JSON.stringify(reply)}`),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MongoServerError);
  return error as MongoServerError;
}

describe('conformance: command arguments are checked as mongod checks them', () => {
  let t: ConformanceTarget;
  beforeAll(async () => {
    t = await openTarget('args');
    await t.db.collection<AnyDoc>('docs').insertMany([
      { _id: 1, a: 1 },
      { _id: 2, a: 2 },
      { _id: 3, a: 3 },
    ]);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('findAndModify with a query that is not a document is refused and removes nothing', async () => {
    const error = await refusal(t, { findAndModify: 'docs', query: new ObjectId(), remove: true });
    expect(error).toMatchObject({ code: 14, codeName: 'TypeMismatch' });
    expect(error.message).toContain("BSON field 'findAndModify.query' is the wrong type 'objectId'");
    const update = await refusal(t, { findAndModify: 'docs', query: 5, update: { $set: { a: 0 } } });
    expect(update).toMatchObject({ code: 14 });
    expect(await t.db.collection('docs').countDocuments()).toBe(3);
    expect(await t.db.collection('docs').countDocuments({ a: 0 })).toBe(0);
  });

  it('wrong types of find, update, delete, insert and aggregate arguments are TypeMismatch', async () => {
    expect(await refusal(t, { find: 'docs', filter: 5 })).toMatchObject({ code: 14 });
    expect(await refusal(t, { find: 'docs', sort: 'a' })).toMatchObject({ code: 14 });
    expect(await refusal(t, { find: 'docs', singleBatch: 'yes' })).toMatchObject({ code: 14 });
    expect(await refusal(t, { update: 'docs', updates: [{ q: 1, u: { $set: { a: 1 } } }] })).toMatchObject({
      code: 14,
    });
    expect(
      await refusal(t, { update: 'docs', updates: [{ q: {}, u: { $set: { a: 1 } }, multi: 'all' }] }),
    ).toMatchObject({ code: 14 });
    expect(await refusal(t, { delete: 'docs', deletes: [{ q: 'x', limit: 0 }] })).toMatchObject({ code: 14 });
    expect(await refusal(t, { insert: 'docs', documents: [{ _id: 9 }], ordered: 'no' })).toMatchObject({
      code: 14,
    });
    expect(await refusal(t, { insert: 'docs', documents: [5] })).toMatchObject({ code: 14 });
    expect(await refusal(t, { aggregate: 'docs', pipeline: {}, cursor: {} })).toMatchObject({ code: 14 });
    expect(await refusal(t, { count: 'docs', query: [] })).toMatchObject({ code: 14 });
    expect(await refusal(t, { distinct: 'docs', key: 1 })).toMatchObject({ code: 14 });
    expect(await t.db.collection('docs').countDocuments()).toBe(3);
  });

  it('unknown and missing fields are refused', async () => {
    const unknown = await refusal(t, { find: 'docs', filtr: {} });
    expect(unknown).toMatchObject({ code: 40415 });
    expect(unknown.message).toBe("BSON field 'find.filtr' is an unknown field.");
    const missing = await refusal(t, { update: 'docs', updates: [{ q: {} }] });
    expect(missing).toMatchObject({ code: 40414 });
    expect(missing.message).toBe("BSON field 'update.updates.u' is missing but a required field");
  });

  it('updateOne and replaceOne with sort are refused (sort in updates arrived in 8.0)', async () => {
    const hello = await t.db.admin().command({ buildInfo: 1 });
    if (Number(String(hello.version).split('.')[0]) >= 8) return;
    const c = t.db.collection<AnyDoc>('docs');
    const update = await c.updateOne({}, { $set: { a: 9 } }, { sort: { a: -1 } }).catch((e: unknown) => e);
    expect(update).toMatchObject({ code: 40415 });
    expect((update as MongoServerError).message).toBe(
      "BSON field 'update.updates.sort' is an unknown field.",
    );
    const replace = await c.replaceOne({}, { a: 9 }, { sort: { a: -1 } }).catch((e: unknown) => e);
    expect(replace).toMatchObject({ code: 40415 });
    expect(await c.countDocuments({ a: 9 })).toBe(0);
  });

  it('a write concern a standalone cannot satisfy is refused before writing', async () => {
    const hello = await t.db.admin().command({ hello: 1 });
    if (hello.setName !== undefined || hello.msg === 'isdbgrid') return;
    const c = t.db.collection<AnyDoc>('wc');
    const two = await c.insertOne({ _id: 1 }, { writeConcern: { w: 2 } }).catch((e: unknown) => e);
    expect(two).toBeInstanceOf(MongoServerError);
    expect(two).toMatchObject({ code: 2, codeName: 'BadValue' });
    expect((two as MongoServerError).message).toBe("cannot use 'w' > 1 when a host is not replicated");
    const tag = await c
      .insertOne({ _id: 2 }, { writeConcern: { w: 'dc1' as 'majority' } })
      .catch((e: unknown) => e);
    expect(tag).toMatchObject({ code: 2 });
    expect(await c.countDocuments()).toBe(0);
    await c.insertOne({ _id: 3 }, { writeConcern: { w: 'majority' } });
    await c.insertOne({ _id: 4 }, { writeConcern: { w: 1, j: true } });
    expect(await c.countDocuments()).toBe(2);
  });

  it('a hint naming no index is refused', async () => {
    const c = t.db.collection<AnyDoc>('docs');
    const error = await c
      .find({ a: 1 })
      .hint('no_such_index')
      .toArray()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 2, codeName: 'BadValue' });
    expect((error as MongoServerError).message).toContain(
      'hint provided does not correspond to an existing index',
    );
    const byKey = await c
      .find({ a: 1 })
      .hint({ zz: 1 })
      .toArray()
      .catch((e: unknown) => e);
    expect(byKey).toMatchObject({ code: 2 });
    expect(await c.countDocuments({ a: 1 }, { hint: '_id_' })).toBe(1);
    expect(await c.find({ a: 2 }).hint({ _id: 1 }).toArray()).toEqual([{ _id: 2, a: 2 }]);
    const update = await c.updateOne({ a: 1 }, { $set: { b: 1 } }, { hint: 'nope' }).catch((e: unknown) => e);
    expect(update).toMatchObject({ code: 2 });
  });
});
