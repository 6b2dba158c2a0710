/**
 * Storage benchmark (not a test): journal commit latency against a raw write + fdatasync measured in
 * the same run, group commit under concurrency, and checkpoint / recovery of many documents.
 *
 *   node --conditions=source --import tsx packages/embedded-mongo/src/storage/__tests__/storage-bench.ts
 *
 * Env: BENCH_DOCS (default 1,000,000) documents for the checkpoint and recovery part.
 */
import { closeSync, fdatasync, mkdtempSync, openSync, rmSync, write } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Int32, ObjectId } from 'bson';
import { openStorage } from '../index.js';
import { nodeIo, type StorageIo } from '../io.js';
import type { JournalOp } from '../types.js';

const writeAsync = promisify(write);
const fdatasyncAsync = promisify(fdatasync);
const docs = Number(process.env.BENCH_DOCS ?? 1_000_000);
const root = mkdtempSync(join(tmpdir(), 'formloom-storage-bench-'));

const small = (i: number): JournalOp => ({
  op: 'put',
  db: 'bench',
  coll: 'items',
  doc: { _id: new ObjectId(), n: new Int32(i), name: `item ${i}`, tags: ['a', 'b'], at: new Date(0) },
});

const ms = (start: number) => performance.now() - start;
const fmt = (n: number, digits = 1) => n.toFixed(digits);

class CountingIo implements StorageIo {
  syncs = 0;
  write = nodeIo.write;
  truncate = nodeIo.truncate;
  syncDirectory = nodeIo.syncDirectory;
  datasync(fd: number): Promise<void> {
    this.syncs++;
    return nodeIo.datasync(fd);
  }
}

async function rawBaseline(n: number, round: number): Promise<number> {
  const path = join(root, `raw-${round}`);
  const fd = openSync(path, 'w');
  const buf = Buffer.alloc(150, 1);
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    await writeAsync(fd, buf, 0, buf.length, i * buf.length);
    await fdatasyncAsync(fd);
  }
  const perOp = ms(start) / n;
  closeSync(fd);
  return perOp;
}

/** Times the file operations, to tell the journal's own overhead from the disk's time. */
class TimingIo implements StorageIo {
  ioMs = 0;
  truncate = nodeIo.truncate;
  syncDirectory = nodeIo.syncDirectory;
  async write(fd: number, buffer: Buffer, offset: number, length: number, position: number): Promise<number> {
    const start = performance.now();
    const n = await nodeIo.write(fd, buffer, offset, length, position);
    this.ioMs += ms(start);
    return n;
  }
  async datasync(fd: number): Promise<void> {
    const start = performance.now();
    await nodeIo.datasync(fd);
    this.ioMs += ms(start);
  }
}

let overheadMs = 0;
async function sequential(n: number, round: number): Promise<number> {
  const io = new TimingIo();
  const { storage } = await openStorage(join(root, `seq-${round}`), {}, { io });
  const start = performance.now();
  for (let i = 0; i < n; i++) await storage.commit([small(i)]);
  const total = ms(start);
  overheadMs += total - io.ioMs;
  await storage.close();
  return total / n;
}

async function concurrent(writers: number, each: number): Promise<{ perSecond: number; perSync: number }> {
  const io = new CountingIo();
  const { storage } = await openStorage(join(root, `conc-${writers}`), {}, { io });
  const start = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      for (let i = 0; i < each; i++) await storage.commit([small(w * each + i)]);
    }),
  );
  const elapsed = ms(start);
  await storage.close();
  const total = writers * each;
  return { perSecond: (total / elapsed) * 1000, perSync: total / io.syncs };
}

async function bulk(): Promise<void> {
  const dir = join(root, 'bulk');
  let { storage } = await openStorage(dir, { checkpointBytes: Number.MAX_SAFE_INTEGER });
  const state: JournalOp[] = [];
  let start = performance.now();
  for (let i = 0; i < docs; i += 1000) {
    const batch = Array.from({ length: Math.min(1000, docs - i) }, (_, j) => small(i + j));
    for (const op of batch) state.push(op);
    await storage.commit(batch);
  }
  const commitMs = ms(start);
  console.log(
    `journal ${docs} docs in batches of 1000: ${fmt(commitMs)} ms (${fmt((docs / commitMs) * 1000, 0)} docs/s)`,
  );
  await storage.close();

  const heapBefore = process.memoryUsage().heapUsed;
  start = performance.now();
  let opened = await openStorage(dir);
  let count = 0;
  for (const _ of opened.recovered) count++;
  console.log(
    `recover ${count} docs from the journal: ${fmt(ms(start))} ms, heap growth ${fmt((process.memoryUsage().heapUsed - heapBefore) / 2 ** 20)} MiB (docs not retained)`,
  );
  storage = opened.storage;

  start = performance.now();
  await storage.checkpoint(state);
  console.log(`checkpoint of ${docs} docs: ${fmt(ms(start))} ms`);
  await storage.close();
  state.length = 0;

  start = performance.now();
  opened = await openStorage(dir);
  count = 0;
  for (const _ of opened.recovered) count++;
  console.log(`recover ${count} docs from the snapshot: ${fmt(ms(start))} ms`);
  await opened.storage.close();
}

try {
  // Alternate baseline and journal rounds and take medians: a shared disk's fsync time drifts a lot.
  const raws: number[] = [];
  const seqs: number[] = [];
  for (let round = 0; round < 6; round++) {
    // Alternate which goes first, so neither always follows the other's writeback.
    if (round % 2 === 0) raws.push(await rawBaseline(100, round));
    seqs.push(await sequential(100, round));
    if (round % 2 === 1) raws.push(await rawBaseline(100, round));
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
  const raw = median(raws);
  const seq = median(seqs);
  console.log(`baseline raw write+fdatasync (150 B): ${fmt(raw * 1000, 0)} µs/op (median of 6 rounds)`);
  console.log(
    `sequential commit of one small put: ${fmt(seq * 1000, 0)} µs/op (${fmt(seq / raw, 2)}x baseline)`,
  );
  console.log(
    `  of which outside write + fdatasync (encoding, queueing): ${fmt((overheadMs / 600) * 1000, 0)} µs/op`,
  );
  for (const writers of [1, 16, 64]) {
    const { perSecond, perSync } = await concurrent(writers, Math.ceil(1600 / writers));
    console.log(
      `${writers} concurrent writers: ${fmt(perSecond, 0)} commits/s, ${fmt(perSync, 1)} commits per fdatasync (${fmt(perSecond / (1000 / raw), 1)}x the baseline's ops/s)`,
    );
  }
  await bulk();
} finally {
  rmSync(root, { recursive: true, force: true });
}
