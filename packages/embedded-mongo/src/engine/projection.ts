import { fail } from '../errors.js';
import { elementMatcher, mongoAggregator } from './mingo-ext.js';
import { positionalIndex } from './positional.js';
import { mingoCall } from './query.js';
import { type Doc, isolate, isPlainObject, num, setField, unview, view } from './values.js';

/** A compiled find projection over stored documents. */
export type Projector = (doc: Doc) => Doc;

type Node = { [k: string]: Node | Leaf };
type Spec =
  | { kind: 'flag'; on: boolean }
  | { kind: 'slice'; skip: number; limit: number }
  | { kind: 'elemMatch'; test: (el: unknown) => boolean }
  | { kind: 'positional' };

/** Wraps a leaf so it cannot be mistaken for a nested path node. */
class Leaf {
  constructor(readonly spec: Spec) {}
}

function isNode(x: Node | Leaf): x is Node {
  return !(x instanceof Leaf);
}

/**
 * Compiles a find projection. Inclusion and exclusion, `$slice`, `$elemMatch` and the positional
 * `field.$` run here on stored documents (so number types survive and `_id` comes first, as in
 * MongoDB); computed fields fall back to mingo's `$project`.
 */
export function compileProjection(projection: unknown, filter: Doc | undefined): Projector | undefined {
  if (projection === undefined || projection === null) return undefined;
  if (!isPlainObject(projection)) fail(2, 'projection must be an object');
  const entries = Object.entries(projection);
  if (entries.length === 0) return undefined;
  // Path nodes have no prototype, so a field named `constructor` or `__proto__` is never found there by accident.
  const root: Node = Object.create(null);
  let inclusion: boolean | undefined;
  let idOn = true;
  let computed = false;
  for (const [path, raw] of entries) {
    let spec: Spec;
    if (path.endsWith('.$')) spec = { kind: 'positional' };
    else if (isPlainObject(raw) && '$slice' in raw) {
      const s = raw.$slice;
      if (Array.isArray(s)) spec = { kind: 'slice', skip: num(s[0]), limit: num(s[1]) };
      else spec = { kind: 'slice', skip: 0, limit: num(s) };
    } else if (isPlainObject(raw) && '$elemMatch' in raw) {
      const criteria = view(raw.$elemMatch);
      if (!isPlainObject(criteria)) fail(2, 'elemMatch: Invalid argument, object required.');
      spec = { kind: 'elemMatch', test: mingoCall(() => elementMatcher(criteria)) };
    } else if (isPlainObject(raw) || typeof raw === 'string' || Array.isArray(raw)) {
      computed = true;
      continue;
    } else {
      const on = typeof raw === 'boolean' ? raw : num(raw, 1) !== 0;
      spec = { kind: 'flag', on };
      if (path === '_id') {
        idOn = on;
        continue;
      }
      if (inclusion === undefined) inclusion = on;
      else if (inclusion !== on) {
        fail(
          31254,
          `Cannot do ${on ? 'inclusion' : 'exclusion'} on field ${path} in ${on ? 'exclusion' : 'inclusion'} projection`,
        );
      }
    }
    if (spec.kind === 'positional' || spec.kind === 'elemMatch') inclusion = inclusion ?? true;
    const parts = (spec.kind === 'positional' ? path.slice(0, -2) : path).split('.');
    let node = root;
    for (let i = 0; i < parts.length - 1; i++) {
      const p = parts[i]!;
      const nx = node[p];
      if (!nx || !isNode(nx)) node[p] = Object.create(null);
      node = node[p] as Node;
    }
    node[parts[parts.length - 1]!] = new Leaf(spec);
  }
  if (computed) {
    const agg = mingoCall(() => mongoAggregator([{ $project: view(projection) }]));
    return (doc) => reorderId(mingoCall(() => agg.run([view(isolate(doc))]))[0] as Doc);
  }
  // `{ _id: 1 }` alone is an inclusion projection (only _id); `{ _id: 0 }` alone excludes just _id.
  const incl = inclusion ?? (idOn && Object.keys(root).length === 0);
  const posFilter = filter;
  return (doc) => {
    const out: Doc = {};
    if (idOn && doc._id !== undefined) out._id = doc._id;
    const body = apply(doc, root, incl, posFilter, doc);
    for (const [k, v] of Object.entries(body)) if (k !== '_id') setField(out, k, v);
    if (!idOn) delete out._id;
    return out;
  };
}

function reorderId(d: Doc): Doc {
  if (!d || !('_id' in d)) return d;
  const out: Doc = { _id: unview(d._id) };
  for (const [k, v] of Object.entries(d)) if (k !== '_id') setField(out, k, v);
  return out;
}

function apply(doc: Doc, node: Node, incl: boolean, filter: Doc | undefined, root: Doc): Doc {
  const out: Doc = {};
  if (incl) {
    for (const [k, v] of Object.entries(doc)) {
      const spec = node[k];
      if (!spec) continue;
      const r = project(v, spec, incl, filter, root, k);
      if (r !== undefined) setField(out, k, r);
    }
    return out;
  }
  for (const [k, v] of Object.entries(doc)) {
    const spec = node[k];
    if (!spec) setField(out, k, v);
    else {
      const r = project(v, spec, incl, filter, root, k);
      if (r !== undefined) setField(out, k, r);
    }
  }
  return out;
}

function project(
  v: unknown,
  node: Node | Leaf,
  incl: boolean,
  filter: Doc | undefined,
  root: Doc,
  path: string,
): unknown {
  if (!isNode(node)) {
    const spec = node.spec;
    switch (spec.kind) {
      case 'flag':
        return spec.on ? v : undefined;
      case 'slice': {
        if (!Array.isArray(v)) return v;
        if (spec.limit === 0 && spec.skip === 0) return [];
        if (spec.skip === 0 && spec.limit !== 0)
          return spec.limit > 0 ? v.slice(0, spec.limit) : v.slice(spec.limit);
        const start = spec.skip < 0 ? Math.max(0, v.length + spec.skip) : spec.skip;
        return v.slice(start, start + Math.max(0, spec.limit));
      }
      case 'elemMatch': {
        if (!Array.isArray(v)) return undefined;
        const hit = v.find((el) => spec.test(view(el)));
        return hit === undefined ? undefined : [hit];
      }
      case 'positional': {
        if (!Array.isArray(v)) return v;
        const i = positionalIndex(root, path, filter);
        if (i === undefined)
          fail(2, 'Executor error during find command :: caused by :: positional operator did not match');
        return v[i] === undefined ? undefined : [v[i]];
      }
    }
  }
  if (Array.isArray(v)) {
    return v
      .map((el) => (isPlainObject(el) ? apply(el, node, incl, filter, root) : incl ? undefined : el))
      .filter((x) => x !== undefined);
  }
  if (isPlainObject(v)) return apply(v, node, incl, filter, root);
  return incl ? undefined : v;
}
