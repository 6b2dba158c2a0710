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
