import { calculateObjectSize, ObjectId } from 'bson';
import { MongoCommandError } from '../errors.js';
import { parseCollation, type StringCollator } from './collation.js';
import { ColumnSet, columnMinimum } from './columns.js';
import { valueKey } from './compare.js';
import { Index } from './index-tree.js';
import { layOutDoc } from './layout.js';
import { getPath } from './paths.js';
import { bsonType, type Doc, isPlainObject, normalize, num, view } from './values.js';

/** An in-memory collection: documents by `_id` key (insertion order) plus its indexes. */
export class Collection {
  readonly docs = new Map<string, Doc>();
  readonly indexes = new Map<string, Index>();
  options: Doc;
  /** Total BSON size of the documents, kept for capped collections only. */
  cappedBytes = 0;
  /** Insertion numbers of a capped collection's documents, for tailable cursors. */
  readonly insertSeq = new Map<string, number>();
  private nextSeq = 1;
  /** Tailable cursors waiting (awaitData) for the next insert. */
  readonly waiters = new Set<() => void>();
  /** Value columns for scans (see columns.ts): kept through inserts and replacements, dropped by removals. */
  private columnSet: ColumnSet | undefined;

  constructor(
    readonly db: string,
    public name: string,
    options: Doc,
  ) {
    this.options = options;
    // The _id index has the collection's default collation, as on mongod.
    const collation = isPlainObject(options.collation) ? { collation: options.collation } : {};
    this.indexes.set('_id_', new Index({ v: 2, key: { _id: 1 }, name: '_id_', ...collation }));
  }

  /** The default collation of the collection (`create` with `collation`), if any. */
  defaultCollation(): StringCollator | undefined {
    return parseCollation(this.options.collation);
  }

  /** `db.coll`. */
  get ns(): string {
    return `${this.db}.${this.name}`;
  }

  /** The `_id` key of a stored document. */
  static idKey(doc: Doc): string {
    return valueKey(view(doc._id));
  }

  /**
   * Inserts or replaces a document after checking every unique index; throws an 11000
   * MongoCommandError (and changes nothing) on a conflict. Returns the previous version.
   */
  put(input: Doc, knownId?: string, normalized = false): Doc | undefined {
    // Normalising an already-normalised document copies nothing; it (re)marks which containers hold
    // numeric wrappers, which documents assembled by the engine would otherwise lack. Inserts come
    // straight from prepareInsert, which already did it.
    const doc = layOutDoc(normalized ? input : (normalize(input) as Doc));
    const id = knownId ?? Collection.idKey(doc);
    const prev = this.docs.get(id);
    const v = view(doc);
    const pv = prev ? view(prev) : undefined;
    const plans: { ix: Index; oldKeys: unknown[][] | undefined; newKeys: unknown[][] | undefined }[] = [];
    for (const ix of this.indexes.values()) {
      ix.check(v);
      const newKeys = ix.keysOf(v);
      const oldKeys = pv ? ix.keysOf(pv) : undefined;
      // `_id` uniqueness is the document map's key; no tree probe needed.
      const c = ix.name === '_id_' ? undefined : ix.conflict(id, newKeys);
      if (c) throw duplicateKey(this, ix, c);
      plans.push({ ix, oldKeys, newKeys });
    }
    for (const p of plans) {
      if (prev && sameKeys(p.oldKeys, p.newKeys)) {
        if (p.newKeys) for (const k of p.newKeys) p.ix.tree.set([...k, id], doc);
        continue;
      }
      p.ix.remove(id, p.oldKeys);
      p.ix.add(id, doc, p.newKeys);
    }
    this.docs.set(id, doc);
    // A new document is last in the map's order, as in the columns; a replaced one keeps its place there.
    if (this.columnSet) {
      if (!prev) this.columnSet.append(doc);
      else if (!this.columnSet.noteReplaced(doc)) this.columnSet = undefined;
    }
    for (const ix of this.indexes.values()) ix.track(id, v);
    if (this.options.capped) {
      this.cappedBytes += calculateObjectSize(doc) - (prev ? calculateObjectSize(prev) : 0);
      if (!prev) {
        this.insertSeq.set(id, this.nextSeq++);
        for (const wake of this.waiters) wake();
        this.waiters.clear();
      }
    }
    return prev;
  }

  /**
   * The value columns of this collection for a scan, built as asked; undefined while the collection is
   * smaller than the size from which scans use them.
   */
  columns(): ColumnSet | undefined {
    if (this.docs.size < columnMinimum() || this.docs.size === 0) {
      this.columnSet = undefined;
      return undefined;
    }
    this.columnSet ??= new ColumnSet(this.docs);
    return this.columnSet;
  }

  /** A capped collection's limits (size in bytes, rounded as mongod does; max documents). */
  cappedLimits(): { size: number; max: number } | undefined {
    if (!this.options.capped) return undefined;
    const raw = num(this.options.size, 0);
    // mongod caps at least 4096 bytes and rounds the size up to a multiple of 256.
    const size = Math.max(4096, Math.ceil(raw / 256) * 256);
    const max = num(this.options.max, 0);
    return { size, max: max > 0 ? max : Number.POSITIVE_INFINITY };
  }

  /** Removes a document by `_id` key; returns it. */
  remove(id: string): Doc | undefined {
    const prev = this.docs.get(id);
    if (!prev) return undefined;
    const pv = view(prev);
    for (const ix of this.indexes.values()) {
      ix.remove(id, ix.keysOf(pv));
      ix.track(id, undefined);
    }
    this.docs.delete(id);
    this.columnSet = undefined;
    if (this.options.capped) {
      this.cappedBytes -= calculateObjectSize(prev);
      this.insertSeq.delete(id);
    }
    return prev;
  }

  /** Adds an index, building it over the existing documents (fails without change on a duplicate). */
  addIndex(ix: Index): void {
    for (const [id, doc] of this.docs) {
      const v = view(doc);
      try {
        ix.check(v);
      } catch (e) {
        ix.tree.clear();
        ix.text?.clear();
        throw e;
      }
      const keys = ix.keysOf(v);
      const c = ix.conflict(id, keys);
      if (c) {
        const err = duplicateKey(this, ix, c);
        ix.tree.clear();
        throw err;
      }
      ix.add(id, doc, keys);
      ix.track(id, v);
    }
    this.indexes.set(ix.name, ix);
  }

  /** Approximate data size: sum of BSON sizes is costly, so this estimates from a sample. */
  approxSize(sizeOf: (d: Doc) => number): number {
    const n = this.docs.size;
    if (n === 0) return 0;
    let total = 0;
    let seen = 0;
    const step = Math.max(1, Math.floor(n / 1000));
    let i = 0;
    for (const d of this.docs.values()) {
      if (i++ % step === 0) {
        total += sizeOf(d);
        seen++;
      }
    }
    return Math.round((total / seen) * n);
  }
}

function sameKeys(a: unknown[][] | undefined, b: unknown[][] | undefined): boolean {
  if (!a || !b) return a === b;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    for (let j = 0; j < x.length; j++) if (x[j] !== y[j] && valueKey(x[j]) !== valueKey(y[j])) return false;
  }
  return true;
}

/** Builds MongoDB's duplicate key error for index `ix` and key values `key`. */
export function duplicateKey(coll: Collection, ix: Index, key: unknown[]): MongoCommandError {
  const keyPattern: Doc = {};
  const keyValue: Doc = {};
  ix.fields.forEach((f, i) => {
    keyPattern[f.path] = ix.keyPattern()[f.path];
    keyValue[f.path] = key[i] === undefined ? null : key[i];
  });
  const shown = ix.fields.map((f, i) => `${f.path}: ${formatValue(key[i])}`).join(', ');
  return new MongoCommandError(
    11000,
    `E11000 duplicate key error collection: ${coll.ns} index: ${ix.name} dup key: { ${shown} }`,
    { keyPattern, keyValue },
  );
}

/** Formats a value as MongoDB's error messages show it. */
export function formatValue(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) return `new Date(${v.getTime()})`;
  if (v instanceof ObjectId) return `ObjectId('${v.toHexString()}')`;
  if (Array.isArray(v)) return `[ ${v.map(formatValue).join(', ')} ]`;
  if (isPlainObject(v)) {
    return `{ ${Object.entries(v)
      .map(([k, x]) => `${k}: ${formatValue(x)}`)
      .join(', ')} }`;
  }
  const t = bsonType(v);
  return t ? `${t}(${String(v)})` : String(v);
}

/** Re-export for planners: reads a value at a path of a document. */
export { getPath };
