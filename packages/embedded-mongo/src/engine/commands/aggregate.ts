import { fail } from '../../errors.js';
import type { Collection } from '../collection.js';
import { type ColumnPlan, compileColumnPlan, runColumnPlan } from '../column-scan.js';
import { type Core, checkCollName, collationFor, letVariables } from '../core.js';
import { select } from '../exec.js';
import { loopStats } from '../fast-agg.js';
import { geoNearStage } from '../geo.js';
import { fastPipeline, type PipelineEnv, runPipeline, stripMeta, TEXT_SCORE } from '../pipeline.js';
import { type Access, type ExecStats, planAccess } from '../planner.js';
import type { CommandContext } from '../types.js';
import { type Doc, flag, isPlainObject, normalize, num, setField, unview, view } from '../values.js';
import { viewCollation, viewSource } from '../views.js';
import { explainAggregate, type Verbosity } from './explain.js';
import { writeOut } from './write-out.js';

/** The stages mongod 7.0 knows; an unknown name is refused before anything runs. */
const KNOWN_STAGES = new Set([
  '$addFields',
  '$bucket',
  '$bucketAuto',
  '$changeStream',
  '$changeStreamSplitLargeEvent',
  '$collStats',
  '$count',
  '$currentOp',
  '$densify',
  '$documents',
  '$facet',
  '$fill',
  '$geoNear',
  '$graphLookup',
  '$group',
  '$indexStats',
  '$limit',
  '$listLocalSessions',
  '$listSampledQueries',
  '$listSearchIndexes',
  '$listSessions',
  '$lookup',
  '$match',
  '$merge',
  '$out',
  '$planCacheStats',
  '$project',
  '$redact',
  '$replaceRoot',
  '$replaceWith',
  '$sample',
  '$search',
  '$searchMeta',
  '$set',
  '$setWindowFields',
  '$shardedDataDistribution',
  '$skip',
  '$sort',
  '$sortByCount',
  '$unionWith',
  '$unset',
  '$unwind',
  '$vectorSearch',
]);

/** Stages mongod knows that the embedded store does not run, with the error each gets. */
const UNSUPPORTED_STAGES: Record<string, [number, string]> = {
  $changeStream: [40573, 'The $changeStream stage is only supported on replica sets'],
  $changeStreamSplitLargeEvent: [
    40573,
    'The $changeStreamSplitLargeEvent stage is only supported on replica sets',
  ],
  $listSessions: [238, '$listSessions is not supported by the embedded store (use $listLocalSessions)'],
  $collStats: [238, '$collStats is not supported by the embedded store (use the collStats command)'],
  $indexStats: [238, '$indexStats is not supported by the embedded store'],
  $planCacheStats: [238, '$planCacheStats is not supported by the embedded store (it keeps no plan cache)'],
  $listSampledQueries: [238, '$listSampledQueries is not supported by the embedded store'],
  $shardedDataDistribution: [238, '$shardedDataDistribution is not supported by the embedded store'],
  $search: [238, '$search (Atlas Search) is not supported by the embedded store; use a text index and $text'],
  $searchMeta: [238, '$searchMeta (Atlas Search) is not supported by the embedded store'],
  $listSearchIndexes: [238, '$listSearchIndexes (Atlas Search) is not supported by the embedded store'],
  $vectorSearch: [238, '$vectorSearch (Atlas Vector Search) is not supported by the embedded store'],
};

/** Stages that must come first (they produce the documents). */
const FIRST_ONLY: Record<string, number> = {
  $geoNear: 40602,
  $currentOp: 40602,
  $listLocalSessions: 40602,
  $documents: 40602,
};

/** Checks every stage's shape and name (also inside $facet, $lookup and $unionWith pipelines). */
export function checkStages(pipeline: unknown[], nested = false): void {
  pipeline.forEach((st, i) => {
    if (!isPlainObject(st) || Object.keys(st).length !== 1)
      fail(40323, 'A pipeline stage specification object must contain exactly one field.');
    const [name, arg] = Object.entries(st)[0]!;
    if (!KNOWN_STAGES.has(name)) fail(40324, `Unrecognized pipeline stage name: '${name}'`);
    const unsupported = UNSUPPORTED_STAGES[name];
    if (unsupported) fail(unsupported[0], unsupported[1]);
    if (i > 0 && FIRST_ONLY[name] !== undefined && !nested)
      fail(FIRST_ONLY[name]!, `${name} is only valid as the first stage in a pipeline`);
    if (i > 0 && name === '$match' && isPlainObject(arg) && hasText(arg))
      fail(17313, '$match with $text is only allowed as the first pipeline stage');
    if (name === '$facet' && isPlainObject(arg))
      for (const sub of Object.values(arg)) if (Array.isArray(sub)) checkStages(sub, true);
    if ((name === '$lookup' || name === '$unionWith') && isPlainObject(arg) && Array.isArray(arg.pipeline))
      checkStages(arg.pipeline, true);
  });
}

function hasText(filter: Doc): boolean {
  if ('$text' in filter) return true;
  return Array.isArray(filter.$and) && filter.$and.some((c) => isPlainObject(c) && hasText(c));
}

/** The outcome of running a pipeline: documents, the access path of its source, whether compiled. */
export interface PipelineRun {
  docs: Doc[];
  fast: boolean;
  /** The stages after the one that read the collection (for explain's `$cursor` shape). */
  rest: Doc[];
  /** The stages the collection read absorbed (a leading $match / $geoNear). */
  absorbed: Doc[];
}

/**
 * Runs stages over a collection: a leading `$geoNear` or `$match` (with `$text`) reads through the
 * planner and indexes, the rest runs compiled or through mingo.
 */
export function runOnCollection(
  core: Core,
  db: string,
  coll: Collection | undefined,
  stages: Doc[],
  env: PipelineEnv & { hint?: unknown },
): PipelineRun {
  const first = stages[0];
  let input: Iterable<Doc>;
  let rest = stages;
  let absorbed: Doc[] = [];
  const wholeFast = env.hint === undefined ? fastPipeline(stages, env) : undefined;
  if (first && isPlainObject(first.$geoNear)) {
    input = geoNearStage(core, coll, first.$geoNear, env);
    rest = stages.slice(1);
    absorbed = [first];
  } else if (first && isPlainObject(first.$match)) {
    const filter = first.$match;
    const stats = { keysExamined: 0, docsExamined: 0 };
    const access =
      coll && !hasText(filter)
        ? planAccess(coll, view(filter), stats, undefined, undefined, undefined, wholeFast !== undefined)
        : undefined;
    if (coll && wholeFast && access) {
      // An index whose ranges hold most of the collection is slower to walk than the collection's own order.
      const wide = access.estimate !== undefined && access.estimate > coll.docs.size / 3;
      if (access.info.stage === 'COLLSCAN' || wide) return fastOver(core, coll, stages, env);
      // A range of more than a 64th of a collection that keeps value columns: passes over the columns read
      // less memory than the range's documents, scattered as they are (one member's records of a whole form).
      if (access.estimate !== undefined && access.estimate > coll.docs.size / 64) {
        const byColumns = columnsOver(core, coll, stages, env, false);
        if (byColumns) return byColumns;
      }
      const ranged = rangeOver(core, coll, access, stats, first, stages.slice(1), env);
      if (ranged) return ranged;
    }
    const scores = new Map<Doc, number>();
    const docs = select(core, coll, {
      filter,
      hint: env.hint,
      collation: env.collation,
      variables: env.variables,
      scores,
    });
    input = scores.size ? docs.map((d) => withScore(d, scores.get(d) ?? 0)) : docs;
    rest = stages.slice(1);
    absorbed = [first];
  } else {
    if (coll && wholeFast) return fastOver(core, coll, stages, env);
    input = select(core, coll, { hint: env.hint });
  }
  const { docs, fast } = runPipeline(core, db, input, rest, env);
  return { docs: stripMeta(docs), fast, rest, absorbed };
}

function withScore(d: Doc, score: number): Doc {
  const out: Doc = {};
  for (const k of Object.keys(d)) setField(out, k, d[k]);
  out[TEXT_SCORE] = score;
  return out;
}

/** The compiled pipeline scanning the collection itself, `$match` included. */
function fastOver(core: Core, coll: Collection, stages: Doc[], env: PipelineEnv): PipelineRun {
  const byColumns = columnsOver(core, coll, stages, env, true);
  if (byColumns) return byColumns;
  core.lastPlan = scanPlan(coll);
  const { docs, fast } = runPipeline(core, coll.db, documentsOf(coll), stages, env);
  return { docs: stripMeta(docs), fast, rest: stages, absorbed: [] };
}

/** The plan explain shows for a scan of the whole collection (its documents or its value columns). */
function scanPlan(coll: Collection): Core['lastPlan'] {
  return {
    stage: 'COLLSCAN',
    sortProvided: false,
    keysExamined: 0,
    docsExamined: coll.docs.size,
    nReturned: 0,
  };
}

/** The pipeline answered from the collection's value columns ({@link overColumns}), or undefined. */
function columnsOver(
  core: Core,
  coll: Collection,
  stages: Doc[],
  env: PipelineEnv,
  scan: boolean,
): PipelineRun | undefined {
  const docs = overColumns(core, coll, stages, env, scan);
  if (!docs) return undefined;
  core.lastPlan = scanPlan(coll);
  return { docs: stripMeta(docs), fast: true, rest: stages, absorbed: [] };
}

/** A collection's documents, re-iterable (not a one-shot iterator) so a mingo fallback can start over. */
function documentsOf(coll: Collection): Iterable<Doc> {
  return { [Symbol.iterator]: () => coll.docs.values() };
}

/**
 * A scan answered from the collection's value columns (column-scan.ts): `$match` + `$group` (then any
 * stages, over the groups), or a `$facet` (after an optional `$match`) whose sub-pipelines start so — those
 * the columns cannot answer run together over the documents, as they would without columns, when `scan`
 * (the alternative is a scan of the collection; otherwise an index range, which then answers them all).
 * Undefined when the collection keeps no columns (too small) or the pipeline or its data leave their subset.
 */
function overColumns(
  core: Core,
  coll: Collection,
  stages: Doc[],
  env: PipelineEnv,
  scan: boolean,
): Doc[] | undefined {
  const set = coll.columns();
  if (!set) return undefined;
  const n = coll.docs.size;
  const [first] = stages;
  const lead = first && isPlainObject(first.$match) ? first.$match : undefined;
  const at = lead ? 1 : 0;
  /** The column plan of `sub` from its `$group` at `from` (after `match`), or undefined. */
  const planOf = (match: Doc | undefined, sub: Doc[], from: number): ColumnPlan | undefined => {
    const group = sub[from]?.$group;
    return isPlainObject(group) ? compileColumnPlan(match, group) : undefined;
  };
  const grouped = (plan: ColumnPlan | undefined, sub: Doc[], from: number): Doc[] | undefined => {
    const groups = plan && runColumnPlan(plan, set, n);
    if (!groups) return undefined;
    loopStats.columns += 1;
    return runPipeline(core, coll.db, groups, sub.slice(from + 1), env).docs;
  };
  const facet = stages[at]?.$facet;
  if (!isPlainObject(facet)) return grouped(planOf(lead, stages, at), stages, at);
  const plans = new Map<string, { plan: ColumnPlan | undefined; sub: Doc[]; from: number }>();
  for (const [name, sub] of Object.entries(facet)) {
    if (!Array.isArray(sub)) return undefined;
    const own = isPlainObject(sub[0]?.$match) ? (sub[0].$match as Doc) : undefined;
    const matches = [lead, own].filter((m): m is Doc => m !== undefined && Object.keys(m).length > 0);
    const match = matches.length > 1 ? { $and: matches } : matches[0];
    const from = own ? 1 : 0;
    plans.set(name, { plan: planOf(match, sub as Doc[], from), sub: sub as Doc[], from });
  }
  if (!scan && [...plans.values()].some(({ plan }) => !plan)) return undefined;
  // Every column the sub-pipelines read, built in one pass.
  set.build([...plans.values()].flatMap(({ plan }) => plan?.paths ?? []));
  const answers = new Map<string, Doc[]>();
  const left: Doc = {};
  for (const [name, { plan, sub, from }] of plans) {
    const answer = grouped(plan, sub, from);
    if (answer) answers.set(name, answer);
    else left[name] = sub;
  }
  if (answers.size === 0 || (!scan && Object.keys(left).length > 0)) return undefined;
  const others =
    Object.keys(left).length > 0
      ? runPipeline(core, coll.db, documentsOf(coll), [...stages.slice(0, at), { $facet: left }], env).docs[0]
      : undefined;
  const out: Doc = {};
  for (const name of Object.keys(facet)) out[name] = answers.get(name) ?? others?.[name];
  return runPipeline(core, coll.db, [out], stages.slice(at + 1), env).docs;
}

/**
 * A leading `$match` that a narrow index bounds: the index range is read at once, and the rest of the
 * match (what the bounds do not already guarantee) with the stages after it runs as one compiled loop.
 * Undefined when the remaining stages do not compile (the general path then reads the range itself).
 */
function rangeOver(
  core: Core,
  coll: Collection,
  access: Access,
  stats: ExecStats,
  first: Doc,
  after: Doc[],
  env: PipelineEnv,
): PipelineRun | undefined {
  if (!access.residual) return undefined;
  const rest = [
    ...(Object.keys(access.residual).length > 0 ? [{ $match: unview(access.residual) }] : []),
    ...after,
  ];
  if (!fastPipeline(rest, env)) return undefined;
  const { docs, fast } = runPipeline(core, coll.db, access.docs, rest, env);
  // The range is read while the pipeline runs: its counts are known afterwards.
  core.lastPlan = { ...access.info, ...stats, nReturned: stats.docsExamined };
  return { docs: stripMeta(docs), fast, rest: after, absorbed: [first] };
}

/** The documents a database-level aggregate (`aggregate: 1`) starts from. */
function dbLevelSource(db: string, first: Doc | undefined, ctx: CommandContext): Doc[] {
  const [name, arg] = first ? Object.entries(first)[0]! : ['', undefined];
  switch (name) {
    case '$documents':
      if (!Array.isArray(arg)) fail(5858203, 'error during aggregation :: caused by :: an array is expected');
      return arg.map((d) => normalize(d) as Doc);
    case '$currentOp': {
      if (db !== 'admin') fail(73, "$currentOp must be run against the 'admin' database with {aggregate: 1}");
      const spec = isPlainObject(arg) ? arg : {};
      return (
        ctx.server?.currentOps({
          idleConnections: flag(spec.idleConnections),
          allUsers: spec.allUsers !== false,
        }) ?? []
      );
    }
    case '$listLocalSessions': {
      const spec = isPlainObject(arg) ? arg : {};
      return ctx.server?.localSessions({ allUsers: flag(spec.allUsers) }) ?? [];
    }
    default:
      fail(73, `{aggregate: 1} is not valid for '${name}'; a collection is required.`);
  }
}

/** `aggregate`: cursor replies; views resolved; $out / $merge write through the journaled path. */
export async function aggregate(
  core: Core,
  db: string,
  cmd: Doc,
  ctx: CommandContext,
  verbosity?: Verbosity,
): Promise<Doc> {
  const target = cmd.aggregate;
  if (!Array.isArray(cmd.pipeline)) fail(14, "'pipeline' option must be specified as an array");
  if (typeof target !== 'string' && num(target, 0) !== 1) fail(2, 'aggregate must name a collection');
  const pipeline = normalize(cmd.pipeline) as Doc[];
  checkStages(pipeline);
  const explain = verbosity ?? (cmd.explain === true ? 'queryPlanner' : undefined);
  if (!explain && !isPlainObject(cmd.cursor))
    fail(9, "The 'cursor' option is required, except for aggregate with the explain argument");
  let stages = pipeline;
  const last = stages[stages.length - 1];
  const writeStage = last && ('$out' in last || '$merge' in last) ? last : undefined;
  if (writeStage) stages = stages.slice(0, -1);
  const variables = letVariables(cmd);
  let run: PipelineRun;
  let ns: string;
  let coll: Collection | undefined;
  if (typeof target === 'string') {
    checkCollName(db, target);
    const source = viewSource(core, db, target);
    coll = source.coll;
    const collation = source.view ? viewCollation(source, cmd.collation) : collationFor(coll, cmd.collation);
    run = runOnCollection(core, db, coll, [...source.pipeline, ...stages], {
      collation,
      variables,
      hint: cmd.hint,
    });
    ns = `${db}.${target}`;
  } else {
    const input = dbLevelSource(db, stages[0], ctx);
    const collation = collationFor(undefined, cmd.collation);
    const { docs, fast } = runPipeline(core, db, input, stages.slice(1), { collation, variables });
    run = { docs, fast, rest: stages.slice(1), absorbed: stages.slice(0, 1) };
    ns = `${db}.$cmd.aggregate`;
    core.lastPlan = undefined;
  }
  if (explain) return explainAggregate(core, ns, coll, cmd, run, explain);
  if (writeStage) {
    await writeOut(core, db, writeStage, run.docs, flag(cmd.bypassDocumentValidation));
    return core.cursorReply(ns, [], -1, true, ctx.connectionId);
  }
  const cursor = cmd.cursor as Doc;
  const batchSize = cursor.batchSize === undefined ? 101 : num(cursor.batchSize, 101);
  return core.cursorReply(ns, run.docs, batchSize, false, ctx.connectionId);
}
