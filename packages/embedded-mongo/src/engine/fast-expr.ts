import { dateFormatter, parseIsoInstant } from './fast-dates.js';
import { bsonType, type Doc, isPlainObject, ownField } from './values.js';

/** Thrown at run time when a document needs semantics the fast path does not implement. */
export class Fallback extends Error {}

/** Reads one value of a document (a field path or a constant). */
export type Getter = (d: Doc) => unknown;

/** Reads `$a.b` like an aggregation field path; an array in the middle defers to mingo. */
export function fieldGetter(expr: string): Getter {
  const parts = expr.slice(1).split('.');
  if (parts.length === 1) {
    const p = parts[0]!;
    return (d) => ownField(d, p);
  }
  return (d) => {
    let cur: unknown = d;
    for (const p of parts) {
      if (cur === null || cur === undefined) return undefined;
      if (Array.isArray(cur)) throw new Fallback('array on path');
      if (!isPlainObject(cur)) return undefined;
      cur = ownField(cur as Doc, p);
    }
    return cur;
  };
}

/** True for a `$field.path` string (not a `$$variable`). */
export function isFieldPath(x: unknown): x is string {
  return typeof x === 'string' && x.startsWith('$') && !x.startsWith('$$') && x.length > 1;
}

/**
 * Aggregation expressions the fast path evaluates itself: field paths and constants, `$literal`,
 * `$ifNull`, `$cond`, `$eq` / `$ne` of scalars, `$type`, `$isNumber`, `$dateToString` (formats of
 * %Y %m %d %H %M %S %L in a constant zone) and `$dateFromString` of strict ISO text — what the report
 * compiler's group keys and accumulators use. Anything else compiles to undefined (the pipeline goes to
 * mingo); a value outside what a compiled expression knows (an object where a scalar was expected, text
 * that is not strict ISO) throws {@link Fallback} so the whole pipeline reruns on mingo.
 */

const DEFAULT_DATE_FORMAT = '%Y-%m-%dT%H:%M:%S.%LZ';

function constant(value: unknown): Getter {
  return () => value;
}

/** The operator and argument of a one-key `{ $op: arg }` object, or undefined. */
function operatorOf(x: unknown): [string, unknown] | undefined {
  if (!isPlainObject(x)) return undefined;
  const keys = Object.keys(x);
  if (keys.length !== 1 || !keys[0]?.startsWith('$')) return undefined;
  return [keys[0], x[keys[0]]];
}

function args(arg: unknown, min: number, max: number): Getter[] | undefined {
  if (!Array.isArray(arg) || arg.length < min || arg.length > max) return undefined;
  const out = arg.map(compileExpr);
  return out.every((g) => g !== undefined) ? (out as Getter[]) : undefined;
}

/** MongoDB's truthiness in expressions: false, null, missing and numeric zero are false. */
function truthy(v: unknown): boolean {
  if (v === undefined || v === null || v === false) return false;
  if (typeof v === 'number') {
    if (Number.isNaN(v)) throw new Fallback('NaN condition');
    return v !== 0;
  }
  if (typeof v === 'object' && bsonType(v) !== undefined && bsonType(v) !== 'ObjectId')
    throw new Fallback('wrapped number');
  return true;
}

/** Equality of expression values; only scalars, dates and ids are decided here. */
function equals(a: unknown, b: unknown): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a === null || b === null) return a === b;
  const ta = typeof a;
  const tb = typeof b;
  if (ta !== 'object' && tb !== 'object') {
    if (ta === 'number' && tb === 'number') return a === b || (Number.isNaN(a) && Number.isNaN(b));
    return a === b;
  }
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (ta === 'object' && tb !== 'object') {
    if (a instanceof Date || bsonType(a) === 'ObjectId') return false;
  }
  if (tb === 'object' && ta !== 'object') {
    if (b instanceof Date || bsonType(b) === 'ObjectId') return false;
  }
  throw new Fallback('comparison of structured values');
}

/** `$type` names of the values a stored document holds without wrappers. */
function typeName(v: unknown): string {
  if (v === undefined) return 'missing';
  if (v === null) return 'null';
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'number':
      // The store keeps int32 values as JS integers and other doubles as JS numbers.
      return Number.isInteger(v) && v >= -2147483648 && v <= 2147483647 && !Object.is(v, -0)
        ? 'int'
        : 'double';
    case 'object':
      break;
    default:
      throw new Fallback('unusual value');
  }
  if (Array.isArray(v)) return 'array';
  if (v instanceof Date) return 'date';
  const t = bsonType(v);
  if (t === 'ObjectId') return 'objectId';
  if (t === undefined && isPlainObject(v)) return 'object';
  throw new Fallback('type of a BSON value');
}

function dateToString(spec: unknown): Getter | undefined {
  if (!isPlainObject(spec)) return undefined;
  for (const key of Object.keys(spec))
    if (!['date', 'format', 'timezone', 'onNull'].includes(key)) return undefined;
  const format = spec.format ?? DEFAULT_DATE_FORMAT;
  const zone = spec.timezone;
  if (typeof format !== 'string' || (zone !== undefined && typeof zone !== 'string')) return undefined;
  const render = dateFormatter(format, zone);
  const date = compileExpr(spec.date);
  const onNull = 'onNull' in spec ? compileExpr(spec.onNull) : constant(null);
  if (!render || !date || !onNull) return undefined;
  return (d) => {
    const v = date(d);
    if (v instanceof Date) {
      const ms = v.getTime();
      if (Number.isNaN(ms)) throw new Fallback('invalid date');
      return render(ms);
    }
    if (v === null || v === undefined) return onNull(d);
    throw new Fallback('$dateToString of a non-date');
  };
}

function dateFromString(spec: unknown): Getter | undefined {
  if (!isPlainObject(spec)) return undefined;
  for (const key of Object.keys(spec))
    if (!['dateString', 'onError', 'onNull'].includes(key)) return undefined;
  const text = compileExpr(spec.dateString);
  const onNull = 'onNull' in spec ? compileExpr(spec.onNull) : constant(null);
  if (!text || !onNull) return undefined;
  return (d) => {
    const v = text(d);
    if (v === null || v === undefined) return onNull(d);
    if (typeof v !== 'string') throw new Fallback('$dateFromString of a non-string');
    const ms = parseIsoInstant(v);
    if (ms === undefined) throw new Fallback('date text other than strict ISO');
    return new Date(ms);
  };
}

/** Compiles an aggregation expression into a function of the document, or undefined when unsupported. */
export function compileExpr(x: unknown): Getter | undefined {
  if (isFieldPath(x)) return fieldGetter(x);
  if (x === null || typeof x === 'number' || typeof x === 'boolean') return constant(x);
  if (typeof x === 'string') return x.startsWith('$') ? undefined : constant(x);
  const op = operatorOf(x);
  if (!op) return undefined;
  const [name, arg] = op;
  switch (name) {
    case '$literal':
      return arg === null || ['string', 'number', 'boolean'].includes(typeof arg) ? constant(arg) : undefined;
    case '$ifNull': {
      const parts = args(arg, 2, 8);
      if (!parts) return undefined;
      return (d) => {
        for (let i = 0; i < parts.length - 1; i += 1) {
          const v = (parts[i] as Getter)(d);
          if (v !== null && v !== undefined) return v;
        }
        return (parts[parts.length - 1] as Getter)(d);
      };
    }
    case '$cond': {
      const parts = Array.isArray(arg)
        ? args(arg, 3, 3)
        : isPlainObject(arg) && Object.keys(arg).length === 3
          ? args([arg.if, arg.then, arg.else], 3, 3)
          : undefined;
      if (!parts) return undefined;
      const [test, yes, no] = parts as [Getter, Getter, Getter];
      return (d) => (truthy(test(d)) ? yes(d) : no(d));
    }
    case '$eq':
    case '$ne': {
      const parts = args(arg, 2, 2);
      if (!parts) return undefined;
      const [a, b] = parts as [Getter, Getter];
      return name === '$eq' ? (d) => equals(a(d), b(d)) : (d) => !equals(a(d), b(d));
    }
    case '$type': {
      const inner = Array.isArray(arg)
        ? arg.length === 1
          ? compileExpr(arg[0])
          : undefined
        : compileExpr(arg);
      return inner && ((d) => typeName(inner(d)));
    }
    case '$isNumber': {
      const inner = Array.isArray(arg)
        ? arg.length === 1
          ? compileExpr(arg[0])
          : undefined
        : compileExpr(arg);
      return (
        inner &&
        ((d) => {
          const v = inner(d);
          if (typeof v === 'number') return true;
          if (v !== null && typeof v === 'object' && bsonType(v) !== undefined && bsonType(v) !== 'ObjectId')
            throw new Fallback('wrapped number');
          return false;
        })
      );
    }
    case '$dateToString':
      return dateToString(arg);
    case '$dateFromString':
      return dateFromString(arg);
    default:
      return undefined;
  }
}
