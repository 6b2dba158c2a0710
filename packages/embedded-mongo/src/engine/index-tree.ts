import type { Query } from 'mingo';
import BTreeModule from 'sorted-btree';
import { fail } from '../errors.js';
import { parseCollation, type StringCollator } from './collation.js';
import { compareBson, MIN, valueKey } from './compare.js';
import { checkIndexedLocation } from './geo-ops.js';
import { mongoQuery } from './mingo-ext.js';
import { keyValues } from './paths.js';
import { TextPostings, textSpecOf } from './text-search.js';
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

/** What an index is: an ordered (B-tree) index, a text index, or a geo index. */
export type IndexKind = 'btree' | 'text' | '2dsphere' | '2d';

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
  /** A hidden index is kept up to date but never chosen by the planner. */
  readonly hidden: boolean;
  /** The collation its string keys are ordered by (undefined: binary). */
  readonly collator: StringCollator | undefined;
  /** Ordered, text or geo. Only ordered indexes serve the planner; the others serve $text / $near. */
  readonly kind: IndexKind;
  /** The location field of a geo index. */
  readonly geoField: string | undefined;
  /** The inverted index of a text index. */
  readonly text: TextPostings | undefined;
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
    this.hidden = spec.hidden === true;
    this.sparse = spec.sparse === true;
    this.partial = isPlainObject(spec.partialFilterExpression)
      ? mongoQuery(view(spec.partialFilterExpression) as Doc)
      : undefined;
    this.expireAfterSeconds =
      spec.expireAfterSeconds === undefined ? undefined : num(spec.expireAfterSeconds, Number.NaN);
    const collator = parseCollation(spec.collation);
    this.collator = collator;
    const special = Object.entries(key).find(([, v]) => typeof v === 'string');
    this.kind = special?.[0] === '_fts' ? 'text' : ((special?.[1] as IndexKind | undefined) ?? 'btree');
    this.geoField = this.kind === '2dsphere' || this.kind === '2d' ? special?.[0] : undefined;
    this.text = this.kind === 'text' ? new TextPostings(textSpecOf(spec)) : undefined;
    const dirs = this.fields.map((f) => f.dir);
    const n = dirs.length;
    const d0 = dirs[0] ?? 1;
    // Single-field indexes are the common case: skip the loop.
    this.cmp =
      n === 1
        ? (a, b) => {
            const c = compareBson(a[0], b[0], collator);
            if (c !== 0) return d0 < 0 ? -c : c;
            return compareBson(a[1], b[1]);
          }
        : (a, b) => {
            for (let i = 0; i < n; i++) {
              const c = compareBson(a[i], b[i], collator);
              if (c !== 0) return dirs[i]! < 0 ? -c : c;
            }
            return compareBson(a[n], b[n]);
          };
    this.tree = new BTree<TreeKey, Doc>(undefined, this.cmp);
  }

  /** Refuses a document this index cannot hold (a geo index: an invalid location, 16755). */
  check(v: Doc): void {
    if (!this.geoField || (this.partial && !this.partial.test(v))) return;
    let cur: unknown = v;
    for (const p of this.geoField.split('.')) cur = isPlainObject(cur) ? ownField(cur, p) : undefined;
    checkIndexedLocation(this.kind, this.geoField, cur);
  }

  /** Keeps a text index's postings in step with the document `id` (`v` undefined: removed). */
  track(id: string, v: Doc | undefined): void {
    if (!this.text) return;
    this.text.update(id, v && (!this.partial || this.partial.test(v)) ? v : undefined);
  }

  /** The index keys of a document (evaluation view), or undefined when the index skips it. */
  keysOf(v: Doc): unknown[][] | undefined {
    // Text and geo indexes keep no tree: $text reads the postings, $near scans and measures.
    if (this.kind !== 'btree') return undefined;
    if (this.partial && !this.partial.test(v)) return undefined;
    if (!this.sparse) {
      // Fast path: no array along any path, so no fan-out — one key, built without the per-field value
      // lists, dedupe sets and combination arrays (those were the largest allocation of an insert).
      const key = this.plainKey(v);
      if (key) return [key];
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

  /**
   * The one key of a document whose indexed paths cross no array (as {@link keysOf} would build it: a
   * missing value, or a path through a non-document, is null), or undefined when one does.
   */
  private plainKey(v: Doc): unknown[] | undefined {
    const { fields } = this;
    const key: unknown[] = new Array(fields.length);
    for (let i = 0; i < fields.length; i++) {
      const parts = (fields[i] as KeyField).parts;
      let cur: unknown = v;
      for (let j = 0; j < parts.length; j++) {
        if (Array.isArray(cur)) return undefined;
        cur = isPlainObject(cur) ? ownField(cur, parts[j] as string) : undefined;
      }
      if (Array.isArray(cur)) return undefined;
      key[i] = cur === undefined ? null : cur;
    }
    return key;
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
      for (let i = 0; i < n; i++) if (compareBson(hk[i], k[i], this.collator) !== 0) same = false;
      if (!same) continue;
      if (hk[n] !== idKey) return k;
      // The same document holds this key; look at the next entry too.
      const next = this.tree.nextHigherPair(hk);
      if (next) {
        let same2 = true;
        for (let i = 0; i < n; i++) if (compareBson(next[0][i], k[i], this.collator) !== 0) same2 = false;
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
    if (typeof v === 'string') {
      if (v === 'hashed') fail(238, `hashed indexes are not supported by the embedded store (field '${k}')`);
      if (!['text', '2dsphere', '2d'].includes(v)) fail(67, `Unknown index plugin '${v}'`);
      continue;
    }
    if (k === '$**' || k.endsWith('.$**'))
      fail(238, 'wildcard indexes are not supported by the embedded store');
    const n = num(v, Number.NaN);
    if (Number.isNaN(n) || n === 0) fail(2, `Values in the index key pattern can't be 0 or NaN: ${k}`);
  }
  if (typeof spec.name !== 'string' || spec.name === '')
    fail(2, "Error in specification: the 'name' field is required");
  const collator = parseCollation(spec.collation);
  const out: Doc = { v: 2, key: specialKey(key, spec), name: spec.name };
  for (const k of Object.keys(spec)) {
    if (k === 'key' || k === 'name' || k === 'v' || k === 'ns' || k === 'background') continue;
    out[k] = spec[k];
  }
  // The full collation as mongod reports it; a simple one is no collation at all.
  if (collator) out.collation = collator.spec;
  else delete out.collation;
  if (out.unique !== undefined) out.unique = Boolean(num(out.unique, 0)) || out.unique === true;
  if (out.sparse !== undefined) out.sparse = Boolean(num(out.sparse, 0)) || out.sparse === true;
  return out;
}

/**
 * The key pattern as mongod stores it: a text index's fields become `weights` and the key
 * `{ _fts: 'text', _ftsx: 1 }`; a geo index may have one location field (a 2d one first).
 */
function specialKey(key: Doc, spec: Doc): Doc {
  // Already in mongod's form (a spec read back from the journal or copied by $out).
  if (Object.hasOwn(key, '_fts')) return key;
  const entries = Object.entries(key);
  const text = entries.filter(([, v]) => v === 'text');
  const geo = entries.filter(([, v]) => v === '2dsphere' || v === '2d');
  if (text.length > 0) {
    if (text.length !== entries.length || geo.length)
      fail(
        238,
        'compound text indexes (text fields with other keys) are not supported by the embedded store',
      );
    const weights: Doc = {};
    for (const [field] of text) weights[field] = 1;
    if (isPlainObject(spec.weights))
      for (const [field, w] of Object.entries(spec.weights)) weights[field] = num(w, Number.NaN);
    for (const [field, w] of Object.entries(weights))
      if (!(Number.isInteger(w) && (w as number) >= 1 && (w as number) < 100000))
        fail(2, `weight for text index needs numeric type: ${field}: ${String(w)}`);
    spec.weights = weights;
    spec.default_language ??= 'english';
    spec.language_override ??= 'language';
    spec.textIndexVersion ??= 3;
    return { _fts: 'text', _ftsx: 1 };
  }
  if (geo.length > 1) fail(16750, 'Expect only one geo field in an index');
  if (geo[0]?.[1] === '2d' && entries[0]![1] !== '2d') fail(16801, '2d has to be first in index');
  if (geo[0]?.[1] === '2dsphere') spec['2dsphereIndexVersion'] ??= 3;
  return key;
}

/** The default name MongoDB gives an index: `a_1_b_-1`. */
export function defaultIndexName(key: Doc): string {
  return Object.entries(key)
    .map(([k, v]) => `${k}_${typeof v === 'string' ? v : num(v)}`)
    .join('_');
}
