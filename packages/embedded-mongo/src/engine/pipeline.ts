import type { StringCollator } from './collation.js';
import type { Core } from './core.js';
import { compileFastPipeline, Fallback } from './fast-agg.js';
import { mongoAggregator } from './mingo-ext.js';
import { mingoCall } from './query.js';
import { type Doc, evalView, isolate, isPlainObject, unview } from './values.js';
import { viewSource } from './views.js';

/** What a pipeline runs with besides its input: the collation and `let` variables. */
export interface PipelineEnv {
  collation?: StringCollator | undefined;
  variables?: Doc | undefined;
}

/** The hidden field a text search's score travels in through later stages (no client field can be named so). */
export const TEXT_SCORE = '\0textScore';

/** True when a stage list can run on the compiled fast path (no collation or variables needed). */
export function fastPipeline(
  pipeline: Doc[],
  env: PipelineEnv,
): ((docs: Iterable<Doc>) => Doc[]) | undefined {
  if (env.collation || env.variables) return undefined;
  return compileFastPipeline(pipeline);
}

/**
 * Runs a pipeline over stored documents: the compiled fast path when possible, mingo otherwise
 * (with the engine's operators, the collation for `$match`/`$sort`, `let` variables, and
 * `$lookup`/`$unionWith`/`$graphLookup` reading collections and views of the same database).
 */
export function runPipeline(
  core: Core,
  db: string,
  input: Iterable<Doc>,
  pipeline: Doc[],
  env: PipelineEnv = {},
): { docs: Doc[]; fast: boolean } {
  const fast = fastPipeline(pipeline, env);
  if (fast) {
    try {
      return { docs: fast(input), fast: true };
    } catch (e) {
      if (!(e instanceof Fallback)) throw e;
    }
  }
  const agg = mingoCall(() =>
    mongoAggregator(evalView(rewriteMeta(pipeline)), {
      ...(env.variables ? { variables: evalView(env.variables) } : {}),
      // The engine's $match and $sort read the collator from the options.
      ...(env.collation ? { collation: env.collation as never } : {}),
      collectionResolver: (name: string) =>
        resolveCollection(core, db, name).map((d) => evalView(isolate(d))),
    }),
  );
  // mingo writes into nested objects in place: it works on copies, never on stored documents.
  const out = mingoCall(() => agg.run(Array.from(input, (d) => evalView(isolate(d))))) as Doc[];
  return { docs: out.map((d) => unview(d)), fast: false };
}

/** The documents of a collection or view, for `$lookup` and friends (a missing one is empty). */
function resolveCollection(core: Core, db: string, name: string): Doc[] {
  const source = viewSource(core, db, name);
  const docs = source.coll ? [...source.coll.docs.values()] : [];
  if (source.pipeline.length === 0) return docs;
  return runPipeline(core, db, docs, source.pipeline, { collation: source.collation }).docs;
}

/**
 * Rewrites `{ $meta: "textScore" }` (in expressions and `$sort`) to read the hidden score field a
 * text search attached, and keeps that field through inclusion projections.
 */
export function rewriteMeta(pipeline: Doc[]): Doc[] {
  if (!JSON.stringify(pipeline).includes('"textScore"')) return pipeline;
  return pipeline.map((stage) => {
    const [name, arg] = Object.entries(stage)[0]!;
    if (name === '$sort' && isPlainObject(arg)) {
      const out: Doc = {};
      for (const [k, v] of Object.entries(arg)) {
        if (isPlainObject(v) && v.$meta === 'textScore') out[TEXT_SCORE] = -1;
        else out[k] = v;
      }
      return { $sort: out };
    }
    const next = replaceMeta(arg);
    if (name === '$project' && isPlainObject(next) && isInclusion(next)) (next as Doc)[TEXT_SCORE] = 1;
    return { [name]: next };
  });
}

function isInclusion(p: Doc): boolean {
  return Object.entries(p).some(([k, v]) => k !== '_id' && (v === 1 || v === true || typeof v === 'object'));
}

function replaceMeta(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(replaceMeta);
  if (!isPlainObject(v)) return v;
  if (Object.keys(v).length === 1 && v.$meta === 'textScore') return `$${TEXT_SCORE}`;
  const out: Doc = {};
  for (const [k, x] of Object.entries(v)) out[k] = replaceMeta(x);
  return out;
}

/** Removes the hidden text-score field from results. */
export function stripMeta(docs: Doc[]): Doc[] {
  if (!docs.some((d) => Object.hasOwn(d, TEXT_SCORE))) return docs;
  return docs.map((d) => {
    if (!Object.hasOwn(d, TEXT_SCORE)) return d;
    const { [TEXT_SCORE]: _drop, ...rest } = d;
    return rest;
  });
}
