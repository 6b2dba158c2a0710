import { Long, MongoServerError } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type AnyDoc, type ConformanceTarget, openTarget } from './harness.js';

vi.setConfig({ testTimeout: 20_000, hookTimeout: 30_000 });

describe('conformance: cursors', () => {
  let t: ConformanceTarget;
  beforeAll(async () => {
    t = await openTarget('cursors');
    await t.db
      .collection<AnyDoc>('many')
      .insertMany(Array.from({ length: 250 }, (_, i) => ({ _id: i, even: i % 2 === 0 })));
  });
  afterAll(async () => {
    await t?.close();
  });

  const raw = (cmd: Record<string, unknown>) => t.db.command(cmd, { promoteLongs: false });

  it('the first batch defaults to 101 documents and getMore returns the rest', async () => {
    const first = await raw({ find: 'many', filter: {}, sort: { _id: 1 } });
    expect(first.cursor.firstBatch).toHaveLength(101);
    expect(first.cursor.id).toBeInstanceOf(Long);
    expect((first.cursor.id as Long).isZero()).toBe(false);
    const more = await raw({ getMore: first.cursor.id, collection: 'many' });
    expect(more.cursor.nextBatch).toHaveLength(149);
    expect(more.cursor.nextBatch[0]._id).toBe(101);
    expect((more.cursor.id as Long).isZero()).toBe(true);
    expect(more.cursor.ns).toBe(`${t.dbName}.many`);
  });

  it('batchSize shapes every batch and the driver walks them all', async () => {
    const first = await raw({ find: 'many', filter: { even: true }, sort: { _id: 1 }, batchSize: 40 });
    expect(first.cursor.firstBatch).toHaveLength(40);
    const second = await raw({ getMore: first.cursor.id, collection: 'many', batchSize: 50 });
    expect(second.cursor.nextBatch).toHaveLength(50);
    const third = await raw({ getMore: first.cursor.id, collection: 'many', batchSize: 50 });
    expect(third.cursor.nextBatch).toHaveLength(35);
    expect((third.cursor.id as Long).isZero()).toBe(true);
    const all = await t.db.collection<AnyDoc>('many').find({}, { batchSize: 7 }).sort({ _id: -1 }).toArray();
    expect(all).toHaveLength(250);
    expect(all[0]?._id).toBe(249);
  });

  it('limit, singleBatch and batchSize 0 behave as on mongod', async () => {
    const limited = await raw({ find: 'many', filter: {}, limit: 5 });
    expect(limited.cursor.firstBatch).toHaveLength(5);
    expect((limited.cursor.id as Long).isZero()).toBe(true);
    const single = await raw({ find: 'many', filter: {}, batchSize: 3, singleBatch: true });
    expect(single.cursor.firstBatch).toHaveLength(3);
    expect((single.cursor.id as Long).isZero()).toBe(true);
    const empty = await raw({ find: 'many', filter: {}, batchSize: 0 });
    expect(empty.cursor.firstBatch).toHaveLength(0);
    expect((empty.cursor.id as Long).isZero()).toBe(false);
    const rest = await raw({ getMore: empty.cursor.id, collection: 'many', batchSize: 1000 });
    expect(rest.cursor.nextBatch).toHaveLength(250);
  });

  it('killCursors reports killed and unknown cursors; getMore on a killed cursor is CursorNotFound 43', async () => {
    const first = await raw({ find: 'many', filter: {}, batchSize: 2 });
    const id = first.cursor.id as Long;
    const unknown = Long.fromNumber(123456789);
    const killed = await raw({ killCursors: 'many', cursors: [id, unknown] });
    expect(killed.cursorsKilled.map(String)).toEqual([String(id)]);
    expect(killed.cursorsNotFound.map(String)).toEqual([String(unknown)]);
    const error = await raw({ getMore: id, collection: 'many' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoServerError);
    expect(error).toMatchObject({ code: 43, codeName: 'CursorNotFound' });
  });

  it('closing a driver cursor early kills it on the server', async () => {
    const cursor = t.db.collection<AnyDoc>('many').find({}, { batchSize: 5 });
    await cursor.next();
    const id = cursor.id;
    await cursor.close();
    expect(id).toBeDefined();
    const error = await raw({ getMore: id, collection: 'many' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 43 });
  });

  it('aggregate, listCollections and listIndexes return cursors too', async () => {
    const agg = await raw({
      aggregate: 'many',
      pipeline: [{ $match: { even: false } }],
      cursor: { batchSize: 10 },
    });
    expect(agg.cursor.firstBatch).toHaveLength(10);
    const next = await raw({ getMore: agg.cursor.id, collection: 'many', batchSize: 200 });
    expect(next.cursor.nextBatch).toHaveLength(115);
    const colls = await raw({ listCollections: 1, cursor: {} });
    expect(colls.cursor.ns).toBe(`${t.dbName}.$cmd.listCollections`);
    expect(colls.cursor.id).toBeInstanceOf(Long);
    const idx = await raw({ listIndexes: 'many', cursor: {} });
    expect(idx.cursor.firstBatch.map((i: { name: string }) => i.name)).toEqual(['_id_']);
    const missing = await raw({ listIndexes: 'nope', cursor: {} }).catch((e: unknown) => e);
    expect(missing).toMatchObject({ code: 26 });
  });

  it('a cursor sees a consistent result while the collection changes', async () => {
    const c = t.db.collection<AnyDoc>('moving');
    await c.insertMany(Array.from({ length: 20 }, (_, i) => ({ _id: i })));
    const cursor = c.find({}, { batchSize: 5 }).sort({ _id: 1 });
    const seen: unknown[] = [];
    for await (const doc of cursor) {
      seen.push(doc._id);
      if (seen.length === 1) await c.deleteMany({ _id: { $gte: 15 } });
    }
    // Documents deleted after the query started may or may not be returned, but nothing repeats.
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.slice(0, 15)).toEqual(Array.from({ length: 15 }, (_, i) => i));
  });
});
