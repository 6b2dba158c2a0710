import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** The package root: `--import tsx` resolves from there. */
const packageRoot = join(here, '..', '..', '..');

/** Absolute path of a fixture script. */
export function fixturePath(name: string): string {
  return join(here, 'fixtures', name);
}

/** Runs a fixture script of this directory in a fresh node with the TypeScript loader. */
export function spawnFixture(
  name: string,
  args: readonly string[],
  options: SpawnOptions = {},
): ChildProcess {
  return spawn(process.execPath, ['--conditions=source', '--import', 'tsx', fixturePath(name), ...args], {
    cwd: packageRoot,
    stdio: ['pipe', 'pipe', 'inherit'],
    ...options,
  });
}

/** Resolves with the first stdout line of the child that matches. */
export function waitForLine(child: ChildProcess, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString();
      for (const line of buffered.split('\n')) {
        if (pattern.test(line)) {
          child.stdout?.off('data', onData);
          resolve(line);
          return;
        }
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code, signal) =>
      reject(new Error(`child exited (${code ?? signal}) before ${pattern}: ${buffered}`)),
    );
  });
}

/** Resolves once the child has exited (and was reaped, so its pid no longer looks alive). */
export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}
