import { type Binary, type Long, ObjectId, type Timestamp } from 'bson';
import { bsonType, type Doc, plainScalar } from './values.js';

/**
 * A sentinel that sorts before (`high: false`) or after (`high: true`) every value of one BSON
 * type rank; index scans use it to bracket a range to one type, as MongoDB's bounds do.
 */
export class Bound {
  constructor(
    readonly rank: number,
    readonly high: boolean,
  ) {}
}

/** Sorts before everything. */
export const MIN = new Bound(0, false);
/** Sorts after everything. */
export const MAX = new Bound(100, true);

/**
 * MongoDB's BSON comparison order rank: MinKey < null/missing < numbers < strings < objects <
 * arrays < binData < ObjectId < bool < Date < Timestamp < regex < MaxKey.
 */
export function typeRank(v: unknown): number {
  if (v === null || v === undefined) return 2;
  switch (typeof v) {
    case 'number':
    case 'bigint':
      return 3;
    case 'string':
      return 4;
    case 'boolean':
      return 9;
    case 'object':
      break;
    default:
      return 5;
  }
  if (Array.isArray(v)) return 6;
  if (v instanceof Date) return 10;
  if (v instanceof RegExp) return 12;
  const t = bsonType(v);
  switch (t) {
    case undefined:
      return 5;
    case 'Int32':
    case 'Double':
    case 'Long':
    case 'Decimal128':
      return 3;
    case 'BSONSymbol':
      return 4;
    case 'Binary':
      return 7;
    case 'ObjectId':
    case 'ObjectID':
      return 8;
    case 'Timestamp':
      return 11;
    case 'BSONRegExp':
      return 12;
    case 'MinKey':
      return 1;
    case 'MaxKey':
      return 13;
    default:
      return 5;
  }
}

function cmpNum(a: number, b: number): number {
  // NaN sorts before every other number in MongoDB.
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : -1;
  if (Number.isNaN(b)) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A number for comparison: a bigint (a Long beyond 2^53) stays exact. */
function exactNum(v: unknown): number | bigint {
  if (typeof v === 'number' || typeof v === 'bigint') return v;
  if (bsonType(v) === 'Long') {
    const l = v as Long;
    const n = l.toNumber();
    return Number.isSafeInteger(n) ? n : l.toBigInt();
  }
  return Number(plainScalar(v));
}

/** Compares numbers exactly, mixing doubles and 64-bit integers (JS compares number and bigint exactly). */
function cmpExact(a: number | bigint, b: number | bigint): number {
  if (typeof a === 'number' && typeof b === 'number') return cmpNum(a, b);
  if (typeof a === 'number' && Number.isNaN(a)) return -1;
  if (typeof b === 'number' && Number.isNaN(b)) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function cmpStr(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Compares strings under a collation (see collation.ts); absent means binary. */
export interface StringCompare {
  compare(a: string, b: string): number;
}

/**
 * Compares two values in MongoDB's BSON order (numbers compare across int/long/double; strings,
 * also inside documents and arrays, through `collator` when given).
 */
export function compareBson(a: unknown, b: unknown, collator?: StringCompare): number {
  // One value twice: the stored documents share their repeated ObjectIds (layout.ts), so index keys of
  // one workspace and form hold the same ws and form instances, and most comparisons of a tree descent
  // end here for those parts.
  if (a === b) return 0;
  if (typeof a === 'number' && typeof b === 'number') return cmpNum(a, b);
  if (typeof a === 'string' && typeof b === 'string') return collator ? collator.compare(a, b) : cmpStr(a, b);
  // The other common keys (_id, owner, createdAt) without the type-rank dispatch below.
  if (a instanceof ObjectId && b instanceof ObjectId) return compareObjectIds(a, b);
  if (a instanceof Date && b instanceof Date) return cmpNum(a.getTime(), b.getTime());
  if (a instanceof Bound || b instanceof Bound) {
    const ra = a instanceof Bound ? a.rank : typeRank(a);
    const rb = b instanceof Bound ? b.rank : typeRank(b);
    if (ra !== rb) return ra - rb;
    const ha = a instanceof Bound ? (a.high ? 1 : -1) : 0;
    const hb = b instanceof Bound ? (b.high ? 1 : -1) : 0;
    return ha - hb;
  }
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra - rb;
  switch (ra) {
    case 1:
    case 2:
    case 13:
      return 0;
    case 3:
      return cmpExact(exactNum(a), exactNum(b));
    case 4:
      return collator ? collator.compare(String(a), String(b)) : cmpStr(String(a), String(b));
    case 5:
      return compareObjects(a as Doc, b as Doc, collator);
    case 6:
      return compareArrays(a as unknown[], b as unknown[], collator);
    case 7:
      return compareBinary(a as Binary, b as Binary);
    case 8:
      return compareObjectIds(a as ObjectId, b as ObjectId);
    case 9:
      return (a ? 1 : 0) - (b ? 1 : 0);
    case 10:
      return cmpNum((a as Date).getTime(), (b as Date).getTime());
    case 11: {
      const ta = a as Timestamp;
      const tb = b as Timestamp;
      return ta.compare(tb);
    }
    case 12:
      return cmpStr(String(a), String(b));
    default:
      return 0;
  }
}

/** ObjectIds in byte order; bson 7 keeps them as four 24-bit big-endian chunks (no allocation). */
function compareObjectIds(a: ObjectId, b: ObjectId): number {
  const x = a as unknown as Record<string, number>;
  const y = b as unknown as Record<string, number>;
  if (typeof x.i0 === 'number' && typeof y.i0 === 'number') {
    return x.i0 - y.i0! || x.i1! - y.i1! || x.i2! - y.i2! || x.i3! - y.i3!;
  }
  return cmpStr(a.toHexString(), b.toHexString());
}

function compareObjects(a: Doc, b: Doc, collator: StringCompare | undefined): number {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  const n = Math.min(ka.length, kb.length);
  for (let i = 0; i < n; i++) {
    const va = a[ka[i]!];
    const vb = b[kb[i]!];
    const r = typeRank(va) - typeRank(vb);
    if (r !== 0) return r;
    const k = cmpStr(ka[i]!, kb[i]!);
    if (k !== 0) return k;
    const c = compareBson(va, vb, collator);
    if (c !== 0) return c;
  }
  return ka.length - kb.length;
}

function compareArrays(a: unknown[], b: unknown[], collator: StringCompare | undefined): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareBson(a[i], b[i], collator);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

function compareBinary(a: Binary, b: Binary): number {
  if (a.position !== b.position) return a.position - b.position;
  if (a.sub_type !== b.sub_type) return a.sub_type - b.sub_type;
  return Buffer.compare(
    Buffer.from(a.buffer.subarray(0, a.position)),
    Buffer.from(b.buffer.subarray(0, b.position)),
  );
}

/**
 * A canonical string for a value such that two values MongoDB considers equal (5, 5.0,
 * NumberLong(5)) map to the same string. Used to key documents by `_id`.
 */
export function valueKey(v: unknown): string {
  if (v === null || v === undefined) return 'z';
  switch (typeof v) {
    case 'number':
      if (Object.is(v, -0)) return 'n0';
      // An integral double beyond 2^53 keys like the Long of the same value.
      if (Number.isInteger(v) && !Number.isSafeInteger(v) && Math.abs(v) < 2 ** 64) return `n${BigInt(v)}`;
      return `n${v}`;
    case 'string':
      return `s${v}`;
    case 'boolean':
      return v ? 'b1' : 'b0';
    case 'bigint':
      return `n${v}`;
    default:
      break;
  }
  if (Array.isArray(v)) return `a[${v.map(valueKey).join(',')}]`;
  if (v instanceof Date) return `d${v.getTime()}`;
  if (v instanceof RegExp) return `r${v.source}/${v.flags}`;
  const t = bsonType(v);
  switch (t) {
    case 'ObjectId':
    case 'ObjectID':
      return `o${(v as ObjectId).toHexString()}`;
    case 'Int32':
    case 'Double':
      return valueKey((v as { value: number }).value);
    case 'Long':
      return `n${String(v)}`;
    case 'Decimal128': {
      const n = Number(String(v));
      return Number.isFinite(n) ? valueKey(n) : `n${String(v)}`;
    }
    case 'Binary': {
      const bin = v as Binary;
      return `x${bin.sub_type}:${Buffer.from(bin.buffer.subarray(0, bin.position)).toString('base64')}`;
    }
    case 'Timestamp':
      return `t${String(v)}`;
    case 'MinKey':
      return 'm';
    case 'MaxKey':
      return 'M';
    case undefined: {
      const o = v as Doc;
      return `{${Object.keys(o)
        .map((k) => `${JSON.stringify(k)}:${valueKey(o[k])}`)
        .join(',')}}`;
    }
    default:
      return `${t}:${String(v)}`;
  }
}
