import { fail } from '../errors.js';
import { parseCollation, type StringCollator } from './collation.js';
import type { Collection } from './collection.js';
import type { Core } from './core.js';
import { type Doc, isPlainObject } from './values.js';

/** How deep views may stack on views (mongod's limit). */
const MAX_VIEW_DEPTH = 20;

/** True when a catalog entry is a view (`create` with `viewOn`). */
export function isView(c: Collection | undefined): boolean {
  return typeof c?.options.viewOn === 'string';
}

/** Refuses a write or index command on a view, as mongod does. */
export function refuseView(c: Collection | undefined): void {
  if (c && isView(c)) fail(166, `Namespace ${c.ns} is a view, not a collection`);
}

/** What reading a namespace means: the underlying collection and the pipeline of the views on it. */
export interface ViewSource {
  /** The collection at the bottom of the view chain (undefined when it does not exist). */
  coll: Collection | undefined;
  /** The views' pipelines, innermost first (empty for a collection). */
  pipeline: Doc[];
  /** The default collation of the outermost view (a view's own, never inherited). */
  collation: StringCollator | undefined;
  /** The view named, when the namespace is one. */
  view: Collection | undefined;
}

/** Resolves a namespace through views down to its collection. */
export function viewSource(core: Core, db: string, name: string): ViewSource {
  const first = core.coll(db, name);
  if (!first || !isView(first)) return { coll: first, pipeline: [], collation: undefined, view: undefined };
  const pipelines: Doc[][] = [];
  let cur: Collection | undefined = first;
  for (let depth = 0; cur && isView(cur); depth++) {
    if (depth >= MAX_VIEW_DEPTH)
      fail(165, `View depth too deep or view cycle detected; maximum depth is ${MAX_VIEW_DEPTH}`);
    pipelines.unshift((cur.options.pipeline as Doc[] | undefined) ?? []);
    cur = core.coll(db, cur.options.viewOn as string);
  }
  return {
    coll: cur,
    pipeline: pipelines.flat(),
    collation: parseCollation(first.options.collation),
    view: first,
  };
}

/**
 * The collation of an operation on a view: the view's own, and an operation may not ask for
 * another (OptionNotSupportedOnView 167).
 */
export function viewCollation(source: ViewSource, raw: unknown): StringCollator | undefined {
  if (raw === undefined || raw === null) return source.collation;
  const asked = parseCollation(raw);
  if ((asked?.key ?? 'simple') !== (source.collation?.key ?? 'simple'))
    fail(167, "Cannot override a view's default collation");
  return asked;
}

/** Checks a view definition of `create` / `collMod`: its pipeline, and no cycle through other views. */
export function checkViewDefinition(
  core: Core,
  db: string,
  name: string,
  viewOn: unknown,
  pipeline: unknown,
): void {
  if (typeof viewOn !== 'string' || viewOn === '') fail(2, "'viewOn' must be a non-empty string");
  if (pipeline !== undefined && !Array.isArray(pipeline)) fail(14, "BSON field 'pipeline' must be an array");
  for (const [i, st] of ((pipeline as unknown[] | undefined) ?? []).entries()) {
    if (!isPlainObject(st))
      fail(40323, 'A pipeline stage specification object must contain exactly one field.');
    const stage = Object.keys(st)[0];
    if (stage === '$out' || stage === '$merge')
      fail(
        51047,
        `${stage} cannot be used in a view definition (stage ${i} of the pipeline of ${db}.${name}): it writes to disk`,
      );
  }
  const seen = new Set([name]);
  let cur: string | undefined = viewOn;
  for (let depth = 0; cur !== undefined; depth++) {
    if (seen.has(cur)) fail(5, `View cycle detected: ${[...seen, cur].join(' => ')}`);
    if (depth >= MAX_VIEW_DEPTH)
      fail(165, `View depth too deep or view cycle detected; maximum depth is ${MAX_VIEW_DEPTH}`);
    seen.add(cur);
    const next = core.coll(db, cur);
    cur = next && isView(next) ? (next.options.viewOn as string) : undefined;
  }
}
