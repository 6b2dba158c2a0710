import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type Document, serialize } from 'bson';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startEmbeddedMongo } from '../server.js';
import { WireServer } from '../wire/listener.js';
import { opMsg, opQuery, RawClient } from './helpers/raw-client.js';
import { TestEngine } from './helpers/test-engine.js';

// Generous limits: these run beside other suites on a shared 2-core machine.
vi.setConfig({ testTimeout: 20_000, hookTimeout: 30_000 });

/** Deterministic PRNG (mulberry32) so a failing case can be replayed from its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function header(length: number, opCode = 2013, requestId = 1): Buffer {
  const h = Buffer.alloc(16);
  h.writeInt32LE(length, 0);
  h.writeInt32LE(requestId, 4);
  h.writeInt32LE(opCode, 12);
  return h;
}

function withLength(message: Buffer, length: number): Buffer {
  const copy = Buffer.from(message);
  copy.writeInt32LE(length, 0);
  return copy;
}

const ping = (): Buffer => opMsg({ ping: 1, $db: 'admin' }, { requestId: 999 });

interface Target {
  port: number;
  close(): Promise<void>;
}

async function wireOverTestEngine(): Promise<Target> {
  const wire = new WireServer(new TestEngine());
  const port = (await wire.listen({ port: 0 })).port ?? 0;
  return { port, close: () => wire.close() };
}

async function embeddedServer(): Promise<Target> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'formloom-fuzz-'));
  const server = await startEmbeddedMongo({ dataDir });
  return {
    port: server.port,
    async close() {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

// Once over the wire layer alone, once over the real engine and storage (mutated commands reach it).
describe.each([
  ['wire layer over a test engine', wireOverTestEngine],
  ['embedded server', embeddedServer],
])('fuzzed wire input: %s', (_name, start) => {
  let target: Target;
  let port = 0;
  let client: MongoClient;

  beforeAll(async () => {
    target = await start();
    port = target.port;
    client = await new MongoClient(`mongodb://127.0.0.1:${port}/`, {
      serverSelectionTimeoutMS: 3000,
    }).connect();
  }, 30_000);
  afterAll(async () => {
    await client.close();
    await target.close();
  });

  async function expectRejected(bytes: Buffer, errmsg?: RegExp): Promise<Document | undefined> {
    const raw = await RawClient.connect(port);
    raw.send(bytes);
    const reply = await raw.reply();
    if (errmsg) {
      expect(reply?.doc.ok).toBe(0);
      expect(reply?.doc.errmsg).toMatch(errmsg);
    }
    expect(await raw.waitClosed()).toBe(true);
    // Others keep being served.
    expect(await client.db('admin').command({ ping: 1 })).toEqual({ ok: 1 });
    return reply?.doc;
  }

  const valid = opMsg({ insert: 'c', $db: 'd' }, { sequences: { documents: [{ a: 1 }, { b: 'x' }] } });

  it('closes on a declared length beyond maxMessageSizeBytes without waiting for the body', async () => {
    await expectRejected(header(48_000_001), /maxMessageSizeBytes/);
  });

  it('closes on a declared length smaller than a header, zero or negative', async () => {
    await expectRejected(header(15), /smaller than a header/);
    await expectRejected(header(0));
    await expectRejected(header(-5));
  });

  it('closes on unknown and removed opcodes and on unnegotiated compression', async () => {
    await expectRejected(withOpCode(valid, 2002), /unsupported opcode 2002/);
    await expectRejected(withOpCode(valid, 4242), /unsupported opcode/);
    await expectRejected(withOpCode(valid, 2012), /compression/);
  });

  it('closes on a header length that disagrees with the content', async () => {
    // Shorter than the content: the tail is taken as the next message's header, the body is cut.
    await expectRejected(withLength(valid, valid.length - 7));
    await expectRejected(withLength(valid, 21));
  });

  it('closes on bad BSON: wrong document length, unknown element type, unterminated string', async () => {
    const body = Buffer.from(serialize({ ping: 1, $db: 'admin' }));
    const longDoc = Buffer.from(body);
    longDoc.writeInt32LE(body.length + 10, 0);
    await expectRejected(rawMsg(Buffer.concat([Buffer.from([0]), longDoc])), /BSON document length/);
    const badType = Buffer.from(body);
    badType[4] = 0x7e;
    const reply = await expectRejected(rawMsg(Buffer.concat([Buffer.from([0]), badType])), /invalid BSON/);
    expect(reply).toMatchObject({ code: 22, codeName: 'InvalidBSON' });
    const noNul = Buffer.from(body);
    noNul.fill(0x41, 5, noNul.length - 1);
    await expectRejected(rawMsg(Buffer.concat([Buffer.from([0]), noNul])), /invalid BSON/);
    await expectRejected(rawMsg(Buffer.from([0, 3, 0, 0, 0])), /BSON/);
  });

  it('closes on malformed OP_MSG structure', async () => {
    const body = Buffer.from(serialize({ ping: 1, $db: 'admin' }));
    await expectRejected(
      rawMsg(Buffer.concat([Buffer.from([0]), body, Buffer.from([0]), body])),
      /more than one body/,
    );
    await expectRejected(rawMsg(Buffer.concat([Buffer.from([7]), body])), /section kind 7/);
    await expectRejected(rawMsg(Buffer.from([1, 200, 0, 0, 0, 0x61, 0])), /document sequence length/);
    await expectRejected(rawMsg(Buffer.alloc(0)), /too short/);
    await expectRejected(rawMsg(Buffer.concat([Buffer.from([0]), body]), 1 << 3), /required OP_MSG flags/);
    await expectRejected(opMsg({ ping: 1 }), /\$db/);
    await expectRejected(
      opMsg({ insert: 'c', documents: [], $db: 'd' }, { sequences: { documents: [{}] } }),
      /duplicate/,
    );
    await expectRejected(opQuery('d', { find: 'c' }).fill(0x61, 20, 26), /only supported for commands/);
  });

  it('closes on a body larger than a document may be', async () => {
    await expectRejected(
      opMsg({ ping: 1, $db: 'admin', pad: 'x'.repeat(17 * 1024 * 1024) }),
      /exceeds the limit/,
    );
  });

  it('stays up when a client sends a truncated message and hangs up', async () => {
    const raw = await RawClient.connect(port);
    raw.send(valid.subarray(0, valid.length - 3));
    await new Promise((resolve) => setTimeout(resolve, 20));
    raw.close();
    expect(await client.db('admin').command({ ping: 1 })).toEqual({ ok: 1 });
  });

  it('survives randomly mutated messages: each gets a reply or closes its connection', async () => {
    const seeds = [
      valid,
      opMsg({ find: 'c', filter: { a: { $gt: 1 } }, $db: 'd' }),
      opMsg({ hello: 1, $db: 'admin' }, { checksum: true }),
      opQuery('admin', { ismaster: 1, helloOk: true }),
    ];
    const random = prng(20261126);
    for (let round = 0; round < 200; round++) {
      const base = seeds[round % seeds.length]!;
      const mutated = Buffer.from(base);
      const flips = 1 + Math.floor(random() * 4);
      for (let i = 0; i < flips; i++) {
        // Bytes 0-3 (the length) stay intact so the server frames the message and must judge it.
        const at = 4 + Math.floor(random() * (mutated.length - 4));
        mutated[at] = Math.floor(random() * 256);
      }
      const raw = await RawClient.connect(port);
      raw.send(Buffer.concat([mutated, ping()]));
      let answered = false;
      for (let reply = await raw.reply(); reply; reply = await raw.reply()) {
        if (reply.responseTo === 999) {
          answered = true;
          break;
        }
      }
      expect(answered || raw.closed, `round ${round}`).toBe(true);
      raw.close();
    }
    expect(await client.db('admin').command({ ping: 1 })).toEqual({ ok: 1 });
  }, 30_000);

  it('survives random byte streams', async () => {
    const random = prng(7);
    for (let round = 0; round < 100; round++) {
      const bytes = Buffer.alloc(1 + Math.floor(random() * 300));
      for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(random() * 256);
      // Half the time, a plausible length so the garbage reaches the decoder.
      if (round % 2 === 0 && bytes.length >= 16) bytes.writeInt32LE(bytes.length, 0);
      const raw = await RawClient.connect(port);
      raw.send(bytes);
      await new Promise((resolve) => setTimeout(resolve, 2));
      raw.close();
    }
    expect(await client.db('admin').command({ ping: 1 })).toEqual({ ok: 1 });
  }, 30_000);
});

function withOpCode(message: Buffer, opCode: number): Buffer {
  const copy = Buffer.from(message);
  copy.writeInt32LE(opCode, 12);
  return copy;
}

/** An OP_MSG with the given flags and raw section bytes. */
function rawMsg(sections: Buffer, flags = 0): Buffer {
  const flagBuf = Buffer.alloc(4);
  flagBuf.writeUInt32LE(flags);
  return Buffer.concat([header(20 + sections.length), flagBuf, sections]);
}
