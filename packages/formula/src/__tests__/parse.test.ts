import { describe, expect, it } from 'vitest';
import { FormulaError, type FormulaNode, type ParseLimits, parseFormula } from '../index.js';
import { run } from './helpers.js';

/** The tree as fully bracketed text, so precedence and associativity are visible. */
function shape(node: FormulaNode): string {
  switch (node.kind) {
    case 'literal':
      return JSON.stringify(node.value);
    case 'ref':
      return node.key;
    case 'array':
      return `[${node.items.map(shape).join(', ')}]`;
    case 'unary':
      return `(${node.op} ${shape(node.arg)})`;
    case 'binary':
      return `(${shape(node.left)} ${node.op} ${shape(node.right)})`;
    case 'cond':
      return `(${shape(node.test)} ? ${shape(node.then)} : ${shape(node.otherwise)})`;
    case 'call':
      return `${node.name}(${node.args.map(shape).join(', ')})`;
  }
}

function parseError(source: string, limits: ParseLimits = {}): { code: string; position: number } {
  try {
    parseFormula(source, limits);
  } catch (error) {
    if (error instanceof FormulaError) return { code: error.code, position: error.position };
    throw error;
  }
  throw new Error(`expected ${source} not to parse`);
}

describe('parser: precedence and associativity', () => {
  it.each([
    ['1 + 2 * 3 - 4', '((1 + (2 * 3)) - 4)'],
    ['-2 ^ 2', '(- (2 ^ 2))'],
    ['2 ^ 3 ^ 2', '(2 ^ (3 ^ 2))'],
    ['2 ^ -1', '(2 ^ (- 1))'],
    ['a & b = c', '((a & b) == c)'],
    ['a = 1 or b < 2 and not c', '((a == 1) or ((b < 2) and (not c)))'],
    ['not a ^ 2', '(not (a ^ 2))'],
    ['not (a) ^ 2', '((not a) ^ 2)'],
    ['a ? b : c ? d : e', '(a ? b : (c ? d : e))'],
    ['a ? b ? c : d : e', '(a ? (b ? c : d) : e)'],
    ['1 < 2 < 3', '((1 < 2) < 3)'],
    ['x.y.z + FORECAST.LINEAR(1, [2, 3], [])', '(x.y.z + FORECAST.LINEAR(1, [2, 3], []))'],
    ['AND(1, 2) && OR(0) || 1 <> 2', '((AND(1, 2) and OR(0)) or (1 != 2))'],
    ['7 % 3 + /* note */ .5 + 0x1F + 0b101 + 1e3', '(((((7 % 3) + 0.5) + 31) + 5) + 1000)'],
    ['TRUE = False', '(true == false)'],
  ])('%s → %s', (source, expected) => {
    expect(shape(parseFormula(source))).toBe(expected);
  });

  it('reads text escapes and both quote styles', () => {
    expect(parseFormula('"say \\"hi\\"\\n"')).toMatchObject({ value: 'say "hi"\n' });
    expect(parseFormula("'\\u00e9\\t'")).toMatchObject({ value: 'é\t' });
    expect(parseError('"\\u00zz"').code).toBe('SYNTAX_ERROR');
    expect(parseError('"\\q"').code).toBe('SYNTAX_ERROR');
  });

  it('spans calls, lists and signs from their first character', () => {
    expect(parseFormula('SUM((a), (b)) + 1')).toMatchObject({ left: { kind: 'call', pos: 0 } });
    expect(parseFormula('  [1, (2)] ')).toMatchObject({ kind: 'array', pos: 2, end: 10 });
    expect(parseFormula('-(a)')).toMatchObject({ kind: 'unary', pos: 0, end: 3 });
  });

  it('evaluates what it parses', () => {
    expect(run('-2 ^ 2')).toBe(-4);
    expect(run('2 ^ 3 ^ 2')).toBe(512);
    expect(run('1 ? 2 : 0 ? 3 : 4')).toBe(2);
  });
});

describe('parser: errors carry the position of the offending token', () => {
  it.each([
    ['SUM(1 2)', 'SYNTAX_ERROR', 6],
    ['[1 2]', 'SYNTAX_ERROR', 3],
    ['SUM(1,)', 'SYNTAX_ERROR', 6],
    ['1 + )', 'SYNTAX_ERROR', 4],
    ['(1 + 2', 'SYNTAX_ERROR', 6],
    ['a ? b', 'SYNTAX_ERROR', 5],
    ['1 2', 'SYNTAX_ERROR', 2],
    ['not', 'SYNTAX_ERROR', 3],
    ['a.1', 'SYNTAX_ERROR', 1],
    ['$1 + 1', 'SYNTAX_ERROR', 0],
    ['x[0]', 'UNSUPPORTED_SYNTAX', 1],
    ['(1).b', 'UNSUPPORTED_SYNTAX', 4],
    ['SUM(1)(2)', 'UNSUPPORTED_SYNTAX', 0],
    ['a.__proto__', 'FORBIDDEN_NAME', 2],
  ])('%s → %s at %s', (source, code, position) => {
    expect(parseError(source)).toEqual({ code, position });
  });

  it('bounds nested conditionals and deep trees without overflowing the stack', () => {
    expect(parseError(`${'1?'.repeat(2500)}1${':1'.repeat(2500)}`).code).toBe('DEPTH_EXCEEDED');
    expect(parseError(`${'[('.repeat(40)}1${')]'.repeat(40)}`).code).toBe('DEPTH_EXCEEDED');
    expect(parseError(`${'1 ? '.repeat(70)}1${' : 1'.repeat(70)}`).code).toBe('DEPTH_EXCEEDED');
    expect(shape(parseFormula(`${'1 ? '.repeat(20)}1${' : 1'.repeat(20)}`))).toContain('? 1 : 1)');
    expect(parseError('a ? b : c', { maxDepth: 1 })).toEqual({ code: 'DEPTH_EXCEEDED', position: 0 });
  });
});
