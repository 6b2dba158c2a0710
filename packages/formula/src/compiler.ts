import type { FormulaNode } from './ast.js';
import type { CheckResult } from './check.js';
import { checkTextLength, countSteps, type Evaluator } from './context.js';
import { FormulaError } from './errors.js';
import { type DirectOperand, directOperands } from './fast-ops.js';
import { compareValues } from './functions/compare.js';
import { ifFunction } from './functions/logic.js';
import type { FunctionRegistry, Thunk } from './registry.js';
import { fieldReader } from './scope.js';
import type { FormulaType } from './types.js';
import { toBoolean, toDate, toNumber, toOutput, toText } from './values.js';

const num = (v: unknown, pos: number): number => (typeof v === 'number' ? v : toNumber(v, pos));

/** Turns a checked tree into closures; tracing wraps each node to record its value. */
export class Compiler {
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
        return (c) => {
          const left = toText(l(c));
          const right = toText(r(c));
          checkTextLength(left.length + right.length, pos);
          return left + right;
        };
      case 'and':
        return (c) => toBoolean(l(c)) && toBoolean(r(c));
      case 'or':
        return (c) => toBoolean(l(c)) || toBoolean(r(c));
      default: {
        const op = node.op;
        if (numberish(lt) && numberish(rt)) return numericComparison(op, l, r, pos);
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
        const result = impl(thunks, c, pos);
        if (typeof result === 'string') checkTextLength(result.length, pos);
        return result;
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
      if (typeof result === 'string') checkTextLength(result.length, pos);
      return result;
    };
  }
}

const DAY_MS = 86_400_000;

// Module-level rather than per-call closures: compiling many formulas allocates less.
function dateish(t: FormulaType): boolean {
  return t === 'date' || t === 'datetime';
}

function numberish(t: FormulaType): boolean {
  return t === 'number' || t === 'boolean';
}

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
