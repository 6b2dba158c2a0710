import { FormulaError } from './errors.js';

/** A token of the source, with its place. `leaf` tokens become literals or names in the tree. */
export interface Token {
  readonly kind: 'number' | 'string' | 'name' | 'const' | 'op' | '(' | ')' | '[' | ']' | ',';
  readonly text: string;
  readonly pos: number;
  readonly end: number;
}

/** The pre-pass result: tokens of the original source and the text handed to expr-eval. */
export interface LexResult {
  readonly tokens: readonly Token[];
  /** Tokens that appear as operands in expr-eval's output, in source order. */
  readonly leaves: readonly Token[];
  /** The rewritten source expr-eval parses. */
  readonly rewritten: string;
  /** For each character of `rewritten`, the offset in the original source. */
  readonly offsets: readonly number[];
}

const KEYWORD_OPS = new Set(['and', 'or', 'not']);
const CONSTS = new Set(['true', 'false', 'TRUE', 'FALSE', 'True', 'False']);
const NUMBER = /(?:0x[0-9a-f]+|0b[01]+)(?![0-9a-z_])|(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?/iy;

/** A letter in expr-eval's sense: a character with upper and lower case. ASCII is decided without allocating. */
function isCased(c: string): boolean {
  const code = c.charCodeAt(0);
  if (code < 128) return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
  return c.toUpperCase() !== c.toLowerCase();
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

/**
 * Tokenises the source with positions and rewrites the Excel-style spellings expr-eval does not
 * know: `&` (concatenation) → `||`, `<>` → `!=`, a single `=` → `==`, upper-case AND/OR/NOT used
 * as operators → and/or/not, `&&` → and. `||` is read as OR, not as expr-eval's concatenation.
 * It also enforces the nesting limit before expr-eval's recursive parser could overflow the stack.
 */
export function lex(source: string, maxDepth: number): LexResult {
  const tokens: Token[] = [];
  const leaves: Token[] = [];
  let out = '';
  const offsets: number[] = [];
  const emit = (text: string, at: number) => {
    out += text;
    for (let k = 0; k < text.length; k++) offsets.push(at);
  };
  let depth = 0;
  let prefixRun = 0;
  let powers = 0;
  let i = 0;
  while (i < source.length) {
    const c = source[i] ?? '';
    const start = i;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      emit(c, i);
      i++;
      continue;
    }
    if (c === '/' && source[i + 1] === '*') {
      const close = source.indexOf('*/', i + 2);
      if (close < 0) throw new FormulaError('SYNTAX_ERROR', i, { detail: 'unclosed comment' });
      emit(' ', i);
      i = close + 2;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = source.indexOf(c, i + 1);
      while (j >= 0 && source[j - 1] === '\\') j = source.indexOf(c, j + 1);
      if (j < 0) throw new FormulaError('SYNTAX_ERROR', i, { detail: 'unclosed text' });
      const tok: Token = { kind: 'string', text: source.slice(i, j + 1), pos: i, end: j + 1 };
      tokens.push(tok);
      leaves.push(tok);
      emit(tok.text, i);
      i = j + 1;
      continue;
    }
    if (isDigit(c) || (c === '.' && isDigit(source[i + 1] ?? ''))) {
      NUMBER.lastIndex = i;
      const m = NUMBER.exec(source);
      const text = m?.[0] ?? c;
      const tok: Token = { kind: 'number', text, pos: i, end: i + text.length };
      tokens.push(tok);
      leaves.push(tok);
      emit(text, i);
      i += text.length;
      continue;
    }
    if (isCased(c) || c === '_' || c === '$') {
      let j = i + 1;
      while (j < source.length) {
        const d = source[j] ?? '';
        if (isCased(d) || isDigit(d) || d === '_') j++;
        else break;
      }
      const text = source.slice(i, j);
      let next = j;
      while (source[next] === ' ' || source[next] === '\t' || source[next] === '\n' || source[next] === '\r')
        next++;
      const lower = text.toLowerCase();
      if (KEYWORD_OPS.has(lower) && (text === lower || source[next] !== '(')) {
        const prevTok = tokens[tokens.length - 1];
        prefixRun = lower === 'not' ? (prevTok?.kind === 'op' ? prefixRun + 1 : 1) : 0;
        if (prefixRun > maxDepth) throw new FormulaError('DEPTH_EXCEEDED', i, { max: maxDepth });
        tokens.push({ kind: 'op', text: lower, pos: i, end: j });
        emit(lower, i);
      } else if (CONSTS.has(text)) {
        const tok: Token = { kind: 'const', text: lower, pos: i, end: j };
        tokens.push(tok);
        leaves.push(tok);
        emit(lower, i);
      } else {
        const tok: Token = { kind: 'name', text, pos: i, end: j };
        tokens.push(tok);
        leaves.push(tok);
        emit(text, i);
      }
      i = j;
      continue;
    }
    if (c === '(' || c === '[') {
      depth++;
      if (depth > maxDepth) throw new FormulaError('DEPTH_EXCEEDED', i, { max: maxDepth });
      tokens.push({ kind: c, text: c, pos: i, end: i + 1 });
      emit(c, i);
      i++;
      continue;
    }
    if (c === ')' || c === ']' || c === ',') {
      if (c !== ',') depth--;
      tokens.push({ kind: c, text: c, pos: i, end: i + 1 });
      emit(c, i);
      i++;
      continue;
    }
    const two = source.slice(i, i + 2);
    let op: string;
    let rewritten: string;
    let length = 2;
    if (two === '&&') [op, rewritten] = ['and', ' and '];
    else if (two === '||') [op, rewritten] = ['or', ' or '];
    else if (two === '<>' || two === '!=') [op, rewritten] = ['!=', '!='];
    else if (two === '==' || two === '<=' || two === '>=') [op, rewritten] = [two, two];
    else {
      length = 1;
      if (c === '&') [op, rewritten] = ['&', '||'];
      else if (c === '=') [op, rewritten] = ['==', '=='];
      else if ('+-*/%^<>?:.'.includes(c)) [op, rewritten] = [c, c];
      else if (c === '!') throw new FormulaError('UNSUPPORTED_SYNTAX', i, { syntax: '!' });
      else if (c === ';') throw new FormulaError('UNSUPPORTED_SYNTAX', i, { syntax: ';' });
      else throw new FormulaError('SYNTAX_ERROR', i, { detail: `unexpected character "${c}"` });
    }
    i += length;
    // Right-recursive constructs (prefix operators in a row, powers) recurse in expr-eval without
    // brackets; bound them here so the parser never runs into the stack limit.
    const prev = tokens[tokens.length - 1];
    const prefix =
      (op === '-' || op === '+') &&
      (!prev || prev.kind === 'op' || prev.kind === '(' || prev.kind === '[' || prev.kind === ',');
    prefixRun = prefix ? (prev?.kind === 'op' ? prefixRun + 1 : 1) : 0;
    if (op === '^') powers++;
    else if (!prefix) powers = 0;
    if (prefixRun > maxDepth || powers > maxDepth)
      throw new FormulaError('DEPTH_EXCEEDED', start, { max: maxDepth });
    tokens.push({ kind: 'op', text: op, pos: start, end: i });
    emit(rewritten, start);
  }
  offsets.push(source.length);
  return { tokens, leaves, rewritten: out, offsets };
}
