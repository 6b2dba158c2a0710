import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MongoClient, MongoServerError } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { storeCredential } from '../credentials.js';
import { type EmbeddedMongo, startEmbeddedMongo } from '../server.js';

vi.setConfig({ testTimeout: 30_000, hookTimeout: 30_000 });

const connect = (uri: string, auth?: { username: string; password: string }, authSource = 'admin') =>
  new MongoClient(uri, {
    serverSelectionTimeoutMS: 5_000,
    ...(auth ? { auth, authSource } : {}),
  }).connect();

describe('authentication (SCRAM-SHA-256)', () => {
  let dataDir: string;
  let server: EmbeddedMongo;
  let password: string;
  const socketPath = path.join(os.tmpdir(), `formloom-auth-${process.pid}.sock`);
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'formloom-auth-'));
    const credential = await storeCredential(dataDir);
    password = credential.password;
    server = await startEmbeddedMongo({
      dataDir,
      socketPath,
      auth: { username: credential.username, password },
    });
  });
  afterAll(async () => {
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('the generated credential is a 0600 file in the data directory, stable across calls', async () => {
    const again = await storeCredential(dataDir);
    expect(again.password).toBe(password);
    expect(again.file).toBe(path.join(dataDir, '.store-password'));
    expect((await stat(again.file)).mode & 0o777).toBe(0o600);
    expect(password.length).toBeGreaterThanOrEqual(40);
  });

  it('the driver authenticates with the credential and works normally', async () => {
    const client = await connect(server.uri, { username: 'formloom', password });
    try {
      await client
        .db('app')
        .collection('c')
        .insertOne({ _id: 1, secret: 'x' } as never);
      expect(await client.db('app').collection('c').findOne({})).toEqual({ _id: 1, secret: 'x' });
      const status = await client.db('admin').command({ connectionStatus: 1 });
      expect(status.authInfo.authenticatedUsers).toEqual([{ user: 'formloom', db: 'admin' }]);
    } finally {
      await client.close();
    }
  });

  it('an unauthenticated client gets the handshake and nothing else', async () => {
    const client = await connect(server.uri);
    try {
      const admin = client.db('admin');
      expect((await admin.command({ hello: 1 })).isWritablePrimary).toBe(true);
      expect((await admin.command({ ping: 1 })).ok).toBe(1);
      expect((await admin.command({ buildInfo: 1 })).version).toBe('7.0.0');
      const read = await client
        .db('app')
        .collection('c')
        .find()
        .toArray()
        .catch((e: unknown) => e);
      expect(read).toBeInstanceOf(MongoServerError);
      expect(read).toMatchObject({ code: 13, codeName: 'Unauthorized' });
      expect((read as MongoServerError).message).toBe('command find requires authentication');
      for (const cmd of [
        { listDatabases: 1 },
        { insert: 'c', documents: [{ a: 1 }] },
        { find: 'system.users' },
        { usersInfo: 1 },
        { createUser: 'intruder', pwd: 'x', roles: [] },
        { serverStatus: 1 },
      ]) {
        const db = 'listDatabases' in cmd || 'serverStatus' in cmd ? admin : client.db('app');
        const e = await db.command(cmd).catch((x: unknown) => x);
        expect(e).toMatchObject({ code: 13 });
      }
    } finally {
      await client.close();
    }
  });

  it('a wrong password or an unknown user fails with AuthenticationFailed 18', async () => {
    for (const auth of [
      { username: 'formloom', password: `${password}x` },
      { username: 'nobody', password },
    ]) {
      const e = await connect(server.uri, auth).then(
        async (c) => {
          await c.close();
          return undefined;
        },
        (x: unknown) => x,
      );
      expect(e).toMatchObject({ code: 18, codeName: 'AuthenticationFailed' });
    }
  });

  it('the Unix socket requires authentication too', async () => {
    const uri = `mongodb://${encodeURIComponent(socketPath)}/`;
    const anonymous = await connect(uri);
    try {
      expect(
        await anonymous
          .db('app')
          .command({ count: 'c' })
          .catch((e: unknown) => e),
      ).toMatchObject({ code: 13 });
    } finally {
      await anonymous.close();
    }
    const client = await connect(uri, { username: 'formloom', password });
    try {
      expect((await client.db('app').command({ count: 'c' })).n).toBe(1);
    } finally {
      await client.close();
    }
  });

  it('users are managed with createUser, usersInfo, updateUser and dropUser, and no password is stored', async () => {
    const root = await connect(server.uri, { username: 'formloom', password });
    try {
      await root
        .db('app')
        .command({ createUser: 'reporter', pwd: 'p4ss word', roles: [{ role: 'read', db: 'app' }] });
      const dup = await root
        .db('app')
        .command({ createUser: 'reporter', pwd: 'x', roles: [] })
        .catch((e: unknown) => e);
      expect(dup).toMatchObject({ code: 51003 });
      const info = await root.db('app').command({ usersInfo: 'reporter' });
      expect(info.users).toMatchObject([
        { _id: 'app.reporter', user: 'reporter', db: 'app', mechanisms: ['SCRAM-SHA-256'] },
      ]);
      const stored = await root
        .db('admin')
        .collection('system.users')
        .findOne({ _id: 'app.reporter' } as never);
      expect(JSON.stringify(stored)).not.toContain('p4ss');
      expect(stored?.credentials['SCRAM-SHA-256']).toMatchObject({ iterationCount: 15000 });

      const reporter = await connect(server.uri, { username: 'reporter', password: 'p4ss word' }, 'app');
      expect((await reporter.db('app').command({ count: 'c' })).n).toBe(1);
      await reporter.close();

      await root.db('app').command({ updateUser: 'reporter', pwd: 'new-secret' });
      const old = await connect(server.uri, { username: 'reporter', password: 'p4ss word' }, 'app').catch(
        (e: unknown) => e,
      );
      expect(old).toMatchObject({ code: 18 });
      const renewed = await connect(server.uri, { username: 'reporter', password: 'new-secret' }, 'app');
      await renewed.close();

      await root.db('app').command({ dropUser: 'reporter' });
      const gone = await root
        .db('app')
        .command({ dropUser: 'reporter' })
        .catch((e: unknown) => e);
      expect(gone).toMatchObject({ code: 11, codeName: 'UserNotFound' });
    } finally {
      await root.close();
    }
  });

  it('users survive a restart; the server listens on loopback by default', async () => {
    await server.stop();
    server = await startEmbeddedMongo({ dataDir, socketPath, auth: { username: 'formloom', password } });
    expect(server.uri).toMatch(/^mongodb:\/\/127\.0\.0\.1:\d+\/$/);
    const client = await connect(server.uri, { username: 'formloom', password });
    expect(await client.db('app').collection('c').countDocuments()).toBe(1);
    await client.close();
  });
});

describe('formloom-db --auth', () => {
  it('generates the credential, requires it, and prints how to connect', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'formloom-cli-auth-'));
    const cli = path.resolve(import.meta.dirname, '../cli.ts');
    const child = spawn(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', cli, '--dbpath', dataDir, '--port', '0', '--auth'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      const out = await new Promise<string>((resolve, reject) => {
        let text = '';
        child.stdout.on('data', (chunk: Buffer) => {
          text += chunk.toString();
          if (text.includes('connect with:') && text.endsWith('\n')) resolve(text);
        });
        child.once('exit', (code) => reject(new Error(`formloom-db exited with ${code}: ${text}`)));
      });
      const [uri, how, connectLine] = out.trim().split('\n');
      const password = (await readFile(path.join(dataDir, '.store-password'), 'utf8')).trim();
      expect(how).toContain(path.join(dataDir, '.store-password'));
      expect(connectLine).toContain('mongodb://formloom:$(cat ');
      expect(out).not.toContain(password);
      const anonymous = await connect(uri!);
      expect(
        await anonymous
          .db('x')
          .command({ count: 'c' })
          .catch((e: unknown) => e),
      ).toMatchObject({ code: 13 });
      await anonymous.close();
      const client = await connect(uri!, { username: 'formloom', password });
      expect((await client.db('x').command({ count: 'c' })).n).toBe(0);
      await client.close();
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
