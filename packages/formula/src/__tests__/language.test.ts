import { describe, expect, it } from 'vitest';
import {
  compile,
  FormulaError,
  fieldKindToType,
  formatFormulaError,
  formulaMessages,
  MAX_TEXT_LENGTH,
  parseFormula,
  roundHalfAwayFromZero,
  typeCheck,
} from '../index.js';
import { failure, run } from './helpers.js';

const fields = {
  amount: 'money',
  qty: 'number',
  discount: 'percent',
  name: 'text',
  stage: 'select',
  tags: 'multiselect',
  owner: 'member',
  signedOn: 'date',
  at: 'datetime',
  done: 'boolean',
  'items.qty': 'number[]',
  'items.unitPrice': 'money[]',
  'items.product': 'text[]',
  'customer.region': 'select',
} as const;

function errorOf(fn: () => unknown): FormulaError {
  try {
    fn();
  } catch (error) {
    if (error instanceof FormulaError) return error;
    throw error;
  }
  throw new Error('expected a FormulaError');
}

describe('compile', () => {
  it('infers the result type and lists the referenced fields', () => {
    const f = compile('SUM(items.qty) * amount + IF(done, 1, 0)', fields);
    expect(f.type).toBe('number');
    expect(f.refs).toEqual(['items.qty', 'amount', 'done']);
    expect(f.functions).toEqual(['SUM', 'IF']);
    expect(compile('name & "!"', fields).type).toBe('text');
    expect(compile('signedOn + 7', fields).type).toBe('date');
    expect(compile('SPLIT(name, ",")', fields).type).toBe('text[]');
    expect(compile('amount > 10', fields).type).toBe('boolean');
  });

  it('maps field kinds to formula types', () => {
    expect(fieldKindToType('money')).toBe('number');
    expect(fieldKindToType('percent')).toBe('number');
    expect(fieldKindToType('select')).toBe('text');
    expect(fieldKindToType('member')).toBe('text');
    expect(fieldKindToType('multiselect')).toBe('text[]');
    expect(fieldKindToType('money[]')).toBe('number[]');
    expect(fieldKindToType('subform')).toBeUndefined();
  });

  it('evaluates subform line totals and relation lookups', () => {
    const scope = {
      items: [
        { qty: 2, unitPrice: 100, product: 'A' },
        { qty: 1, unitPrice: 50.5, product: 'B' },
      ],
      customer: { region: 'East' },
    };
    expect(run('SUMPRODUCT(items.qty, items.unitPrice)', scope, fields)).toBe(250.5);
    expect(run('JOIN(items.product, "+") & "@" & customer.region', scope, fields)).toBe('A+B@East');
    expect(run('COUNT(items.qty)', { items: [] }, fields)).toBe(0);
    expect(run('SUM(items.qty)', {}, fields)).toBe(0);
    // A flat entry under the dotted key is used as is.
    expect(run('customer.region', { 'customer.region': 'North' }, fields)).toBe('North');
  });

  it('rounds money results half away from zero to the precision', () => {
    expect(compile('amount * 3', fields, { resultKind: 'money' }).evaluate({ amount: 0.1 })).toBe(0.3);
    expect(compile('amount + qty', fields, { resultKind: 'money' }).evaluate({ amount: 0.1, qty: 0.2 })).toBe(
      0.3,
    );
    expect(compile('amount / 8', fields, { precision: 2 }).evaluate({ amount: 1 })).toBe(0.13);
    expect(compile('-amount / 8', fields, { precision: 2 }).evaluate({ amount: 1 })).toBe(-0.13);
    expect(compile('amount / 8', fields, { precision: 0 }).evaluate({ amount: 4 })).toBe(1);
    expect(roundHalfAwayFromZero(2.675, 2)).toBe(2.68);
    expect(roundHalfAwayFromZero(-0.5)).toBe(-1);
    expect(roundHalfAwayFromZero(1234.5678, -2)).toBe(1200);
  });

  it('treats blanks as Excel does', () => {
    expect(run('amount * 2 + 1', { amount: null }, fields)).toBe(1);
    expect(run('name & "x"', {}, fields)).toBe('x');
    expect(run('amount = 0', {}, fields)).toBe(true);
    expect(run('name = ""', {}, fields)).toBe(true);
    expect(run('done', {}, fields)).toBe(null);
    expect(run('IF(done, 1, 2)', {}, fields)).toBe(2);
    // A blank field argument is skipped, like an empty cell reference in Excel.
    expect(run('AVERAGE([1, 3], amount)', {}, fields)).toBe(2);
    expect(run('LEN(name)', { name: null }, fields)).toBe(0);
    expect(run('signedOn', {}, fields)).toBe(null);
  });

  it('returns dates as ISO text and reads ISO, Date and epoch inputs', () => {
    expect(run('signedOn', { signedOn: '2026-02-03' }, fields)).toBe('2026-02-03');
    expect(run('signedOn', { signedOn: new Date(Date.UTC(2026, 1, 3)) }, fields)).toBe('2026-02-03');
    expect(run('at', { at: Date.UTC(2026, 1, 3, 4, 5) }, fields)).toBe('2026-02-03T04:05:00.000Z');
    expect(run('signedOn - "2026-01-01"', { signedOn: '2026-02-03' }, fields)).toBe(33);
  });

  it('accepts Excel spellings: = <> & and upper-case AND/OR/NOT', () => {
    expect(run('1 = 1 AND 2 <> 3')).toBe(true);
    expect(run('NOT (1 = 2) OR FALSE')).toBe(true);
    // not binds tighter than =, as documented: (not 1) = 2.
    expect(run('not 1 = 2')).toBe(false);
    expect(run('"a" & "b" = "AB"')).toBe(true);
    expect(run('1 == 1 && 2 != 2 || TRUE')).toBe(true);
    expect(run('round(2.5)')).toBe(3);
    expect(run('7 % 3 + 2 ^ 3 /* comment */')).toBe(9);
    expect(run('-7 % 3')).toBe(2);
  });
});

describe('design-time errors carry a code, a position and a message key', () => {
  it.each([
    ['name + 1', 'TYPE_MISMATCH', 0],
    ['1 + name', 'TYPE_MISMATCH', 4],
    ['amount > name', 'TYPE_MISMATCH', 9],
    ['SUM(name)', 'TYPE_MISMATCH', 4],
    ['ROUND(amount, 2, 3)', 'WRONG_ARGUMENT_COUNT', 0],
    ['IF(done)', 'WRONG_ARGUMENT_COUNT', 0],
    ['amount + unknown', 'UNKNOWN_FIELD', 9],
    ['customer.nope', 'UNKNOWN_FIELD', 0],
    ['  FOO(1)', 'UNKNOWN_FUNCTION', 2],
    ['items.qty + 1', 'TYPE_MISMATCH', 0],
    ['(1 + 2', 'SYNTAX_ERROR', 6],
    ['1 +', 'SYNTAX_ERROR', 3],
    ['amount # 2', 'SYNTAX_ERROR', 7],
    ['"open', 'SYNTAX_ERROR', 0],
    ['a; b', 'UNSUPPORTED_SYNTAX', 1],
    ['3!', 'UNSUPPORTED_SYNTAX', 1],
    ['amount.toFixed', 'UNKNOWN_FIELD', 0],
    ['amount.constructor', 'FORBIDDEN_NAME', 7],
    ['__proto__', 'FORBIDDEN_NAME', 0],
    ['"x"', undefined, 0],
  ])('%s → %s at %s', (formula, code, position) => {
    const result = typeCheck(formula, fields);
    if (code === undefined) {
      expect(result.ok).toBe(true);
      return;
    }
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe(code);
    expect(result.error.position).toBe(position);
    expect(result.error.messageKey).toBe(`formula.${code}`);
  });

  it('checks the result against the target field kind', () => {
    expect(failure('name', {}, fields)).toBeUndefined();
    expect(() => compile('name', fields, { resultKind: 'money' })).toThrow(FormulaError);
    expect(compile('qty * 2', fields, { resultKind: 'money' }).type).toBe('number');
    expect(compile('signedOn + 1', fields, { resultKind: 'date' }).type).toBe('date');
  });

  it('has English and Chinese text for every code and fills in params', () => {
    const en = Object.keys(formulaMessages.en).sort();
    expect(Object.keys(formulaMessages['zh-CN']).sort()).toEqual(en);
    const error = errorOf(() => compile('name + 1', fields));
    expect(formatFormulaError(error, 'en')).toBe('+ expects number, got text.');
    expect(formatFormulaError(error, 'zh-CN')).toBe('+ 需要 number，实际为 text。');
    const cycle = new FormulaError('CIRCULAR_REFERENCE', 0, { cycle: ['a', 'b', 'a'] });
    expect(formatFormulaError(cycle, 'en')).toBe('Circular reference: a → b → a.');
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      code: 'TYPE_MISMATCH',
      position: 0,
      messageKey: 'formula.TYPE_MISMATCH',
      params: { context: '+', expected: 'number', actual: 'text' },
    });
  });
});

describe('limits', () => {
  it('rejects sources over 10 KB', () => {
    const long = `1${' + 1'.repeat(2600)}`;
    expect(long.length).toBeGreaterThan(10_240);
    expect(errorOf(() => compile(long, {})).code).toBe('SOURCE_TOO_LONG');
    expect(compile('1 + 1', {}, { maxLength: 5 }).evaluate({})).toBe(2);
  });

  it('rejects nesting deeper than the limit', () => {
    expect(errorOf(() => compile(`${'('.repeat(100)}1${')'.repeat(100)}`, {})).code).toBe('DEPTH_EXCEEDED');
    expect(errorOf(() => compile(`${'ABS('.repeat(70)}1${')'.repeat(70)}`, {})).code).toBe('DEPTH_EXCEEDED');
    expect(errorOf(() => compile(`1${' + 1'.repeat(100)}`, {})).code).toBe('DEPTH_EXCEEDED');
    expect(errorOf(() => compile(`${'-'.repeat(3000)}1`, {})).code).toBe('DEPTH_EXCEEDED');
    expect(compile(`${'('.repeat(20)}1${')'.repeat(20)}`, {}).evaluate({})).toBe(1);
  });

  it('stops an evaluation that needs too many steps', () => {
    const f = compile('SUM(xs) + SUM(xs) + SUM(xs)', { xs: 'number[]' }, { maxSteps: 1000 });
    expect(f.evaluate({ xs: new Array(300).fill(1) })).toBe(900);
    expect(errorOf(() => f.evaluate({ xs: new Array(400).fill(1) })).code).toBe('STEP_LIMIT_EXCEEDED');
  });

  it('stops a text growing past MAX_TEXT_LENGTH, before it is built', () => {
    const t = 'a'.repeat(4500);
    // 4,500 x 4,500 characters: 20 million, which overflowed the store's document limit (500).
    const square = compile('SUBSTITUTE(t, "a", t)', { t: 'text' });
    const error = errorOf(() => square.evaluate({ t }));
    expect(error.code).toBe('TEXT_TOO_LONG');
    expect(error.params).toEqual({ max: MAX_TEXT_LENGTH });
    expect(formatFormulaError(error, 'zh-CN')).toContain('100000');
    expect(errorOf(() => compile('t & t & t', { t: 'text' }).evaluate({ t: 'x'.repeat(40_000) })).code).toBe(
      'TEXT_TOO_LONG',
    );
    expect(
      errorOf(() => compile('CONCATENATE(t, t)', { t: 'text' }).evaluate({ t: 'x'.repeat(60_000) })).code,
    ).toBe('TEXT_TOO_LONG');
    // Up to the limit is fine.
    expect(compile('t & t', { t: 'text' }).evaluate({ t: 'x'.repeat(50_000) })).toHaveLength(MAX_TEXT_LENGTH);
  });

  it('exposes the parsed tree with source positions', () => {
    const ast = parseFormula('SUM(a, 2)');
    expect(ast).toMatchObject({ kind: 'call', name: 'SUM', pos: 0, end: 9 });
  });
});

describe('limits do not reject long flat formulas', () => {
  it('accepts many negative arguments, powers and NOTs side by side', () => {
    const args = Array.from({ length: 100 }, () => '-1').join(', ');
    expect(compile(`SUM(${args})`, {}).evaluate({})).toBe(-100);
    const powers = Array.from({ length: 40 }, () => '2^2').join(', ');
    expect(compile(`SUM(${powers})`, {}).evaluate({})).toBe(160);
    const nots = Array.from({ length: 80 }, () => 'not FALSE').join(', ');
    expect(compile(`AND(${nots})`, {}).evaluate({})).toBe(true);
  });
});

describe('roundHalfAwayFromZero', () => {
  it('agrees with the 15-significant-digit rule near halves and elsewhere', () => {
    const reference = (value: number, digits: number) => {
      const factor = 10 ** digits;
      const r = Math.round(Number((Math.abs(value) * factor).toPrecision(15))) / factor;
      return value < 0 ? -r : r;
    };
    let seed = 7;
    for (let i = 0; i < 20_000; i++) {
      seed = (seed * 16807) % 2147483647;
      const digits = seed % 5;
      const cents = (seed % 2_000_000) - 1_000_000;
      // Values on exact decimal halves (x.xx5) and arbitrary ones.
      const value = i % 2 === 0 ? (cents + 0.5) / 10 ** (digits + 0) / 10 : cents / 977;
      expect(roundHalfAwayFromZero(value, digits)).toBe(reference(value, digits));
    }
    expect(roundHalfAwayFromZero(1.005, 2)).toBe(1.01);
    expect(roundHalfAwayFromZero(-1.005, 2)).toBe(-1.01);
    expect(roundHalfAwayFromZero(0.285, 2)).toBe(0.29);
    expect(roundHalfAwayFromZero(1e20 + 0.5)).toBe(1e20);
  });
});
