import { CodegenBail, compileGroupLoop, compileSharedGroupLoop } from './codegen-group.js';
import { valueKey } from './compare.js';
import {
  type AccFactory,
  compileAcc,
  Fallback,
  fieldGetter,
  type Getter,
  type Group,
  isFieldPath,
} from './fast-acc.js';
import { compileExpr } from './fast-expr.js';
import { compileFastMatcher } from './fast-match.js';
import { parseSort, sortDocs } from './query.js';
import { type Doc, hasWrappers, isPlainObject, normalize, num, setField, view } from './values.js';

type Stage = (rows: Iterable<Doc>) => Doc[];

/** Tokens standing for non-scalar key values (dates, ids) in group maps, one per canonical value. */
const tokens = new Map<string, object>();

/** A Map key for one group-key value: scalars as they are, other values by their canonical value key. */
function hashKey(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  const t = typeof v;
  if (t === 'string' || t === 'boolean') return v;
  if (t === 'number') return Object.is(v, -0) ? 0 : v;
  const pv = view(v);
  if (typeof pv === 'number') return pv;
  const k = valueKey(pv);
  let token = tokens.get(k);
  if (!token) {
    if (tokens.size > 100_000) tokens.clear();
    token = {};
    tokens.set(k, token);
  }
  return token;
}

function compileGroup(spec: Doc, pred?: (d: Doc) => boolean): Stage | undefined {
  const idSpec = spec._id;
  // A compound key is hashed through nested maps, one level per key field, so no text is built per document.
  let parts: [string, Getter][] | undefined;
  let single: Getter | undefined;
  if (isPlainObject(idSpec) && !Object.keys(idSpec)[0]?.startsWith('$')) {
    const entries = Object.entries(idSpec).map(([k, e]) => [k, compileExpr(e)] as const);
    if (entries.length === 0 || entries.some(([k, g]) => !g || k.startsWith('$') || k.includes('.')))
      return undefined;
    parts = entries as [string, Getter][];
  } else {
    single = idSpec === undefined ? undefined : compileExpr(idSpec);
    if (!single) return undefined;
  }
  const accs: [string, AccFactory][] = [];
  for (const [k, v] of Object.entries(spec)) {
    if (k === '_id') continue;
    if (k.includes('.')) return undefined;
    const f = compileAcc(v);
    if (!f) return undefined;
    accs.push([k, f]);
  }
  const depth = parts ? parts.length : 1;
  const values: unknown[] = new Array(depth);
  const idOf = (): unknown => {
    if (!parts) return values[0] === undefined ? null : values[0];
    // MongoDB leaves a missing value out of a compound key.
    const o: Doc = {};
    parts.forEach(([k], i) => {
      if (values[i] !== undefined) setField(o, k, values[i]);
    });
    return o;
  };
  return (rows) => {
    const root = new Map<unknown, unknown>();
    const all: Group[] = [];
    for (const d of rows) {
      if (pred && !pred(d)) continue;
      if (parts) for (let i = 0; i < depth; i += 1) values[i] = (parts[i] as [string, Getter])[1](d);
      else values[0] = (single as Getter)(d);
      let level = root;
      for (let i = 0; i < depth - 1; i += 1) {
        const k = values[i] === undefined ? MISSING : hashKey(values[i]);
        let next = level.get(k) as Map<unknown, unknown> | undefined;
        if (!next) {
          next = new Map();
          level.set(k, next);
        }
        level = next;
      }
      const last = values[depth - 1];
      // In a compound key a missing value and null differ ({} vs { a: null }); a single key makes both null.
      const k = parts && last === undefined ? MISSING : hashKey(last);
      let g = level.get(k) as Group | undefined;
      if (!g) {
        g = { id: idOf(), accs: accs.map(([, f]) => f()) };
        all.push(g);
        level.set(k, g);
      }
      for (const a of g.accs) a.add(d);
    }
    const out: Doc[] = [];
    for (const g of all) {
      const o: Doc = { _id: g.id };
      accs.forEach(([k], i) => {
        setField(o, k, g.accs[i]!.result());
      });
      out.push(normalize(o) as Doc);
    }
    return out;
  };
}

/** The map key of a value missing from a compound group key. */
const MISSING = Symbol('missing');

function compileProject(spec: Doc): Stage | undefined {
  const entries = Object.entries(spec);
  let idOn = true;
  const incl: string[] = [];
  const excl: string[] = [];
  const computed: [string, Getter][] = [];
  for (const [k, v] of entries) {
    if (k.includes('.') || k.startsWith('$')) return undefined;
    if (v === 0 || v === false || v === 1 || v === true) {
      const on = v === 1 || v === true;
      if (k === '_id') idOn = on;
      else (on ? incl : excl).push(k);
    } else if (isFieldPath(v)) computed.push([k, fieldGetter(v)]);
    else return undefined;
  }
  if (excl.length && (incl.length || computed.length)) return undefined;
  if (incl.length && computed.length) return undefined;
  // `{ _id: 1 }` alone (or `{ _id: true }`) includes only `_id`; `{ _id: 0 }` alone excludes it.
  const idOnly = !excl.length && !incl.length && !computed.length && idOn && entries.length > 0;
  if (idOnly) return (rows) => Array.from(rows, (d) => (d._id === undefined ? {} : { _id: d._id }));
  if (excl.length || (!incl.length && !computed.length)) {
    const drop = new Set(excl);
    if (!idOn) drop.add('_id');
    return (rows) =>
      Array.from(rows, (d) => {
        const o: Doc = {};
        for (const [k, v] of Object.entries(d)) if (!drop.has(k)) setField(o, k, v);
        return o;
      });
  }
  if (incl.length) {
    const keep = new Set(incl);
    return (rows) =>
      Array.from(rows, (d) => {
        const o: Doc = {};
        if (idOn && d._id !== undefined) o._id = d._id;
        for (const [k, v] of Object.entries(d)) if (keep.has(k)) setField(o, k, v);
        return o;
      });
  }
  return (rows) =>
    Array.from(rows, (d) => {
      const o: Doc = {};
      if (idOn && d._id !== undefined) o._id = d._id;
      for (const [k, g] of computed) {
        const v = g(d);
        if (v !== undefined) setField(o, k, v);
      }
      return normalize(o) as Doc;
    });
}

function compileStage(st: Doc): Stage | undefined {
  const [op, arg] = Object.entries(st)[0]!;
  switch (op) {
    case '$match': {
      if (!isPlainObject(arg)) return undefined;
      if (Object.keys(arg).length === 0) return (rows) => Array.from(rows);
      const m = compileFastMatcher(view(arg));
      return (
        m &&
        ((rows) => {
          const out: Doc[] = [];
          for (const d of rows) if (m(d)) out.push(d);
          return out;
        })
      );
    }
    case '$group': {
      const g = isPlainObject(arg) ? compileGroup(arg) : undefined;
      return g && withLoop(compileGroupLoop(undefined, arg as Doc), g);
    }
    case '$sort': {
      if (!isPlainObject(arg)) return undefined;
      const spec = parseSort(view(arg));
      return (rows) => sortDocs(Array.from(rows), spec);
    }
    case '$project':
      return isPlainObject(arg) ? compileProject(arg) : undefined;
    case '$limit': {
      const n = num(arg, Number.NaN);
      return Number.isInteger(n) && n > 0 ? (rows) => take(rows, 0, n) : undefined;
    }
    case '$skip': {
      const n = num(arg, Number.NaN);
      return Number.isInteger(n) && n >= 0 ? (rows) => take(rows, n, Number.POSITIVE_INFINITY) : undefined;
    }
    case '$unwind':
      return compileUnwind(arg);
    case '$count':
      return typeof arg === 'string' && arg && !arg.startsWith('$') && !arg.includes('.')
        ? (rows) => {
            let c = 0;
            for (const _ of rows) c++;
            return c ? [{ [arg]: c }] : [];
          }
        : undefined;
    default:
      return undefined;
  }
}

/**
 * `$unwind` of a field path: a document per element of the array there (the path set to the element), a
 * scalar kept as it is, and null, missing or an empty array dropped — or kept with
 * `preserveNullAndEmptyArrays` (an empty array's field removed). `includeArrayIndex` is left to mingo, as are
 * documents with number wrappers or an array on the way to the path.
 */
function compileUnwind(arg: unknown): Stage | undefined {
  const spec = typeof arg === 'string' ? { path: arg } : isPlainObject(arg) ? arg : undefined;
  if (!spec || !isFieldPath(spec.path)) return undefined;
  for (const key of Object.keys(spec))
    if (key !== 'path' && key !== 'preserveNullAndEmptyArrays') return undefined;
  const preserve = spec.preserveNullAndEmptyArrays === true;
  const parts = spec.path.slice(1).split('.');
  // Inherited names ('__proto__', 'constructor') would be written as prototypes by the copies below.
  if (parts.some((p) => p === '' || p in Object.prototype)) return undefined;
  const set = (d: Doc, value: unknown, remove: boolean): Doc => {
    const out: Doc = { ...d };
    let into = out;
    for (let i = 0; i < parts.length - 1; i += 1) {
      const key = parts[i] as string;
      const next = { ...(into[key] as Doc) };
      into[key] = next;
      into = next;
    }
    const last = parts[parts.length - 1] as string;
    if (remove) delete into[last];
    else into[last] = value;
    return out;
  };
  const get = fieldGetter(spec.path);
  return (rows) => {
    const out: Doc[] = [];
    for (const d of rows) {
      if (hasWrappers(d)) throw new Fallback('number wrappers');
      const value = get(d);
      if (Array.isArray(value)) {
        if (value.length === 0) {
          if (preserve) out.push(set(d, undefined, true));
          continue;
        }
        for (const element of value) out.push(set(d, element, false));
      } else if (value === null || value === undefined) {
        if (preserve) out.push(d);
      } else out.push(d);
    }
    return out;
  };
}

/**
 * Compiles a pipeline of `$match` / `$unwind` / `$group` / `$sort` / `$project` / `$limit` / `$skip` /
 * `$count` (the common accumulators over field paths and the expressions of `fast-expr.ts`) into plain
 * loops; `$match` then `$group` become one generated loop (`codegen-group.ts`). Returns undefined when any
 * stage needs mingo; the returned function throws {@link Fallback} when a document does.
 */
export function compileFastPipeline(pipeline: Doc[]): ((docs: Iterable<Doc>) => Doc[]) | undefined {
  const stages: Stage[] = [];
  for (let i = 0; i < pipeline.length; i++) {
    const st = pipeline[i]!;
    const next = pipeline[i + 1];
    // `$match` directly followed by `$facet`: the match is the shared loop's first test.
    if (isPlainObject(st.$match) && next && '$facet' in next) {
      const f = compileFacet(st.$match, next.$facet);
      if (!f) return undefined;
      stages.push(f);
      i++;
      continue;
    }
    if ('$facet' in st) {
      const f = compileFacet(undefined, st.$facet);
      if (!f) return undefined;
      stages.push(f);
      continue;
    }
    // `$match` directly followed by `$group` runs as one loop (no intermediate array).
    if (isPlainObject(st.$match) && next && isPlainObject(next.$group) && Object.keys(st.$match).length > 0) {
      const m = compileFastMatcher(view(st.$match));
      const g = m && compileGroup(next.$group, m);
      if (!g) return undefined;
      stages.push(withLoop(compileGroupLoop(st.$match, next.$group), g));
      i++;
      continue;
    }
    const s = compileStage(st);
    if (!s) return undefined;
    stages.push(s);
  }
  return (docs) => {
    let rows: Iterable<Doc> = docs;
    for (const s of stages) rows = s(rows);
    return Array.isArray(rows) ? rows : Array.from(rows);
  };
}

/**
 * `$facet` (after an optional `common` match): one document holding each sub-pipeline's answer. When every
 * sub-pipeline starts with `$match` + `$group` (or `$group`), the documents are read in one generated loop
 * that feeds every group ({@link compileSharedGroupLoop}: a dashboard's widgets over one form, one scan),
 * and each sub-pipeline's later stages run on its groups. Otherwise, or when a document makes the loop bail,
 * each sub-pipeline runs on its own compiled path (the common match first). Undefined when any does not
 * compile.
 */
function compileFacet(common: Doc | undefined, spec: unknown): Stage | undefined {
  if (!isPlainObject(spec)) return undefined;
  const names = Object.keys(spec);
  if (names.length === 0 || names.some((n) => n === '' || n.startsWith('$') || n.includes('.')))
    return undefined;
  const subs: Doc[][] = [];
  for (const n of names) {
    const sub = spec[n];
    if (!Array.isArray(sub) || !sub.every((st) => isPlainObject(st) && Object.keys(st).length === 1))
      return undefined;
    subs.push(sub as Doc[]);
  }
  const lead = common && Object.keys(common).length > 0 ? [{ $match: common }] : [];
  const general: ((docs: Iterable<Doc>) => Doc[])[] = [];
  for (const sub of subs) {
    const f = compileFastPipeline([...lead, ...sub]);
    if (!f) return undefined;
    general.push(f);
  }
  const output = (answers: Doc[][]): Doc[] => {
    const o: Doc = {};
    names.forEach((n, i) => {
      setField(o, n, answers[i]);
    });
    return [o];
  };
  const separately: Stage = (rows) => {
    loopStats.closures += 1;
    return output(general.map((f) => f(rows)));
  };
  // The shared loop: every sub-pipeline a group (after its own match), then stages over its groups.
  const pairs: { match: Doc | undefined; group: Doc }[] = [];
  const after: ((docs: Iterable<Doc>) => Doc[])[] = [];
  for (const sub of subs) {
    const [first, second] = sub;
    const matched = first !== undefined && isPlainObject(first.$match);
    const group = matched ? second?.$group : first?.$group;
    if (!isPlainObject(group)) return separately;
    const then = compileFastPipeline(sub.slice(matched ? 2 : 1));
    if (!then) return separately;
    pairs.push({ match: matched ? (first.$match as Doc) : undefined, group });
    after.push(then);
  }
  const loop = compileSharedGroupLoop(common, pairs);
  if (!loop) return separately;
  return (rows) => {
    let groups: Doc[][];
    try {
      groups = loop(rows);
      loopStats.generated += 1;
    } catch (e) {
      if (!(e instanceof CodegenBail)) throw e;
      loopStats.bailed += 1;
      return output(general.map((f) => f(rows)));
    }
    return output(
      groups.map((g, i) => (after[i] as (docs: Iterable<Doc>) => Doc[])(g.map((d) => normalize(d) as Doc))),
    );
  };
}

/**
 * How often group stages ran as a generated loop, how often a document sent them to the closure path, and
 * how often a group was answered from a collection's value columns (column-scan.ts).
 */
export const loopStats = { generated: 0, bailed: 0, closures: 0, columns: 0 };

/** Prefers the generated loop; a document it cannot handle reruns the stage on the closure path. */
function withLoop(loop: ((rows: Iterable<Doc>) => Doc[]) | undefined, general: Stage): Stage {
  if (!loop)
    return (rows) => {
      loopStats.closures += 1;
      return general(rows);
    };
  return (rows) => {
    try {
      const out = loop(rows);
      loopStats.generated += 1;
      return out;
    } catch (e) {
      if (!(e instanceof CodegenBail)) throw e;
      loopStats.bailed += 1;
      return general(rows);
    }
  };
}

function take(rows: Iterable<Doc>, skip: number, limit: number): Doc[] {
  const out: Doc[] = [];
  let i = 0;
  for (const d of rows) {
    if (i++ < skip) continue;
    if (out.length >= limit) break;
    out.push(d);
  }
  return out;
}

export { Fallback };
