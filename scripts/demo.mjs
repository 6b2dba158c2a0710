#!/usr/bin/env node
// `pnpm demo [--scale N] [--seed N] [--today YYYY-MM-DD]`: builds what is out of date, then seeds the
// demo workspace into an empty DATA_DIR (default ./data) and exits. N = 100 writes about a million records.
import { join } from 'node:path';
import { ensureBuilt, root } from './ensure-built.mjs';

ensureBuilt();
process.env.DATA_DIR ??= join(root, 'data');
await import(join(root, 'apps/server/dist/demo-cli.js'));
