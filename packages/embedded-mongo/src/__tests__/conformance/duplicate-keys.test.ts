import { MongoBulkWriteError, type MongoServerError } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type AnyDoc, type ConformanceTarget, openTarget } from './harness.js';

vi.setConfig({ testTimeout: 20_000, hookTimeout: 30_000 });

describe('conformance: every duplicate key error carries keyPattern and keyValue', () => {
  let t: ConformanceTarget;
  beforeAll(async () => {
    t = await openTarget('dupkeys');
    const c = t.db.collection<AnyDoc>('users');
    await c.createIndex({ email: 1 }, { unique: true });
    await c.createIndex({ team: 1, no: 1 }, { unique: true });
    await c.insertMany([
      { _id: 1, email: 'a@x', team: 't', no: 1 },
      { _id: 2, email: 'b@x', team: 't', no: 2 },
    ]);
  });
  afterAll(async () => {
    await t?.close();
  });

  const users = () => t.db.collection<AnyDoc>('users');
  const expectDup = (e: unknown, keyPattern: object, keyValue: object) => {
    expect(e).toMatchObject({ code: 11000, keyPattern, keyValue });
    expect((e as MongoServerError).message).toMatch(/^E11000 duplicate key error collection: /);
  };

  it('insert, insertMany, update, upsert, replace and findAndModify', async () => {
    expectDup(
      await users()
        .insertOne({ _id: 3, email: 'a@x' })
        .catch((e: unknown) => e),
      { email: 1 },
      { email: 'a@x' },
    );
    expectDup(
      await users()
        .insertOne({ _id: 1 })
        .catch((e: unknown) => e),
      { _id: 1 },
      { _id: 1 },
    );
    const many = await users()
      .insertMany([{ _id: 4, email: 'c@x', team: 't', no: 2 }])
      .catch((e: unknown) => e);
    expect(many).toBeInstanceOf(MongoBulkWriteError);
    // The driver keeps only code and message of a batch's write errors: read the raw reply.
    const raw = await t.db.command({
      insert: 'users',
      documents: [{ _id: 4, email: 'c@x', team: 't', no: 2 }],
    });
    expect(raw.writeErrors[0]).toMatchObject({
      code: 11000,
      keyPattern: { team: 1, no: 1 },
      keyValue: { team: 't', no: 2 },
    });
    expectDup(
      await users()
        .updateOne({ _id: 2 }, { $set: { email: 'a@x' } })
        .catch((e: unknown) => e),
      { email: 1 },
      { email: 'a@x' },
    );
    expectDup(
      await users()
        .updateOne({ _id: 7 }, { $set: { email: 'b@x' } }, { upsert: true })
        .catch((e: unknown) => e),
      { email: 1 },
      { email: 'b@x' },
    );
    expectDup(
      await users()
        .replaceOne({ _id: 2 }, { email: 'a@x' })
        .catch((e: unknown) => e),
      { email: 1 },
      { email: 'a@x' },
    );
    expectDup(
      await users()
        .findOneAndUpdate({ _id: 2 }, { $set: { no: 1 } })
        .catch((e: unknown) => e),
      { team: 1, no: 1 },
      { team: 't', no: 1 },
    );
  });

  it('building a unique index over duplicates and $merge with whenMatched fail', async () => {
    const c = t.db.collection<AnyDoc>('dupbuild');
    await c.insertMany([
      { _id: 1, k: 'same' },
      { _id: 2, k: 'same' },
    ]);
    expectDup(
      await c.createIndex({ k: 1 }, { unique: true }).catch((e: unknown) => e),
      { k: 1 },
      { k: 'same' },
    );
    const merge = await c
      .aggregate([{ $match: { _id: 1 } }, { $merge: { into: 'dupbuild', whenMatched: 'fail' } }])
      .toArray()
      .catch((e: unknown) => e);
    expectDup(merge, { _id: 1 }, { _id: 1 });
  });
});
