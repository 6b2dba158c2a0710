import { Query } from 'mingo';
import { describe, expect, it } from 'vitest';
import { compileFastMatcher } from '../fast-match.js';
import { normalize } from '../values.js';

function rng(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

/** The compiled predicates must accept exactly what mingo accepts (arrays defer to mingo). */
describe('compiled filters agree with mingo', () => {
  it('over random documents and filters with nulls, missing fields, arrays and nesting', () => {
    const r = rng(3);
    const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)]!;
    const vals = [0, 1, 2, 'a', 'b', null, true, false, new Date(5), new Date(9)];
    const docs = Array.from({ length: 300 }, (_, i) => {
      const d: Record<string, unknown> = { _id: i };
      if (r() > 0.2) d.a = r() > 0.8 ? [pick(vals), pick(vals)] : pick(vals);
      if (r() > 0.2) d.n = r() > 0.7 ? { x: pick(vals) } : r() > 0.5 ? [{ x: pick(vals) }] : pick(vals);
      return normalize(d) as Record<string, unknown>;
    });
    const cond = (): unknown => {
      const v = pick(vals);
      return pick([
        v,
        { $eq: v },
        { $ne: v },
        { $in: [pick(vals), pick(vals)] },
        { $nin: [pick(vals), pick(vals)] },
        { $gt: v },
        { $gte: v, $lt: pick(vals) },
        { $exists: pick([true, false]) },
      ]);
    };
    let compiled = 0;
    for (let i = 0; i < 400; i++) {
      const filter: Record<string, unknown> = {};
      if (r() > 0.3) filter.a = cond();
      if (r() > 0.5) filter['n.x'] = cond();
      if (r() > 0.8) filter.$or = [{ a: cond() }, { 'n.x': cond() }];
      const fast = compileFastMatcher(filter);
      if (!fast) continue;
      compiled++;
      const q = new Query(filter, {});
      const got = docs.filter((d) => fast(d)).map((d) => d._id);
      const want = docs.filter((d) => q.test(d)).map((d) => d._id);
      expect({ filter, got }).toEqual({ filter, got: want });
    }
    expect(compiled).toBeGreaterThan(200);
  });
});
