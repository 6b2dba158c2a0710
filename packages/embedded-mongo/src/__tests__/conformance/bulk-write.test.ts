import { MongoBulkWriteError } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type AnyDoc, type ConformanceTarget, openTarget } from './harness.js';

vi.setConfig({ testTimeout: 30_000, hookTimeout: 30_000 });

describe('conformance: bulk writes', () => {
  let t: ConformanceTarget;
  beforeAll(async () => {
    t = await openTarget('bulk');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('an ordered bulkWrite of every kind reports each count', async () => {
    const c = t.db.collection<AnyDoc>('b');
    await c.insertMany([
      { _id: 1, g: 'a' },
      { _id: 2, g: 'a' },
      { _id: 3, g: 'b' },
    ]);
    const result = await c.bulkWrite([
      { insertOne: { document: { _id: 4, g: 'c' } } },
      { updateOne: { filter: { _id: 1 }, update: { $set: { x: 1 } } } },
      { updateMany: { filter: { g: 'a' }, update: { $set: { y: 1 } } } },
      { replaceOne: { filter: { _id: 3 }, replacement: { g: 'B' } } },
      { updateOne: { filter: { _id: 9 }, update: { $set: { g: 'z' } }, upsert: true } },
      { deleteOne: { filter: { _id: 4 } } },
      { deleteMany: { filter: { g: 'nothing' } } },
    ]);
    expect(result.insertedCount).toBe(1);
    expect(result.matchedCount).toBe(4);
    expect(result.modifiedCount).toBe(4);
    expect(result.upsertedCount).toBe(1);
    expect(result.upsertedIds).toEqual({ 4: 9 });
    expect(result.deletedCount).toBe(1);
    expect(await c.find().sort({ _id: 1 }).toArray()).toEqual([
      { _id: 1, g: 'a', x: 1, y: 1 },
      { _id: 2, g: 'a', y: 1 },
      { _id: 3, g: 'B' },
      { _id: 9, g: 'z' },
    ]);
  });

  it('an unordered bulkWrite reports write errors with their indexes and applies the rest', async () => {
    const c = t.db.collection<AnyDoc>('bu');
    await c.insertOne({ _id: 1 });
    const error = await c
      .bulkWrite(
        [
          { insertOne: { document: { _id: 1 } } },
          { insertOne: { document: { _id: 2 } } },
          { updateOne: { filter: { _id: 2 }, update: { $inc: { n: 1 } } } },
          { insertOne: { document: { _id: 2 } } },
        ],
        { ordered: false },
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoBulkWriteError);
    const bulk = error as MongoBulkWriteError;
    const errors = Array.isArray(bulk.writeErrors) ? bulk.writeErrors : [bulk.writeErrors];
    expect(errors.map((e) => [e.index, e.code])).toEqual([
      [0, 11000],
      [3, 11000],
    ]);
    expect(bulk.result.insertedCount).toBe(1);
    expect(await c.findOne({ _id: 2 })).toEqual({ _id: 2, n: 1 });
  });

  it('an ordered bulkWrite stops at the first error', async () => {
    const c = t.db.collection<AnyDoc>('bo');
    await c.insertOne({ _id: 1 });
    const error = await c
      .bulkWrite([
        { insertOne: { document: { _id: 2 } } },
        { insertOne: { document: { _id: 1 } } },
        { insertOne: { document: { _id: 3 } } },
      ])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoBulkWriteError);
    expect((error as MongoBulkWriteError).result.insertedCount).toBe(1);
    expect(await c.countDocuments()).toBe(2);
  });

  it('batches beyond maxWriteBatchSize are split by the driver and all land', async () => {
    const c = t.db.collection<AnyDoc>('huge');
    const docs = Array.from({ length: 100_001 }, (_, i) => ({ i }));
    const result = await c.insertMany(docs);
    expect(result.insertedCount).toBe(100_001);
    expect(await c.estimatedDocumentCount()).toBe(100_001);
  });
});
