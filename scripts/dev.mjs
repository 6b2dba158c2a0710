#!/usr/bin/env node
// `pnpm dev`: the server (tsx watch, workspace packages from source) and the Vite dev server with hot
// reload, side by side; Ctrl+C stops both.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
process.env.DATA_DIR ??= resolve(root, 'data');
// The pnpm running this script: a JS entry (run it with node) or, from pnpm 11 on, a native binary.
const pnpm = process.env.npm_execpath;
const [command, prefix] = !pnpm
  ? ['npx', ['-y', 'pnpm@12.4.2']]
  : /\.[cm]?js$/.test(pnpm)
    ? [process.execPath, [pnpm]]
    : [pnpm, []];
const run = (filter, script) =>
  spawn(command, [...prefix, '--filter', filter, 'run', script], { cwd: root, stdio: 'inherit' });

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
