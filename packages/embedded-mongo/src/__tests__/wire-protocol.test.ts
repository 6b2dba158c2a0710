import { Int32, Long, ObjectId } from 'bson';
import { Int32 as DriverInt32, MongoClient, MongoServerError } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WireServer } from '../wire/listener.js';
import { opMsg, opQuery, RawClient } from './helpers/raw-client.js';
import { TestEngine } from './helpers/test-engine.js';

// Generous limits: these run beside other suites on a shared 2-core machine.
vi.setConfig({ testTimeout: 20_000, hookTimeout: 30_000 });

// The wire layer on its own, over a tiny engine: framing, handshake, dispatch and error shapes.
describe('wire protocol', () => {
  const engine = new TestEngine();
  const internalErrors: string[] = [];
  const wire = new WireServer(engine, { onInternalError: (_e, name) => internalErrors.push(name) });
  let port = 0;
  let client: MongoClient;

  beforeAll(async () => {
    port = (await wire.listen({ port: 0 })).port ?? 0;
    client = await new MongoClient(`mongodb://127.0.0.1:${port}/`, {
      serverSelectionTimeoutMS: 3000,
    }).connect();
  });
  afterAll(async () => {
    await client.close();
    await wire.close();
  });

  it('answers the legacy OP_QUERY handshake with an OP_REPLY of a standalone', async () => {
    const raw = await RawClient.connect(port);
    raw.send(
      opQuery('admin', { ismaster: 1, helloOk: true, client: { app: 't' }, compression: ['zlib'] }, 7),
    );
    const reply = await raw.reply();
    raw.close();
    expect(reply?.opCode).toBe(1);
    expect(reply?.responseTo).toBe(7);
    const doc = reply?.doc ?? {};
    expect(doc).toMatchObject({
      ismaster: true,
      helloOk: true,
      minWireVersion: 0,
      maxWireVersion: 21,
      ok: 1,
    });
    expect(doc.maxBsonObjectSize).toBe(16 * 1024 * 1024);
    expect(doc.maxMessageSizeBytes).toBe(48_000_000);
    expect(doc.maxWriteBatchSize).toBe(100_000);
    expect(doc.logicalSessionTimeoutMinutes).toBe(30);
    expect(doc.localTime).toBeInstanceOf(Date);
    expect(doc).not.toHaveProperty('setName');
    expect(doc).not.toHaveProperty('topologyVersion');
    expect(doc).not.toHaveProperty('compression');
  });

  it('accepts OP_QUERY commands wrapped in $query', async () => {
    const raw = await RawClient.connect(port);
    raw.send(opQuery('admin', { $query: { ping: 1 }, $readPreference: { mode: 'primary' } }));
    expect((await raw.reply())?.doc).toEqual({ ok: 1 });
    raw.close();
  });

  it('answers hello through the driver with isWritablePrimary and a connection id', async () => {
    const hello = await client.db('admin').command({ hello: 1 });
    expect(hello.isWritablePrimary).toBe(true);
    expect(typeof hello.connectionId).toBe('number');
    expect(hello.ismaster).toBeUndefined();
  });

  it('answers ping, buildInfo, getParameter, whatsmyuri, connectionStatus, serverStatus, hostInfo', async () => {
    const admin = client.db('admin');
    expect(await admin.command({ ping: 1 })).toEqual({ ok: 1 });
    const build = await admin.command({ buildInfo: 1 });
    expect(build.version).toMatch(/^7\.0\./);
    expect(build.versionArray).toEqual([7, 0, 0, 0]);
    const fcv = await admin.command({ getParameter: 1, featureCompatibilityVersion: 1 });
    expect(fcv.featureCompatibilityVersion).toEqual({ version: '7.0' });
    await expect(admin.command({ getParameter: 1, noSuchParameter: 1 })).rejects.toThrow(/no option found/);
    expect((await admin.command({ whatsmyuri: 1 })).you).toMatch(/^127\.0\.0\.1:\d+$/);
    expect((await admin.command({ connectionStatus: 1 })).authInfo.authenticatedUsers).toEqual([]);
    const status = await admin.command({ serverStatus: 1 });
    expect(status.version).toBe(build.version);
    expect(status.connections.current).toBeGreaterThanOrEqual(1);
    expect(status.opcounters.command).toBeGreaterThan(0);
    expect(typeof status.uptime).toBe('number');
    expect((await admin.command({ hostInfo: 1 })).system.numCores).toBeGreaterThan(0);
  });

  it('rejects unknown commands with CommandNotFound 59', async () => {
    const error = await client
      .db('x')
      .command({ frobnicate: 1 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoServerError);
    expect(error).toMatchObject({
      code: 59,
      codeName: 'CommandNotFound',
      message: "no such command: 'frobnicate'",
    });
  });

  it('refuses a transaction like a standalone (IllegalOperation 20)', async () => {
    const session = client.startSession();
    try {
      session.startTransaction();
      const error = await client
        .db('t')
        .collection('c')
        .insertOne({ a: 1 }, { session })
        .catch((e: unknown) => e);
      // The driver turns the server's code 20 into its "not supported" message, as with a real standalone.
      expect(error).toBeInstanceOf(MongoServerError);
      expect((error as MongoServerError).message).toMatch(/does not support retryable writes/);
      expect((error as MongoServerError).errorResponse.originalError).toMatchObject({ code: 20 });
    } finally {
      await session.endSession();
    }
  });

  it('merges kind-1 document sequences into the command and keeps numeric wrapper types', async () => {
    const raw = await RawClient.connect(port);
    raw.send(
      opMsg(
        { echo: 'c', $db: 'd', n: new Int32(3) },
        { sequences: { docs: [{ a: 1 }, { b: Long.fromNumber(2) }] }, requestId: 42 },
      ),
    );
    const reply = await raw.reply();
    raw.close();
    expect(reply?.responseTo).toBe(42);
    const echoed = engine.received.at(-1) ?? {};
    expect(echoed.docs).toHaveLength(2);
    expect(echoed.n).toBeInstanceOf(Int32);
    expect(echoed.docs[1].b).toBeInstanceOf(Long);
  });

  it('verifies a CRC-32C checksum when present and closes the connection when it is wrong', async () => {
    const good = await RawClient.connect(port);
    good.send(opMsg({ ping: 1, $db: 'admin' }, { checksum: true }));
    expect((await good.reply())?.doc.ok).toBe(1);
    good.close();

    const bad = await RawClient.connect(port);
    const message = opMsg({ ping: 1, $db: 'admin' }, { checksum: true });
    message.writeUInt32LE((message.readUInt32LE(message.length - 4) + 1) >>> 0, message.length - 4);
    bad.send(message);
    const reply = await bad.reply();
    expect(reply?.doc.ok).toBe(0);
    expect(reply?.doc.errmsg).toMatch(/checksum/);
    expect(await bad.waitClosed()).toBe(true);
  });

  it('does not reply to moreToCome messages but still runs them', async () => {
    const raw = await RawClient.connect(port);
    raw.send(
      opMsg({ insert: 'quiet', $db: 'd', documents: [{ _id: new ObjectId() }] }, { flags: 2, requestId: 5 }),
    );
    raw.send(opMsg({ ping: 1, $db: 'admin' }, { requestId: 6 }));
    const reply = await raw.reply();
    raw.close();
    expect(reply?.responseTo).toBe(6);
    expect(engine.collections.get('d.quiet')).toHaveLength(1);
  });

  it('answers commands of one connection in order, even when pipelined', async () => {
    const raw = await RawClient.connect(port);
    raw.send(Buffer.concat([1, 2, 3].map((id) => opMsg({ slow: 1, $db: 'a' }, { requestId: id }))));
    const ids = [
      (await raw.reply())?.responseTo,
      (await raw.reply())?.responseTo,
      (await raw.reply())?.responseTo,
    ];
    raw.close();
    expect(ids).toEqual([1, 2, 3]);
  });

  it('holds replies back while a pipelining client does not read, then delivers them all in order', async () => {
    const raw = await RawClient.connect(port);
    raw.socket.pause();
    const pad = 'p'.repeat(512 * 1024);
    const count = 60;
    raw.send(
      Buffer.concat(
        Array.from({ length: count }, (_, i) => opMsg({ echo: 'c', $db: 'd', pad }, { requestId: i + 1 })),
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    raw.socket.resume();
    const ids: number[] = [];
    for (let i = 0; i < count; i++) ids.push((await raw.reply(15_000))?.responseTo ?? -1);
    raw.close();
    expect(ids).toEqual(Array.from({ length: count }, (_, i) => i + 1));
  });

  it('answers an unexpected engine exception as InternalError and keeps serving', async () => {
    const error = await client
      .db('x')
      .command({ boom: 1 })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 1, codeName: 'InternalError' });
    expect(internalErrors).toContain('boom');
    expect(await client.db('admin').command({ ping: 1 })).toEqual({ ok: 1 });
  });

  it('round-trips documents through insert and find with the driver', async () => {
    const coll = client.db('rt').collection('c');
    await coll.insertOne({ _id: new ObjectId(), x: new Int32(5), when: new Date(0) });
    const docs = await coll.find({}, { promoteValues: false }).toArray();
    // The driver decodes with its own (CommonJS) copy of bson, so compare with its class.
    expect(docs[0]?.x).toBeInstanceOf(DriverInt32);
  });

  it('tells the engine when a connection closes', async () => {
    const raw = await RawClient.connect(port);
    const hello = await raw.command({ hello: 1, $db: 'admin' });
    raw.close();
    const id = hello?.connectionId as number;
    for (let i = 0; i < 50 && !engine.closedConnections.includes(id); i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(engine.closedConnections).toContain(id);
  });
});
