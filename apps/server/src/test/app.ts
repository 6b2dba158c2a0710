import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AppInstance, type BuildAppOptions, buildApp } from '../app.js';
import { type Config, loadConfig } from '../config.js';
import { openStore, type Store } from '../store.js';

/** A test app on its own store: the embedded one in a temp dir, or a fresh database of MONGODB_URI. */
export interface TestApp {
  app: AppInstance;
  store: Store;
  config: Config;
  close(): Promise<void>;
}

/**
 * Builds the app as main does, on a store of its own, so integration tests run against the same
 * code path as production. Pass config overrides as environment variables.
 */
export async function createTestApp(
  env: Record<string, string> = {},
  options: Pick<BuildAppOptions, 'clock' | 'pollJobs' | 'webDist'> & { monitorCommands?: boolean } = {},
): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'formloom-test-'));
  const mongodbUri = process.env.MONGODB_URI;
  const config = loadConfig(
    {
      DATA_DIR: dataDir,
      SECRET: 'test-secret-that-is-at-least-32-characters-long',
      LOG_LEVEL: 'silent',
      // Tests play clients behind a proxy, so X-Forwarded-For/-Proto name the client (tests override it).
      TRUST_PROXY: 'true',
      ...(mongodbUri ? { MONGODB_URI: mongodbUri } : {}),
      ...env,
    },
    [],
  );
  const dbName = `formloom_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const { monitorCommands, ...appOptions } = options;
  const store = await openStore({
    mongodbUri: config.mongodbUri,
    dataDir,
    dbName,
    ...(monitorCommands ? { monitorCommands } : {}),
  });
  const app = await buildApp({ config, store, logger: false, ...appOptions });
  await app.ready();
  return {
    app,
    store,
    config,
    async close() {
      await app.close();
      if (mongodbUri) await store.connection.dropDatabase();
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
