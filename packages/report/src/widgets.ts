import { Registry } from '@formloom/schema';
import type {
  PlannedMeasure,
  PlannedSort,
  ReportColumn,
  ReportIssue,
  ReportPlan,
  ReportRow,
  WidgetType,
} from './types.js';

/** A widget's rows and columns after its type shaped them, with type-specific facts for `meta`. */
export interface Shaped {
  columns: ReportColumn[];
  rows: ReportRow[];
  facts?: Record<string, unknown>;
}

/** How one widget type is queried and shaped; registered once per type in {@link widgetTypes}. */
export interface WidgetTypeDef {
  /** Allowed number of dimensions. */
  dimensions: { min: number; max: number };
  /** Most measures (a widget without measures counts records). */
  maxMeasures: number;
  /** Groups returned when the widget sets no `limit`. */
  defaultLimit: number;
  /** Sort used when the widget sets none. */
  defaultSort(plan: Omit<ReportPlan, 'sort' | 'mode'>): PlannedSort[];
  /** Problems of the type-specific `options` (paths below `/options`). */
  checkOptions?(options: Readonly<Record<string, unknown>>): ReportIssue[];
  /** Turns the base rows (one per group, keyed by column key) into the widget's result. */
  shape(plan: ReportPlan, base: Shaped): Shaped;
}

const byDimensions = (plan: Omit<ReportPlan, 'sort' | 'mode'>): PlannedSort[] =>
  plan.dimensions.map((d) => ({ slot: d.slot, key: d.key, dir: 1 as const }));

const byFirstMeasureDesc = (plan: Omit<ReportPlan, 'sort' | 'mode'>): PlannedSort[] => {
  const first = plan.measures[0];
  return first ? [{ slot: first.slot, key: first.key, dir: -1 }] : [];
};

/** Groups with no records still have a figure: counts are 0, sums 0, the rest have no value. */
function emptyValue(measure: PlannedMeasure): number | null {
  return measure.aggregate === 'count' || measure.aggregate === 'countDistinct' || measure.aggregate === 'sum'
    ? 0
    : null;
}

const asIs = (_plan: ReportPlan, base: Shaped): Shaped => base;

const single: WidgetTypeDef = {
  dimensions: { min: 0, max: 0 },
  maxMeasures: 20,
  defaultLimit: 1,
  defaultSort: () => [],
  // An aggregation over no records yields no group; a figure over nothing is still one row.
  shape(plan, base) {
    if (base.rows.length > 0) return base;
    const row: ReportRow = {};
    for (const measure of plan.measures) row[measure.key] = emptyValue(measure);
    return { ...base, rows: [row] };
  },
};

const chart: WidgetTypeDef = {
  dimensions: { min: 1, max: 2 },
  maxMeasures: 20,
  defaultLimit: 1000,
  defaultSort: byDimensions,
  shape: asIs,
};

function numberOption(options: Readonly<Record<string, unknown>>, name: string): ReportIssue[] {
  const value = options[name];
  return value === undefined || (typeof value === 'number' && Number.isFinite(value))
    ? []
    : [{ code: 'report.option', path: `/options/${name}`, params: { option: name, expected: 'number' } }];
}

/** Competition ranking ("1224"): equal values share a rank, the next rank skips. */
function rankRows(rows: readonly ReportRow[], key: string): ReportRow[] {
  let rank = 0;
  let previous: unknown;
  return rows.map((row, i) => {
    const value = row[key] ?? null;
    if (i === 0 || value !== previous) rank = i + 1;
    previous = value;
    return { rank, ...row };
  });
}

function stagesOf(options: Readonly<Record<string, unknown>>): unknown[] | undefined {
  const stages = options.stages;
  return Array.isArray(stages) ? stages : undefined;
}

/** The stage a group value belongs to: equal, or equal as text (a number stage against a text field). */
function stageIndex(stages: readonly unknown[], value: unknown): number {
  const exact = stages.indexOf(value);
  return exact >= 0 ? exact : stages.findIndex((stage) => String(stage) === String(value));
}

function shapeFunnel(plan: ReportPlan, base: Shaped): Shaped {
  const dimension = plan.dimensions[0];
  const measure = plan.measures[0];
  if (!dimension || !measure) return base;
  const stages = stagesOf(plan.options);
  let rows = base.rows;
  let dropped = 0;
  if (stages) {
    // Stages without records still appear (with an empty figure); groups outside the stages do not.
    const ordered: ReportRow[] = stages.map((stage) => {
      const row: ReportRow = { [dimension.key]: stage as ReportRow[string] };
      for (const m of plan.measures) row[m.key] = emptyValue(m);
      return row;
    });
    for (const row of rows) {
      const index = stageIndex(stages, row[dimension.key]);
      if (index < 0) dropped += 1;
      else ordered[index] = { ...row, [dimension.key]: stages[index] as ReportRow[string] };
    }
    rows = ordered;
  }
  let previous: number | null = null;
  const withConversion = rows.map((row, i) => {
    const value = row[measure.key];
    const current = typeof value === 'number' ? value : null;
    const conversion =
      i === 0 || previous === null || previous === 0 || current === null ? null : current / previous;
    previous = current;
    return { ...row, conversion };
  });
  return {
    columns: [...base.columns, { key: 'conversion', type: 'measure', derived: true }],
    rows: withConversion,
    facts: { stages: stages ?? rows.map((row) => row[dimension.key] ?? null), droppedGroups: dropped },
  };
}

/** Pivot: one row per value of the first dimension, one column per measure and value of the second. */
function shapePivot(plan: ReportPlan, base: Shaped): Shaped {
  const [rowDim, colDim] = plan.dimensions;
  if (!rowDim || !colDim) return base;
  const across = new Map<string, number>();
  const values: ReportRow[string][] = [];
  const byRow = new Map<string, ReportRow>();
  for (const row of base.rows) {
    const value = row[colDim.key] ?? null;
    const id = JSON.stringify(value);
    let index = across.get(id);
    if (index === undefined) {
      index = values.length;
      across.set(id, index);
      values.push(value);
    }
    const down = row[rowDim.key] ?? null;
    const rowId = JSON.stringify(down);
    let out = byRow.get(rowId);
    if (!out) {
      out = { [rowDim.key]: down };
      byRow.set(rowId, out);
    }
    for (const measure of plan.measures) out[`${measure.key}:${index}`] = row[measure.key] ?? null;
  }
  const columns: ReportColumn[] = base.columns.filter((c) => c.key === rowDim.key);
  values.forEach((_value, index) => {
    for (const measure of plan.measures) {
      const column: ReportColumn = {
        key: `${measure.key}:${index}`,
        type: 'measure',
        aggregate: measure.aggregate,
        derived: true,
      };
      if (measure.field) column.field = measure.field;
      if (measure.label) column.label = measure.label;
      columns.push(column);
    }
  });
  // Cells of combinations without records are empty figures, so every row has every column.
  const rows = [...byRow.values()].map((row) => {
    values.forEach((_value, index) => {
      for (const measure of plan.measures) {
        const key = `${measure.key}:${index}`;
        if (!Object.hasOwn(row, key)) row[key] = emptyValue(measure);
      }
    });
    return row;
  });
  return { columns, rows, facts: { pivot: { rows: rowDim.key, columns: colDim.key, values } } };
}

/** The registry of widget types: how each is queried and shaped. */
export const widgetTypes = new Registry<WidgetTypeDef>('widget type')
  .register('kpi', single)
  .register('gauge', {
    ...single,
    maxMeasures: 1,
    checkOptions: (o) => [...numberOption(o, 'min'), ...numberOption(o, 'max'), ...numberOption(o, 'target')],
    shape(plan, base) {
      const shaped = single.shape(plan, base);
      const bounds: Record<string, unknown> = {};
      for (const name of ['min', 'max', 'target'])
        if (typeof plan.options[name] === 'number') bounds[name] = plan.options[name];
      return { ...shaped, facts: bounds };
    },
  })
  .register('bar', chart)
  .register('line', chart)
  .register('pie', { ...chart, dimensions: { min: 1, max: 1 } })
  // A table without dimensions is one row of figures, like a kpi.
  .register('table', {
    ...chart,
    dimensions: { min: 0, max: 5 },
    shape: (plan, base) => (plan.dimensions.length === 0 ? single.shape(plan, base) : base),
  })
  .register('ranking', {
    dimensions: { min: 1, max: 2 },
    maxMeasures: 20,
    defaultLimit: 10,
    defaultSort: byFirstMeasureDesc,
    shape(plan, base) {
      const by = plan.sort.find((key) => plan.measures.some((m) => m.key === key.key)) ?? plan.sort[0];
      return {
        columns: [{ key: 'rank', type: 'measure', derived: true }, ...base.columns],
        rows: by ? rankRows(base.rows, by.key) : base.rows.map((row, i) => ({ rank: i + 1, ...row })),
      };
    },
  })
  .register('funnel', {
    dimensions: { min: 1, max: 1 },
    maxMeasures: 20,
    defaultLimit: 1000,
    defaultSort: byFirstMeasureDesc,
    checkOptions(options) {
      const stages = options.stages;
      if (stages === undefined) return [];
      const ok =
        Array.isArray(stages) &&
        stages.length > 0 &&
        stages.length <= 100 &&
        stages.every((s) => typeof s === 'string' || typeof s === 'number' || typeof s === 'boolean');
      return ok
        ? []
        : [
            {
              code: 'report.option',
              path: '/options/stages',
              params: { option: 'stages', expected: 'list of values' },
            },
          ];
    },
    shape: shapeFunnel,
  })
  .register('pivot', { ...chart, dimensions: { min: 2, max: 2 }, defaultLimit: 10_000, shape: shapePivot });

/** The definition of a widget type, if one is registered. */
export function widgetType(type: WidgetType): WidgetTypeDef | undefined {
  return widgetTypes.get(type);
}
