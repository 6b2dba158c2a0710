#!/usr/bin/env node
// `pnpm start`: builds whatever is missing or older than its sources, then runs the server in this
// process (so SIGTERM/SIGINT reach the server's own graceful shutdown). `pnpm start -- --demo` starts
// with the demo workspace on an empty data directory.
import { join } from 'node:path';
import { ensureBuilt, root } from './ensure-built.mjs';

ensureBuilt();
process.env.DATA_DIR ??= join(root, 'data');
await import(join(root, 'apps/server/dist/main.js'));
