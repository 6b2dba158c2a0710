import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { signInLines, summaryLine } from './modules/demo/print.js';
import { type DemoRunResult, runDemo } from './modules/demo/run.js';
import { openStore, StoreError } from './store.js';

/** Seconds the server gets to drain in-flight requests and close the store after SIGTERM/SIGINT. */
const SHUTDOWN_GRACE_MS = 4000;

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }

  let store: Awaited<ReturnType<typeof openStore>>;
  try {
    store = await openStore({ mongodbUri: config.mongodbUri, dataDir: config.dataDir });
  } catch (error) {
    if (error instanceof StoreError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }

  const app = await buildApp({ config, store, closeStoreOnClose: true });
  closeWithGrace({ delay: SHUTDOWN_GRACE_MS }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'shutting down after an error');
    else app.log.info({ signal }, 'shutting down');
    await app.close();
  });

  let demo: DemoRunResult | undefined;
  if (config.demo) {
    // On an empty store: the demo workspace with the sales-performance pack and its demo data, written
    // through the API before the server listens (a store with users is left as it is).
    // Its few hundred API calls are not worth a log line each: requests log at warn while it runs.
    const level = app.log.level;
    app.log.level = 'warn';
    try {
      demo = await runDemo(app, {
        scale: config.demoScale,
        onProgress: (message) => process.stdout.write(`demo: ${message}\n`),
      });
    } finally {
      app.log.level = level;
    }
    if (demo.seeded) app.log.info(summaryLine(demo));
    else app.log.info('demo: the data directory already has a workspace; starting with it as it is');
  }
  await app.listen({ port: config.port, host: config.host });
  const url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${
    (app.server.address() as { port: number }).port
  }`;
  app.log.info(
    { store: store.kind, dataDir: store.kind === 'embedded' ? config.dataDir : undefined },
    `Formloom is ready at ${url}`,
  );
  if (demo?.seeded) process.stdout.write(`${signInLines(demo, url).join('\n')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`Formloom failed to start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
