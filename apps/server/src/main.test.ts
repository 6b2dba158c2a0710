import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const serverDir = resolve(import.meta.dirname, '..');
const dataDir = mkdtempSync(join(tmpdir(), 'formloom-main-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => done(port));
    });
    probe.on('error', fail);
  });
}

// The built server when there is one (`pnpm test` builds first), as production runs it and without tsx's
// start-up cost on a loaded machine; the sources otherwise.
const entry = existsSync(join(serverDir, 'dist/main.js'))
  ? ['dist/main.js']
  : ['--conditions=source', '--import', 'tsx', 'src/main.ts'];

function start(env: Record<string, string>): { child: ChildProcess; output: () => string } {
  let output = '';
  const child = spawn(process.execPath, entry, {
    cwd: serverDir,
    env: { ...process.env, LOG_LEVEL: 'info', HOST: '127.0.0.1', DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  return { child, output: () => output };
}

async function waitForHealth(port: number, child: ChildProcess): Promise<Record<string, unknown>> {
  for (let attempt = 0; attempt < 900; attempt++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/health`);
      if (res.ok) return (await res.json()) as Record<string, unknown>;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('server did not become healthy');
}

function exitOf(child: ChildProcess, deadlineMs: number): Promise<number | null | 'timeout'> {
  return new Promise((done) => {
    const timer = setTimeout(() => done('timeout'), deadlineMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      done(code);
    });
  });
}

// Generous deadlines: child processes start slowly on a loaded 2-core machine. The 5 s SIGTERM deadline is the
// product's promise (issue: exit within 5 s) and stays.
describe('main', { timeout: 180_000 }, () => {
  it('starts on the embedded store, stops on SIGTERM with exit 0 and leaves the data directory reopenable', async () => {
    for (let round = 0; round < 2; round++) {
      const port = await freePort();
      const { child, output } = start({ PORT: String(port) });
      const health = await waitForHealth(port, child);
      expect(health).toMatchObject({ status: 'ok', store: 'embedded' });
      child.kill('SIGTERM');
      const code = await exitOf(child, 5000);
      if (code !== 0) throw new Error(`exit ${code}; output:\n${output()}`);
    }
  });

  it('refuses a bad variable with a message naming it and a non-zero exit', async () => {
    const { child, output } = start({ PORT: 'eighty' });
    expect(await exitOf(child, 60_000)).toBe(2);
    expect(output()).toContain('Invalid configuration: PORT must be a whole number, got "eighty"');
  });

  it('refuses a second server on the same data directory while the first holds it', async () => {
    const port = await freePort();
    const first = start({ PORT: String(port) });
    await waitForHealth(port, first.child);
    const second = start({ PORT: String(await freePort()) });
    expect(await exitOf(second.child, 60_000)).toBe(1);
    expect(second.output()).toMatch(/in use/);
    first.child.kill('SIGTERM');
    expect(await exitOf(first.child, 5000)).toBe(0);
  });
});
