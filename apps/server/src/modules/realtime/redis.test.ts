import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../app.js';
import { ConfigError, loadConfig } from '../../config.js';
import { openStore } from '../../store.js';
import { redactRedisUrl } from './redis.js';

/**
 * No Redis runs here: these check that REDIS_URL is read and that the adapter is wired when it is set
 * (the start tries to connect and fails clearly when nothing answers), not the cross-instance traffic.
 */

const base = { SECRET: 'test-secret-that-is-at-least-32-characters-long', LOG_LEVEL: 'silent' };

describe('REDIS_URL', () => {
  it('is read from the environment and must be a redis URL', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'formloom-redis-'));
    try {
      expect(loadConfig({ ...base, DATA_DIR: dataDir }, []).redisUrl).toBeUndefined();
      expect(loadConfig({ ...base, DATA_DIR: dataDir, REDIS_URL: 'rediss://cache:6380' }, []).redisUrl).toBe(
        'rediss://cache:6380',
      );
      expect(() => loadConfig({ ...base, DATA_DIR: dataDir, REDIS_URL: 'cache:6379' }, [])).toThrow(
        ConfigError,
      );
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('keeps passwords out of messages', () => {
    expect(redactRedisUrl('redis://user:hunter2@cache:6379/0')).toBe('redis://user:***@cache:6379/0');
    expect(redactRedisUrl('redis://cache:6379')).toBe('redis://cache:6379');
  });

  it('wires the adapter when set: a Redis that does not answer stops the start with a clear error', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'formloom-redis-'));
    const mongodbUri = process.env.MONGODB_URI;
    const config = loadConfig(
      {
        ...base,
        DATA_DIR: dataDir,
        // Port 1 on loopback: nothing listens there, so the connection is refused at once.
        REDIS_URL: 'redis://:secret-pass@127.0.0.1:1',
        ...(mongodbUri ? { MONGODB_URI: mongodbUri } : {}),
      },
      [],
    );
    const store = await openStore({
      mongodbUri: config.mongodbUri,
      dataDir,
      dbName: `formloom_test_redis_${process.pid}`,
    });
    try {
      const app = await buildApp({ config, store, logger: false });
      const error = await app.ready().then(
        () => undefined,
        (caught: unknown) => caught as Error,
      );
      expect(error?.message).toMatch(/^REDIS_URL: cannot connect to redis:\/\/:\*\*\*@127\.0\.0\.1:1/);
      expect(error?.message).not.toContain('secret-pass');
      await app.close().catch(() => undefined);
    } finally {
      if (mongodbUri) await store.connection.dropDatabase();
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
