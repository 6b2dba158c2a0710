import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from './store.js';

describe('the embedded store requires authentication', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'formloom-store-'));
  let store: Store | undefined;
  beforeAll(async () => {
    if (process.env.MONGODB_URI) return;
    store = await openStore({ mongodbUri: undefined, dataDir, dbName: 'app' });
  });
  afterAll(async () => {
    await store?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('generates its password into the data directory, readable by the owner only', () => {
    if (!store) return;
    expect(store.kind).toBe('embedded');
    expect(statSync(join(dataDir, '.store-password')).mode & 0o777).toBe(0o600);
  });

  it('lets the app in and refuses a local process that has no password', async () => {
    if (!store) return;
    await store.connection.collection('users').insertOne({ email: 'a@example.com', passwordHash: 'h' });
    const { host, port } = store.connection;
    const anonymous = await new mongoose.mongo.MongoClient(`mongodb://${host}:${port}/`, {
      serverSelectionTimeoutMS: 5_000,
    }).connect();
    try {
      const stolen = await anonymous
        .db('app')
        .collection('users')
        .find()
        .toArray()
        .catch((e: unknown) => e);
      expect(stolen).toMatchObject({ code: 13, codeName: 'Unauthorized' });
    } finally {
      await anonymous.close();
    }
    expect(host).toBe('127.0.0.1');
  });
});
