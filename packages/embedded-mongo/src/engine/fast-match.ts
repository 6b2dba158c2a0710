import type { ObjectId } from 'bson';
import { compileMatcher } from './query.js';
import { bsonType, type Doc, isPlainObject, view } from './values.js';

/** Result of a compiled clause: no, yes, or "an array was involved, ask mingo". */
const NO = 0;
const YES = 1;
const SLOW = 2;
type Tri = 0 | 1 | 2;
type Clause = (v: Doc) => Tri;
type ValueTest = (x: unknown) => boolean;

/** A value the compiled clauses leave to mingo: an array, or a 64-bit integer beyond 2^53. */
const ARRAY = Symbol('array');

function settle(x: unknown): unknown {
  return Array.isArray(x) || typeof x === 'bigint' ? ARRAY : x;
}

function getter(path: string): (v: Doc) => unknown {
  const parts = path.split('.');
  if (parts.length === 1) {
    const p = parts[0]!;
    // Names Object.prototype carries (constructor, toString...) must be own fields of the document.
    if (p in Object.prototype) return (v) => settle(Object.hasOwn(v, p) ? v[p] : undefined);
    return (v) => settle(v[p]);
  }
  return (v) => {
    let cur: unknown = v;
    for (const p of parts) {
      if (cur === null || cur === undefined) return undefined;
      if (Array.isArray(cur)) return ARRAY;
      if (!isPlainObject(cur)) return undefined;
      cur = Object.hasOwn(cur, p) ? cur[p] : undefined;
    }
    return settle(cur);
  };
}

/** Equality test against a literal, or undefined when the literal is not a simple scalar. */
function eqTest(t: unknown): ValueTest | undefined {
  if (t === null) return (x) => x === null || x === undefined;
  switch (typeof t) {
    case 'number':
      return Number.isNaN(t) ? undefined : (x) => x === t;
    case 'string':
    case 'boolean':
      return (x) => x === t;
    case 'object':
      break;
    default:
      return undefined;
  }
  if (t instanceof Date) {
    const ms = t.getTime();
    return (x) => x instanceof Date && x.getTime() === ms;
  }
  if (bsonType(t) === 'ObjectId') {
    const hex = (t as ObjectId).toHexString();
    return (x) => bsonType(x) === 'ObjectId' && (x as ObjectId).toHexString() === hex;
  }
  return undefined;
}

function rangeTest(op: string, t: unknown): ValueTest | undefined {
  let key: (x: unknown) => number | string | undefined;
  let bound: number | string;
  if (typeof t === 'number' && !Number.isNaN(t)) {
    key = (x) => (typeof x === 'number' ? x : undefined);
    bound = t;
  } else if (typeof t === 'string') {
    key = (x) => (typeof x === 'string' ? x : undefined);
    bound = t;
  } else if (t instanceof Date) {
    key = (x) => (x instanceof Date ? x.getTime() : undefined);
    bound = t.getTime();
  } else return undefined;
  switch (op) {
    case '$gt':
      return (x) => {
        const k = key(x);
        return k !== undefined && k > bound;
      };
    case '$gte':
      return (x) => {
        const k = key(x);
        return k !== undefined && k >= bound;
      };
    case '$lt':
      return (x) => {
        const k = key(x);
        return k !== undefined && k < bound;
      };
    default:
      return (x) => {
        const k = key(x);
        return k !== undefined && k <= bound;
      };
  }
}

function condTest(cond: unknown): ValueTest | undefined {
  if (!isPlainObject(cond)) return eqTest(cond);
  const keys = Object.keys(cond);
  if (keys.length === 0 || !keys.every((k) => k.startsWith('$'))) return undefined;
  const tests: ValueTest[] = [];
  for (const op of keys) {
    const arg = cond[op];
    let t: ValueTest | undefined;
    switch (op) {
      case '$eq':
        t = eqTest(arg);
        break;
      case '$ne': {
        const e = eqTest(arg);
        t = e && ((x) => !e(x));
        break;
      }
      case '$in':
      case '$nin': {
        if (!Array.isArray(arg)) return undefined;
        const es = arg.map(eqTest);
        if (es.some((e) => e === undefined)) return undefined;
        const prim = new Set(
          arg.filter((a) => typeof a === 'string' || (typeof a === 'number' && !Number.isNaN(a))),
        );
        const others = es.filter((_, i) => !prim.has(arg[i])) as ValueTest[];
        const inTest: ValueTest = (x) => prim.has(x) || others.some((e) => e(x));
        t = op === '$in' ? inTest : (x) => !inTest(x);
        break;
      }
      case '$gt':
      case '$gte':
      case '$lt':
      case '$lte':
        t = rangeTest(op, arg);
        break;
      case '$exists': {
        const want = arg !== false && arg !== 0 && arg !== null;
        t = (x) => (x !== undefined) === want;
        break;
      }
      default:
        return undefined;
    }
    if (!t) return undefined;
    tests.push(t);
  }
  return tests.length === 1 ? tests[0] : (x) => tests.every((t) => t(x));
}

function compileClauses(filter: Doc): Clause | undefined {
  const clauses: Clause[] = [];
  for (const [k, cond] of Object.entries(filter)) {
    if (k === '$and' || k === '$or' || k === '$nor') {
      if (!Array.isArray(cond) || cond.length === 0) return undefined;
      const subs = cond.map((c) => (isPlainObject(c) ? compileClauses(c) : undefined));
      if (subs.some((s) => s === undefined)) return undefined;
      const ss = subs as Clause[];
      if (k === '$and') {
        clauses.push((v) => {
          for (const s of ss) {
            const r = s(v);
            if (r !== YES) return r;
          }
          return YES;
        });
      } else {
        const neg = k === '$nor';
        clauses.push((v) => {
          let slow = false;
          for (const s of ss) {
            const r = s(v);
            if (r === YES) return neg ? NO : YES;
            if (r === SLOW) slow = true;
          }
          return slow ? SLOW : neg ? YES : NO;
        });
      }
      continue;
    }
    if (k.startsWith('$')) return undefined;
    const test = condTest(cond);
    if (!test) return undefined;
    const get = getter(k);
    clauses.push((v) => {
      const x = get(v);
      if (x === ARRAY) return SLOW;
      return test(x) ? YES : NO;
    });
  }
  if (clauses.length === 1) return clauses[0];
  return (v) => {
    let slow = false;
    for (const c of clauses) {
      const r = c(v);
      if (r === NO) return NO;
      if (r === SLOW) slow = true;
    }
    return slow ? SLOW : YES;
  };
}

/**
 * Compiles a simple filter (equality, $in/$nin, ranges, $exists, $ne, $and/$or/$nor over scalar
 * fields) into a plain JS predicate over stored documents. When a document has an array on a
 * filtered path the predicate defers to mingo, so results always equal mingo's. Returns undefined
 * for filters it does not handle.
 */
export function compileFastMatcher(filterView: Doc): ((doc: Doc) => boolean) | undefined {
  const clause = compileClauses(filterView);
  if (!clause) return undefined;
  let slow: ((doc: Doc) => boolean) | undefined;
  return (doc) => {
    const r = clause(view(doc));
    if (r !== SLOW) return r === YES;
    slow ??= compileMatcher(filterView);
    return slow(doc);
  };
}
