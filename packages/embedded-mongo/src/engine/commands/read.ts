import { Long } from 'bson';
import { fail } from '../../errors.js';
import { compareBson, valueKey } from '../compare.js';
import { type Core, checkCollation, collArg, takeBatch } from '../core.js';
import { select } from '../exec.js';
import { keyValues } from '../paths.js';
import { compileProjection } from '../projection.js';
import type { CommandContext } from '../types.js';
import { type Doc, flag, isPlainObject, normalize, num, view } from '../values.js';

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

/** `find`: filter, sort, projection, skip, limit, batchSize, singleBatch. */
export function find(core: Core, db: string, cmd: Doc, ctx: CommandContext): Doc {
  const name = collArg(db, cmd, 'find');
  checkCollation(cmd.collation);
  const filter = optDoc(cmd, 'filter');
  const sort = optDoc(cmd, 'sort');
  const projector = compileProjection(optDoc(cmd, 'projection'), filter);
  const skip = nonNegative(cmd, 'skip');
  let limit = num(cmd.limit, 0);
  let single = flag(cmd.singleBatch);
  // Legacy negative limit means "one batch of |limit|".
  if (limit < 0) {
    limit = -limit;
    single = true;
  }
  const batchSize = cmd.batchSize === undefined ? 101 : nonNegative(cmd, 'batchSize');
  const docs = select(core, core.coll(db, name), { filter, sort, skip, limit, hint: cmd.hint });
  const out = projector ? docs.map(projector) : docs;
  if (cmd.batchSize === undefined && limit > 0)
    return core.cursorReply(
      `${db}.${name}`,
      out,
      Math.min(limit, 101),
      single || limit <= 101,
      ctx.connectionId,
    );
  return core.cursorReply(`${db}.${name}`, out, batchSize, single, ctx.connectionId);
}

/** `getMore`: the next batch of an open cursor (CursorNotFound 43 when unknown or killed). */
export function getMore(core: Core, db: string, cmd: Doc): Doc {
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
  const { batch, next } = takeBatch(cur.docs, cur.pos, size);
  cur.pos = next;
  cur.lastUsed = Date.now();
  let outId = cur.id;
  if (next >= cur.docs.length) {
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
  checkCollation(cmd.collation);
  const query = optDoc(cmd, 'query');
  const skip = nonNegative(cmd, 'skip');
  const limit = Math.abs(num(cmd.limit, 0));
  const coll = core.coll(db, name);
  if (!coll) return { n: 0, ok: 1 };
  let n: number;
  if ((!query || Object.keys(query).length === 0) && cmd.hint === undefined) n = coll.docs.size;
  else n = select(core, coll, { filter: query, hint: cmd.hint }).length;
  n = Math.max(0, n - skip);
  if (limit > 0) n = Math.min(n, limit);
  return { n, ok: 1 };
}

/** `distinct`: distinct values of a key (array elements count separately, as in MongoDB). */
export function distinct(core: Core, db: string, cmd: Doc): Doc {
  const name = collArg(db, cmd, 'distinct');
  checkCollation(cmd.collation);
  const key = cmd.key;
  if (typeof key !== 'string') fail(14, "BSON field 'distinct.key' is missing or not a string");
  const docs = select(core, core.coll(db, name), { filter: optDoc(cmd, 'query'), hint: cmd.hint });
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
  const values = [...seen.values()].sort((a, b) => compareBson(view(a), view(b)));
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
