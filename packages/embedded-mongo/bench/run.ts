/**
 * Benchmark of the embedded server through the official driver, with ratios against baselines measured
 * in the same run: a `ping` round trip (the protocol ceiling), the same operation done by mingo
 * in-process on plain objects (the engine ceiling), and a hand-written loop for $match + $group.
 *
 *   pnpm --filter @formloom/embedded-mongo bench:wire    (BENCH_SIZES=100000,1000000 by default)
 *
 * The machine load (1-minute average) is printed before and after each size: on a shared machine the
 * absolute numbers move with it, the ratios much less.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { aggregate as mingoAggregate, find as mingoFind, updateOne as mingoUpdateOne } from 'mingo';
import { type Collection, type Document, MongoClient } from 'mongodb';
import { startEmbeddedMongo } from '../src/index.js';
import { concurrent, type Measurement, ms, printTable, ratio, sequential, summarize } from './stats.js';

const SIZES = (process.env.BENCH_SIZES ?? '100000,1000000').split(',').map(Number);
const OPS = Number(process.env.BENCH_OPS ?? 2000);
const gc = (globalThis as { gc?: () => void }).gc;

/** Bench documents use numeric `_id`s. */
interface BenchDoc extends Document {
  _id: number;
}

interface Row {
  size: number;
  op: string;
  embedded: Measurement;
  mingo?: Measurement;
  note?: string;
  /** Not a round trip: no ratio against ping. */
  inProcess?: boolean;
}

/** A small document: indexed key `k`, group key `g`, filter field `cat`, value `v`. */
function makeDoc(i: number): BenchDoc {
  return {
    _id: i,
    k: `key-${i}`,
    g: i % 100,
    cat: `c${i % 10}`,
    v: (i * 7919) % 1000,
    at: new Date(1_700_000_000_000 + i),
  };
}

const PIPELINE = [
  { $match: { cat: { $in: ['c1', 'c2', 'c3'] } } },
  { $group: { _id: '$g', total: { $sum: '$v' }, n: { $sum: 1 } } },
];

/** The same $match + $group written by hand: the floor any engine is measured against. */
function handLoop(docs: Document[]): Array<{ _id: number; total: number; n: number }> {
  const wanted = new Set(['c1', 'c2', 'c3']);
  const groups = new Map<number, { _id: number; total: number; n: number }>();
  for (const d of docs) {
    if (!wanted.has(d.cat)) continue;
    let row = groups.get(d.g);
    if (!row) {
      row = { _id: d.g, total: 0, n: 0 };
      groups.set(d.g, row);
    }
    row.total += d.v;
    row.n += 1;
  }
  return [...groups.values()];
}

/** The 1-minute load average, to read the absolute numbers against. */
function loadAverage(): string {
  return (os.loadavg()[0] ?? 0).toFixed(2);
}

function heapMb(): number {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed / 1048576;
}

async function load(coll: Collection<BenchDoc>, size: number): Promise<number> {
  const batch = 10_000;
  const start = performance.now();
  for (let from = 0; from < size; from += batch) {
    const docs = Array.from({ length: Math.min(batch, size - from) }, (_, j) => makeDoc(from + j));
    await coll.insertMany(docs, { ordered: false });
  }
  return performance.now() - start;
}

async function benchSize(client: MongoClient, size: number, rows: Row[], notes: string[]): Promise<void> {
  const db = client.db('bench');
  const coll = db.collection<BenchDoc>(`docs_${size}`);
  const random = (n: number) => Math.floor(Math.random() * n);

  const heapBefore = heapMb();
  const loadMs = await load(coll, size);
  const heapAfter = heapMb();
  await coll.createIndex({ k: 1 });
  notes.push(
    `${size.toLocaleString()} docs: insertMany in batches of 10,000 took ${(loadMs / 1000).toFixed(1)} s ` +
      `(${Math.round((size / loadMs) * 1000).toLocaleString()} docs/s); heap +${(heapAfter - heapBefore).toFixed(0)} MB ` +
      `= ${(((heapAfter - heapBefore) / size) * 1e6).toFixed(0)} MB per million documents` +
      (gc ? '' : ' (run with --expose-gc for exact numbers)'),
  );

  // Plain objects for the in-process baselines, equal to what was stored.
  const plain = Array.from({ length: size }, (_, i) => makeDoc(i));
  const mingoOps = size >= 1_000_000 ? 20 : 100;

  rows.push({
    size,
    op: 'ping',
    embedded: await sequential('ping', OPS, () => db.command({ ping: 1 })),
  });

  const inserts = db.collection<BenchDoc>(`inserts_${size}`);
  rows.push({
    size,
    op: 'insertOne',
    embedded: await sequential('insertOne', Math.min(OPS, 1000), (i) =>
      inserts.insertOne({ _id: i, k: `n-${i}`, v: i }),
    ),
    note: 'each acknowledged after fsync',
  });
  rows.push({
    size,
    op: 'insertOne ×16 clients',
    embedded: await concurrent('insertOne16', 2000, 16, (i) => inserts.insertOne({ _id: 10_000 + i, v: i })),
    note: 'group commit shares fsyncs',
  });

  rows.push({
    size,
    op: 'find by _id',
    embedded: await sequential('findId', OPS, () => coll.findOne({ _id: random(size) })),
    mingo: await sequential('mingoFindId', mingoOps, () => mingoFind(plain, { _id: random(size) }).next()),
  });
  rows.push({
    size,
    op: 'find by indexed field',
    embedded: await sequential('findK', OPS, () => coll.findOne({ k: `key-${random(size)}` })),
    mingo: await sequential('mingoFindK', mingoOps, () =>
      mingoFind(plain, { k: `key-${random(size)}` }).next(),
    ),
  });
  rows.push({
    size,
    op: 'updateOne by _id ($inc)',
    embedded: await sequential('update', Math.min(OPS, 1000), () =>
      coll.updateOne({ _id: random(size) }, { $inc: { v: 1 } }),
    ),
    mingo: await sequential('mingoUpdate', mingoOps, () =>
      mingoUpdateOne(plain, { _id: random(size) }, { $inc: { v: 1 } }),
    ),
  });

  const aggRuns = size >= 1_000_000 ? 5 : 10;
  // One warm-up each: JIT, and any checkpoint the load triggered gets to finish outside the timing.
  await coll.aggregate(PIPELINE).toArray();
  mingoAggregate(plain, PIPELINE);
  handLoop(plain);
  const embeddedAgg = await sequential('agg', aggRuns, () => coll.aggregate(PIPELINE).toArray());
  const mingoAgg = await sequential('mingoAgg', aggRuns, () => mingoAggregate(plain, PIPELINE));
  const loop = await sequential('loop', aggRuns, () => handLoop(plain));
  rows.push({ size, op: '$match + $group', embedded: embeddedAgg, mingo: mingoAgg });
  rows.push({ size, op: '  (hand-written loop)', embedded: loop, note: 'in-process floor', inProcess: true });
  const e = summarize(embeddedAgg).p50;
  const m = summarize(mingoAgg).p50;
  const l = summarize(loop).p50;
  notes.push(
    `${size.toLocaleString()} docs: $match + $group p50 ${ms(e)} ms through the driver = ${ratio(e / l)} the hand-written loop; ` +
      `mingo in-process = ${ratio(m / l)} the loop`,
  );
  await coll.drop();
  await inserts.drop();
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'formloom-bench-'));
  const server = await startEmbeddedMongo({ dataDir });
  const client = await new MongoClient(server.uri).connect();
  const rows: Row[] = [];
  const notes: string[] = [];
  const loads: string[] = [loadAverage()];
  const started = performance.now();
  try {
    for (const size of SIZES) {
      const t0 = performance.now();
      await benchSize(client, size, rows, notes);
      loads.push(loadAverage());
      notes.push(
        `${size.toLocaleString()} docs: this size took ${((performance.now() - t0) / 1000).toFixed(0)} s in all`,
      );
    }
  } finally {
    await client.close();
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  }

  console.log(
    `\nembedded-mongo benchmark (node ${process.version}, ${os.cpus().length} cores, ` +
      `${((performance.now() - started) / 1000).toFixed(0)} s; machine load ${loads.join(' → ')})\n`,
  );
  const pings = new Map(rows.filter((r) => r.op === 'ping').map((r) => [r.size, summarize(r.embedded).p50]));
  printTable(
    ['docs', 'operation', 'ops/s', 'p50 ms', 'p99 ms', 'p50 / ping', 'mingo p50 ms', 'vs mingo', 'note'],
    rows.map((r) => {
      const s = summarize(r.embedded);
      const mingo = r.mingo ? summarize(r.mingo).p50 : Number.NaN;
      return [
        r.size.toLocaleString(),
        r.op,
        Math.round(s.opsPerSec).toLocaleString(),
        ms(s.p50),
        ms(s.p99),
        r.inProcess ? '-' : ratio(s.p50 / (pings.get(r.size) ?? Number.NaN)),
        ms(mingo),
        ratio(s.p50 / mingo),
        r.note ?? '',
      ];
    }),
  );
  console.log('');
  for (const note of notes) console.log(`- ${note}`);
}

await main();
