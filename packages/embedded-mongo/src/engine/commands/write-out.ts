import { fail } from '../../errors.js';
import { Collection, duplicateKey } from '../collection.js';
import { type Core, checkCollName } from '../core.js';
import { select } from '../exec.js';
import { Index } from '../index-tree.js';
import { applyPipeline } from '../update.js';
import { validateWrite } from '../validation.js';
import { type Doc, isPlainObject, normalize } from '../values.js';
import { refuseView } from '../views.js';
import { insertOne, prepareInsert } from './write.js';

/** The `[db, collection]` an `$out` / `$merge` writes to. */
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
export async function writeOut(
  core: Core,
  db: string,
  stage: Doc,
  docs: Doc[],
  bypass: boolean,
): Promise<void> {
  const isOut = '$out' in stage;
  const spec = isOut ? stage.$out : stage.$merge;
  const [tdb, tname] = targetOf(db, spec);
  checkCollName(tdb, tname);
  refuseView(core.coll(tdb, tname));
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
      for (const d of prepared) {
        validateWrite(c, d, undefined, bypass);
        insertOne(tx, c, d);
      }
    } else {
      const m = isPlainObject(spec) ? spec : {};
      const on = m.on === undefined ? ['_id'] : Array.isArray(m.on) ? m.on.map(String) : [String(m.on)];
      const whenMatched = m.whenMatched ?? 'merge';
      const whenNotMatched = m.whenNotMatched ?? 'insert';
      const c = core.ensure(tx, tdb, tname);
      for (const raw of docs) {
        const d = normalize(raw) as Doc;
        const filter: Doc = {};
        for (const f of on) filter[f] = Object.hasOwn(d, f) ? (d[f] ?? null) : null;
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
          validateWrite(c, normalize(next) as Doc, hit, bypass);
          tx.put(c, next);
        } else {
          if (whenNotMatched === 'discard') continue;
          if (whenNotMatched === 'fail')
            fail(13113, '$merge could not find a matching document in the target collection');
          const doc = prepareInsert(d);
          validateWrite(c, doc, undefined, bypass);
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
