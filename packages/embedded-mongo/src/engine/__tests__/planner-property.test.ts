import { describe, expect, it } from 'vitest';
import { findAll, memEngine, run } from './helpers.js';

function rng(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

/**
 * Index scans must return exactly what a full scan returns: random documents (numbers, strings,
 * nulls, missing fields, arrays), random single/compound ascending/descending indexes and random
 * equality / $in / range filters, compared against the same data without secondary indexes.
 */
describe('index plans agree with full scans', () => {
  it('for 300 random filters over random indexes', async () => {
    const r = rng(7);
    const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)]!;
    const values = [0, 1, 2, 3, 5, 8, 'a', 'b', 'c', null];
    const docs = Array.from({ length: 400 }, (_, i) => {
      const d: Record<string, unknown> = { _id: i };
      if (r() > 0.1) d.a = pick(values);
      if (r() > 0.1) d.b = r() > 0.8 ? [pick(values), pick(values)] : pick(values);
      if (r() > 0.1) d.c = Math.floor(r() * 10);
      return d;
    });
    const indexed = memEngine().engine;
    const plain = memEngine().engine;
    await run(indexed, 'db', { insert: 'c', documents: docs });
    await run(plain, 'db', { insert: 'c', documents: docs });
    await run(indexed, 'db', {
      createIndexes: 'c',
      indexes: [
        { key: { a: 1 }, name: 'a_1' },
        { key: { c: -1 }, name: 'c_-1' },
        { key: { a: 1, c: -1 }, name: 'a_1_c_-1' },
        { key: { c: 1, a: -1 }, name: 'c_1_a_-1' },
        { key: { b: 1 }, name: 'b_1' },
      ],
    });
    const cond = () => {
      const v = pick(values);
      switch (Math.floor(r() * 6)) {
        case 0:
          return v;
        case 1:
          return { $in: [pick(values), pick(values), pick(values)] };
        case 2:
          return { $gt: v };
        case 3:
          return { $gte: pick([1, 3, 'b']), $lt: pick([5, 8, 'c']) };
        case 4:
          return { $lte: v };
        default:
          return { $ne: v };
      }
    };
    let usedIndex = 0;
    for (let i = 0; i < 300; i++) {
      const filter: Record<string, unknown> = {};
      for (const f of ['a', 'b', 'c']) if (r() > 0.5) filter[f] = cond();
      const sort = r() > 0.5 ? { [pick(['a', 'c'])]: pick([1, -1]), _id: 1 } : { _id: 1 };
      const got = await findAll(indexed, 'db', 'c', { filter, sort });
      if (indexed.lastPlan()?.stage === 'IXSCAN') usedIndex++;
      const want = await findAll(plain, 'db', 'c', { filter, sort });
      expect({ filter, sort, ids: got.map((d) => d._id) }).toEqual({
        filter,
        sort,
        ids: want.map((d) => d._id),
      });
    }
    expect(usedIndex).toBeGreaterThan(100);
  }, 30_000);

  it('for dotted paths into arrays of subdocuments, sparse indexes and $and', async () => {
    const r = rng(11);
    const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)]!;
    const docs = Array.from({ length: 300 }, (_, i) => {
      const d: Record<string, unknown> = { _id: i, c: Math.floor(r() * 5) };
      const n = Math.floor(r() * 3);
      if (r() > 0.1)
        d.items = Array.from({ length: n }, () => ({ p: Math.floor(r() * 10), q: pick(['x', 'y']) }));
      if (r() > 0.5) d.s = Math.floor(r() * 4);
      return d;
    });
    const indexed = memEngine().engine;
    const plain = memEngine().engine;
    await run(indexed, 'db', { insert: 'c', documents: docs });
    await run(plain, 'db', { insert: 'c', documents: docs });
    await run(indexed, 'db', {
      createIndexes: 'c',
      indexes: [
        { key: { 'items.p': 1 }, name: 'items.p_1' },
        { key: { c: 1, 'items.p': -1 }, name: 'c_1_items.p_-1' },
        { key: { s: 1 }, name: 's_1', sparse: true },
      ],
    });
    let usedIndex = 0;
    for (let i = 0; i < 200; i++) {
      const lo = Math.floor(r() * 10);
      const filter: Record<string, unknown> = pick([
        { 'items.p': { $gte: lo, $lt: lo + 3 } },
        { 'items.p': lo, c: pick([0, 1, 2]) },
        { c: { $in: [1, 3] }, 'items.p': { $gt: lo } },
        { $and: [{ 'items.p': { $gt: lo } }, { 'items.p': { $lt: lo + 2 } }] },
        { s: pick([null, 1, 2, { $gte: 2 }]) },
        { 'items.p': { $in: [lo, lo + 1] }, 'items.q': 'x' },
      ]);
      const sort = pick([{ _id: 1 }, { c: 1, _id: 1 }, { s: -1, _id: 1 }]);
      const got = await findAll(indexed, 'db', 'c', { filter, sort });
      if (indexed.lastPlan()?.stage === 'IXSCAN') usedIndex++;
      const want = await findAll(plain, 'db', 'c', { filter, sort });
      expect({ filter, sort, ids: got.map((d) => d._id) }).toEqual({
        filter,
        sort,
        ids: want.map((d) => d._id),
      });
    }
    expect(usedIndex).toBeGreaterThan(80);
  }, 30_000);
});
