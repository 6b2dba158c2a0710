import type { BinaryOp, FormulaNode, UnaryOp } from './ast.js';
import { FormulaError, isFormulaError } from './errors.js';
import { lex, numberValue, type Token, textValue } from './lexer.js';

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

// Precedence, loosest first: `? :`, or, and, comparisons, + - &, * / %, prefix - + not, ^. Binary
// levels associate to the left, `^` and `? :` to the right. The levels are those of expr-eval, which
// this parser replaced: `-2^2` is -(2^2) and `a & b = c` compares the concatenation.

/**
 * Recursive-descent parser over the lexer's tokens, building the tree directly. Every recursion
 * either nests a bracket (bounded by the lexer), a prefix operator or power (bounded by the lexer)
 * or a sub-expression that deepens the tree (bounded by `maxDepth`), so the stack stays shallow.
 */
class Parser {
  #at = 0;
  #nesting = 0;
  readonly #depths = new Map<FormulaNode, number>();
  readonly #eof: Token;

  constructor(
    private readonly tokens: readonly Token[],
    sourceLength: number,
    private readonly maxDepth: number,
  ) {
    // Errors at the end of the input point just past the last character.
    this.#eof = { kind: 'op', text: '', pos: sourceLength, end: sourceLength };
  }

  peek(): Token {
    return this.tokens[this.#at] ?? this.#eof;
  }

  isOp(text: string): boolean {
    const t = this.tokens[this.#at];
    return t !== undefined && t.kind === 'op' && t.text === text;
  }

  next(): Token {
    const t = this.peek();
    this.#at++;
    return t;
  }

  /** A syntax error at a token: the end of the formula when the input ran out. */
  fail(token: Token, detail: string): never {
    throw new FormulaError('SYNTAX_ERROR', token.pos, { detail });
  }

  unexpected(token: Token): never {
    if (token === this.#eof) this.fail(token, 'unexpected end of formula');
    this.fail(token, `unexpected "${token.text}"`);
  }

  expect(kind: Token['kind'], text: string): Token {
    const t = this.peek();
    if (t.kind !== kind || t === this.#eof || (kind === 'op' && t.text !== text)) {
      this.fail(t, `expected "${text}"`);
    }
    this.#at++;
    return t;
  }

  parseFormula(): FormulaNode {
    const node = this.expression();
    const rest = this.peek();
    if (rest !== this.#eof) this.fail(rest, `unexpected "${rest.text}"`);
    return node;
  }

  /** A whole sub-expression: `test ? then : otherwise` (right-associative) or looser. */
  expression(): FormulaNode {
    // Brackets are bounded by the lexer and nested conditionals by the tree depth, so twice the
    // limit is never reached by a formula the other checks accept.
    if (++this.#nesting > 2 * this.maxDepth + 2) {
      throw new FormulaError('DEPTH_EXCEEDED', this.peek().pos, { max: this.maxDepth });
    }
    let node = this.binary(1);
    while (this.isOp('?')) {
      this.#at++;
      const then = this.expression();
      this.expect('op', ':');
      const otherwise = this.expression();
      node = this.make({ kind: 'cond', test: node, then, otherwise, pos: node.pos, end: otherwise.end });
    }
    this.#nesting--;
    return node;
  }

  /**
   * Binary operators by precedence climbing: operands are prefix expressions, and an operator binds
   * only when its level is at least `minLevel`; the right side takes tighter operators only, which
   * makes each level left-associative. One loop instead of a function per level keeps the number of
   * calls per token low, which is what a cold start (interpreted code) pays for.
   */
  binary(minLevel: number): FormulaNode {
    let left = this.factor();
    for (;;) {
      const t = this.tokens[this.#at];
      const level = t !== undefined && t.kind === 'op' ? levelOf(t.text) : 0;
      if (t === undefined || level === 0 || level < minLevel) return left;
      this.#at++;
      const right = this.binary(level + 1);
      left = this.make({
        kind: 'binary',
        op: t.text as BinaryOp,
        left,
        right,
        pos: left.pos,
        end: right.end,
      });
    }
  }

  /** Prefix `-`, `+` and `not` bind looser than `^`: `-2^2` is -(2^2). */
  factor(): FormulaNode {
    const t = this.peek();
    if (t.kind === 'op' && (t.text === '-' || t.text === '+' || t.text === 'not')) {
      this.#at++;
      // `not (x) ^ 2` negates the bracket only, as expr-eval read it.
      if (t.text === 'not' && this.peek().kind === '(') {
        const arg = this.atom();
        const base = this.make({ kind: 'unary', op: 'not', arg, pos: t.pos, end: arg.end });
        return this.powers(base);
      }
      const arg = this.factor();
      return this.make({ kind: 'unary', op: t.text as UnaryOp, arg, pos: t.pos, end: arg.end });
    }
    return this.powers(this.postfix());
  }

  /** `base ^ factor`, right-associative: 2^3^2 is 2^(3^2). */
  powers(base: FormulaNode): FormulaNode {
    let node = base;
    while (this.isOp('^')) {
      this.#at++;
      const right = this.factor();
      node = this.make({ kind: 'binary', op: '^', left: node, right, pos: node.pos, end: right.end });
    }
    return node;
  }

  /** An atom followed by `.name` member steps and `( args )` calls. */
  postfix(): FormulaNode {
    let node = this.atom();
    for (;;) {
      const t = this.peek();
      if (t.kind === 'op' && t.text === '.') {
        this.#at++;
        const name = this.peek();
        if (name.kind !== 'name') this.fail(name, 'expected a name after "."');
        this.checkName(name);
        this.#at++;
        if (node.kind !== 'ref') {
          throw new FormulaError('UNSUPPORTED_SYNTAX', name.pos, { syntax: `.${name.text}` });
        }
        node = this.make({ kind: 'ref', key: `${node.key}.${name.text}`, pos: node.pos, end: name.end });
      } else if (t.kind === '[') {
        throw new FormulaError('UNSUPPORTED_SYNTAX', t.pos, { syntax: '[]' });
      } else if (t.kind === '(') {
        if (node.kind !== 'ref') {
          throw new FormulaError('UNSUPPORTED_SYNTAX', node.pos, { syntax: 'call of a non-function' });
        }
        this.#at++;
        const args = this.list(')');
        const close = this.tokens[this.#at - 1] as Token;
        node = this.make({ kind: 'call', name: node.key, args, pos: node.pos, end: close.end });
      } else {
        return node;
      }
    }
  }

  /** Comma-separated expressions up to the closing bracket, which is consumed. */
  list(close: ')' | ']'): FormulaNode[] {
    const items: FormulaNode[] = [];
    if (this.peek().kind === close) {
      this.#at++;
      return items;
    }
    for (;;) {
      items.push(this.expression());
      const t = this.next();
      if (t.kind === close) return items;
      if (t.kind !== ',') this.fail(t, `expected "," or "${close}"`);
    }
  }

  atom(): FormulaNode {
    const t = this.next();
    switch (t.kind) {
      case 'number':
        return this.make({ kind: 'literal', value: numberValue(t.text), pos: t.pos, end: t.end });
      case 'string':
        return this.make({ kind: 'literal', value: textValue(t), pos: t.pos, end: t.end });
      case 'const':
        return this.make({ kind: 'literal', value: t.text === 'true', pos: t.pos, end: t.end });
      case 'name':
        this.checkName(t);
        return this.make({ kind: 'ref', key: t.text, pos: t.pos, end: t.end });
      case '(': {
        const inner = this.expression();
        this.expect(')', ')');
        return inner;
      }
      case '[': {
        const items = this.list(']');
        const close = this.tokens[this.#at - 1] as Token;
        return this.make({ kind: 'array', items, pos: t.pos, end: close.end });
      }
      default:
        return this.unexpected(t);
    }
  }

  checkName(t: Token): void {
    if (FORBIDDEN_NAMES.has(t.text)) throw new FormulaError('FORBIDDEN_NAME', t.pos, { name: t.text });
    // `$` may only lead a letter (`$total`), never stand alone or before a digit.
    if (t.text[0] === '$' && !/^\$\p{L}/u.test(t.text)) this.unexpected(t);
  }

  /** Records a node's depth and refuses trees deeper than the limit. */
  make(node: FormulaNode): FormulaNode {
    let depth: number;
    switch (node.kind) {
      case 'unary':
        depth = this.depthOf(node.arg);
        break;
      case 'binary':
        depth = Math.max(this.depthOf(node.left), this.depthOf(node.right));
        break;
      case 'cond':
        depth = Math.max(this.depthOf(node.test), this.depthOf(node.then), this.depthOf(node.otherwise));
        break;
      case 'call':
      case 'array':
        depth = 0;
        for (const c of node.kind === 'call' ? node.args : node.items)
          depth = Math.max(depth, this.depthOf(c));
        break;
      default:
        return node;
    }
    depth++;
    if (depth > this.maxDepth) throw new FormulaError('DEPTH_EXCEEDED', node.pos, { max: this.maxDepth });
    this.#depths.set(node, depth);
    return node;
  }

  /** Leaves are depth 1 and are not recorded. */
  depthOf(node: FormulaNode): number {
    return this.#depths.get(node) ?? 1;
  }
}

/** The precedence level of a binary operator, loosest first (1: or ... 5: * / %); 0 for others. */
function levelOf(op: string): number {
  switch (op) {
    case 'or':
      return 1;
    case 'and':
      return 2;
    case '==':
    case '!=':
    case '<':
    case '<=':
    case '>':
    case '>=':
      return 3;
    case '+':
    case '-':
    case '&':
      return 4;
    case '*':
    case '/':
    case '%':
      return 5;
    default:
      return 0;
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
  const tokens = lex(source, maxDepth);
  for (const tok of tokens) {
    if (tok.kind === 'name' && FORBIDDEN_NAMES.has(tok.text)) {
      throw new FormulaError('FORBIDDEN_NAME', tok.pos, { name: tok.text });
    }
  }
  if (tokens.length === 0) throw new FormulaError('SYNTAX_ERROR', 0, { detail: 'empty formula' });
  try {
    return new Parser(tokens, source.length, maxDepth).parseFormula();
  } catch (error) {
    if (isFormulaError(error)) throw error;
    // A caller-raised maxDepth can still let very deep input reach the stack limit.
    if (error instanceof RangeError) throw new FormulaError('DEPTH_EXCEEDED', 0, { max: maxDepth });
    throw new FormulaError('SYNTAX_ERROR', 0, { detail: error instanceof Error ? error.message : 'invalid' });
  }
}
