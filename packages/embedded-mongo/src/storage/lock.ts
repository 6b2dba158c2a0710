import { randomBytes } from 'node:crypto';
import {
  linkSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { errnoCode } from './io.js';

/*
 * Why a pid file and not a library: Node has no flock(), and the usual package (proper-lockfile) judges
 * staleness by mtime, so a lock left by a SIGKILLed server blocks the restart for its stale timeout
 * (10 s by default) and cannot name the holder's pid. A pid file checked for liveness frees a dead
 * holder's lock at once and gives the "in use by process 1234" message. To make pid reuse harmless
 * the file also records the holder's start time from /proc (Linux): a live process with the same pid
 * but another start time is not the holder. The file is created atomically with its content (written to
 * a private temp name, then hard-linked into place, which fails if the lock exists), so nobody ever
 * reads a half-written lock.
 * A pid means nothing on another host (or in another container's pid namespace, which has its own
 * hostname): there the holder refreshes the file's mtime every few seconds, and a lock from another
 * host is taken over only once it has not been refreshed for FOREIGN_STALE_MS.
 */

/** How often the holder refreshes the lock's mtime. */
const HEARTBEAT_MS = 5_000;
/** A lock written on another host counts as abandoned after this long without a refresh. */
export const FOREIGN_STALE_MS = 30_000;

/** Name of the lock file inside the data directory. */
export const LOCK_FILE = 'formloom.lock';

/** A second server on the same data directory. */
export class DataDirectoryInUseError extends Error {
  readonly dataDir: string;
  readonly pid: number;

  constructor(dataDir: string, pid: number, host?: string) {
    super(`data directory ${dataDir} is in use by process ${pid}${host ? ` on host ${host}` : ''}`);
    this.name = 'DataDirectoryInUseError';
    this.dataDir = dataDir;
    this.pid = pid;
  }
}

/** A held directory lock. */
export interface DirectoryLock {
  /** Removes the lock file (if it is still ours) and forgets the directory. */
  release(): void;
}

interface Holder {
  pid: number;
  startTime?: string;
  host?: string;
  token?: string;
}

// Directories locked by this process, shared across copies of this module (source and dist builds).
const heldKey = Symbol.for('formloom.embedded-mongo.heldDirectories');
const globalStore = globalThis as { [heldKey]?: Set<string> };
const held: Set<string> = globalStore[heldKey] ?? new Set<string>();
globalStore[heldKey] = held;

/** Start time of a process (clock ticks since boot) and whether it is a zombie; undefined off Linux. */
function processInfo(pid: number): { startTime: string; zombie: boolean } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: fields resume after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const startTime = fields[19];
    if (startTime === undefined) return undefined;
    return { startTime, zombie: fields[0] === 'Z' };
  } catch {
    return undefined;
  }
}

function isAlive(holder: Holder): boolean {
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    if (errnoCode(error) !== 'EPERM') return false;
  }
  const info = processInfo(holder.pid);
  if (info?.zombie) return false;
  if (info && holder.startTime !== undefined && info.startTime !== holder.startTime) return false;
  return true;
}

function readHolder(lockPath: string): { raw: string; holder: Holder | undefined } | undefined {
  let raw: string;
  try {
    raw = readFileSync(lockPath, 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const parsed = JSON.parse(raw) as Partial<Holder>;
    if (typeof parsed.pid === 'number' && Number.isInteger(parsed.pid) && parsed.pid > 0) {
      return { raw, holder: parsed as Holder };
    }
  } catch {
    // An unreadable lock (e.g. emptied by a crash of the file system) cannot protect anyone.
  }
  return { raw, holder: undefined };
}

function tryUnlink(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}

/** Creates `lockPath` with `content`, failing with EEXIST if it exists. */
function createExclusive(lockPath: string, content: string, tmpPath: string): void {
  writeFileSync(tmpPath, content, { flag: 'wx' });
  try {
    linkSync(tmpPath, lockPath);
  } catch (error) {
    const code = errnoCode(error);
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw error;
    // File systems without hard links: an O_EXCL create is atomic too, only not atomic with the content.
    writeFileSync(lockPath, content, { flag: 'wx' });
  } finally {
    tryUnlink(tmpPath);
  }
}

/** Moves a stale lock aside, unless someone replaced it with a fresh one since we read it. */
function breakStaleLock(lockPath: string, staleRaw: string): void {
  const aside = `${lockPath}.stale.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    renameSync(lockPath, aside);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return;
    throw error;
  }
  if (readFileSync(aside, 'utf8') !== staleRaw) {
    // We raced with another opener that broke the same stale lock and took it: give it back.
    try {
      linkSync(aside, lockPath);
    } catch {
      // Someone holds the path again; the loop re-reads it.
    }
  }
  tryUnlink(aside);
}

function foreignLockAbandoned(lockPath: string): boolean {
  try {
    return Date.now() - statSync(lockPath).mtimeMs > FOREIGN_STALE_MS;
  } catch {
    return true;
  }
}

/** Removes lock temp files left by processes killed while taking or breaking a lock. */
function removeDeadTemps(dir: string): void {
  for (const name of readdirSync(dir)) {
    const match = /^(?:\.formloom\.lock|formloom\.lock\.stale)\.(\d+)\.[0-9a-f]+$/.exec(name);
    if (match && Number(match[1]) !== process.pid && !isAlive({ pid: Number(match[1]) })) {
      tryUnlink(join(dir, name));
    }
  }
}

/**
 * Takes the exclusive lock on a data directory, or throws {@link DataDirectoryInUseError} naming the
 * holder. A lock whose process is gone (SIGKILL, power loss) is taken over.
 */
export function acquireDirectoryLock(dataDir: string): DirectoryLock {
  const realDir = realpathSync(dataDir);
  if (held.has(realDir)) throw new DataDirectoryInUseError(dataDir, process.pid);
  const lockPath = join(realDir, LOCK_FILE);
  const token = randomBytes(8).toString('hex');
  const self: Holder = { pid: process.pid, host: hostname(), token };
  const startTime = processInfo(process.pid)?.startTime;
  if (startTime !== undefined) self.startTime = startTime;
  const content = `${JSON.stringify(self)}\n`;

  for (let attempt = 0; attempt < 10; attempt++) {
    const tmpPath = join(realDir, `.${LOCK_FILE}.${process.pid}.${randomBytes(4).toString('hex')}`);
    try {
      createExclusive(lockPath, content, tmpPath);
      held.add(realDir);
      removeDeadTemps(realDir);
      const heartbeat = setInterval(() => {
        try {
          const now = new Date();
          utimesSync(lockPath, now, now);
        } catch {
          // A vanished lock file is noticed by nobody but a rival opener; nothing useful to do here.
        }
      }, HEARTBEAT_MS);
      heartbeat.unref();
      return {
        release() {
          clearInterval(heartbeat);
          held.delete(realDir);
          const current = readHolder(lockPath);
          if (current?.holder?.token === token) tryUnlink(lockPath);
        },
      };
    } catch (error) {
      if (errnoCode(error) !== 'EEXIST') throw error;
    }
    const current = readHolder(lockPath);
    if (current === undefined) continue; // released meanwhile
    const holder = current.holder;
    // Our own pid in the file without our registry entry: a previous incarnation with a recycled pid
    // (typical for pid 1 in containers), so the lock is stale.
    if (holder?.host !== undefined && holder.host !== self.host) {
      if (!foreignLockAbandoned(lockPath))
        throw new DataDirectoryInUseError(dataDir, holder.pid, holder.host);
    } else if (holder && holder.pid !== process.pid && isAlive(holder)) {
      throw new DataDirectoryInUseError(dataDir, holder.pid);
    }
    breakStaleLock(lockPath, current.raw);
  }
  throw new Error(`could not lock data directory ${dataDir}: the lock file keeps changing`);
}
