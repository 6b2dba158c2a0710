import type { Dimension, Widget } from '@formloom/schema';
import { bucketDays, localMidnight } from './buckets.js';
import { planDimension } from './compile.js';
import type { PlannedDimension, ReportField, ReportIssue, ReportPlan, ReportRow } from './types.js';

/** A condition of the filter DSL (API.md), as the record list and the report route take it. */
export interface FilterCondition {
  field: string;
  op: 'eq' | 'gte' | 'lt' | 'contains' | 'empty';
  value?: string | number | boolean;
}

/** The conditions that select the records behind one value of one dimension, or an issue. */
export function valueConditions(
  dimension: PlannedDimension,
  value: unknown,
  timeZone: string,
  path: string,
): FilterCondition[] | ReportIssue {
  const field = dimension.field;
  const bad = (): ReportIssue => ({
    code: 'report.drill',
    path,
    params: {
      field,
      expected: dimension.granularity ? `a ${dimension.granularity} label` : 'a value of the column',
    },
  });
  if (value === null) return [{ field, op: 'empty' }];
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return bad();
  if (dimension.granularity) {
    const days = typeof value === 'string' ? bucketDays(value, dimension.granularity) : undefined;
    if (!days) return bad();
    const bound = (day: string) =>
      dimension.source.kind === 'date' ? day : localMidnight(day, timeZone).toISOString();
    return [
      { field, op: 'gte', value: bound(days.from) },
      { field, op: 'lt', value: bound(days.to) },
    ];
  }
  if (dimension.source.multiple) return [{ field, op: 'contains', value }];
  return [{ field, op: 'eq', value }];
}

/**
 * The filter (of the DSL) that selects the records behind one row of a widget: a condition per dimension
 * value the row names (`cell`, keyed by column key), so a record list opened on it shows exactly the
 * records counted in that cell (with the widget's and the dashboard's own filters, which the caller adds).
 */
export function cellConditions(
  plan: Pick<ReportPlan, 'dimensions' | 'timeZone'>,
  cell: Readonly<Record<string, unknown>>,
): FilterCondition[] | ReportIssue[] {
  const out: FilterCondition[] = [];
  const issues: ReportIssue[] = [];
  for (const dimension of plan.dimensions) {
    if (!Object.hasOwn(cell, dimension.key)) continue;
    const conditions = valueConditions(
      dimension,
      cell[dimension.key],
      plan.timeZone,
      `/cell/${dimension.key}`,
    );
    if (Array.isArray(conditions)) out.push(...conditions);
    else issues.push(conditions);
  }
  return issues.length > 0 ? issues : out;
}

/** A widget drilled down to a level: its first dimension replaced, and the conditions of the path above. */
export type DrillResult =
  | { ok: true; widget: Widget; conditions: FilterCondition[]; level: number; levels: number }
  | { ok: false; issues: ReportIssue[] };

/**
 * Drills a widget down its hierarchy: the levels are its first dimension then `drilldown` (region → team →
 * member; year → quarter → month of one date). `path` holds the values clicked at each level so far; the
 * widget's first dimension becomes the next level, and each clicked value becomes a condition.
 */
export function drillWidget(
  widget: Widget,
  path: readonly unknown[],
  fields: ReadonlyMap<string, ReportField>,
  timeZone: string,
): DrillResult {
  const [first, ...rest] = widget.dimensions ?? [];
  const levels: Dimension[] = first ? [first, ...(widget.drilldown ?? [])] : [];
  if (path.length === 0) return { ok: true, widget, conditions: [], level: 0, levels: levels.length };
  if (path.length >= levels.length) {
    return {
      ok: false,
      issues: [{ code: 'report.drill', path: '/drill', params: { levels: Math.max(levels.length - 1, 0) } }],
    };
  }
  const conditions: FilterCondition[] = [];
  const issues: ReportIssue[] = [];
  path.forEach((value, i) => {
    const level = levels[i] as Dimension;
    const planned = planDimension(
      level,
      `d${i}`,
      level.field,
      fields,
      i === 0 ? '/dimensions/0' : `/drilldown/${i - 1}`,
    );
    if ('code' in planned) {
      issues.push(planned);
      return;
    }
    const found = valueConditions(planned, value, timeZone, `/drill/${i}`);
    if (Array.isArray(found)) conditions.push(...found);
    else issues.push(found);
  });
  if (issues.length > 0) return { ok: false, issues };
  const next = levels[path.length] as Dimension;
  return {
    ok: true,
    widget: { ...widget, dimensions: [next, ...rest] },
    conditions,
    level: path.length,
    levels: levels.length,
  };
}

/** A row's dimension values, by column key, for {@link cellConditions}. */
export function rowCell(plan: Pick<ReportPlan, 'dimensions'>, row: ReportRow): Record<string, unknown> {
  return Object.fromEntries(plan.dimensions.map((d) => [d.key, row[d.key] ?? null]));
}
