import type { Granularity, PlannedSort, ReportPlan } from './types.js';
import { scalar } from './values.js';

type Doc = Readonly<Record<string, unknown>>;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The first day of the bucket a calendar day (`YYYY-MM-DD`) falls in, as the expression pipeline cuts it. */
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

/** MongoDB's order of the values a report carries: null, numbers, strings, then the rest, then booleans. */
function rank(value: unknown): number {
  if (value === null || value === undefined) return 0;
  if (typeof value === 'number') return 1;
  if (typeof value === 'string') return 2;
  if (typeof value === 'boolean') return 4;
  return 3;
}

/** Compares two values in MongoDB's sort order (for the types a report's groups hold). */
export function compareValues(a: unknown, b: unknown): number {
  const byType = rank(a) - rank(b);
  if (byType !== 0) return byType;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return 0;
}

function sortKeys(plan: ReportPlan): PlannedSort[] {
  const keys = [...plan.sort];
  for (const d of plan.dimensions)
    if (!keys.some((k) => k.slot === d.slot)) keys.push({ slot: d.slot, key: d.key, dir: 1 });
  return keys;
}

/**
 * Merges per-day groups (mode `days`) into the widget's buckets, then sorts and keeps one more than the
 * limit, as the expression pipeline would have answered: sums and counts add up, minima and maxima compare.
 */
export function mergeDays(plan: ReportPlan, docs: readonly Doc[]): Doc[] {
  const [dimension] = plan.dimensions;
  if (!dimension?.granularity) return [...docs];
  const buckets = new Map<string | null, Record<string, unknown>>();
  for (const doc of docs) {
    const start = bucketStartOfDay(doc[dimension.slot], dimension.granularity);
    const bucket = buckets.get(start);
    if (!bucket) {
      buckets.set(start, { ...doc, [dimension.slot]: start });
      continue;
    }
    for (const m of plan.measures) {
      const a = scalar(bucket[m.slot]);
      const b = scalar(doc[m.slot]);
      if (m.aggregate === 'sum' || m.aggregate === 'count') bucket[m.slot] = Number(a ?? 0) + Number(b ?? 0);
      // Minima and maxima compare as JSON scalars (ISO text for dates, numbers for wrapped numbers).
      else if (b !== null) {
        const order = compareValues(b, a);
        if (a === null || a === undefined || (m.aggregate === 'min' ? order < 0 : order > 0))
          bucket[m.slot] = b;
      }
    }
  }
  const keys = sortKeys(plan);
  return [...buckets.values()]
    .sort((x, y) => {
      for (const key of keys) {
        const order = compareValues(x[key.slot], y[key.slot]) * key.dir;
        if (order !== 0) return order;
      }
      return 0;
    })
    .slice(0, plan.limit + 1);
}
