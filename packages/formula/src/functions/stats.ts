import * as fj from '@formulajs/formulajs';
import { FormulaError } from '../errors.js';
import type { FunctionDef } from '../registry.js';
import { isListType } from '../types.js';
import { toNumber } from '../values.js';
import { excel, listOf, numericList, opt, req } from './helpers.js';

/**
 * Competition ranking ("1224"): one more than the number of values strictly better. A value not
 * in the list is #N/A, as in Excel's RANK.
 */
export function competitionRank(
  value: number,
  values: readonly number[],
  ascending: boolean,
): number | undefined {
  let better = 0;
  let found = false;
  for (const v of values) {
    if (v === value) found = true;
    else if (ascending ? v < value : v > value) better++;
  }
  return found ? better + 1 : undefined;
}

function linearForecast(
  name: string,
  x: number,
  ys: readonly number[],
  xs: readonly number[],
  position: number,
): number {
  if (ys.length !== xs.length || ys.length < 2) throw new FormulaError('NOT_AVAILABLE', position, { name });
  return excel(name, fj.FORECAST(x, [...ys], [...xs]), position);
}

const forecastDef = (name: string): FunctionDef => ({
  name,
  category: 'statistics',
  params: [req('x', 'number'), req('knownYs', 'number[]'), req('knownXs', 'number[]')],
  returns: 'number',
  description: {
    en: 'Predicts y at x on the least-squares line through the known points (lists of equal length, at least two).',
    'zh-CN': '按已知点的最小二乘直线预测 x 处的 y 值（两个列表等长，至少两个点）。',
  },
  examples: [
    { formula: `ROUND(${name}(30, [6, 7, 9, 15, 21], [20, 28, 31, 38, 40]), 6)`, result: 10.607253 },
  ],
  impl: (args, _c, pos) =>
    linearForecast(name, toNumber(args[0], pos), numericList(args[1], pos), numericList(args[2], pos), pos),
});

/** Statistics functions: ranking and linear trend. */
export const statisticsFunctions: readonly FunctionDef[] = [
  {
    name: 'RANK',
    category: 'statistics',
    params: [req('value', 'number'), req('list', 'number[]'), opt('order', 'number')],
    returns: 'number',
    description: {
      en: 'Rank of the value in the list, largest first (order 1: smallest first). Ties share a rank and the next rank is skipped (500, 400, 400, 300 → 1, 2, 2, 4). Not in the list → #N/A.',
      'zh-CN':
        '数值在列表中的排名，默认从大到小（order 为 1 时从小到大）。并列同名次，其后名次跳过（500、400、400、300 → 1、2、2、4）。不在列表中报 #N/A。',
    },
    examples: [
      { formula: 'RANK(400, [500, 400, 400, 300])', result: 2 },
      { formula: 'RANK(300, [500, 400, 400, 300])', result: 4 },
      { formula: 'RANK(300, [500, 400, 400, 300], 1)', result: 1 },
    ],
    impl: (args, _c, pos) => {
      const list = listOf(args[1]).filter((v): v is number => typeof v === 'number');
      const rank = competitionRank(toNumber(args[0], pos), list, toNumber(args[2], pos) !== 0);
      if (rank === undefined) throw new FormulaError('NOT_AVAILABLE', pos, { name: 'RANK' });
      return rank;
    },
  },
  forecastDef('FORECAST.LINEAR'),
  forecastDef('FORECAST'),
  {
    name: 'TREND',
    category: 'statistics',
    params: [req('knownYs', 'number[]'), req('knownXs', 'number[]'), req('newX', 'numbers')],
    returns: (types) => (types[2] !== undefined && isListType(types[2]) ? 'number[]' : 'number'),
    description: {
      en: 'Values on the least-squares line through the known points at newX (a number or a list of numbers).',
      'zh-CN': '按已知点的最小二乘直线计算 newX（数字或数字列表）处的值。',
    },
    examples: [
      { formula: 'TREND([2, 4, 6], [1, 2, 3], 4)', result: 8 },
      { formula: 'TREND([2, 4, 6], [1, 2, 3], [4, 5])', result: [8, 10] },
    ],
    impl: (args, _c, pos) => {
      const ys = numericList(args[0], pos);
      const xs = numericList(args[1], pos);
      if (Array.isArray(args[2]))
        return numericList(args[2], pos).map((x) => linearForecast('TREND', x, ys, xs, pos));
      return linearForecast('TREND', toNumber(args[2], pos), ys, xs, pos);
    },
  },
];
