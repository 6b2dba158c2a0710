import { readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Binary, Decimal128, Double, Int32, Long, ObjectId } from 'bson';
import { describe, expect, it } from 'vitest';
import { journalPath } from '../files.js';
import { openStorage, StorageCorruptError } from '../index.js';
import type { JournalOp } from '../types.js';
import { canonical, collect, idOf, put, RecordingIo, tempDir } from './helpers.js';

async function reopen(dir: string): Promise<JournalOp[]> {
  const { storage, recovered } = await openStorage(dir);
  const ops = collect(recovered);
  await storage.close();
  return ops;
}

// Real fsyncs on a shared disk: allow for slow moments.
describe('journal', { timeout: 20_000 }, () => {
  it('recovers committed ops in commit order after reopening', async () => {
    const dir = tempDir();
    const { storage, recovered } = await openStorage(dir);
    expect(collect(recovered)).toEqual([]);
    const ops: JournalOp[] = [
      { op: 'createCollection', db: 'app', coll: 'users', options: {} },
      {
        op: 'createIndex',
        db: 'app',
        coll: 'users',
        spec: { key: { email: 1 }, name: 'email_1', unique: true },
      },
      put(1, { name: 'a' }),
      { op: 'delete', db: 'test', coll: 'c', id: 1 },
      { op: 'renameCollection', db: 'app', from: 'users', toDb: 'app', to: 'people' },
      { op: 'dropIndex', db: 'app', coll: 'people', name: 'email_1' },
      { op: 'dropCollection', db: 'app', coll: 'people' },
      { op: 'dropDatabase', db: 'app' },
    ];
    await storage.commit(ops.slice(0, 3));
    await storage.commit(ops.slice(3, 4));
    await storage.commit(ops.slice(4));
    await storage.close();
    expect(canonical(await reopen(dir))).toBe(canonical(ops));
  });

  it('keeps BSON types through the journal', async () => {
    const dir = tempDir();
    const { storage } = await openStorage(dir);
    const doc = {
      _id: new ObjectId(),
      i: new Int32(7),
      d: new Double(7),
      l: Long.fromString('9007199254740993'),
      dec: Decimal128.fromString('1.10'),
      bin: new Binary(Buffer.from([1, 2, 3]), 4),
      at: new Date('2026-01-02T03:04:05.678Z'),
      nested: [{ x: new Int32(1) }, new Double(2.5)],
    };
    await storage.commit([{ op: 'put', db: 'test', coll: 'c', doc }]);
    await storage.close();
    const [op] = await reopen(dir);
    expect(op?.op).toBe('put');
    const back = op?.op === 'put' ? op.doc : {};
    expect(back.i).toBeInstanceOf(Int32);
    expect(back.d).toBeInstanceOf(Double);
    expect(back.l).toBeInstanceOf(Long);
    expect(back.dec).toBeInstanceOf(Decimal128);
    expect(back.bin).toBeInstanceOf(Binary);
    expect(back.at).toBeInstanceOf(Date);
    expect(canonical([{ op: 'put', db: 'test', coll: 'c', doc }])).toBe(canonical([op as JournalOp]));
  });

  it('appends after reopening and keeps one journal file', async () => {
    const dir = tempDir();
    for (let round = 0; round < 3; round++) {
      const { storage } = await openStorage(dir);
      await storage.commit([put(round)]);
      await storage.close();
    }
    expect((await reopen(dir)).map(idOf)).toEqual([0, 1, 2]);
    expect(readdirSync(dir).filter((name) => name.endsWith('.wal'))).toHaveLength(1);
  });

  it('shares fsyncs between concurrent commits (group commit) and keeps call order', async () => {
    const dir = tempDir();
    const io = new RecordingIo();
    const { storage } = await openStorage(dir, {}, { io });
    const n = 200;
    await Promise.all(Array.from({ length: n }, (_, i) => storage.commit([put(i)])));
    // The first commit starts a write alone; everything issued meanwhile rides on the next ones.
    expect(io.syncs).toBeLessThan(n / 4);
    expect(io.syncs).toBeGreaterThanOrEqual(1);
    await storage.close();
    const ids = (await reopen(dir)).map(idOf);
    expect(ids).toEqual(Array.from({ length: n }, (_, i) => i));
  });

  it('syncs once per sequential commit', async () => {
    const dir = tempDir();
    const io = new RecordingIo();
    const { storage } = await openStorage(dir, {}, { io });
    for (let i = 0; i < 20; i++) await storage.commit([put(i)]);
    expect(io.syncs).toBe(20);
    expect(io.writes).toBe(20);
    await storage.close();
  });

  // One reopen (with an fsync'd truncation) per byte: slow on a busy disk, hence the timeout.
  it('recovers exactly the acknowledged prefix when the last entry is cut at any byte', {
    timeout: 30_000,
  }, async () => {
    const dir = tempDir();
    const { storage } = await openStorage(dir);
    for (let i = 0; i < 3; i++) await storage.commit([put(i, { pad: 'x'.repeat(i * 10) })]);
    const path = journalPath(dir, 1);
    const before = statSync(path).size;
    await storage.commit([put(3, { pad: 'last', n: new Int32(3) }), put(4)]);
    await storage.close();
    const full = readFileSync(path);
    for (let cut = before; cut < full.length; cut++) {
      writeFileSync(path, full.subarray(0, cut));
      const ids = (await reopen(dir)).map(idOf);
      expect(ids, `cut at ${cut}`).toEqual([0, 1, 2]);
      // The torn tail is truncated away, so the next commit lands right after the acknowledged prefix.
      expect(statSync(path).size).toBe(before);
    }
    writeFileSync(path, full);
    expect((await reopen(dir)).length).toBe(5);
  });

  it('ignores a CRC-failing tail entry and keeps writing after it', async () => {
    const dir = tempDir();
    const { storage } = await openStorage(dir);
    await storage.commit([put(1)]);
    await storage.commit([put(2)]);
    await storage.close();
    const path = journalPath(dir, 1);
    const bytes = readFileSync(path);
    bytes[bytes.length - 3] = (bytes[bytes.length - 3] ?? 0) ^ 0xff;
    writeFileSync(path, bytes);
    const reopened = await openStorage(dir);
    expect(collect(reopened.recovered).length).toBe(1);
    await reopened.storage.commit([put(3)]);
    await reopened.storage.close();
    expect((await reopen(dir)).map(idOf)).toEqual([1, 3]);
  });

  it('refuses to start when an older journal is corrupt in the middle', async () => {
    const dir = tempDir();
    const { storage } = await openStorage(dir);
    await storage.commit([put(1)]);
    await storage.commit([put(2)]);
    // A checkpoint that fails after rotating leaves journal 1 in place with journal 2 after it.
    await expect(
      storage.checkpoint(
        (function* () {
          yield put(1);
          throw new Error('state copy broke');
        })(),
      ),
    ).rejects.toThrow(/state copy broke/);
    await storage.commit([put(3)]);
    await storage.close();
    const path = journalPath(dir, 1);
    const bytes = readFileSync(path);
    bytes[10] = (bytes[10] ?? 0) ^ 0xff;
    writeFileSync(path, bytes);
    await expect(openStorage(dir)).rejects.toBeInstanceOf(StorageCorruptError);
    await expect(openStorage(dir)).rejects.toThrow(/journal-0000000000000001\.wal is corrupt at offset 0/);
  });

  it('treats a torn tail in a journal followed only by an empty one as torn', async () => {
    const dir = tempDir();
    const { storage } = await openStorage(dir);
    await storage.commit([put(1)]);
    await storage.commit([put(2)]);
    await storage.close();
    truncateSync(journalPath(dir, 1), statSync(journalPath(dir, 1)).size - 1);
    writeFileSync(journalPath(dir, 2), '');
    const ids = (await reopen(dir)).map(idOf);
    expect(ids).toEqual([1]);
  });

  it('flushes commits still queued when closing', async () => {
    const dir = tempDir();
    const { storage } = await openStorage(dir);
    const pending = Array.from({ length: 30 }, (_, i) => storage.commit([put(i)]));
    await storage.close();
    await Promise.all(pending);
    expect((await reopen(dir)).map(idOf)).toEqual(Array.from({ length: 30 }, (_, i) => i));
  });

  it("refuses a real mongod's data directory", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'WiredTiger'), 'WiredTiger\nWiredTiger 11.2.0\n');
    await expect(openStorage(dir)).rejects.toThrow(`data directory ${dir} belongs to a MongoDB server`);
    const again = openStorage(dir); // the lock was released on the failure
    await expect(again).rejects.toBeInstanceOf(StorageCorruptError);
  });

  it('refuses commits after close', async () => {
    const dir = tempDir();
    const { storage } = await openStorage(dir);
    await storage.close();
    await expect(storage.commit([put(1)])).rejects.toThrow(/closed/);
  });

  it('streams a large recovery in order', async () => {
    const dir = tempDir();
    const { storage } = await openStorage(dir, { noSync: true });
    const batches = 50;
    for (let b = 0; b < batches; b++) {
      await storage.commit(Array.from({ length: 100 }, (_, i) => put(b * 100 + i, { v: 'y'.repeat(50) })));
    }
    await storage.close();
    const { storage: again, recovered } = await openStorage(dir);
    let expected = 0;
    for (const op of recovered) {
      expect(idOf(op)).toBe(expected);
      expected++;
    }
    expect(expected).toBe(batches * 100);
    // Read to the end, the stream has let go of its files (so checkpoints can free their space).
    expect(() => [...recovered]).toThrow(/stream from disk once/);
    await again.close();
  });
});
