import { Parser } from 'expr-eval-fork';
import type { BinaryOp, FormulaNode, UnaryOp } from './ast.js';
import { FormulaError, isFormulaError } from './errors.js';
import { type LexResult, lex, type Token } from './lexer.js';

/** Limits applied while parsing. */
export interface ParseLimits {
  /** Longest accepted source in characters (default 10,240). */
  readonly maxLength?: number;
  /** Deepest accepted nesting of the syntax tree and of brackets (default 64). */
  readonly maxDepth?: number;
}

/** Default longest source: 10 KB. */
export const DEFAULT_MAX_LENGTH = 10_240;
/** Default deepest nesting of brackets and of the syntax tree. */
export const DEFAULT_MAX_DEPTH = 64;

/** expr-eval's instruction, which its typings do not export. */
interface Instruction {
  readonly type: string;
  readonly value: unknown;
}

// One parser for the package: only the operators the language has. Functions are resolved by the
// package's own registry, so expr-eval's built-in functions, constants and named operators
// (sin, length, in, ...) are removed and those words stay ordinary names.
const parser = new Parser({
  operators: { assignment: false, fndef: false, in: false, factorial: false },
});
// Null-prototype tables: expr-eval tests names with `in`, so inherited keys such as "constructor" or
// "toString" would otherwise be taken for operators or constants.
const table = (entries: Record<string, unknown>): Record<string, unknown> =>
  Object.assign(Object.create(null) as Record<string, unknown>, entries);
const binaryOps = (parser as unknown as { binaryOps: Record<string, unknown> }).binaryOps;
const { in: _in, ...keptBinary } = binaryOps;
(parser as unknown as { binaryOps: Record<string, unknown> }).binaryOps = table(keptBinary);
parser.unaryOps = table({ '-': parser.unaryOps['-'], '+': parser.unaryOps['+'], not: parser.unaryOps.not });
parser.functions = table({});
parser.consts = table({ true: true, false: false });

const BINARY: Readonly<Record<string, BinaryOp>> = {
  '+': '+',
  '-': '-',
  '*': '*',
  '/': '/',
  '%': '%',
  '^': '^',
  '||': '&',
  '==': '==',
  '!=': '!=',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
  and: 'and',
  or: 'or',
};

/** Names that could lead towards JavaScript internals; refused even if a form declared them. */
export const FORBIDDEN_NAMES: ReadonlySet<string> = new Set([
  '__proto__',
  'prototype',
  'constructor',
  '__defineGetter__',
  '__defineSetter__',
  '__lookupGetter__',
  '__lookupSetter__',
]);

class Converter {
  #leaf = 0;

  constructor(
    private readonly lexed: LexResult,
    private readonly maxDepth: number,
  ) {}

  nextLeaf(): Token {
    const tok = this.lexed.leaves[this.#leaf++];
    return (
      tok ?? {
        kind: 'name',
        text: '',
        pos: this.lexed.offsets.length - 1,
        end: this.lexed.offsets.length - 1,
      }
    );
  }

  /** The first token of a kind starting at or after `from`. */
  tokenAfter(from: number, kind: Token['kind']): Token | undefined {
    const tokens = this.lexed.tokens;
    for (let i = this.firstAtOrAfter(from); i < tokens.length; i++) {
      const t = tokens[i] as Token;
      if (t.kind === kind) return t;
    }
    return undefined;
  }

  /** Index of the first token starting at or after `pos` (tokens are sorted by position). */
  firstAtOrAfter(pos: number): number {
    const tokens = this.lexed.tokens;
    let lo = 0;
    let hi = tokens.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((tokens[mid] as Token).pos < pos) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The last token of a kind that starts before `pos`. */
  tokenBefore(pos: number, kind: Token['kind']): Token | undefined {
    const tokens = this.lexed.tokens;
    for (let i = this.firstAtOrAfter(pos) - 1; i >= 0; i--) {
      const t = tokens[i] as Token;
      if (t.kind === kind) return t;
    }
    return undefined;
  }

  /** The last operator token that ends at or before `before`. */
  opBefore(before: number): Token | undefined {
    return this.tokenBefore(before, 'op');
  }

  convert(instructions: readonly Instruction[]): FormulaNode {
    const stack: FormulaNode[] = [];
    const pop = (): FormulaNode => {
      const node = stack.pop();
      if (!node) throw new FormulaError('SYNTAX_ERROR', 0, { detail: 'incomplete expression' });
      return node;
    };
    const push = (node: FormulaNode) => {
      this.checkDepth(node);
      stack.push(node);
    };
    for (const ins of instructions) {
      switch (ins.type) {
        case 'INUMBER': {
          const tok = this.nextLeaf();
          const v = ins.value;
          if (typeof v !== 'number' && typeof v !== 'string' && typeof v !== 'boolean') {
            throw new FormulaError('UNSUPPORTED_SYNTAX', tok.pos, { syntax: tok.text });
          }
          push({ kind: 'literal', value: v, pos: tok.pos, end: tok.end });
          break;
        }
        case 'IVAR': {
          const tok = this.nextLeaf();
          const name = String(ins.value);
          this.checkName(name, tok.pos);
          push({ kind: 'ref', key: name, pos: tok.pos, end: tok.end });
          break;
        }
        case 'IMEMBER': {
          const tok = this.nextLeaf();
          const target = pop();
          const name = String(ins.value);
          this.checkName(name, tok.pos);
          if (target.kind !== 'ref')
            throw new FormulaError('UNSUPPORTED_SYNTAX', tok.pos, { syntax: `.${name}` });
          push({ kind: 'ref', key: `${target.key}.${name}`, pos: target.pos, end: tok.end });
          break;
        }
        case 'IFUNCALL': {
          const count = Number(ins.value);
          const args: FormulaNode[] = [];
          for (let k = 0; k < count; k++) args.unshift(pop());
          const callee = pop();
          if (callee.kind !== 'ref') {
            throw new FormulaError('UNSUPPORTED_SYNTAX', callee.pos, { syntax: 'call of a non-function' });
          }
          const last = args[args.length - 1];
          const close = this.tokenAfter(last ? last.end : callee.end, ')');
          push({
            kind: 'call',
            name: callee.key,
            args,
            pos: callee.pos,
            end: close ? close.end : (last?.end ?? callee.end),
          });
          break;
        }
        case 'IOP1': {
          const arg = pop();
          const op = String(ins.value);
          const opTok = this.opBefore(arg.pos);
          if (op !== '-' && op !== '+' && op !== 'not') {
            throw new FormulaError('UNSUPPORTED_SYNTAX', opTok?.pos ?? arg.pos, { syntax: op });
          }
          push({
            kind: 'unary',
            op: op as UnaryOp,
            arg,
            pos: Math.min(opTok?.pos ?? arg.pos, arg.pos),
            end: arg.end,
          });
          break;
        }
        case 'IOP2': {
          const right = pop();
          const left = pop();
          const raw = String(ins.value);
          const op = Object.hasOwn(BINARY, raw) ? BINARY[raw] : undefined;
          if (!op) {
            const opTok = this.tokenAfter(left.end, raw === '[' ? '[' : 'op');
            throw new FormulaError('UNSUPPORTED_SYNTAX', opTok?.pos ?? left.end, {
              syntax: raw === '[' ? '[]' : raw,
            });
          }
          push({ kind: 'binary', op, left, right, pos: left.pos, end: right.end });
          break;
        }
        case 'IOP3': {
          const otherwise = pop();
          const then = pop();
          const test = pop();
          push({ kind: 'cond', test, then, otherwise, pos: test.pos, end: otherwise.end });
          break;
        }
        case 'IEXPR':
          push(this.convert(ins.value as readonly Instruction[]));
          break;
        case 'IARRAY': {
          const count = Number(ins.value);
          const items: FormulaNode[] = [];
          for (let k = 0; k < count; k++) items.unshift(pop());
          const first = items[0];
          const last = items[items.length - 1];
          const open = this.tokenBefore(first?.pos ?? Number.POSITIVE_INFINITY, '[');
          const close = this.tokenAfter(last ? last.end : (open?.end ?? 0), ']');
          push({
            kind: 'array',
            items,
            pos: open?.pos ?? first?.pos ?? 0,
            end: close?.end ?? last?.end ?? 0,
          });
          break;
        }
        default:
          throw new FormulaError('UNSUPPORTED_SYNTAX', 0, { syntax: ins.type });
      }
    }
    if (stack.length !== 1)
      throw new FormulaError('SYNTAX_ERROR', stack[1]?.pos ?? 0, { detail: 'extra input' });
    return pop();
  }

  checkName(name: string, pos: number): void {
    if (FORBIDDEN_NAMES.has(name)) throw new FormulaError('FORBIDDEN_NAME', pos, { name });
  }

  readonly #depths = new Map<FormulaNode, number>();

  checkDepth(node: FormulaNode): void {
    let children: readonly FormulaNode[] = [];
    if (node.kind === 'unary') children = [node.arg];
    else if (node.kind === 'binary') children = [node.left, node.right];
    else if (node.kind === 'cond') children = [node.test, node.then, node.otherwise];
    else if (node.kind === 'call') children = node.args;
    else if (node.kind === 'array') children = node.items;
    let depth = 1;
    for (const c of children) depth = Math.max(depth, (this.#depths.get(c) ?? 1) + 1);
    if (depth > this.maxDepth) throw new FormulaError('DEPTH_EXCEEDED', node.pos, { max: this.maxDepth });
    this.#depths.set(node, depth);
  }
}

/** Maps expr-eval's "[line:column]" to an offset in the original source. */
function positionOf(message: string, lexed: LexResult, source: string): number {
  const m = /\[(\d+):(\d+)\]/.exec(message);
  if (!m) {
    // "unexpected TYPE: value" carries no place: point at the end, or at the first such operator.
    if (message.includes('TEOF')) return source.length;
    const op = /unexpected T\w+: (.+)$/.exec(message)?.[1];
    return lexed.tokens.find((t) => t.text === op)?.pos ?? 0;
  }
  const lines = lexed.rewritten.split('\n');
  let offset = 0;
  const line = Number(m[1]);
  for (let k = 0; k < line - 1; k++) offset += (lines[k]?.length ?? 0) + 1;
  offset += Number(m[2]) - 1;
  return lexed.offsets[Math.min(Math.max(offset, 0), lexed.offsets.length - 1)] ?? 0;
}

const OPERAND_END = new Set<Token['kind']>(['number', 'string', 'name', 'const', ')', ']']);
const OPERAND_START = new Set<Token['kind']>(['number', 'string', 'name', 'const', '(', '[']);

/**
 * Two operands side by side (`SUM(1 2)`, `[1 2]`, `a b`) are a missing comma or operator. expr-eval reads
 * some of them as something else without complaint, so they are refused here, at the second operand.
 */
function checkAdjacentOperands(tokens: readonly Token[], source: string): void {
  // An operator with nothing after it (`1 +`, a bare `not`): expr-eval would read `not` as a name.
  const last = tokens.at(-1);
  if (last?.kind === 'op') {
    throw new FormulaError('SYNTAX_ERROR', source.length, {
      detail: `"${last.text}" needs an operand after it`,
    });
  }
  for (let i = 1; i < tokens.length; i++) {
    const prev = tokens[i - 1] as Token;
    const tok = tokens[i] as Token;
    if (!OPERAND_END.has(prev.kind) || !OPERAND_START.has(tok.kind)) continue;
    // Calls and indexing (`f(x)`, `x[0]`, `f(1)(2)`) are left to the grammar, which names them.
    if ((tok.kind === '(' || tok.kind === '[') && ['name', ')', ']'].includes(prev.kind)) continue;
    throw new FormulaError('SYNTAX_ERROR', tok.pos, {
      detail: `unexpected "${tok.text}": a comma or operator is missing`,
    });
  }
}

/**
 * Parses a formula into a tree. Throws FormulaError (SOURCE_TOO_LONG, DEPTH_EXCEEDED, SYNTAX_ERROR,
 * UNSUPPORTED_SYNTAX, FORBIDDEN_NAME) with the character position.
 */
export function parseFormula(source: string, limits: ParseLimits = {}): FormulaNode {
  const maxLength = limits.maxLength ?? DEFAULT_MAX_LENGTH;
  const maxDepth = limits.maxDepth ?? DEFAULT_MAX_DEPTH;
  if (typeof source !== 'string') throw new FormulaError('SYNTAX_ERROR', 0, { detail: 'not text' });
  if (source.length > maxLength) {
    throw new FormulaError('SOURCE_TOO_LONG', maxLength, { length: source.length, max: maxLength });
  }
  const lexed = lex(source, maxDepth);
  for (const tok of lexed.tokens) {
    if (tok.kind === 'name' && FORBIDDEN_NAMES.has(tok.text)) {
      throw new FormulaError('FORBIDDEN_NAME', tok.pos, { name: tok.text });
    }
  }
  if (lexed.tokens.length === 0) throw new FormulaError('SYNTAX_ERROR', 0, { detail: 'empty formula' });
  checkAdjacentOperands(lexed.tokens, source);
  let tokens: readonly Instruction[];
  try {
    tokens = (parser.parse(lexed.rewritten) as unknown as { tokens: readonly Instruction[] }).tokens;
  } catch (error) {
    if (error instanceof RangeError) throw new FormulaError('DEPTH_EXCEEDED', 0, { max: maxDepth });
    const message = error instanceof Error ? error.message : String(error);
    throw new FormulaError('SYNTAX_ERROR', positionOf(message, lexed, source), {
      detail: message.replace(/^parse error \[\d+:\d+\]: /, ''),
    });
  }
  try {
    return new Converter(lexed, maxDepth).convert(tokens);
  } catch (error) {
    if (isFormulaError(error)) throw error;
    if (error instanceof RangeError) throw new FormulaError('DEPTH_EXCEEDED', 0, { max: maxDepth });
    throw new FormulaError('SYNTAX_ERROR', 0, { detail: error instanceof Error ? error.message : 'invalid' });
  }
}
