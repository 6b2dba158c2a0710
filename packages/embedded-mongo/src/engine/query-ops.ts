import type { Binary } from 'bson';
import { Query } from 'mingo/query';
import type { Any, AnyObject, Options } from 'mingo/types';
import { collatorOf } from './collation.js';
import { compareBson, typeRank } from './compare.js';
import { GEO_OPERATORS } from './geo-ops.js';
import { bsonType, type Doc, isPlainObject, view } from './values.js';

/**
 * MongoDB's comparison, array and bitwise query operators over evaluation views, replacing mingo's:
 * values compare in BSON order (Long beyond 2^53 exactly, binary data length first, embedded
 * documents field by field in order), strings through the query's collation, `$all` and
 * `$elemMatch` follow MongoDB on non-arrays and DBRefs, and the bit tests read binary data.
 */

type Predicate = (obj: AnyObject) => boolean;
type Cmp = (a: unknown, b: unknown) => number;

/** The values a path reaches in a document, MongoDB style. */
interface Reached {
  /** Values at the end of the path (after fanning out through arrays on the way). */
  direct: unknown[];
  /** `direct` plus the elements of every array in it (what equality and ranges look at). */
  all: unknown[];
}

const DIGITS = /^\d+$/;

function collect(v: unknown, parts: readonly string[], i: number, out: unknown[]): void {
  if (i === parts.length) {
    out.push(v);
    return;
  }
  const part = parts[i]!;
  if (Array.isArray(v)) {
    if (DIGITS.test(part)) {
      const el = v[Number(part)];
      if (el !== undefined) collect(el, parts, i + 1, out);
    }
    for (const el of v) if (isPlainObject(el)) collect(el, parts, i, out);
    return;
  }
  if (isPlainObject(v)) {
    collect(Object.hasOwn(v, part) ? v[part] : undefined, parts, i + 1, out);
    return;
  }
  out.push(undefined);
}

/** The values `selector` reaches in `obj`; a path that ends nowhere reaches one missing value. */
export function reach(obj: unknown, parts: readonly string[]): Reached {
  const direct: unknown[] = [];
  collect(obj, parts, 0, direct);
  if (direct.length === 0) direct.push(undefined);
  let all = direct;
  if (direct.some(Array.isArray)) {
    all = [];
    for (const d of direct) {
      all.push(d);
      if (Array.isArray(d)) for (const el of d) all.push(el);
    }
  }
  return { direct, all };
}

function comparator(options: Options): Cmp {
  const collator = collatorOf((options as { collation?: unknown }).collation);
  return collator ? (a, b) => compareBson(a, b, collator) : compareBson;
}

function isRegex(v: unknown): v is RegExp {
  return v instanceof RegExp || bsonType(v) === 'BSONRegExp';
}

function toRegExp(v: unknown): RegExp {
  if (v instanceof RegExp) return v;
  const r = v as { pattern: string; options: string };
  return new RegExp(r.pattern, r.options.replace(/[^imsu]/g, ''));
}

/** Equality as MongoDB's `$eq`: null also matches missing; types must agree (5 == 5.0 == Long 5). */
function equals(a: unknown, b: unknown, cmp: Cmp): boolean {
  if (b === null || b === undefined) return a === null || a === undefined;
  if (a === undefined) return false;
  return typeRank(a) === typeRank(b) && cmp(a, b) === 0;
}

function compile(
  selector: string,
  value: Any,
  options: Options,
  make: (value: Any, cmp: Cmp, options: Options) => (r: Reached) => boolean,
): Predicate {
  const parts = selector.split('.');
  const test = make(view(value), comparator(options), options);
  return (obj) => test(reach(obj, parts));
}

const eqTest = (b: unknown, cmp: Cmp) => (r: Reached) => r.all.some((a) => equals(a, b, cmp));

function rangeTest(accept: (c: number) => boolean) {
  return (b: unknown, cmp: Cmp) => {
    // `$gte: null` and `$lte: null` match null and missing, `$gt: null` and `$lt: null` nothing.
    if (b === null || b === undefined)
      return accept(0) ? (r: Reached) => r.all.some((a) => a === null || a === undefined) : () => false;
    const rank = typeRank(b);
    return (r: Reached) => r.all.some((a) => a !== undefined && typeRank(a) === rank && accept(cmp(a, b)));
  };
}

function inTest(list: unknown, cmp: Cmp): (r: Reached) => boolean {
  if (!Array.isArray(list)) throw new Error('$in needs an array');
  const regexes = list.filter(isRegex).map(toRegExp);
  const values = list.filter((v) => !isRegex(v));
  return (r) =>
    r.all.some(
      (a) =>
        values.some((b) => equals(a, b, cmp)) || (typeof a === 'string' && regexes.some((re) => re.test(a))),
    );
}

/** `$elemMatch` on one array element: a document query, or an operator query on the value. */
export function elemMatcher(criteria: unknown, options: Options): (el: unknown) => boolean {
  if (!isPlainObject(criteria)) throw new Error('$elemMatch needs an Object');
  const keys = Object.keys(criteria);
  if (keys.length === 0) return (el) => isPlainObject(el);
  const valueQuery = keys.every((k) => k.startsWith('$') && !DOC_LEVEL.has(k) && !DBREF_FIELDS.has(k));
  if (valueQuery) {
    const q = new Query({ v: criteria } as AnyObject, options);
    return (el) => q.test({ v: el } as AnyObject);
  }
  const q = new Query(aliasDbRefFields(criteria) as AnyObject, options);
  return (el) => isPlainObject(el) && q.test(aliasDbRefFields(el) as AnyObject);
}

/** Keys that make an `$elemMatch` a document query rather than a query on the element's value. */
const DOC_LEVEL = new Set(['$and', '$or', '$nor', '$expr', '$where', '$text', '$comment', '$jsonSchema']);
/** The fields of a DBRef, which queries name like ordinary fields. */
const DBREF_FIELDS = new Set(['$ref', '$id', '$db']);

/**
 * Renames the DBRef fields `$ref`/`$id`/`$db` (and paths starting with them) so mingo, which reads
 * any `$` key as an operator, treats them as fields. A NUL prefix cannot occur in a field name.
 */
function aliasDbRefFields(o: Doc): Doc {
  if (!Object.keys(o).some((k) => DBREF_FIELDS.has(k.split('.')[0]!))) return o;
  const out: Doc = {};
  for (const [k, v] of Object.entries(o)) out[DBREF_FIELDS.has(k.split('.')[0]!) ? `\0${k.slice(1)}` : k] = v;
  return out;
}

function allTest(list: unknown, cmp: Cmp, options: Options): (r: Reached) => boolean {
  if (!Array.isArray(list)) throw new Error('$all needs an array');
  if (list.length === 0) return () => false;
  const tests = list.map((b): ((r: Reached) => boolean) => {
    if (isPlainObject(b) && Object.keys(b)[0] === '$elemMatch') {
      const m = elemMatcher(b.$elemMatch, options);
      return (r) => r.direct.some((a) => Array.isArray(a) && a.some(m));
    }
    if (isRegex(b)) {
      const re = toRegExp(b);
      return (r) => r.all.some((a) => typeof a === 'string' && re.test(a));
    }
    return eqTest(b, cmp);
  });
  // `{ a: { $all: [x, y] } }` is `{ $and: [{ a: x }, { a: y }] }`: a non-array value can match too.
  return (r) => tests.every((t) => t(r));
}

/** A bit mask as a 64-bit pattern (positions, a number, or binary data), or undefined. */
function maskOf(mask: unknown): bigint | Uint8Array {
  if (Array.isArray(mask)) {
    let m = 0n;
    for (const p of mask) {
      if (typeof p !== 'number' || !Number.isInteger(p) || p < 0)
        throw new Error('bit positions must be non-negative integers');
      m |= 1n << BigInt(p);
    }
    return m;
  }
  if (bsonType(mask) === 'Binary') {
    const b = mask as Binary;
    return b.buffer.subarray(0, b.position);
  }
  const n = typeof mask === 'bigint' ? mask : typeof mask === 'number' ? mask : Number.NaN;
  if (typeof n === 'number' && (!Number.isInteger(n) || n < 0))
    throw new Error('bit mask must be a non-negative integer, an array of bit positions or binary data');
  return BigInt(n);
}

/** The bits of a value: integral numbers as 64-bit two's complement, binary data as its bytes. */
function bitsOf(v: unknown): bigint | Uint8Array | undefined {
  if (typeof v === 'bigint') return BigInt.asUintN(64, v);
  if (typeof v === 'number') {
    if (!Number.isInteger(v) || Math.abs(v) >= 2 ** 63) return undefined;
    return BigInt.asUintN(64, BigInt(v));
  }
  if (bsonType(v) === 'Binary') {
    const b = v as Binary;
    return b.buffer.subarray(0, b.position);
  }
  return undefined;
}

function bitAt(bits: bigint | Uint8Array, p: number): boolean {
  if (typeof bits === 'bigint') return p < 64 && ((bits >> BigInt(p)) & 1n) === 1n;
  const byte = p >> 3;
  return byte < bits.length && ((bits[byte]! >> (p & 7)) & 1) === 1;
}

function positions(mask: bigint | Uint8Array): number[] {
  const out: number[] = [];
  const n = typeof mask === 'bigint' ? 64 : mask.length * 8;
  for (let p = 0; p < n; p++) if (bitAt(mask, p)) out.push(p);
  return out;
}

function bitsTest(all: boolean, set: boolean) {
  return (mask: unknown) => {
    const ps = positions(maskOf(mask));
    return (r: Reached) =>
      r.all.some((v) => {
        const bits = bitsOf(v);
        if (bits === undefined) return false;
        const hit = (p: number) => bitAt(bits, p) === set;
        return all ? ps.every(hit) : ps.some(hit);
      });
  };
}

const ops: Record<string, (value: Any, cmp: Cmp, options: Options) => (r: Reached) => boolean> = {
  $eq: (b, cmp) => eqTest(b, cmp),
  $ne: (b, cmp) => {
    const t = eqTest(b, cmp);
    return (r) => !t(r);
  },
  $gt: rangeTest((c) => c > 0),
  $gte: rangeTest((c) => c >= 0),
  $lt: rangeTest((c) => c < 0),
  $lte: rangeTest((c) => c <= 0),
  $in: (b, cmp) => inTest(b, cmp),
  $nin: (b, cmp) => {
    const t = inTest(b, cmp);
    return (r) => !t(r);
  },
  $all: (b, cmp, o) => allTest(b, cmp, o),
  $elemMatch: (b, _cmp, o) => {
    const m = elemMatcher(b, o);
    return (r) => r.direct.some((a) => Array.isArray(a) && a.some(m));
  },
  ...Object.fromEntries(Object.entries(GEO_OPERATORS).map(([k, make]) => [k, (b: unknown) => make(b)])),
  $bitsAllSet: bitsTest(true, true),
  $bitsAnySet: bitsTest(false, true),
  $bitsAllClear: bitsTest(true, false),
  $bitsAnyClear: bitsTest(false, false),
};

/** The operators as mingo query operators (`(selector, value, options) => predicate`). */
export const QUERY_OPERATORS: Record<string, (selector: string, value: Any, options: Options) => Predicate> =
  Object.fromEntries(
    Object.entries(ops).map(([name, make]) => [
      name,
      (selector: string, value: Any, options: Options) => compile(selector, value, options, make),
    ]),
  );
