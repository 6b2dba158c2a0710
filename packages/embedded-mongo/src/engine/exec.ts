import { fail } from '../errors.js';
import type { StringCollator } from './collation.js';
import type { Collection } from './collection.js';
import type { Core } from './core.js';
import { compileFastMatcher } from './fast-match.js';
import { extractNear, nearSearch } from './geo.js';
import { type Access, type ExecStats, hintedIndex, naturalScan, planAccess } from './planner.js';
import { compileMatcher, parseSort, sortDocs } from './query.js';
import { parseTextQuery } from './text-search.js';
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
  /** Receives the text score of each document of a `$text` query. */
  scores?: Map<Doc, number>;
}

/** Splits `$text` off a filter (top level or a top-level `$and`). */
function extractText(filter: Doc): { text: unknown; rest: Doc } | undefined {
  if ('$text' in filter) {
    const { $text, ...rest } = filter;
    return { text: $text, rest };
  }
  if (!Array.isArray(filter.$and)) return undefined;
  for (let i = 0; i < filter.$and.length; i++) {
    const sub = filter.$and[i];
    const hit = isPlainObject(sub) ? extractText(sub) : undefined;
    if (!hit) continue;
    const and = [...filter.$and];
    and.splice(i, 1, hit.rest);
    return { text: hit.text, rest: { ...filter, $and: and } };
  }
  return undefined;
}

/** The candidates of a `$text` query, from the collection's text index, with their scores. */
function textAccess(coll: Collection | undefined, text: unknown, scores: Map<Doc, number>): Access {
  const q = parseTextQuery(view(text));
  const ix = coll ? [...coll.indexes.values()].find((i) => i.kind === 'text') : undefined;
  if (!coll || !ix?.text) fail(27, 'text index required for $text query');
  const found = ix.text.search(q, (id) => {
    const d = coll.docs.get(id);
    return d ? view(d) : undefined;
  });
  const docs: Doc[] = [];
  for (const [id, score] of found) {
    const d = coll.docs.get(id);
    if (!d) continue;
    docs.push(d);
    scores.set(d, score);
  }
  return { info: { stage: 'TEXT', indexName: ix.name, sortProvided: false }, docs };
}

/**
 * Selects stored documents of a collection: picks an index (or a full scan), filters, sorts
 * (unless the index already yields the order), skips and limits. Records the plan on `core`.
 * `$text` reads the text index (scores into `sel.scores`); `$near` orders by distance.
 */
export function select(core: Core, coll: Collection | undefined, sel: Selection): Doc[] {
  const stats: ExecStats = { keysExamined: 0, docsExamined: 0 };
  let filter = sel.filter ?? {};
  const text = extractText(filter);
  if (text) filter = text.rest;
  const near = extractNear(filter);
  if (near) filter = near.rest;
  const vf = view(filter);
  // The filter is compiled (and so checked) before anything is read, even on a missing collection.
  const env = { collation: sel.collation, variables: sel.variables ? view(sel.variables) : undefined };
  const simple = !env.collation && !env.variables;
  let match: ((doc: Doc) => boolean) | undefined;
  if (Object.keys(filter).length > 0)
    match = (simple ? compileFastMatcher(vf) : undefined) ?? compileMatcher(filter, env);
  // A missing collection has nothing to find: mongod answers it empty before planning $near or $text.
  if (!coll) {
    core.lastPlan = { stage: 'EOF', sortProvided: false, ...stats, nReturned: 0 };
    return [];
  }
  const sortSpec =
    sel.sort && isPlainObject(sel.sort) && Object.keys(sel.sort).length > 0 ? sel.sort : undefined;
  // `{ $natural: ±1 }` is the collection's own (insertion) order, forwards or backwards.
  const natural = sortSpec && Object.keys(sortSpec)[0] === '$natural' ? num(sortSpec.$natural, 1) : undefined;
  const scores = sel.scores ?? new Map<Doc, number>();
  let access: Access;
  if (text) access = textAccess(coll, text.text, scores);
  else if (natural !== undefined) access = naturalScan(coll, stats, natural < 0);
  else
    access = planAccess(
      coll,
      vf,
      stats,
      sortSpec && !near ? view(sortSpec) : undefined,
      hintedIndex(coll, sel.hint),
      sel.collation,
    );
  const skip = sel.skip ?? 0;
  const limit = sel.limit ?? 0;
  const out: Doc[] = [];
  // $near orders by distance itself (an explicit sort then reorders).
  const ordered = !sortSpec || access.info.sortProvided || (natural !== undefined && !near);
  // Without a pending sort we can stop as soon as skip+limit matches are found.
  const stopAt = ordered && !near && limit > 0 ? skip + limit : Number.POSITIVE_INFINITY;
  const countExamined = access.info.stage !== 'COLLSCAN';
  for (const doc of access.docs) {
    if (countExamined) stats.docsExamined++;
    if (match && !match(doc)) continue;
    out.push(doc);
    if (out.length >= stopAt) break;
  }
  let res = out;
  if (near) {
    res = nearSearch(coll, near.near, out).map((h) => h.doc);
    access.info = { stage: 'GEO_NEAR', sortProvided: false };
  }
  if (sortSpec && !ordered) res = sortDocs(res, parseSort(sortSpec), sel.collation, scores);
  if (skip > 0 || limit > 0) res = res.slice(skip, limit > 0 ? skip + limit : undefined);
  core.lastPlan = { ...access.info, ...stats, nReturned: res.length };
  return res;
}
