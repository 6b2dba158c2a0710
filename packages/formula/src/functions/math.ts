import * as fj from '@formulajs/formulajs';
import { FormulaError } from '../errors.js';
import type { FunctionDef } from '../registry.js';
import { isBlank, roundHalfAwayFromZero, toNumber, toText } from '../values.js';
import { countNumbers, excel, finite, foldNumbers, listOf, numericList, opt, req, rest } from './helpers.js';

const n = toNumber;

/** Math functions: sums, counts, rounding, arithmetic helpers. */
export const mathFunctions: readonly FunctionDef[] = [
  {
    name: 'SUM',
    category: 'math',
    params: [req('number1', 'numbers'), rest('number2', 'numbers')],
    returns: 'number',
    description: {
      en: 'Adds numbers and number lists. Blanks and text inside lists are ignored.',
      'zh-CN': '求和，可传入数字或数字列表（如子表列）；列表中的空值和文本被忽略。',
    },
    examples: [
      { formula: 'SUM(1, 2, 3)', result: 6 },
      { formula: 'SUM([10, 20], 5)', result: 35 },
    ],
    impl: (args, _c, pos) => finite('SUM', foldNumbers(args, pos, 'sum'), pos),
  },
  {
    name: 'AVERAGE',
    category: 'math',
    params: [req('number1', 'numbers'), rest('number2', 'numbers')],
    returns: 'number',
    description: {
      en: 'Arithmetic mean of the numbers; blanks in lists are not counted. No numbers → #DIV/0!.',
      'zh-CN': '求平均值；列表中的空值不计入。没有数字时报除零错误。',
    },
    examples: [
      { formula: 'AVERAGE(1, 2, 6)', result: 3 },
      { formula: 'AVERAGE([2, 4])', result: 3 },
    ],
    impl: (args, _c, pos) => {
      const count = countNumbers(args);
      if (count === 0) throw new FormulaError('DIV_BY_ZERO', pos, { name: 'AVERAGE' });
      return foldNumbers(args, pos, 'sum') / count;
    },
  },
  {
    name: 'MIN',
    category: 'math',
    params: [req('number1', 'numbers'), rest('number2', 'numbers')],
    returns: 'number',
    description: { en: 'Smallest number; 0 when there is none.', 'zh-CN': '最小值；没有数字时为 0。' },
    examples: [
      { formula: 'MIN(3, 1, 2)', result: 1 },
      { formula: 'MIN([])', result: 0 },
    ],
    impl: (args, _c, pos) => {
      const min = foldNumbers(args, pos, 'min');
      return min === Number.POSITIVE_INFINITY && countNumbers(args) === 0 ? 0 : min;
    },
  },
  {
    name: 'MAX',
    category: 'math',
    params: [req('number1', 'numbers'), rest('number2', 'numbers')],
    returns: 'number',
    description: { en: 'Largest number; 0 when there is none.', 'zh-CN': '最大值；没有数字时为 0。' },
    examples: [
      { formula: 'MAX(3, 1, 2)', result: 3 },
      { formula: 'MAX([0.05, 0.2, 0.1])', result: 0.2 },
    ],
    impl: (args, _c, pos) => {
      const max = foldNumbers(args, pos, 'max');
      return max === Number.NEGATIVE_INFINITY && countNumbers(args) === 0 ? 0 : max;
    },
  },
  {
    name: 'COUNT',
    category: 'math',
    params: [req('value1', 'values'), rest('value2', 'values')],
    returns: 'number',
    description: { en: 'Counts the values that are numbers.', 'zh-CN': '统计数字的个数。' },
    examples: [{ formula: 'COUNT([1, "a", 2], 3)', result: 3 }],
    impl: (args) => {
      let count = 0;
      for (const a of args) for (const v of listOf(a)) if (typeof v === 'number') count++;
      return count;
    },
  },
  {
    name: 'COUNTA',
    category: 'math',
    params: [req('value1', 'values'), rest('value2', 'values')],
    returns: 'number',
    description: {
      en: 'Counts the values that are not blank (blank: empty text or no value).',
      'zh-CN': '统计非空值的个数（空文本和无值视为空）。',
    },
    examples: [{ formula: 'COUNTA([1, "", "a"], "b")', result: 3 }],
    impl: (args) => {
      let count = 0;
      for (const a of args) for (const v of listOf(a)) if (!isBlank(v)) count++;
      return count;
    },
  },
  {
    name: 'COUNTIF',
    category: 'math',
    params: [req('list', 'any[]'), req('criteria', 'any')],
    returns: 'number',
    description: {
      en: 'Counts list items that meet the criteria: a value, or text such as ">100", "<>done".',
      'zh-CN': '统计满足条件的项数：条件可以是值，或 ">100"、"<>done" 这样的文本。',
    },
    examples: [
      { formula: 'COUNTIF([1, 5, 10], ">4")', result: 2 },
      { formula: 'COUNTIF(["a", "b", "a"], "a")', result: 2 },
    ],
    impl: (args, _c, pos) => excel('COUNTIF', fj.COUNTIF(listOf(args[0]), args[1]), pos),
  },
  {
    name: 'SUMIF',
    category: 'math',
    params: [req('list', 'any[]'), req('criteria', 'any'), opt('sumList', 'number[]')],
    returns: 'number',
    description: {
      en: 'Sums the items (or the matching items of sumList) whose list item meets the criteria.',
      'zh-CN': '对满足条件的项求和；给出 sumList 时对其对应位置的值求和。',
    },
    examples: [
      { formula: 'SUMIF([1, 5, 10], ">4")', result: 15 },
      { formula: 'SUMIF(["a", "b", "a"], "a", [1, 2, 3])', result: 4 },
    ],
    impl: (args, _c, pos) =>
      excel(
        'SUMIF',
        args[2] === undefined
          ? fj.SUMIF(listOf(args[0]), args[1])
          : fj.SUMIF(listOf(args[0]), args[1], listOf(args[2])),
        pos,
      ),
  },
  {
    name: 'SUMPRODUCT',
    category: 'math',
    params: [req('list1', 'number[]'), rest('list2', 'number[]')],
    returns: 'number',
    description: {
      en: 'Multiplies lists item by item and sums the products; lists must be equally long. Blanks are 0.',
      'zh-CN': '将各列表对应项相乘后求和；列表长度必须相同，空值按 0 计。',
    },
    examples: [{ formula: 'SUMPRODUCT([1, 2, 3], [4, 5, 6])', result: 32 }],
    impl: (args, _c, pos) => {
      const lists = args.map((a) => numericList(a, pos));
      const length = lists[0]?.length ?? 0;
      if (lists.some((l) => l.length !== length))
        throw new FormulaError('VALUE_ERROR', pos, { name: 'SUMPRODUCT' });
      let total = 0;
      for (let i = 0; i < length; i++) {
        let product = 1;
        for (const l of lists) product *= l[i] ?? 0;
        total += product;
      }
      return finite('SUMPRODUCT', total, pos);
    },
  },
  {
    name: 'ROUND',
    category: 'math',
    params: [req('number', 'number'), opt('digits', 'number')],
    returns: 'number',
    description: {
      en: 'Rounds half away from zero to the given digits (default 0): ROUND(2.5) = 3, ROUND(-2.5) = -3.',
      'zh-CN': '四舍五入（远离零）到指定位数（默认 0）：ROUND(2.5) = 3，ROUND(-2.5) = -3。',
    },
    examples: [
      { formula: 'ROUND(2.5)', result: 3 },
      { formula: 'ROUND(-2.5, 0)', result: -3 },
      { formula: 'ROUND(1.005, 2)', result: 1.01 },
      { formula: 'ROUND(1234.5, -2)', result: 1200 },
    ],
    impl: (args) => roundHalfAwayFromZero(n(args[0]), Math.trunc(n(args[1]))),
  },
  {
    name: 'ROUNDUP',
    category: 'math',
    params: [req('number', 'number'), opt('digits', 'number')],
    returns: 'number',
    description: { en: 'Rounds away from zero.', 'zh-CN': '向远离零的方向舍入。' },
    examples: [
      { formula: 'ROUNDUP(3.2, 0)', result: 4 },
      { formula: 'ROUNDUP(-3.14159, 1)', result: -3.2 },
    ],
    impl: (args, _c, pos) => excel('ROUNDUP', fj.ROUNDUP(n(args[0]), Math.trunc(n(args[1]))), pos),
  },
  {
    name: 'ROUNDDOWN',
    category: 'math',
    params: [req('number', 'number'), opt('digits', 'number')],
    returns: 'number',
    description: { en: 'Rounds toward zero.', 'zh-CN': '向零的方向舍入。' },
    examples: [
      { formula: 'ROUNDDOWN(3.7, 0)', result: 3 },
      { formula: 'ROUNDDOWN(-3.14159, 1)', result: -3.1 },
    ],
    impl: (args, _c, pos) => excel('ROUNDDOWN', fj.ROUNDDOWN(n(args[0]), Math.trunc(n(args[1]))), pos),
  },
  {
    name: 'INT',
    category: 'math',
    params: [req('number', 'number')],
    returns: 'number',
    description: { en: 'Rounds down to the nearest integer.', 'zh-CN': '向下取整到最接近的整数。' },
    examples: [
      { formula: 'INT(8.9)', result: 8 },
      { formula: 'INT(-8.9)', result: -9 },
    ],
    impl: (args) => Math.floor(n(args[0])),
  },
  {
    name: 'MOD',
    category: 'math',
    params: [req('number', 'number'), req('divisor', 'number')],
    returns: 'number',
    description: {
      en: 'Remainder after division; it has the sign of the divisor. Divisor 0 → #DIV/0!.',
      'zh-CN': '求余数，符号与除数相同；除数为 0 时报除零错误。',
    },
    examples: [
      { formula: 'MOD(3, 2)', result: 1 },
      { formula: 'MOD(-3, 2)', result: 1 },
      { formula: 'MOD(3, -2)', result: -1 },
    ],
    impl: (args, _c, pos) => excel('MOD', fj.MOD(n(args[0]), n(args[1])), pos),
  },
  {
    name: 'ABS',
    category: 'math',
    params: [req('number', 'number')],
    returns: 'number',
    description: { en: 'Absolute value.', 'zh-CN': '绝对值。' },
    examples: [{ formula: 'ABS(-2)', result: 2 }],
    impl: (args) => Math.abs(n(args[0])),
  },
  {
    name: 'POWER',
    category: 'math',
    params: [req('number', 'number'), req('power', 'number')],
    returns: 'number',
    description: { en: 'A number raised to a power.', 'zh-CN': '乘幂。' },
    examples: [
      { formula: 'POWER(5, 2)', result: 25 },
      { formula: 'POWER(4, 0.5)', result: 2 },
    ],
    impl: (args, _c, pos) => excel('POWER', fj.POWER(n(args[0]), n(args[1])), pos),
  },
  {
    name: 'SQRT',
    category: 'math',
    params: [req('number', 'number')],
    returns: 'number',
    description: { en: 'Square root; negative numbers → #NUM!.', 'zh-CN': '平方根；负数报数值错误。' },
    examples: [{ formula: 'SQRT(16)', result: 4 }],
    impl: (args, _c, pos) => excel('SQRT', fj.SQRT(n(args[0])), pos),
  },
];

/** Exposed for TEXT(): numbers format through formulajs. */
export function formatWithPattern(value: number, pattern: string, position: number): string {
  return toText(excel('TEXT', fj.TEXT(value, pattern), position));
}
