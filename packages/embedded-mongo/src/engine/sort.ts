import { fail } from '../errors.js';
import { compareBson, type StringCompare } from './compare.js';
import { sortValue } from './paths.js';
import { type Doc, isPlainObject, num, view } from './values.js';

/** One sort key: path parts, direction, and whether it sorts by the text score (`$meta`). */
export type SortKey = [string[], number] | [string[], number, 'textScore'];

/** Parses a sort spec into [path parts, direction] pairs (`{ $meta: 'textScore' }`: score, highest first). */
export function parseSort(sort: unknown): SortKey[] {
  if (sort === undefined || sort === null) return [];
  if (!isPlainObject(sort)) fail(2, 'sort must be an object');
  return Object.entries(sort).map(([k, v]): SortKey => {
    if (isPlainObject(v)) {
      if (v.$meta === 'textScore') return [k.split('.'), -1, 'textScore'];
      fail(17312, `$meta is the only expression supported by $sort right now`);
    }
    const d = num(v, Number.NaN);
    if (d !== 1 && d !== -1) fail(2, `$sort key ordering must be 1 (for ascending) or -1 (for descending)`);
    return [k.split('.'), d];
  });
}

/**
 * Sorts documents in MongoDB's BSON order (stable), by precomputed sort keys, strings by
 * `collator`; `scores` gives the text score of each document for `$meta` keys.
 */
export function sortDocs<T extends Doc>(
  docs: T[],
  spec: SortKey[],
  collator?: StringCompare,
  scores?: Map<Doc, number>,
): T[] {
  if (spec.length === 0) return docs;
  const cmp = collator ? (a: unknown, b: unknown) => compareBson(a, b, collator) : compareBson;
  const keyed = docs.map((d, i) => {
    const v = view(d);
    return {
      d,
      i,
      k: spec.map(([p, dir, meta]) => (meta ? (scores?.get(d) ?? 0) : sortValue(v, p, dir, cmp))),
    };
  });
  keyed.sort((a, b) => {
    for (let j = 0; j < spec.length; j++) {
      const c = cmp(a.k[j], b.k[j]);
      if (c !== 0) return c * spec[j]![1];
    }
    return a.i - b.i;
  });
  return keyed.map((x) => x.d);
}

/**
 * Keeps the first `n` documents in sort order without sorting everything (top-k for sort+limit).
 */
export function topK<T extends Doc>(
  docs: Iterable<T>,
  spec: SortKey[],
  n: number,
  collator?: StringCompare,
): T[] {
  const all: T[] = [];
  for (const d of docs) all.push(d);
  return sortDocs(all, spec, collator).slice(0, n);
}
