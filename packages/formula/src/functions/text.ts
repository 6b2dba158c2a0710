import * as fj from '@formulajs/formulajs';
import { checkTextLength } from '../context.js';
import { FormulaError } from '../errors.js';
import type { FunctionDef } from '../registry.js';
import { toNumber, toText } from '../values.js';
import { formatDate } from './date-core.js';
import { excel, listOf, opt, req, rest } from './helpers.js';
import { formatWithPattern } from './math.js';

const t = toText;

/** Text functions. Positions are 1-based, as in Excel. */
export const textFunctions: readonly FunctionDef[] = [
  {
    name: 'CONCATENATE',
    category: 'text',
    params: [req('text1', 'any'), rest('text2', 'any')],
    returns: 'text',
    description: {
      en: 'Joins the texts. Same as the & operator; blanks add nothing.',
      'zh-CN': '连接文本，与 & 运算符相同；空值不添加任何内容。',
    },
    examples: [{ formula: 'CONCATENATE("Q", 3, "-", 2026)', result: 'Q3-2026' }],
    impl: (args) => args.map(t).join(''),
  },
  {
    name: 'TEXT',
    category: 'text',
    params: [req('value', 'any'), req('format', 'text')],
    returns: 'text',
    description: {
      en: 'Formats a number with an Excel number format ("#,##0.00", "0%") or a date ("yyyy-mm-dd", "yyyy年m月d日", "hh:mm").',
      'zh-CN':
        '按 Excel 数字格式（"#,##0.00"、"0%"）格式化数字，或按日期格式（"yyyy-mm-dd"、"yyyy年m月d日"、"hh:mm"）格式化日期。',
    },
    examples: [
      { formula: 'TEXT(1234.567, "#,##0.00")', result: '1,234.57' },
      { formula: 'TEXT(0.285, "0.0%")', result: '28.5%' },
      { formula: 'TEXT(DATE(2026, 3, 5), "yyyy-mm-dd")', result: '2026-03-05' },
    ],
    impl: (args, _c, pos) => {
      const [value, format] = args;
      if (value instanceof Date) return formatDate(value, t(format));
      if (value === null || value === undefined) return '';
      if (typeof value === 'string') return value;
      return formatWithPattern(toNumber(value, pos), t(format), pos);
    },
  },
  {
    name: 'LEFT',
    category: 'text',
    params: [req('text', 'text'), opt('count', 'number')],
    returns: 'text',
    description: { en: 'The first characters (default 1).', 'zh-CN': '从左侧取字符（默认 1 个）。' },
    examples: [{ formula: 'LEFT("Formloom", 4)', result: 'Form' }],
    impl: (args, _c, pos) =>
      excel('LEFT', fj.LEFT(t(args[0]), args[1] === undefined ? 1 : toNumber(args[1])), pos),
  },
  {
    name: 'RIGHT',
    category: 'text',
    params: [req('text', 'text'), opt('count', 'number')],
    returns: 'text',
    description: { en: 'The last characters (default 1).', 'zh-CN': '从右侧取字符（默认 1 个）。' },
    examples: [{ formula: 'RIGHT("Formloom", 4)', result: 'loom' }],
    impl: (args, _c, pos) =>
      excel('RIGHT', fj.RIGHT(t(args[0]), args[1] === undefined ? 1 : toNumber(args[1])), pos),
  },
  {
    name: 'MID',
    category: 'text',
    params: [req('text', 'text'), req('start', 'number'), req('count', 'number')],
    returns: 'text',
    description: {
      en: 'count characters starting at position start (1-based).',
      'zh-CN': '从第 start 个字符（从 1 开始）起取 count 个字符。',
    },
    examples: [{ formula: 'MID("Formloom", 5, 2)', result: 'lo' }],
    impl: (args, _c, pos) => excel('MID', fj.MID(t(args[0]), toNumber(args[1]), toNumber(args[2])), pos),
  },
  {
    name: 'LEN',
    category: 'text',
    params: [req('text', 'text')],
    returns: 'number',
    description: { en: 'Number of characters; blank is 0.', 'zh-CN': '字符个数；空值为 0。' },
    examples: [
      { formula: 'LEN("表单")', result: 2 },
      { formula: 'LEN("")', result: 0 },
    ],
    impl: (args) => t(args[0]).length,
  },
  {
    name: 'UPPER',
    category: 'text',
    params: [req('text', 'text')],
    returns: 'text',
    description: { en: 'Upper-case text.', 'zh-CN': '转为大写。' },
    examples: [{ formula: 'UPPER("abc")', result: 'ABC' }],
    impl: (args) => t(args[0]).toUpperCase(),
  },
  {
    name: 'LOWER',
    category: 'text',
    params: [req('text', 'text')],
    returns: 'text',
    description: { en: 'Lower-case text.', 'zh-CN': '转为小写。' },
    examples: [{ formula: 'LOWER("ABC")', result: 'abc' }],
    impl: (args) => t(args[0]).toLowerCase(),
  },
  {
    name: 'TRIM',
    category: 'text',
    params: [req('text', 'text')],
    returns: 'text',
    description: {
      en: 'Removes leading and trailing spaces and collapses inner runs of spaces to one.',
      'zh-CN': '去掉首尾空格，并将中间连续空格合并为一个。',
    },
    examples: [{ formula: 'TRIM("  a   b ")', result: 'a b' }],
    impl: (args) => t(args[0]).replace(/ +/g, ' ').trim(),
  },
  {
    name: 'SUBSTITUTE',
    category: 'text',
    params: [req('text', 'text'), req('old', 'text'), req('new', 'text'), opt('occurrence', 'number')],
    returns: 'text',
    description: {
      en: 'Replaces old text by new text: every occurrence, or only the n-th.',
      'zh-CN': '将旧文本替换为新文本：替换全部，或只替换第 n 次出现。',
    },
    examples: [
      { formula: 'SUBSTITUTE("a-b-c", "-", "/")', result: 'a/b/c' },
      { formula: 'SUBSTITUTE("a-b-c", "-", "/", 2)', result: 'a-b/c' },
    ],
    impl: (args, _c, pos) => {
      const text = t(args[0]);
      const old = t(args[1]);
      const replacement = t(args[2]);
      if (old === '') return text;
      if (args[3] === undefined) {
        const parts = text.split(old);
        // Measured before it is built: the result can be far larger than any input.
        checkTextLength(text.length + (parts.length - 1) * (replacement.length - old.length), pos);
        return parts.join(replacement);
      }
      const nth = Math.trunc(toNumber(args[3], pos));
      if (nth < 1) throw new FormulaError('VALUE_ERROR', pos, { name: 'SUBSTITUTE' });
      let at = -1;
      for (let k = 0; k < nth; k++) {
        at = text.indexOf(old, at + 1);
        if (at < 0) return text;
      }
      return text.slice(0, at) + replacement + text.slice(at + old.length);
    },
  },
  {
    name: 'SEARCH',
    category: 'text',
    params: [req('find', 'text'), req('within', 'text'), opt('start', 'number')],
    returns: 'number',
    description: {
      en: 'Position (1-based, case-insensitive) of find within the text; not found → #VALUE!.',
      'zh-CN': '查找文本的位置（从 1 开始，不区分大小写）；找不到时报值错误。',
    },
    examples: [{ formula: 'SEARCH("LOOM", "Formloom")', result: 5 }],
    impl: (args, _c, pos) =>
      excel('SEARCH', fj.SEARCH(t(args[0]), t(args[1]), args[2] === undefined ? 1 : toNumber(args[2])), pos),
  },
  {
    name: 'REPLACE',
    category: 'text',
    params: [req('text', 'text'), req('start', 'number'), req('count', 'number'), req('new', 'text')],
    returns: 'text',
    description: {
      en: 'Replaces count characters starting at start (1-based) with new text.',
      'zh-CN': '从第 start 个字符起，将 count 个字符替换为新文本。',
    },
    examples: [{ formula: 'REPLACE("abcdef", 2, 3, "X")', result: 'aXef' }],
    impl: (args, _c, pos) =>
      excel('REPLACE', fj.REPLACE(t(args[0]), toNumber(args[1]), toNumber(args[2]), t(args[3])), pos),
  },
  {
    name: 'SPLIT',
    category: 'text',
    params: [req('text', 'text'), req('separator', 'text')],
    returns: 'text[]',
    description: {
      en: 'Splits text into a list at each separator; blank text gives an empty list.',
      'zh-CN': '按分隔符将文本拆分为列表；空文本得到空列表。',
    },
    examples: [{ formula: 'SPLIT("a,b,c", ",")', result: ['a', 'b', 'c'] }],
    impl: (args, _c, pos) => {
      const text = t(args[0]);
      const separator = t(args[1]);
      if (separator === '')
        throw new FormulaError('INVALID_ARGUMENT', pos, { name: 'SPLIT', detail: 'separator' });
      return text === '' ? [] : text.split(separator);
    },
  },
  {
    name: 'JOIN',
    category: 'text',
    params: [req('list', 'any[]'), opt('separator', 'text')],
    returns: 'text',
    description: {
      en: 'Joins list items into one text with the separator (default ",").',
      'zh-CN': '用分隔符（默认 ","）将列表各项连接成一个文本。',
    },
    examples: [{ formula: 'JOIN(["a", "b"], " / ")', result: 'a / b' }],
    impl: (args) =>
      listOf(args[0])
        .map(t)
        .join(args[1] === undefined ? ',' : t(args[1])),
  },
];
