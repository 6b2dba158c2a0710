import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type Db, MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type EmbeddedMongo, startEmbeddedMongo } from '../server.js';

vi.setConfig({ testTimeout: 20_000, hookTimeout: 30_000 });

/** What the README's "Not supported" table promises: each feature refused with its error. */
describe('features the embedded store refuses, each with the error the README lists', () => {
  let dataDir: string;
  let server: EmbeddedMongo;
  let client: MongoClient;
  let db: Db;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'formloom-unsupported-'));
    server = await startEmbeddedMongo({ dataDir });
    client = await new MongoClient(server.uri).connect();
    db = client.db('u');
    await db.collection('c').insertOne({ a: 1 });
  });
  afterAll(async () => {
    await client?.close();
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const refused = async (cmd: Record<string, unknown>) =>
    db.command(cmd).then(
      () => {
        throw new Error(`expected ${JSON.stringify(cmd)} to be refused`);
      },
      (e: unknown) => e,
    );

  it('time-series, clustered and encrypted collections', async () => {
    expect(await refused({ create: 'ts', timeseries: { timeField: 't' } })).toMatchObject({
      code: 238,
      codeName: 'NotImplemented',
      message: "create with 'timeseries' is not supported by the embedded store",
    });
    expect(await refused({ create: 'cl', clusteredIndex: { key: { _id: 1 }, unique: true } })).toMatchObject({
      code: 238,
    });
  });

  it('hashed, wildcard and compound text indexes', async () => {
    const hashed = await db
      .collection('c')
      .createIndex({ a: 'hashed' })
      .catch((e: unknown) => e);
    expect(hashed).toMatchObject({
      code: 238,
      message: "hashed indexes are not supported by the embedded store (field 'a')",
    });
    expect(
      await db
        .collection('c')
        .createIndex({ '$**': 1 })
        .catch((e: unknown) => e),
    ).toMatchObject({ code: 238 });
    expect(
      await db
        .collection('c')
        .createIndex({ a: 1, t: 'text' })
        .catch((e: unknown) => e),
    ).toMatchObject({ code: 238 });
  });

  it('server-side JavaScript', async () => {
    const message =
      'server-side JavaScript ($where, $function, $accumulator) is not supported by the embedded store';
    expect(
      await db
        .collection('c')
        .find({ $where: 'true' })
        .toArray()
        .catch((e: unknown) => e),
    ).toMatchObject({ code: 2, message });
    const fn = await db
      .collection('c')
      .aggregate([
        { $project: { x: { $function: { body: 'function() { return 1 }', args: [], lang: 'js' } } } },
      ])
      .toArray()
      .catch((e: unknown) => e);
    expect(fn).toMatchObject({ code: 2, message });
    expect(
      await refused({ mapReduce: 'c', map: 'function(){}', reduce: 'function(){}', out: { inline: 1 } }),
    ).toMatchObject({
      code: 59,
    });
  });

  it('change streams, Atlas Search and statistics stages', async () => {
    const stream = await db
      .collection('c')
      .aggregate([{ $changeStream: {} }])
      .toArray()
      .catch((e: unknown) => e);
    expect(stream).toMatchObject({
      code: 40573,
      message: 'The $changeStream stage is only supported on replica sets',
    });
    for (const stage of ['$search', '$vectorSearch', '$collStats', '$indexStats', '$planCacheStats']) {
      const e = await db
        .collection('c')
        .aggregate([{ [stage]: {} }])
        .toArray()
        .catch((x: unknown) => x);
      expect(e).toMatchObject({ code: 238, codeName: 'NotImplemented' });
    }
  });

  it('transactions and replica-set commands', async () => {
    const session = client.startSession();
    session.startTransaction();
    const txn = await db
      .collection('c')
      .insertOne({ b: 1 }, { session })
      .catch((e: unknown) => e);
    expect(txn).toMatchObject({ errorResponse: { originalError: { code: 20 } } });
    await session.abortTransaction().catch(() => undefined);
    await session.endSession();
    expect(
      await client
        .db('admin')
        .command({ replSetGetStatus: 1 })
        .catch((e: unknown) => e),
    ).toMatchObject({
      code: 76,
      codeName: 'NoReplicationEnabled',
    });
  });

  it('SASL mechanisms other than SCRAM-SHA-256', async () => {
    const e = await db
      .command({ saslStart: 1, mechanism: 'PLAIN', payload: Buffer.from('x') })
      .catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 334, codeName: 'MechanismUnavailable' });
  });
});
