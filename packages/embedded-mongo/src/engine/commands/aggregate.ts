import { fail } from '../../errors.js';
import { Collection, duplicateKey } from '../collection.js';
import { type Core, checkCollation, checkCollName } from '../core.js';
import { select } from '../exec.js';
import { compileFastPipeline, Fallback } from '../fast-agg.js';
import { Index } from '../index-tree.js';
import { mongoAggregator } from '../mingo-ext.js';
import { planAccess } from '../planner.js';
import { mingoCall } from '../query.js';
import type { CommandContext } from '../types.js';
import { applyPipeline } from '../update.js';
import { type Doc, isPlainObject, normalize, num, unview, view } from '../values.js';
import { insertOne, prepareInsert } from './write.js';

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

/** Checks every stage's shape and name (also inside $facet, $lookup and $unionWith pipelines). */
export function checkStages(pipeline: unknown[]): void {
  for (const st of pipeline) {
    if (!isPlainObject(st) || Object.keys(st).length !== 1)
      fail(40323, 'A pipeline stage specification object must contain exactly one field.');
    const [name, arg] = Object.entries(st)[0]!;
    if (!KNOWN_STAGES.has(name)) fail(40324, `Unrecognized pipeline stage name: '${name}'`);
    if (name === '$facet' && isPlainObject(arg))
      for (const sub of Object.values(arg)) if (Array.isArray(sub)) checkStages(sub);
    if ((name === '$lookup' || name === '$unionWith') && isPlainObject(arg) && Array.isArray(arg.pipeline))
      checkStages(arg.pipeline);
  }
}

/** Splits a leading `$match` off so it can use an index. */
function leadingMatch(pipeline: Doc[]): { filter: Doc | undefined; rest: Doc[] } {
  const first = pipeline[0];
  if (first && isPlainObject(first.$match) && Object.keys(first).length === 1) {
    return { filter: first.$match, rest: pipeline.slice(1) };
  }
  return { filter: undefined, rest: pipeline };
}

/** Runs a pipeline over stored documents: compiled fast path when possible, mingo otherwise. */
export function runPipeline(
  core: Core,
  db: string,
  input: Iterable<Doc>,
  pipeline: Doc[],
  variables?: Doc,
): { docs: Doc[]; fast: boolean } {
  // `let` variables are only understood by mingo.
  const fast = variables ? undefined : compileFastPipeline(pipeline);
  if (fast) {
    try {
      return { docs: fast(input), fast: true };
    } catch (e) {
      if (!(e instanceof Fallback)) throw e;
    }
  }
  const agg = mingoCall(() =>
    mongoAggregator(view(pipeline), {
      ...(variables ? { variables: view(variables) } : {}),
      collectionResolver: (name: string) => {
        const c = core.coll(db, name);
        return c ? [...c.docs.values()].map((d) => view(d)) : [];
      },
    }),
  );
  const out = mingoCall(() => agg.run(Array.from(input, (d) => view(d)))) as Doc[];
  return { docs: out.map((d) => unview(d)), fast: false };
}

/** `aggregate`: cursor replies; $out / $merge write through the journaled path. */
export async function aggregate(core: Core, db: string, cmd: Doc, ctx: CommandContext): Promise<Doc> {
  const target = cmd.aggregate;
  if (!Array.isArray(cmd.pipeline)) fail(14, "'pipeline' option must be specified as an array");
  checkCollation(cmd.collation);
  if (target !== 1 && typeof target !== 'string' && num(target, 0) !== 1)
    fail(2, 'aggregate must name a collection');
  const pipeline = normalize(cmd.pipeline) as Doc[];
  checkStages(pipeline);
  const explain = cmd.explain === true;
  if (!explain && !isPlainObject(cmd.cursor))
    fail(9, "The 'cursor' option is required, except for aggregate with the explain argument");
  let stages = pipeline;
  const last = stages[stages.length - 1];
  const writeStage = last && ('$out' in last || '$merge' in last) ? last : undefined;
  if (writeStage) stages = stages.slice(0, -1);
  let input: Iterable<Doc>;
  let rest: Doc[];
  const name = typeof target === 'string' ? target : undefined;
  if (name !== undefined) {
    checkCollName(db, name);
    const variables = isPlainObject(cmd.let) ? cmd.let : undefined;
    // With `let`, a leading $match may use $$variables: leave it to mingo.
    const lm = variables ? { filter: undefined, rest: stages } : leadingMatch(stages);
    const coll = core.coll(db, name);
    const stats = { keysExamined: 0, docsExamined: 0 };
    const access = coll && lm.filter ? planAccess(coll, view(lm.filter), stats) : undefined;
    if (
      coll &&
      cmd.hint === undefined &&
      (!access || access.info.stage === 'COLLSCAN') &&
      compileFastPipeline(stages)
    ) {
      // No index applies: the compiled pipeline scans the collection itself, $match included.
      // Re-iterable (not a one-shot iterator) so a mingo fallback can start over.
      input = { [Symbol.iterator]: () => coll.docs.values() };
      rest = stages;
      core.lastPlan = {
        stage: 'COLLSCAN',
        sortProvided: false,
        keysExamined: 0,
        docsExamined: coll.docs.size,
        nReturned: 0,
      };
    } else {
      input = select(core, coll, { filter: lm.filter, hint: cmd.hint });
      rest = lm.rest;
    }
  } else {
    const first = stages[0];
    if (!first || !Array.isArray(first.$documents))
      fail(238, 'database-level aggregate supports only a leading $documents stage in the embedded store');
    input = (first.$documents as unknown[]).map((d) => d as Doc);
    rest = stages.slice(1);
  }
  const plan = core.lastPlan;
  const { docs, fast } = runPipeline(
    core,
    db,
    input,
    rest,
    isPlainObject(cmd.let) ? (normalize(cmd.let) as Doc) : undefined,
  );
  if (explain) {
    return {
      explainVersion: '1',
      queryPlanner: { winningPlan: plan ?? { stage: 'COLLSCAN' }, fastPath: fast },
      ok: 1,
    };
  }
  if (writeStage) {
    await writeOut(core, db, writeStage, docs);
    return core.cursorReply(`${db}.${name ?? '$cmd.aggregate'}`, [], -1, true, ctx.connectionId);
  }
  const cursor = cmd.cursor as Doc;
  const batchSize = cursor.batchSize === undefined ? 101 : num(cursor.batchSize, 101);
  return core.cursorReply(`${db}.${name ?? '$cmd.aggregate'}`, docs, batchSize, false, ctx.connectionId);
}

function targetOf(db: string, spec: unknown): [string, string] {
  if (typeof spec === 'string') return [db, spec];
  if (isPlainObject(spec)) {
    const into = spec.into ?? spec.coll;
    if (typeof into === 'string') return [typeof spec.db === 'string' ? spec.db : db, into];
    if (isPlainObject(into) && typeof into.coll === 'string')
      return [typeof into.db === 'string' ? into.db : db, into.coll];
  }
  fail(2, '$out/$merge requires a target collection');
}

/** `$out` replaces the target collection; `$merge` merges per document. One journal entry. */
async function writeOut(core: Core, db: string, stage: Doc, docs: Doc[]): Promise<void> {
  const isOut = '$out' in stage;
  const spec = isOut ? stage.$out : stage.$merge;
  const [tdb, tname] = targetOf(db, spec);
  checkCollName(tdb, tname);
  const tx = core.begin();
  try {
    if (isOut) {
      const old = core.coll(tdb, tname);
      const prepared = docs.map((d) => prepareInsert(normalize(d)));
      const specs = old ? [...old.indexes.values()].filter((i) => i.name !== '_id_').map((i) => i.spec) : [];
      const opts = old?.options ?? {};
      if (old) core.dropCollection(tx, old);
      const c = core.createCollection(tx, tdb, tname, opts);
      for (const s of specs) {
        c.addIndex(new Index(s));
        tx.log({ op: 'createIndex', db: tdb, coll: tname, spec: s }, () => {});
      }
      for (const d of prepared) insertOne(tx, c, d);
    } else {
      const m = isPlainObject(spec) ? spec : {};
      const on = m.on === undefined ? ['_id'] : Array.isArray(m.on) ? m.on.map(String) : [String(m.on)];
      const whenMatched = m.whenMatched ?? 'merge';
      const whenNotMatched = m.whenNotMatched ?? 'insert';
      const c = core.ensure(tx, tdb, tname);
      for (const raw of docs) {
        const d = normalize(raw) as Doc;
        const filter: Doc = {};
        for (const f of on) filter[f] = d[f] ?? null;
        const [hit] = select(core, c, { filter, limit: 1 });
        if (hit) {
          if (whenMatched === 'fail') {
            // mongod reports the clash as the duplicate key of the `on` fields' unique index.
            const ix =
              [...c.indexes.values()].find(
                (i) => i.fields.length === on.length && i.fields.every((f) => on.includes(f.path)),
              ) ?? c.indexes.get('_id_')!;
            throw duplicateKey(
              c,
              ix,
              ix.fields.map((f) => filter[f.path]),
            );
          }
          if (whenMatched === 'keepExisting') continue;
          let next: Doc;
          if (whenMatched === 'replace') next = { ...d, _id: hit._id };
          else if (whenMatched === 'merge') next = { ...hit, ...d, _id: hit._id };
          else if (Array.isArray(whenMatched)) {
            next = applyPipeline(hit, whenMatched as Doc[]);
          } else fail(2, `unsupported whenMatched: ${String(whenMatched)}`);
          tx.put(c, next);
        } else {
          if (whenNotMatched === 'discard') continue;
          if (whenNotMatched === 'fail')
            fail(13113, '$merge could not find a matching document in the target collection');
          const doc = prepareInsert(d);
          if (c.docs.has(Collection.idKey(doc))) tx.put(c, doc);
          else insertOne(tx, c, doc);
        }
      }
    }
  } catch (e) {
    tx.rollback();
    throw e;
  }
  await tx.commit();
}
