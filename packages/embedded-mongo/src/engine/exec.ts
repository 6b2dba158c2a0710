import type { StringCollator } from './collation.js';
import type { Collection } from './collection.js';
import type { Core } from './core.js';
import { compileFastMatcher } from './fast-match.js';
import { type ExecStats, hintedIndex, naturalScan, planAccess } from './planner.js';
import { compileMatcher, parseSort, sortDocs } from './query.js';
import { type Doc, isPlainObject, num, view } from './values.js';

/** What to select: filter, sort, skip and limit (0 = no limit). */
export interface Selection {
  filter?: Doc | undefined;
  sort?: Doc | undefined;
  skip?: number;
  limit?: number;
  /** An index name or key pattern the plan must use (`$natural`: a collection scan). */
  hint?: unknown;
  /** The collation strings compare under (undefined: binary). */
  collation?: StringCollator | undefined;
  /** `let` variables for `$expr`. */
  variables?: Doc | undefined;
}

/**
 * Selects stored documents of a collection: picks an index (or a full scan), filters, sorts
 * (unless the index already yields the order), skips and limits. Records the plan on `core`.
 */
export function select(core: Core, coll: Collection | undefined, sel: Selection): Doc[] {
  const stats: ExecStats = { keysExamined: 0, docsExamined: 0 };
  const filter = sel.filter ?? {};
  const vf = view(filter);
  // The filter is compiled (and so checked) before anything is read, even on a missing collection.
  const env = { collation: sel.collation, variables: sel.variables ? view(sel.variables) : undefined };
  const simple = !env.collation && !env.variables;
  let match: ((doc: Doc) => boolean) | undefined;
  if (Object.keys(filter).length > 0)
    match = (simple ? compileFastMatcher(vf) : undefined) ?? compileMatcher(filter, env);
  if (!coll) {
    core.lastPlan = { stage: 'EOF', sortProvided: false, ...stats, nReturned: 0 };
    return [];
  }
  const sortSpec =
    sel.sort && isPlainObject(sel.sort) && Object.keys(sel.sort).length > 0 ? sel.sort : undefined;
  // `{ $natural: ±1 }` is the collection's own (insertion) order, forwards or backwards.
  const natural = sortSpec && Object.keys(sortSpec)[0] === '$natural' ? num(sortSpec.$natural, 1) : undefined;
  const access =
    natural !== undefined
      ? naturalScan(coll, stats, natural < 0)
      : planAccess(coll, vf, stats, sortSpec ? view(sortSpec) : undefined, hintedIndex(coll, sel.hint));
  const skip = sel.skip ?? 0;
  const limit = sel.limit ?? 0;
  const out: Doc[] = [];
  const ordered = !sortSpec || access.info.sortProvided;
  // Without a pending sort we can stop as soon as skip+limit matches are found.
  const stopAt = ordered && limit > 0 ? skip + limit : Number.POSITIVE_INFINITY;
  const countExamined = access.info.stage !== 'COLLSCAN';
  for (const doc of access.docs) {
    if (countExamined) stats.docsExamined++;
    if (match && !match(doc)) continue;
    out.push(doc);
    if (out.length >= stopAt) break;
  }
  let res = ordered ? out : sortDocs(out, parseSort(sortSpec));
  if (skip > 0 || limit > 0) res = res.slice(skip, limit > 0 ? skip + limit : undefined);
  core.lastPlan = { ...access.info, ...stats, nReturned: res.length };
  return res;
}
