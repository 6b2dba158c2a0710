import { setTimeout as sleep } from 'node:timers/promises';
import { type Connection, Schema } from 'mongoose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type AppInstance, buildApp } from '../app.js';
import { loadConfig } from '../config.js';
import { addMember, runSetup, type Session } from '../modules/auth/test-helpers.js';
import { openStore, type Store } from '../store.js';
import { createTestApp, type TestApp } from '../test/app.js';
import {
  configureReadCache,
  generationOf,
  invalidate,
  invalidateOnWrite,
  onInvalidate,
  ReadCache,
  readCache,
} from './read-cache.js';

let t: TestApp;
let connection: Connection;
beforeAll(async () => {
  t = await createTestApp();
  connection = t.store.connection;
});
afterAll(async () => {
  await t.close();
});
afterEach(() => {
  vi.useRealTimers();
  configureReadCache(connection, { ttlMs: t.config.cacheTtlMs });
});

describe('ReadCache', () => {
  it('serves a value until its area is written, and only that area', () => {
    const cache = new ReadCache<string>(connection, 'identity');
    cache.set('k', 'v', generationOf(connection, 'identity'));
    expect(cache.get('k')).toBe('v');
    invalidate(connection, 'definitions');
    expect(cache.get('k')).toBe('v');
    invalidate(connection, 'identity');
    expect(cache.get('k')).toBeUndefined();
  });

  it('keeps nothing read under an older generation (a write raced with the read)', () => {
    const cache = new ReadCache<string>(connection, 'identity');
    const before = generationOf(connection, 'identity');
    invalidate(connection, 'identity');
    cache.set('k', 'stale', before);
    expect(cache.get('k')).toBeUndefined();
  });

  it('forgets a value after the TTL, or earlier at its own expiry', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-01-01T00:00:00Z'));
    configureReadCache(connection, { ttlMs: 1000 });
    const cache = new ReadCache<string>(connection, 'identity');
    const generation = generationOf(connection, 'identity');
    cache.set('long', 'a', generation);
    cache.set('short', 'b', generation, Date.now() + 100);
    vi.setSystemTime(Date.now() + 99);
    expect([cache.get('long'), cache.get('short')]).toEqual(['a', 'b']);
    vi.setSystemTime(Date.now() + 1);
    expect([cache.get('long'), cache.get('short')]).toEqual(['a', undefined]);
    vi.setSystemTime(Date.now() + 900);
    expect(cache.get('long')).toBeUndefined();
  });

  it('keeps nothing when the TTL is 0', () => {
    configureReadCache(connection, { ttlMs: 0 });
    const cache = new ReadCache<string>(connection, 'identity');
    cache.set('k', 'v', generationOf(connection, 'identity'));
    expect(cache.get('k')).toBeUndefined();
  });

  it('starts over past its bound instead of growing', () => {
    const cache = new ReadCache<number>(connection, 'definitions', 3);
    const generation = generationOf(connection, 'definitions');
    for (let i = 0; i < 4; i++) cache.set(`k${i}`, i, generation);
    expect([0, 1, 2, 3].map((i) => cache.get(`k${i}`))).toEqual([undefined, undefined, undefined, 3]);
  });

  it('is one per connection and name', () => {
    expect(readCache(connection, 'a', 'identity')).toBe(readCache(connection, 'a', 'identity'));
    expect(readCache(connection, 'a', 'identity')).not.toBe(readCache(connection, 'b', 'identity'));
  });

  it('loads a missing key once for the callers that miss it meanwhile, not across a write', async () => {
    const cache = new ReadCache<string>(connection, 'identity');
    const releases: Array<(value: string) => void> = [];
    const load = vi.fn(() => new Promise<string>((resolve) => releases.push(resolve)));
    const first = [cache.shared('k', load), cache.shared('k', load)];
    expect(load).toHaveBeenCalledTimes(1);
    // A write meanwhile: the load on its way may predate it, so a new caller gets a load of its own.
    invalidate(connection, 'identity');
    const afterWrite = cache.shared('k', load);
    expect(load).toHaveBeenCalledTimes(2);
    releases[1]?.('second');
    releases[0]?.('first');
    expect(await Promise.all(first)).toEqual(['first', 'first']);
    expect(await afterWrite).toBe('second');
    const failing = vi.fn(async () => {
      throw new Error('store away');
    });
    const outcomes = await Promise.allSettled([cache.shared('x', failing), cache.shared('x', failing)]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    expect(failing).toHaveBeenCalledTimes(1);
    expect(await cache.shared('x', async () => 'later')).toBe('later');
  });

  it('tells listeners of local invalidations, not of those relayed from a peer', () => {
    const heard: string[] = [];
    const stop = onInvalidate(connection, (area) => heard.push(area));
    invalidate(connection, 'definitions');
    invalidate(connection, 'identity', { fromPeer: true });
    stop();
    invalidate(connection, 'identity');
    expect(heard).toEqual(['definitions']);
  });
});

describe('invalidateOnWrite', () => {
  interface Probe {
    n: number;
  }
  const schema = new Schema<Probe>({ n: Number }, { collection: 'cache_probe' });
  invalidateOnWrite(schema, 'definitions');

  it('drops the area on every kind of write through the model, and not on reads', async () => {
    const Probe = connection.model<Probe>('CacheProbe', schema);
    const writes: Array<[string, () => Promise<unknown>]> = [
      ['save', () => Probe.create({ n: 1 })],
      ['insertMany', () => Probe.insertMany([{ n: 2 }, { n: 3 }])],
      ['updateOne', () => Probe.updateOne({ n: 1 }, { $set: { n: 10 } })],
      ['updateMany', () => Probe.updateMany({}, { $inc: { n: 1 } })],
      ['findOneAndUpdate', () => Probe.findOneAndUpdate({ n: 11 }, { $set: { n: 12 } })],
      ['replaceOne', () => Probe.replaceOne({ n: 12 }, { n: 13 })],
      [
        'bulkWrite',
        () => Probe.bulkWrite([{ updateOne: { filter: { n: 13 }, update: { $set: { n: 14 } } } }]),
      ],
      [
        'document deleteOne',
        async () => {
          const doc = await Probe.findOne({ n: 14 });
          await doc?.deleteOne();
        },
      ],
      ['deleteOne', () => Probe.deleteOne({ n: 3 })],
      ['findOneAndDelete', () => Probe.findOneAndDelete({ n: 4 })],
      ['deleteMany', () => Probe.deleteMany({})],
    ];
    for (const [name, write] of writes) {
      const before = generationOf(connection, 'definitions');
      await write();
      expect({ name, bumped: generationOf(connection, 'definitions') > before }).toEqual({
        name,
        bumped: true,
      });
    }
    const before = generationOf(connection, 'definitions');
    await Probe.find({}).lean();
    await Probe.countDocuments({});
    expect(generationOf(connection, 'definitions')).toBe(before);
  });
});

describe('cached identities and definitions across server instances', () => {
  let b: { app: AppInstance; store: Store };
  let owner: Session & { workspaceId: string };
  let member: Session;
  const ttlMs = 300;

  beforeAll(async () => {
    owner = await runSetup(t.app);
    member = await addMember(t.app, owner, owner.workspaceId, 'cache@example.com');
    // A second instance: its own connection (so its own caches) to the same store.
    const client = connection.getClient() as unknown as {
      options: {
        hosts: Array<{ host: string; port: number }>;
        credentials?: { username: string; password: string; source: string };
      };
    };
    const host = client.options.hosts[0];
    // The same credential (the embedded store requires one).
    const cred = client.options.credentials;
    const auth = cred?.username
      ? `${encodeURIComponent(cred.username)}:${encodeURIComponent(cred.password)}@`
      : '';
    const query = cred?.username ? `?authSource=${cred.source}` : '';
    const config = loadConfig(
      {
        DATA_DIR: t.config.dataDir,
        SECRET: t.config.secret,
        LOG_LEVEL: 'silent',
        MONGODB_URI: `mongodb://${auth}${host?.host}:${host?.port}/${query}`,
        CACHE_TTL_MS: String(ttlMs),
      },
      [],
    );
    const store = await openStore({
      mongodbUri: config.mongodbUri,
      dataDir: config.dataDir,
      dbName: connection.name,
    });
    const app = await buildApp({ config, store, logger: false });
    await app.ready();
    b = { app, store };
  });
  afterAll(async () => {
    await b.app.close();
    await b.store.connection.close();
  });

  const members = (app: AppInstance, session: Session) =>
    app.inject({
      method: 'GET',
      url: `/api/v1/workspaces/${owner.workspaceId}/members`,
      headers: session.headers,
    });

  it('a revoked session is refused at once where it was revoked and within the TTL elsewhere', async () => {
    expect((await members(b.app, member)).statusCode).toBe(200);
    const out = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: member.headers });
    expect(out.statusCode).toBe(204);
    expect((await members(t.app, member)).statusCode).toBe(401);
    await sleep(ttlMs + 100);
    expect((await members(b.app, member)).statusCode).toBe(401);
  });

  it('a deactivated member loses the workspace at once here and within the TTL elsewhere', async () => {
    const other = await addMember(t.app, owner, owner.workspaceId, 'cache2@example.com');
    expect((await members(b.app, other)).statusCode).toBe(200);
    expect((await members(t.app, other)).statusCode).toBe(200);
    const off = await t.app.inject({
      method: 'POST',
      url: `/api/v1/workspaces/${owner.workspaceId}/members/${other.userId}/deactivate`,
      headers: owner.headers,
    });
    expect(off.statusCode).toBe(200);
    expect((await members(t.app, other)).statusCode).toBe(404);
    await sleep(ttlMs + 100);
    expect((await members(b.app, other)).statusCode).toBe(404);
  });
});
