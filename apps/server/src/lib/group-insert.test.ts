import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp, type TestApp } from '../test/app.js';
import { groupInsert } from './group-insert.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

describe('groupInsert', () => {
  it('writes concurrent inserts with a few insertMany calls, each caller learning its own outcome', async () => {
    const db = t.store.connection.db;
    if (!db) throw new Error('no database');
    const collection = db.collection('group_insert_test');
    await collection.insertOne({ _id: 'taken' as never, n: -1 });
    const spy = vi.spyOn(collection, 'insertMany');
    const docs = Array.from({ length: 50 }, (_, n) => ({ _id: new Types.ObjectId(), n }));
    const outcomes = await Promise.allSettled([
      ...docs.map((doc) => groupInsert(collection, doc)),
      groupInsert(collection, { _id: 'taken', n: 99 }),
    ]);
    expect(outcomes.slice(0, 50).every((o) => o.status === 'fulfilled')).toBe(true);
    const refused = outcomes[50];
    expect(refused?.status).toBe('rejected');
    expect((refused as PromiseRejectedResult).reason.code).toBe(11000);
    expect(await collection.countDocuments({ n: { $gte: 0, $lt: 50 } })).toBe(50);
    // Queued in one turn of the event loop: one round trip for all 51.
    expect(spy).toHaveBeenCalledTimes(1);

    // A write while one is under way waits and goes with the others queued meanwhile.
    spy.mockClear();
    const first = groupInsert(collection, { n: 100 });
    await new Promise((resolve) => setImmediate(resolve));
    const later = Array.from({ length: 10 }, (_, i) => groupInsert(collection, { n: 101 + i }));
    await Promise.all([first, ...later]);
    expect(spy).toHaveBeenCalledTimes(2);
    expect(await collection.countDocuments({ n: { $gte: 100 } })).toBe(11);
  });

  it('rejects every waiting caller when the store fails the whole insert', async () => {
    const db = t.store.connection.db;
    if (!db) throw new Error('no database');
    const collection = db.collection('group_insert_fail');
    vi.spyOn(collection, 'insertMany').mockRejectedValueOnce(new Error('store away'));
    const outcomes = await Promise.allSettled([
      groupInsert(collection, { a: 1 }),
      groupInsert(collection, { a: 2 }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    await groupInsert(collection, { a: 3 });
    expect(await collection.countDocuments()).toBe(1);
  });
});
