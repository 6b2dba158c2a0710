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
import { keyValues } from './paths.js';
import { parseSort, sortDocs } from './sort.js';
import { bsonType, type Doc, isInt32, unview } from './values.js';

type Iter = ReturnType<typeof Lazy>;

/** `$sort` in BSON order (mingo sorts ObjectId after Date; MongoDB before). */
function $sort(coll: Iter, spec: Any, _options: Options): Iter {
  const parsed = parseSort(spec);
  return coll.transform((rows: Any[]) => Lazy(sortDocs(rows as Doc[], parsed)));
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

const TYPE_TESTS: Record<string, (v: unknown) => boolean> = {
  double: (v) => (typeof v === 'number' && !isInt32(v)) || bsonType(v) === 'Double',
  string: (v) => typeof v === 'string',
  object: (v) =>
    v !== null &&
    typeof v === 'object' &&
    !Array.isArray(v) &&
    bsonType(v) === undefined &&
    !(v instanceof Date) &&
    !(v instanceof RegExp),
  array: Array.isArray,
  binData: (v) => bsonType(v) === 'Binary',
  undefined: (v) => v === undefined,
  objectId: (v) => bsonType(v) === 'ObjectId',
  bool: (v) => typeof v === 'boolean',
  date: (v) => v instanceof Date,
  null: (v) => v === null,
  regex: (v) => v instanceof RegExp || bsonType(v) === 'BSONRegExp',
  int: (v) => (typeof v === 'number' && isInt32(v)) || bsonType(v) === 'Int32',
  timestamp: (v) => bsonType(v) === 'Timestamp',
  long: (v) => bsonType(v) === 'Long',
  decimal: (v) => bsonType(v) === 'Decimal128',
  minKey: (v) => bsonType(v) === 'MinKey',
  maxKey: (v) => bsonType(v) === 'MaxKey',
  number: (v) =>
    typeof v === 'number' || ['Long', 'Decimal128', 'Double', 'Int32'].includes(bsonType(v) ?? ''),
};
const TYPE_CODES: Record<number, string> = {
  1: 'double',
  2: 'string',
  3: 'object',
  4: 'array',
  5: 'binData',
  6: 'undefined',
  7: 'objectId',
  8: 'bool',
  9: 'date',
  10: 'null',
  11: 'regex',
  16: 'int',
  17: 'timestamp',
  18: 'long',
  19: 'decimal',
  [-1]: 'minKey',
  127: 'maxKey',
};

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
      (o, p) => (o !== null && typeof o === 'object' && !Array.isArray(o) ? (o as AnyObject)[p] : undefined),
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
  query: { ...queryOps, $type: queryType, $mod: queryMod } as never,
  window: { ...windowOps } as never,
});

/** A mingo Query over the MongoDB-faithful operator set. */
export function mongoQuery(criteria: AnyObject): Query {
  return new Query(criteria, {
    idKey: '_id',
    useStrictMode: true,
    scriptEnabled: false,
    context: MONGO_CONTEXT,
  } as Options);
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
