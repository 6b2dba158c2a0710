import { MongoServerError } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type AnyDoc, type ConformanceTarget, openTarget } from './harness.js';

vi.setConfig({ testTimeout: 20_000, hookTimeout: 30_000 });

describe('conformance: capped collections', () => {
  let t: ConformanceTarget;
  beforeAll(async () => {
    t = await openTarget('capped');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('create of a capped collection needs a size', async () => {
    const noSize = await t.db.command({ create: 'nosize', capped: true }).catch((e: unknown) => e);
    expect(noSize).toBeInstanceOf(MongoServerError);
    expect(noSize).toMatchObject({ code: 72, codeName: 'InvalidOptions' });
    expect((noSize as MongoServerError).message).toBe("the 'size' field is required when 'capped' is true");
    const maxOnly = await t.db.command({ create: 'maxonly', capped: true, max: 5 }).catch((e: unknown) => e);
    expect(maxOnly).toMatchObject({ code: 72 });
    const notCapped = await t.db.command({ create: 'sizeonly', size: 4096 }).catch((e: unknown) => e);
    expect(notCapped).toMatchObject({ code: 72 });
    const names = (await t.db.listCollections().toArray()).map((c) => c.name);
    expect(names).not.toContain('nosize');
    expect(names).not.toContain('maxonly');
  });

  it('keeps the newest documents within max, in insertion order', async () => {
    await t.db.createCollection('log', { capped: true, size: 100_000, max: 3 });
    const c = t.db.collection<AnyDoc>('log');
    for (let i = 1; i <= 5; i++) await c.insertOne({ _id: i, msg: `m${i}` });
    expect((await c.find().toArray()).map((d) => d._id)).toEqual([3, 4, 5]);
    expect((await c.find().sort({ $natural: -1 }).toArray()).map((d) => d._id)).toEqual([5, 4, 3]);
    const [info] = await t.db.listCollections({ name: 'log' }).toArray();
    expect((info as unknown as { options: Record<string, unknown> }).options).toMatchObject({
      capped: true,
      max: 3,
    });
    expect((await t.db.command({ collStats: 'log' })).capped).toBe(true);
  });

  it('a tailable cursor on a capped collection follows new documents; awaitData waits for them', async () => {
    await t.db.createCollection('feed', { capped: true, size: 100_000 });
    const c = t.db.collection<AnyDoc>('feed');
    await c.insertMany([
      { _id: 1, kind: 'a' },
      { _id: 2, kind: 'b' },
    ]);
    const tail = c.find(
      { kind: { $ne: 'skip' } },
      { tailable: true, awaitData: true, maxAwaitTimeMS: 5_000 },
    );
    try {
      expect((await tail.next())?._id).toBe(1);
      expect((await tail.next())?._id).toBe(2);
      // The cursor is at the end: the next document arrives after the insert below.
      const pending = tail.next();
      await c.insertOne({ _id: 3, kind: 'skip' });
      await c.insertOne({ _id: 4, kind: 'c' });
      expect((await pending)?._id).toBe(4);
      expect(tail.closed).toBe(false);
    } finally {
      await tail.close();
    }
  });

  it('tailable cursors are refused on ordinary collections and with other sorts', async () => {
    await t.db.collection<AnyDoc>('ordinary').insertOne({ _id: 1 });
    const e = await t.db.command({ find: 'ordinary', tailable: true }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(MongoServerError);
    expect(e).toMatchObject({ code: 2 });
    const sorted = await t.db
      .command({ find: 'log', tailable: true, sort: { _id: 1 } })
      .catch((x: unknown) => x);
    expect(sorted).toMatchObject({ code: 2 });
    const awaitOnly = await t.db.command({ find: 'log', awaitData: true }).catch((x: unknown) => x);
    expect(awaitOnly).toMatchObject({ code: 2 });
  });
});
