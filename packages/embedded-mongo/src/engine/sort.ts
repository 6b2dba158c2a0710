import { fail } from '../errors.js';
import { compareBson } from './compare.js';
import { sortValue } from './paths.js';
import { type Doc, isPlainObject, num, view } from './values.js';

/** Parses a sort spec into [path parts, direction] pairs. */
export function parseSort(sort: unknown): [string[], number][] {
  if (sort === undefined || sort === null) return [];
  if (!isPlainObject(sort)) fail(2, 'sort must be an object');
  return Object.entries(sort).map(([k, v]) => {
    if (isPlainObject(v)) return [k.split('.'), 1] as [string[], number];
    const d = num(v, Number.NaN);
    if (d !== 1 && d !== -1) fail(2, `$sort key ordering must be 1 (for ascending) or -1 (for descending)`);
    return [k.split('.'), d] as [string[], number];
  });
}

/** Sorts documents in MongoDB's BSON order (stable), by precomputed sort keys. */
export function sortDocs<T extends Doc>(docs: T[], spec: [string[], number][]): T[] {
  if (spec.length === 0) return docs;
  const keyed = docs.map((d, i) => {
    const v = view(d);
    return { d, i, k: spec.map(([p, dir]) => sortValue(v, p, dir, compareBson)) };
  });
  keyed.sort((a, b) => {
    for (let j = 0; j < spec.length; j++) {
      const c = compareBson(a.k[j], b.k[j]);
      if (c !== 0) return c * spec[j]![1];
    }
    return a.i - b.i;
  });
  return keyed.map((x) => x.d);
}

/**
 * Keeps the first `n` documents in sort order without sorting everything (top-k for sort+limit).
 */
export function topK<T extends Doc>(docs: Iterable<T>, spec: [string[], number][], n: number): T[] {
  const all: T[] = [];
  for (const d of docs) all.push(d);
  return sortDocs(all, spec).slice(0, n);
}
