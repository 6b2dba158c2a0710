import { TZDate } from '@date-fns/tz';
import type { Granularity } from './types.js';

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The first day of the bucket a calendar day (`YYYY-MM-DD`) falls in. */
export function bucketStartOfDay(day: unknown, granularity: Granularity): string | null {
  if (typeof day !== 'string' || !DAY.test(day)) return null;
  switch (granularity) {
    case 'day':
      return day;
    case 'month':
      return `${day.slice(0, 7)}-01`;
    case 'year':
      return `${day.slice(0, 4)}-01-01`;
    case 'quarter': {
      const month = Number(day.slice(5, 7));
      const start = month - ((month - 1) % 3);
      return `${day.slice(0, 5)}${String(start).padStart(2, '0')}-01`;
    }
    case 'week': {
      // ISO weeks start on Monday; getUTCDay counts from Sunday.
      const date = new Date(`${day}T00:00:00Z`);
      if (Number.isNaN(date.getTime())) return null;
      date.setUTCDate(date.getUTCDate() - ((date.getUTCDay() + 6) % 7));
      return date.toISOString().slice(0, 10);
    }
  }
}

/**
 * A bucket's display value from its first day (`YYYY-MM-DD`): `2026-03-31`, week `2026-03-30` (its
 * Monday), month `2026-03`, quarter `2026-Q1`, year `2026`. Every form sorts like the start date.
 */
export function bucketLabel(start: string, granularity: Granularity): string {
  switch (granularity) {
    case 'day':
    case 'week':
      return start;
    case 'month':
      return start.slice(0, 7);
    case 'quarter':
      return `${start.slice(0, 4)}-Q${Math.floor((Number(start.slice(5, 7)) - 1) / 3) + 1}`;
    case 'year':
      return start.slice(0, 4);
  }
}

const LABELS: Record<Granularity, RegExp> = {
  day: /^(\d{4})-(\d{2})-(\d{2})$/,
  week: /^(\d{4})-(\d{2})-(\d{2})$/,
  month: /^(\d{4})-(\d{2})$/,
  quarter: /^(\d{4})-Q([1-4])$/,
  year: /^(\d{4})$/,
};

/** The first day (`[year, month, day]`) of a bucket label, or undefined when the label is not one. */
function startOf(label: string, granularity: Granularity): [number, number, number] | undefined {
  const m = LABELS[granularity].exec(label);
  if (!m) return undefined;
  const y = Number(m[1]);
  switch (granularity) {
    case 'day':
    case 'week': {
      const [mo, d] = [Number(m[2]), Number(m[3])];
      const date = new Date(Date.UTC(y, mo - 1, d));
      if (date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return undefined;
      if (granularity === 'week' && date.getUTCDay() !== 1) return undefined;
      return [y, mo, d];
    }
    case 'month': {
      const mo = Number(m[2]);
      return mo >= 1 && mo <= 12 ? [y, mo, 1] : undefined;
    }
    case 'quarter':
      return [y, (Number(m[2]) - 1) * 3 + 1, 1];
    case 'year':
      return [y, 1, 1];
  }
}

function shift([y, m, d]: [number, number, number], granularity: Granularity, n: number) {
  const date = new Date(Date.UTC(y, m - 1, d));
  switch (granularity) {
    case 'day':
      date.setUTCDate(date.getUTCDate() + n);
      break;
    case 'week':
      date.setUTCDate(date.getUTCDate() + 7 * n);
      break;
    case 'month':
      date.setUTCMonth(date.getUTCMonth() + n);
      break;
    case 'quarter':
      date.setUTCMonth(date.getUTCMonth() + 3 * n);
      break;
    case 'year':
      date.setUTCFullYear(date.getUTCFullYear() + n);
      break;
  }
  return date.toISOString().slice(0, 10);
}

/** The label of the bucket `n` buckets after `label` (before it when negative), or undefined. */
export function shiftBucket(label: string, granularity: Granularity, n: number): string | undefined {
  const start = startOf(label, granularity);
  return start ? bucketLabel(shift(start, granularity, n), granularity) : undefined;
}

/** The days a bucket label spans: `[first day, first day of the next bucket)`, as `YYYY-MM-DD`. */
export function bucketDays(
  label: string,
  granularity: Granularity,
): { from: string; to: string } | undefined {
  const start = startOf(label, granularity);
  if (!start) return undefined;
  const from = shift(start, granularity, 0);
  return { from, to: shift(start, granularity, 1) };
}

/** The instant a local day (`YYYY-MM-DD`) starts at in `timeZone` (its midnight, DST-aware). */
export function localMidnight(day: string, timeZone: string): Date {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(new TZDate(y, m - 1, d, timeZone).getTime());
}
