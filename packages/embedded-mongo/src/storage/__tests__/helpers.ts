import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EJSON } from 'bson';
import { afterEach } from 'vitest';
import { nodeIo, type StorageIo } from '../io.js';
import type { JournalOp } from '../types.js';

const dirs: string[] = [];

/** A fresh temp data directory, removed after the test. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'formloom-storage-'));
  dirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Materialises a recovered stream (fine for test-sized data). */
export function collect(recovered: Iterable<JournalOp>): JournalOp[] {
  return [...recovered];
}

/** Canonical, type-preserving text of ops: equal strings mean equal values with equal BSON types. */
export function canonical(ops: readonly JournalOp[]): string {
  return EJSON.stringify(ops, { relaxed: false });
}

/** A small put op. */
export function put(id: number | string, extra: Record<string, unknown> = {}): JournalOp {
  return { op: 'put', db: 'test', coll: 'c', doc: { _id: id, ...extra } };
}

/** Real file operations that count calls and can be told to fail. */
export class RecordingIo implements StorageIo {
  writes = 0;
  syncs = 0;
  truncates = 0;
  /** When set, the next write writes this many bytes and then fails with `failWith`. */
  failAfterBytes: number | undefined;
  failWith = 'ENOSPC';
  /** When set, the next datasync fails with this code. */
  failSync: string | undefined;
  failTruncate = false;
  dirSyncs = 0;
  /** When set, the next directory fsync fails with this code. */
  failDirSync: string | undefined;
  /** When set, the directory fsync with this (1-based) call number fails with EIO. */
  failDirSyncCall: number | undefined;

  async write(fd: number, buffer: Buffer, offset: number, length: number, position: number): Promise<number> {
    this.writes++;
    if (this.failAfterBytes !== undefined) {
      const partial = Math.min(this.failAfterBytes, length);
      this.failAfterBytes = undefined;
      if (partial > 0) await nodeIo.write(fd, buffer, offset, partial, position);
      throw Object.assign(new Error(`${this.failWith}: injected`), { code: this.failWith });
    }
    return nodeIo.write(fd, buffer, offset, length, position);
  }

  async datasync(fd: number): Promise<void> {
    this.syncs++;
    if (this.failSync) {
      const code = this.failSync;
      this.failSync = undefined;
      throw Object.assign(new Error(`${code}: injected`), { code });
    }
    return nodeIo.datasync(fd);
  }

  async syncDirectory(dir: string): Promise<void> {
    this.dirSyncs++;
    if (this.dirSyncs === this.failDirSyncCall)
      throw Object.assign(new Error('EIO: injected'), { code: 'EIO' });
    if (this.failDirSync) {
      const code = this.failDirSync;
      this.failDirSync = undefined;
      throw Object.assign(new Error(`${code}: injected`), { code });
    }
    return nodeIo.syncDirectory(dir);
  }

  async truncate(fd: number, length: number): Promise<void> {
    this.truncates++;
    if (this.failTruncate) throw Object.assign(new Error('EIO: injected'), { code: 'EIO' });
    return nodeIo.truncate(fd, length);
  }
}

/** The `_id` of a put op as a plain value (numbers come back as Int32/Double wrappers by design). */
export function idOf(op: JournalOp): unknown {
  if (op.op !== 'put') return null;
  const id: unknown = op.doc._id;
  return typeof id === 'object' && id !== null && 'valueOf' in id ? id.valueOf() : id;
}

/** A minimal model of the store's state, to compare what recovery rebuilds. */
export type Model = Map<string, Map<string, JournalOp>>;

/** Applies ops to a model the way the engine would (documents whole, keyed by canonical `_id`). */
export function applyOps(model: Model, ops: Iterable<JournalOp>): Model {
  for (const op of ops) {
    const ns = 'coll' in op ? `${op.db}.${op.coll}` : '';
    if (op.op === 'put') {
      const docs = model.get(ns) ?? new Map<string, JournalOp>();
      docs.set(EJSON.stringify(op.doc._id, { relaxed: false }), op);
      model.set(ns, docs);
    } else if (op.op === 'delete') {
      model.get(ns)?.delete(EJSON.stringify(op.id, { relaxed: false }));
    } else if (op.op === 'dropCollection') {
      model.delete(ns);
    }
  }
  return model;
}

/** The model as a stream of put ops, i.e. what a checkpoint would be given. */
export function* modelState(model: Model): Generator<JournalOp> {
  for (const docs of model.values()) yield* docs.values();
}

/** Canonical text of a model, for equality checks. */
export function modelText(model: Model): string {
  const entries = [...model.entries()]
    .map(([ns, docs]) => [ns, [...docs.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return EJSON.stringify(
    entries.map(([ns, docs]) => [ns, docs.map(([, op]) => op)]),
    { relaxed: false },
  );
}
