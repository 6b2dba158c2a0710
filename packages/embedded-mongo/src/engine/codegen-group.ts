import type { ObjectId } from 'bson';
import { CodegenBail, INHERITED, lit, Source, valueSource } from './codegen-source.js';
import { storedInstance } from './layout.js';
import { bsonType, type Doc, isPlainObject, WRAPPED_MARK } from './values.js';

export { CodegenBail };

const GENERATED = new Map<string, Gen>();

type Gen = (
  docs: Iterable<Doc>,
  marked: symbol,
  bail: () => never,
  consts: unknown[],
  oidEq: (x: unknown, c: ObjectId) => boolean,
  proto: object,
) => Doc[];

/** Equality with an ObjectId through bson's four 24-bit words, without building hex text per document. */
function oidEq(x: unknown, c: ObjectId): boolean {
  // Stored documents share the instances of repeated ids, and constants are looked up among them.
  if (x === c) return true;
  if (x === null || typeof x !== 'object') return false;
  const o = x as { i0?: unknown; i1?: unknown; i2?: unknown; i3?: unknown; _bsontype?: unknown };
  if (typeof o.i3 !== 'number') {
    // An id this bson build does not lay out in words: the general path compares it.
    if (o._bsontype === 'ObjectId') throw new CodegenBail();
    return false;
  }
  const k = c as unknown as { i0: number; i1: number; i2: number; i3: number };
  return o.i3 === k.i3 && o.i2 === k.i2 && o.i1 === k.i1 && o.i0 === k.i0 && o._bsontype === 'ObjectId';
}

/** True for an ObjectId constant whose words generated code can compare. */
function wordedId(v: unknown): v is ObjectId {
  return bsonType(v) === 'ObjectId' && typeof (v as { i3?: unknown }).i3 === 'number';
}

/**
 * The variables a `$match` test reads, for its array checks: `lazy` ones under positive conditions only
 * (checked when the test fails), `eager` ones under a negation (`$ne`, `$nin`, `$nor`: checked first).
 */
interface Guards {
  lazy: string[];
  eager: string[];
}

/**
 * JS source testing variable `x` against one field condition, or undefined when unsupported. Each test
 * but a negation is false for an array (`$exists: true` is true, as in MongoDB) where MongoDB may match an
 * element, so `x` goes to `guards` for the loop's array check.
 */
function condSource(
  src: Source,
  x: string,
  cond: unknown,
  guards: Guards,
  negated: boolean,
): string | undefined {
  const negation =
    negated || (isPlainObject(cond) && Object.keys(cond).some((k) => k === '$ne' || k === '$nin'));
  (negation ? guards.eager : guards.lazy).push(x);
  const eq = (value: unknown): string | undefined => {
    if (value === null) return `(${x} === null || ${x} === undefined)`;
    const l = lit(value);
    if (l !== undefined) return `${x} === ${l}`;
    if (wordedId(value)) return `oidEq(${x}, ${src.constant(storedInstance(value))})`;
    if (value instanceof Date && !Number.isNaN(value.getTime()))
      return `(${x} instanceof Date && ${x}.getTime() === ${value.getTime()})`;
    return undefined;
  };
  if (
    !isPlainObject(cond) ||
    Object.keys(cond).length === 0 ||
    !Object.keys(cond).every((k) => k.startsWith('$'))
  )
    return isPlainObject(cond) ? undefined : eq(cond);
  const parts: string[] = [];
  for (const [op, arg] of Object.entries(cond)) {
    switch (op) {
      case '$eq':
      case '$ne': {
        const e = eq(arg);
        if (!e) return undefined;
        parts.push(op === '$eq' ? e : `!(${e})`);
        break;
      }
      case '$in':
      case '$nin': {
        if (!Array.isArray(arg)) return undefined;
        const scalars = arg.filter(
          (a) => typeof a === 'string' || (typeof a === 'number' && Number.isFinite(a)),
        );
        const rest = arg.filter((a) => !scalars.includes(a));
        const tests = rest.map(eq);
        if (tests.some((t) => t === undefined)) return undefined;
        if (scalars.length > 0) tests.push(`${src.constant(new Set(scalars))}.has(${x})`);
        const any = tests.length > 0 ? `(${tests.join(' || ')})` : 'false';
        parts.push(op === '$in' ? any : `!${any}`);
        break;
      }
      case '$gt':
      case '$gte':
      case '$lt':
      case '$lte': {
        const sym = { $gt: '>', $gte: '>=', $lt: '<', $lte: '<=' }[op];
        const l = lit(arg);
        if (typeof arg === 'number' && l !== undefined)
          parts.push(`(typeof ${x} === 'number' && ${x} ${sym} ${l})`);
        else if (typeof arg === 'string') parts.push(`(typeof ${x} === 'string' && ${x} ${sym} ${l})`);
        else if (arg instanceof Date && !Number.isNaN(arg.getTime()))
          parts.push(`(${x} instanceof Date && ${x}.getTime() ${sym} ${arg.getTime()})`);
        else return undefined;
        break;
      }
      case '$exists':
        parts.push(arg !== false && arg !== 0 && arg !== null ? `${x} !== undefined` : `${x} === undefined`);
        break;
      default:
        return undefined;
    }
  }
  return parts.join(' && ');
}

/**
 * JS source of a whole filter (fields and `$and` / `$or` / `$nor`), or undefined when unsupported; the
 * variables it reads go to `guards` (those under `$nor` as negated).
 */
function matchSource(src: Source, filter: Doc, guards: Guards, negated = false): string | undefined {
  const parts: string[] = [];
  for (const [key, cond] of Object.entries(filter)) {
    if (key === '$and' || key === '$or' || key === '$nor') {
      if (!Array.isArray(cond) || cond.length === 0) return undefined;
      const subs = cond.map((c) =>
        isPlainObject(c) && Object.keys(c).length > 0
          ? matchSource(src, c, guards, negated || key === '$nor')
          : undefined,
      );
      if (subs.some((s) => s === undefined)) return undefined;
      const joined = subs.map((s) => `(${s})`).join(key === '$and' ? ' && ' : ' || ');
      parts.push(key === '$nor' ? `!(${joined})` : `(${joined})`);
      continue;
    }
    if (key.startsWith('$')) return undefined;
    const x = src.field(key);
    const test = x && condSource(src, x, cond, guards, negated);
    if (!test) return undefined;
    parts.push(test);
  }
  return parts.length > 0 ? parts.join(' && ') : 'true';
}

/** Source that finds the map below `m` for key value `k` (ObjectIds by their words), leaving it in `m`. */
function levelSource(k: string, last: boolean, missing: string, ids: string): string {
  const child = last ? 'undefined' : 'new Map()';
  return `{ const kv = ${k};
      let hk;
      if (kv === undefined) hk = ${missing};
      else if (typeof kv === 'object' && kv !== null) {
        if (typeof kv.i3 !== 'number' || kv._bsontype !== 'ObjectId') bail();
        let ids = m.get(${ids}); if (ids === undefined) { ids = new Map(); m.set(${ids}, ids); }
        let hi = ids.get(kv.i0 * 16777216 + kv.i1); if (hi === undefined) { hi = new Map(); ids.set(kv.i0 * 16777216 + kv.i1, hi); }
        m = hi; hk = kv.i2 * 16777216 + kv.i3;
      } else hk = kv;
      ${last ? 'slot = m; key = hk;' : `let n = m.get(hk); if (n === undefined) { n = ${child}; m.set(hk, n); } m = n;`} }`;
}

/** The generated pieces of one `$match` + `$group` pair, for a loop of its own or a loop shared with others. */
interface GroupPart {
  /** Reads of the fields the match tests, the array check before the test, the test itself, and the array
   * check when it fails (see {@link Guards}). */
  matchReads: string[];
  guard: string;
  test: string;
  onFail: string;
  /** Reads of the fields the group key and accumulators use. */
  groupReads: string[];
  /** Statements that find (or create) the document's group `g` in `root` / `order` and update it. */
  step: string;
  /** The expression mapping a finished group `g` to its output document. */
  output: string;
}

/**
 * The pieces of the loop for `$match` (undefined: every document) followed by `$group`, with its own
 * `root` map and `order` array named by `suffix`; undefined when the pair is outside the generated subset.
 */
function groupPart(src: Source, match: Doc | undefined, group: Doc, suffix: string): GroupPart | undefined {
  const guards: Guards = { lazy: [], eager: [] };
  const test = match && Object.keys(match).length > 0 ? matchSource(src, match, guards) : 'true';
  if (!test) return undefined;
  const matchReads = src.reads.splice(0);
  const missing = src.constant(Symbol('missing'));
  const ids = src.constant(Symbol('ids'));
  const id = group._id;
  const keyFields: [string | undefined, string][] = [];
  if (isPlainObject(id) && Object.keys(id).length > 0 && !Object.keys(id).some((k) => k.startsWith('$'))) {
    for (const [name, expr] of Object.entries(id)) {
      // An inherited name would set the prototype of the generated object literal.
      if (name.includes('.') || INHERITED.has(name)) return undefined;
      const v = valueSource(src, expr);
      if (!v) return undefined;
      keyFields.push([name, v]);
    }
  } else {
    const v = valueSource(src, id === undefined ? null : id);
    if (!v) return undefined;
    keyFields.push([undefined, v]);
  }
  const init: string[] = [];
  const update: string[] = [];
  const out: string[] = ['_id: g.id'];
  let i = 0;
  for (const [name, spec] of Object.entries(group)) {
    if (name === '_id') continue;
    if (!isPlainObject(spec) || Object.keys(spec).length !== 1 || INHERITED.has(name)) return undefined;
    const [op, arg] = Object.entries(spec)[0] as [string, unknown];
    const slot = `s${i++}`;
    const key = JSON.stringify(name);
    if (op === '$count') {
      if (!isPlainObject(arg) || Object.keys(arg).length > 0) return undefined;
      init.push(`${slot}: 0`);
      update.push(`g.${slot}++;`);
      out.push(`${key}: g.${slot}`);
      continue;
    }
    const x = valueSource(src, arg);
    if (!x) return undefined;
    const v = `v${slot}`;
    switch (op) {
      case '$sum':
        init.push(`${slot}: 0`);
        update.push(`{ const ${v} = ${x}; if (typeof ${v} === 'number') g.${slot} += ${v}; }`);
        out.push(`${key}: g.${slot}`);
        break;
      case '$avg':
        init.push(`${slot}: 0, ${slot}n: 0`);
        update.push(
          `{ const ${v} = ${x}; if (typeof ${v} === 'number') { g.${slot} += ${v}; g.${slot}n++; } }`,
        );
        out.push(`${key}: g.${slot}n ? g.${slot} / g.${slot}n : null`);
        break;
      case '$min':
      case '$max': {
        const cmp = op === '$min' ? '<' : '>';
        init.push(`${slot}: null`);
        // Only numbers (or nothing) keep the BSON comparison trivial; other types take the general path.
        update.push(
          // NaN sorts below every number: it wins $min for good and loses $max to any number.
          `{ const ${v} = ${x}; if (typeof ${v} === 'number') { if (g.${slot} === null || ${v} ${cmp} g.${slot} || ${op === '$min' ? `${v} !== ${v}` : `g.${slot} !== g.${slot}`}) g.${slot} = ${v}; } else if (${v} !== undefined && ${v} !== null) bail(); }`,
        );
        out.push(`${key}: g.${slot}`);
        break;
      }
      case '$addToSet':
        init.push(`${slot}: new Set()`);
        // Scalars only (a Set compares them as MongoDB does); missing values are not added.
        update.push(
          `{ const ${v} = ${x}; if (${v} !== undefined) { if (typeof ${v} === 'object' && ${v} !== null) bail(); g.${slot}.add(${v}); } }`,
        );
        out.push(`${key}: [...g.${slot}]`);
        break;
      default:
        return undefined;
    }
  }
  const groupReads = src.reads.splice(0);
  // A single key makes missing and null one group; a compound key leaves a missing field out ({} vs { a: null }).
  const single = keyFields.length === 1 && keyFields[0]?.[0] === undefined;
  const levels = keyFields
    .map(([, v], n) => levelSource(v, n === keyFields.length - 1, single ? 'null' : missing, ids))
    .join('\n      ');
  const idSource = single
    ? `(${keyFields[0]?.[1]}) === undefined ? null : (${keyFields[0]?.[1]})`
    : `(() => { const o = {}; ${keyFields
        .map(([name, v]) => `{ const kv = ${v}; if (kv !== undefined) o[${JSON.stringify(name)}] = kv; }`)
        .join(' ')} return o; })()`;
  // A key of a constant (`_id: null`): every document is in one group.
  const constant =
    single &&
    (id === undefined ||
      id === null ||
      (!(typeof id === 'string' && id.startsWith('$')) && lit(id) !== undefined));
  const root = `root${suffix}`;
  const order = `order${suffix}`;
  const find = constant
    ? // One group for every document (a kpi, a gauge): no key to look up.
      `let g = ${order}[0];
      if (g === undefined) { g = { id: ${idSource}, ${init.join(', ')} }; ${order}.push(g); }`
    : `let m = ${root}; let slot; let key;
      ${levels}
      let g = slot.get(key);
      if (g === undefined) { g = { id: ${idSource}, ${init.join(', ')} }; slot.set(key, g); ${order}.push(g); }`;
  return {
    matchReads,
    guard: Source.arrayGuard(guards.eager),
    test,
    onFail: Source.arrayGuard(guards.lazy),
    groupReads,
    step: `${find}
      ${update.join('\n      ')}`,
    output: `${order}.map((g) => ({ ${out.join(', ')} }))`,
  };
}

/** Compiles (or reuses: the same shape keeps V8's optimised code across calls) a generated loop body. */
function generated(body: string, src: Source): (docs: Iterable<Doc>) => unknown {
  let gen = GENERATED.get(body);
  if (!gen) {
    gen = new Function('docs', 'marked', 'bail', 'consts', 'oidEq', 'proto', body) as Gen;
    if (GENERATED.size >= 256) GENERATED.delete(GENERATED.keys().next().value as string);
    GENERATED.set(body, gen);
  }
  const fn = gen;
  const consts = src.consts;
  const bail = (): never => {
    throw new CodegenBail();
  };
  return (docs) => fn(docs, WRAPPED_MARK, bail, consts, oidEq, Object.prototype);
}

/**
 * Generates one JS loop for `$match` (equalities — ObjectIds, dates, null —, `$in`, `$ne`, ranges and
 * `$exists` on dotted paths, under `$and` / `$or` / `$nor`) followed by `$group` (a key of paths, constants
 * and compiled expressions, several fields through nested maps, ObjectIds hashed by their words;
 * `$sum` / `$avg` / `$min` / `$max` / `$count` / `$addToSet` of paths and expressions). Keys and literals are
 * emitted with JSON.stringify, so no input reaches the generated source unescaped. Documents outside this
 * subset (number wrappers, arrays, other objects where scalars are read) make the generated code bail so
 * the caller reruns the general compiled path. Returns undefined when the stage pair is outside the subset.
 */
export function compileGroupLoop(
  match: Doc | undefined,
  group: Doc,
): ((docs: Iterable<Doc>) => Doc[]) | undefined {
  const src = new Source();
  const part = groupPart(src, match, group, '');
  if (!part) return undefined;
  const body = `
    const root = new Map();
    const order = [];
    for (const doc of docs) {
      if (doc[marked] === true) bail();
      ${part.matchReads.join('\n      ')}
      ${part.guard}
      if (!(${part.test})) { ${part.onFail} continue; }
      ${part.groupReads.join('\n      ')}
      ${part.step}
    }
    return ${part.output};`;
  return generated(body, src) as (docs: Iterable<Doc>) => Doc[];
}

/**
 * One loop for several `$match` + `$group` pairs over the same documents (the sub-pipelines of a `$facet`),
 * after a `common` match every document must pass first: each document is read once and offered to every
 * pair, which tests its own match and updates its own groups. Answers each pair's groups, in pair order.
 * Undefined when any pair (or the common match) is outside the subset of {@link compileGroupLoop}.
 */
export function compileSharedGroupLoop(
  common: Doc | undefined,
  pairs: readonly { match: Doc | undefined; group: Doc }[],
): ((docs: Iterable<Doc>) => Doc[][]) | undefined {
  const src = new Source([], 'c');
  const guards: Guards = { lazy: [], eager: [] };
  const test = common && Object.keys(common).length > 0 ? matchSource(src, common, guards) : 'true';
  if (!test) return undefined;
  const commonReads = src.reads.splice(0);
  const parts: GroupPart[] = [];
  for (const [n, pair] of pairs.entries()) {
    // Each pair reads into variables of its own block, all constants in one array.
    const part = groupPart(new Source(src.consts, `p${n}_`), pair.match, pair.group, String(n));
    if (!part) return undefined;
    parts.push(part);
  }
  // A pair's group fields are read only for documents its match lets through (a field that would bail
  // for a document no pair keeps must not send the whole scan to the general path).
  const body = `
    ${parts.map((_, n) => `const root${n} = new Map(); const order${n} = [];`).join('\n    ')}
    for (const doc of docs) {
      if (doc[marked] === true) bail();
      ${commonReads.join('\n      ')}
      ${Source.arrayGuard(guards.eager)}
      if (!(${test})) { ${Source.arrayGuard(guards.lazy)} continue; }
      ${parts
        .map(
          (part) => `{
      ${part.matchReads.join('\n      ')}
      ${part.guard}
      if (${part.test}) {
      ${part.groupReads.join('\n      ')}
      ${part.step}
      } else { ${part.onFail} } }`,
        )
        .join('\n      ')}
    }
    return [${parts.map((p) => p.output).join(', ')}];`;
  return generated(body, src) as (docs: Iterable<Doc>) => Doc[][];
}
