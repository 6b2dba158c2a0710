import { Long, MongoServerError } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type AnyDoc, type ConformanceTarget, openTarget } from './harness.js';

vi.setConfig({ testTimeout: 20_000, hookTimeout: 30_000 });

describe('conformance: handshake and admin commands', () => {
  let t: ConformanceTarget;
  beforeAll(async () => {
    t = await openTarget('admin');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('hello and isMaster describe a writable primary the driver accepts', async () => {
    const admin = t.db.admin();
    const hello = await admin.command({ hello: 1 });
    expect(hello.isWritablePrimary).toBe(true);
    expect(hello.maxBsonObjectSize).toBe(16 * 1024 * 1024);
    expect(hello.maxMessageSizeBytes).toBe(48_000_000);
    expect(hello.maxWriteBatchSize).toBe(100_000);
    expect(hello.maxWireVersion).toBeGreaterThanOrEqual(21);
    expect(hello.logicalSessionTimeoutMinutes).toBe(30);
    expect(hello.localTime).toBeInstanceOf(Date);
    expect(typeof hello.connectionId).toBe('number');
    const isMaster = await admin.command({ isMaster: 1 });
    expect(isMaster.ismaster).toBe(true);
    if (t.embedded) {
      expect(hello.setName).toBeUndefined();
      expect(hello.topologyVersion).toBeUndefined();
      expect(hello.minWireVersion).toBe(0);
    }
  });

  it('ping, buildInfo, getParameter, whatsmyuri, connectionStatus', async () => {
    const admin = t.db.admin();
    expect((await admin.command({ ping: 1 })).ok).toBe(1);
    const build = await admin.command({ buildInfo: 1 });
    expect(build.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(build.versionArray).toHaveLength(4);
    expect(build.maxBsonObjectSize).toBe(16 * 1024 * 1024);
    const fcv = await admin.command({ getParameter: 1, featureCompatibilityVersion: 1 });
    expect(fcv.featureCompatibilityVersion.version).toMatch(/^\d+\.\d+$/);
    expect((await admin.command({ whatsmyuri: 1 })).you).toMatch(/:\d+$/);
    const status = await admin.command({ connectionStatus: 1 });
    expect(status.authInfo).toHaveProperty('authenticatedUsers');
  });

  it('serverStatus carries version, uptime, connections and opcounters that move', async () => {
    const admin = t.db.admin();
    const before = await admin.command({ serverStatus: 1 });
    await t.db.collection('ops').insertMany([{ a: 1 }, { a: 2 }]);
    await t.db.collection('ops').findOne({ a: 1 });
    const after = await admin.command({ serverStatus: 1 });
    expect(after.version).toBe((await admin.command({ buildInfo: 1 })).version);
    expect(typeof after.uptime).toBe('number');
    expect(after.connections.current).toBeGreaterThanOrEqual(1);
    expect(Number(after.opcounters.insert) - Number(before.opcounters.insert)).toBeGreaterThanOrEqual(2);
    expect(Number(after.opcounters.query) - Number(before.opcounters.query)).toBeGreaterThanOrEqual(1);
  });

  it('listDatabases, dbStats and collStats report what was written', async () => {
    await t.db.collection('stats').insertMany([{ a: 1 }, { a: 2 }, { a: 3 }]);
    const dbs = await t.db.admin().listDatabases();
    expect(dbs.databases.map((d) => d.name)).toContain(t.dbName);
    const names = await t.db.admin().listDatabases({ nameOnly: true });
    expect(names.databases.map((d) => d.name)).toContain(t.dbName);
    const dbStats = await t.db.command({ dbStats: 1 });
    expect(dbStats.db).toBe(t.dbName);
    expect(dbStats.collections).toBeGreaterThanOrEqual(1);
    expect(dbStats.objects).toBeGreaterThanOrEqual(3);
    const collStats = await t.db.command({ collStats: 'stats' });
    expect(collStats.count).toBe(3);
    expect(collStats.ns).toBe(`${t.dbName}.stats`);
  });

  it('an unknown command fails with CommandNotFound 59', async () => {
    const error = await t.db.command({ noSuchCommandHere: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoServerError);
    expect(error).toMatchObject({ code: 59, codeName: 'CommandNotFound' });
    expect((error as MongoServerError).message).toContain('noSuchCommandHere');
  });

  it('a transaction fails like a standalone (code 20) or commits on a replica set', async () => {
    const hello = await t.db.admin().command({ hello: 1 });
    const session = t.client.startSession();
    try {
      session.startTransaction();
      const result = await t.db
        .collection<AnyDoc>('txn')
        .insertOne({ a: 1 }, { session })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      if (hello.setName !== undefined || hello.msg === 'isdbgrid') {
        expect(result).toBeUndefined();
        await session.commitTransaction();
      } else {
        expect(result).toBeInstanceOf(MongoServerError);
        expect((result as MongoServerError).errorResponse.originalError).toMatchObject({ code: 20 });
        await session.abortTransaction().catch(() => undefined);
      }
    } finally {
      await session.endSession();
    }
  });

  it('cursor ids are int64 and endSessions is accepted', async () => {
    await t.db.collection('cur').insertMany(Array.from({ length: 5 }, (_, i) => ({ i })));
    const reply = await t.db.command({ find: 'cur', batchSize: 2 }, { promoteLongs: false });
    expect(reply.cursor.id).toBeInstanceOf(Long);
    expect(reply.cursor.ns).toBe(`${t.dbName}.cur`);
    await t.db.command({ killCursors: 'cur', cursors: [reply.cursor.id] });
    const session = t.client.startSession();
    await t.db.collection('cur').findOne({}, { session });
    await session.endSession();
    // The driver sends endSessions on close, with moreToCome; the next connection must still work.
    await t.db.admin().command({ endSessions: [session.id] });
  });
});
