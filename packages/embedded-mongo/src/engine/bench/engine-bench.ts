/**
 * Engine benchmark (in-process, no wire, journal commits are no-ops so the engine itself is
 * measured). Prints absolute numbers and ratios against baselines measured in the same run:
 * a hand-written JS loop over the same objects and mingo on the same data.
 *
 *   node --expose-gc --conditions=source --import tsx src/engine/bench/engine-bench.ts [docs]
 */
import { Aggregator, Query } from 'mingo';
import type { JournalOp, Storage } from '../../storage/types.js';
import { createEngine } from '../index.js';

const N = Number(process.argv[2] ?? 1_000_000);
const ctx = { connectionId: 1 };

const storage: Storage = {
  commit: async (_ops: JournalOp[]) => {},
  shouldCheckpoint: () => false,
  checkpoint: async () => {},
  close: async () => {},
};

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

function fmt(ms: number): string {
  return ms < 1 ? `${(ms * 1000).toFixed(1)} µs` : `${ms.toFixed(2)} ms`;
}

const regions = ['north', 'south', 'east', 'west', 'mid'];
function makeDoc(i: number): Record<string, unknown> {
  return {
    email: `user${i}@example.com`,
    region: regions[i % 5],
    amount: (i * 37) % 1000,
    qty: i % 7,
    active: i % 3 !== 0,
  };
}

async function main(): Promise<void> {
  const engine = createEngine({ storage, recovered: [] }, { ttlIntervalMs: 0 });
  await engine.run(
    'db',
    { createIndexes: 'c', indexes: [{ key: { email: 1 }, name: 'email_1', unique: true }] },
    ctx,
  );
  gc();
  const heap0 = process.memoryUsage().heapUsed;
  let t = performance.now();
  for (let i = 0; i < N; i += 1000) {
    const docs = [];
    for (let j = i; j < Math.min(N, i + 1000); j++) docs.push({ _id: j, ...makeDoc(j) });
    await engine.run('db', { insert: 'c', documents: docs }, ctx);
  }
  const insertMs = performance.now() - t;
  gc();
  const heap1 = process.memoryUsage().heapUsed;
  console.log(`documents: ${N}`);
  console.log(`insert (batches of 1000): ${((N / insertMs) * 1000).toFixed(0)} docs/s`);
  console.log(
    `memory: ${((((heap1 - heap0) / N) * 1e6) / 1024 / 1024).toFixed(0)} MiB per million documents (2 indexes)`,
  );

  // Every document, following the cursor (one reply batch stops at 16 MiB).
  const fetchAll = async (): Promise<Record<string, unknown>[]> => {
    let r = await engine.run('db', { find: 'c', filter: {} }, ctx);
    const out = [...r.cursor.firstBatch];
    while (!r.cursor.id.isZero()) {
      r = await engine.run('db', { getMore: r.cursor.id, collection: 'c' }, ctx);
      for (const d of r.cursor.nextBatch) out.push(d);
    }
    return out;
  };
  const all = await fetchAll();
  if (all.length !== N) throw new Error(`expected ${N} documents, got ${all.length}`);

  const lat = async (make: (i: number) => Record<string, unknown>, runs = 5000): Promise<number[]> => {
    const xs: number[] = [];
    for (let i = 0; i < runs; i++) {
      const cmd = make(i);
      const s = performance.now();
      await engine.run('db', cmd, ctx);
      xs.push(performance.now() - s);
    }
    return xs;
  };
  const pick = (i: number) => (i * 7919) % N;

  const byId = await lat((i) => ({ find: 'c', filter: { _id: pick(i) }, limit: 1, singleBatch: true }));
  const byEmail = await lat((i) => ({
    find: 'c',
    filter: { email: `user${pick(i)}@example.com` },
    limit: 1,
    singleBatch: true,
  }));
  const upd = await lat(
    (i) => ({
      update: 'c',
      updates: [{ q: { email: `user${pick(i)}@example.com` }, u: { $inc: { qty: 1 } } }],
    }),
    2000,
  );

  // Baselines: a linear scan for one email, and mingo's equality find.
  t = performance.now();
  const target = `user${pick(3)}@example.com`;
  let hit: unknown;
  for (const d of all) if (d.email === target) hit = d;
  const scanMs = performance.now() - t;
  t = performance.now();
  const mq = new Query({ email: target }, {});
  const mingoHit = all.filter((d) => mq.test(d));
  const mingoFindMs = performance.now() - t;
  if (!hit || mingoHit.length !== 1) throw new Error('baseline mismatch');

  console.log(`find by _id: p50 ${fmt(pct(byId, 50))}, p99 ${fmt(pct(byId, 99))}`);
  console.log(
    `find by indexed field: p50 ${fmt(pct(byEmail, 50))}, p99 ${fmt(pct(byEmail, 99))} ` +
      `(linear scan ${fmt(scanMs)}: ${(scanMs / pct(byEmail, 50)).toFixed(0)}x slower; mingo find ${fmt(mingoFindMs)})`,
  );
  console.log(`updateOne by indexed field: p50 ${fmt(pct(upd, 50))}, p99 ${fmt(pct(upd, 99))}`);

  const pipeline = [
    { $match: { active: true, qty: { $gte: 2 } } },
    {
      $group: {
        _id: '$region',
        total: { $sum: '$amount' },
        n: { $sum: 1 },
        avg: { $avg: '$amount' },
        mx: { $max: '$amount' },
      },
    },
  ];
  const rows = await fetchAll();
  const times: number[] = [];
  // Warm up both sides first so JIT and GC settle before measuring.
  for (let k = 0; k < 3; k++) await engine.run('db', { aggregate: 'c', pipeline, cursor: {} }, ctx);
  for (let k = 0; k < 7; k++) {
    t = performance.now();
    await engine.run('db', { aggregate: 'c', pipeline, cursor: {} }, ctx);
    times.push(performance.now() - t);
  }
  const hand: number[] = [];
  let handOut: Record<string, unknown>[] = [];
  for (let k = 0; k < 10; k++) {
    t = performance.now();
    const m = new Map<unknown, { total: number; n: number; mx: number }>();
    for (const d of rows) {
      if (d.active !== true || !((d.qty as number) >= 2)) continue;
      let g = m.get(d.region);
      if (!g) {
        g = { total: 0, n: 0, mx: Number.NEGATIVE_INFINITY };
        m.set(d.region, g);
      }
      g.total += d.amount as number;
      g.n++;
      if ((d.amount as number) > g.mx) g.mx = d.amount as number;
    }
    // Build the same output the engine returns, so the loop cannot be optimised away.
    handOut = [...m].map(([id, g]) => ({ _id: id, total: g.total, n: g.n, avg: g.total / g.n, mx: g.mx }));
    hand.push(performance.now() - t);
  }
  const engineOut = (await engine.run('db', { aggregate: 'c', pipeline, cursor: {} }, ctx)).cursor.firstBatch;
  if (JSON.stringify(engineOut) !== JSON.stringify(handOut)) {
    throw new Error(
      `engine and hand-written loop disagree: ${JSON.stringify(engineOut)} vs ${JSON.stringify(handOut)}`,
    );
  }
  t = performance.now();
  new Aggregator(pipeline, {}).run(rows);
  const mingoAgg = performance.now() - t;
  const e = pct(times, 50);
  const h = pct(hand, 50);
  console.log(
    `$match + $group: engine ${fmt(e)}, hand-written loop ${fmt(h)} (ratio ${(e / h).toFixed(2)}x), mingo ${fmt(mingoAgg)} (${(mingoAgg / h).toFixed(1)}x)`,
  );
  await engine.close();
}

await main();
