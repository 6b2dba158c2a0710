/** UTC calendar arithmetic shared by the date functions. All dates are UTC; no local time is used. */

const DAY_MS = 86_400_000;

/** A UTC midnight date; month is 1-based and may overflow (month 13 is January next year). */
export function utcDate(year: number, month: number, day: number): Date {
  return new Date(Date.UTC(year, month - 1, day));
}

/** The UTC day containing the instant, at midnight. */
export function startOfDay(d: Date): Date {
  return utcDate(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

/** Whole days since 1970-01-01 (UTC). */
export function dayNumber(d: Date): number {
  return Math.floor(d.getTime() / DAY_MS);
}

/** Days in a month (1-based month). */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The same day `months` later, clamped to the end of a shorter month (EDATE). Keeps the time. */
export function addMonths(d: Date, months: number): Date {
  const total = d.getUTCFullYear() * 12 + d.getUTCMonth() + months;
  const year = Math.floor(total / 12);
  const month = total - year * 12 + 1;
  const day = Math.min(d.getUTCDate(), daysInMonth(year, month));
  const out = new Date(d.getTime());
  out.setUTCFullYear(year, month - 1, day);
  return out;
}

/** Period units understood by DATEADD, PERIODSTART, PERIODEND and INPERIOD. */
export type PeriodUnit = 'year' | 'quarter' | 'month' | 'week' | 'day';

const UNIT_ALIASES: Readonly<Record<string, PeriodUnit>> = {
  year: 'year',
  years: 'year',
  y: 'year',
  quarter: 'quarter',
  quarters: 'quarter',
  q: 'quarter',
  month: 'month',
  months: 'month',
  m: 'month',
  week: 'week',
  weeks: 'week',
  w: 'week',
  day: 'day',
  days: 'day',
  d: 'day',
};

/** Reads a unit name case-insensitively ("Month", "m", "months"); undefined when unknown. */
export function parseUnit(text: string): PeriodUnit | undefined {
  const key = text.trim().toLowerCase();
  return Object.hasOwn(UNIT_ALIASES, key) ? UNIT_ALIASES[key] : undefined;
}

/** First day of the period containing the date. Weeks start on Monday (ISO). */
export function periodStart(d: Date, unit: PeriodUnit): Date {
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + 1;
  switch (unit) {
    case 'year':
      return utcDate(y, 1, 1);
    case 'quarter':
      return utcDate(y, m - ((m - 1) % 3), 1);
    case 'month':
      return utcDate(y, m, 1);
    case 'week':
      return utcDate(y, m, d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
    case 'day':
      return startOfDay(d);
  }
}

/** Last day of the period containing the date (a date, at midnight). */
export function periodEnd(d: Date, unit: PeriodUnit): Date {
  const start = periodStart(d, unit);
  switch (unit) {
    case 'year':
      return utcDate(start.getUTCFullYear(), 12, 31);
    case 'quarter':
      return utcDate(start.getUTCFullYear(), start.getUTCMonth() + 4, 0);
    case 'month':
      return utcDate(start.getUTCFullYear(), start.getUTCMonth() + 2, 0);
    case 'week':
      return new Date(start.getTime() + 6 * DAY_MS);
    case 'day':
      return start;
  }
}

/** Adds whole units; months, quarters and years clamp to month ends like EDATE. */
export function addUnits(d: Date, amount: number, unit: PeriodUnit): Date {
  switch (unit) {
    case 'year':
      return addMonths(d, amount * 12);
    case 'quarter':
      return addMonths(d, amount * 3);
    case 'month':
      return addMonths(d, amount);
    case 'week':
      return new Date(d.getTime() + amount * 7 * DAY_MS);
    case 'day':
      return new Date(d.getTime() + amount * DAY_MS);
  }
}

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

/**
 * Formats a UTC date with Excel-style tokens: yyyy yy mm m dd d hh h ss, where m/mm right after
 * an hour (or before seconds) means minutes, as in Excel. Other characters are copied.
 */
export function formatDate(d: Date, pattern: string): string {
  const tokens = pattern.match(/yyyy|yy|mm|m|dd|d|hh|h|ss|s|[^ymdhs]+|./gi) ?? [];
  let out = '';
  let lastWasHour = false;
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i] ?? '';
    const lower = tok.toLowerCase();
    const nextIsSecond =
      (tokens[i + 1] ?? '').toLowerCase().startsWith('s') ||
      /^[^a-z]s/i.test(tokens.slice(i + 1, i + 3).join(''));
    if (lower === 'yyyy') out += pad(d.getUTCFullYear(), 4);
    else if (lower === 'yy') out += pad(d.getUTCFullYear() % 100);
    else if (lower === 'mm' || lower === 'm') {
      const minutes = lastWasHour || nextIsSecond;
      const value = minutes ? d.getUTCMinutes() : d.getUTCMonth() + 1;
      out += lower === 'mm' ? pad(value) : String(value);
    } else if (lower === 'dd') out += pad(d.getUTCDate());
    else if (lower === 'd') out += String(d.getUTCDate());
    else if (lower === 'hh') out += pad(d.getUTCHours());
    else if (lower === 'h') out += String(d.getUTCHours());
    else if (lower === 'ss') out += pad(d.getUTCSeconds());
    else if (lower === 's') out += String(d.getUTCSeconds());
    else out += tok;
    if (lower === 'hh' || lower === 'h') lastWasHour = true;
    else if (/^[ymd]/i.test(lower) || lower === 'ss' || lower === 's') lastWasHour = false;
  }
  return out;
}
