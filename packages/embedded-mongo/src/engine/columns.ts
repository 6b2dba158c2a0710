import { INHERITED } from './codegen-source.js';
import type { Doc } from './values.js';
import { bsonType, isPlainObject } from './values.js';

/**
 * Value columns kept beside a large collection's documents, for scans that group and sum.
 *
 * A report over every document of a million-document collection is bound by memory reads: each document,
 * its nested object and its values are separate objects wherever the collector put them, and reading
 * them costs more than the work done per document (see docs/reports.md). A column holds one field path's
 * value for every document, in the collection's order, in typed arrays: a code per document (missing,
 * null, number, date, or the index of a value in the column's table of texts, booleans and ObjectIds)
 * and, for numbers and dates, the number itself. Filtering and grouping then read a few contiguous arrays
 * instead of a million scattered objects.
 *
 * Columns are derived data, kept exact: an insert (a new document, last in the collection's order)
 * appends to every built column; a replacement (an update: the document keeps its place in the map) is noted,
 * and its row coded again before the next scan; a removal drops them all (rebuilt on the next scan that
 * wants them). A column whose path meets a value it cannot code (an array, an embedded document, a number
 * wrapper, any other BSON type) is marked unusable, and scans over it take the document path.
 */

export const MISSING = 0;
export const NULL = 1;
export const NUMBER = 2;
export const DATE = 3;
/** Codes from here on index a column's table of values. */
export const FIRST_VALUE = 4;

/** Most distinct values one column codes; past it the column is unusable (a scan reads the documents). */
const MAX_VALUES = 1 << 18;
/** Most documents replaced between scans whose rows are coded again; past it the columns are dropped. */
const MAX_REPLACED = 10_000;
/** Most columns kept per collection; past it they are all dropped and built again as scans ask. */
const MAX_COLUMNS = 48;

/**
 * Collections smaller than this are scanned over their documents (fast enough, and no memory spent).
 * `EMBEDDED_MONGO_COLUMN_MINIMUM` sets it at start (0 runs every scan that can on columns, for tests).
 */
let minimumDocs = Number(process.env.EMBEDDED_MONGO_COLUMN_MINIMUM ?? 50_000);

/** Sets the collection size from which scans use columns (tests set 0 to run every scan on them). */
export function setColumnMinimum(docs: number): void {
  minimumDocs = docs;
}

/** The collection size from which scans use columns. */
export function columnMinimum(): number {
  return minimumDocs;
}

/** The steps of a dotted path, or undefined when a step is empty or an inherited name. */
export function pathSteps(path: string): string[] | undefined {
  const steps = path.split('.');
  return steps.some((s) => s === '' || INHERITED.has(s)) ? undefined : steps;
}

/** The unusable-value marker of {@link readPath}. */
const ODD = Symbol('odd');

/**
 * The value at `steps` of a stored document: undefined through null, missing or a scalar (as MongoDB
 * reads a path), ODD through an array or an object other than a plain one.
 */
function readPath(doc: Doc, steps: readonly string[]): unknown {
  let v: unknown = doc;
  for (let i = 0; i < steps.length; i += 1) {
    if (v === null || typeof v !== 'object') return undefined;
    // Stored objects are plain and mostly built by object literals: told by their constructor first.
    if (i > 0 && (v as object).constructor !== Object && !isPlainObject(v)) return ODD;
    v = (v as Doc)[steps[i] as string];
  }
  return v;
}

/** A column's codes: as narrow an array as its largest code allows (most columns hold a few values). */
export type Codes = Uint8Array | Uint16Array | Int32Array;

/** One field path's values over a collection's documents, in the collection's order. */
export class Column {
  codes: Codes;
  /** The number of a NUMBER code, the time of a DATE code; allocated at the first of either. */
  nums: Float64Array | undefined;
  /** The values of codes from FIRST_VALUE on: texts, booleans and ObjectIds, first instance seen. */
  readonly values: unknown[] = [];
  length = 0;
  /** False once a value could not be coded: scans over this path read the documents. */
  usable = true;
  private readonly scalars = new Map<unknown, number>();
  /** The value last coded and its code. */
  private lastValue: unknown = undefined;
  private lastCode = MISSING;
  /** ObjectId instances already coded (stored documents share them), before their words are looked up. */
  private readonly idRefs = new Map<object, number>();
  /** ObjectIds by their four 24-bit words: high pair, then low pair. */
  private readonly ids = new Map<number, Map<number, number>>();

  constructor(
    readonly path: string,
    private readonly steps: readonly string[],
    capacity: number,
  ) {
    this.codes = new Uint8Array(Math.max(16, capacity));
  }

  /** Appends the value of one more document; false when the column is (or became) unusable. */
  push(doc: Doc): boolean {
    if (!this.usable) return false;
    const i = this.length;
    if (i === this.codes.length) this.grow(this.codes.length * 2);
    if (!this.write(i, doc)) return false;
    this.length = i + 1;
    return true;
  }

  /** Sets the value of row `i` (a document replaced in place). */
  replace(i: number, doc: Doc): void {
    if (this.usable && i < this.length) this.write(i, doc);
  }

  /** Codes `doc`'s value into row `i`; false (the column made unusable) when it cannot. */
  private write(i: number, doc: Doc): boolean {
    const v = readPath(doc, this.steps);
    let code: number;
    // Stored documents share repeated ids and short texts: the value of the row before is often the very same.
    if (v === this.lastValue && typeof v !== 'number' && !(v instanceof Date)) code = this.lastCode;
    else if (v === undefined) code = MISSING;
    else if (v === null) code = NULL;
    else if (typeof v === 'number') {
      code = NUMBER;
      this.numbers()[i] = v;
    } else if (typeof v === 'string' || typeof v === 'boolean') {
      const known = this.scalars.get(v);
      code = known ?? this.add(v);
      if (known === undefined) this.scalars.set(v, code);
    } else if (v instanceof Date && !Number.isNaN(v.getTime())) {
      code = DATE;
      this.numbers()[i] = v.getTime();
    } else {
      const known = this.idRefs.get(v as object);
      const found = known ?? (bsonType(v) === 'ObjectId' ? this.idCode(v, true) : undefined);
      if (found === undefined) return this.unusable();
      if (known === undefined && this.idRefs.size < 4096) this.idRefs.set(v as object, found);
      code = found;
    }
    if (this.values.length > MAX_VALUES) return this.unusable();
    this.lastValue = v;
    this.lastCode = code;
    if (code > 255 && !(this.codes instanceof Int32Array)) {
      if (this.codes instanceof Uint8Array) this.widen(new Uint16Array(this.codes.length));
      if (code > 65535) this.widen(new Int32Array(this.codes.length));
    }
    this.codes[i] = code;
    return true;
  }

  /**
   * The code of a constant a filter compares with: -1 when no document holds it, undefined when it is
   * not a value columns code by table (numbers, dates, null and missing have codes of their own).
   */
  codeOf(v: unknown): number | undefined {
    if (typeof v === 'string' || typeof v === 'boolean') return this.scalars.get(v) ?? -1;
    if (bsonType(v) === 'ObjectId') return this.idCode(v, false) ?? -1;
    return undefined;
  }

  private idCode(v: unknown, add: boolean): number | undefined {
    const o = v as { i0?: unknown; i1?: unknown; i2?: unknown; i3?: unknown };
    if (
      typeof o.i0 !== 'number' ||
      typeof o.i1 !== 'number' ||
      typeof o.i2 !== 'number' ||
      typeof o.i3 !== 'number'
    )
      return undefined;
    const hi = o.i0 * 16777216 + o.i1;
    const lo = o.i2 * 16777216 + o.i3;
    let below = this.ids.get(hi);
    if (below === undefined) {
      if (!add) return undefined;
      below = new Map();
      this.ids.set(hi, below);
    }
    const known = below.get(lo);
    if (known !== undefined || !add) return known;
    const code = this.add(v);
    below.set(lo, code);
    return code;
  }

  private add(v: unknown): number {
    this.values.push(v);
    return FIRST_VALUE + this.values.length - 1;
  }

  private numbers(): Float64Array {
    if (!this.nums) this.nums = new Float64Array(this.codes.length);
    return this.nums;
  }

  /** Copies the codes into `codes` (a wider array of the same length). */
  private widen(codes: Codes): void {
    codes.set(this.codes);
    this.codes = codes;
  }

  private grow(length: number): void {
    const codes = new (this.codes.constructor as new (n: number) => Codes)(length);
    codes.set(this.codes);
    this.codes = codes;
    if (this.nums) {
      const nums = new Float64Array(codes.length);
      nums.set(this.nums);
      this.nums = nums;
    }
  }

  private unusable(): false {
    this.usable = false;
    this.codes = new Uint8Array(0);
    this.nums = undefined;
    this.values.length = 0;
    this.scalars.clear();
    this.ids.clear();
    this.idRefs.clear();
    return false;
  }
}

/** The columns built for one collection, all of the same length: its number of documents. */
export class ColumnSet {
  readonly columns = new Map<string, Column>();

  /**
   * Documents that replaced others in place since the columns were built: their rows are found and coded
   * again before the next scan (one pass over the collection's map, comparing identities only).
   */
  private readonly replaced = new Set<Doc>();

  constructor(private readonly docs: ReadonlyMap<string, Doc>) {}

  /** Appends a document inserted last in the collection's order to every column. */
  append(doc: Doc): void {
    for (const c of this.columns.values()) c.push(doc);
  }

  /**
   * Notes `doc` as having replaced a document in place (its row unchanged); false when too many wait, and
   * the columns should rather be dropped.
   */
  noteReplaced(doc: Doc): boolean {
    if (this.replaced.size >= MAX_REPLACED) return false;
    this.replaced.add(doc);
    return true;
  }

  /** Codes again the rows of documents replaced since the last scan. */
  private catchUp(): void {
    if (this.replaced.size === 0) return;
    const columns = [...this.columns.values()].filter((c) => c.usable);
    let row = 0;
    let left = this.replaced.size;
    for (const d of this.docs.values()) {
      if (this.replaced.has(d)) {
        for (const c of columns) c.replace(row, d);
        // A document replaced twice left its first replacement in the set but not in the map: the pass
        // ends early only when every one noted was found.
        if (--left === 0) break;
      }
      row += 1;
    }
    this.replaced.clear();
  }

  /**
   * Builds the columns of `paths` not built yet, in one pass over the documents (a pass is bound by reading
   * each document from memory, whatever it takes from it). Paths that are never read so are left out.
   */
  build(paths: Iterable<string>): void {
    this.catchUp();
    const wanted: Column[] = [];
    for (const path of paths) {
      if (this.columns.has(path) || wanted.some((c) => c.path === path)) continue;
      const steps = pathSteps(path);
      if (steps) wanted.push(new Column(path, steps, this.docs.size));
    }
    if (wanted.length === 0) return;
    if (this.columns.size + wanted.length > MAX_COLUMNS) this.columns.clear();
    let open = wanted;
    for (const d of this.docs.values()) {
      let lost = false;
      for (const c of open) if (!c.push(d)) lost = true;
      if (lost) {
        open = open.filter((c) => c.usable);
        if (open.length === 0) break;
      }
    }
    for (const c of wanted) this.columns.set(c.path, c);
  }

  /** The column of `path`, built over the documents if it is not yet; undefined for a path never read so. */
  column(path: string): Column | undefined {
    this.build([path]);
    return this.columns.get(path);
  }
}
