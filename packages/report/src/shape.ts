import { applyDerived } from './derived.js';
import { type Group, groupRow, sortRows, toGroups } from './groups.js';
import type {
  PlannedDerived,
  ReportColumn,
  ReportPlan,
  ReportResult,
  ReportRow,
  ShapeExtras,
} from './types.js';
import { widgetTypes } from './widgets.js';

export { bucketLabel } from './buckets.js';

function derivedColumns(d: PlannedDerived): ReportColumn[] {
  const label = d.label ? { label: d.label } : {};
  switch (d.kind) {
    case 'formula':
      return [{ key: d.key, type: 'measure', derived: true, derivation: 'formula', ...label }];
    case 'percentOfTotal':
    case 'runningTotal':
      return [{ key: d.key, type: 'measure', derived: true, derivation: d.kind, of: d.of, ...label }];
    case 'previous':
      return [
        { key: d.key, type: 'measure', derived: true, derivation: 'previous', of: d.of, ...label },
        { key: d.deltaKey, type: 'measure', derived: true, derivation: 'delta', of: d.of },
        { key: d.changeKey, type: 'measure', derived: true, derivation: 'change', of: d.of },
      ];
    case 'target':
      return [
        {
          key: d.key,
          type: 'measure',
          derived: true,
          derivation: 'target',
          aggregate: d.target.aggregate,
          ...(d.target.field ? { field: d.target.field } : {}),
          ...label,
        },
      ];
  }
}

/** The result's columns: dimensions, then measures in the widget's order (derived ones with their extras). */
function baseColumns(plan: ReportPlan): ReportColumn[] {
  const columns: ReportColumn[] = [];
  for (const d of plan.dimensions) {
    const column: ReportColumn = { key: d.key, type: 'dimension', field: d.field };
    if (d.label) column.label = d.label;
    if (d.granularity) column.granularity = d.granularity;
    columns.push(column);
  }
  for (const key of plan.order) {
    const m = plan.measures.find((x) => x.key === key);
    if (m) {
      const column: ReportColumn = { key: m.key, type: 'measure', aggregate: m.aggregate };
      if (m.field) column.field = m.field;
      if (m.label) column.label = m.label;
      columns.push(column);
      continue;
    }
    const d = plan.derived.find((x) => x.key === key);
    if (d) columns.push(...derivedColumns(d));
  }
  return columns;
}

/** Rows of the groups, sorted by the widget's sort (groups re-ordered alongside). */
function sortedRows(plan: ReportPlan, groups: Group[]): { rows: ReportRow[]; groups: Group[] } {
  const entries = groups.map((group) => ({ group, row: groupRow(plan, group) }));
  const byRow = new Map(entries.map((e) => [e.row, e.group]));
  const rows = sortRows(
    plan,
    entries.map((e) => e.row),
  );
  return { rows, groups: rows.map((row) => byRow.get(row) as Group) };
}

/**
 * Shapes the documents the pipeline of {@link compileReport} answered into the widget's result: rows keyed
 * by column key (never by pipeline slot), date buckets as labels (days merged into coarser buckets), sorted,
 * derived measures added (previous period and target series from `extras`), at most `limit` rows
 * (`meta.truncated` says when there were more), then the widget type's own shaping (rank, funnel order and
 * conversion, pivot, forecast...).
 */
export function shapeReport(
  plan: ReportPlan,
  docs: readonly Readonly<Record<string, unknown>>[],
  extras: ShapeExtras = {},
): ReportResult {
  let groups = toGroups(plan, docs);
  // A figure over no records is still one row (counts and sums 0, the rest empty).
  if (plan.dimensions.length === 0 && groups.length === 0)
    groups = [
      {
        labels: [],
        parts: plan.measures.map((m) =>
          m.aggregate === 'count' || m.aggregate === 'sum'
            ? 0
            : m.aggregate === 'countDistinct'
              ? new Map()
              : m.aggregate === 'avg'
                ? { sum: 0, n: 0 }
                : null,
        ),
      },
    ];
  const sorted = sortedRows(plan, groups);
  const previousRows =
    plan.previousQuery && extras.previous
      ? toGroups(plan, extras.previous).map((group) => groupRow(plan, group))
      : undefined;
  applyDerived(plan, sorted.rows, { ...extras, ...(previousRows ? { previousRows } : {}) });
  const truncated = sorted.rows.length > plan.limit;
  const rows = sorted.rows.slice(0, plan.limit);
  const def = widgetTypes.require(plan.type);
  const shaped = def.shape(plan, {
    columns: baseColumns(plan),
    rows,
    groups: sorted.groups.slice(0, plan.limit),
  });
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
