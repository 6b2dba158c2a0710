import { close, closeSync, fdatasync, fsync, fsyncSync, ftruncate, open, openSync, write } from 'node:fs';
import { promisify } from 'node:util';
import { ErrorCodes, MongoCommandError } from '../errors.js';

/**
 * The few file operations the journal writer performs on its hot path. They are injectable so tests can
 * count fsyncs (group commit) and make a write fail with ENOSPC half-way, without timing tricks.
 */
export interface StorageIo {
  /** Positional write; may write fewer bytes than asked (the caller loops). */
  write(fd: number, buffer: Buffer, offset: number, length: number, position: number): Promise<number>;
  /** Flushes file data (and the metadata needed to read it back, such as the size). */
  datasync(fd: number): Promise<void>;
  /** Cuts the file back to `length` bytes. */
  truncate(fd: number, length: number): Promise<void>;
  /** Makes a directory's entries durable (see {@link syncDirectory}). */
  syncDirectory(dir: string): Promise<void>;
}

const writeAsync = promisify(write);
const fdatasyncAsync = promisify(fdatasync);
const ftruncateAsync = promisify(ftruncate);

/** The real file system. */
export const nodeIo: StorageIo = {
  async write(fd, buffer, offset, length, position) {
    return (await writeAsync(fd, buffer, offset, length, position)).bytesWritten;
  },
  datasync: (fd) => fdatasyncAsync(fd),
  truncate: (fd, length) => ftruncateAsync(fd, length),
  syncDirectory: (dir) => syncDirectory(dir),
};

const openAsync = promisify(open);
const fsyncAsync = promisify(fsync);
const closeAsync = promisify(close);

/**
 * Makes a directory's entries (created, renamed, removed files) durable. A new journal file or a renamed
 * snapshot is not crash-safe until its directory is fsynced as well.
 */
export async function syncDirectory(dir: string): Promise<void> {
  const fd = await openAsync(dir, 'r');
  try {
    await fsyncAsync(fd);
  } finally {
    await closeAsync(fd);
  }
}

/** Synchronous {@link syncDirectory}, for the open path. */
export function syncDirectorySync(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The errno code of a Node system error, if it is one. */
export function errnoCode(error: unknown): string | undefined {
  if (error instanceof Error && 'code' in error && typeof error.code === 'string') return error.code;
  return undefined;
}

const describe: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk allowance of the user used up (EDQUOT)',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  EIO: 'input/output error',
  EBADF: 'bad file descriptor',
};

/**
 * Turns a failed journal write or fsync into the error the client receives. Disk full maps to MongoDB's
 * OutOfDiskSpace (14031) so drivers report it as a real server would; everything else is an
 * InternalError whose message names the file and the cause.
 */
export function ioFailure(action: string, file: string, error: unknown): MongoCommandError {
  const code = errnoCode(error);
  const cause = code ? `${describe[code] ?? (error as Error).message} (${code})` : String(error);
  const message = `${action} ${file} failed: ${cause}`;
  if (code === 'ENOSPC' || code === 'EDQUOT')
    return new MongoCommandError(ErrorCodes.OutOfDiskSpace, message);
  return new MongoCommandError(ErrorCodes.InternalError, message);
}
