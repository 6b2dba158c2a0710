import type { Query } from 'mingo';
import BTreeModule from 'sorted-btree';
import { fail } from '../errors.js';
import { compareBson, MIN, valueKey } from './compare.js';
import { mongoQuery } from './mingo-ext.js';
import { keyValues } from './paths.js';
import { type Doc, isPlainObject, num, ownField, view } from './values.js';

// sorted-btree is CommonJS with `exports.default`: Node's ESM loader puts the class on `.default`,
// bundler-style interop (vitest) hands the class itself.
type BTreeClass = typeof BTreeModule.default;
const BTree: BTreeClass =
  (BTreeModule as unknown as { default?: BTreeClass }).default ?? (BTreeModule as unknown as BTreeClass);
type BTree<K, V> = BTreeModule.default<K, V>;

/** One field of an index key pattern. */
export interface KeyField {
  path: string;
  parts: string[];
  dir: 1 | -1;
}

/** Tree key: the indexed values in key-pattern order followed by the document's `_id` key. */
export type TreeKey = unknown[];

/**
 * A secondary (or the `_id_`) index: a B+ tree keyed by BSON order over the indexed values, with
 * the `_id` key appended so equal values stay distinct. Multikey: one entry per array element.
 */
export class Index {
  readonly name: string;
  readonly fields: KeyField[];
  readonly unique: boolean;
  readonly sparse: boolean;
  readonly partial: Query | undefined;
  readonly expireAfterSeconds: number | undefined;
  /** The spec as listIndexes reports it. */
  readonly spec: Doc;
  readonly tree: BTree<TreeKey, Doc>;
  /** Tree-key order (honours descending fields). */
  readonly cmp: (a: TreeKey, b: TreeKey) => number;
  multikey = false;

  constructor(spec: Doc) {
    this.spec = spec;
    this.name = String(spec.name);
    const key = spec.key as Doc;
    this.fields = Object.keys(key).map((path) => {
      const d = num(key[path], Number.NaN);
      return { path, parts: path.split('.'), dir: d < 0 ? -1 : 1 };
    });
    this.unique = spec.unique === true || this.name === '_id_';
    this.sparse = spec.sparse === true;
    this.partial = isPlainObject(spec.partialFilterExpression)
      ? mongoQuery(view(spec.partialFilterExpression) as Doc)
      : undefined;
    this.expireAfterSeconds =
      spec.expireAfterSeconds === undefined ? undefined : num(spec.expireAfterSeconds, Number.NaN);
    const dirs = this.fields.map((f) => f.dir);
    const n = dirs.length;
    const d0 = dirs[0] ?? 1;
    // Single-field indexes are the common case: skip the loop.
    this.cmp =
      n === 1
        ? (a, b) => {
            const c = compareBson(a[0], b[0]);
            if (c !== 0) return d0 < 0 ? -c : c;
            return compareBson(a[1], b[1]);
          }
        : (a, b) => {
            for (let i = 0; i < n; i++) {
              const c = compareBson(a[i], b[i]);
              if (c !== 0) return dirs[i]! < 0 ? -c : c;
            }
            return compareBson(a[n], b[n]);
          };
    this.tree = new BTree<TreeKey, Doc>(undefined, this.cmp);
  }

  /** The index keys of a document (evaluation view), or undefined when the index skips it. */
  keysOf(v: Doc): unknown[][] | undefined {
    if (this.partial && !this.partial.test(v)) return undefined;
    if (this.fields.length === 1 && !this.sparse) {
      // Fast path: a top-level scalar needs no fan-out.
      const f = this.fields[0]!;
      if (f.parts.length === 1) {
        const x = v[f.path];
        if (!Array.isArray(x)) return [[x === undefined ? null : x]];
      }
    }
    const state = { multi: false };
    const perField = this.fields.map((f) => keyValues(v, f.parts, state));
    if (this.sparse && this.fields.every((f, i) => isMissing(v, f.parts) && perField[i]!.length === 1)) {
      return undefined;
    }
    if (state.multi) this.multikey = true;
    let combos: unknown[][] = [[]];
    for (const vals of perField) {
      const uniq = dedupe(vals);
      const next: unknown[][] = [];
      for (const c of combos) for (const val of uniq) next.push([...c, val]);
      combos = next;
    }
    return combos;
  }

  /** Adds entries for a document. */
  add(idKey: string, doc: Doc, keys: unknown[][] | undefined): void {
    if (!keys) return;
    for (const k of keys) this.tree.set([...k, idKey], doc);
  }

  /** Removes entries of a document. */
  remove(idKey: string, keys: unknown[][] | undefined): void {
    if (!keys) return;
    for (const k of keys) this.tree.delete([...k, idKey]);
  }

  /** A key of `keys` already held by another document, if the index is unique. */
  conflict(idKey: string, keys: unknown[][] | undefined): unknown[] | undefined {
    if (!this.unique || !keys) return undefined;
    const n = this.fields.length;
    for (const k of keys) {
      const probe = [...k, MIN];
      const hit = this.tree.getPairOrNextHigher(probe);
      if (!hit) continue;
      const [hk] = hit;
      let same = true;
      for (let i = 0; i < n; i++) if (compareBson(hk[i], k[i]) !== 0) same = false;
      if (!same) continue;
      if (hk[n] !== idKey) return k;
      // The same document holds this key; look at the next entry too.
      const next = this.tree.nextHigherPair(hk);
      if (next) {
        let same2 = true;
        for (let i = 0; i < n; i++) if (compareBson(next[0][i], k[i]) !== 0) same2 = false;
        if (same2) return k;
      }
    }
    return undefined;
  }

  /** The key pattern document. */
  keyPattern(): Doc {
    return this.spec.key as Doc;
  }
}

function isMissing(v: Doc, parts: string[]): boolean {
  let cur: unknown = v;
  for (const p of parts) {
    if (!isPlainObject(cur)) return !Array.isArray(cur);
    cur = ownField(cur, p);
  }
  return cur === undefined;
}

function dedupe(vals: unknown[]): unknown[] {
  if (vals.length < 2) return vals;
  const seen = new Set<string>();
  const out: unknown[] = [];
  for (const v of vals) {
    const k = valueKey(v);
    if (!seen.has(k)) {
      seen.add(k);
      out.push(v);
    }
  }
  return out;
}

/** Validates an index spec from createIndexes and returns it in stored form. */
export function checkIndexSpec(spec: unknown): Doc {
  if (!isPlainObject(spec)) fail(2, 'index specification must be an object');
  const key = spec.key;
  if (!isPlainObject(key) || Object.keys(key).length === 0)
    fail(2, "Error in specification: 'key' must be a non-empty object");
  for (const [k, v] of Object.entries(key)) {
    const n = num(v, Number.NaN);
    if (typeof v === 'string')
      fail(238, `Index type '${v}' on field '${k}' is not supported by the embedded store`);
    if (Number.isNaN(n) || n === 0) fail(2, `Values in the index key pattern can't be 0 or NaN: ${k}`);
  }
  if (typeof spec.name !== 'string' || spec.name === '')
    fail(2, "Error in specification: the 'name' field is required");
  if (spec.collation !== undefined && isPlainObject(spec.collation) && spec.collation.locale !== 'simple') {
    fail(238, 'collation other than simple is not supported by the embedded store');
  }
  const out: Doc = { v: 2, key, name: spec.name };
  for (const k of Object.keys(spec)) {
    if (k === 'key' || k === 'name' || k === 'v' || k === 'ns' || k === 'background') continue;
    out[k] = spec[k];
  }
  if (out.unique !== undefined) out.unique = Boolean(num(out.unique, 0)) || out.unique === true;
  if (out.sparse !== undefined) out.sparse = Boolean(num(out.sparse, 0)) || out.sparse === true;
  return out;
}

/** The default name MongoDB gives an index: `a_1_b_-1`. */
export function defaultIndexName(key: Doc): string {
  return Object.entries(key)
    .map(([k, v]) => `${k}_${typeof v === 'string' ? v : num(v)}`)
    .join('_');
}
