import { type Doc, hasWrappers, isPlainObject } from './values.js';

/** Thrown by generated code when a document needs the general path (wrappers, arrays, objects). */
export class CodegenBail extends Error {}

const IDENT_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Names the generated `doc[name]` may read: identifiers Object.prototype does not also carry. */
const IDENT = { test: (s: string) => IDENT_RE.test(s) && !(s in Object.prototype) };

const GENERATED = new Map<string, Gen>();

type Gen = (
  docs: Iterable<Doc>,
  isMarked: (d: object) => boolean,
  bail: () => never,
  consts: unknown[],
) => Doc[];

function lit(v: unknown): string | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'string' || typeof v === 'boolean') return JSON.stringify(v);
  return undefined;
}

/** JS source testing `x` (a top-level scalar) against one field condition, or undefined. */
function condSource(x: string, cond: unknown, consts: unknown[]): string | undefined {
  if (!isPlainObject(cond)) {
    const l = lit(cond);
    if (l !== undefined) return `${x} === ${l}`;
    if (cond === null) return `(${x} === null || ${x} === undefined)`;
    return undefined;
  }
  const parts: string[] = [];
  for (const [op, arg] of Object.entries(cond)) {
    const l = lit(arg);
    const t = typeof arg === 'number' ? 'number' : typeof arg === 'string' ? 'string' : undefined;
    switch (op) {
      case '$eq':
        if (l === undefined) return undefined;
        parts.push(`${x} === ${l}`);
        break;
      case '$ne':
        if (l === undefined) return undefined;
        parts.push(`${x} !== ${l}`);
        break;
      case '$gt':
      case '$gte':
      case '$lt':
      case '$lte': {
        if (l === undefined || !t) return undefined;
        const sym = { $gt: '>', $gte: '>=', $lt: '<', $lte: '<=' }[op];
        parts.push(`(typeof ${x} === '${t}' && ${x} ${sym} ${l})`);
        break;
      }
      case '$in': {
        if (
          !Array.isArray(arg) ||
          !arg.every((a) => (typeof a === 'number' && Number.isFinite(a)) || typeof a === 'string')
        ) {
          return undefined;
        }
        consts.push(new Set(arg));
        parts.push(`consts[${consts.length - 1}].has(${x})`);
        break;
      }
      default:
        return undefined;
    }
  }
  return parts.length ? parts.join(' && ') : undefined;
}

/**
 * Generates a single JS loop for `$match` (scalar conditions on top-level fields) followed by
 * `$group` (key: a top-level field or a constant; `$sum`/`$avg`/`$min`/`$max`/`$count` over
 * top-level numeric fields). Field names are restricted to identifiers and literals are emitted
 * with JSON.stringify, so no input reaches the generated source unescaped. Documents outside this
 * subset (wrappers, arrays, objects as keys or values) make the generated code bail so the caller
 * reruns the general compiled path. Returns undefined when the stage pair is outside the subset.
 */
export function compileGroupLoop(
  match: Doc | undefined,
  group: Doc,
): ((docs: Iterable<Doc>) => Doc[]) | undefined {
  const consts: unknown[] = [];
  const lines: string[] = [];
  const fieldVars = new Map<string, string>();
  const fieldVar = (f: string): string => {
    let v = fieldVars.get(f);
    if (!v) {
      v = `f${fieldVars.size}`;
      fieldVars.set(f, v);
      lines.push(
        `const ${v} = doc[${JSON.stringify(f)}];`,
        `if (${v} !== null && typeof ${v} === 'object') bail();`,
      );
    }
    return v;
  };
  for (const [f, cond] of Object.entries(match ?? {})) {
    if (!IDENT.test(f)) return undefined;
    const x = fieldVar(f);
    const src = condSource(x, cond, consts);
    if (!src) return undefined;
    lines.push(`if (!(${src})) continue;`);
  }
  const id = group._id;
  let keySrc: string;
  if (typeof id === 'string' && id.startsWith('$') && IDENT.test(id.slice(1))) {
    keySrc = `${fieldVar(id.slice(1))} === undefined ? null : ${fieldVar(id.slice(1))}`;
  } else if (id === null || (lit(id) !== undefined && !(typeof id === 'string' && id.startsWith('$'))))
    // A `$`-string that is no plain identifier is a dotted or unusual path, not a constant.
    keySrc = id === null ? 'null' : lit(id)!;
  else return undefined;
  const init: string[] = ['id: k'];
  const update: string[] = [];
  const out: string[] = ['_id: g.id'];
  let i = 0;
  for (const [name, spec] of Object.entries(group)) {
    if (name === '_id') continue;
    if (!IDENT.test(name) || !isPlainObject(spec) || Object.keys(spec).length !== 1) return undefined;
    const [op, arg] = Object.entries(spec)[0]!;
    const slot = `s${i++}`;
    if (
      (op === '$sum' && arg === 1) ||
      (op === '$count' && isPlainObject(arg) && Object.keys(arg).length === 0)
    ) {
      init.push(`${slot}: 0`);
      update.push(`g.${slot}++;`);
      out.push(`${JSON.stringify(name)}: g.${slot}`);
      continue;
    }
    if (typeof arg !== 'string' || !arg.startsWith('$') || !IDENT.test(arg.slice(1))) return undefined;
    const x = fieldVar(arg.slice(1));
    switch (op) {
      case '$sum':
        init.push(`${slot}: 0`);
        update.push(`if (typeof ${x} === 'number') g.${slot} += ${x};`);
        out.push(`${JSON.stringify(name)}: g.${slot}`);
        break;
      case '$avg':
        init.push(`${slot}: 0, ${slot}n: 0`);
        update.push(`if (typeof ${x} === 'number') { g.${slot} += ${x}; g.${slot}n++; }`);
        out.push(`${JSON.stringify(name)}: g.${slot}n ? g.${slot} / g.${slot}n : null`);
        break;
      case '$min':
      case '$max': {
        const cmp = op === '$min' ? '<' : '>';
        init.push(`${slot}: null`);
        // Only numbers (or nothing) keep the BSON comparison trivial; other types take the general path.
        update.push(
          // NaN sorts below every number: it wins $min for good and loses $max to any number.
          `if (typeof ${x} === 'number') { if (g.${slot} === null || ${x} ${cmp} g.${slot} || ${op === '$min' ? `${x} !== ${x}` : `g.${slot} !== g.${slot}`}) g.${slot} = ${x}; } else if (${x} !== undefined && ${x} !== null) bail();`,
        );
        out.push(`${JSON.stringify(name)}: g.${slot}`);
        break;
      }
      default:
        return undefined;
    }
  }
  const body = `
    const groups = new Map();
    const order = [];
    for (const doc of docs) {
      if (isMarked(doc)) bail();
      ${lines.join('\n      ')}
      const k = ${keySrc};
      if (typeof k === 'object' && k !== null) bail();
      let g = groups.get(k);
      if (g === undefined) { g = { ${init.join(', ')} }; groups.set(k, g); order.push(g); }
      ${update.join('\n      ')}
    }
    return order.map((g) => ({ ${out.join(', ')} }));`;
  // The same pipeline shape reuses one function, so V8 keeps its optimised code across calls.
  let gen = GENERATED.get(body);
  if (!gen) {
    gen = new Function('docs', 'isMarked', 'bail', 'consts', body) as Gen;
    if (GENERATED.size >= 256) GENERATED.delete(GENERATED.keys().next().value as string);
    GENERATED.set(body, gen);
  }
  const fn = gen;
  const bail = (): never => {
    throw new CodegenBail();
  };
  return (docs) => fn(docs, hasWrappers, bail, consts);
}
