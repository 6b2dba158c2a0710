import { Double, type Long } from 'bson';

/** A stored document: an immutable plain object in the engine's normalised form. */
export type Doc = Record<string, unknown>;

/**
 * Documents whose normalised form still holds numeric wrappers (integral Double, Long, Decimal128):
 * those need an evaluation view before mingo or comparisons see them.
 */
const WRAPPED: unique symbol = Symbol('wrapped');
type Marked = { [WRAPPED]?: true };

/** The key of the mark {@link hasWrappers} reads, for generated code that tests it inline. */
export const WRAPPED_MARK: symbol = WRAPPED;

/** Marks a container (non-enumerable, so BSON and Object.keys never see it). */
function mark(o: object): void {
  if ((o as Marked)[WRAPPED] !== true) Object.defineProperty(o, WRAPPED, { value: true });
}

function isMarked(o: object): boolean {
  return (o as Marked)[WRAPPED] === true;
}

/** True when a stored document (or container) holds numeric wrappers somewhere inside. */
export function hasWrappers(o: object): boolean {
  return (o as Marked)[WRAPPED] === true;
}
const views = new WeakMap<object, Doc>();

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** The `_bsontype` tag of a BSON wrapper value, or undefined. */
export function bsonType(v: unknown): string | undefined {
  if (v === null || typeof v !== 'object') return undefined;
  const t = (v as { _bsontype?: unknown })._bsontype;
  return typeof t === 'string' ? t : undefined;
}

/** True for plain objects (documents), not arrays, dates or BSON wrappers. */
export function isPlainObject(v: unknown): v is Doc {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/**
 * Normalises a value as received from the wire (`promoteValues: false`) into the stored form.
 * Int32 becomes a JS number (bson serialises an int32-range integer as int32 again) and so does a
 * Double that a JS number reproduces exactly; a Double with an integral value, Long and Decimal128
 * stay wrappers so the document reads back type for type. Containers are copied only when needed.
 */
export function normalize(v: unknown): unknown {
  return norm(v);
}

/**
 * Whether the value {@link norm} last returned holds a numeric wrapper somewhere inside: a flag rather than
 * a `{ v, w }` pair per value, which allocated one object for every field of every inserted document.
 */
let wrapped = false;

function norm(v: unknown): unknown {
  if (v === null || typeof v !== 'object') {
    wrapped = false;
    return v;
  }
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    let w = false;
    for (let i = 0; i < v.length; i++) {
      const r = norm(v[i]);
      if (wrapped) w = true;
      if (r !== v[i] && !out) out = v.slice(0, i);
      if (out) out.push(r);
    }
    const res = out ?? v;
    if (w) mark(res);
    wrapped = w;
    return res;
  }
  const t = bsonType(v);
  if (t === 'DBRef') {
    // A DBRef is a document `{ $ref, $id, $db?, ...fields }` on the wire; kept as one, queries can
    // name its fields (`owner.$id`, `$elemMatch: { $id }`) and it serialises to the same bytes.
    const ref = v as { collection: string; oid: unknown; db?: string; fields: Doc };
    const plain: Doc = { $ref: ref.collection, $id: ref.oid };
    if (ref.db !== undefined && ref.db !== null) plain.$db = ref.db;
    for (const k of Object.keys(ref.fields ?? {})) setField(plain, k, ref.fields[k]);
    return norm(plain);
  }
  if (t !== undefined) {
    if (t === 'Int32') {
      wrapped = false;
      return (v as { value: number }).value;
    }
    if (t === 'Double') {
      const n = (v as Double).value;
      wrapped = Number.isInteger(n) && n >= INT32_MIN && n <= INT32_MAX;
      return wrapped ? v : n;
    }
    wrapped = t === 'Long' || t === 'Decimal128';
    return v;
  }
  if (!isPlainObject(v)) {
    wrapped = false;
    return v;
  }
  let out: Doc | undefined;
  let w = false;
  for (const k in v) {
    const val = v[k];
    const r = norm(val);
    if (wrapped) w = true;
    if (r !== val && !out) {
      out = {};
      for (const k2 in v) {
        if (k2 === k) break;
        setField(out, k2, v[k2]);
      }
    }
    if (out) setField(out, k, r);
  }
  const res = out ?? v;
  if (w) mark(res);
  wrapped = w;
  return res;
}

/**
 * A deep copy of a stored value's documents and arrays (BSON wrappers and dates are shared, being
 * immutable), keeping the marks {@link view} relies on. mingo's stages write into nested objects
 * in place ($set / $unset of a dotted path, $lookup results): handing it copies keeps the stored
 * documents, which are shared and immutable, untouched.
 */
export function isolate<T>(v: T): T {
  if (v === null || typeof v !== 'object') return v;
  let out: unknown;
  if (Array.isArray(v)) out = v.map((x) => isolate(x));
  else if (isPlainObject(v)) {
    const o: Doc = {};
    for (const k of Object.keys(v)) setField(o, k, isolate(v[k]));
    out = o;
  } else return v;
  if (isMarked(v)) mark(out as object);
  return out as T;
}

/** Converts a numeric wrapper to a JS number; other values pass through. */
export function plainScalar(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  const t = bsonType(v);
  if (t === 'Double' || t === 'Int32') return (v as Double).value;
  if (t === 'Long') return (v as Long).toNumber();
  if (t === 'Decimal128') return Number(String(v));
  return v;
}

/**
 * A numeric wrapper as an exact JS value: a number, or a bigint for a 64-bit integer beyond 2^53
 * (which a double cannot hold), so Long vs Long and Long vs double compare exactly.
 */
function exactScalar(v: unknown): unknown {
  if (bsonType(v) === 'Long') {
    const l = v as Long;
    const n = l.toNumber();
    return Number.isSafeInteger(n) ? n : l.toBigInt();
  }
  return plainScalar(v);
}

/**
 * The evaluation view of a stored value: the same value with numeric wrappers replaced by JS
 * numbers, so mingo and comparisons see MongoDB's numeric equivalence (5 == 5.0 == NumberLong(5)).
 * A Long beyond 2^53 becomes a bigint, which JS compares exactly with numbers and bigints.
 * Values without wrappers are their own view (no copy).
 */
export function view<T>(v: T): T {
  return viewWith(v, views, exactScalar);
}

/**
 * The view handed to mingo's expression operators ($add, $sum, ...), which only know numbers: a
 * Long beyond 2^53 is approximated by the nearest double there.
 */
export function evalView<T>(v: T): T {
  return viewWith(v, evalViews, plainScalar);
}

const evalViews = new WeakMap<object, Doc>();
const queryViews = new WeakMap<object, Doc>();

/**
 * The view of a filter handed to mingo's Query: like {@link view}, but a Long beyond 2^53 stays a
 * Long wrapper (mingo stringifies its criteria, which a bigint would break); the engine's own
 * operators read it exactly.
 */
export function queryView<T>(v: T): T {
  return viewWith(v, queryViews, (x) => {
    const e = exactScalar(x);
    return typeof e === 'bigint' ? x : e;
  });
}

function viewWith<T>(v: T, cache: WeakMap<object, Doc>, scalar: (x: unknown) => unknown): T {
  if (v === null || typeof v !== 'object' || !isMarked(v)) {
    const t = bsonType(v);
    return (t === 'Double' || t === 'Long' || t === 'Decimal128' || t === 'Int32' ? scalar(v) : v) as T;
  }
  const cached = cache.get(v);
  if (cached) return cached as T;
  let out: unknown;
  if (Array.isArray(v)) out = v.map((x) => viewWith(x, cache, scalar));
  else {
    const o: Doc = {};
    for (const k of Object.keys(v)) setField(o, k, viewWith((v as Doc)[k], cache, scalar));
    out = o;
  }
  cache.set(v, out as Doc);
  viewOrigin.set(out as object, v);
  return out as T;
}

/**
 * Sets a field on a plain object as an own data property, whatever its name: a plain assignment
 * of `__proto__` would replace the object's prototype instead of storing a field.
 */
export function setField(o: Doc, k: string, v: unknown): void {
  if (k === '__proto__')
    Object.defineProperty(o, k, { value: v, writable: true, enumerable: true, configurable: true });
  else o[k] = v;
}

/** A field of a plain object only if the object itself holds it (never an inherited property). */
export function ownField(o: Doc, k: string): unknown {
  return Object.hasOwn(o, k) ? o[k] : undefined;
}

const viewOrigin = new WeakMap<object, object>();

/** The stored document a view was made from (so results keep the client's number types). */
export function unview<T>(v: T): T {
  if (v === null || typeof v !== 'object') return v;
  return (viewOrigin.get(v) as T | undefined) ?? v;
}

/** Converts a command argument that may be an Int32/Double/Long wrapper to a JS number. */
export function num(v: unknown, dflt = 0): number {
  if (v === undefined || v === null) return dflt;
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  const p = plainScalar(v);
  return typeof p === 'number' ? p : dflt;
}

/** Truthiness of a command flag (`multi: 1`, `upsert: true`, `new: Int32(1)`). */
export function flag(v: unknown): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  const p = plainScalar(v);
  return typeof p === 'number' ? p !== 0 : Boolean(p);
}

/** A fresh Double wrapper (used when an arithmetic result must stay a double). */
export function makeDouble(n: number): unknown {
  return Number.isInteger(n) && n >= INT32_MIN && n <= INT32_MAX ? new Double(n) : n;
}

/** True when `n` is an integer a BSON int32 holds. */
export function isInt32(n: number): boolean {
  return Number.isInteger(n) && n >= INT32_MIN && n <= INT32_MAX && !Object.is(n, -0);
}

const TYPE_NAMES: Record<string, string> = {
  Int32: 'int',
  Double: 'double',
  Long: 'long',
  Decimal128: 'decimal',
  Binary: 'binData',
  ObjectId: 'objectId',
  ObjectID: 'objectId',
  BSONRegExp: 'regex',
  Timestamp: 'timestamp',
  MinKey: 'minKey',
  MaxKey: 'maxKey',
  Code: 'javascript',
  BSONSymbol: 'symbol',
  DBRef: 'object',
};

/** MongoDB's name of a value's BSON type (`int`, `objectId`, `binData`...), for error messages. */
export function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'missing';
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'number':
      return isInt32(v) ? 'int' : 'double';
    case 'bigint':
      return 'long';
    default:
      break;
  }
  if (Array.isArray(v)) return 'array';
  if (v instanceof Date) return 'date';
  if (v instanceof RegExp) return 'regex';
  const t = bsonType(v);
  return t === undefined ? 'object' : (TYPE_NAMES[t] ?? t.toLowerCase());
}
