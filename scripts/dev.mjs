#!/usr/bin/env node
// `pnpm dev`: the server (tsx watch, workspace packages from source) and the Vite dev server with hot
// reload, side by side; Ctrl+C stops both.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
process.env.DATA_DIR ??= resolve(root, 'data');
const pnpm = process.env.npm_execpath;
const run = (filter, script) =>
  spawn(
    pnpm ? process.execPath : 'npx',
    [...(pnpm ? [pnpm] : ['-y', 'pnpm@12.4.2']), '--filter', filter, 'run', script],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );

const children = [run('@formloom/server', 'dev'), run('@formloom/web', 'dev')];
const stop = (signal) => {
  for (const child of children) child.kill(signal);
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
for (const child of children) {
  child.on('exit', (code) => {
    stop('SIGTERM');
    process.exitCode = code ?? 0;
  });
}
