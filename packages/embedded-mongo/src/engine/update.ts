import { fail } from '../errors.js';
import { formatValue } from './collection.js';
import { compareBson } from './compare.js';
import { mongoAggregator } from './mingo-ext.js';
import { mingoCall } from './query.js';
import { Ctx } from './update-ctx.js';
import {
  bsonType,
  type Doc,
  evalView,
  isolate,
  isPlainObject,
  normalize,
  setField,
  unview,
  view,
} from './values.js';

/** Options of one update application. */
export interface UpdateOptions {
  /** The query that selected the document (for the positional `$`). */
  filter?: Doc;
  arrayFilters?: Doc[];
  /** True when the update builds an upserted document ($setOnInsert applies). */
  isInsert?: boolean;
}

const OPERATORS = new Set([
  '$set',
  '$unset',
  '$inc',
  '$mul',
  '$min',
  '$max',
  '$rename',
  '$currentDate',
  '$push',
  '$addToSet',
  '$pop',
  '$pull',
  '$pullAll',
  '$bit',
  '$setOnInsert',
]);

/** What kind of update document `u` is. */
export function updateKind(u: unknown): 'pipeline' | 'operators' | 'replacement' {
  if (Array.isArray(u)) return 'pipeline';
  if (!isPlainObject(u)) fail(9, 'Update argument must be either an object or an array');
  const keys = Object.keys(u);
  if (keys.length > 0 && keys[0]!.startsWith('$')) return 'operators';
  for (const k of keys)
    if (k.startsWith('$'))
      fail(
        2,
        `The dollar ($) prefixed field '${k}' in '${k}' is not allowed in the context of an update's replacement document.`,
      );
  return 'replacement';
}

/** Applies a replacement document, keeping `_id` (which must not change). */
export function applyReplacement(doc: Doc, repl: Doc): Doc {
  if (repl._id !== undefined && doc._id !== undefined && compareBson(view(repl._id), view(doc._id)) !== 0) {
    fail(
      66,
      `After applying the update, the (immutable) field '_id' was found to have been altered to _id: ${formatValue(repl._id)}`,
    );
  }
  const out: Doc = { _id: doc._id };
  for (const [k, v] of Object.entries(repl)) if (k !== '_id') setField(out, k, v);
  if (out._id === undefined) delete out._id;
  return out;
}

/** Applies an update pipeline through mingo (`let` variables available); `_id` must stay the same. */
export function applyPipeline(doc: Doc, pipeline: Doc[], variables?: Doc): Doc {
  const agg = mingoCall(() =>
    mongoAggregator(evalView(pipeline), variables ? { variables: evalView(variables) } : {}),
  );
  // A copy: mingo writes into nested objects in place, and `doc` is the stored version.
  const res = mingoCall(() => agg.run([evalView(isolate(doc))]))[0] as Doc | undefined;
  if (!res) fail(2, 'update pipeline produced no document');
  let out = normalize(restoreTypes(res, doc)) as Doc;
  // MongoDB keeps the original _id when a pipeline ($replaceWith / $project) drops it.
  if (out._id === undefined && doc._id !== undefined) out = { _id: doc._id, ...out };
  if (doc._id !== undefined && compareBson(view(out._id), view(doc._id)) !== 0) {
    fail(66, "Performing an update on the path '_id' would modify the immutable field '_id'");
  }
  return out;
}

/** Puts back the original wrapper values for fields a pipeline left equal (type fidelity). */
function restoreTypes(res: unknown, orig: unknown): unknown {
  if (isPlainObject(res) && isPlainObject(orig)) {
    const out: Doc = {};
    for (const [k, v] of Object.entries(res))
      setField(out, k, Object.hasOwn(orig, k) ? restoreTypes(v, orig[k]) : v);
    return out;
  }
  if (res !== null && typeof res === 'object' && unview(res) === orig) return orig;
  // A wrapper the pipeline passed through unchanged comes back as the number mingo computed with.
  if (typeof res === 'number' && bsonType(orig) !== undefined && compareBson(res, evalView(orig)) === 0)
    return orig;
  return res;
}

/**
 * Applies an operator update (`$set`, `$inc`, ...) to an immutable stored document and returns
 * the new document (the same object when nothing changed). MongoDB's rules win over mingo's:
 * errors instead of silent no-ops, `$setOnInsert`, several fields under one positional `$`.
 */
export function applyOperators(doc: Doc, update: Doc, opts: UpdateOptions): Doc {
  const ctx = new Ctx(doc, opts);
  const seen: string[][] = [];
  for (const [op, arg] of Object.entries(update)) {
    if (!OPERATORS.has(op)) {
      fail(
        9,
        `Unknown modifier: ${op}. Expected a valid update modifier or pipeline-style update specified as an array`,
      );
    }
    if (!isPlainObject(arg))
      fail(
        9,
        `Modifiers operate on fields but we found type ${typeof arg} instead. For example: {$mod: {<field>: ...}} not {${op}: ${formatValue(arg)}}`,
      );
    if (op === '$setOnInsert' && !opts.isInsert) continue;
    for (const [path, value] of Object.entries(arg)) {
      if (path === '') fail(56, 'An empty update path is not valid.');
      const parts = path.split('.');
      for (const s of seen)
        if (overlaps(s, parts))
          fail(40, `Updating the path '${path}' would create a conflict at '${s.join('.')}'`);
      seen.push(parts);
      if (op === '$rename') {
        if (typeof value !== 'string')
          fail(2, `The 'to' field for $rename must be a string: ${path}: ${formatValue(value)}`);
        const toParts = value.split('.');
        for (const s of seen)
          if (overlaps(s, toParts))
            fail(40, `Updating the path '${value}' would create a conflict at '${s.join('.')}'`);
        seen.push(toParts);
      }
      for (const concrete of ctx.expand(parts)) ctx.apply(op, concrete, value);
    }
  }
  ctx.checkArrayFilters();
  const out = ctx.changed ? (normalize(ctx.root) as Doc) : doc;
  if (doc._id !== undefined && ctx.changed && compareBson(view(out._id), view(doc._id)) !== 0) {
    fail(66, "Performing an update on the path '_id' would modify the immutable field '_id'");
  }
  return out;
}

function overlaps(a: string[], b: string[]): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return false;
    if (a[i] === '$' || a[i]!.startsWith('$[')) return false;
  }
  return true;
}

/**
 * The document an upsert starts from: the filter's equality conditions (dotted paths expanded),
 * as MongoDB seeds an upsert.
 */
export function upsertSeed(filter: Doc | undefined): Doc {
  const seed: Doc = {};
  const ctx = new Ctx(seed, {});
  const visit = (f: Doc) => {
    for (const [k, v] of Object.entries(f)) {
      if (k === '$and' && Array.isArray(v)) {
        for (const c of v) if (isPlainObject(c)) visit(c);
        continue;
      }
      if (k.startsWith('$')) continue;
      let val: unknown = v;
      if (isPlainObject(v)) {
        const keys = Object.keys(v);
        if (keys.length > 0 && keys[0]!.startsWith('$')) {
          if ('$eq' in v) val = v.$eq;
          else continue;
        }
      }
      if (val instanceof RegExp) continue;
      ctx.set(k.split('.'), val);
    }
  };
  if (filter) visit(filter);
  return ctx.root;
}
