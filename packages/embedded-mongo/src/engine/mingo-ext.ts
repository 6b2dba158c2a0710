import { ObjectId } from 'bson';
import { Aggregator } from 'mingo/aggregator';
import { Context, evalExpr } from 'mingo/core';
import { Lazy } from 'mingo/lazy';
import * as accumulatorOps from 'mingo/operators/accumulator';
import * as expressionOps from 'mingo/operators/expression';
import { $toString, $type } from 'mingo/operators/expression';
import * as pipelineOps from 'mingo/operators/pipeline';
import * as projectionOps from 'mingo/operators/projection';
import * as queryOps from 'mingo/operators/query';
import * as windowOps from 'mingo/operators/window';
import { Query } from 'mingo/query';
import type { Any, AnyObject, Options } from 'mingo/types';
import { collatorOf, type StringCollator } from './collation.js';
import { compileSchema } from './json-schema.js';
import { keyValues } from './paths.js';
import { elemMatcher, QUERY_OPERATORS } from './query-ops.js';
import { parseSort, sortDocs } from './sort.js';
import { TYPE_CODES, TYPE_TESTS } from './type-tests.js';
import { bsonType, type Doc, unview } from './values.js';

type Iter = ReturnType<typeof Lazy>;

/** `$sort` in BSON order (mingo sorts ObjectId after Date; MongoDB before), under the collation. */
function $sort(coll: Iter, spec: Any, options: Options): Iter {
  const parsed = parseSort(spec);
  const collator = collatorOf((options as { collation?: unknown }).collation);
  return coll.transform((rows: Any[]) => Lazy(sortDocs(rows as Doc[], parsed, collator)));
}

/** `$toObjectId`, missing from mingo. */
function $toObjectId(obj: AnyObject, expr: Any, options: Options): Any {
  const v = evalExpr(obj, expr, options);
  if (v === null || v === undefined) return null;
  if (bsonType(v) === 'ObjectId') return v;
  if (typeof v === 'string' && /^[0-9a-fA-F]{24}$/.test(v)) return new ObjectId(v);
  throw new Error(`Failed to parse objectId '${String(v)}' in $convert with no onError value`);
}

/** `$toString` that also converts ObjectIds (mingo throws). */
function toStringExt(obj: AnyObject, expr: Any, options: Options): Any {
  const v = evalExpr(obj, expr, options);
  if (bsonType(v) === 'ObjectId') return (v as ObjectId).toHexString();
  return $toString(obj, expr, options);
}

/** `$type` knowing objectId and binData. */
function typeExt(obj: AnyObject, expr: Any, options: Options): Any {
  const v = evalExpr(obj, expr, options);
  const t = bsonType(v);
  if (t === 'ObjectId') return 'objectId';
  if (t === 'Binary') return 'binData';
  if (t === 'Decimal128') return 'decimal';
  if (t === 'Long') return 'long';
  return $type(obj, expr, options);
}

/** `$indexOfCP`, missing from mingo: index in code points. */
function $indexOfCP(obj: AnyObject, expr: Any, options: Options): Any {
  const args = evalExpr(obj, expr, options) as Any[];
  const [s, sub, start, end] = args as [unknown, unknown, number | undefined, number | undefined];
  if (s === null || s === undefined) return null;
  if (typeof s !== 'string' || typeof sub !== 'string') throw new Error('$indexOfCP requires strings');
  const cps = Array.from(s).slice(0, end ?? undefined);
  const needle = Array.from(sub);
  for (let i = start ?? 0; i + needle.length <= cps.length; i++) {
    if (needle.every((c, j) => cps[i + j] === c)) return i;
  }
  return -1;
}

/** Query `$type` with MongoDB's aliases and codes (mingo lacks objectId, binData, ...). */
function queryType(selector: string, value: Any, _options: Options): (obj: AnyObject) => boolean {
  const wanted = (Array.isArray(value) ? value : [value]).map((t) => {
    const name = typeof t === 'number' ? TYPE_CODES[t] : String(t);
    const test = name === undefined ? undefined : TYPE_TESTS[name];
    if (!test) throw new Error(`Unknown type name alias: ${String(t)}`);
    return { name, test };
  });
  const parts = selector.split('.');
  return (view) => {
    // Types are judged on the stored form: the evaluation view has turned Long/Double into numbers.
    const obj = unview(view);
    const state = { multi: false };
    const direct = parts.reduce<unknown>(
      (o, p) =>
        o !== null && typeof o === 'object' && !Array.isArray(o) && Object.hasOwn(o, p)
          ? (o as AnyObject)[p]
          : undefined,
      obj,
    );
    const candidates = Array.isArray(direct) ? [direct, ...direct] : keyValues(obj, parts, state);
    return wanted.some(({ name, test }) =>
      candidates.some((c) =>
        c === null && name !== 'null' ? false : c === undefined && name !== 'undefined' ? false : test(c),
      ),
    );
  };
}

/** Query `$jsonSchema`, MongoDB's dialect, judged on the stored document (BSON types kept). */
function $jsonSchema(_selector: string, schema: Any, _options: Options): (obj: AnyObject) => boolean {
  const check = compileSchema(schema);
  return (obj) => check(unview(obj)).length === 0;
}

/** Query `$mod`: only numbers match (mingo also matches null and missing, as null % n == 0). */
function queryMod(selector: string, value: Any, _options: Options): (obj: AnyObject) => boolean {
  if (!Array.isArray(value) || value.length !== 2)
    throw new Error('malformed mod, needs to be an array of 2 elements');
  const [d, r] = value.map(Number) as [number, number];
  if (d === 0) throw new Error('divisor cannot be 0');
  const parts = selector.split('.');
  return (obj) => {
    const state = { multi: false };
    return keyValues(obj, parts, state).some((v) => typeof v === 'number' && Math.trunc(v) % d === r);
  };
}

/**
 * `$bucket` rewritten as MongoDB defines it: `$group` on a `$switch` over the boundaries (lower
 * bound inclusive), then `$sort` by `_id`. mingo put boundary values in the wrong bucket.
 */
function $bucket(coll: Iter, spec: Any, options: Options): Iter {
  const s = spec as { groupBy: Any; boundaries: Any[]; default?: Any; output?: AnyObject };
  const b = s.boundaries;
  if (!Array.isArray(b) || b.length < 2)
    throw new Error("$bucket requires 'boundaries' with at least 2 values");
  const branches = b.slice(0, -1).map((lo, i) => ({
    case: { $and: [{ $gte: [s.groupBy, lo] }, { $lt: [s.groupBy, b[i + 1]] }] },
    // biome-ignore lint/suspicious/noThenProperty: `then` is MongoDB's $switch branch syntax.
    then: lo,
  }));
  const sw: AnyObject = { $switch: { branches } };
  if (s.default !== undefined) (sw.$switch as AnyObject).default = s.default;
  else (sw.$switch as AnyObject).default = { $literal: '__no_bucket__' };
  const group = { _id: sw, ...(s.output ?? { count: { $sum: 1 } }) };
  const g = (pipelineOps as unknown as Record<string, (c: Iter, e: Any, o: Options) => Iter>).$group!;
  return $sort(g(coll, group, options), { _id: 1 }, options).transform((rows: Any[]) => {
    if (rows.some((r) => (r as AnyObject)._id === '__no_bucket__')) {
      throw new Error('$bucket could not find a matching branch for an input, and no default was specified.');
    }
    return Lazy(rows);
  });
}

/**
 * mingo's operators with the ones that must answer as MongoDB does replaced. Built whole because
 * mingo's `Context.from` lets the first context win, so an override context cannot be layered on.
 */
const MONGO_CONTEXT = Context.init({
  accumulator: { ...accumulatorOps } as never,
  expression: { ...expressionOps, $toObjectId, $toString: toStringExt, $type: typeExt, $indexOfCP } as never,
  pipeline: { ...pipelineOps, $sort, $bucket } as never,
  projection: { ...projectionOps } as never,
  query: { ...queryOps, ...QUERY_OPERATORS, $type: queryType, $mod: queryMod, $jsonSchema } as never,
  window: { ...windowOps } as never,
});

/** What a query is evaluated with besides the document: the collation and `let` variables. */
export interface QueryEnv {
  collation?: StringCollator | undefined;
  variables?: AnyObject | undefined;
}

function queryOptions(env: QueryEnv): Options {
  return {
    idKey: '_id',
    useStrictMode: true,
    scriptEnabled: false,
    context: MONGO_CONTEXT,
    ...(env.collation ? { collation: env.collation } : {}),
    ...(env.variables ? { variables: env.variables } : {}),
  } as unknown as Options;
}

/** A mingo Query over the MongoDB-faithful operator set. */
export function mongoQuery(criteria: AnyObject, env: QueryEnv = {}): Query {
  return new Query(criteria, queryOptions(env));
}

/** MongoDB's `$elemMatch` test of one array element (evaluation view). */
export function elementMatcher(criteria: unknown, env: QueryEnv = {}): (el: unknown) => boolean {
  return elemMatcher(criteria, queryOptions(env));
}

/** A mingo Aggregator over the MongoDB-faithful operator set. */
export function mongoAggregator(pipeline: AnyObject[], options: Partial<Options> = {}): Aggregator {
  return new Aggregator(pipeline, {
    idKey: '_id',
    useStrictMode: true,
    ...options,
    scriptEnabled: false,
    context: MONGO_CONTEXT,
  } as Options);
}
