import { dateFormatter } from './fast-dates.js';
import { compileExpr, isFieldPath } from './fast-expr.js';
import { isPlainObject } from './values.js';

/** Names that a plain object inherits: generated property reads never see them. */
export const INHERITED = new Set(Object.getOwnPropertyNames(Object.prototype));

/** A JS literal of a finite number, text or boolean, or undefined. */
export function lit(v: unknown): string | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return Object.is(v, -0) ? '0' : String(v);
  if (typeof v === 'string' || typeof v === 'boolean') return JSON.stringify(v);
  return undefined;
}

/** Builds the source of one generated loop: its constants and the reads of document fields into variables. */
export class Source {
  readonly reads: string[] = [];
  private readonly vars = new Map<string, string>();

  /**
   * @param consts the constants array the generated code reads (shared by the Sources of one loop)
   * @param prefix of this Source's variable names (distinct per Source of one loop)
   */
  constructor(
    readonly consts: unknown[] = [],
    private readonly prefix = 'f',
  ) {}

  constant(value: unknown): string {
    this.consts.push(value);
    return `consts[${this.consts.length - 1}]`;
  }

  private fresh(key: string): string {
    const v = `${this.prefix}${this.vars.size}`;
    this.vars.set(key, v);
    return v;
  }

  /**
   * A variable holding the value at a dotted path: missing through null or scalars, and an array or a
   * non-plain object on the way hands the document to the general path. A path's parent object is read
   * once for every field below it. The value itself may be an array: every use of it in generated code
   * is exact for arrays or bails (keys, `$addToSet`, `$min` / `$max`, dates), `$sum` / `$avg` skip them as
   * MongoDB's accumulators do, and a `$match` test checks its fields with {@link Source.arrayGuard}.
   */
  field(path: string): string | undefined {
    const known = this.vars.get(path);
    if (known) return known;
    const parts = path.split('.');
    if (parts.some((p) => p === '' || INHERITED.has(p))) return undefined;
    const last = JSON.stringify(parts[parts.length - 1]);
    if (parts.length === 1) {
      const v = this.fresh(path);
      this.reads.push(`let ${v} = doc[${last}];`);
      return v;
    }
    const parent = this.object(parts.slice(0, -1).join('.'));
    if (!parent) return undefined;
    const v = this.fresh(path);
    this.reads.push(`let ${v} = ${parent} === undefined ? undefined : ${parent}[${last}];`);
    return v;
  }

  /**
   * Source of a statement bailing when any of `vars` holds an array (empty text for none). A `$match` test
   * made of positive conditions is false for an array where MongoDB may match one of its elements, so the
   * loop runs it when such a test fails; conditions under a negation need it before the test.
   */
  static arrayGuard(vars: Iterable<string>): string {
    const list = [...new Set(vars)];
    return list.length > 0 ? `if (${list.map((v) => `Array.isArray(${v})`).join(' || ')}) bail();` : '';
  }

  /** A variable holding the plain object at a path, or undefined where the path holds nothing or a scalar. */
  private object(path: string): string | undefined {
    const key = `${path}\0object`;
    const known = this.vars.get(key);
    if (known) return known;
    const value = this.field(path);
    if (!value) return undefined;
    const v = this.fresh(key);
    this.reads.push(
      // A plain object's constructor is Object (read through its map, cheaper than its prototype); arrays,
      // dates, BSON wrappers, null-prototype objects and a stored field named "constructor" bail.
      `const ${v} = typeof ${value} === 'object' && ${value} !== null ? (${value}.constructor === Object ? ${value} : bail()) : undefined;`,
    );
    return v;
  }
}

/** The one-key operator of an expression object, or undefined. */
function operator(x: unknown): [string, unknown] | undefined {
  if (!isPlainObject(x)) return undefined;
  const keys = Object.keys(x);
  return keys.length === 1 && keys[0]?.startsWith('$') ? [keys[0], x[keys[0]]] : undefined;
}

/** The single argument of `{ $op: x }` or `{ $op: [x] }`. */
function single(arg: unknown): unknown {
  return Array.isArray(arg) ? (arg.length === 1 ? arg[0] : undefined) : arg;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Source of a boolean test the loop evaluates inline: `$isNumber` and `$eq` of a `$type` with a constant
 * name, as report pipelines guard measures and dates. Documents holding number wrappers never reach the
 * loop (they bail first), so `typeof` tells numbers exactly.
 */
function testSource(src: Source, expr: unknown): string | undefined {
  const op = operator(expr);
  if (!op) return undefined;
  const [name, arg] = op;
  if (name === '$isNumber') {
    const x = valueSource(src, single(arg));
    return x && `(typeof ${x} === 'number')`;
  }
  if (name === '$eq' && Array.isArray(arg) && arg.length === 2) {
    const [a, b] = arg;
    const typed = operator(a);
    if (typed?.[0] !== '$type' || typeof b !== 'string') return undefined;
    const x = valueSource(src, single(typed[1]));
    if (!x) return undefined;
    switch (b) {
      case 'date':
        return `(${x} instanceof Date)`;
      case 'string':
        return `(typeof ${x} === 'string')`;
      case 'missing':
        return `(${x} === undefined)`;
      case 'null':
        return `(${x} === null)`;
      default:
        return undefined;
    }
  }
  return undefined;
}

/** `$dateToString` of an inline date with a constant `onNull`: one call of a compiled formatter. */
function dateToStringSource(src: Source, spec: unknown): string | undefined {
  if (!isPlainObject(spec)) return undefined;
  for (const key of Object.keys(spec))
    if (!['date', 'format', 'timezone', 'onNull'].includes(key)) return undefined;
  const format = spec.format ?? '%Y-%m-%dT%H:%M:%S.%LZ';
  const zone = spec.timezone;
  if (typeof format !== 'string' || (zone !== undefined && typeof zone !== 'string')) return undefined;
  const onNull = spec.onNull === undefined ? null : spec.onNull;
  if (onNull !== null && lit(onNull) === undefined) return undefined;
  const render = dateFormatter(format, zone);
  const date = valueSource(src, spec.date);
  if (!render || !date) return undefined;
  const call = (v: unknown): unknown => {
    if (v instanceof Date) {
      const ms = v.getTime();
      if (!Number.isNaN(ms)) return render(ms);
    } else if (v === null || v === undefined) return onNull;
    // An invalid date or a value of another type: the general path answers (or fails) as mingo does.
    return bailOut();
  };
  return `${src.constant(call)}(${date})`;
}

/** Thrown by generated code when a document needs the general path (wrappers, arrays, objects). */
export class CodegenBail extends Error {}

function bailOut(): never {
  throw new CodegenBail();
}

/**
 * The source of a value the loop reads: a field variable, a literal, an inline expression (`$ifNull`,
 * `$cond` over an inline test, `$isNumber`, `$dateToString`), or a call of the expression compiled by
 * `fast-expr.ts` for anything else it knows. Undefined when the expression is unsupported.
 */
export function valueSource(src: Source, expr: unknown): string | undefined {
  if (isFieldPath(expr)) return src.field(expr.slice(1));
  // Any other `$` text is a variable or an unusual path, never a constant.
  if (typeof expr === 'string' && expr.startsWith('$')) return undefined;
  const l = expr === null ? 'null' : lit(expr);
  if (l !== undefined) return l;
  const op = operator(expr);
  if (op) {
    const [name, arg] = op;
    if (name === '$ifNull' && Array.isArray(arg) && arg.length === 2) {
      const a = valueSource(src, arg[0]);
      const b = valueSource(src, arg[1]);
      if (a && b && IDENTIFIER.test(a)) return `(${a} !== undefined && ${a} !== null ? ${a} : ${b})`;
    }
    if (name === '$cond') {
      const parts = Array.isArray(arg)
        ? arg
        : isPlainObject(arg) && Object.keys(arg).length === 3
          ? [arg.if, arg.then, arg.else]
          : [];
      if (parts.length === 3) {
        const test = testSource(src, parts[0]);
        const yes = test && valueSource(src, parts[1]);
        const no = yes && valueSource(src, parts[2]);
        if (test && yes && no) return `(${test} ? ${yes} : ${no})`;
      }
    }
    const test = name === '$isNumber' || name === '$eq' ? testSource(src, expr) : undefined;
    if (test) return test;
    if (name === '$dateToString') {
      const call = dateToStringSource(src, arg);
      if (call) return call;
    }
  }
  const getter = compileExpr(expr);
  return getter ? `${src.constant(getter)}(doc)` : undefined;
}
