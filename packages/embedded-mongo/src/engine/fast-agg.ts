import { CodegenBail, compileGroupLoop } from './codegen-group.js';
import { valueKey } from './compare.js';
import {
  type AccFactory,
  compileAcc,
  Fallback,
  fieldGetter,
  type Getter,
  type Group,
  isFieldPath,
  simpleExpr,
} from './fast-acc.js';
import { compileFastMatcher } from './fast-match.js';
import { parseSort, sortDocs } from './query.js';
import { type Doc, isPlainObject, normalize, num, setField, view } from './values.js';

type Stage = (rows: Iterable<Doc>) => Doc[];

function compileGroup(spec: Doc, pred?: (d: Doc) => boolean): Stage | undefined {
  const idSpec = spec._id;
  let keyOf: Getter;
  if (isPlainObject(idSpec)) {
    const entries = Object.entries(idSpec).map(([k, e]) => [k, simpleExpr(e)] as const);
    if (entries.length === 0 || entries.some(([k, g]) => !g || k.startsWith('$'))) return undefined;
    keyOf = (d) => {
      const o: Doc = {};
      for (const [k, g] of entries) {
        const v = g!(d);
        if (v !== undefined) setField(o, k, v);
      }
      return o;
    };
  } else {
    const g = idSpec === undefined ? undefined : simpleExpr(idSpec);
    if (!g) return undefined;
    keyOf = (d) => {
      const v = g(d);
      return v === undefined ? null : v;
    };
  }
  const accs: [string, AccFactory][] = [];
  for (const [k, v] of Object.entries(spec)) {
    if (k === '_id') continue;
    if (k.includes('.')) return undefined;
    const f = compileAcc(v);
    if (!f) return undefined;
    accs.push([k, f]);
  }
  return (rows) => {
    // Scalars hash directly; other keys through their canonical value key (5 == 5.0 == Long(5)).
    const prim = new Map<unknown, Group>();
    const other = new Map<string, Group>();
    const all: Group[] = [];
    for (const d of rows) {
      if (pred && !pred(d)) continue;
      const id = keyOf(d);
      let g: Group | undefined;
      const t = typeof id;
      const direct = id === null || t === 'string' || t === 'number' || t === 'boolean';
      if (direct) g = prim.get(id);
      else {
        const pv = view(id);
        if (typeof pv === 'number') g = prim.get(pv);
        else g = other.get(valueKey(pv));
      }
      if (!g) {
        g = { id, accs: accs.map(([, f]) => f()) };
        all.push(g);
        if (direct) prim.set(id, g);
        else {
          const pv = view(id);
          if (typeof pv === 'number') prim.set(pv, g);
          else other.set(valueKey(pv), g);
        }
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
 * Compiles a pipeline of `$match` / `$group` / `$sort` / `$project` / `$limit` / `$skip` /
 * `$count` (with the common accumulators over field paths) into plain loops. Returns undefined
 * when any stage needs mingo; the returned function throws {@link Fallback} when a document does.
 */
export function compileFastPipeline(pipeline: Doc[]): ((docs: Iterable<Doc>) => Doc[]) | undefined {
  const stages: Stage[] = [];
  for (let i = 0; i < pipeline.length; i++) {
    const st = pipeline[i]!;
    const next = pipeline[i + 1];
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

/** Prefers the generated loop; a document it cannot handle reruns the stage on the closure path. */
function withLoop(loop: ((rows: Iterable<Doc>) => Doc[]) | undefined, general: Stage): Stage {
  if (!loop) return general;
  return (rows) => {
    try {
      return loop(rows);
    } catch (e) {
      if (e instanceof CodegenBail) return general(rows);
      throw e;
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
