import { FormulaError } from '../errors.js';
import type { FunctionDef } from '../registry.js';
import type { FormulaType } from '../types.js';
import { requireDate, toDate, toNumber, toText } from '../values.js';
import {
  addMonths,
  addUnits,
  dayNumber,
  daysInMonth,
  type PeriodUnit,
  parseUnit,
  periodEnd,
  periodStart,
  startOfDay,
  utcDate,
} from './date-core.js';
import { listOf, opt, req } from './helpers.js';

const n = toNumber;

function unitOf(value: unknown, name: string, position: number, fallback?: PeriodUnit): PeriodUnit {
  if (value === undefined && fallback) return fallback;
  const unit = parseUnit(toText(value));
  if (!unit) throw new FormulaError('INVALID_ARGUMENT', position, { name, detail: toText(value) });
  return unit;
}

/** A date argument keeps its own type (a datetime stays a datetime). */
const sameAsFirst = (types: readonly FormulaType[]): FormulaType =>
  types[0] === 'datetime' ? 'datetime' : 'date';

/** Complete months from a to b (a <= b), as DATEDIF "M" counts them. */
function completeMonths(a: Date, b: Date): number {
  const months = (b.getUTCFullYear() - a.getUTCFullYear()) * 12 + b.getUTCMonth() - a.getUTCMonth();
  return b.getUTCDate() < a.getUTCDate() ? months - 1 : months;
}

function datedif(start: Date, end: Date, unit: string, position: number): number {
  const a = startOfDay(start);
  const b = startOfDay(end);
  if (a > b) throw new FormulaError('NUM_ERROR', position, { name: 'DATEDIF' });
  switch (unit.toUpperCase()) {
    case 'Y':
      return Math.floor(completeMonths(a, b) / 12);
    case 'M':
      return completeMonths(a, b);
    case 'D':
      return dayNumber(b) - dayNumber(a);
    case 'YM':
      return completeMonths(a, b) % 12;
    case 'MD':
      return dayNumber(b) - dayNumber(addMonths(a, completeMonths(a, b)));
    case 'YD': {
      let anniversary = addMonths(a, 12 * (b.getUTCFullYear() - a.getUTCFullYear()));
      if (anniversary > b) anniversary = addMonths(a, 12 * (b.getUTCFullYear() - a.getUTCFullYear() - 1));
      return dayNumber(b) - dayNumber(anniversary);
    }
    default:
      throw new FormulaError('INVALID_ARGUMENT', position, { name: 'DATEDIF', detail: unit });
  }
}

/** Weekday number per Excel's return_type 1 (Sun=1), 2 (Mon=1) and 3 (Mon=0). */
function weekday(d: Date, type: number, position: number): number {
  const day = d.getUTCDay();
  if (type === 1) return day + 1;
  if (type === 2) return ((day + 6) % 7) + 1;
  if (type === 3) return (day + 6) % 7;
  throw new FormulaError('NUM_ERROR', position, { name: 'WEEKDAY' });
}

function weeknum(d: Date, type: number, position: number): number {
  if (type === 21) {
    // ISO 8601: the week with the year's first Thursday is week 1.
    const thursday = utcDate(
      d.getUTCFullYear(),
      d.getUTCMonth() + 1,
      d.getUTCDate() + 3 - ((d.getUTCDay() + 6) % 7),
    );
    const jan1 = utcDate(thursday.getUTCFullYear(), 1, 1);
    return Math.floor((dayNumber(thursday) - dayNumber(jan1)) / 7) + 1;
  }
  if (type !== 1 && type !== 2) throw new FormulaError('NUM_ERROR', position, { name: 'WEEKNUM' });
  const weekStart = type === 1 ? 0 : 1;
  const jan1 = utcDate(d.getUTCFullYear(), 1, 1);
  const offset = (jan1.getUTCDay() - weekStart + 7) % 7;
  return Math.floor((dayNumber(d) - dayNumber(jan1) + offset) / 7) + 1;
}

function networkdays(start: Date, end: Date, holidays: readonly unknown[], position: number): number {
  const a = dayNumber(start);
  const b = dayNumber(end);
  const sign = a <= b ? 1 : -1;
  const from = Math.min(a, b);
  const to = Math.max(a, b);
  const off = new Set(holidays.map((h) => dayNumber(requireDate(h, 'NETWORKDAYS', position))));
  // Whole weeks contribute 5 each; only the remainder needs a day-by-day look.
  const days = to - from + 1;
  let count = Math.floor(days / 7) * 5;
  for (let day = from + Math.floor(days / 7) * 7; day <= to; day++) {
    const dow = (day + 4) % 7; // 1970-01-01 was a Thursday (4)
    if (dow !== 0 && dow !== 6) count++;
  }
  for (const h of off) {
    const dow = (((h + 4) % 7) + 7) % 7;
    if (h >= from && h <= to && dow !== 0 && dow !== 6) count--;
  }
  return sign * count;
}

const dateParam = (name: string) => req(name, 'date');

/** Date functions. Dates are UTC calendar days; ISO strings are accepted wherever a date is. */
export const dateFunctions: readonly FunctionDef[] = [
  {
    name: 'TODAY',
    category: 'date',
    params: [],
    returns: 'date',
    description: { en: "Today's date (UTC).", 'zh-CN': '今天的日期（UTC）。' },
    examples: [{ formula: 'TODAY()', result: '2026-03-15' }],
    impl: (_a, ctx) => startOfDay(ctx.now),
  },
  {
    name: 'NOW',
    category: 'date',
    params: [],
    returns: 'datetime',
    description: { en: 'The current date and time.', 'zh-CN': '当前日期和时间。' },
    examples: [{ formula: 'NOW()', result: '2026-03-15T10:30:00.000Z' }],
    impl: (_a, ctx) => ctx.now,
  },
  {
    name: 'DATE',
    category: 'date',
    params: [req('year', 'number'), req('month', 'number'), req('day', 'number')],
    returns: 'date',
    description: {
      en: 'The date of year, month, day; months and days overflow into the next unit (month 13 = January).',
      'zh-CN': '由年、月、日构造日期；月和日超出范围时顺延（第 13 月即次年 1 月）。',
    },
    examples: [
      { formula: 'DATE(2026, 3, 5)', result: '2026-03-05' },
      { formula: 'DATE(2026, 13, 1)', result: '2027-01-01' },
    ],
    impl: (args) => utcDate(Math.trunc(n(args[0])), Math.trunc(n(args[1])), Math.trunc(n(args[2]))),
  },
  {
    name: 'YEAR',
    category: 'date',
    params: [dateParam('date')],
    returns: 'number',
    description: { en: 'The year of a date.', 'zh-CN': '日期的年份。' },
    examples: [{ formula: 'YEAR("2026-03-05")', result: 2026 }],
    impl: (args, _c, pos) => requireDate(args[0], 'YEAR', pos).getUTCFullYear(),
  },
  {
    name: 'MONTH',
    category: 'date',
    params: [dateParam('date')],
    returns: 'number',
    description: { en: 'The month (1–12) of a date.', 'zh-CN': '日期的月份（1–12）。' },
    examples: [{ formula: 'MONTH("2026-03-05")', result: 3 }],
    impl: (args, _c, pos) => requireDate(args[0], 'MONTH', pos).getUTCMonth() + 1,
  },
  {
    name: 'DAY',
    category: 'date',
    params: [dateParam('date')],
    returns: 'number',
    description: { en: 'The day of the month (1–31).', 'zh-CN': '日期在当月的第几天（1–31）。' },
    examples: [{ formula: 'DAY("2026-03-05")', result: 5 }],
    impl: (args, _c, pos) => requireDate(args[0], 'DAY', pos).getUTCDate(),
  },
  {
    name: 'WEEKDAY',
    category: 'date',
    params: [dateParam('date'), opt('type', 'number')],
    returns: 'number',
    description: {
      en: 'Day of the week: type 1 (default) Sunday=1…Saturday=7, type 2 Monday=1…Sunday=7, type 3 Monday=0…Sunday=6.',
      'zh-CN': '星期几：类型 1（默认）周日=1…周六=7；类型 2 周一=1…周日=7；类型 3 周一=0…周日=6。',
    },
    examples: [
      { formula: 'WEEKDAY("2026-03-15")', result: 1 },
      { formula: 'WEEKDAY("2026-03-15", 2)', result: 7 },
    ],
    impl: (args, _c, pos) =>
      weekday(requireDate(args[0], 'WEEKDAY', pos), args[1] === undefined ? 1 : n(args[1]), pos),
  },
  {
    name: 'WEEKNUM',
    category: 'date',
    params: [dateParam('date'), opt('type', 'number')],
    returns: 'number',
    description: {
      en: 'Week of the year: type 1 (default) weeks start Sunday, 2 Monday (the week of 1 January is week 1); 21 is ISO 8601.',
      'zh-CN':
        '一年中的第几周：类型 1（默认）周日起算，2 周一起算（1 月 1 日所在周为第 1 周）；21 为 ISO 8601 周。',
    },
    examples: [
      { formula: 'WEEKNUM("2026-01-04")', result: 2 },
      { formula: 'WEEKNUM("2027-01-01", 21)', result: 53 },
    ],
    impl: (args, _c, pos) =>
      weeknum(requireDate(args[0], 'WEEKNUM', pos), args[1] === undefined ? 1 : n(args[1]), pos),
  },
  {
    name: 'DATEDIF',
    category: 'date',
    params: [dateParam('start'), dateParam('end'), req('unit', 'text')],
    returns: 'number',
    description: {
      en: 'Difference between two dates in "Y" years, "M" months, "D" days (complete units), or "YM", "MD", "YD" (remainders). start after end → #NUM!.',
      'zh-CN':
        '两个日期之差："Y" 整年、"M" 整月、"D" 天数，或 "YM"、"MD"、"YD"（余下部分）。开始晚于结束时报数值错误。',
    },
    examples: [
      { formula: 'DATEDIF("2026-01-31", "2026-03-01", "M")', result: 1 },
      { formula: 'DATEDIF("2001-06-01", "2002-08-15", "D")', result: 440 },
      { formula: 'DATEDIF("2001-06-01", "2002-08-15", "YD")', result: 75 },
    ],
    impl: (args, _c, pos) =>
      datedif(
        requireDate(args[0], 'DATEDIF', pos),
        requireDate(args[1], 'DATEDIF', pos),
        toText(args[2]),
        pos,
      ),
  },
  {
    name: 'DAYS',
    category: 'date',
    params: [dateParam('end'), dateParam('start')],
    returns: 'number',
    description: {
      en: 'Days from start to end (end first, as in Excel).',
      'zh-CN': '从开始到结束的天数（结束日期在前，与 Excel 相同）。',
    },
    examples: [{ formula: 'DAYS("2026-03-15", "2026-02-01")', result: 42 }],
    impl: (args, _c, pos) =>
      dayNumber(requireDate(args[0], 'DAYS', pos)) - dayNumber(requireDate(args[1], 'DAYS', pos)),
  },
  {
    name: 'EDATE',
    category: 'date',
    params: [dateParam('start'), req('months', 'number')],
    returns: 'date',
    description: {
      en: 'The same day some months later (or earlier); clamps to the end of shorter months.',
      'zh-CN': '若干个月后（或前）的同一天；目标月份较短时取月末。',
    },
    examples: [
      { formula: 'EDATE("2026-01-31", 1)', result: '2026-02-28' },
      { formula: 'EDATE("2026-03-15", -3)', result: '2025-12-15' },
    ],
    impl: (args, _c, pos) =>
      startOfDay(addMonths(requireDate(args[0], 'EDATE', pos), Math.trunc(n(args[1])))),
  },
  {
    name: 'EOMONTH',
    category: 'date',
    params: [dateParam('start'), req('months', 'number')],
    returns: 'date',
    description: {
      en: 'Last day of the month some months away.',
      'zh-CN': '若干个月后（或前）那个月的最后一天。',
    },
    examples: [
      { formula: 'EOMONTH("2026-01-15", 1)', result: '2026-02-28' },
      { formula: 'EOMONTH("2026-11-15", 2)', result: '2027-01-31' },
      { formula: 'EOMONTH("2026-01-15", -1)', result: '2025-12-31' },
    ],
    impl: (args, _c, pos) => {
      const d = requireDate(args[0], 'EOMONTH', pos);
      const total = d.getUTCFullYear() * 12 + d.getUTCMonth() + Math.trunc(n(args[1]));
      const year = Math.floor(total / 12);
      const month = total - year * 12 + 1;
      return utcDate(year, month, daysInMonth(year, month));
    },
  },
  {
    name: 'NETWORKDAYS',
    category: 'date',
    params: [dateParam('start'), dateParam('end'), opt('holidays', 'date[]')],
    returns: 'number',
    description: {
      en: 'Working days (Monday–Friday) from start to end inclusive, minus holidays; negative when start is after end.',
      'zh-CN': '从开始到结束（含两端）的工作日（周一至周五）天数，扣除节假日；开始晚于结束时为负数。',
    },
    examples: [
      { formula: 'NETWORKDAYS("2026-03-02", "2026-03-13")', result: 10 },
      { formula: 'NETWORKDAYS("2026-03-02", "2026-03-13", ["2026-03-04"])', result: 9 },
    ],
    impl: (args, _c, pos) =>
      networkdays(
        requireDate(args[0], 'NETWORKDAYS', pos),
        requireDate(args[1], 'NETWORKDAYS', pos),
        listOf(args[2]),
        pos,
      ),
  },
  {
    name: 'DATEADD',
    category: 'date',
    params: [dateParam('date'), req('amount', 'number'), opt('unit', 'text')],
    returns: sameAsFirst,
    description: {
      en: 'Adds an amount of "day" (default), "week", "month", "quarter" or "year"; months clamp to month ends.',
      'zh-CN': '加上若干 "day"（默认）、"week"、"month"、"quarter" 或 "year"；按月加时遇短月取月末。',
    },
    examples: [
      { formula: 'DATEADD("2026-03-15", 10)', result: '2026-03-25' },
      { formula: 'DATEADD("2026-01-31", 1, "month")', result: '2026-02-28' },
      { formula: 'DATEADD("2026-03-15", -1, "year")', result: '2025-03-15' },
    ],
    impl: (args, _c, pos) =>
      addUnits(
        requireDate(args[0], 'DATEADD', pos),
        Math.trunc(n(args[1])),
        unitOf(args[2], 'DATEADD', pos, 'day'),
      ),
  },
  {
    name: 'PERIODSTART',
    category: 'date',
    params: [dateParam('date'), req('unit', 'text')],
    returns: 'date',
    description: {
      en: 'First day of the "week" (Monday), "month", "quarter" or "year" containing the date.',
      'zh-CN': '日期所在"week"（周一起）、"month"、"quarter" 或 "year" 的第一天。',
    },
    examples: [
      { formula: 'PERIODSTART("2026-08-20", "quarter")', result: '2026-07-01' },
      { formula: 'PERIODSTART("2026-08-20", "month")', result: '2026-08-01' },
    ],
    impl: (args, _c, pos) =>
      periodStart(requireDate(args[0], 'PERIODSTART', pos), unitOf(args[1], 'PERIODSTART', pos)),
  },
  {
    name: 'PERIODEND',
    category: 'date',
    params: [dateParam('date'), req('unit', 'text')],
    returns: 'date',
    description: {
      en: 'Last day of the "week", "month", "quarter" or "year" containing the date.',
      'zh-CN': '日期所在"week"、"month"、"quarter" 或 "year" 的最后一天。',
    },
    examples: [
      { formula: 'PERIODEND("2026-08-20", "quarter")', result: '2026-09-30' },
      { formula: 'PERIODEND("2028-02-10", "month")', result: '2028-02-29' },
    ],
    impl: (args, _c, pos) =>
      periodEnd(requireDate(args[0], 'PERIODEND', pos), unitOf(args[1], 'PERIODEND', pos)),
  },
  {
    name: 'INPERIOD',
    category: 'date',
    params: [dateParam('date'), dateParam('anchor'), req('unit', 'text')],
    returns: 'boolean',
    description: {
      en: 'TRUE when the date lies in the same "week", "month", "quarter" or "year" as the anchor date. A blank date is FALSE.',
      'zh-CN': '日期与参照日期处于同一"week"、"month"、"quarter" 或 "year" 时为 TRUE；日期为空时为 FALSE。',
    },
    examples: [
      { formula: 'INPERIOD("2026-08-20", "2026-07-01", "quarter")', result: true },
      { formula: 'INPERIOD("2026-10-01", "2026-07-01", "quarter")', result: false },
    ],
    impl: (args, _c, pos) => {
      const d = toDate(args[0], pos);
      if (d === null) return false;
      const unit = unitOf(args[2], 'INPERIOD', pos);
      const anchor = requireDate(args[1], 'INPERIOD', pos);
      return periodStart(d, unit).getTime() === periodStart(anchor, unit).getTime();
    },
  },
];
