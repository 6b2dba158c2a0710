import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Binary, Decimal128, Double, Int32, Long, ObjectId } from 'bson';
import { describe, expect, it } from 'vitest';
import { journalPath, snapshotPath, snapshotTempPath } from '../files.js';
import { openStorage, StorageCorruptError } from '../index.js';
import type { JournalOp } from '../types.js';
import {
  applyOps,
  canonical,
  type Model,
  modelState,
  modelText,
  put,
  RecordingIo,
  tempDir,
} from './helpers.js';

/** Commits ops one by one and mirrors them in the model. */
async function commitAll(
  storage: { commit(ops: JournalOp[]): Promise<void> },
  model: Model,
  ops: JournalOp[],
): Promise<void> {
  for (const op of ops) {
    await storage.commit([op]);
    applyOps(model, [op]);
  }
}

async function recoveredModel(dir: string): Promise<Model> {
  const { storage, recovered } = await openStorage(dir);
  const model = applyOps(new Map(), recovered);
  await storage.close();
  return model;
}

const files = (dir: string) => readdirSync(dir).sort();

// Real fsyncs on a shared disk: allow for slow moments.
describe('checkpoint', { timeout: 20_000 }, () => {
  it('recovers the same state from snapshot + journal as from the journal alone', async () => {
    const dir = tempDir();
    const { storage } = await openStorage(dir);
    const model: Model = new Map();
    await commitAll(
      storage,
      model,
      Array.from({ length: 50 }, (_, i) => put(i, { v: i })),
    );
    await commitAll(storage, model, [
      { op: 'delete', db: 'test', coll: 'c', id: 3 },
      put(4, { v: 'changed' }),
    ]);
    await storage.checkpoint(modelState(model));
    expect(files(dir)).toEqual([
      'formloom.lock',
      'journal-0000000000000002.wal',
      'snapshot-0000000000000002.bson',
    ]);
    await commitAll(storage, model, [put(100), { op: 'delete', db: 'test', coll: 'c', id: 5 }]);
    await storage.close();
    expect(modelText(await recoveredModel(dir))).toBe(modelText(model));

    // A second checkpoint replaces the first snapshot and journal.
    const again = await openStorage(dir);
    const model2 = applyOps(new Map(), again.recovered);
    await again.storage.checkpoint(modelState(model2));
    await commitAll(again.storage, model2, [put(200)]);
    await again.storage.close();
    expect(files(dir)).toEqual(['journal-0000000000000003.wal', 'snapshot-0000000000000003.bson']);
    expect(modelText(await recoveredModel(dir))).toBe(modelText(model2));
  });

  it('keeps BSON types through a snapshot', async () => {
    const dir = tempDir();
    const { storage } = await openStorage(dir);
    const op: JournalOp = {
      op: 'put',
      db: 'test',
      coll: 'c',
      doc: {
        _id: new ObjectId(),
        i: new Int32(1),
        d: new Double(1),
        l: Long.fromNumber(1),
        dec: Decimal128.fromString('0.30'),
        bin: new Binary(Buffer.from('abc')),
        at: new Date(0),
      },
    };
    const index: JournalOp = {
      op: 'createIndex',
      db: 'test',
      coll: 'c',
      spec: { key: { i: new Int32(1) }, name: 'i_1' },
    };
    await storage.commit([index, op]);
    await storage.checkpoint([index, op]);
    await storage.close();
    const reopened = await openStorage(dir);
    expect(canonical([...reopened.recovered])).toBe(canonical([index, op]));
    await reopened.storage.close();
  });

  it('keeps commits made while the snapshot is being written', async () => {
    const dir = tempDir();
    const { storage } = await openStorage(dir, { noSync: true });
    const model: Model = new Map();
    // Big enough for the snapshot to take several writes, so the commits below interleave with it.
    const initial = Array.from({ length: 2500 }, (_, i) => put(i, { pad: 'p'.repeat(1000) }));
    await storage.commit(initial);
    applyOps(model, initial);
    const copy = [...modelState(model)];
    const checkpoint = storage.checkpoint(copy);
    const during = Array.from({ length: 50 }, (_, i) => put(`during-${i}`));
    const commits = during.map((op) => storage.commit([op]));
    commits.push(storage.commit([{ op: 'delete', db: 'test', coll: 'c', id: 7 }]));
    await Promise.all([checkpoint, ...commits]);
    applyOps(model, during);
    applyOps(model, [{ op: 'delete', db: 'test', coll: 'c', id: 7 }]);
    await storage.close();
    expect(modelText(await recoveredModel(dir))).toBe(modelText(model));
    expect(files(dir)).toEqual(['journal-0000000000000002.wal', 'snapshot-0000000000000002.bson']);
  });

  it('turns shouldCheckpoint on past checkpointBytes, off while and after checkpointing', async () => {
    const dir = tempDir();
    const { storage } = await openStorage(dir, { checkpointBytes: 2000, noSync: true });
    expect(storage.shouldCheckpoint()).toBe(false);
    const model: Model = new Map();
    while (!storage.shouldCheckpoint())
      await commitAll(storage, model, [put(model.get('test.c')?.size ?? 0)]);
    const running = storage.checkpoint(modelState(model));
    expect(storage.shouldCheckpoint()).toBe(false);
    await running;
    expect(storage.shouldCheckpoint()).toBe(false);
    // A journal that is already big at open time asks for a checkpoint straight away.
    for (let i = 0; i < 100; i++) await commitAll(storage, model, [put(i, { again: true })]);
    await storage.close();
    const reopened = await openStorage(dir, { checkpointBytes: 2000 });
    expect(reopened.storage.shouldCheckpoint()).toBe(true);
    await reopened.storage.close();
  });

  it('waits for a journal as large as the last snapshot before asking for the next checkpoint', async () => {
    const dir = tempDir();
    const { storage } = await openStorage(dir, { checkpointBytes: 500, noSync: true });
    const model: Model = new Map();
    // A state much larger than checkpointBytes, so its snapshot is too.
    await commitAll(
      storage,
      model,
      Array.from({ length: 200 }, (_, i) => put(i, { text: 'x'.repeat(50) })),
    );
    expect(storage.shouldCheckpoint()).toBe(true);
    await storage.checkpoint(modelState(model));
    const snapshotBytes = readFileSync(snapshotPath(dir, 2)).length;
    expect(snapshotBytes).toBeGreaterThan(5000);
    let journaled = 0;
    while (!storage.shouldCheckpoint()) {
      const op = put(journaled % 200, { again: journaled });
      await commitAll(storage, model, [op]);
      journaled++;
    }
    // Past checkpointBytes long before: only the snapshot's size turned it on.
    expect(readFileSync(journalPath(dir, 2)).length).toBeGreaterThanOrEqual(snapshotBytes);
    expect(journaled).toBeGreaterThan(20);
    await storage.checkpoint(modelState(model));
    await storage.close();
    expect(modelText(await recoveredModel(dir))).toBe(modelText(model));
  });

  it('removes leftover temp files and journals older than the snapshot on open', async () => {
    const dir = tempDir();
    const { storage } = await openStorage(dir);
    await storage.commit([put(1)]);
    await storage.checkpoint([put(1)]);
    await storage.close();
    writeFileSync(snapshotTempPath(dir, 3), 'half a snapshot');
    writeFileSync(journalPath(dir, 1), readFileSync(journalPath(dir, 2))); // as if cleanup was cut short
    const model = await recoveredModel(dir);
    expect(model.get('test.c')?.size).toBe(1);
    expect(files(dir)).toEqual(['journal-0000000000000002.wal', 'snapshot-0000000000000002.bson']);
  });

  it('leaves the journals in place when writing the snapshot fails, and can checkpoint later', async () => {
    const dir = tempDir();
    const io = new RecordingIo();
    const { storage } = await openStorage(dir, { checkpointBytes: 100 }, { io });
    const model: Model = new Map();
    await commitAll(storage, model, [put(1), put(2), put(3)]);
    io.failAfterBytes = 10;
    await expect(storage.checkpoint(modelState(model))).rejects.toMatchObject({ code: 14031 });
    expect(storage.shouldCheckpoint()).toBe(true);
    await commitAll(storage, model, [put(4)]);
    expect(files(dir)).toEqual([
      'formloom.lock',
      'journal-0000000000000001.wal',
      'journal-0000000000000002.wal',
    ]);
    await storage.checkpoint(modelState(model));
    await storage.close();
    expect(modelText(await recoveredModel(dir))).toBe(modelText(model));
  });

  it('abandons a checkpoint whose state may contain a commit that failed', async () => {
    const dir = tempDir();
    const io = new RecordingIo();
    const { storage } = await openStorage(dir, {}, { io });
    await storage.commit([put(1)]);
    io.failSync = 'EIO';
    const failing = storage.commit([put(2)]);
    // The caller took its state copy with put(2) applied, before the commit was acknowledged.
    const checkpoint = storage.checkpoint([put(1), put(2)]);
    await expect(failing).rejects.toMatchObject({ code: 1 });
    await expect(checkpoint).rejects.toThrow(/checkpoint abandoned/);
    await storage.close();
    const model = await recoveredModel(dir);
    expect([...(model.get('test.c')?.keys() ?? [])]).toEqual(['{"$numberInt":"1"}']);
  });

  it('refuses to start from a corrupt snapshot whose journals are gone', async () => {
    const dir = tempDir();
    const { storage } = await openStorage(dir);
    await storage.commit([put(1)]);
    await storage.checkpoint([put(1)]);
    await storage.close();
    const path = snapshotPath(dir, 2);
    const bytes = readFileSync(path);
    bytes[20] = (bytes[20] ?? 0) ^ 0x55;
    writeFileSync(path, bytes);
    await expect(openStorage(dir)).rejects.toBeInstanceOf(StorageCorruptError);
    await expect(openStorage(dir)).rejects.toThrow(/snapshot-0000000000000002\.bson is corrupt/);
    // And a snapshot cut short (no trailer) is just as unusable.
    writeFileSync(path, bytes.subarray(0, 30));
    await expect(openStorage(dir)).rejects.toThrow(StorageCorruptError);
  });
});
