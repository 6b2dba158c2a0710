// Shared by `pnpm start` and `pnpm demo`: builds whatever is missing or older than its sources.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const root = resolve(import.meta.dirname, '..');

/** Newest modification time of the files under `dir` (skipping dependencies and outputs). */
function newest(dir) {
  let latest = 0;
  if (!existsSync(dir)) return latest;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name === '__tests__') continue;
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

const outputs = [
  ['packages/embedded-mongo', 'dist/index.js'],
  ['apps/server', 'dist/main.js'],
  ['apps/web', 'dist/index.html'],
];
const stale = outputs.filter(([pkg, output]) => {
  const built = join(root, pkg, output);
  if (!existsSync(built)) return true;
  return newest(join(root, pkg, 'src')) > statSync(built).mtimeMs;
});
// Packages used through their built output also include every other workspace package.
const packagesChanged = readdirSync(join(root, 'packages')).some((name) => {
  const built = join(root, 'packages', name, 'dist');
  return (
    existsSync(join(root, 'packages', name, 'src')) &&
    newest(join(root, 'packages', name, 'src')) > (existsSync(built) ? newest(built) : 0)
  );
});

/** Builds the workspace when an output is missing or older than its sources; exits when the build fails. */
export function ensureBuilt() {
  if (stale.length > 0 || packagesChanged) {
    console.log(`Building (${stale.map(([pkg]) => pkg).join(', ') || 'packages'} out of date)…`);
    // The pnpm running this script: a JS entry (run it with node) or, from pnpm 11 on, a native binary.
    const pnpm = process.env.npm_execpath;
    const result = !pnpm
      ? spawnSync('npx', ['-y', 'pnpm@12.4.2', 'run', 'build'], { cwd: root, stdio: 'inherit' })
      : /\.[cm]?js$/.test(pnpm)
        ? spawnSync(process.execPath, [pnpm, 'run', 'build'], { cwd: root, stdio: 'inherit' })
        : spawnSync(pnpm, ['run', 'build'], { cwd: root, stdio: 'inherit' });
    if (result.status !== 0) {
      console.error('Build failed; not starting the server.');
      process.exit(result.status ?? 1);
    }
  }
}
