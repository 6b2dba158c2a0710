import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { signInLines, summaryLine } from './modules/demo/print.js';
import { runDemo } from './modules/demo/run.js';
import { openStore } from './store.js';

/**
 * `pnpm demo [--scale N] [--seed N] [--today YYYY-MM-DD]`: seeds the demo workspace into an empty
 * DATA_DIR (or MONGODB_URI) and exits; `--scale 100` writes about a hundred times the demo's volume for
 * benchmarks. `pnpm start` then serves it.
 */
function option(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

async function main(): Promise<void> {
  const scale = Number(option('scale') ?? '1');
  const seed = option('seed');
  const today = option('today');
  if (!(scale > 0)) throw new ConfigError('--scale', 'must be a number above 0');
  // Seeding is one client writing as fast as it can: the per-address limit is not for it.
  const config = loadConfig({ RATE_LIMIT_MAX: '1000000', LOG_LEVEL: 'warn', ...process.env }, []);
  const store = await openStore({ mongodbUri: config.mongodbUri, dataDir: config.dataDir });
  const app = await buildApp({ config, store, closeStoreOnClose: true });
  try {
    await app.ready();
    const result = await runDemo(app, {
      scale,
      ...(seed ? { seed: Number(seed) } : {}),
      ...(today ? { today } : {}),
      onProgress: (message) => process.stdout.write(`${new Date().toISOString()} ${message}\n`),
    });
    if (!result.seeded) {
      process.stderr.write(
        `${config.dataDir} already holds a workspace; give an empty DATA_DIR to seed a demo\n`,
      );
      process.exitCode = 1;
      return;
    }
    process.stdout.write(`${summaryLine(result)}\n`);
    process.stdout.write(`${signInLines(result, 'pnpm start').join('\n')}\n`);
  } finally {
    await app.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`Demo seeding failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
