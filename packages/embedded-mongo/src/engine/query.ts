import { Query } from 'mingo';
import { fail } from '../errors.js';
import { compareBson } from './compare.js';
import { sortValue } from './paths.js';
import { type Doc, isPlainObject, num, view } from './values.js';

/** mingo options shared by every query the engine compiles. */
export const MINGO_OPTIONS = { idKey: '_id', useStrictMode: true } as const;

/** A compiled filter over stored documents. */
export type Matcher = (doc: Doc) => boolean;

/** Runs mingo and turns its exceptions into BadValue errors, as MongoDB reports bad queries. */
export function mingoCall<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof Error && e.name === 'MongoCommandError') throw e;
    fail(2, e instanceof Error ? e.message : String(e));
  }
}

/** Rewrites query pieces mingo does not know into equivalents it does. */
function patchFilter(f: unknown): unknown {
  if (Array.isArray(f)) return f.map(patchFilter);
  if (!isPlainObject(f)) return f;
  const out: Doc = {};
  for (const [k, v] of Object.entries(f)) {
    if (k === '$type') out[k] = Array.isArray(v) ? v.map(patchType) : patchType(v);
    else if (k === '$comment') continue;
    else out[k] = patchFilter(v);
  }
  return out;
}

const TYPE_ALIASES: Record<string, string | number> = {
  objectId: 7,
  binData: 5,
  long: 18,
  decimal: 19,
  int: 16,
};

function patchType(t: unknown): unknown {
  return typeof t === 'string' && TYPE_ALIASES[t] !== undefined ? TYPE_ALIASES[t] : t;
}

/** Compiles a filter (stored form) into a predicate over stored documents. */
export function compileMatcher(filter: unknown): Matcher {
  if (filter === undefined || filter === null) return () => true;
  if (!isPlainObject(filter)) fail(2, 'filter must be an object');
  if (Object.keys(filter).length === 0) return () => true;
  const q = mingoCall(() => new Query(patchFilter(view(filter)) as Doc, MINGO_OPTIONS));
  return (doc) => mingoCall(() => q.test(view(doc)));
}

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
