import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
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
