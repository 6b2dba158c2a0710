import { describe, expect, it, test } from 'vitest';
import { compile, defaultRegistry, EXAMPLE_USER } from '../index.js';
import { CASE_NOW } from './cases.js';
import { failure, run } from './helpers.js';

const REQUIRED =
  `SUM AVERAGE MIN MAX COUNT COUNTA COUNTIF SUMIF SUMPRODUCT ROUND ROUNDUP ROUNDDOWN INT MOD ABS POWER SQRT
CONCATENATE TEXT LEFT RIGHT MID LEN UPPER LOWER TRIM SUBSTITUTE SEARCH REPLACE SPLIT JOIN
TODAY NOW DATE YEAR MONTH DAY WEEKDAY WEEKNUM DATEDIF DAYS EDATE EOMONTH NETWORKDAYS DATEADD PERIODSTART PERIODEND INPERIOD
IF IFS SWITCH AND OR NOT XOR ISEMPTY RANK FORECAST.LINEAR TREND TIERED`.split(/\s+/);

describe('registry examples', () => {
  test('every function the issue lists is registered and documented with examples', () => {
    for (const name of REQUIRED) {
      const def = defaultRegistry.get(name);
      expect(def, name).toBeDefined();
      expect(def?.examples.length, name).toBeGreaterThan(0);
      expect(def?.description.en.length, name).toBeGreaterThan(5);
      expect(def?.description['zh-CN'].length, name).toBeGreaterThan(2);
    }
  });

  const examples = defaultRegistry
    .list()
    .flatMap((def) => def.examples.map((ex) => [def.name, ex.formula, ex.result] as const));
  it.each(examples)('%s: %s = %j', (_name, formula, result) => {
    expect(compile(formula, {}).evaluate({}, { now: CASE_NOW, user: EXAMPLE_USER })).toEqual(result);
  });
});

describe('math', () => {
  it.each([
    ['SUM(1, 2, [3, 4])', 10],
    ['SUM(x)', 0],
    ['AVERAGE([1, 2, 3, 4])', 2.5],
    ['MIN([4, 2], 3)', 2],
    ['MAX(-1, -5)', -1],
    ['COUNT([1, 2], "a", TRUE)', 2],
    ['COUNTA([1, "", "a"], x)', 2],
    ['COUNTIF([100, 200, 300], ">=200")', 2],
    ['COUNTIF(["done", "open", "done"], "<>done")', 1],
    ['SUMIF([100, 200, 300], ">150")', 500],
    ['SUMPRODUCT([2, 3], [4, 5])', 23],
    ['ROUND(2.5)', 3],
    ['ROUND(-2.5)', -3],
    ['ROUND(2.15, 1)', 2.2],
    ['ROUND(-1.475, 2)', -1.48],
    ['ROUNDUP(0.001, 2)', 0.01],
    ['ROUNDDOWN(-0.009, 2)', 0],
    ['INT(-0.5)', -1],
    ['MOD(10, 3)', 1],
    ['MOD(-10, 3)', 2],
    ['ABS(-0)', 0],
    ['POWER(2, -1)', 0.5],
    ['SQRT(2) ^ 2 > 1.99', true],
  ])('%s = %j', (formula, expected) => {
    expect(run(formula, {}, { x: 'number' })).toEqual(expected);
  });

  it('AVERAGE of nothing, SQRT of a negative and MOD by 0 are Excel errors', () => {
    expect(failure('AVERAGE([])')).toBe('DIV_BY_ZERO');
    expect(failure('SQRT(-1)')).toBe('NUM_ERROR');
    expect(failure('MOD(1, 0)')).toBe('DIV_BY_ZERO');
    expect(failure('SUMPRODUCT([1, 2], [1])')).toBe('VALUE_ERROR');
  });
});

describe('text', () => {
  it.each([
    ['CONCATENATE("a", x, 1.5)', 'a1.5'],
    ['TEXT(1234.5, "#,##0")', '1,235'],
    ['TEXT(DATE(2026, 3, 5), "yyyy年m月d日")', '2026年3月5日'],
    ['TEXT(DATEADD("2026-03-05", 0), "dd/mm/yy")', '05/03/26'],
    ['LEFT("abc", 5)', 'abc'],
    ['RIGHT("abc")', 'c'],
    ['MID("abc", 2, 10)', 'bc'],
    ['LEN(x)', 0],
    ['UPPER("straße")', 'STRASSE'],
    ['TRIM("  x  ")', 'x'],
    ['SUBSTITUTE("aaa", "a", "b", 3)', 'aab'],
    ['SEARCH("b", "abcb", 3)', 4],
    ['REPLACE("2026", 3, 2, "99")', '2099'],
    ['SPLIT("", ",")', []],
    ['JOIN(SPLIT("a b c", " "), "-")', 'a-b-c'],
    ['1 & 2', '12'],
    ['0.1 + 0.2 & ""', '0.3'],
  ])('%s = %j', (formula, expected) => {
    expect(run(formula, {}, { x: 'text' })).toEqual(expected);
  });

  it('SEARCH not found is #VALUE!', () => {
    expect(failure('SEARCH("z", "abc")')).toBe('VALUE_ERROR');
  });
});

describe('dates', () => {
  it.each([
    ['DATE(2024, 2, 30)', '2024-03-01'],
    ['DATE(2026, 0, 1)', '2025-12-01'],
    ['YEAR(d)', 2026],
    ['MONTH(d)', 1],
    ['DAY(d)', 31],
    ['WEEKDAY("2026-03-16")', 2],
    ['WEEKDAY("2026-03-16", 3)', 0],
    ['WEEKNUM("2026-01-01")', 1],
    ['WEEKNUM("2026-01-05", 2)', 2],
    ['WEEKNUM("2026-12-31", 21)', 53],
    ['WEEKNUM("2026-01-01", 21)', 1],
    ['DATEDIF(d, "2026-03-01", "M")', 1],
    ['DATEDIF(d, "2026-03-01", "D")', 29],
    ['DATEDIF("2020-02-29", "2021-02-28", "Y")', 0],
    ['DATEDIF("2020-02-29", "2024-02-29", "Y")', 4],
    ['DATEDIF("2026-01-01", "2026-12-31", "YD")', 364],
    ['DAYS("2027-01-01", "2026-01-01")', 365],
    ['EDATE(d, 1)', '2026-02-28'],
    ['EDATE("2024-02-29", 12)', '2025-02-28'],
    ['EOMONTH("2024-01-31", 1)', '2024-02-29'],
    ['EOMONTH("2026-12-31", 1)', '2027-01-31'],
    ['EOMONTH("2027-01-15", -1)', '2026-12-31'],
    ['EOMONTH("2026-06-15", 18)', '2027-12-31'],
    ['NETWORKDAYS("2026-03-13", "2026-03-16")', 2],
    ['NETWORKDAYS("2026-03-16", "2026-03-13")', -2],
    ['NETWORKDAYS("2026-03-14", "2026-03-15")', 0],
    ['DATEADD(d, 1, "quarter")', '2026-04-30'],
    ['DATEADD(d, 2, "w")', '2026-02-14'],
    ['PERIODSTART(d, "year")', '2026-01-01'],
    ['PERIODSTART("2026-03-15", "week")', '2026-03-09'],
    ['PERIODEND("2026-11-03", "quarter")', '2026-12-31'],
    ['PERIODEND("2026-03-15", "year")', '2026-12-31'],
    ['INPERIOD(d, "2026-01-01", "month")', true],
    ['INPERIOD(blank, "2026-01-01", "month")', false],
    ['INPERIOD("2025-01-31", "2026-01-01", "month")', false],
    ['d + 1', '2026-02-01'],
    ['"2026-03-01" - d', 29],
    ['d < "2026-02-01"', true],
    ['NOW()', '2026-03-15T10:30:00.000Z'],
    ['DATEADD(NOW(), 1)', '2026-03-16T10:30:00.000Z'],
  ])('%s = %j', (formula, expected) => {
    expect(run(formula, { d: '2026-01-31', blank: null }, { d: 'date', blank: 'date' })).toEqual(expected);
  });

  it('DATEDIF with start after end is #NUM!, an unknown unit is invalid', () => {
    expect(failure('DATEDIF("2026-02-01", "2026-01-01", "D")')).toBe('NUM_ERROR');
    expect(failure('DATEDIF("2026-01-01", "2026-02-01", "X")')).toBe('INVALID_ARGUMENT');
    expect(failure('PERIODSTART("2026-01-01", "fortnight")')).toBe('INVALID_ARGUMENT');
    expect(failure('YEAR("not a date")')).toBe('VALUE_ERROR');
  });

  it('reads datetimes without a zone as UTC, so the answer does not depend on the machine', () => {
    expect(run('DAY(t)', { t: '2026-03-15T23:30:00' }, { t: 'datetime' })).toBe(15);
    expect(run('DAY(t)', { t: '2026-03-15T23:30:00-05:00' }, { t: 'datetime' })).toBe(16);
  });
});

describe('logic', () => {
  it.each([
    ['IF(x, "y", "n")', 'n'],
    ['IF(1 > 2, 1)', false],
    ['IF(TRUE, 1, 1 / 0)', 1],
    ['IFS(x > 1, "a", TRUE, "b")', 'b'],
    ['SWITCH("B", "a", 1, "b", 2)', 2],
    ['AND(TRUE, [TRUE, 1])', true],
    ['OR(x, FALSE)', false],
    ['NOT(x)', true],
    ['XOR(TRUE, TRUE)', false],
    ['ISEMPTY(x)', true],
    ['ISEMPTY([])', true],
    ['ISEMPTY(FALSE)', false],
    ['x = 0', true],
    ['x = ""', true],
    ['"abc" = "ABC"', true],
    ['1 < 2 and 2 < 3 or FALSE', true],
    ['1 > 2 AND TRUE', false],
    ['not (1 > 2)', true],
    ['x ? 1 : 2', 2],
  ])('%s = %j', (formula, expected) => {
    expect(run(formula, { x: null }, { x: 'any' })).toEqual(expected);
  });

  it('IFS and SWITCH with no match are #N/A', () => {
    expect(failure('IFS(FALSE, 1)')).toBe('NOT_AVAILABLE');
    expect(failure('SWITCH(3, 1, "a")')).toBe('NOT_AVAILABLE');
  });
});

describe('statistics', () => {
  it.each([
    ['RANK(400, [500, 400, 400, 300])', 2],
    ['RANK(300, [500, 400, 400, 300])', 4],
    ['RANK(400, [500, 400, 400, 300], 1)', 2],
    ['RANK(500, [500, 400, 400, 300], 1)', 4],
    ['RANK(7, [7])', 1],
    ['FORECAST.LINEAR(5, [1, 2, 3], [1, 2, 3])', 5],
    ['forecast.linear(6, [2, 4], [1, 2])', 12],
    ['TREND([10, 20], [1, 2], [3, 4])', [30, 40]],
  ])('%s = %j', (formula, expected) => {
    expect(run(formula)).toEqual(expected);
  });

  it('RANK of a value not in the list is #N/A; FORECAST needs two points', () => {
    expect(failure('RANK(1, [2, 3])')).toBe('NOT_AVAILABLE');
    expect(failure('FORECAST.LINEAR(1, [1], [1])')).toBe('NOT_AVAILABLE');
  });
});

describe('context', () => {
  it('CURRENT_USER() is the member the evaluation is for, and blank for no one', () => {
    const formula = compile('CURRENT_USER()', {});
    expect(formula.type).toBe('text');
    expect(formula.functions).toEqual(['CURRENT_USER']);
    expect(formula.evaluate({}, { user: 'abc' })).toBe('abc');
    expect(formula.evaluate({})).toBe(null);
  });
});
