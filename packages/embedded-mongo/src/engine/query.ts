import { fail } from '../errors.js';
import { mongoQuery } from './mingo-ext.js';
import { type Doc, isPlainObject, view } from './values.js';

/**
 * mingo options shared by every query the engine compiles. Scripts ($where, $function,
 * $accumulator) are off: mingo would run them as unsandboxed JavaScript inside this process.
 */
export const MINGO_OPTIONS = { idKey: '_id', useStrictMode: true, scriptEnabled: false } as const;

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
    if (k === '$comment') continue;
    else out[k] = patchFilter(v);
  }
  return out;
}

/** Compiles a filter (stored form) into a predicate over stored documents. */
export function compileMatcher(filter: unknown): Matcher {
  if (filter === undefined || filter === null) return () => true;
  if (!isPlainObject(filter)) fail(2, 'filter must be an object');
  if (Object.keys(filter).length === 0) return () => true;
  const q = mingoCall(() => mongoQuery(patchFilter(view(filter)) as Doc));
  return (doc) => mingoCall(() => q.test(view(doc)));
}

export { parseSort, sortDocs, topK } from './sort.js';
