import { fail } from '../errors.js';
import { mongoQuery, type QueryEnv } from './mingo-ext.js';
import { bsonType, type Doc, isPlainObject, queryView, setField, typeName, view } from './values.js';

/** The refusal of server-side JavaScript ($where, $function, $accumulator). */
export const SCRIPT_REFUSAL =
  'server-side JavaScript ($where, $function, $accumulator) is not supported by the embedded store';

/** A compiled filter over stored documents. */
export type Matcher = (doc: Doc) => boolean;

export type { QueryEnv };

/** Runs mingo and turns its exceptions into BadValue errors, as MongoDB reports bad queries. */
export function mingoCall<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof Error && e.name === 'MongoCommandError') throw e;
    const message = e instanceof Error ? e.message : String(e);
    // mingo would run scripts unsandboxed in this process; they stay off, with a clear refusal.
    if (message.includes('scriptEnabled')) fail(2, SCRIPT_REFUSAL);
    fail(2, message);
  }
}

/** Operators a filter may use at its top level. */
const TOP_LEVEL = new Set([
  '$and',
  '$or',
  '$nor',
  '$expr',
  '$where',
  '$text',
  '$comment',
  '$jsonSchema',
  '$alwaysTrue',
  '$alwaysFalse',
  '$sampleRate',
]);

/** Operators a field condition may use. */
const FIELD_OPS = new Set([
  '$eq',
  '$ne',
  '$gt',
  '$gte',
  '$lt',
  '$lte',
  '$in',
  '$nin',
  '$exists',
  '$type',
  '$mod',
  '$regex',
  '$options',
  '$all',
  '$elemMatch',
  '$size',
  '$not',
  '$bitsAllSet',
  '$bitsAnySet',
  '$bitsAllClear',
  '$bitsAnyClear',
  '$near',
  '$nearSphere',
  '$geoWithin',
  '$within',
  '$geoIntersects',
  '$maxDistance',
  '$minDistance',
  '$comment',
]);

/** The fields of a DBRef document (`{ $ref, $id, $db }`), which compare as a literal. */
const DBREF_FIELDS = new Set(['$ref', '$id', '$db']);

function isRegex(v: unknown): boolean {
  return v instanceof RegExp || bsonType(v) === 'BSONRegExp';
}

function isOperatorObject(cond: unknown): cond is Doc {
  if (!isPlainObject(cond)) return false;
  const first = Object.keys(cond)[0];
  return first?.startsWith('$') === true && !DBREF_FIELDS.has(first);
}

function checkLogical(op: string, arg: unknown): void {
  if (!Array.isArray(arg)) fail(2, `${op} must be an array`);
  if (arg.length === 0) fail(2, '$and/$or/$nor must be a nonempty array');
  for (const sub of arg) {
    if (!isPlainObject(sub)) fail(2, '$or/$and/$nor entries need to be full objects');
    checkFilter(sub);
  }
}

function checkCondition(path: string, cond: Doc): void {
  for (const [op, arg] of Object.entries(cond)) {
    if (!op.startsWith('$')) {
      fail(2, `unknown operator: ${op}`);
    }
    if (!FIELD_OPS.has(op)) fail(2, `unknown operator: ${op}`);
    switch (op) {
      case '$in':
      case '$nin':
      case '$all':
        if (!Array.isArray(arg)) fail(2, `${op} needs an array`);
        break;
      case '$elemMatch':
        if (!isPlainObject(arg)) fail(2, '$elemMatch needs an Object');
        if (!isOperatorObject(arg) || ['$and', '$or', '$nor', '$expr'].includes(Object.keys(arg)[0]!))
          checkFilter(arg, true);
        else checkCondition(path, arg);
        break;
      case '$size': {
        const n = typeof arg === 'number' ? arg : Number.NaN;
        if (
          typeof arg !== 'number' &&
          !['Int32', 'Long', 'Double', 'Decimal128'].includes(bsonType(arg) ?? '')
        )
          fail(2, `$size needs a number`);
        if (typeof arg === 'number' && n < 0) fail(2, `$size may not be negative`);
        if (typeof arg === 'number' && !Number.isInteger(n)) fail(2, `$size must be a whole number`);
        break;
      }
      case '$regex':
        if (typeof arg !== 'string' && !isRegex(arg)) fail(2, '$regex has to be a string');
        break;
      case '$options':
        if (!('$regex' in cond)) fail(2, '$options needs a $regex');
        break;
      case '$not':
        if (isRegex(arg)) break;
        if (!isPlainObject(arg)) fail(2, '$not needs a regex or a document');
        if (Object.keys(arg).length === 0) fail(2, '$not cannot be empty');
        checkCondition(path, arg);
        break;
      case '$eq':
      case '$ne':
        break;
      default:
        break;
    }
  }
}

/**
 * Checks a filter as mongod parses it, before any document is read: unknown operators, `$in`
 * without an array, empty `$and`... are refused even on an empty or missing collection.
 */
export function checkFilter(filter: Doc, element = false): void {
  for (const [k, cond] of Object.entries(filter)) {
    // Inside $elemMatch, `$ref`, `$id` and `$db` are the fields of DBRef elements.
    if (k.startsWith('$') && !(element && DBREF_FIELDS.has(k))) {
      if (!TOP_LEVEL.has(k))
        fail(
          2,
          `unknown top level operator: ${k}. If you have a field name that starts with a '$' symbol, consider using $getField or $setField.`,
        );
      if (k === '$and' || k === '$or' || k === '$nor') checkLogical(k, cond);
      if (k === '$where') fail(2, SCRIPT_REFUSAL);
      if (k === '$jsonSchema' && !isPlainObject(cond))
        fail(14, `$jsonSchema must be an object, not ${typeName(cond)}`);
      continue;
    }
    if (isOperatorObject(cond)) checkCondition(k, cond);
  }
}

/** Rewrites query pieces mingo reads differently: comments go, a DBRef literal becomes `$eq`. */
function patchFilter(f: unknown): unknown {
  if (Array.isArray(f)) return f.map(patchFilter);
  if (!isPlainObject(f)) return f;
  const out: Doc = {};
  for (const [k, v] of Object.entries(f)) {
    if (k === '$comment') continue;
    if (!k.startsWith('$') && isPlainObject(v) && DBREF_FIELDS.has(Object.keys(v)[0] ?? ''))
      setField(out, k, { $eq: v });
    else setField(out, k, patchFilter(v));
  }
  return out;
}

/** Compiles a filter (stored form) into a predicate over stored documents. */
export function compileMatcher(filter: unknown, env: QueryEnv = {}): Matcher {
  if (filter === undefined || filter === null) return () => true;
  if (!isPlainObject(filter)) fail(2, 'filter must be an object');
  checkFilter(filter);
  if (Object.keys(filter).length === 0) return () => true;
  const q = mingoCall(() => mongoQuery(patchFilter(queryView(filter)) as Doc, env));
  return (doc) => mingoCall(() => q.test(view(doc)));
}

export { parseSort, sortDocs, topK } from './sort.js';
