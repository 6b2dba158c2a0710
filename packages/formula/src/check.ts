import type { FormulaNode } from './ast.js';
import { FormulaError } from './errors.js';
import type { FunctionDef, FunctionRegistry, ParamType } from './registry.js';
import {
  elementType,
  type FieldTypeMap,
  type FormulaType,
  fieldKindToType,
  isListType,
  listOf,
  unifyTypes,
} from './types.js';

/** The checker's output: a type per node, the referenced field keys and the functions used. */
export interface CheckResult {
  readonly type: FormulaType;
  readonly types: ReadonlyMap<FormulaNode, FormulaType>;
  readonly refs: readonly string[];
  readonly functions: readonly string[];
}

const isDateish = (t: FormulaType) => t === 'date' || t === 'datetime';
const isNumeric = (t: FormulaType) => t === 'number' || t === 'boolean' || t === 'any';

/** Whether a scalar value of type `actual` fits a scalar slot of type `expected`. */
function scalarFits(expected: FormulaType, actual: FormulaType): boolean {
  if (isListType(actual)) return false;
  if (actual === 'any' || expected === 'any') return true;
  switch (expected) {
    case 'number':
      return actual === 'number' || actual === 'boolean';
    case 'text':
      return true;
    case 'boolean':
      return actual === 'boolean' || actual === 'number';
    case 'date':
    case 'datetime':
      return isDateish(actual) || actual === 'text';
    default:
      return false;
  }
}

/** Whether an argument of type `actual` may be passed where `expected` is declared. */
export function fits(expected: ParamType, actual: FormulaType): boolean {
  if (expected === 'values') return true;
  if (expected === 'numbers')
    return isListType(actual) ? scalarFits('number', elementType(actual)) : scalarFits('number', actual);
  if (isListType(expected)) {
    if (actual === 'any') return true;
    return isListType(actual) && scalarFits(elementType(expected), elementType(actual));
  }
  return scalarFits(expected, actual);
}

function describe(type: ParamType): string {
  return type === 'numbers' ? 'number or number[]' : type === 'values' ? 'value' : type;
}

/** Type-checks a tree against the form's fields and the function registry; throws FormulaError. */
export function checkTree(
  root: FormulaNode,
  fieldTypes: FieldTypeMap,
  registry: FunctionRegistry,
): CheckResult {
  const types = new Map<FormulaNode, FormulaType>();
  const refs = new Set<string>();
  const functions = new Set<string>();

  const mismatch = (node: FormulaNode, context: string, expected: string, actual: FormulaType): never => {
    throw new FormulaError('TYPE_MISMATCH', node.pos, { context, expected, actual });
  };
  const scalar = (node: FormulaNode, context: string): FormulaType => {
    const t = visit(node);
    if (isListType(t)) mismatch(node, context, 'a single value', t);
    return t;
  };

  const visit = (node: FormulaNode): FormulaType => {
    const t = infer(node);
    types.set(node, t);
    return t;
  };

  const infer = (node: FormulaNode): FormulaType => {
    switch (node.kind) {
      case 'literal':
        return typeof node.value === 'number'
          ? 'number'
          : typeof node.value === 'string'
            ? 'text'
            : 'boolean';
      case 'array': {
        let element: FormulaType | undefined;
        for (const item of node.items) {
          const t = scalar(item, '[ ]');
          element = element === undefined ? t : unifyTypes(element, t);
        }
        return listOf(elementType(element ?? 'any'));
      }
      case 'ref': {
        const kind = Object.hasOwn(fieldTypes, node.key) ? fieldTypes[node.key] : undefined;
        const type = kind === undefined ? undefined : fieldKindToType(kind);
        if (type === undefined) throw new FormulaError('UNKNOWN_FIELD', node.pos, { name: node.key });
        refs.add(node.key);
        return type;
      }
      case 'unary': {
        const t = scalar(node.arg, node.op);
        if (node.op === 'not') return 'boolean';
        if (!isNumeric(t)) mismatch(node.arg, node.op, 'number', t);
        return 'number';
      }
      case 'binary':
        return binary(node);
      case 'cond': {
        scalar(node.test, '?');
        return unifyTypes(visit(node.then), visit(node.otherwise));
      }
      case 'call':
        return call(node);
    }
  };

  const binary = (node: Extract<FormulaNode, { kind: 'binary' }>): FormulaType => {
    const l = scalar(node.left, node.op);
    const r = scalar(node.right, node.op);
    switch (node.op) {
      case '+':
      case '-':
        if (isDateish(l) && isNumeric(r)) return l;
        if (node.op === '+' && isNumeric(l) && isDateish(r)) return r;
        // date − date (a text operand next to a date is an ISO date literal) gives days.
        if (
          node.op === '-' &&
          (isDateish(l) || isDateish(r)) &&
          (isDateish(l) || l === 'text') &&
          (isDateish(r) || r === 'text')
        ) {
          return 'number';
        }
        if (!isNumeric(l)) mismatch(node.left, node.op, 'number', l);
        if (!isNumeric(r)) mismatch(node.right, node.op, 'number', r);
        return 'number';
      case '*':
      case '/':
      case '%':
      case '^':
        if (!isNumeric(l)) mismatch(node.left, node.op, 'number', l);
        if (!isNumeric(r)) mismatch(node.right, node.op, 'number', r);
        return 'number';
      case '&':
        return 'text';
      case 'and':
      case 'or':
        return 'boolean';
      default: {
        const comparable =
          l === 'any' ||
          r === 'any' ||
          (isNumeric(l) && isNumeric(r)) ||
          (l === 'text' && r === 'text') ||
          ((isDateish(l) || l === 'text') && (isDateish(r) || r === 'text'));
        if (!comparable) mismatch(node.right, node.op, l, r);
        return 'boolean';
      }
    }
  };

  const call = (node: Extract<FormulaNode, { kind: 'call' }>): FormulaType => {
    const def: FunctionDef | undefined = registry.get(node.name);
    if (!def) throw new FormulaError('UNKNOWN_FUNCTION', node.pos, { name: node.name });
    functions.add(def.name);
    const required = def.params.filter((p) => !p.optional).length;
    const variadic = def.params.some((p) => p.variadic);
    const max = variadic ? Number.POSITIVE_INFINITY : def.params.length;
    if (node.args.length < required || node.args.length > max) {
      const expected = variadic
        ? `${required}+`
        : required === def.params.length
          ? `${required}`
          : `${required}-${max}`;
      throw new FormulaError('WRONG_ARGUMENT_COUNT', node.pos, {
        name: def.name,
        expected,
        actual: node.args.length,
      });
    }
    const argTypes = node.args.map((arg, i) => {
      const param = def.params[Math.min(i, def.params.length - 1)];
      const t = visit(arg);
      if (param && !fits(param.type, t)) mismatch(arg, `${def.name}(${param.name})`, describe(param.type), t);
      return t;
    });
    return typeof def.returns === 'function' ? def.returns(argTypes) : def.returns;
  };

  const type = visit(root);
  return { type, types, refs: [...refs], functions: [...functions] };
}
