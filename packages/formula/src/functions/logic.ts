import { FormulaError } from '../errors.js';
import type { FunctionDef } from '../registry.js';
import { type FormulaType, unifyTypes } from '../types.js';
import { isBlank, toBoolean } from '../values.js';
import { looselyEqual } from './compare.js';
import { listOf, opt, req, rest } from './helpers.js';

function unifyAll(types: readonly FormulaType[]): FormulaType {
  let out: FormulaType | undefined;
  for (const t of types) out = out === undefined ? t : unifyTypes(out, t);
  return out ?? 'any';
}

function booleansOf(args: readonly unknown[]): boolean[] {
  const out: boolean[] = [];
  for (const a of args) for (const v of listOf(a)) if (!isBlank(v)) out.push(toBoolean(v));
  return out;
}

/** IF, exported so the compiler can inline it as a conditional. */
export const ifFunction: FunctionDef = {
  name: 'IF',
  category: 'logic',
  params: [req('condition', 'any'), req('then', 'values'), opt('else', 'values')],
  returns: (types) =>
    types.length < 3
      ? unifyTypes(types[1] ?? 'any', 'boolean')
      : unifyTypes(types[1] ?? 'any', types[2] ?? 'any'),
  description: {
    en: 'then when the condition is TRUE, else otherwise (FALSE when else is left out). Only the chosen branch is evaluated.',
    'zh-CN': '条件为 TRUE 时返回 then，否则返回 else（省略 else 时为 FALSE）。只计算被选中的分支。',
  },
  examples: [
    { formula: 'IF(5 > 3, "yes", "no")', result: 'yes' },
    { formula: 'IF(0, 1, 2)', result: 2 },
  ],
  lazy: true,
  impl: (args, c) => (toBoolean(args[0]?.(c)) ? args[1]?.(c) : args[2] ? args[2](c) : false),
};

/** Logic functions. IF, IFS and SWITCH evaluate only the branch they pick. */
export const logicFunctions: readonly FunctionDef[] = [
  ifFunction,
  {
    name: 'IFS',
    category: 'logic',
    params: [req('condition1', 'any'), req('value1', 'values'), rest('conditionN, valueN', 'values')],
    returns: (types) => unifyAll(types.filter((_t, i) => i % 2 === 1)),
    description: {
      en: 'The value of the first TRUE condition; none TRUE → #N/A. Use TRUE as the last condition for a default.',
      'zh-CN': '返回第一个为 TRUE 的条件对应的值；都不成立时报 #N/A。可把 TRUE 作为最后一个条件充当默认值。',
    },
    examples: [{ formula: 'IFS(85 >= 90, "A", 85 >= 80, "B", TRUE, "C")', result: 'B' }],
    lazy: true,
    impl: (args, c, pos) => {
      if (args.length % 2 !== 0)
        throw new FormulaError('WRONG_ARGUMENT_COUNT', pos, {
          name: 'IFS',
          expected: 'pairs',
          actual: args.length,
        });
      for (let i = 0; i < args.length; i += 2) if (toBoolean(args[i]?.(c))) return args[i + 1]?.(c);
      throw new FormulaError('NOT_AVAILABLE', pos, { name: 'IFS' });
    },
  },
  {
    name: 'SWITCH',
    category: 'logic',
    params: [
      req('expression', 'any'),
      req('value1', 'any'),
      req('result1', 'values'),
      rest('valueN, resultN, [default]', 'values'),
    ],
    returns: (types) => {
      const results = types.slice(1).filter((_t, i) => i % 2 === 1);
      if (types.length % 2 === 0) results.push(types[types.length - 1] ?? 'any');
      return unifyAll(results);
    },
    description: {
      en: 'Compares the expression with each value and returns the matching result, else the default (no default → #N/A).',
      'zh-CN': '将表达式依次与各值比较，返回匹配项对应的结果，否则返回默认值（无默认值时报 #N/A）。',
    },
    examples: [
      { formula: 'SWITCH(2, 1, "one", 2, "two", "many")', result: 'two' },
      { formula: 'SWITCH(9, 1, "one", 2, "two", "many")', result: 'many' },
    ],
    lazy: true,
    impl: (args, c, pos) => {
      const subject = args[0]?.(c);
      let i = 1;
      for (; i + 1 < args.length; i += 2) if (looselyEqual(subject, args[i]?.(c))) return args[i + 1]?.(c);
      if (i < args.length) return args[i]?.(c);
      throw new FormulaError('NOT_AVAILABLE', pos, { name: 'SWITCH' });
    },
  },
  {
    name: 'AND',
    category: 'logic',
    params: [req('logical1', 'values'), rest('logical2', 'values')],
    returns: 'boolean',
    description: {
      en: 'TRUE when every argument is TRUE (blanks are skipped).',
      'zh-CN': '所有参数均为 TRUE 时为 TRUE（忽略空值）。',
    },
    examples: [{ formula: 'AND(TRUE, 1 > 0)', result: true }],
    impl: (args) => booleansOf(args).every(Boolean),
  },
  {
    name: 'OR',
    category: 'logic',
    params: [req('logical1', 'values'), rest('logical2', 'values')],
    returns: 'boolean',
    description: { en: 'TRUE when any argument is TRUE.', 'zh-CN': '任一参数为 TRUE 时为 TRUE。' },
    examples: [{ formula: 'OR(FALSE, 1 > 2)', result: false }],
    impl: (args) => booleansOf(args).some(Boolean),
  },
  {
    name: 'NOT',
    category: 'logic',
    params: [req('logical', 'any')],
    returns: 'boolean',
    description: {
      en: 'Reverses a logical value; blank is FALSE, so NOT(blank) is TRUE.',
      'zh-CN': '逻辑取反；空值视为 FALSE。',
    },
    examples: [{ formula: 'NOT(1 > 2)', result: true }],
    impl: (args) => !toBoolean(args[0]),
  },
  {
    name: 'XOR',
    category: 'logic',
    params: [req('logical1', 'values'), rest('logical2', 'values')],
    returns: 'boolean',
    description: {
      en: 'TRUE when an odd number of arguments are TRUE.',
      'zh-CN': '为 TRUE 的参数个数为奇数时为 TRUE。',
    },
    examples: [{ formula: 'XOR(TRUE, FALSE, TRUE)', result: false }],
    impl: (args) => booleansOf(args).filter(Boolean).length % 2 === 1,
  },
  {
    name: 'ISEMPTY',
    category: 'logic',
    params: [req('value', 'values')],
    returns: 'boolean',
    description: {
      en: 'TRUE for a blank: no value, empty text or an empty list. 0 and FALSE are not blank.',
      'zh-CN': '值为空（无值、空文本或空列表）时为 TRUE；0 和 FALSE 不算空。',
    },
    examples: [
      { formula: 'ISEMPTY("")', result: true },
      { formula: 'ISEMPTY(0)', result: false },
    ],
    impl: (args) => isBlank(args[0]),
  },
];
