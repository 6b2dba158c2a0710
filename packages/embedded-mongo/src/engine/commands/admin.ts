import { calculateObjectSize } from 'bson';
import { fail } from '../../errors.js';
import { parseCollation } from '../collation.js';
import { Collection } from '../collection.js';
import { type Core, checkCollName, checkDbName, collArg } from '../core.js';
import { checkIndexSpec, defaultIndexName, Index } from '../index-tree.js';
import { mongoQuery } from '../mingo-ext.js';
import type { CommandContext } from '../types.js';
import { checkValidatorOptions } from '../validation.js';
import { type Doc, flag, isPlainObject, normalize, num, view } from '../values.js';
import { checkViewDefinition, isView, refuseView } from '../views.js';

const UNSUPPORTED_CREATE = ['timeseries', 'clusteredIndex', 'encryptedFields'];

/** Checks a capped collection's `size` and `max` as mongod does. */
function checkCapped(cmd: Doc): void {
  const capped = flag(cmd.capped);
  const size = cmd.size === undefined || cmd.size === null ? undefined : num(cmd.size);
  const max = cmd.max === undefined || cmd.max === null ? undefined : num(cmd.max);
  if (capped && !size) fail(72, "the 'size' field is required when 'capped' is true");
  if (!capped && (size || max))
    fail(72, "the 'capped' field needs to be true when either the 'size' or 'max' fields are present");
  if (size !== undefined && size < 1)
    fail(51024, `BSON field 'size' value must be >= 1, actual value '${size}'`);
}

/** `create`: NamespaceExists 48 when present. */
export async function create(core: Core, db: string, cmd: Doc): Promise<Doc> {
  const name = collArg(db, cmd, 'create');
  for (const k of UNSUPPORTED_CREATE)
    if (cmd[k] !== undefined) fail(238, `create with '${k}' is not supported by the embedded store`);
  const view = cmd.viewOn !== undefined;
  if (view) {
    checkViewDefinition(core, db, name, cmd.viewOn, cmd.pipeline);
    for (const k of ['capped', 'validator', 'size', 'max', 'indexOptionDefaults'])
      if (cmd[k] !== undefined) fail(72, `'${k}' is not supported for views`);
  } else if (cmd.pipeline !== undefined) fail(72, "'pipeline' requires 'viewOn' to also be specified");
  checkCapped(cmd);
  checkValidatorOptions(cmd);
  if (core.coll(db, name)) fail(48, `Collection ${db}.${name} already exists.`);
  const options: Doc = {};
  for (const [k, v] of Object.entries(cmd)) {
    if (['create', '$db', 'lsid', 'writeConcern', 'comment', '$clusterTime', '$readPreference'].includes(k))
      continue;
    options[k] = normalize(v);
  }
  // The collation as mongod reports it (every field filled in); a simple one is none.
  const collation = parseCollation(cmd.collation);
  if (collation) options.collation = collation.spec;
  else delete options.collation;
  if (view) options.pipeline ??= [];
  const tx = core.begin();
  core.createCollection(tx, db, name, options);
  await tx.commit();
  return { ok: 1 };
}

/** `drop`: NamespaceNotFound 26 when missing (the driver swallows it). */
export async function drop(core: Core, db: string, cmd: Doc): Promise<Doc> {
  const name = collArg(db, cmd, 'drop');
  const c = core.coll(db, name);
  if (!c) fail(26, 'ns not found');
  const tx = core.begin();
  core.dropCollection(tx, c);
  killCursorsOf(core, c.ns);
  await tx.commit();
  return { nIndexesWas: c.indexes.size, ns: c.ns, ok: 1 };
}

function killCursorsOf(core: Core, ns: string): void {
  for (const [k, cur] of core.cursors) if (cur.ns === ns) core.cursors.delete(k);
}

/** `dropDatabase`. */
export async function dropDatabase(core: Core, db: string): Promise<Doc> {
  checkDbName(db);
  const colls = core.dbs.get(db);
  if (!colls) return { ok: 1 };
  const tx = core.begin();
  for (const c of [...colls.values()]) {
    core.dropCollection(tx, c);
    killCursorsOf(core, c.ns);
  }
  // One dropDatabase op replaces the per-collection drops in the journal.
  tx.ops.length = 0;
  tx.ops.push({ op: 'dropDatabase', db });
  await tx.commit();
  return { dropped: db, ok: 1 };
}

function estimateSize(c: Collection): number {
  return c.approxSize((d) => calculateObjectSize(d));
}

/** `listDatabases`: filter, nameOnly. */
export function listDatabases(core: Core, _db: string, cmd: Doc): Doc {
  const nameOnly = flag(cmd.nameOnly);
  let dbs = [...core.dbs.entries()].map(([name, colls]) => {
    const size = [...colls.values()].reduce((s, c) => s + estimateSize(c), 0);
    return nameOnly ? { name } : { name, sizeOnDisk: size, empty: size === 0 };
  });
  if (isPlainObject(cmd.filter)) {
    const q = mongoQuery(view(normalize(cmd.filter)) as Doc);
    dbs = dbs.filter((d) => q.test(d));
  }
  const reply: Doc = { databases: dbs, ok: 1 };
  if (!nameOnly) reply.totalSize = dbs.reduce((s, d) => s + num((d as Doc).sizeOnDisk, 0), 0);
  return reply;
}

/** `listCollections`: filter, nameOnly; cursor ns `db.$cmd.listCollections`. */
export function listCollections(core: Core, db: string, cmd: Doc, ctx: CommandContext): Doc {
  checkDbName(db);
  const nameOnly = flag(cmd.nameOnly);
  let infos: Doc[] = [...(core.dbs.get(db)?.values() ?? [])].map((c) =>
    isView(c)
      ? { name: c.name, type: 'view', options: c.options, info: { readOnly: true } }
      : {
          name: c.name,
          type: 'collection',
          options: c.options,
          info: { readOnly: false },
          idIndex: c.indexes.get('_id_')!.spec,
        },
  );
  if (isPlainObject(cmd.filter) && Object.keys(cmd.filter).length > 0) {
    const q = mongoQuery(view(normalize(cmd.filter)) as Doc);
    infos = infos.filter((i) => q.test(view(i)));
  }
  if (nameOnly) infos = infos.map((i) => ({ name: i.name, type: i.type }));
  const cursor = isPlainObject(cmd.cursor) ? cmd.cursor : {};
  const batchSize = cursor.batchSize === undefined ? -1 : num(cursor.batchSize, -1);
  return core.cursorReply(`${db}.$cmd.listCollections`, infos, batchSize, false, ctx.connectionId);
}

function splitNs(ns: unknown): [string, string] {
  if (typeof ns !== 'string') fail(2, 'namespace must be a string');
  const i = ns.indexOf('.');
  if (i <= 0 || i === ns.length - 1) fail(73, `Invalid namespace specified '${ns}'`);
  return [ns.slice(0, i), ns.slice(i + 1)];
}

/** `renameCollection` (run against admin with full namespaces): dropTarget honoured. */
export async function renameCollection(core: Core, db: string, cmd: Doc): Promise<Doc> {
  if (db !== 'admin') fail(13, 'renameCollection may only be run against the admin database.');
  const [fromDb, from] = splitNs(cmd.renameCollection);
  const [toDb, to] = splitNs(cmd.to);
  checkCollName(toDb, to);
  const src = core.coll(fromDb, from);
  if (!src) fail(26, `Source collection ${fromDb}.${from} does not exist`);
  if (fromDb === toDb && from === to) fail(20, "Can't rename a collection to itself");
  const tx = core.begin();
  const target = core.coll(toDb, to);
  if (target) {
    if (!flag(cmd.dropTarget)) fail(48, 'target namespace exists');
    core.dropCollection(tx, target);
  }
  killCursorsOf(core, src.ns);
  core.dropCollection(tx, src);
  tx.ops.pop();
  const moved = core.createCollection(tx, toDb, to, src.options);
  tx.ops.pop();
  for (const ix of src.indexes.values()) if (ix.name !== '_id_') moved.addIndex(new Index(ix.spec));
  for (const d of src.docs.values()) moved.put(d);
  tx.ops.push({ op: 'renameCollection', db: fromDb, from, toDb, to });
  await tx.commit();
  return { ok: 1 };
}

/** `createIndexes`: validates specs, builds over existing documents, conflicts as MongoDB. */
export async function createIndexes(core: Core, db: string, cmd: Doc): Promise<Doc> {
  const name = collArg(db, cmd, 'createIndexes');
  refuseView(core.coll(db, name));
  if (!Array.isArray(cmd.indexes) || cmd.indexes.length === 0)
    fail(2, 'Must specify at least one index to create');
  const tx = core.begin();
  const existed = core.coll(db, name) !== undefined;
  const c = core.ensure(tx, db, name);
  const before = c.indexes.size;
  let created = 0;
  try {
    for (const raw of cmd.indexes) {
      const given = normalize(raw) as Doc;
      // An index without its own collation takes the collection's default, as on mongod.
      if (isPlainObject(given) && given.collation === undefined && isPlainObject(c.options.collation))
        given.collation = c.options.collation;
      const spec = checkIndexSpec(given);
      if (spec.name === undefined) spec.name = defaultIndexName(spec.key as Doc);
      const same = c.indexes.get(String(spec.name));
      if (same) {
        if (JSON.stringify(view(same.spec.key)) !== JSON.stringify(view(spec.key))) {
          fail(
            86,
            `An existing index has the same name as the requested index. When index names are not specified, they are auto generated and can cause conflicts. Please refer to our documentation. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(same.spec)}`,
          );
        }
        if (!sameOptions(same.spec, spec)) {
          fail(
            85,
            `An equivalent index already exists with the same name but different options. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(same.spec)}`,
          );
        }
        continue;
      }
      for (const ix of c.indexes.values()) {
        if (
          JSON.stringify(view(ix.spec.key)) === JSON.stringify(view(spec.key)) &&
          sameOptions(ix.spec, spec)
        ) {
          fail(85, `Index already exists with a different name: ${ix.name}`);
        }
      }
      const ix = new Index(spec);
      const text = [...c.indexes.values()].find((i) => i.kind === 'text');
      if (ix.kind === 'text' && text)
        fail(85, `only one text index per collection allowed, found existing text index "${text.name}"`);
      c.addIndex(ix);
      created++;
      tx.log({ op: 'createIndex', db, coll: name, spec }, () => c.indexes.delete(ix.name));
    }
  } catch (e) {
    await tx.commit();
    throw e;
  }
  await tx.commit();
  const reply: Doc = {
    numIndexesBefore: before,
    numIndexesAfter: c.indexes.size,
    createdCollectionAutomatically: !existed,
    ok: 1,
  };
  if (created === 0) reply.note = 'all indexes already exist';
  return reply;
}

function sameOptions(a: Doc, b: Doc): boolean {
  const pick = (s: Doc) =>
    JSON.stringify(
      view({
        unique: !!s.unique,
        sparse: !!s.sparse,
        pfe: s.partialFilterExpression ?? null,
        ttl: s.expireAfterSeconds ?? null,
        collation: s.collation ?? null,
        weights: s.weights ?? null,
      }),
    );
  return pick(a) === pick(b);
}

/** `listIndexes`: NamespaceNotFound 26 when the collection is missing. */
export function listIndexes(core: Core, db: string, cmd: Doc, ctx: CommandContext): Doc {
  const name = collArg(db, cmd, 'listIndexes');
  const c = core.coll(db, name);
  if (!c) fail(26, `ns does not exist: ${db}.${name}`);
  refuseView(c);
  const cursor = isPlainObject(cmd.cursor) ? cmd.cursor : {};
  const batchSize = cursor.batchSize === undefined ? -1 : num(cursor.batchSize, -1);
  return core.cursorReply(
    `${db}.${name}`,
    [...c.indexes.values()].map((i) => i.spec),
    batchSize,
    false,
    ctx.connectionId,
  );
}

/** `dropIndexes`: "*", a name, a key pattern or a list of names. */
export async function dropIndexes(core: Core, db: string, cmd: Doc): Promise<Doc> {
  const key = Object.keys(cmd)[0]!;
  const name = collArg(db, cmd, key);
  const c = core.coll(db, name);
  if (!c) fail(26, `ns not found ${db}.${name}`);
  refuseView(c);
  const was = c.indexes.size;
  const which = normalize(cmd.index);
  let names: string[];
  if (which === '*') names = [...c.indexes.keys()].filter((n) => n !== '_id_');
  else if (typeof which === 'string') names = [which];
  else if (Array.isArray(which)) names = which.map(String);
  else if (isPlainObject(which)) {
    const k = JSON.stringify(view(which));
    const hit = [...c.indexes.values()].find((i) => JSON.stringify(view(i.spec.key)) === k);
    if (!hit) fail(27, `can't find index with key: ${JSON.stringify(which)}`);
    names = [hit.name];
  } else fail(2, "BSON field 'index' must be a string, an object or an array");
  for (const n of names) {
    if (n === '_id_') fail(72, 'cannot drop _id index');
    if (!c.indexes.has(n)) fail(27, `index not found with name [${n}]`);
  }
  const tx = core.begin();
  for (const n of names) {
    const ix = c.indexes.get(n)!;
    c.indexes.delete(n);
    tx.log({ op: 'dropIndex', db, coll: name, name: n }, () => c.indexes.set(n, ix));
  }
  await tx.commit();
  return { nIndexesWas: was, ok: 1 };
}

function indexSize(c: Collection): Record<string, number> {
  const out: Record<string, number> = {};
  for (const ix of c.indexes.values()) out[ix.name] = ix.tree.size * (16 + 8 * ix.fields.length) + 4096;
  return out;
}

/** `dbStats`. */
export function dbStats(core: Core, db: string, cmd: Doc): Doc {
  checkDbName(db);
  const scale = Math.max(1, num(cmd.scale, 1));
  const all = [...(core.dbs.get(db)?.values() ?? [])];
  const colls = all.filter((c) => !isView(c));
  const objects = colls.reduce((s, c) => s + c.docs.size, 0);
  const dataSize = colls.reduce((s, c) => s + estimateSize(c), 0);
  const indexes = colls.reduce((s, c) => s + c.indexes.size, 0);
  const idx = colls.reduce((s, c) => s + Object.values(indexSize(c)).reduce((a, b) => a + b, 0), 0);
  return {
    db,
    collections: colls.length,
    views: all.length - colls.length,
    objects,
    avgObjSize: objects ? dataSize / objects : 0,
    dataSize: dataSize / scale,
    storageSize: dataSize / scale,
    indexes,
    indexSize: idx / scale,
    totalSize: (dataSize + idx) / scale,
    scaleFactor: scale,
    ok: 1,
  };
}

/** `collStats`: count, size, nindexes, totalIndexSize. */
export function collStats(core: Core, db: string, cmd: Doc): Doc {
  const name = collArg(db, cmd, 'collStats');
  const c = core.coll(db, name);
  if (!c) fail(26, `Collection [${db}.${name}] not found.`);
  refuseView(c);
  const scale = Math.max(1, num(cmd.scale, 1));
  const size = estimateSize(c);
  const sizes = indexSize(c);
  const total = Object.values(sizes).reduce((a, b) => a + b, 0);
  return {
    ns: c.ns,
    count: c.docs.size,
    size: size / scale,
    avgObjSize: c.docs.size ? Math.round(size / c.docs.size) : 0,
    storageSize: size / scale,
    capped: c.options.capped === true,
    ...(c.options.capped ? { max: num(c.options.max, 0), maxSize: c.cappedLimits()!.size / scale } : {}),
    nindexes: c.indexes.size,
    totalIndexSize: total / scale,
    indexSizes: Object.fromEntries(Object.entries(sizes).map(([k, v]) => [k, v / scale])),
    scaleFactor: scale,
    ok: 1,
  };
}

export { Collection };
