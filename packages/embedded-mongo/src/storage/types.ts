import type { Document } from 'bson';

/**
 * One logical change to the store, as written to the journal and replayed on recovery.
 * Documents are stored whole (after the update was applied), so replay never re-runs update logic.
 */
export type JournalOp =
  | { op: 'createCollection'; db: string; coll: string; options: Document }
  /** New options of an existing collection or view (collMod). */
  | { op: 'collMod'; db: string; coll: string; options: Document }
  | { op: 'dropCollection'; db: string; coll: string }
  | { op: 'dropDatabase'; db: string }
  | { op: 'renameCollection'; db: string; from: string; toDb: string; to: string }
  | { op: 'createIndex'; db: string; coll: string; spec: Document }
  | { op: 'dropIndex'; db: string; coll: string; name: string }
  /**
   * Insert or replace the document with this `_id`. `bytes`, when given, is the document's BSON as it
   * arrived (decoding it gives `doc`): journaled as is instead of serialising `doc` again. Never read back.
   */
  | { op: 'put'; db: string; coll: string; doc: Document; bytes?: Uint8Array }
  | { op: 'delete'; db: string; coll: string; id: unknown };

/** Options of {@link openStorage}. */
export interface StorageOptions {
  /** Journal size in bytes after which {@link Storage.shouldCheckpoint} turns true. Default 64 MiB. */
  checkpointBytes?: number;
  /** Skip fsync (tests of logic only; never in production). Default false. */
  noSync?: boolean;
}

/** The durable half of the store: write-ahead journal, snapshots, directory lock. */
export interface Storage {
  /**
   * Appends the ops as ONE journal entry (length + CRC32; all or nothing on recovery) and resolves
   * after the entry is fsynced. Concurrent calls share one fsync (group commit). Rejects with a
   * MongoCommandError (e.g. OutOfDiskSpace) when the write or fsync fails; the caller then undoes its
   * in-memory change, and the journal stays consistent (a failed entry is never replayed).
   */
  commit(ops: JournalOp[]): Promise<void>;
  /** True once the journal has grown past `checkpointBytes` and past the size of the last snapshot written. */
  shouldCheckpoint(): boolean;
  /**
   * Writes a snapshot of the whole state and truncates the journal. The caller passes an iterable
   * built from a consistent copy taken synchronously before calling; the journal is rotated
   * synchronously at call time, so commits made while the snapshot is written survive.
   */
  checkpoint(state: Iterable<JournalOp>): Promise<void>;
  /** Flushes, releases the directory lock. */
  close(): Promise<void>;
}

/** What {@link openStorage} recovered: every op of the last snapshot and the journal after it, in order. */
export interface OpenedStorage {
  storage: Storage;
  recovered: Iterable<JournalOp>;
}
