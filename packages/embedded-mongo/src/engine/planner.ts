import { fail } from '../errors.js';
import { type StringCollator, sameCollation } from './collation.js';
import type { Collection } from './collection.js';
import { Bound, compareBson, MAX, MIN, typeRank } from './compare.js';
import type { Index, TreeKey } from './index-tree.js';
import { type Doc, isPlainObject, normalize, view } from './values.js';

/** A value interval on one field, in BSON order. */
interface Interval {
  lo: unknown;
  loInc: boolean;
  hi: unknown;
  hiInc: boolean;
}

/** How a query reads a collection, for tests and `explain`. */
export interface PlanInfo {
  stage: 'COLLSCAN' | 'IXSCAN' | 'IDHACK' | 'EOF' | 'TEXT' | 'GEO_NEAR';
  indexName?: string;
  /** True when documents come out in the order the sort asked for. */
  sortProvided: boolean;
}

/** Counters of one execution. */
export interface ExecStats {
  keysExamined: number;
  docsExamined: number;
}

/** A chosen access path: candidate documents (a superset of the matches) and plan info. */
export interface Access {
  info: PlanInfo;
  docs: Iterable<Doc>;
  /**
   * The filter without the equalities the index bounds already guarantee (top-level, or in a top-level
   * `$and`, on the index's leading point fields), for callers that read every candidate.
   */
  residual?: Doc;
  /** How many index keys the ranges hold (eager plans only): how selective the index is. */
  estimate?: number;
}

const POINT_OPS = new Set(['$eq', '$in']);

type Cmp = (a: unknown, b: unknown) => number;

/** True when an interval's bounds hold strings (whose order depends on the collation). */
function touchesStrings(iv: Interval): boolean {
  const has = (v: unknown): boolean =>
    typeof v === 'string' ||
    (v instanceof Bound && v.rank === 4) ||
    (Array.isArray(v) && v.some(has)) ||
    (isPlainObject(v) && Object.values(v).some(has));
  return has(iv.lo) || has(iv.hi);
}
const RANGE_OPS = new Set(['$gt', '$gte', '$lt', '$lte']);

/**
 * Derives per-field intervals from a filter (evaluation view). Only conditions that must hold for
 * every match are used ($and / top-level fields); anything else is left to the matcher.
 */
export function fieldIntervals(
  filter: Doc,
  multikey = false,
  cmp: Cmp = compareBson,
): Map<string, Interval[]> {
  const out = new Map<string, Interval[]>();
  const visit = (f: Doc) => {
    for (const [k, cond] of Object.entries(f)) {
      if (k === '$and' && Array.isArray(cond)) {
        for (const c of cond) if (isPlainObject(c)) visit(c);
        continue;
      }
      if (k.startsWith('$')) continue;
      const iv = condIntervals(cond, multikey, cmp);
      if (!iv) continue;
      const prev = out.get(k);
      // On a multikey index two predicates may be met by different array elements ({ b: [8, 0] }
      // matches $gte: 3 and $lt: 5), so bounds are not intersected: the first one is used.
      if (prev && multikey) continue;
      out.set(k, prev ? intersect(prev, iv, cmp) : iv);
    }
  };
  visit(filter);
  return out;
}

function point(v: unknown): Interval[] | undefined {
  if (
    v instanceof RegExp ||
    Array.isArray(v) ||
    (v !== null && typeof v === 'object' && (v as { _bsontype?: string })._bsontype === 'BSONRegExp')
  )
    return undefined;
  return [{ lo: v, loInc: true, hi: v, hiInc: true }];
}

function condIntervals(cond: unknown, multikey: boolean, cmp: Cmp): Interval[] | undefined {
  if (!isPlainObject(cond)) return point(cond);
  const keys = Object.keys(cond);
  if (keys.length === 0 || !keys.every((k) => k.startsWith('$'))) return point(cond);
  let res: Interval[] | undefined;
  for (const op of keys) {
    const arg = cond[op];
    let iv: Interval[] | undefined;
    if (op === '$eq') iv = point(arg);
    else if (op === '$in' && Array.isArray(arg)) {
      const parts = arg.map(point);
      if (parts.every((p) => p !== undefined)) {
        iv = (parts as Interval[][]).flat().sort((a, b) => cmp(a.lo, b.lo));
      }
    } else if (RANGE_OPS.has(op)) {
      if (arg instanceof RegExp || Array.isArray(arg)) continue;
      const r = typeRank(arg);
      // Range predicates are type-bracketed in MongoDB: $gt: 5 only matches numbers.
      if (op === '$gt' || op === '$gte')
        iv = [{ lo: arg, loInc: op === '$gte', hi: new Bound(r, true), hiInc: true }];
      else iv = [{ lo: new Bound(r, false), loInc: true, hi: arg, hiInc: op === '$lte' }];
    }
    if (iv) {
      if (res && multikey) continue;
      res = res ? intersect(res, iv, cmp) : iv;
    } else if (POINT_OPS.has(op)) return undefined;
  }
  return res;
}

function intersect(a: Interval[], b: Interval[], cmp: Cmp): Interval[] {
  const out: Interval[] = [];
  for (const x of a) {
    for (const y of b) {
      const lc = cmp(x.lo, y.lo);
      const lo = lc >= 0 ? x.lo : y.lo;
      const loInc = lc > 0 ? x.loInc : lc < 0 ? y.loInc : x.loInc && y.loInc;
      const hc = cmp(x.hi, y.hi);
      const hi = hc <= 0 ? x.hi : y.hi;
      const hiInc = hc < 0 ? x.hiInc : hc > 0 ? y.hiInc : x.hiInc && y.hiInc;
      const c = cmp(lo, hi);
      if (c < 0 || (c === 0 && loInc && hiInc)) out.push({ lo, loInc, hi, hiInc });
    }
  }
  return out;
}

function isPoint(iv: Interval[], cmp: Cmp): boolean {
  return iv.every((i) => i.loInc && i.hiInc && cmp(i.lo, i.hi) === 0);
}

/** Chooses the index that bounds the most leading key fields (equalities first). */
function chooseIndex(
  candidates: Iterable<Index>,
  tight: Map<string, Interval[]>,
  loose: Map<string, Interval[]>,
  cmp: Cmp,
  collation: StringCollator | undefined,
  hinted = false,
): { ix: Index; used: number; ivs: Map<string, Interval[]> } | undefined {
  let best: { ix: Index; used: number; score: number; ivs: Map<string, Interval[]> } | undefined;
  for (const ix of candidates) {
    const ivs = ix.multikey ? loose : tight;
    if (ix.partial || ix.kind !== 'btree' || (ix.hidden && !hinted)) continue;
    let used = 0;
    let score = 0;
    for (const f of ix.fields) {
      const iv = ivs.get(f.path);
      if (!iv) break;
      // A multikey index cannot answer an equality on a whole array; a sparse one misses nulls.
      if (ix.sparse && iv.some((i) => typeRank(i.lo) <= 2)) break;
      used++;
      // An index ordered under another collation cannot bound strings for this query.
      if (!sameCollation(ix.collator, collation) && iv.some(touchesStrings)) break;
      if (isPoint(iv, cmp)) score += 10;
      else {
        score += 3;
        break;
      }
    }
    if (used === 0) continue;
    if (ix.unique && used === ix.fields.length) score += 5;
    if (!best || score > best.score) best = { ix, used, score, ivs };
  }
  return best;
}

/** Builds tree-key ranges for the used fields (later fields unbounded). */
function ranges(ix: Index, ivs: Map<string, Interval[]>, used: number, cmp: Cmp): [TreeKey, TreeKey][] {
  let acc: [unknown[], unknown[]][] = [[[], []]];
  for (let i = 0; i < ix.fields.length; i++) {
    const f = ix.fields[i]!;
    const next: [unknown[], unknown[]][] = [];
    if (i >= used) {
      for (const [lo, hi] of acc)
        next.push([
          [...lo, f.dir > 0 ? MIN : MAX],
          [...hi, f.dir > 0 ? MAX : MIN],
        ]);
    } else {
      for (const iv of ivs.get(f.path)!) {
        for (const [lo, hi] of acc) {
          // Exclusive bounds are expressed through the trailing MIN/MAX of the remaining fields.
          const loV = f.dir > 0 ? iv.lo : iv.hi;
          const hiV = f.dir > 0 ? iv.hi : iv.lo;
          next.push([
            [...lo, loV],
            [...hi, hiV],
          ]);
        }
      }
    }
    acc = next;
  }
  const out: [TreeKey, TreeKey][] = [];
  const ivLast = used > 0 ? ivs.get(ix.fields[used - 1]!.path)! : [];
  for (const [lo, hi] of acc) {
    // The trailing `_id` slot decides inclusivity at the boundary values.
    const last = ivLast.find((iv) => {
      const f = ix.fields[used - 1]!;
      return cmp(f.dir > 0 ? iv.lo : iv.hi, lo[used - 1]) === 0;
    });
    const dirLast = ix.fields[used - 1]?.dir ?? 1;
    const loInc = last ? (dirLast > 0 ? last.loInc : last.hiInc) : true;
    const hiInc = last ? (dirLast > 0 ? last.hiInc : last.loInc) : true;
    out.push([
      [...lo, loInc ? MIN : MAX],
      [...hi, hiInc ? MAX : MIN],
    ]);
  }
  return out;
}

/** The index a `hint` names (by name or key pattern); BadValue 2 when none does, as mongod. */
export function hintedIndex(coll: Collection, hint: unknown): Index | 'natural' | undefined {
  if (hint === undefined || hint === null) return undefined;
  if (isPlainObject(hint)) {
    const keys = Object.keys(hint);
    if (keys.length === 0) return undefined;
    if (keys.length === 1 && keys[0] === '$natural') return 'natural';
    const want = JSON.stringify(view(normalize(hint)));
    for (const ix of coll.indexes.values())
      if (!ix.hidden && JSON.stringify(view(ix.spec.key)) === want) return ix;
  } else if (typeof hint === 'string') {
    const ix = coll.indexes.get(hint);
    // A hidden index cannot be hinted, as on mongod.
    if (ix && !ix.hidden) return ix;
  }
  fail(2, 'hint provided does not correspond to an existing index');
}

/**
 * Picks an access path for a filter, optionally one that yields the requested sort order. `eager` reads
 * the whole index range at once (callers that consume every candidate, as an aggregation does): the tree
 * walks its leaves without comparing each key, and the answer carries the residual filter.
 */
export function planAccess(
  coll: Collection,
  filter: Doc,
  stats: ExecStats,
  sort?: Doc,
  hint?: Index | 'natural',
  collation?: StringCollator,
  eager = false,
): Access {
  const cmp: Cmp = collation ? (a, b) => compareBson(a, b, collation) : compareBson;
  if (hint === 'natural' || (hint && hint.kind !== 'btree'))
    return { info: { stage: 'COLLSCAN', sortProvided: false }, docs: collScan(coll, stats) };
  const tight = fieldIntervals(filter, false, cmp);
  const chosen = chooseIndex(
    hint ? [hint] : coll.indexes.values(),
    tight,
    fieldIntervals(filter, true, cmp),
    cmp,
    collation,
    hint !== undefined,
  );
  if (hint && !chosen) {
    // A hinted index that bounds nothing is scanned whole, in its order (sparse and partial
    // indexes then yield only the documents they hold, as on mongod).
    const sortProvided =
      !!sort &&
      !hint.multikey &&
      sameCollation(hint.collator, collation) &&
      sortMatches(hint, sort, 0, tight, cmp);
    return {
      info: { stage: 'IXSCAN', indexName: hint.name, sortProvided },
      docs: scan(hint, [fullRange(hint)], stats, hint.multikey, sortProvided && sortReversed(hint, sort!)),
    };
  }
  const ivs = chosen?.ivs ?? tight;
  if (chosen) {
    const { ix, used } = chosen;
    const rs = ranges(ix, ivs, used, cmp);
    const sortProvided =
      !!sort &&
      rs.length === 1 &&
      !ix.multikey &&
      sameCollation(ix.collator, collation) &&
      sortMatches(ix, sort, used, ivs, cmp);
    const reverse = sortProvided && sortReversed(ix, sort!);
    const info: PlanInfo = {
      stage: ix.name === '_id_' && used === 1 ? 'IDHACK' : 'IXSCAN',
      indexName: ix.name,
      sortProvided,
    };
    if (eager && !reverse) {
      let all: Doc[] | undefined;
      // Read on first use only: a caller may prefer scanning the collection when the ranges hold most of it.
      const docs = {
        [Symbol.iterator]: () => {
          all ??= scanAll(ix, rs, stats, ix.multikey);
          return all[Symbol.iterator]();
        },
      };
      const access: Access = { info, docs, residual: residualFilter(filter, ix, used, ivs) };
      const estimate = rangeSize(ix, rs);
      if (estimate !== undefined) access.estimate = estimate;
      return access;
    }
    return { info, docs: scan(ix, rs, stats, ix.multikey, reverse) };
  }
  if (sort) {
    for (const ix of coll.indexes.values()) {
      if (
        ix.partial ||
        ix.sparse ||
        ix.multikey ||
        ix.hidden ||
        ix.kind !== 'btree' ||
        !sameCollation(ix.collator, collation)
      )
        continue;
      if (!sortMatches(ix, sort, 0, ivs, cmp)) continue;
      return {
        info: { stage: 'IXSCAN', indexName: ix.name, sortProvided: true },
        docs: scan(ix, [fullRange(ix)], stats, false, sortReversed(ix, sort)),
      };
    }
  }
  return { info: { stage: 'COLLSCAN', sortProvided: false }, docs: collScan(coll, stats) };
}

function fullRange(ix: Index): [TreeKey, TreeKey] {
  return [
    [...ix.fields.map((f) => (f.dir > 0 ? MIN : MAX)), MIN],
    [...ix.fields.map((f) => (f.dir > 0 ? MAX : MIN)), MAX],
  ];
}

function sortMatches(ix: Index, sort: Doc, used: number, ivs: Map<string, Interval[]>, cmp: Cmp): boolean {
  const sk = Object.entries(sort);
  if (sk.length === 0) return false;
  // Leading equality fields of the index may be skipped by the sort.
  let start = 0;
  while (
    start < used &&
    isPoint(ivs.get(ix.fields[start]!.path)!, cmp) &&
    ix.fields[start]!.path !== sk[0]![0]
  )
    start++;
  if (sk.length > ix.fields.length - start) return false;
  let sign = 0;
  for (let i = 0; i < sk.length; i++) {
    const f = ix.fields[start + i]!;
    const [path, d] = sk[i]!;
    if (f.path !== path) return false;
    const s = (Number(d) < 0 ? -1 : 1) * f.dir;
    if (sign === 0) sign = s;
    else if (s !== sign) return false;
  }
  return true;
}

function sortReversed(ix: Index, sort: Doc): boolean {
  const [path, d] = Object.entries(sort)[0]!;
  const f = ix.fields.find((x) => x.path === path)!;
  return (Number(d) < 0 ? -1 : 1) * f.dir < 0;
}

/** Scalars whose equality and index point agree (numbers, text, ids, dates, booleans, null). */
function pointValue(v: unknown): boolean {
  if (v === null || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return true;
  return (
    v instanceof Date || (typeof v === 'object' && (v as { _bsontype?: string })._bsontype === 'ObjectId')
  );
}

/**
 * The filter without the equality conditions an index scan already guarantees: those on the first `used`
 * fields of a single-valued index whose bounds are that one point. Conditions inside `$or` and the like stay.
 */
export function residualFilter(filter: Doc, ix: Index, used: number, ivs: Map<string, Interval[]>): Doc {
  if (ix.multikey || ix.partial || ix.sparse || ix.collator) return filter;
  const implied = new Map<string, unknown>();
  for (const f of ix.fields.slice(0, used)) {
    const iv = ivs.get(f.path);
    if (iv && iv.length === 1 && isPoint(iv, compareBson)) implied.set(f.path, iv[0]?.lo);
  }
  const keep = (f: Doc): Doc => {
    const out: Doc = {};
    for (const [k, cond] of Object.entries(f)) {
      if (k === '$and' && Array.isArray(cond) && cond.every(isPlainObject)) {
        const rest = cond.map(keep).filter((c) => Object.keys(c).length > 0);
        if (rest.length > 0) out[k] = rest;
        continue;
      }
      const eq = isPlainObject(cond) && Object.keys(cond).length === 1 && '$eq' in cond ? cond.$eq : cond;
      if (implied.has(k) && !isPlainObject(eq) && pointValue(eq) && compareBson(implied.get(k), eq) === 0)
        continue;
      out[k] = cond;
    }
    return out;
  };
  return keep(filter);
}

/** The parts of sorted-btree's nodes a rank needs (internal nodes keep their subtree sizes). */
interface TreeNode {
  keys: TreeKey[];
  children?: TreeNode[];
  size(): number;
  indexOf(key: TreeKey, failXor: number, cmp: (a: TreeKey, b: TreeKey) => number): number;
}

/** How many keys of the index sort before `key`, in O(log n) comparisons; undefined if the tree is opaque. */
function rankOf(ix: Index, key: TreeKey): number | undefined {
  let node = (ix.tree as unknown as { _root?: TreeNode })._root;
  let rank = 0;
  while (node?.children) {
    const children: TreeNode[] = node.children;
    let i = node.indexOf(key, 0, ix.cmp);
    if (i < 0 || i >= children.length) i = children.length - 1;
    for (let j = 0; j < i; j += 1) rank += (children[j] as TreeNode).size();
    node = children[i];
  }
  if (!node || typeof node.indexOf !== 'function') return undefined;
  const i = node.indexOf(key, 0, ix.cmp);
  return rank + (i < 0 ? ~i : i);
}

/** How many keys the ranges hold, or undefined when it cannot be told cheaply. */
function rangeSize(ix: Index, rs: [TreeKey, TreeKey][]): number | undefined {
  let total = 0;
  for (const [lo, hi] of rs) {
    if (ix.cmp(lo, hi) > 0) continue;
    const a = rankOf(ix, lo);
    const b = rankOf(ix, hi);
    if (a === undefined || b === undefined) return undefined;
    total += Math.max(0, b - a);
  }
  return total;
}

/** Every document of the ranges, in index order, read leaf by leaf (no comparison per key). */
function scanAll(ix: Index, rs: [TreeKey, TreeKey][], stats: ExecStats, dedupe: boolean): Doc[] {
  const out: Doc[] = [];
  const seen = dedupe || rs.length > 1 ? new Set<Doc>() : undefined;
  for (const [lo, hi] of rs) {
    if (ix.cmp(lo, hi) > 0) continue;
    stats.keysExamined += ix.tree.forRange(
      lo,
      hi,
      true,
      seen
        ? (_k, doc) => {
            if (seen.has(doc)) return;
            seen.add(doc);
            out.push(doc);
          }
        : (_k, doc) => {
            out.push(doc);
          },
    );
  }
  stats.docsExamined += out.length;
  return out;
}

function* scan(
  ix: Index,
  rs: [TreeKey, TreeKey][],
  stats: ExecStats,
  dedupe: boolean,
  reverse: boolean,
): Iterable<Doc> {
  const seen = dedupe || rs.length > 1 ? new Set<Doc>() : undefined;
  const cmp = ix.cmp;
  const order = reverse ? [...rs].reverse() : rs;
  for (const [lo, hi] of order) {
    if (cmp(lo, hi) > 0) continue;
    const it = reverse ? ix.tree.entriesReversed(hi) : ix.tree.entries(lo);
    for (const [k, doc] of it) {
      if (reverse ? cmp(k, lo) < 0 : cmp(k, hi) > 0) break;
      stats.keysExamined++;
      if (seen) {
        if (seen.has(doc)) continue;
        seen.add(doc);
      }
      yield doc;
    }
  }
}

/** A collection scan in insertion order (`$natural: 1`) or backwards (`$natural: -1`). */
export function naturalScan(coll: Collection, stats: ExecStats, reverse: boolean): Access {
  const docs = reverse ? reversed(coll, stats) : collScan(coll, stats);
  return { info: { stage: 'COLLSCAN', sortProvided: true }, docs };
}

function* reversed(coll: Collection, stats: ExecStats): Iterable<Doc> {
  const all = [...coll.docs.values()];
  for (let i = all.length - 1; i >= 0; i--) {
    stats.docsExamined++;
    yield all[i]!;
  }
}

function* collScan(coll: Collection, stats: ExecStats): Iterable<Doc> {
  for (const d of coll.docs.values()) {
    stats.docsExamined++;
    yield d;
  }
}
