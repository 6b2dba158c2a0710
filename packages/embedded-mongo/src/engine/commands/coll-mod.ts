import { fail } from '../../errors.js';
import type { Collection } from '../collection.js';
import { type Core, collArg } from '../core.js';
import { Index } from '../index-tree.js';
import { checkValidatorOptions } from '../validation.js';
import { type Doc, isPlainObject, normalize, num, view } from '../values.js';
import { checkViewDefinition, isView } from '../views.js';

/** The index a collMod `index` option names, by `name` or `keyPattern`. */
function namedIndex(c: Collection, spec: Doc): Index {
  const byName = typeof spec.name === 'string' ? c.indexes.get(spec.name) : undefined;
  const want = isPlainObject(spec.keyPattern) ? JSON.stringify(view(spec.keyPattern)) : undefined;
  const byKey = want
    ? [...c.indexes.values()].find((i) => JSON.stringify(view(i.spec.key)) === want)
    : undefined;
  const ix = byName ?? byKey;
  if (!ix) fail(27, `cannot find index ${JSON.stringify(spec.name ?? spec.keyPattern)} for ns ${c.ns}`);
  return ix;
}

/**
 * `collMod`: a collection's validator, validationLevel and validationAction, an index's
 * expireAfterSeconds or hidden flag, or a view's viewOn and pipeline. Journaled as the new options.
 */
export async function collMod(core: Core, db: string, cmd: Doc): Promise<Doc> {
  const name = collArg(db, cmd, 'collMod');
  const c = core.coll(db, name);
  if (!c) fail(26, `ns does not exist: ${db}.${name}`);
  const reply: Doc = { ok: 1 };
  const options: Doc = { ...c.options };
  const tx = core.begin();
  if (isView(c)) {
    for (const k of ['validator', 'validationLevel', 'validationAction', 'index'])
      if (cmd[k] !== undefined) fail(166, `Namespace ${c.ns} is a view, not a collection`);
    if ((cmd.viewOn === undefined) !== (cmd.pipeline === undefined))
      fail(72, "Must specify both 'viewOn' and 'pipeline' when modifying a view");
    if (cmd.viewOn !== undefined) {
      checkViewDefinition(core, db, name, cmd.viewOn, cmd.pipeline);
      options.viewOn = cmd.viewOn;
      options.pipeline = normalize(cmd.pipeline);
    }
  } else {
    if (cmd.viewOn !== undefined || cmd.pipeline !== undefined)
      fail(72, `'viewOn' and 'pipeline' are only valid for views, and ${c.ns} is a collection`);
    checkValidatorOptions(cmd);
    for (const k of ['validator', 'validationLevel', 'validationAction'])
      if (cmd[k] !== undefined) options[k] = normalize(cmd[k]);
    if (cmd.index !== undefined) {
      if (!isPlainObject(cmd.index))
        fail(14, "BSON field 'collMod.index' is the wrong type, expected type 'object'");
      const ix = namedIndex(c, cmd.index);
      const spec: Doc = { ...ix.spec };
      if (cmd.index.expireAfterSeconds !== undefined) {
        if (ix.expireAfterSeconds === undefined) fail(72, 'no expireAfterSeconds field to update');
        reply.expireAfterSeconds_old = ix.expireAfterSeconds;
        reply.expireAfterSeconds_new = num(cmd.index.expireAfterSeconds, 0);
        spec.expireAfterSeconds = reply.expireAfterSeconds_new;
      }
      if (cmd.index.hidden !== undefined) {
        if (ix.name === '_id_') fail(72, 'cannot modify hidden field of the _id_ index');
        reply.hidden_old = ix.hidden;
        reply.hidden_new = cmd.index.hidden === true;
        if (reply.hidden_new) spec.hidden = true;
        else delete spec.hidden;
      }
      const next = new Index(spec);
      c.indexes.delete(ix.name);
      try {
        c.addIndex(next);
      } catch (e) {
        c.indexes.set(ix.name, ix);
        throw e;
      }
      tx.log({ op: 'dropIndex', db, coll: name, name: ix.name }, () => c.indexes.set(ix.name, ix));
      tx.log({ op: 'createIndex', db, coll: name, spec }, () => c.indexes.delete(ix.name));
    }
  }
  const previous = c.options;
  c.options = options;
  tx.log({ op: 'collMod', db, coll: name, options }, () => {
    c.options = previous;
  });
  await tx.commit();
  return reply;
}
