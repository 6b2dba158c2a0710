/**
 * Benchmark of collation sorts and text search in the engine (in-process, journal commits are
 * no-ops), each against a hand-written JS baseline measured in the same run:
 *   - sorting Chinese names in pinyin order (collation `zh`) vs `Array.prototype.sort` with
 *     `Intl.Collator('zh')` over the same names, and the top 20 through a `zh` index;
 *   - `$text` through a text index vs a hand-written scan testing each document's lower-cased text.
 *
 *   node --expose-gc --conditions=source --import tsx src/engine/bench/search-bench.ts [docs]
 */
import type { JournalOp, Storage } from '../../storage/types.js';
import { createEngine } from '../index.js';

const N = Number(process.argv[2] ?? 100_000);
const ctx = { connectionId: 1 };

const storage: Storage = {
  commit: async (_ops: JournalOp[]) => {},
  shouldCheckpoint: () => false,
  checkpoint: async () => {},
  close: async () => {},
};

function rng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

function fmt(ms: number): string {
  return ms < 1 ? `${(ms * 1000).toFixed(1)} µs` : `${ms.toFixed(2)} ms`;
}

const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN =
  '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红鹏辉建国文斌宇浩凯婷雪梅琳晨阳欣怡佳俊博';

async function main(): Promise<void> {
  const r = rng(7);
  const pick = (s: string) => s[Math.floor(r() * s.length)]!;
  const vocab = Array.from({ length: 5000 }, (_, i) => `w${i.toString(36)}${pick('abcdefghij')}`);
  const docs = Array.from({ length: N }, (_, i) => ({
    _id: i,
    name: pick(SURNAMES) + pick(GIVEN) + (r() > 0.5 ? pick(GIVEN) : ''),
    body: Array.from({ length: 12 }, () => vocab[Math.floor(r() * vocab.length)]).join(' '),
  }));
  const engine = createEngine({ storage, recovered: [] }, { ttlIntervalMs: 0 });
  for (let i = 0; i < N; i += 1000)
    await engine.run('db', { insert: 'p', documents: docs.slice(i, i + 1000) }, ctx);
  console.log(`documents: ${N}`);

  // Collation sort of every name, through the engine vs Array.sort with Intl.Collator.
  const zh = { locale: 'zh' };
  const sortAll = async () => {
    let reply = await engine.run(
      'db',
      { find: 'p', sort: { name: 1 }, collation: zh, projection: { name: 1 }, batchSize: N },
      ctx,
    );
    const out = reply.cursor.firstBatch as { name: string }[];
    while (!reply.cursor.id.isZero()) {
      reply = await engine.run('db', { getMore: reply.cursor.id, collection: 'p', batchSize: N }, ctx);
      out.push(...reply.cursor.nextBatch);
    }
    return out;
  };
  const names = docs.map((d) => d.name);
  const collator = new Intl.Collator('zh');
  const engineSort: number[] = [];
  const handSort: number[] = [];
  let sorted: { name: string }[] = [];
  let hand: string[] = [];
  for (let k = 0; k < 5; k++) {
    let t = performance.now();
    sorted = await sortAll();
    engineSort.push(performance.now() - t);
    t = performance.now();
    hand = names.slice().sort(collator.compare);
    handSort.push(performance.now() - t);
  }
  if (sorted.map((d) => d.name).join() !== hand.join())
    throw new Error('engine and Intl.Collator sort disagree');
  const es = pct(engineSort, 50);
  const hs = pct(handSort, 50);
  console.log(
    `collation sort (zh, all ${N} names, no index): engine ${fmt(es)}, Array.sort with Intl.Collator ${fmt(hs)} (ratio ${(es / hs).toFixed(2)}x)`,
  );
  await engine.run(
    'db',
    { createIndexes: 'p', indexes: [{ key: { name: 1 }, name: 'name_zh', collation: zh }] },
    ctx,
  );
  const top: number[] = [];
  for (let k = 0; k < 200; k++) {
    const t = performance.now();
    await engine.run('db', { find: 'p', sort: { name: 1 }, collation: zh, limit: 20 }, ctx);
    top.push(performance.now() - t);
  }
  console.log(
    `collation sort (zh, first 20 through a zh index): engine p50 ${fmt(pct(top, 50))} (${(hs / pct(top, 50)).toFixed(0)}x faster than sorting all by hand)`,
  );

  // Text search through a text index vs a hand-written scan of the lower-cased text.
  let t = performance.now();
  await engine.run(
    'db',
    { createIndexes: 'p', indexes: [{ key: { body: 'text' }, name: 'body_text' }] },
    ctx,
  );
  console.log(
    `text index build: ${fmt(performance.now() - t)} (${((N / (performance.now() - t)) * 1000).toFixed(0)} docs/s)`,
  );
  const text: number[] = [];
  const scan: number[] = [];
  for (let k = 0; k < 200; k++) {
    const word = vocab[(k * 37) % vocab.length]!;
    t = performance.now();
    const reply = await engine.run(
      'db',
      { find: 'p', filter: { $text: { $search: word } }, batchSize: N },
      ctx,
    );
    text.push(performance.now() - t);
    t = performance.now();
    const pattern = new RegExp(`(^| )${word}( |$)`);
    let hits = 0;
    for (const d of docs) if (pattern.test(d.body.toLowerCase())) hits++;
    scan.push(performance.now() - t);
    if (hits !== reply.cursor.firstBatch.length)
      throw new Error(`text search found ${reply.cursor.firstBatch.length}, the scan ${hits}`);
  }
  const ts = pct(text, 50);
  const ss = pct(scan, 50);
  console.log(
    `text search ($text, one word, ~${Math.round((N * 12) / vocab.length)} hits): engine p50 ${fmt(ts)}, hand-written scan ${fmt(ss)} (ratio ${(ts / ss).toFixed(3)}x)`,
  );
  await engine.close();
}

await main();
