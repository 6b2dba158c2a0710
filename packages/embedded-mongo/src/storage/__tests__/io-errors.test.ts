import { statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MongoCommandError } from '../../errors.js';
import { journalPath } from '../files.js';
import { openStorage } from '../index.js';
import { idOf, put, RecordingIo, tempDir } from './helpers.js';

async function recoveredIds(dir: string): Promise<unknown[]> {
  const { storage, recovered } = await openStorage(dir);
  const ids = [...recovered].map(idOf);
  await storage.close();
  return ids;
}

describe('write failures', () => {
  it('rejects a commit hit by ENOSPC with OutOfDiskSpace and truncates the partial entry', async () => {
    const dir = tempDir();
    const io = new RecordingIo();
    const { storage } = await openStorage(dir, {}, { io });
    await storage.commit([put(1)]);
    const size = statSync(journalPath(dir, 1)).size;
    io.failAfterBytes = 7; // part of the header reaches the file before the disk fills up
    const failed = storage.commit([put(2, { big: 'x'.repeat(1000) })]);
    await expect(failed).rejects.toBeInstanceOf(MongoCommandError);
    await expect(failed).rejects.toMatchObject({ code: 14031, codeName: 'OutOfDiskSpace' });
    await expect(failed).rejects.toThrow(
      /writing journal .*journal-0000000000000001\.wal failed: no space left on device \(ENOSPC\)/,
    );
    expect(statSync(journalPath(dir, 1)).size).toBe(size);
    expect(io.truncates).toBe(1);
    // Space comes back: the journal goes on as if nothing happened.
    await storage.commit([put(3)]);
    await storage.close();
    expect(await recoveredIds(dir)).toEqual([1, 3]);
  });

  it('rejects every commit of a failed group, and only those', async () => {
    const dir = tempDir();
    const io = new RecordingIo();
    const { storage } = await openStorage(dir, {}, { io });
    const first = storage.commit([put(1)]); // written alone while the others queue up
    const grouped = [2, 3, 4].map((id) => storage.commit([put(id)]));
    io.failAfterBytes = 30;
    await first.catch(() => {});
    const results = await Promise.allSettled([first, ...grouped]);
    // The first write had already started before the failure was armed, unless it had not: either
    // way a rejected commit must be absent after recovery and an acknowledged one present.
    const acked = results.flatMap((result, index) => (result.status === 'fulfilled' ? [index + 1] : []));
    expect(results.some((result) => result.status === 'rejected')).toBe(true);
    await storage.commit([put(5)]);
    await storage.close();
    expect(await recoveredIds(dir)).toEqual([...acked, 5]);
  });

  it('rolls back an entry whose fsync fails (EIO) and keeps going', async () => {
    const dir = tempDir();
    const io = new RecordingIo();
    const { storage } = await openStorage(dir, {}, { io });
    await storage.commit([put(1)]);
    io.failSync = 'EIO';
    await expect(storage.commit([put(2)])).rejects.toThrow(
      /syncing journal .* failed: input\/output error \(EIO\)/,
    );
    await storage.commit([put(3)]);
    await storage.close();
    expect(await recoveredIds(dir)).toEqual([1, 3]);
  });

  it('names the cause of other errors (EROFS, EACCES) with InternalError', async () => {
    const dir = tempDir();
    const io = new RecordingIo();
    const { storage } = await openStorage(dir, {}, { io });
    for (const [code, text] of [
      ['EROFS', 'read-only file system'],
      ['EACCES', 'permission denied'],
    ] as const) {
      io.failWith = code;
      io.failAfterBytes = 0;
      const failed = storage.commit([put(code)]);
      await expect(failed).rejects.toMatchObject({ code: 1, codeName: 'InternalError' });
      await expect(failed).rejects.toThrow(`${text} (${code})`);
    }
    await storage.commit([put('ok')]);
    await storage.close();
    expect(await recoveredIds(dir)).toEqual(['ok']);
  });

  it('stops accepting writes when a failed entry cannot be cut off, and recovery still works', async () => {
    const dir = tempDir();
    const io = new RecordingIo();
    const { storage } = await openStorage(dir, {}, { io });
    await storage.commit([put(1)]);
    io.failAfterBytes = 12;
    io.failTruncate = true;
    await expect(storage.commit([put(2)])).rejects.toMatchObject({ code: 14031 });
    await expect(storage.commit([put(3)])).rejects.toThrow(/accepts no more writes until it is restarted/);
    await storage.close();
    // The 12 stray bytes are a torn tail to recovery.
    expect(await recoveredIds(dir)).toEqual([1]);
  });

  it('retries the directory fsync of a new journal instead of failing it for good', async () => {
    const dir = tempDir();
    const io = new RecordingIo();
    const { storage } = await openStorage(dir, {}, { io });
    await storage.commit([put(1)]);
    io.failDirSync = 'EIO';
    await storage.checkpoint([put(1)]);
    // The first entry of the new journal waits for its directory entry to be durable, which failed.
    await expect(storage.commit([put(2)])).rejects.toThrow(
      /creating journal .*journal-0000000000000002\.wal failed/,
    );
    await storage.commit([put(3)]);
    await storage.close();
    expect(await recoveredIds(dir)).toEqual([1, 3]);
  });

  it('keeps the old files when the directory fsync after a snapshot rename fails', async () => {
    const dir = tempDir();
    const io = new RecordingIo();
    const { storage } = await openStorage(dir, {}, { io });
    await storage.commit([put(1)]);
    io.failDirSyncCall = 2; // the first is the new journal's, the second follows the rename
    const checkpoint = storage.checkpoint([put(1)]).then(
      () => undefined,
      (error: unknown) => error,
    );
    await storage.commit([put(2)]);
    expect(String(await checkpoint)).toMatch(/syncing directory .* failed: input\/output error/);
    expect(statSync(journalPath(dir, 1)).size).toBeGreaterThan(0);
    await storage.close();
    expect(await recoveredIds(dir)).toEqual([1, 2]);
  });

  it('rejects ops BSON cannot serialise without touching the journal', async () => {
    const dir = tempDir();
    const { storage } = await openStorage(dir);
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    await expect(storage.commit([put(1, cyclic)])).rejects.toMatchObject({ code: 2 });
    await storage.commit([put(2)]);
    await storage.close();
    expect(await recoveredIds(dir)).toEqual([2]);
  });
});
