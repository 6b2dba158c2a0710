import { FormulaError } from './errors.js';

/**
 * A token of the source, with its place. Operators are normalised: `&&` → `and`, `||` → `or`,
 * `<>` → `!=`, a single `=` → `==`, AND/OR/NOT used as operators → and/or/not; constants are lower-case.
 */
export interface Token {
  readonly kind: 'number' | 'string' | 'name' | 'const' | 'op' | '(' | ')' | '[' | ']' | ',';
  readonly text: string;
  readonly pos: number;
  readonly end: number;
}

const KEYWORD_OPS = new Set(['and', 'or', 'not']);
const CONSTS = new Set(['true', 'false', 'TRUE', 'FALSE', 'True', 'False']);
const NUMBER = /(?:0x[0-9a-f]+|0b[01]+)(?![0-9a-z_])|(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?/iy;

/** A letter: a character with upper and lower case. ASCII is decided without allocating. */
function isCased(c: string): boolean {
  const code = c.charCodeAt(0);
  if (code < 128) return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
  return c.toUpperCase() !== c.toLowerCase();
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

/**
 * Tokenises the source with positions, normalising the Excel-style spellings (see {@link Token}).
 * `&` is concatenation and `||` is OR. It also enforces the nesting limits of brackets, prefix
 * operators and powers, so the recursive parser can never run into the stack limit.
 */
export function lex(source: string, maxDepth: number): Token[] {
  const tokens: Token[] = [];
  let depth = 0;
  let prefixRun = 0;
  let powers = 0;
  let i = 0;
  while (i < source.length) {
    const c = source[i] ?? '';
    const start = i;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if (c === '/' && source[i + 1] === '*') {
      const close = source.indexOf('*/', i + 2);
      if (close < 0) throw new FormulaError('SYNTAX_ERROR', i, { detail: 'unclosed comment' });
      i = close + 2;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = source.indexOf(c, i + 1);
      while (j >= 0 && source[j - 1] === '\\') j = source.indexOf(c, j + 1);
      if (j < 0) throw new FormulaError('SYNTAX_ERROR', i, { detail: 'unclosed text' });
      tokens.push({ kind: 'string', text: source.slice(i, j + 1), pos: i, end: j + 1 });
      i = j + 1;
      continue;
    }
    if (isDigit(c) || (c === '.' && isDigit(source[i + 1] ?? ''))) {
      NUMBER.lastIndex = i;
      const m = NUMBER.exec(source);
      const text = m?.[0] ?? c;
      tokens.push({ kind: 'number', text, pos: i, end: i + text.length });
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
      } else if (CONSTS.has(text)) {
        tokens.push({ kind: 'const', text: lower, pos: i, end: j });
      } else {
        tokens.push({ kind: 'name', text, pos: i, end: j });
      }
      i = j;
      continue;
    }
    if (c === '(' || c === '[') {
      depth++;
      if (depth > maxDepth) throw new FormulaError('DEPTH_EXCEEDED', i, { max: maxDepth });
      tokens.push({ kind: c, text: c, pos: i, end: i + 1 });
      i++;
      continue;
    }
    if (c === ')' || c === ']' || c === ',') {
      if (c !== ',') depth--;
      tokens.push({ kind: c, text: c, pos: i, end: i + 1 });
      i++;
      continue;
    }
    const two = source.slice(i, i + 2);
    let op: string;
    let length = 2;
    if (two === '&&') op = 'and';
    else if (two === '||') op = 'or';
    else if (two === '<>' || two === '!=') op = '!=';
    else if (two === '==' || two === '<=' || two === '>=') op = two;
    else {
      length = 1;
      if (c === '=') op = '==';
      else if ('+-*/%^<>?:.&'.includes(c)) op = c;
      else if (c === '!') throw new FormulaError('UNSUPPORTED_SYNTAX', i, { syntax: '!' });
      else if (c === ';') throw new FormulaError('UNSUPPORTED_SYNTAX', i, { syntax: ';' });
      else throw new FormulaError('SYNTAX_ERROR', i, { detail: `unexpected character "${c}"` });
    }
    i += length;
    // Right-recursive constructs (prefix operators in a row, powers) recurse in the parser without
    // brackets; bound them here so it never runs into the stack limit.
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
  }
  return tokens;
}

/** Decimal with optional exponent, or 0x hexadecimal / 0b binary integers. */
export function numberValue(text: string): number {
  if (text.length > 2 && text.charCodeAt(0) === 48) {
    const radix = text.charCodeAt(1) | 32; // lower-case
    if (radix === 120) return Number.parseInt(text.slice(2), 16); // 0x
    if (radix === 98) return Number.parseInt(text.slice(2), 2); // 0b
  }
  return Number.parseFloat(text);
}

/** The value of a quoted text: JSON-style escapes (`\"`, `\\`, `\n`, `\u00e9`, ...), others refused. */
export function textValue(token: Token): string {
  const raw = token.text.slice(1, -1);
  if (!raw.includes('\\')) return raw;
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i] as string;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = raw[++i] ?? '';
    const simple = ESCAPES[e];
    if (simple !== undefined) {
      out += simple;
    } else if (e === 'u' && /^[0-9a-f]{4}$/i.test(raw.slice(i + 1, i + 5))) {
      out += String.fromCharCode(Number.parseInt(raw.slice(i + 1, i + 5), 16));
      i += 4;
    } else {
      throw new FormulaError('SYNTAX_ERROR', token.pos, { detail: `illegal escape sequence "\\${e}"` });
    }
  }
  return out;
}

const ESCAPES: Readonly<Record<string, string>> = Object.assign(
  Object.create(null) as Record<string, string>,
  {
    "'": "'",
    '"': '"',
    '\\': '\\',
    '/': '/',
    b: '\b',
    f: '\f',
    n: '\n',
    r: '\r',
    t: '\t',
  },
);
