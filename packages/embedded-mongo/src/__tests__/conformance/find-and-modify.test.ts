import { MongoServerError, ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type AnyDoc, type ConformanceTarget, openTarget } from './harness.js';

vi.setConfig({ testTimeout: 20_000, hookTimeout: 30_000 });

describe('conformance: findAndModify', () => {
  let t: ConformanceTarget;
  beforeAll(async () => {
    t = await openTarget('fam');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('returns the document before or after, chosen by sort, with a projection', async () => {
    const c = t.db.collection<AnyDoc>('jobs');
    await c.insertMany([
      { _id: 1, state: 'new', pri: 1 },
      { _id: 2, state: 'new', pri: 5 },
      { _id: 3, state: 'done', pri: 9 },
    ]);
    const before = await c.findOneAndUpdate(
      { state: 'new' },
      { $set: { state: 'taken' } },
      { sort: { pri: -1 } },
    );
    expect(before).toEqual({ _id: 2, state: 'new', pri: 5 });
    const after = await c.findOneAndUpdate(
      { state: 'new' },
      { $set: { state: 'taken' } },
      { sort: { pri: -1 }, returnDocument: 'after', projection: { state: 1 } },
    );
    expect(after).toEqual({ _id: 1, state: 'taken' });
    expect(await c.findOneAndUpdate({ state: 'new' }, { $set: { state: 'x' } })).toBeNull();
  });

  it('reports lastErrorObject for updates and upserts', async () => {
    const c = t.db.collection<AnyDoc>('meta');
    await c.insertOne({ _id: 'a', n: 1 });
    const updated = await c.findOneAndUpdate(
      { _id: 'a' },
      { $inc: { n: 1 } },
      { includeResultMetadata: true, returnDocument: 'after' },
    );
    expect(updated.ok).toBe(1);
    expect(updated.value).toEqual({ _id: 'a', n: 2 });
    expect(updated.lastErrorObject).toMatchObject({ n: 1, updatedExisting: true });
    const upserted = await c.findOneAndUpdate(
      { _id: 'b' },
      { $set: { n: 10 }, $setOnInsert: { fresh: true } },
      { upsert: true, includeResultMetadata: true, returnDocument: 'after' },
    );
    expect(upserted.value).toEqual({ _id: 'b', n: 10, fresh: true });
    expect(upserted.lastErrorObject).toMatchObject({ n: 1, updatedExisting: false, upserted: 'b' });
    const upsertedBefore = await c.findOneAndUpdate(
      { key: 'k' },
      { $set: { n: 1 } },
      { upsert: true, includeResultMetadata: true },
    );
    expect(upsertedBefore.value).toBeNull();
    expect(upsertedBefore.lastErrorObject?.upserted).toBeInstanceOf(ObjectId);
  });

  it('replaces and removes', async () => {
    const c = t.db.collection<AnyDoc>('rr');
    await c.insertMany([
      { _id: 1, v: 'a' },
      { _id: 2, v: 'b' },
    ]);
    const replaced = await c.findOneAndReplace({ _id: 1 }, { v: 'A' }, { returnDocument: 'after' });
    expect(replaced).toEqual({ _id: 1, v: 'A' });
    const removed = await c.findOneAndDelete({ v: 'b' });
    expect(removed).toEqual({ _id: 2, v: 'b' });
    expect(await c.countDocuments()).toBe(1);
    const raw = await t.db.command({ findAndModify: 'rr', query: { _id: 1 }, remove: true });
    expect(raw.lastErrorObject).toMatchObject({ n: 1 });
    expect(raw.value).toEqual({ _id: 1, v: 'A' });
  });

  it('a version-guarded update matches only the expected version', async () => {
    const c = t.db.collection<AnyDoc>('guard');
    await c.insertOne({ _id: 1, v: 0, data: 'x' });
    const first = await c.findOneAndUpdate(
      { _id: 1, v: 0 },
      { $set: { data: 'y' }, $inc: { v: 1 } },
      { returnDocument: 'after' },
    );
    expect(first).toEqual({ _id: 1, v: 1, data: 'y' });
    const stale = await c.findOneAndUpdate({ _id: 1, v: 0 }, { $set: { data: 'z' }, $inc: { v: 1 } });
    expect(stale).toBeNull();
  });

  it('a duplicate key from findAndModify is a command error 11000', async () => {
    const c = t.db.collection<AnyDoc>('famdup');
    await c.createIndex({ u: 1 }, { unique: true });
    await c.insertMany([
      { _id: 1, u: 'a' },
      { _id: 2, u: 'b' },
    ]);
    const error = await c.findOneAndUpdate({ _id: 2 }, { $set: { u: 'a' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoServerError);
    expect(error).toMatchObject({ code: 11000, keyPattern: { u: 1 }, keyValue: { u: 'a' } });
    const upsertDup = await c
      .findOneAndUpdate({ _id: 3 }, { $set: { u: 'b' } }, { upsert: true })
      .catch((e: unknown) => e);
    expect(upsertDup).toMatchObject({ code: 11000 });
  });
});
