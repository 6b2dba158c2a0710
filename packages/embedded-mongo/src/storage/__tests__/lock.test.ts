import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataDirectoryInUseError, openStorage } from '../index.js';
import { FOREIGN_STALE_MS, LOCK_FILE } from '../lock.js';
import { exited, fixturePath, spawnFixture, waitForLine } from './child.js';
import { idOf, put, tempDir } from './helpers.js';

/** Whether user nobody can read this checkout (it cannot when the clone lives under /root, say). */
function nobodyCanRun(): boolean {
  const probe = spawnSync(
    process.execPath,
    ['-e', `require('node:fs').accessSync(${JSON.stringify(fixturePath('hold-lock.ts'))}, 4)`],
    {
      uid: 65534,
      gid: 65534,
    },
  );
  return probe.status === 0;
}

// Starting a child node with the TypeScript loader takes seconds on a busy machine.
const CHILD_TIMEOUT = 30_000;

describe('data directory lock', () => {
  it('refuses a second open in the same process and names the directory and pid', async () => {
    const dir = tempDir();
    const { storage } = await openStorage(dir);
    const second = openStorage(dir);
    await expect(second).rejects.toBeInstanceOf(DataDirectoryInUseError);
    await expect(openStorage(dir)).rejects.toThrow(
      `data directory ${dir} is in use by process ${process.pid}`,
    );
    await storage.close();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    const again = await openStorage(dir);
    await again.storage.close();
  });

  it('refuses a second process, in both directions', { timeout: CHILD_TIMEOUT }, async () => {
    const dir = tempDir();
    const child = spawnFixture('hold-lock.ts', [dir]);
    try {
      await waitForLine(child, /^ready/);
      await expect(openStorage(dir)).rejects.toThrow(
        `data directory ${dir} is in use by process ${child.pid}`,
      );
    } finally {
      child.stdin?.end();
      await exited(child);
    }
    expect(child.exitCode).toBe(0);

    const { storage } = await openStorage(dir);
    const second = spawnFixture('hold-lock.ts', [dir]);
    const line = await waitForLine(second, /^error/);
    await exited(second);
    expect(line).toBe(`error data directory ${dir} is in use by process ${process.pid}`);
    expect(second.exitCode).toBe(3);
    await storage.close();
  });

  it('takes over the lock of a SIGKILLed holder at once', { timeout: CHILD_TIMEOUT }, async () => {
    const dir = tempDir();
    const { storage } = await openStorage(dir);
    await storage.commit([put(1)]);
    await storage.close();
    const child = spawnFixture('hold-lock.ts', [dir]);
    await waitForLine(child, /^ready/);
    child.kill('SIGKILL');
    await exited(child);
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid).toBe(child.pid);
    const reopened = await openStorage(dir);
    expect([...reopened.recovered].map(idOf)).toEqual([1]);
    await reopened.storage.close();
  });

  it('treats a lock of a dead pid, of a recycled own pid, or an unreadable lock as stale', async () => {
    const dir = tempDir();
    const lockPath = join(dir, LOCK_FILE);
    for (const content of [
      JSON.stringify({ pid: 2 ** 22 + 12345 }), // above Linux's pid_max: never alive
      JSON.stringify({ pid: process.pid }), // same pid, but not held by this process: a previous life
      '',
      'garbage',
    ]) {
      writeFileSync(lockPath, content);
      const { storage } = await openStorage(dir);
      expect(JSON.parse(readFileSync(lockPath, 'utf8')).pid).toBe(process.pid);
      await storage.close();
    }
  });

  it('removes lock temp files of dead processes, not of live ones', async () => {
    const dir = tempDir();
    const dead = join(dir, `.${LOCK_FILE}.${2 ** 22 + 7}.abcd1234`);
    const deadAside = join(dir, `${LOCK_FILE}.stale.${2 ** 22 + 7}.abcd1234`);
    const live = join(dir, `.${LOCK_FILE}.${process.ppid}.abcd1234`);
    for (const path of [dead, deadAside, live]) writeFileSync(path, '{}');
    const { storage } = await openStorage(join(dir, 'nested', 'data'));
    await storage.close();
    const nested = await openStorage(dir);
    await nested.storage.close();
    expect([existsSync(dead), existsSync(deadAside), existsSync(live)]).toEqual([false, false, true]);
  });

  it('honours a lock from another host until its holder stops refreshing it', async () => {
    const dir = tempDir();
    const lockPath = join(dir, LOCK_FILE);
    writeFileSync(lockPath, JSON.stringify({ pid: 2 ** 22 + 1, host: 'elsewhere' }));
    await expect(openStorage(dir)).rejects.toThrow(
      `data directory ${dir} is in use by process ${2 ** 22 + 1} on host elsewhere`,
    );
    const old = new Date(Date.now() - FOREIGN_STALE_MS - 5_000);
    utimesSync(lockPath, old, old);
    const { storage } = await openStorage(dir);
    await storage.close();
  });

  it('treats a live pid with another start time as a recycled pid', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: process.ppid, startTime: '1' }));
    const { storage } = await openStorage(dir);
    await storage.close();
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: process.ppid }));
    await expect(openStorage(dir)).rejects.toThrow(`is in use by process ${process.ppid}`);
  });

  it('reports a data directory it may not use', { timeout: CHILD_TIMEOUT }, async () => {
    const parent = tempDir();
    const dir = join(parent, 'data');
    mkdirSync(dir);
    if (process.getuid?.() === 0 && nobodyCanRun()) {
      // Root ignores permissions: run the opener as nobody instead (mkdtemp made `parent` 0700).
      const child = spawnFixture('hold-lock.ts', [dir], { uid: 65534, gid: 65534 });
      const line = await waitForLine(child, /^error/);
      await exited(child);
      expect(line).toBe(`error cannot open data directory ${dir}: permission denied (EACCES)`);
    } else if (process.getuid?.() !== 0) {
      chmodSync(dir, 0o500);
      await expect(openStorage(dir)).rejects.toThrow(`cannot open data directory ${dir}: permission denied`);
      chmodSync(dir, 0o700);
    } else {
      // Root in a checkout that nobody may read: no permission error can be provoked, so check the
      // same error path with a directory that cannot exist.
      writeFileSync(join(parent, 'file'), '');
      const inside = join(parent, 'file', 'data');
      await expect(openStorage(inside)).rejects.toThrow(
        `cannot open data directory ${inside}: not a directory (ENOTDIR)`,
      );
    }
  });
});
