import { closeSync, openSync } from 'node:fs';
import { ErrorCodes, MongoCommandError } from '../errors.js';
import { journalPath } from './files.js';
import { encodeOps } from './framing.js';
import { ioFailure, type StorageIo } from './io.js';
import type { DirectoryLock } from './lock.js';
import { writeSnapshot } from './snapshot.js';
import type { JournalOp, Storage } from './types.js';

/** One commit waiting for the writer. */
interface PendingCommit {
  entry: Buffer;
  generation: number;
  resolve: () => void;
  reject: (error: Error) => void;
}

/** A journal file open for appending. */
interface OpenJournal {
  generation: number;
  path: string;
  fd: number;
  /** Offset of the end of the last acknowledged entry: where the next write goes. */
  size: number;
  /** Resolves once the file's directory entry is durable; no entry in it is acknowledged before. */
  created: Promise<void>;
}

/** Everything {@link FileStorage} needs from `openStorage`. */
export interface FileStorageInit {
  dir: string;
  io: StorageIo;
  noSync: boolean;
  checkpointBytes: number;
  lock: DirectoryLock;
  journal: { generation: number; fd: number; size: number };
  journalBytes: number;
  /** Closes the descriptors of the lazily read recovery stream. */
  releaseRecovery: () => void;
}

// A batch larger than this is split, so one write never concatenates an unbounded amount of memory.
const MAX_BATCH_BYTES = 16 * 1024 * 1024;

/**
 * The journal writer: commits queue up while a write + fdatasync is in flight and the next round writes
 * all of them with one write and one fdatasync (group commit). A single writer loop keeps entries in
 * call order, across journal rotations too.
 */
export class FileStorage implements Storage {
  readonly #init: FileStorageInit;
  readonly #queue: PendingCommit[] = [];
  #flushing: Promise<void> | undefined;
  #journal: OpenJournal;
  /** Journals created by a rotation that the writer has not switched to yet. */
  readonly #next = new Map<number, OpenJournal>();
  /** Generation new commits are assigned to. */
  #generation: number;
  /** Bytes journaled since the last rotation (or in all journals after the snapshot, after open). */
  #journalBytes: number;
  /** Size of the last snapshot this storage wrote (0 until it writes one). */
  #snapshotBytes = 0;
  readonly #inflight = new Set<Promise<void>>();
  #checkpointing: Promise<void> | undefined;
  #closed = false;
  /** Set when a failed write could not be undone: further commits would build on an unknown tail. */
  #broken: MongoCommandError | undefined;

  constructor(init: FileStorageInit) {
    this.#init = init;
    const { generation, fd, size } = init.journal;
    this.#journal = {
      generation,
      fd,
      size,
      path: journalPath(init.dir, generation),
      created: Promise.resolve(),
    };
    this.#generation = generation;
    this.#journalBytes = init.journalBytes;
  }

  commit(ops: JournalOp[]): Promise<void> {
    if (this.#closed)
      return Promise.reject(new MongoCommandError(ErrorCodes.InternalError, 'storage is closed'));
    if (this.#broken) return Promise.reject(this.#broken);
    if (ops.length === 0) return Promise.resolve();
    let entry: Buffer;
    try {
      entry = encodeOps(ops);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return Promise.reject(
        new MongoCommandError(ErrorCodes.BadValue, `cannot serialise journal entry: ${message}`),
      );
    }
    const promise = new Promise<void>((resolve, reject) => {
      this.#queue.push({ entry, generation: this.#generation, resolve, reject });
    });
    this.#inflight.add(promise);
    const forget = () => this.#inflight.delete(promise);
    promise.then(forget, forget);
    this.#kick();
    return promise;
  }

  shouldCheckpoint(): boolean {
    // A snapshot rewrites the whole state: waiting for a journal at least as large as the last one
    // keeps the work of checkpoints proportional to what was journaled, not to state size x commits.
    const threshold = Math.max(this.#init.checkpointBytes, this.#snapshotBytes);
    return !this.#closed && this.#checkpointing === undefined && this.#journalBytes >= threshold;
  }

  checkpoint(state: Iterable<JournalOp>): Promise<void> {
    if (this.#closed)
      return Promise.reject(new MongoCommandError(ErrorCodes.InternalError, 'storage is closed'));
    const { dir } = this.#init;
    // The recovered stream must have been consumed by now; its files are about to be deleted.
    this.#init.releaseRecovery();
    // Rotate now, synchronously: commits after this call belong to the new generation and survive
    // whatever happens to the snapshot.
    const generation = this.#generation + 1;
    const path = journalPath(dir, generation);
    let fd: number;
    try {
      fd = openSync(path, 'wx');
    } catch (error) {
      return Promise.reject(ioFailure('creating journal', path, error));
    }
    const created = this.#init.io.syncDirectory(dir);
    created.catch(() => {}); // observed by the writer before the first entry in this file
    this.#next.set(generation, { generation, path, fd, size: 0, created });
    this.#generation = generation;
    const bytesBefore = this.#journalBytes;
    this.#journalBytes = 0;
    const before = [...this.#inflight];
    const previous = this.#checkpointing;

    const run = (async () => {
      await previous?.catch(() => {});
      const outcomes = await Promise.allSettled(before);
      if (outcomes.some((outcome) => outcome.status === 'rejected')) {
        // The state copy may contain a change that was then rejected and undone by the caller.
        throw new MongoCommandError(
          ErrorCodes.InternalError,
          'checkpoint abandoned: a commit made before it failed',
        );
      }
      this.#snapshotBytes = await writeSnapshot(dir, generation, state, this.#init.io, this.#init.noSync);
    })();
    const tracked = run.then(
      () => {
        if (this.#checkpointing === tracked) this.#checkpointing = undefined;
      },
      (error: unknown) => {
        if (this.#checkpointing === tracked) this.#checkpointing = undefined;
        this.#journalBytes += bytesBefore; // the old journals still have to be replayed
        throw error;
      },
    );
    this.#checkpointing = tracked;
    return tracked;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#checkpointing?.catch(() => {});
    await this.#flushing;
    for (const journal of [this.#journal, ...this.#next.values()]) closeSync(journal.fd);
    this.#next.clear();
    this.#init.releaseRecovery();
    this.#init.lock.release();
  }

  #kick(): void {
    if (this.#flushing) return;
    this.#flushing = (async () => {
      while (this.#queue.length > 0) await this.#flushBatch();
      // No await between the emptiness check and this line, so no commit can slip in unseen.
      this.#flushing = undefined;
    })();
  }

  /** Writes every queued commit of the oldest queued generation, as one write and one fdatasync. */
  async #flushBatch(): Promise<void> {
    const first = this.#queue[0];
    if (!first) return;
    let count = 0;
    let bytes = 0;
    for (const pending of this.#queue) {
      if (pending.generation !== first.generation) break;
      if (count > 0 && bytes + pending.entry.length > MAX_BATCH_BYTES) break;
      bytes += pending.entry.length;
      count++;
    }
    const batch = this.#queue.splice(0, count);
    try {
      if (this.#broken) throw this.#broken;
      // The common case stays free of an extra await; switching files only happens after a rotation.
      const journal =
        this.#journal.generation === first.generation
          ? this.#journal
          : await this.#journalFor(first.generation);
      const data =
        count === 1
          ? first.entry
          : Buffer.concat(
              batch.map((pending) => pending.entry),
              bytes,
            );
      await this.#append(journal, data);
      for (const pending of batch) pending.resolve();
    } catch (error) {
      const failure =
        error instanceof MongoCommandError ? error : ioFailure('writing journal', this.#journal.path, error);
      for (const pending of batch) pending.reject(failure);
    }
  }

  async #journalFor(generation: number): Promise<OpenJournal> {
    if (this.#journal.generation === generation) return this.#journal;
    const next = this.#next.get(generation);
    if (!next)
      throw new MongoCommandError(ErrorCodes.InternalError, `journal generation ${generation} is not open`);
    try {
      await next.created;
    } catch (error) {
      // Try the directory fsync again with the next batch rather than failing this journal forever.
      next.created = this.#init.io.syncDirectory(this.#init.dir);
      next.created.catch(() => {});
      throw ioFailure('creating journal', next.path, error);
    }
    closeSync(this.#journal.fd);
    // Journals of checkpoints that saw no commit before the next rotation stay empty: close them too.
    for (const [older, journal] of this.#next) {
      if (older < generation) {
        closeSync(journal.fd);
        this.#next.delete(older);
      }
    }
    this.#next.delete(generation);
    this.#journal = next;
    return next;
  }

  async #append(journal: OpenJournal, data: Buffer): Promise<void> {
    const { io, noSync } = this.#init;
    const start = journal.size;
    let written = 0;
    try {
      while (written < data.length) {
        const n = await io.write(journal.fd, data, written, data.length - written, start + written);
        if (n <= 0) throw Object.assign(new Error('write made no progress'), { code: 'EIO' });
        written += n;
      }
    } catch (error) {
      const failure = ioFailure('writing journal', journal.path, error);
      await this.#rollBack(journal, start, failure);
      throw failure;
    }
    try {
      if (!noSync) await io.datasync(journal.fd);
    } catch (error) {
      const failure = ioFailure('syncing journal', journal.path, error);
      await this.#rollBack(journal, start, failure);
      throw failure;
    }
    journal.size = start + data.length;
    this.#journalBytes += data.length;
  }

  /**
   * Cuts a failed write back off the journal and makes the cut durable, so neither later commits nor
   * recovery ever see the rejected entry. If even that fails the storage refuses further commits.
   */
  async #rollBack(journal: OpenJournal, start: number, cause: MongoCommandError): Promise<void> {
    const { io, noSync } = this.#init;
    try {
      await io.truncate(journal.fd, start);
      if (!noSync) await io.datasync(journal.fd);
    } catch (error) {
      this.#broken = new MongoCommandError(
        ErrorCodes.InternalError,
        `${cause.message}; restoring ${journal.path} failed too (${ioFailure('truncating', journal.path, error).message}); ` +
          'the store accepts no more writes until it is restarted',
      );
    }
  }
}
