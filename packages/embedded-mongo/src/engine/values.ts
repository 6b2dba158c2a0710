import { Double, type Long } from 'bson';

/** A stored document: an immutable plain object in the engine's normalised form. */
export type Doc = Record<string, unknown>;

/**
 * Documents whose normalised form still holds numeric wrappers (integral Double, Long, Decimal128):
 * those need an evaluation view before mingo or comparisons see them.
 */
const WRAPPED: unique symbol = Symbol('wrapped');
type Marked = { [WRAPPED]?: true };

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
  return norm(v).v;
}

function norm(v: unknown): { v: unknown; w: boolean } {
  if (v === null || typeof v !== 'object') return { v, w: false };
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    let w = false;
    for (let i = 0; i < v.length; i++) {
      const r = norm(v[i]);
      if (r.w) w = true;
      if (r.v !== v[i] && !out) out = v.slice(0, i);
      if (out) out.push(r.v);
    }
    const res = out ?? v;
    if (w) mark(res);
    return { v: res, w };
  }
  const t = bsonType(v);
  if (t !== undefined) {
    if (t === 'Int32') return { v: (v as { value: number }).value, w: false };
    if (t === 'Double') {
      const n = (v as Double).value;
      if (Number.isInteger(n) && n >= INT32_MIN && n <= INT32_MAX) return { v, w: true };
      return { v: n, w: false };
    }
    if (t === 'Long' || t === 'Decimal128') return { v, w: true };
    return { v, w: false };
  }
  if (!isPlainObject(v)) return { v, w: false };
  let out: Doc | undefined;
  let w = false;
  for (const k in v) {
    const val = v[k];
    const r = norm(val);
    if (r.w) w = true;
    if (r.v !== val && !out) {
      out = {};
      for (const k2 in v) {
        if (k2 === k) break;
        out[k2] = v[k2];
      }
    }
    if (out) out[k] = r.v;
  }
  const res = out ?? v;
  if (w) mark(res);
  return { v: res, w };
}

/** Converts a numeric wrapper to a JS number; other values pass through. */
export function plainScalar(v: unknown): unknown {
  const t = bsonType(v);
  if (t === 'Double' || t === 'Int32') return (v as Double).value;
  if (t === 'Long') return (v as Long).toNumber();
  if (t === 'Decimal128') return Number(String(v));
  return v;
}

/**
 * The evaluation view of a stored value: the same value with numeric wrappers replaced by JS
 * numbers, so mingo and comparisons see MongoDB's numeric equivalence (5 == 5.0 == NumberLong(5)).
 * Values without wrappers are their own view (no copy).
 */
export function view<T>(v: T): T {
  if (v === null || typeof v !== 'object' || !isMarked(v)) {
    const t = bsonType(v);
    return (t === 'Double' || t === 'Long' || t === 'Decimal128' || t === 'Int32' ? plainScalar(v) : v) as T;
  }
  const cached = views.get(v);
  if (cached) return cached as T;
  let out: unknown;
  if (Array.isArray(v)) out = v.map((x) => view(x));
  else {
    const o: Doc = {};
    for (const k of Object.keys(v)) o[k] = view((v as Doc)[k]);
    out = o;
  }
  views.set(v, out as Doc);
  viewOrigin.set(out as object, v);
  return out as T;
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
