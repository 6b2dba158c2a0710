import { TZDate } from '@date-fns/tz';
import {
  addDays,
  addMonths,
  addQuarters,
  addWeeks,
  addYears,
  startOfDay,
  startOfMonth,
  startOfQuarter,
  startOfWeek,
  startOfYear,
} from 'date-fns';

/** Named periods accepted by `{ "$period": ... }`. Weeks start on Monday (ISO 8601). */
export const PERIODS = [
  'today',
  'yesterday',
  'tomorrow',
  'thisWeek',
  'lastWeek',
  'nextWeek',
  'thisMonth',
  'lastMonth',
  'nextMonth',
  'thisQuarter',
  'lastQuarter',
  'nextQuarter',
  'thisYear',
  'lastYear',
  'nextYear',
  'last7Days',
  'last30Days',
  'last90Days',
] as const;

/** One named period. */
export type Period = (typeof PERIODS)[number];

/** True when `value` names a period. */
export function isPeriod(value: unknown): value is Period {
  return typeof value === 'string' && (PERIODS as readonly string[]).includes(value);
}

/** A half-open range `[start, end)` of local midnights, as instants. */
export interface PeriodRange {
  start: Date;
  end: Date;
}

type Step = (date: TZDate, amount: number) => TZDate;
type Start = (date: TZDate) => TZDate;

const UNITS: Record<'day' | 'week' | 'month' | 'quarter' | 'year', { start: Start; add: Step }> = {
  day: { start: (d) => startOfDay(d), add: (d, n) => addDays(d, n) },
  week: { start: (d) => startOfWeek(d, { weekStartsOn: 1 }), add: (d, n) => addWeeks(d, n) },
  month: { start: (d) => startOfMonth(d), add: (d, n) => addMonths(d, n) },
  quarter: { start: (d) => startOfQuarter(d), add: (d, n) => addQuarters(d, n) },
  year: { start: (d) => startOfYear(d), add: (d, n) => addYears(d, n) },
};

const SPECS: Record<Period, { unit: keyof typeof UNITS; offset: number; length: number }> = {
  today: { unit: 'day', offset: 0, length: 1 },
  yesterday: { unit: 'day', offset: -1, length: 1 },
  tomorrow: { unit: 'day', offset: 1, length: 1 },
  thisWeek: { unit: 'week', offset: 0, length: 1 },
  lastWeek: { unit: 'week', offset: -1, length: 1 },
  nextWeek: { unit: 'week', offset: 1, length: 1 },
  thisMonth: { unit: 'month', offset: 0, length: 1 },
  lastMonth: { unit: 'month', offset: -1, length: 1 },
  nextMonth: { unit: 'month', offset: 1, length: 1 },
  thisQuarter: { unit: 'quarter', offset: 0, length: 1 },
  lastQuarter: { unit: 'quarter', offset: -1, length: 1 },
  nextQuarter: { unit: 'quarter', offset: 1, length: 1 },
  thisYear: { unit: 'year', offset: 0, length: 1 },
  lastYear: { unit: 'year', offset: -1, length: 1 },
  nextYear: { unit: 'year', offset: 1, length: 1 },
  // "Last N days" includes today, so it starts N-1 days ago and ends at tomorrow's midnight.
  last7Days: { unit: 'day', offset: -6, length: 7 },
  last30Days: { unit: 'day', offset: -29, length: 30 },
  last90Days: { unit: 'day', offset: -89, length: 90 },
};

/**
 * The range of a named period around `now`, counted in `timeZone` (DST-aware: a day is from local
 * midnight to local midnight, whatever its length), moved by `shift` of its own lengths (-1: the period
 * before it).
 */
export function periodRange(period: Period, now: Date, timeZone = 'UTC', shift = 0): PeriodRange {
  const spec = SPECS[period];
  const unit = UNITS[spec.unit];
  const base = unit.start(new TZDate(now.getTime(), timeZone));
  const start = unit.add(base, spec.offset + shift * spec.length);
  const end = unit.add(start, spec.length);
  return { start: new Date(start.getTime()), end: new Date(end.getTime()) };
}

/** The calendar date (`YYYY-MM-DD`) of an instant in a time zone. */
export function localDate(instant: Date, timeZone = 'UTC'): string {
  const d = new TZDate(instant.getTime(), timeZone);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(d.getFullYear(), 4)}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
