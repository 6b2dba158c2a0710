import type { FormulaNode } from './ast.js';
import { type CheckResult, checkTree, fits } from './check.js';
import { FormulaError, isFormulaError } from './errors.js';
import { type DirectOperand, directOperands } from './fast-ops.js';
import { compareValues } from './functions/compare.js';
import { defaultRegistry } from './functions/index.js';
import { ifFunction } from './functions/logic.js';
import { parseFormula } from './parse.js';
import type { EvalContext, FunctionRegistry, Thunk } from './registry.js';
import { fieldReader } from './scope.js';
import {
  type FieldKind,
  type FieldTypeMap,
  type FormulaType,
  type FormulaValue,
  fieldKindToType,
} from './types.js';
import { roundHalfAwayFromZero, toBoolean, toDate, toNumber, toOutput, toText } from './values.js';

/** Options of {@link compile}. */
export interface CompileOptions {
  /** Functions available to the formula (default: every built-in). */
  readonly registry?: FunctionRegistry;
  /** Longest source in characters (default 10,240). */
  readonly maxLength?: number;
  /** Deepest nesting (default 64). */
  readonly maxDepth?: number;
  /** Most evaluation steps (function calls plus list items they process) per evaluation (default 1,000,000). */
  readonly maxSteps?: number;
  /** The kind of the field the result goes into; a result that cannot fit is a TYPE_MISMATCH. */
  readonly resultKind?: FieldKind;
  /**
   * Digits to round a numeric result to, half away from zero (money fields). Defaults to 2 when
   * resultKind is `money`; otherwise numbers are returned as computed.
   */
  readonly precision?: number;
}

/** Options of one evaluation. */
export interface EvaluateOptions {
  /** The moment TODAY() and NOW() see (default: the current time). */
  readonly now?: Date;
}

/** One evaluated sub-expression, in evaluation order (children before parents). */
export interface TraceStep {
  readonly pos: number;
  readonly end: number;
  /** The source text of the sub-expression. */
  readonly text: string;
  readonly value: FormulaValue;
  /** Function-specific detail, e.g. TIERED's per-tier breakdown. */
  readonly detail?: unknown;
}

/** A parsed, type-checked formula ready to evaluate many times. */
export interface CompiledFormula {
  readonly source: string;
  /** The inferred result type. */
  readonly type: FormulaType;
  /** Field keys the formula reads, in first-use order. */
  readonly refs: readonly string[];
  /** Functions the formula calls. */
  readonly functions: readonly string[];
  readonly ast: FormulaNode;
  /**
   * Evaluates against one record (`{ fieldKey: value }`; subform columns as lists of row objects,
   * relations as nested objects). Dates come back as ISO strings: `YYYY-MM-DD` for the date type,
   * full ISO for datetime. Throws only FormulaError.
   */
  evaluate(scope: Readonly<Record<string, unknown>>, options?: EvaluateOptions): FormulaValue;
}

/** Evaluation state; `now` is read lazily so formulas without TODAY()/NOW() never build a Date. */
export class Ctx implements EvalContext {
  steps = 0;
  trace: TraceStep[] | undefined;
  scope: Readonly<Record<string, unknown>>;
  private nowValue: Date | undefined;

  constructor(
    scope: Readonly<Record<string, unknown>>,
    now: Date | undefined,
    readonly maxSteps: number,
    trace?: TraceStep[],
  ) {
    this.scope = scope;
    this.nowValue = now;
    this.trace = trace;
  }

  /** Starts a new evaluation on this context. */
  reset(scope: Readonly<Record<string, unknown>>, now: Date | undefined): void {
    this.scope = scope;
    this.nowValue = now;
    this.steps = 0;
  }

  get now(): Date {
    if (this.nowValue === undefined) this.nowValue = new Date();
    return this.nowValue;
  }
}

type Evaluator = (c: Ctx) => unknown;

const DEFAULT_MAX_STEPS = 1_000_000;
const EMPTY_SCOPE: Readonly<Record<string, unknown>> = Object.freeze({});

const num = (v: unknown, pos: number): number => (typeof v === 'number' ? v : toNumber(v, pos));

function countSteps(c: Ctx, amount: number): void {
  c.steps += amount;
  if (c.steps > c.maxSteps) throw new FormulaError('STEP_LIMIT_EXCEEDED', 0, { max: c.maxSteps });
}

class Compiler {
  constructor(
    private readonly source: string,
    private readonly checked: CheckResult,
    private readonly registry: FunctionRegistry,
    private readonly tracing: boolean,
  ) {}

  typeOf(node: FormulaNode): FormulaType {
    return this.checked.types.get(node) ?? 'any';
  }

  build(node: FormulaNode): Evaluator {
    const f = this.node(node);
    if (!this.tracing) return f;
    const text = this.source.slice(node.pos, node.end);
    const dateOnly = this.typeOf(node) === 'date' || this.typeOf(node) === 'date[]';
    const def = node.kind === 'call' ? this.registry.get(node.name) : undefined;
    if (def?.detail && node.kind === 'call') {
      const argFs = node.args.map((a) => this.build(a));
      const detail = def.detail;
      return (c) => {
        const v = f(c);
        const savedTrace = c.trace;
        c.trace = undefined;
        const args = argFs.map((a) => a(c));
        c.trace = savedTrace;
        c.trace?.push({
          pos: node.pos,
          end: node.end,
          text,
          value: toOutput(v, dateOnly),
          detail: detail(args),
        });
        return v;
      };
    }
    return (c) => {
      const v = f(c);
      c.trace?.push({ pos: node.pos, end: node.end, text, value: toOutput(v, dateOnly) });
      return v;
    };
  }

  node(node: FormulaNode): Evaluator {
    switch (node.kind) {
      case 'literal': {
        const value = node.value;
        return () => value;
      }
      case 'array': {
        // A list of literals is a constant: build it once instead of per evaluation. It is not frozen
        // (frozen arrays take slow paths in V8); no function mutates its arguments and results are
        // copied on the way out.
        if (!this.tracing && node.items.every((i) => i.kind === 'literal')) {
          const constant = node.items.map((i) => (i.kind === 'literal' ? i.value : null));
          return () => constant;
        }
        const items = node.items.map((i) => this.build(i));
        return (c) => items.map((i) => i(c));
      }
      case 'ref': {
        const type = this.typeOf(node);
        const key = node.key;
        // The common case, a flat non-date field, reads the record directly: one call less per read.
        if (
          !key.includes('.') &&
          !type.startsWith('date') &&
          !type.endsWith('[]') &&
          !(key in Object.prototype)
        ) {
          return (c) => {
            const v = c.scope[key];
            return typeof v === 'function' ? undefined : v;
          };
        }
        const read = fieldReader(key, type);
        return (c) => read(c.scope);
      }
      case 'unary': {
        const arg = this.build(node.arg);
        const pos = node.pos;
        if (node.op === 'not') return (c) => !toBoolean(arg(c));
        if (node.op === '-') return (c) => -num(arg(c), pos);
        return (c) => num(arg(c), pos);
      }
      case 'cond': {
        const test = this.build(node.test);
        const then = this.build(node.then);
        const otherwise = this.build(node.otherwise);
        return (c) => (toBoolean(test(c)) ? then(c) : otherwise(c));
      }
      case 'binary':
        return this.binary(node);
      case 'call':
        return this.call(node);
    }
  }

  binary(node: Extract<FormulaNode, { kind: 'binary' }>): Evaluator {
    const l = this.build(node.left);
    const r = this.build(node.right);
    const lt = this.typeOf(node.left);
    const rt = this.typeOf(node.right);
    const pos = node.pos;
    const dateish = (t: FormulaType) => t === 'date' || t === 'datetime';
    const numberish = (t: FormulaType) => t === 'number' || t === 'boolean';
    if (!this.tracing && numberish(lt) && numberish(rt)) {
      const fast = directOperands(node.op, l, r, direct(node.left, lt), direct(node.right, rt), pos);
      if (fast) return fast;
    }
    switch (node.op) {
      case '+':
        if (dateish(lt)) return (c) => addDays(toDate(l(c), pos), num(r(c), pos));
        if (dateish(rt)) return (c) => addDays(toDate(r(c), pos), num(l(c), pos));
        return (c) => num(l(c), pos) + num(r(c), pos);
      case '-':
        if ((dateish(lt) && (dateish(rt) || rt === 'text')) || (dateish(rt) && lt === 'text')) {
          return (c) => daysBetween(toDate(l(c), pos), toDate(r(c), pos));
        }
        if (dateish(lt)) return (c) => addDays(toDate(l(c), pos), -num(r(c), pos));
        return (c) => num(l(c), pos) - num(r(c), pos);
      case '*':
        return (c) => num(l(c), pos) * num(r(c), pos);
      case '/':
        return (c) => {
          const divisor = num(r(c), pos);
          if (divisor === 0) throw new FormulaError('DIV_BY_ZERO', pos);
          return num(l(c), pos) / divisor;
        };
      case '%':
        // Excel's MOD: the result takes the divisor's sign.
        return (c) => {
          const divisor = num(r(c), pos);
          if (divisor === 0) throw new FormulaError('DIV_BY_ZERO', pos);
          const dividend = num(l(c), pos);
          return dividend - divisor * Math.floor(dividend / divisor);
        };
      case '^':
        return (c) => {
          const v = num(l(c), pos) ** num(r(c), pos);
          if (!Number.isFinite(v)) throw new FormulaError('NUM_ERROR', pos, { name: '^' });
          return v;
        };
      case '&':
        return (c) => toText(l(c)) + toText(r(c));
      case 'and':
        return (c) => toBoolean(l(c)) && toBoolean(r(c));
      case 'or':
        return (c) => toBoolean(l(c)) || toBoolean(r(c));
      default: {
        const numeric = (t: FormulaType) => t === 'number' || t === 'boolean';
        const op = node.op;
        if (numeric(lt) && numeric(rt)) return numericComparison(op, l, r, pos);
        if (lt === 'text' && rt === 'text' && (op === '==' || op === '!=')) {
          const want = op === '==';
          return (c) => textEquals(l(c), r(c)) === want;
        }
        // A text operand next to a date is an ISO date literal: compare as dates.
        const lf: Evaluator = dateish(rt) && lt === 'text' ? (c) => toDate(l(c), pos) : l;
        const rf: Evaluator = dateish(lt) && rt === 'text' ? (c) => toDate(r(c), pos) : r;
        return (c) => compareWith(op, compareValues(lf(c), rf(c)));
      }
    }
  }

  call(node: Extract<FormulaNode, { kind: 'call' }>): Evaluator {
    const def = this.registry.get(node.name);
    if (!def) throw new FormulaError('UNKNOWN_FUNCTION', node.pos, { name: node.name });
    const args = node.args.map((a) => this.build(a));
    const pos = node.pos;
    if (def === ifFunction) {
      // The built-in IF compiles to a plain conditional: no call, no argument list.
      const [test, then, otherwise] = args as [Evaluator, Evaluator, Evaluator | undefined];
      if (otherwise) return (c) => (toBoolean(test(c)) ? then(c) : otherwise(c));
      return (c) => (toBoolean(test(c)) ? then(c) : false);
    }
    if (def.lazy) {
      const impl = def.impl;
      // Lazy functions call each argument with the context they were given, which is always our Ctx.
      const thunks = args as unknown as readonly Thunk[];
      return (c) => {
        countSteps(c, 1);
        return impl(thunks, c, pos);
      };
    }
    const impl = def.impl;
    const name = def.name;
    // One argument array per call site, reused: evaluation never re-enters the same node, and
    // implementations must not keep the array (see EagerFunctionDef.impl).
    const values = new Array<unknown>(args.length);
    return (c) => {
      let steps = 1;
      for (let i = 0; i < args.length; i++) {
        const v = (args[i] as Evaluator)(c);
        if (Array.isArray(v)) steps += v.length;
        values[i] = v;
      }
      countSteps(c, steps);
      const result = impl(values, c, pos);
      if (typeof result === 'number' && !Number.isFinite(result))
        throw new FormulaError('NUM_ERROR', pos, { name });
      return result;
    };
  }
}

const DAY_MS = 86_400_000;

/** How an operand can be read in place by the fast paths, if at all. */
function direct(node: FormulaNode, type: FormulaType): DirectOperand {
  if (node.kind === 'literal' && typeof node.value === 'number') return { constant: node.value };
  if (
    node.kind === 'ref' &&
    type === 'number' &&
    !node.key.includes('.') &&
    !(node.key in Object.prototype)
  ) {
    return { field: node.key };
  }
  return {};
}

function addDays(d: Date | null, days: number): Date | null {
  return d === null ? null : new Date(d.getTime() + days * DAY_MS);
}

function daysBetween(a: Date | null, b: Date | null): number {
  return ((a?.getTime() ?? 0) - (b?.getTime() ?? 0)) / DAY_MS;
}

function numericComparison(op: string, l: Evaluator, r: Evaluator, pos: number): Evaluator {
  switch (op) {
    case '==':
      return (c) => num(l(c), pos) === num(r(c), pos);
    case '!=':
      return (c) => num(l(c), pos) !== num(r(c), pos);
    case '<':
      return (c) => num(l(c), pos) < num(r(c), pos);
    case '<=':
      return (c) => num(l(c), pos) <= num(r(c), pos);
    case '>':
      return (c) => num(l(c), pos) > num(r(c), pos);
    default:
      return (c) => num(l(c), pos) >= num(r(c), pos);
  }
}

/** Text equality, case-insensitive as in Excel, without lower-casing when the texts are identical. */
function textEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'string' && typeof b === 'string') {
    return a.length === b.length && a.toLowerCase() === b.toLowerCase();
  }
  return compareValues(a, b) === 0;
}

function compareWith(op: string, order: number): boolean {
  switch (op) {
    case '==':
      return order === 0;
    case '!=':
      return order !== 0;
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
    case '>':
      return order > 0;
    default:
      return order >= 0;
  }
}

/** Internal: parse, check and build, optionally with tracing closures. */
export function buildFormula(
  source: string,
  fieldTypes: FieldTypeMap,
  options: CompileOptions,
  tracing: boolean,
): { compiled: CompiledFormula; root: Evaluator; maxSteps: number } {
  try {
    const registry = options.registry ?? defaultRegistry;
    const ast = parseFormula(source, {
      ...(options.maxLength === undefined ? {} : { maxLength: options.maxLength }),
      ...(options.maxDepth === undefined ? {} : { maxDepth: options.maxDepth }),
    });
    const checked = checkTree(ast, fieldTypes, registry);
    if (options.resultKind !== undefined) {
      const expected = fieldKindToType(options.resultKind) ?? 'any';
      if (!fits(expected, checked.type)) {
        throw new FormulaError('TYPE_MISMATCH', 0, { context: 'result', expected, actual: checked.type });
      }
    }
    const root = new Compiler(source, checked, registry, tracing).build(ast);
    const maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS;
    const precision = options.precision ?? (options.resultKind === 'money' ? 2 : undefined);
    const type = checked.type;
    const dateOnly = type === 'date' || type === 'date[]';
    const numeric = type === 'number' || type === 'any';
    // Evaluation is synchronous and never re-enters the same formula, so one context per compiled
    // formula is reset and reused instead of allocated per record.
    const ctx = new Ctx({}, undefined, maxSteps);
    const evaluate = (
      scope: Readonly<Record<string, unknown>>,
      evalOptions?: EvaluateOptions,
    ): FormulaValue => {
      ctx.reset(scope !== null && typeof scope === 'object' ? scope : {}, evalOptions?.now);
      try {
        return finish(root(ctx), numeric, precision, dateOnly);
      } catch (error) {
        throw asFormulaError(error);
      } finally {
        // Do not keep the last record alive through the cached context.
        ctx.reset(EMPTY_SCOPE, undefined);
      }
    };
    const compiled: CompiledFormula = {
      source,
      type,
      refs: checked.refs,
      functions: checked.functions,
      ast,
      evaluate,
    };
    return { compiled, root, maxSteps };
  } catch (error) {
    throw asFormulaError(error);
  }
}

/** Shapes a raw result: numbers checked and rounded, -0 folded, dates to ISO text. */
export function finish(
  value: unknown,
  numeric: boolean,
  precision: number | undefined,
  dateOnly: boolean,
): FormulaValue {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new FormulaError('NUM_ERROR', 0, { name: 'result' });
    const v = numeric && precision !== undefined ? roundHalfAwayFromZero(value, precision) : value;
    return v === 0 ? 0 : v;
  }
  return toOutput(value, dateOnly);
}

/** Anything thrown inside evaluation becomes a FormulaError, so callers handle one error type. */
export function asFormulaError(error: unknown): FormulaError {
  if (isFormulaError(error)) return error;
  if (error instanceof RangeError) return new FormulaError('EVALUATION_FAILED', 0, { detail: 'too large' });
  const detail = error instanceof Error ? error.message.slice(0, 200) : 'unknown';
  return new FormulaError('EVALUATION_FAILED', 0, { detail });
}

/**
 * Parses and type-checks a formula and builds its evaluator. `fieldTypes` declares the fields the
 * formula may use. Throws FormulaError with the position of the first problem.
 */
export function compile(
  source: string,
  fieldTypes: FieldTypeMap,
  options: CompileOptions = {},
): CompiledFormula {
  return buildFormula(source, fieldTypes, options, false).compiled;
}

/** Result of {@link typeCheck}: the inferred type, or the error a save should report. */
export type TypeCheckResult =
  | { readonly ok: true; readonly type: FormulaType; readonly refs: readonly string[] }
  | { readonly ok: false; readonly error: FormulaError };

/** Checks a formula at design time without throwing (for form editors and form-save validation). */
export function typeCheck(
  source: string,
  fieldTypes: FieldTypeMap,
  options: CompileOptions = {},
): TypeCheckResult {
  try {
    const { type, refs } = compile(source, fieldTypes, options);
    return { ok: true, type, refs };
  } catch (error) {
    return { ok: false, error: asFormulaError(error) };
  }
}
