#!/usr/bin/env node
// `pnpm demo [--scale N] [--seed N] [--today YYYY-MM-DD]`: builds what is out of date, then seeds the
// demo workspace into an empty DATA_DIR (default ./data) and exits. N = 100 writes about 560,000 records.
import { spawnSync } from 'node:child_process';
import { totalmem } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt, root } from './ensure-built.mjs';

ensureBuilt();
process.env.DATA_DIR ??= join(root, 'data');
const cli = join(root, 'apps/server/dist/demo-cli.js');
const heapSet = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((a) =>
  a.includes('max-old-space-size'),
);
if (heapSet) {
  await import(cli);
} else {
  // The embedded store holds every record in memory (4.9 GB resident at --scale 100):
  // the seeding process gets up to three quarters of the machine's memory instead of node's default 4 GB.
  const heapMb = Math.floor((totalmem() / 2 ** 20) * 0.75);
  const run = spawnSync(process.execPath, [`--max-old-space-size=${heapMb}`, cli, ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  process.exit(run.status ?? 1);
}
