import { closeSync, fstatSync, fsyncSync, ftruncateSync, openSync, readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { type Document, deserialize } from 'bson';
import { classify, FIRST_GENERATION, journalPath, snapshotPath } from './files.js';
import { decodePayload, ENTRY_HEADER_BYTES, type ScanFailure, scanEntries } from './framing.js';
import { syncDirectorySync } from './io.js';
import type { JournalOp } from './types.js';

/** A file whose entries up to `size` were validated and will be replayed. */
interface ValidatedFile {
  path: string;
  fd: number;
  size: number;
  kind: 'snapshot' | 'journal';
}

/** What recovery found and prepared. */
export interface RecoveryResult {
  /** Streams the ops of the snapshot and the journals after it, reading the files again lazily. */
  recovered: Iterable<JournalOp>;
  /** Generation of the journal new commits are appended to. */
  generation: number;
  /** Its size, i.e. where the next entry goes (a torn tail was already cut off). */
  journalSize: number;
  /** Bytes in all journals after the snapshot, to decide when to checkpoint. */
  journalBytes: number;
  /**
   * Closes the read-only descriptors the recovered stream reads through. Called when the stream has
   * been read to the end, at the first checkpoint and on close: an open descriptor would keep the
   * disk space of a deleted snapshot or journal allocated.
   */
  release(): void;
}

/** Corruption that recovery refuses to paper over. */
export class StorageCorruptError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StorageCorruptError';
  }
}

/** Counts the BSON documents of a payload (its length prefixes were checked by the scanner). */
function countDocs(payload: Buffer): number {
  let count = 0;
  for (let at = 0; at < payload.length; at += payload.readInt32LE(at)) count++;
  return count;
}

/** A snapshot is valid when every entry checks out, it opens with its header and ends with its trailer. */
function validateSnapshot(path: string, fd: number, generation: number): string | undefined {
  const size = fstatSync(fd).size;
  let failure: ScanFailure | undefined;
  let first: Document | undefined;
  let last: Buffer | undefined;
  let docs = 0;
  for (const { payload } of scanEntries(fd, size, (f) => {
    failure = f;
  })) {
    if (first === undefined) first = countDocs(payload) === 1 ? deserialize(payload) : {};
    docs += countDocs(payload);
    // Only the trailer matters at the end; keeping small payloads only bounds memory.
    last = payload.length < 256 ? Buffer.from(payload) : undefined;
  }
  if (failure) return `${path} is corrupt at offset ${failure.offset}: ${failure.reason}`;
  if (first?.meta !== 'snapshot' || first.generation !== generation) return `${path} has no valid header`;
  const trailer = last ? deserialize(last) : undefined;
  if (trailer?.meta !== 'end' || trailer.count !== docs - 2) return `${path} is incomplete (no trailer)`;
  return undefined;
}

function* replay(files: readonly ValidatedFile[], state: { released: boolean }): Generator<JournalOp> {
  if (state.released) throw new Error('the recovered ops were already read: they stream from disk once');
  for (const file of files) {
    let failure: ScanFailure | undefined;
    for (const { payload } of scanEntries(file.fd, file.size, (f) => {
      failure = f;
    })) {
      for (const doc of decodePayload(payload)) {
        if (file.kind === 'snapshot' && 'meta' in doc) continue;
        yield doc as JournalOp;
      }
    }
    if (failure) {
      throw new StorageCorruptError(`${file.path} changed during recovery at offset ${failure.offset}`);
    }
  }
}

/**
 * Validates the data directory and prepares replay: picks the newest valid snapshot, checks that the
 * journals after it form an unbroken chain, cuts a torn tail off the last journal (an entry whose
 * write was interrupted was never acknowledged), and refuses to start on corruption anywhere else.
 */
export function recoverDirectory(dir: string): RecoveryResult {
  const names = readdirSync(dir);
  if (names.includes('WiredTiger') || names.includes('mongod.lock')) {
    // Writing our files next to a real mongod's would look like an empty database: refuse instead.
    throw new StorageCorruptError(
      `data directory ${dir} belongs to a MongoDB server (mongod), not to this store`,
    );
  }
  const listing = classify(names);
  for (const temp of listing.temps) unlinkSync(join(dir, temp));

  const fds: number[] = [];
  const openRead = (path: string): number => {
    const fd = openSync(path, 'r');
    fds.push(fd);
    return fd;
  };
  try {
    const files: ValidatedFile[] = [];
    let base = FIRST_GENERATION;
    const rejected: string[] = [];
    for (const generation of [...listing.snapshots].reverse()) {
      const path = snapshotPath(dir, generation);
      const fd = openRead(path);
      const problem = validateSnapshot(path, fd, generation);
      if (problem === undefined) {
        files.push({ path, fd, size: fstatSync(fd).size, kind: 'snapshot' });
        base = generation;
        break;
      }
      rejected.push(problem);
    }
    const because = rejected.length > 0 ? ` (${rejected.join('; ')})` : '';

    // Journals before the snapshot are leftovers of a checkpoint interrupted before its clean-up.
    for (const generation of listing.journals) {
      if (generation < base && rejected.length === 0) unlinkSync(journalPath(dir, generation));
    }
    const chain = listing.journals.filter((generation) => generation >= base);
    chain.forEach((generation, index) => {
      if (generation !== base + index) {
        throw new StorageCorruptError(
          `journal generation ${base + index} is missing in ${dir}${because}; cannot recover without it`,
        );
      }
    });
    if (files.length === 0 && listing.snapshots.length > 0 && chain[0] !== FIRST_GENERATION) {
      throw new StorageCorruptError(`no valid snapshot in ${dir}${because}`);
    }

    const sizes = chain.map((generation) => {
      const fd = openRead(journalPath(dir, generation));
      return { generation, fd, size: fstatSync(fd).size };
    });
    let journalBytes = 0;
    for (const [index, journal] of sizes.entries()) {
      const path = journalPath(dir, journal.generation);
      let failure: ScanFailure | undefined;
      let validEnd = 0;
      for (const { offset, payload } of scanEntries(journal.fd, journal.size, (f) => {
        failure = f;
      })) {
        validEnd = offset + ENTRY_HEADER_BYTES + payload.length;
      }
      if (failure) {
        // Only the newest data can be torn: later journals (created by a rotation) must still be empty.
        const laterData = sizes.slice(index + 1).some((later) => later.size > 0);
        if (laterData) {
          throw new StorageCorruptError(
            `journal ${path} is corrupt at offset ${failure.offset} (${failure.reason}) and newer journals ` +
              'follow it; refusing to start rather than drop acknowledged writes',
          );
        }
        const fd = openSync(path, 'r+');
        try {
          ftruncateSync(fd, validEnd);
          fsyncSync(fd);
        } finally {
          closeSync(fd);
        }
        journal.size = validEnd;
      }
      journalBytes += journal.size;
      files.push({ path, fd: journal.fd, size: journal.size, kind: 'journal' });
    }

    const last = sizes.at(-1);
    const generation = last?.generation ?? base;
    if (last === undefined) {
      // A fresh directory, or a snapshot whose first journal was never created: start that journal.
      closeSync(openSync(journalPath(dir, generation), 'wx'));
      syncDirectorySync(dir);
    }
    const state = { released: false };
    const release = () => {
      if (state.released) return;
      state.released = true;
      for (const fd of fds) closeSync(fd);
    };
    const stream = function* (): Generator<JournalOp> {
      try {
        yield* replay(files, state);
      } finally {
        release();
      }
    };
    return {
      recovered: { [Symbol.iterator]: stream },
      generation,
      journalSize: last?.size ?? 0,
      journalBytes,
      release,
    };
  } catch (error) {
    for (const fd of fds) closeSync(fd);
    throw error;
  }
}
