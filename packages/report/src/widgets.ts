import { Registry } from '@formloom/schema';
import { applyForecast, checkForecastOptions, checkForecastPlan } from './forecast.js';
import { finishPart, type Group, mergePart, type Part } from './groups.js';
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
  /** The groups behind the rows, with parts that merge exactly (for subtotals); absent once reshaped. */
  groups?: readonly Group[];
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
  defaultSort(plan: PlanBase): PlannedSort[];
  /** Problems of the type-specific `options` (paths below `/options`). */
  checkOptions?(options: Readonly<Record<string, unknown>>): ReportIssue[];
  /** Problems of options that depend on the planned dimensions and measures. */
  checkPlan?(plan: Pick<ReportPlan, 'dimensions' | 'measures' | 'options'>): ReportIssue[];
  /** Turns the base rows (one per group, keyed by column key) into the widget's result. */
  shape(plan: ReportPlan, base: Shaped): Shaped;
}

/** What a default sort is chosen from. */
export type PlanBase = Pick<ReportPlan, 'dimensions' | 'measures'>;

const byDimensions = (plan: PlanBase): PlannedSort[] =>
  plan.dimensions.map((d) => ({ slot: d.slot, key: d.key, dir: 1 as const }));

const byFirstMeasureDesc = (plan: PlanBase): PlannedSort[] => {
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

/** Figures without dimensions: one row (shaping gives a figure over no records a row of empty figures). */
const single: WidgetTypeDef = {
  dimensions: { min: 0, max: 0 },
  maxMeasures: 20,
  defaultLimit: 1,
  defaultSort: () => [],
  shape: asIs,
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

/** True when a row's dimension value names the viewer (a member field or the owner). */
function isViewerRow(plan: ReportPlan, row: ReportRow): boolean {
  if (!plan.viewer) return false;
  return plan.dimensions.some(
    (d) =>
      (d.source.refersTo === 'member' || d.field === '_owner' || d.field === '_createdBy') &&
      typeof row[d.key] === 'string' &&
      (row[d.key] as string).toLowerCase() === plan.viewer,
  );
}

function shapeRanking(plan: ReportPlan, base: Shaped): Shaped {
  const by = plan.sort.find((key) => plan.order.includes(key.key)) ?? plan.sort[0];
  const ranked = by ? rankRows(base.rows, by.key) : base.rows.map((row, i) => ({ rank: i + 1, ...row }));
  const rows: ReportRow[] = ranked.map((row) => ({ ...row, viewer: isViewerRow(plan, row) }));
  const mine = rows.filter((row) => row.viewer).map((row) => row.rank);
  return {
    columns: [
      { key: 'rank', type: 'measure', derived: true, derivation: 'rank' },
      ...base.columns,
      { key: 'viewer', type: 'measure', derived: true, derivation: 'viewer' },
    ],
    rows,
    facts: { viewer: plan.viewer ?? null, viewerRank: mine[0] ?? null },
  };
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

const ratio = (a: unknown, b: unknown): number | null =>
  typeof a === 'number' && typeof b === 'number' && b !== 0 ? a / b : null;

/**
 * Funnel: rows in the order of `options.stages` (stages without records keep a row), other groups left out.
 * With `options.cumulative`, each stage counts everything that reached at least it — the records at it and
 * at every later stage — as over a "highest stage reached" field. `conversion` is each stage over the
 * previous one, `overall` over the first; `meta.overallConversion` is the last stage over the first.
 */
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
    if (plan.options.cumulative === true) {
      const additive = plan.measures.filter((m) => m.aggregate === 'count' || m.aggregate === 'sum');
      const totals = new Map<string, number>();
      for (let i = rows.length - 1; i >= 0; i -= 1) {
        const row = { ...(rows[i] as ReportRow) };
        for (const m of additive) {
          const total =
            (totals.get(m.key) ?? 0) + (typeof row[m.key] === 'number' ? (row[m.key] as number) : 0);
          totals.set(m.key, total);
          row[m.key] = total;
        }
        rows[i] = row;
      }
    }
  }
  const first = rows[0]?.[measure.key];
  const withConversion = rows.map((row, i) => ({
    ...row,
    conversion: i === 0 ? null : ratio(row[measure.key], rows[i - 1]?.[measure.key]),
    overall: ratio(row[measure.key], first),
  }));
  return {
    columns: [
      ...base.columns,
      { key: 'conversion', type: 'measure', derived: true, derivation: 'conversion', of: measure.key },
      { key: 'overall', type: 'measure', derived: true, derivation: 'overall', of: measure.key },
    ],
    rows: withConversion,
    facts: {
      stages: stages ?? rows.map((row) => row[dimension.key] ?? null),
      droppedGroups: dropped,
      cumulative: plan.options.cumulative === true,
      overallConversion: rows.length > 1 ? ratio(rows.at(-1)?.[measure.key], first) : null,
    },
  };
}

/**
 * Pivot: one row per value of the first dimension, one column per measure and value of the second, a
 * `<measure>:total` column per row, and `meta.pivot.totals` per column and overall. Subtotals merge the
 * groups' parts exactly (an average of all records, distinct values counted once), not the shown figures.
 */
function shapePivot(plan: ReportPlan, base: Shaped): Shaped {
  const [rowDim, colDim] = plan.dimensions;
  if (!rowDim || !colDim) return base;
  const across = new Map<string, number>();
  const values: ReportRow[string][] = [];
  const byRow = new Map<string, { row: ReportRow; totals: Part[] }>();
  const columnTotals = new Map<number, Part[]>();
  let grand: Part[] | undefined;
  const merge = (into: Part[] | undefined, parts: readonly Part[]) =>
    into
      ? into.map((part, i) => mergePart(plan.measures[i] as PlannedMeasure, part, parts[i] ?? null))
      : [...parts];
  base.rows.forEach((row, r) => {
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
      out = { row: { [rowDim.key]: down }, totals: [] };
      byRow.set(rowId, out);
    }
    for (const measure of plan.order) out.row[`${measure}:${index}`] = row[measure] ?? null;
    const parts = base.groups?.[r]?.parts;
    if (parts) {
      out.totals = merge(out.totals.length > 0 ? out.totals : undefined, parts);
      columnTotals.set(index, merge(columnTotals.get(index), parts));
      grand = merge(grand, parts);
    }
  });
  const columns: ReportColumn[] = base.columns.filter((c) => c.key === rowDim.key);
  const measureColumns = base.columns.filter((c) => c.type === 'measure');
  values.forEach((_value, index) => {
    for (const column of measureColumns)
      columns.push({ ...column, key: `${column.key}:${index}`, derived: true });
  });
  const totalled = base.groups !== undefined;
  if (totalled) {
    for (const measure of plan.measures) {
      const column = measureColumns.find((c) => c.key === measure.key);
      if (column)
        columns.push({ ...column, key: `${measure.key}:total`, derived: true, derivation: 'subtotal' });
    }
  }
  const figure = (parts: readonly Part[] | undefined, i: number) =>
    parts ? finishPart(parts[i] ?? null) : null;
  // Cells of combinations without records are empty figures, so every row has every column.
  const rows = [...byRow.values()].map(({ row, totals }) => {
    values.forEach((_value, index) => {
      for (const column of measureColumns) {
        const key = `${column.key}:${index}`;
        if (!Object.hasOwn(row, key)) {
          const measure = plan.measures.find((m) => m.key === column.key);
          row[key] = measure ? emptyValue(measure) : null;
        }
      }
    });
    if (totalled)
      plan.measures.forEach((m, i) => {
        row[`${m.key}:total`] = figure(totals, i);
      });
    return row;
  });
  const totals: Record<string, ReportRow[string]> = {};
  if (totalled) {
    plan.measures.forEach((m, i) => {
      values.forEach((_value, index) => {
        totals[`${m.key}:${index}`] = figure(columnTotals.get(index), i);
      });
      totals[`${m.key}:total`] = figure(grand, i);
    });
  }
  return { columns, rows, facts: { pivot: { rows: rowDim.key, columns: colDim.key, values, totals } } };
}

/** A line may be extended by a forecast. */
const line: WidgetTypeDef = {
  ...chart,
  checkOptions: checkForecastOptions,
  checkPlan: checkForecastPlan,
  shape: (plan, base) => applyForecast(plan, base.columns, base.rows),
};

/** The registry of widget types: how each is queried and shaped. */
export const widgetTypes = new Registry<WidgetTypeDef>('widget type')
  .register('kpi', single)
  .register('gauge', {
    ...single,
    maxMeasures: 1,
    checkOptions: (o) => [...numberOption(o, 'min'), ...numberOption(o, 'max'), ...numberOption(o, 'target')],
    shape(plan, base) {
      const shaped = base;
      const bounds: Record<string, unknown> = {};
      for (const name of ['min', 'max', 'target'])
        if (typeof plan.options[name] === 'number') bounds[name] = plan.options[name];
      return { ...shaped, facts: bounds };
    },
  })
  .register('bar', chart)
  .register('line', line)
  .register('pie', { ...chart, dimensions: { min: 1, max: 1 } })
  // A table without dimensions is one row of figures, like a kpi.
  .register('table', {
    ...chart,
    dimensions: { min: 0, max: 5 },
    shape: asIs,
  })
  .register('ranking', {
    dimensions: { min: 1, max: 2 },
    maxMeasures: 20,
    defaultLimit: 10,
    defaultSort: byFirstMeasureDesc,
    shape: shapeRanking,
  })
  .register('funnel', {
    dimensions: { min: 1, max: 1 },
    maxMeasures: 20,
    defaultLimit: 1000,
    defaultSort: byFirstMeasureDesc,
    checkOptions(options) {
      const issues: ReportIssue[] = [];
      const stages = options.stages;
      const ok =
        stages === undefined ||
        (Array.isArray(stages) &&
          stages.length > 0 &&
          stages.length <= 100 &&
          stages.every((s) => typeof s === 'string' || typeof s === 'number' || typeof s === 'boolean'));
      if (!ok) {
        issues.push({
          code: 'report.option',
          path: '/options/stages',
          params: { option: 'stages', expected: 'list of values' },
        });
      }
      const cumulative = options.cumulative;
      if (cumulative !== undefined && typeof cumulative !== 'boolean') {
        issues.push({
          code: 'report.option',
          path: '/options/cumulative',
          params: { option: 'cumulative', expected: 'true or false' },
        });
      } else if (cumulative === true && stages === undefined) {
        issues.push({
          code: 'report.option',
          path: '/options/stages',
          params: { option: 'stages', expected: 'list of values in stage order (cumulative needs it)' },
        });
      }
      return issues;
    },
    shape: shapeFunnel,
  })
  .register('pivot', { ...chart, dimensions: { min: 2, max: 2 }, defaultLimit: 10_000, shape: shapePivot });

/** The definition of a widget type, if one is registered. */
export function widgetType(type: WidgetType): WidgetTypeDef | undefined {
  return widgetTypes.get(type);
}
