import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BSON, Decimal128, Double, Int32, Long, MongoClient, ObjectId } from 'mongodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmbeddedMongo } from '../index.js';

describe('startEmbeddedMongo', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'formloom-server-'));
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('serves on a free port, keeps data across stop and start, and releases the directory', async () => {
    const first = await startEmbeddedMongo({ dataDir });
    expect(first.uri).toBe(`mongodb://127.0.0.1:${first.port}/`);
    expect(first.port).toBeGreaterThan(0);
    const client = await new MongoClient(first.uri).connect();
    await client
      .db('app')
      .collection('c')
      .insertOne({ _id: 'kept' as never, n: 1 });
    await client.close();
    await first.stop();
    await first.stop(); // idempotent

    const second = await startEmbeddedMongo({ dataDir });
    const again = await new MongoClient(second.uri).connect();
    expect(await again.db('app').collection('c').findOne({})).toEqual({ _id: 'kept', n: 1 });
    await again.close();
    await second.stop();
  }, 30_000);

  it('an insert journaled as its wire bytes reads back the same after a restart, type for type', async () => {
    const first = await startEmbeddedMongo({ dataDir });
    const client = await new MongoClient(first.uri).connect();
    const docs = [
      // _id first: journaled as sent.
      {
        _id: new ObjectId(),
        i: new Int32(5),
        d: new Double(5),
        x: 0.25,
        l: Long.fromString('9007199254740993'),
        m: Decimal128.fromString('1.10'),
        at: new Date(0),
        nested: { list: [1, new Double(2), { deep: 'ü' }], none: null },
      },
      // _id last: stored with _id first, so serialised again.
      { n: new Int32(1), s: 'later', _id: 'late' as never },
    ];
    const raw = { promoteValues: false } as const;
    await client.db('app').collection('c').insertMany(docs, { ordered: true });
    // The driver adds an _id to a document without one (after its fields).
    await client.db('app').collection('c').insertOne({ only: 'fields' });
    const before = await client.db('app').collection('c').find({}, raw).sort({ _id: 1 }).toArray();
    await client.close();
    await first.stop();

    const second = await startEmbeddedMongo({ dataDir });
    const again = await new MongoClient(second.uri).connect();
    const after = await again.db('app').collection('c').find({}, raw).sort({ _id: 1 }).toArray();
    expect(after).toHaveLength(3);
    expect(after).toEqual(before);
    expect(BSON.serialize(after[0] ?? {})).toEqual(BSON.serialize(before[0] ?? {}));
    expect(Object.keys(after.find((d) => String(d._id) === 'late') ?? {})).toEqual(['_id', 'n', 's']);
    await again.close();
    await second.stop();
  }, 30_000);

  it('refuses a second server on the same data directory with a clear error', async () => {
    const first = await startEmbeddedMongo({ dataDir });
    try {
      await expect(startEmbeddedMongo({ dataDir })).rejects.toThrow(/in use/);
    } finally {
      await first.stop();
    }
  }, 30_000);

  it('fails to start on a port that is taken and leaves the directory usable', async () => {
    const first = await startEmbeddedMongo({ dataDir });
    const otherDir = await mkdtemp(path.join(os.tmpdir(), 'formloom-server-b-'));
    try {
      await expect(startEmbeddedMongo({ dataDir: otherDir, port: first.port })).rejects.toThrow(/EADDRINUSE/);
      const retry = await startEmbeddedMongo({ dataDir: otherDir });
      await retry.stop();
    } finally {
      await first.stop();
      await rm(otherDir, { recursive: true, force: true });
    }
  }, 30_000);

  it('also listens on a Unix socket, and removes the socket file on stop', async () => {
    const socketPath = path.join(dataDir, 'db.sock');
    const server = await startEmbeddedMongo({ dataDir, socketPath });
    try {
      const client = await new MongoClient(`mongodb://${encodeURIComponent(socketPath)}/`).connect();
      await client.db('s').collection('c').insertOne({ via: 'socket' });
      const tcp = await new MongoClient(server.uri).connect();
      expect(await tcp.db('s').collection('c').countDocuments({ via: 'socket' })).toBe(1);
      await tcp.close();
      await client.close();
    } finally {
      await server.stop();
    }
    await expect(stat(socketPath)).rejects.toThrow(/ENOENT/);
  }, 30_000);

  it('carries messages near the 48 MB limit both ways', async () => {
    const server = await startEmbeddedMongo({ dataDir });
    const client = await new MongoClient(server.uri).connect();
    try {
      const coll = client.db('big').collection<{ _id: number; s: string }>('c');
      const s = 'y'.repeat(14 * 1024 * 1024);
      // Three 14 MiB documents travel as one OP_MSG document sequence of ~44 MB.
      await coll.insertMany([0, 1, 2].map((i) => ({ _id: i, s })));
      const back = await coll.find().sort({ _id: 1 }).toArray();
      expect(back.map((d) => [d._id, d.s.length])).toEqual([
        [0, s.length],
        [1, s.length],
        [2, s.length],
      ]);
    } finally {
      await client.close();
      await server.stop();
    }
  }, 60_000);
});
