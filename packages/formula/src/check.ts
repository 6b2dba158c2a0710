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
  const checker = new Checker(fieldTypes, registry);
  const type = checker.visit(root);
  return { type, types: checker.types, refs: [...checker.refs], functions: [...checker.functions] };
}

// A class rather than closures inside checkTree: compiling many formulas (a form load, a template
// import) then allocates one object per formula instead of a set of closures per call.
class Checker {
  readonly types = new Map<FormulaNode, FormulaType>();
  readonly refs = new Set<string>();
  readonly functions = new Set<string>();

  constructor(
    private readonly fieldTypes: FieldTypeMap,
    private readonly registry: FunctionRegistry,
  ) {}

  mismatch(node: FormulaNode, context: string, expected: string, actual: FormulaType): never {
    throw new FormulaError('TYPE_MISMATCH', node.pos, { context, expected, actual });
  }

  scalar(node: FormulaNode, context: string): FormulaType {
    const t = this.visit(node);
    if (isListType(t)) this.mismatch(node, context, 'a single value', t);
    return t;
  }

  visit(node: FormulaNode): FormulaType {
    const t = this.infer(node);
    this.types.set(node, t);
    return t;
  }

  infer(node: FormulaNode): FormulaType {
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
          const t = this.scalar(item, '[ ]');
          element = element === undefined ? t : unifyTypes(element, t);
        }
        return listOf(elementType(element ?? 'any'));
      }
      case 'ref': {
        const fieldTypes = this.fieldTypes;
        const kind = Object.hasOwn(fieldTypes, node.key) ? fieldTypes[node.key] : undefined;
        const type = kind === undefined ? undefined : fieldKindToType(kind);
        if (type === undefined) throw new FormulaError('UNKNOWN_FIELD', node.pos, { name: node.key });
        this.refs.add(node.key);
        return type;
      }
      case 'unary': {
        const t = this.scalar(node.arg, node.op);
        if (node.op === 'not') return 'boolean';
        if (!isNumeric(t)) this.mismatch(node.arg, node.op, 'number', t);
        return 'number';
      }
      case 'binary':
        return this.binary(node);
      case 'cond': {
        this.scalar(node.test, '?');
        return unifyTypes(this.visit(node.then), this.visit(node.otherwise));
      }
      case 'call':
        return this.call(node);
    }
  }

  binary(node: Extract<FormulaNode, { kind: 'binary' }>): FormulaType {
    const l = this.scalar(node.left, node.op);
    const r = this.scalar(node.right, node.op);
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
        if (!isNumeric(l)) this.mismatch(node.left, node.op, 'number', l);
        if (!isNumeric(r)) this.mismatch(node.right, node.op, 'number', r);
        return 'number';
      case '*':
      case '/':
      case '%':
      case '^':
        if (!isNumeric(l)) this.mismatch(node.left, node.op, 'number', l);
        if (!isNumeric(r)) this.mismatch(node.right, node.op, 'number', r);
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
        if (!comparable) this.mismatch(node.right, node.op, l, r);
        return 'boolean';
      }
    }
  }

  call(node: Extract<FormulaNode, { kind: 'call' }>): FormulaType {
    const def: FunctionDef | undefined = this.registry.get(node.name);
    if (!def) throw new FormulaError('UNKNOWN_FUNCTION', node.pos, { name: node.name });
    this.functions.add(def.name);
    const params = def.params;
    let required = 0;
    let variadic = false;
    for (const p of params) {
      if (!p.optional) required++;
      if (p.variadic) variadic = true;
    }
    const max = variadic ? Number.POSITIVE_INFINITY : params.length;
    const args = node.args;
    if (args.length < required || args.length > max) {
      const expected = variadic
        ? `${required}+`
        : required === params.length
          ? `${required}`
          : `${required}-${max}`;
      throw new FormulaError('WRONG_ARGUMENT_COUNT', node.pos, {
        name: def.name,
        expected,
        actual: args.length,
      });
    }
    const argTypes: FormulaType[] = [];
    for (let i = 0; i < args.length; i++) {
      const arg = args[i] as FormulaNode;
      const param = params[Math.min(i, params.length - 1)];
      const t = this.visit(arg);
      if (param && !fits(param.type, t)) {
        this.mismatch(arg, `${def.name}(${param.name})`, describe(param.type), t);
      }
      argTypes.push(t);
    }
    return typeof def.returns === 'function' ? def.returns(argTypes) : def.returns;
  }
}
