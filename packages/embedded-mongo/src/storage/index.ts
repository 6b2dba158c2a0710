/**
 * Durable storage of the embedded store: a write-ahead journal with group commit, snapshots, crash
 * recovery and an exclusive lock on the data directory.
 *
 * ## Files in the data directory
 * - `formloom.lock`: `{ pid, startTime, host, token }` of the process holding the directory. A second
 *   server gets "data directory /x is in use by process 1234" ({@link DataDirectoryInUseError}); a lock
 *   whose process is gone (SIGKILL, power loss, recycled pid) is taken over at once. A lock written on
 *   another host or container (another hostname) is honoured until its holder has stopped refreshing
 *   it for 30 s.
 * - `journal-<generation>.wal`: the write-ahead journal. Each `commit(ops)` appends ONE entry
 *   `[payload length u32 LE][CRC-32 u32 LE][payload]`, where the payload is the ops as a plain
 *   sequence of BSON documents. The promise resolves only after the entry is fdatasynced; commits that
 *   arrive while a write + fdatasync is in flight are written together by the next one (group commit),
 *   so N concurrent writers share one fsync. Entries keep the order of the `commit` calls.
 * - `snapshot-<generation>.bson`: the whole state as of the start of journal `<generation>`, in the same
 *   framing: a header entry, entries of ops (about 1 MiB each), a trailer entry with the op count.
 *   `checkpoint(state)` rotates to a new journal synchronously, writes the snapshot to a `.tmp` file,
 *   fsyncs it, renames it into place, fsyncs the directory and only then deletes the older snapshot
 *   and journals. The engine calls it when `shouldCheckpoint()` (journal past `checkpointBytes`, 64 MiB
 *   by default, and past the size of the last snapshot, so rewriting a large state stays rare).
 *
 * ## Recovery
 * `openStorage` validates every entry (CRC) of the newest valid snapshot and of the journals after it,
 * then hands back `recovered`, which streams their ops from disk in order, in bounded memory. It can be
 * read once, before the first checkpoint (commits made meanwhile are not part of it); reading it to the
 * end, the first checkpoint or `close()` releases its files. An entry whose write was interrupted
 * (torn or failing its CRC at the end of the newest journal) was never acknowledged and is cut off;
 * corruption anywhere else stops the start with a {@link StorageCorruptError} naming the file and the
 * offset, instead of silently losing acknowledged writes. Leftover `.tmp` files are removed, and a real
 * mongod's dbpath is refused.
 *
 * ## Errors
 * A failed write or fsync (ENOSPC, EDQUOT, EIO, EROFS, ...) rejects the commits of that batch with a
 * MongoCommandError (OutOfDiskSpace 14031 for a full disk, InternalError otherwise, naming the file and
 * the cause); the partial entry is truncated away so later commits and recovery are unaffected. If
 * even the truncation fails, every later commit is refused until the store is reopened (recovery then
 * cuts the stray bytes as a torn tail). A checkpoint whose state may include a commit that failed is
 * abandoned. An unusable data directory fails `openStorage` with "cannot open data directory /x:
 * permission denied (EACCES)" and the like.
 *
 * Requires Node >= 20.15 (zlib.crc32).
 */
import { accessSync, constants, mkdirSync, openSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { FileStorage } from './file-storage.js';
import { journalPath } from './files.js';
import { errnoCode, nodeIo, type StorageIo, syncDirectorySync } from './io.js';
import { acquireDirectoryLock, DataDirectoryInUseError, type DirectoryLock } from './lock.js';
import { recoverDirectory, StorageCorruptError } from './recovery.js';
import type { OpenedStorage, StorageOptions } from './types.js';

export type { StorageIo } from './io.js';
export { DataDirectoryInUseError } from './lock.js';
export { StorageCorruptError } from './recovery.js';
export type { JournalOp, OpenedStorage, Storage, StorageOptions } from './types.js';

/** Hooks for tests: replace the file operations of the journal writer (count fsyncs, inject ENOSPC). */
export interface StorageInternals {
  io?: StorageIo;
}

/** Default {@link StorageOptions.checkpointBytes}. */
export const DEFAULT_CHECKPOINT_BYTES = 64 * 1024 * 1024;

/** Makes freshly created directories durable: each new entry lives in its parent directory. */
function syncCreatedDirectories(firstCreated: string, dir: string): void {
  let current = dir;
  for (;;) {
    syncDirectorySync(dirname(current));
    if (current === firstCreated || dirname(current) === current) return;
    current = dirname(current);
  }
}

function openFailure(dir: string, error: unknown): Error {
  if (error instanceof DataDirectoryInUseError || error instanceof StorageCorruptError) return error;
  const code = errnoCode(error);
  const reason =
    code === 'EACCES' || code === 'EPERM'
      ? 'permission denied'
      : code === 'EROFS'
        ? 'read-only file system'
        : code === 'ENOTDIR'
          ? 'not a directory'
          : error instanceof Error
            ? error.message
            : String(error);
  return Object.assign(new Error(`cannot open data directory ${dir}: ${reason}${code ? ` (${code})` : ''}`), {
    code,
    cause: error,
  });
}

/**
 * Opens (creating if needed) the data directory: takes its lock, validates and repairs the files, and
 * returns the storage together with the ops to replay. See the module comment for the format.
 */
export async function openStorage(
  dataDir: string,
  options: StorageOptions = {},
  internals: StorageInternals = {},
): Promise<OpenedStorage> {
  const dir = resolve(dataDir);
  let lock: DirectoryLock | undefined;
  try {
    const created = mkdirSync(dir, { recursive: true });
    if (created !== undefined) syncCreatedDirectories(created, dir);
    accessSync(dir, constants.R_OK | constants.W_OK | constants.X_OK);
    lock = acquireDirectoryLock(dir);
    const recovery = recoverDirectory(dir);
    let journalFd: number;
    try {
      journalFd = openSync(journalPath(dir, recovery.generation), 'r+');
    } catch (error) {
      recovery.release();
      throw error;
    }
    const storage = new FileStorage({
      dir,
      io: internals.io ?? nodeIo,
      noSync: options.noSync ?? false,
      checkpointBytes: options.checkpointBytes ?? DEFAULT_CHECKPOINT_BYTES,
      lock,
      journal: { generation: recovery.generation, fd: journalFd, size: recovery.journalSize },
      journalBytes: recovery.journalBytes,
      releaseRecovery: recovery.release,
    });
    return { storage, recovered: recovery.recovered };
  } catch (error) {
    lock?.release();
    throw openFailure(dir, error);
  }
}
