import { calculateObjectSize, ObjectId } from 'bson';
import { fail, MongoCommandError } from '../../errors.js';
import { Collection, duplicateKey } from '../collection.js';
import { type Core, collArg, collationFor, letVariables, type Txn } from '../core.js';
import { select } from '../exec.js';
import { compileProjection } from '../projection.js';
import type { CommandContext } from '../types.js';
import { applyOperators, applyPipeline, applyReplacement, updateKind, upsertSeed } from '../update.js';
import { validateWrite } from '../validation.js';
import { bsonType, type Doc, flag, isPlainObject, normalize, num, setField } from '../values.js';
import { refuseView } from '../views.js';
import { bytesOf } from '../wire-bytes.js';

/** MongoDB's maximum BSON document size. */
export const MAX_DOC_BYTES = 16 * 1024 * 1024;
/** MongoDB's maximum number of operations in one write command. */
export const MAX_BATCH = 100_000;

function checkSize(doc: Doc): void {
  const size = calculateObjectSize(doc);
  if (size > MAX_DOC_BYTES)
    fail(
      10334,
      `BSONObj size: ${size} (0x${size.toString(16)}) is invalid. Size must be between 0 and 16793600(16MB) First element: _id: ${String(doc._id)}`,
    );
}

/** The first `$`-prefixed field name anywhere inside a document, if any. */
function dollarField(v: unknown): string | undefined {
  if (Array.isArray(v)) {
    for (const el of v) {
      const hit = dollarField(el);
      if (hit) return hit;
    }
    return undefined;
  }
  if (!isPlainObject(v)) return undefined;
  for (const [k, x] of Object.entries(v)) {
    if (k.startsWith('$')) return k;
    const hit = dollarField(x);
    if (hit) return hit;
  }
  return undefined;
}

/**
 * Storage checks of a document to insert. Since MongoDB 5.0 field names may start with `$` (the
 * top level included), but never inside `_id`, whose value also may not be an array, a regex or
 * undefined.
 */
function checkFieldNames(doc: Doc): void {
  const id = doc._id;
  if (Array.isArray(id)) fail(53, "The '_id' value cannot be of type array");
  if (id instanceof RegExp || bsonType(id) === 'BSONRegExp')
    fail(53, "The '_id' value cannot be of type regex");
  const dollar = dollarField(id);
  if (dollar !== undefined)
    fail(52, `_id fields may not contain '$'-prefixed fields: ${dollar} is not valid for storage.`);
}

/**
 * Bytes a document may gain on its way in: a generated `_id` (type, name, 12 bytes) and margin.
 * Normalising never makes one larger (wrappers become numbers of the same BSON type or stay).
 */
const ADDED_BYTES = 64;

/**
 * A document ready to insert: normalised, `_id` first (generated when absent). `sizeBound` is a size the
 * raw document cannot exceed (its wire message's): well under the limit, its exact size is not computed
 * (a pass over the whole document, ~9% of an insert's CPU).
 */
export function prepareInsert(raw: unknown, sizeBound?: number): Doc {
  if (!isPlainObject(raw)) fail(2, 'document to insert must be an object');
  const out: Doc = { _id: raw._id === undefined ? new ObjectId() : raw._id };
  // for-in over a plain object: no per-field entry arrays on the hot insert path.
  for (const k in raw) if (k !== '_id') setField(out, k, raw[k]);
  const doc = normalize(out) as Doc;
  checkFieldNames(doc);
  if (sizeBound === undefined || sizeBound + ADDED_BYTES > MAX_DOC_BYTES) checkSize(doc);
  return doc;
}

/**
 * The bytes a document to insert arrived in, when the stored document is exactly those bytes: the wire
 * kept them and `_id` comes first (prepareInsert puts it first; normalising changes no bytes).
 */
function sentAsStored(raw: unknown): Uint8Array | undefined {
  if (!isPlainObject(raw)) return undefined;
  const bytes = bytesOf(raw);
  if (!bytes) return undefined;
  for (const k in raw) return k === '_id' ? bytes : undefined;
  return undefined;
}

/**
 * Inserts a new document (from {@link prepareInsert}); a duplicate `_id` is an 11000 on `_id_`. `bytes`:
 * its BSON as sent, when it is stored exactly so ({@link sentAsStored}).
 */
export function insertOne(tx: Txn, c: Collection, doc: Doc, bytes?: Uint8Array): void {
  const id = Collection.idKey(doc);
  if (c.docs.has(id)) throw duplicateKey(c, c.indexes.get('_id_')!, [doc._id]);
  tx.put(c, doc, id, true, bytes);
  const limits = c.cappedLimits();
  if (limits) {
    // A capped collection drops its oldest documents (insertion order) to stay within its limits.
    while (c.docs.size > 1 && (c.docs.size > limits.max || c.cappedBytes > limits.size)) {
      const oldest = c.docs.keys().next().value as string;
      tx.remove(c, oldest);
    }
  }
}

function writeError(index: number, e: unknown): Doc {
  if (e instanceof MongoCommandError)
    return { index, code: e.code, codeName: e.codeName, errmsg: e.message, ...e.extra };
  return { index, code: 1, codeName: 'InternalError', errmsg: e instanceof Error ? e.message : String(e) };
}

function batchOf(cmd: Doc, key: string): unknown[] {
  const items = cmd[key];
  if (!Array.isArray(items)) fail(9, `BSON field '${key}' is missing or not an array`);
  if (items.length === 0 || items.length > MAX_BATCH) {
    fail(16, `Write batch sizes must be between 1 and ${MAX_BATCH}. Got ${items.length} operations.`);
  }
  return items;
}

/** `insert`: ordered/unordered, one writeError per failed document. */
export async function insert(core: Core, db: string, cmd: Doc, ctx?: CommandContext): Promise<Doc> {
  const name = collArg(db, cmd, 'insert');
  refuseView(core.coll(db, name));
  const docs = batchOf(cmd, 'documents');
  const ordered = cmd.ordered === undefined || flag(cmd.ordered);
  const tx = core.begin();
  const c = core.ensure(tx, db, name);
  const writeErrors: Doc[] = [];
  let n = 0;
  const bypass = flag(cmd.bypassDocumentValidation);
  for (let i = 0; i < docs.length; i++) {
    try {
      const doc = prepareInsert(docs[i], ctx?.messageBytes);
      validateWrite(c, doc, undefined, bypass);
      insertOne(tx, c, doc, sentAsStored(docs[i]));
      n++;
    } catch (e) {
      writeErrors.push(writeError(i, e));
      if (ordered) break;
    }
  }
  await tx.commit();
  const reply: Doc = { n, ok: 1 };
  if (writeErrors.length) reply.writeErrors = writeErrors;
  return reply;
}

/** Applies one update spec `u` to a document (kind-aware); `variables` are `let` constants. */
export function applyUpdate(
  doc: Doc,
  u: unknown,
  filter: Doc | undefined,
  arrayFilters: Doc[] | undefined,
  isInsert: boolean,
  variables?: Doc,
): Doc {
  const kind = updateKind(u);
  if (kind === 'replacement') return applyReplacement(doc, u as Doc);
  if (kind === 'pipeline') return applyPipeline(doc, u as Doc[], variables);
  const opts: { filter?: Doc; arrayFilters?: Doc[]; isInsert: boolean } = { isInsert };
  if (filter) opts.filter = filter;
  if (arrayFilters) opts.arrayFilters = arrayFilters;
  return applyOperators(doc, u as Doc, opts);
}

/** Builds the document an upsert inserts. */
export function buildUpsert(
  filter: Doc | undefined,
  u: unknown,
  arrayFilters: Doc[] | undefined,
  variables?: Doc,
): Doc {
  const kind = updateKind(u);
  let doc: Doc;
  if (kind === 'replacement') {
    const seed = upsertSeed(filter);
    doc = { ...(seed._id !== undefined ? { _id: seed._id } : {}), ...(u as Doc) };
  } else if (kind === 'pipeline') doc = applyPipeline(upsertSeed(filter), u as Doc[], variables);
  else doc = applyUpdate(upsertSeed(filter), u, filter, arrayFilters, true);
  return prepareInsert(doc);
}

interface UpdateOutcome {
  n: number;
  nModified: number;
  upsertedId?: unknown;
}

/** What applies to every statement of a write command: `let` and bypassDocumentValidation. */
export interface WriteEnv {
  bypass?: boolean;
  variables?: Doc | undefined;
}

/** Runs one update statement inside `tx`. */
export function updateStatement(
  core: Core,
  tx: Txn,
  db: string,
  name: string,
  spec: Doc,
  env: WriteEnv = {},
): UpdateOutcome {
  const bypass = env.bypass === true;
  const variables = env.variables;
  const filter = isPlainObject(spec.q)
    ? (normalize(spec.q) as Doc)
    : fail(9, "BSON field 'update.updates.q' is missing");
  if (spec.u === undefined) fail(9, "BSON field 'update.updates.u' is missing");
  const u = normalize(spec.u);
  const multi = flag(spec.multi);
  const kind = updateKind(u);
  if (multi && kind === 'replacement' && Object.keys(u as Doc).length > 0)
    fail(9, 'multi update is not supported for replacement-style update');
  const arrayFilters = Array.isArray(spec.arrayFilters) ? (normalize(spec.arrayFilters) as Doc[]) : undefined;
  const c = core.coll(db, name);
  const targets = select(core, c, {
    filter,
    collation: collationFor(c, spec.collation),
    variables,
    limit: multi ? 0 : 1,
    hint: spec.hint,
  });
  let nModified = 0;
  for (const doc of targets) {
    const next = applyUpdate(doc, u, filter, arrayFilters, false, variables);
    if (next !== doc) {
      checkSize(next);
      validateWrite(c!, next, doc, bypass);
      tx.put(c!, next);
      nModified++;
    }
  }
  if (targets.length === 0 && flag(spec.upsert)) {
    const doc = buildUpsert(filter, u, arrayFilters, variables);
    const into = core.ensure(tx, db, name);
    validateWrite(into, doc, undefined, bypass);
    insertOne(tx, into, doc);
    return { n: 1, nModified: 0, upsertedId: doc._id };
  }
  return { n: targets.length, nModified };
}

/** `update`: multi, upsert (with `upserted: [{ index, _id }]`), arrayFilters, pipelines. */
export async function update(core: Core, db: string, cmd: Doc): Promise<Doc> {
  const name = collArg(db, cmd, 'update');
  refuseView(core.coll(db, name));
  const specs = batchOf(cmd, 'updates');
  const ordered = cmd.ordered === undefined || flag(cmd.ordered);
  const env: WriteEnv = { bypass: flag(cmd.bypassDocumentValidation), variables: letVariables(cmd) };
  const tx = core.begin();
  const writeErrors: Doc[] = [];
  const upserted: Doc[] = [];
  let n = 0;
  let nModified = 0;
  for (let i = 0; i < specs.length; i++) {
    const spec = specs[i];
    try {
      if (!isPlainObject(spec)) fail(9, 'update statement must be an object');
      const r = updateStatement(core, tx, db, name, spec, env);
      n += r.n;
      nModified += r.nModified;
      if (r.upsertedId !== undefined) upserted.push({ index: i, _id: r.upsertedId });
    } catch (e) {
      writeErrors.push(writeError(i, e));
      if (ordered) break;
    }
  }
  await tx.commit();
  const reply: Doc = { n, nModified, ok: 1 };
  if (upserted.length) reply.upserted = upserted;
  if (writeErrors.length) reply.writeErrors = writeErrors;
  return reply;
}

/** `delete`: `limit: 1` deletes one match, `limit: 0` all. */
export async function remove(core: Core, db: string, cmd: Doc): Promise<Doc> {
  const name = collArg(db, cmd, 'delete');
  refuseView(core.coll(db, name));
  const specs = batchOf(cmd, 'deletes');
  const variables = letVariables(cmd);
  const ordered = cmd.ordered === undefined || flag(cmd.ordered);
  const tx = core.begin();
  const writeErrors: Doc[] = [];
  let n = 0;
  for (let i = 0; i < specs.length; i++) {
    const spec = specs[i];
    try {
      if (!isPlainObject(spec) || !isPlainObject(spec.q)) fail(9, "BSON field 'delete.deletes.q' is missing");
      const limit = num(spec.limit, 0);
      if (limit !== 0 && limit !== 1)
        fail(9, `The limit field in delete objects must be 0 or 1. Got ${limit}`);
      const c = core.coll(db, name);
      const targets = select(core, c, {
        filter: normalize(spec.q) as Doc,
        limit,
        hint: spec.hint,
        collation: collationFor(c, spec.collation),
        variables,
      });
      for (const d of targets) if (tx.remove(c!, Collection.idKey(d))) n++;
    } catch (e) {
      writeErrors.push(writeError(i, e));
      if (ordered) break;
    }
  }
  await tx.commit();
  const reply: Doc = { n, ok: 1 };
  if (writeErrors.length) reply.writeErrors = writeErrors;
  return reply;
}

/** `findAndModify`: query, sort, update | remove, new, upsert, fields; lastErrorObject. */
export async function findAndModify(core: Core, db: string, cmd: Doc): Promise<Doc> {
  const key = Object.keys(cmd)[0]!;
  const name = collArg(db, cmd, key);
  refuseView(core.coll(db, name));
  const query = isPlainObject(cmd.query) ? (normalize(cmd.query) as Doc) : {};
  const variables = letVariables(cmd);
  const sort = isPlainObject(cmd.sort) ? (normalize(cmd.sort) as Doc) : undefined;
  const isRemove = flag(cmd.remove);
  if (isRemove && cmd.update !== undefined) fail(9, 'Cannot specify both an update and remove=true');
  if (!isRemove && cmd.update === undefined) fail(9, 'Either an update or remove=true must be specified');
  if (isRemove && flag(cmd.upsert)) fail(9, 'Cannot specify both upsert=true and remove=true');
  const projector = compileProjection(isPlainObject(cmd.fields) ? normalize(cmd.fields) : undefined, query);
  const show = (d: Doc | undefined) => (d === undefined ? null : projector ? projector(d) : d);
  const tx = core.begin();
  const c = core.coll(db, name);
  const [target] = select(core, c, {
    filter: query,
    sort,
    limit: 1,
    hint: cmd.hint,
    collation: collationFor(c, cmd.collation),
    variables,
  });
  if (isRemove) {
    if (target) tx.remove(c!, Collection.idKey(target));
    await tx.commit();
    return { lastErrorObject: { n: target ? 1 : 0 }, value: show(target), ok: 1 };
  }
  const u = normalize(cmd.update);
  const arrayFilters = Array.isArray(cmd.arrayFilters) ? (normalize(cmd.arrayFilters) as Doc[]) : undefined;
  const returnNew = flag(cmd.new);
  const bypass = flag(cmd.bypassDocumentValidation);
  if (target) {
    const next = applyUpdate(target, u, query, arrayFilters, false, variables);
    if (next !== target) {
      checkSize(next);
      validateWrite(c!, next, target, bypass);
      tx.put(c!, next);
    }
    await tx.commit();
    return {
      lastErrorObject: { n: 1, updatedExisting: true },
      value: show(returnNew ? next : target),
      ok: 1,
    };
  }
  if (flag(cmd.upsert)) {
    const doc = buildUpsert(query, u, arrayFilters, variables);
    const into = core.ensure(tx, db, name);
    validateWrite(into, doc, undefined, bypass);
    insertOne(tx, into, doc);
    await tx.commit();
    return {
      lastErrorObject: { n: 1, updatedExisting: false, upserted: doc._id },
      value: returnNew ? show(doc) : null,
      ok: 1,
    };
  }
  return { lastErrorObject: { n: 0, updatedExisting: false }, value: null, ok: 1 };
}
