import os from 'node:os';
import { fail } from '../../errors.js';
import type { Collection } from '../collection.js';
import type { LastPlan } from '../core.js';
import { type Core, collArg, collationFor, letVariables } from '../core.js';
import { select } from '../exec.js';
import type { CommandContext } from '../types.js';
import { type Doc, isPlainObject, normalize, num } from '../values.js';
import { viewCollation, viewSource } from '../views.js';
import { aggregate, type PipelineRun } from './aggregate.js';

/** How much `explain` tells: the plan, its execution counters, or those of every candidate plan. */
export type Verbosity = 'queryPlanner' | 'executionStats' | 'allPlansExecution';

const VERBOSITIES = new Set<Verbosity>(['queryPlanner', 'executionStats', 'allPlansExecution']);

/** Stages that run inside the query layer, so an aggregate of only these explains like a find. */
const PUSHED_DOWN = new Set(['$match', '$sort', '$limit', '$skip', '$project', '$group', '$count']);

function serverInfo(): Doc {
  return { host: os.hostname(), port: 27017, version: '7.0.0', gitVersion: 'formloom-embedded-mongo' };
}

function indexStage(coll: Collection | undefined, plan: LastPlan): Doc {
  const ix = plan.indexName ? coll?.indexes.get(plan.indexName) : undefined;
  const stage: Doc = { stage: plan.stage };
  if (ix) {
    stage.keyPattern = ix.spec.key;
    stage.indexName = ix.name;
    stage.isMultiKey = ix.multikey;
    stage.isUnique = ix.unique;
    stage.isSparse = ix.sparse;
    stage.isPartial = ix.partial !== undefined;
    stage.indexVersion = 2;
    stage.direction = 'forward';
  }
  return stage;
}

/** The plan tree of a read: access stage, FETCH, SORT, SKIP, LIMIT, PROJECTION. */
function planTree(coll: Collection | undefined, plan: LastPlan, cmd: Doc): Doc {
  let tree = indexStage(coll, plan);
  if (plan.stage === 'IXSCAN') tree = { stage: 'FETCH', inputStage: tree };
  const sort = isPlainObject(cmd.sort) && Object.keys(cmd.sort).length ? cmd.sort : undefined;
  if (sort && !plan.sortProvided)
    tree = { stage: 'SORT', sortPattern: sort, memLimit: 104857600, type: 'simple', inputStage: tree };
  if (num(cmd.skip, 0) > 0) tree = { stage: 'SKIP', skipAmount: num(cmd.skip, 0), inputStage: tree };
  if (num(cmd.limit, 0) > 0)
    tree = { stage: 'LIMIT', limitAmount: Math.abs(num(cmd.limit, 0)), inputStage: tree };
  const projection = cmd.projection ?? cmd.fields;
  if (isPlainObject(projection) && Object.keys(projection).length)
    tree = { stage: 'PROJECTION_DEFAULT', transformBy: projection, inputStage: tree };
  return tree;
}

/** Adds per-stage execution counters to a plan tree (the counters of the whole run). */
function withCounters(tree: Doc, plan: LastPlan, nReturned: number): Doc {
  const out: Doc = {
    ...tree,
    nReturned,
    executionTimeMillisEstimate: 0,
    works: plan.keysExamined + plan.docsExamined + 1,
    advanced: nReturned,
  };
  if (tree.stage === 'IXSCAN' || tree.stage === 'IDHACK') out.keysExamined = plan.keysExamined;
  if (tree.stage === 'COLLSCAN' || tree.stage === 'FETCH' || tree.stage === 'IDHACK')
    out.docsExamined = plan.docsExamined;
  if (isPlainObject(tree.inputStage)) out.inputStage = withCounters(tree.inputStage, plan, nReturned);
  return out;
}

/** The `queryPlanner` (and per verbosity `executionStats`) sections of one read. */
function readSections(
  ns: string,
  coll: Collection | undefined,
  plan: LastPlan,
  cmd: Doc,
  filter: unknown,
  nReturned: number,
  verbosity: Verbosity,
): Doc {
  const winningPlan = planTree(coll, plan, cmd);
  const out: Doc = {
    queryPlanner: {
      namespace: ns,
      indexFilterSet: false,
      parsedQuery: isPlainObject(filter) ? filter : {},
      maxIndexedOrSolutionsReached: false,
      maxIndexedAndSolutionsReached: false,
      maxScansToExplodeReached: false,
      winningPlan,
      rejectedPlans: [],
    },
  };
  if (verbosity !== 'queryPlanner') {
    const stats: Doc = {
      executionSuccess: true,
      nReturned,
      executionTimeMillis: 0,
      totalKeysExamined: plan.keysExamined,
      totalDocsExamined: plan.docsExamined,
      executionStages: withCounters(winningPlan, plan, nReturned),
    };
    if (verbosity === 'allPlansExecution') stats.allPlansExecution = [];
    out.executionStats = stats;
  }
  return out;
}

/** Explain of an aggregate: find-like when the query layer runs it all, else `stages` with `$cursor`. */
export function explainAggregate(
  core: Core,
  ns: string,
  coll: Collection | undefined,
  cmd: Doc,
  run: PipelineRun,
  verbosity: Verbosity,
): Doc {
  const plan: LastPlan = core.lastPlan ?? {
    stage: 'EOF',
    sortProvided: false,
    keysExamined: 0,
    docsExamined: 0,
    nReturned: 0,
  };
  const filter = run.absorbed[0]?.$match ?? {};
  const common = { command: { ...cmd }, serverInfo: serverInfo(), ok: 1 };
  delete (common.command as Doc).explain;
  if (run.rest.every((st) => PUSHED_DOWN.has(Object.keys(st)[0]!))) {
    const sections = readSections(ns, coll, plan, {}, filter, run.docs.length, verbosity);
    // The embedded store's own diagnostic: whether the compiled fast path ran the pipeline.
    (sections.queryPlanner as Doc).fastPath = run.fast;
    return { explainVersion: '1', ...sections, ...common };
  }
  const cursor = readSections(ns, coll, plan, {}, filter, plan.nReturned, verbosity);
  (cursor.queryPlanner as Doc).fastPath = run.fast;
  const stages: Doc[] = [{ $cursor: cursor }];
  for (const st of run.rest) {
    const shown: Doc = { ...st };
    if (verbosity !== 'queryPlanner') {
      shown.nReturned = run.docs.length;
      shown.executionTimeMillisEstimate = 0;
    }
    stages.push(shown);
  }
  return { explainVersion: '1', stages, ...common };
}

/**
 * `explain` of find / count / distinct / update / delete / findAndModify / aggregate with mongod's
 * verbosities: `queryPlanner` (the chosen plan), `executionStats` (its counters) and
 * `allPlansExecution` (also the candidates, of which the store weighs only one).
 */
export async function explain(core: Core, db: string, cmd: Doc, ctx: CommandContext): Promise<Doc> {
  const inner = cmd.explain;
  if (!isPlainObject(inner)) fail(9, 'explain command requires a nested object');
  const verbosity = (cmd.verbosity ?? 'allPlansExecution') as Verbosity;
  if (!VERBOSITIES.has(verbosity))
    fail(2, `verbosity string must be one of {'queryPlanner', 'executionStats', 'allPlansExecution'}`);
  const verb = Object.keys(inner)[0]?.toLowerCase();
  if (verb === 'aggregate') return aggregate(core, db, { ...inner, $db: db }, ctx, verbosity);
  const readVerbs = ['find', 'count', 'distinct', 'findandmodify', 'update', 'delete'];
  if (!verb || !readVerbs.includes(verb)) fail(2, `Explain is not supported for command '${verb ?? ''}'`);
  const name = collArg(db, inner, Object.keys(inner)[0]!);
  const updates = Array.isArray(inner.updates) ? (inner.updates[0] as Doc | undefined) : undefined;
  const deletes = Array.isArray(inner.deletes) ? (inner.deletes[0] as Doc | undefined) : undefined;
  const filter = inner.filter ?? inner.query ?? updates?.q ?? deletes?.q;
  const source = viewSource(core, db, name);
  if (source.view && verb === 'find') {
    const pipeline: Doc[] = [];
    if (isPlainObject(filter)) pipeline.push({ $match: filter });
    if (isPlainObject(inner.sort)) pipeline.push({ $sort: inner.sort });
    if (num(inner.skip, 0) > 0) pipeline.push({ $skip: num(inner.skip, 0) });
    if (num(inner.limit, 0) > 0) pipeline.push({ $limit: Math.abs(num(inner.limit, 0)) });
    return aggregate(core, db, { aggregate: name, pipeline, cursor: {}, $db: db }, ctx, verbosity);
  }
  const coll = source.coll;
  const collation = source.view
    ? viewCollation(source, inner.collation)
    : collationFor(coll, inner.collation ?? updates?.collation ?? deletes?.collation);
  const docs = select(core, coll, {
    filter: isPlainObject(filter) ? (normalize(filter) as Doc) : undefined,
    sort: isPlainObject(inner.sort) ? (normalize(inner.sort) as Doc) : undefined,
    skip: num(inner.skip, 0),
    limit: Math.abs(num(inner.limit, 0)),
    hint: inner.hint ?? updates?.hint ?? deletes?.hint,
    collation,
    variables: letVariables(inner),
  });
  const plan = core.lastPlan!;
  return {
    explainVersion: '1',
    ...readSections(`${db}.${name}`, coll, plan, inner, filter, docs.length, verbosity),
    command: { ...inner, $db: db },
    serverInfo: serverInfo(),
    ok: 1,
  };
}
