import { close, open, readdir, rename, unlink } from 'node:fs';
import { promisify } from 'node:util';
import { classify, journalPath, snapshotPath, snapshotTempPath } from './files.js';
import { EntryBuilder } from './framing.js';
import { ioFailure, type StorageIo } from './io.js';
import type { JournalOp } from './types.js';

const openAsync = promisify(open);
const closeAsync = promisify(close);
const renameAsync = promisify(rename);
const unlinkAsync = promisify(unlink);
const readdirAsync = promisify(readdir);

// Ops are grouped into entries of about this size: large enough that framing costs nothing, small
// enough that the event loop gets to run commits between two writes.
const SNAPSHOT_ENTRY_BYTES = 1024 * 1024;

/**
 * Writes the state as snapshot `generation` (same framing as the journal: a header entry, entries of
 * ops, a trailer entry with the op count), makes it durable via temp file + fsync + rename + directory
 * fsync, then deletes the snapshots and journals it replaces.
 */
export async function writeSnapshot(
  dir: string,
  generation: number,
  state: Iterable<JournalOp>,
  io: StorageIo,
  noSync: boolean,
): Promise<number> {
  const temp = snapshotTempPath(dir, generation);
  let fd: number;
  try {
    fd = await openAsync(temp, 'wx');
  } catch (error) {
    throw ioFailure('creating snapshot', temp, error);
  }
  let position = 0;
  const builder = new EntryBuilder(SNAPSHOT_ENTRY_BYTES + SNAPSHOT_ENTRY_BYTES / 4);
  const writeEntry = async (): Promise<void> => {
    const entry = builder.take();
    let written = 0;
    while (written < entry.length) {
      const n = await io.write(fd, entry, written, entry.length - written, position + written);
      if (n <= 0) throw Object.assign(new Error('write made no progress'), { code: 'EIO' });
      written += n;
    }
    position += entry.length;
  };
  try {
    try {
      builder.add({ meta: 'snapshot', version: 1, generation });
      await writeEntry();
      let count = 0;
      for (const op of state) {
        builder.add(op);
        count++;
        if (builder.payloadBytes >= SNAPSHOT_ENTRY_BYTES) await writeEntry();
      }
      if (builder.count > 0) await writeEntry();
      builder.add({ meta: 'end', count });
      await writeEntry();
      if (!noSync) await io.datasync(fd);
    } finally {
      await closeAsync(fd);
    }
    await renameAsync(temp, snapshotPath(dir, generation));
  } catch (error) {
    await unlinkAsync(temp).catch(() => {});
    throw ioFailure('writing snapshot', temp, error);
  }
  // Until the rename is durable, the old snapshot and journals are the only copy: delete them after.
  try {
    if (!noSync) await io.syncDirectory(dir);
  } catch (error) {
    throw ioFailure('syncing directory', dir, error);
  }
  const listing = classify(await readdirAsync(dir));
  for (const older of listing.snapshots.filter((g) => g < generation)) {
    await unlinkAsync(snapshotPath(dir, older)).catch(() => {});
  }
  for (const older of listing.journals.filter((g) => g < generation)) {
    await unlinkAsync(journalPath(dir, older)).catch(() => {});
  }
  return position;
}
