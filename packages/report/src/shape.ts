import { mergeDays } from './days.js';
import type { Granularity, ReportColumn, ReportPlan, ReportResult, ReportRow } from './types.js';
import { scalar } from './values.js';
import { widgetTypes } from './widgets.js';

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

function baseColumns(plan: ReportPlan): ReportColumn[] {
  const columns: ReportColumn[] = [];
  for (const d of plan.dimensions) {
    const column: ReportColumn = { key: d.key, type: 'dimension', field: d.field };
    if (d.label) column.label = d.label;
    if (d.granularity) column.granularity = d.granularity;
    columns.push(column);
  }
  for (const m of plan.measures) {
    const column: ReportColumn = { key: m.key, type: 'measure', aggregate: m.aggregate };
    if (m.field) column.field = m.field;
    if (m.label) column.label = m.label;
    columns.push(column);
  }
  return columns;
}

/**
 * Shapes the documents the pipeline of {@link compileReport} answered into the widget's result: rows keyed
 * by column key (never by pipeline slot), date buckets as labels, at most `limit` rows (`meta.truncated`
 * says when there were more), then the widget type's own shaping (rank, funnel order and conversion...).
 */
export function shapeReport(
  plan: ReportPlan,
  docs: readonly Readonly<Record<string, unknown>>[],
): ReportResult {
  const groups = plan.mode === 'days' ? mergeDays(plan, docs) : docs;
  const truncated = groups.length > plan.limit;
  const rows: ReportRow[] = groups.slice(0, plan.limit).map((doc) => {
    const row: ReportRow = {};
    for (const d of plan.dimensions) {
      const value = scalar(doc[d.slot]);
      row[d.key] = d.granularity && typeof value === 'string' ? bucketLabel(value, d.granularity) : value;
    }
    for (const m of plan.measures) row[m.key] = scalar(doc[m.slot]);
    return row;
  });
  const def = widgetTypes.require(plan.type);
  const shaped = def.shape(plan, { columns: baseColumns(plan), rows });
  return {
    columns: shaped.columns,
    rows: shaped.rows,
    meta: {
      ...shaped.facts,
      widget: plan.widget,
      type: plan.type,
      rowCount: shaped.rows.length,
      truncated,
      timeZone: plan.timeZone,
    },
  };
}
