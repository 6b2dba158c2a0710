import { Long } from 'bson';
import { fail } from '../../errors.js';
import { compareBson, valueKey } from '../compare.js';
import { type Core, collArg, collationFor, letVariables, takeBatch } from '../core.js';
import { select } from '../exec.js';
import { keyValues } from '../paths.js';
import { compileProjection } from '../projection.js';
import { compileMatcher } from '../query.js';
import { checkTailable, refill, tailOf } from '../tailable.js';
import type { CommandContext } from '../types.js';
import { type Doc, flag, isPlainObject, normalize, num, setField, view } from '../values.js';
import { isView, viewCollation, viewSource } from '../views.js';
import { aggregate, runOnCollection } from './aggregate.js';

function optDoc(cmd: Doc, key: string): Doc | undefined {
  const v = cmd[key];
  if (v === undefined || v === null) return undefined;
  if (!isPlainObject(v))
    fail(14, `BSON field '${key}' is the wrong type '${typeof v}', expected type 'object'`);
  return normalize(v) as Doc;
}

function nonNegative(cmd: Doc, key: string): number {
  const n = num(cmd[key], 0);
  if (n < 0) fail(2, `${key} value must be non-negative, but received: ${n}`);
  return Math.trunc(n);
}

/** Splits `{ field: { $meta: 'textScore' } }` entries off a projection. */
function metaFields(projection: Doc | undefined): { rest: Doc | undefined; score: string[] } {
  if (!projection) return { rest: undefined, score: [] };
  const rest: Doc = {};
  const score: string[] = [];
  for (const [k, v] of Object.entries(projection)) {
    if (isPlainObject(v) && '$meta' in v) {
      if (v.$meta !== 'textScore') fail(17308, `Unsupported $meta operator: ${String(v.$meta)}`);
      score.push(k);
    } else setField(rest, k, v);
  }
  return { rest: Object.keys(rest).length ? rest : undefined, score };
}

/** find on a view: the view's pipeline, then the find's filter, sort, skip, limit and projection. */
function findOnView(core: Core, db: string, name: string, cmd: Doc, ctx: CommandContext): Promise<Doc> {
  const pipeline: Doc[] = [];
  const filter = optDoc(cmd, 'filter');
  const sort = optDoc(cmd, 'sort');
  const projection = optDoc(cmd, 'projection');
  if (filter && Object.keys(filter).length) pipeline.push({ $match: filter });
  if (sort && Object.keys(sort).length) pipeline.push({ $sort: sort });
  if (num(cmd.skip, 0) > 0) pipeline.push({ $skip: num(cmd.skip, 0) });
  if (num(cmd.limit, 0) > 0) pipeline.push({ $limit: num(cmd.limit, 0) });
  if (projection && Object.keys(projection).length) pipeline.push({ $project: projection });
  const cursor: Doc = cmd.batchSize === undefined ? {} : { batchSize: cmd.batchSize };
  const agg: Doc = { aggregate: name, pipeline, cursor };
  for (const k of ['collation', 'let', 'hint']) if (cmd[k] !== undefined) agg[k] = cmd[k];
  return aggregate(core, db, agg, ctx);
}

/** `find`: filter, sort, projection, skip, limit, batchSize, singleBatch, tailable, collation, let. */
export async function find(core: Core, db: string, cmd: Doc, ctx: CommandContext): Promise<Doc> {
  const name = collArg(db, cmd, 'find');
  const coll = core.coll(db, name);
  if (isView(coll)) return findOnView(core, db, name, cmd, ctx);
  const collation = collationFor(coll, cmd.collation);
  const filter = optDoc(cmd, 'filter');
  const sort = optDoc(cmd, 'sort');
  checkTailable(coll, cmd, sort);
  const { rest: projection, score } = metaFields(optDoc(cmd, 'projection'));
  const projector = compileProjection(projection, filter);
  const skip = nonNegative(cmd, 'skip');
  let limit = num(cmd.limit, 0);
  let single = flag(cmd.singleBatch);
  // Legacy negative limit means "one batch of |limit|".
  if (limit < 0) {
    limit = -limit;
    single = true;
  }
  const batchSize = cmd.batchSize === undefined ? 101 : nonNegative(cmd, 'batchSize');
  const variables = letVariables(cmd);
  const scores = new Map<Doc, number>();
  const docs = select(core, coll, {
    filter,
    sort,
    skip,
    limit,
    hint: cmd.hint,
    collation,
    variables,
    scores,
  });
  if (score.length && !(filter && hasText(filter)))
    fail(40218, 'query requires text score metadata, but it is not available');
  const show = (d: Doc): Doc => {
    const out = projector ? projector(d) : d;
    if (score.length === 0) return out;
    const withScore: Doc = { ...out };
    for (const k of score) setField(withScore, k, scores.get(d) ?? 0);
    return withScore;
  };
  const out = projector || score.length ? docs.map(show) : docs;
  const ns = `${db}.${name}`;
  if (cmd.tailable === true && coll) {
    const match = filter && Object.keys(filter).length ? compileMatcher(filter, { collation }) : undefined;
    const tail = tailOf(coll, cmd, match, projector);
    return core.cursorReply(ns, out, batchSize, single, ctx.connectionId, tail);
  }
  if (cmd.batchSize === undefined && limit > 0)
    return core.cursorReply(ns, out, Math.min(limit, 101), single || limit <= 101, ctx.connectionId);
  return core.cursorReply(ns, out, batchSize, single, ctx.connectionId);
}

function hasText(filter: Doc): boolean {
  if ('$text' in filter) return true;
  return Array.isArray(filter.$and) && filter.$and.some((c) => isPlainObject(c) && hasText(c));
}

/** `getMore`: the next batch of an open cursor (CursorNotFound 43 when unknown or killed). */
export async function getMore(core: Core, db: string, cmd: Doc): Promise<Doc> {
  const raw = cmd.getMore;
  const id =
    raw instanceof Long
      ? raw
      : typeof raw === 'number'
        ? Long.fromNumber(raw)
        : typeof raw === 'bigint'
          ? Long.fromBigInt(raw)
          : num(raw, Number.NaN) >= 0
            ? Long.fromNumber(num(raw))
            : undefined;
  if (!id) fail(14, "Field 'getMore' must be of type long");
  const coll = cmd.collection;
  // listCollections cursors live on `db.$cmd.listCollections`, so `$` is allowed here.
  if (typeof coll !== 'string' || coll.length === 0)
    fail(2, "BSON field 'getMore.collection' is missing or not a string");
  const cur = core.cursors.get(id.toString());
  if (!cur) fail(43, `cursor id ${id.toString()} not found`);
  const ns = `${db}.${coll}`;
  if (cur.ns !== ns && !(cur.ns.startsWith(`${db}.$cmd`) && coll.startsWith('$cmd'))) {
    fail(13, `Requested getMore on namespace '${ns}', but cursor belongs to a different namespace ${cur.ns}`);
  }
  const n = num(cmd.batchSize, 0);
  const size = n > 0 ? n : -1;
  cur.lastUsed = Date.now();
  if (cur.tail && cur.pos >= cur.docs.length) {
    const alive = await refill(core, cur, cmd.maxTimeMS === undefined ? undefined : num(cmd.maxTimeMS, 1000));
    if (!alive) {
      core.cursors.delete(id.toString());
      return { cursor: { nextBatch: [], id: Long.ZERO, ns: cur.ns }, ok: 1 };
    }
  }
  const { batch, next } = takeBatch(cur.docs, cur.pos, size);
  cur.pos = next;
  cur.lastUsed = Date.now();
  let outId = cur.id;
  // A tailable cursor stays open at the end of its documents, waiting for more.
  if (next >= cur.docs.length && !cur.tail) {
    core.cursors.delete(id.toString());
    outId = Long.ZERO;
  }
  return { cursor: { nextBatch: batch, id: outId, ns: cur.ns }, ok: 1 };
}

/** `killCursors`. */
export function killCursors(core: Core, _db: string, cmd: Doc): Doc {
  // Cursors of listCollections live on `$cmd.listCollections`: only require a name here.
  if (typeof cmd.killCursors !== 'string' || cmd.killCursors.length === 0)
    fail(2, "BSON field 'killCursors' must be a collection name");
  const ids = cmd.cursors;
  if (!Array.isArray(ids)) fail(14, "Field 'cursors' must be an array of longs");
  const killed: Long[] = [];
  const notFound: Long[] = [];
  for (const raw of ids) {
    const id = raw instanceof Long ? raw : Long.fromValue(num(raw, 0));
    if (core.cursors.delete(id.toString())) killed.push(id);
    else notFound.push(id);
  }
  return { cursorsKilled: killed, cursorsNotFound: notFound, cursorsAlive: [], cursorsUnknown: [], ok: 1 };
}

/** `count` (estimatedDocumentCount and the legacy count): query, skip, limit. */
export function count(core: Core, db: string, cmd: Doc): Doc {
  const name = collArg(db, cmd, 'count');
  const query = optDoc(cmd, 'query');
  const skip = nonNegative(cmd, 'skip');
  const limit = Math.abs(num(cmd.limit, 0));
  const source = viewSource(core, db, name);
  const coll = source.coll;
  let n: number;
  if (source.view) {
    const collation = viewCollation(source, cmd.collation);
    const stages = [...source.pipeline, ...(query && Object.keys(query).length ? [{ $match: query }] : [])];
    n = runOnCollection(core, db, coll, stages, { collation }).docs.length;
  } else {
    const collation = collationFor(coll, cmd.collation);
    if (coll && (!query || Object.keys(query).length === 0) && cmd.hint === undefined) n = coll.docs.size;
    else n = select(core, coll, { filter: query, hint: cmd.hint, collation }).length;
  }
  n = Math.max(0, n - skip);
  if (limit > 0) n = Math.min(n, limit);
  return { n, ok: 1 };
}

/** `distinct`: distinct values of a key (array elements count separately, as in MongoDB). */
export function distinct(core: Core, db: string, cmd: Doc): Doc {
  const name = collArg(db, cmd, 'distinct');
  const key = cmd.key;
  if (typeof key !== 'string') fail(14, "BSON field 'distinct.key' is missing or not a string");
  const source = viewSource(core, db, name);
  const coll = source.coll;
  const query = optDoc(cmd, 'query');
  let collation = collationFor(coll, cmd.collation);
  let docs: Doc[];
  if (source.view) {
    collation = viewCollation(source, cmd.collation);
    const stages = [...source.pipeline, ...(query && Object.keys(query).length ? [{ $match: query }] : [])];
    docs = runOnCollection(core, db, coll, stages, { collation }).docs;
  } else docs = select(core, coll, { filter: query, hint: cmd.hint, collation });
  const parts = key.split('.');
  const seen = new Map<string, unknown>();
  for (const d of docs) {
    const state = { multi: false };
    const missing = parts.length > 0 && !hasPath(d, parts);
    if (missing) continue;
    for (const v of keyValues(d, parts, state)) {
      if (v === undefined) continue;
      const k = valueKey(view(v));
      if (!seen.has(k)) seen.set(k, v);
    }
  }
  const sorted = [...seen.values()].sort((a, b) => compareBson(view(a), view(b), collation));
  // Under a collation, values it deems equal ('a' and 'A' at strength 2) are one distinct value.
  const values = collation
    ? sorted.filter((v, i) => i === 0 || compareBson(view(v), view(sorted[i - 1]), collation) !== 0)
    : sorted;
  return { values, ok: 1 };
}

function hasPath(d: unknown, parts: string[]): boolean {
  let cur: unknown = d;
  for (let i = 0; i < parts.length; i++) {
    if (Array.isArray(cur)) return cur.some((el) => hasPath(el, parts.slice(i)));
    if (!isPlainObject(cur)) return false;
    if (!Object.hasOwn(cur, parts[i]!)) return false;
    cur = cur[parts[i]!];
  }
  return true;
}
