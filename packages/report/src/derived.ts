import { type CompiledFormula, compile, type FieldTypeMap, isFormulaError } from '@formloom/formula';
import { shiftBucket } from './buckets.js';
import type { PlannedDerived, ReportPlan, ReportRow, ShapeExtras } from './types.js';

type Scalar = ReportRow[string];

/** A key for the dimension values of a row (or of a target series' row): their JSON text, in order. */
export function dimensionsId(values: readonly Scalar[]): string {
  return JSON.stringify(values.map((v) => (v === undefined ? null : v)));
}

const asNumber = (value: Scalar | undefined): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;

/**
 * Compiles a formula measure over the measures before it (numbers, by key). Throws the formula package's
 * error when it does not compile; the compiler reports it as an issue.
 */
export function compileMeasureFormula(source: string, keys: readonly string[]): CompiledFormula {
  const types: Record<string, 'number'> = {};
  for (const key of keys) types[key] = 'number';
  return compile(source, types as FieldTypeMap, { maxSteps: 10_000 });
}

function applyFormula(d: Extract<PlannedDerived, { kind: 'formula' }>, plan: ReportPlan, rows: ReportRow[]) {
  const before = plan.order.slice(0, plan.order.indexOf(d.key));
  const formula = compileMeasureFormula(d.formula, before);
  for (const row of rows) {
    const scope: Record<string, unknown> = {};
    for (const key of formula.refs) scope[key] = asNumber(row[key]);
    try {
      const value = formula.evaluate(scope);
      row[d.key] = typeof value === 'number' && Number.isFinite(value) ? value : null;
    } catch (error) {
      // A row the formula cannot compute (a division by zero, an empty figure) has no value.
      if (!isFormulaError(error)) throw error;
      row[d.key] = null;
    }
  }
}

/** The date dimension a previous-period comparison steps back along: the first with a granularity. */
function dateDimension(plan: ReportPlan) {
  return plan.dimensions.findIndex((d) => d.granularity !== undefined);
}

function setComparison(
  d: Extract<PlannedDerived, { kind: 'previous' }>,
  row: ReportRow,
  previous: Scalar | undefined,
) {
  const prior = asNumber(previous ?? null);
  const current = asNumber(row[d.of]);
  row[d.key] = prior;
  row[d.deltaKey] = prior === null || current === null ? null : current - prior;
  row[d.changeKey] =
    prior === null || current === null || prior === 0 ? null : (current - prior) / Math.abs(prior);
}

function applyPrevious(
  d: Extract<PlannedDerived, { kind: 'previous' }>,
  plan: ReportPlan,
  rows: ReportRow[],
  previousRows: readonly ReportRow[] | undefined,
) {
  const keys = plan.dimensions.map((dim) => dim.key);
  const index = dateDimension(plan);
  if (index >= 0) {
    // Along a date dimension: the same other values one bucket earlier, among the widget's own groups.
    const dim = plan.dimensions[index];
    const byId = new Map(rows.map((row) => [dimensionsId(keys.map((k) => row[k] ?? null)), row]));
    // Buckets before the first one shown were filtered out (or never had records): unknown, not zero.
    let first: string | undefined;
    for (const row of rows) {
      const value = row[keys[index] as string];
      if (typeof value === 'string' && (first === undefined || value < first)) first = value;
    }
    for (const row of rows) {
      const values = keys.map((k) => row[k] ?? null);
      const bucket = values[index];
      const back =
        typeof bucket === 'string' && dim?.granularity ? shiftBucket(bucket, dim.granularity, -1) : undefined;
      if (back === undefined || first === undefined || back < first) {
        setComparison(d, row, null);
        continue;
      }
      values[index] = back;
      const prior = byId.get(dimensionsId(values));
      setComparison(d, row, prior ? (prior[d.of] ?? null) : emptyFigure(plan, d.of));
    }
    return;
  }
  // Without one: the widget's groups over the previous period (the query run again, periods one back).
  const byId = new Map(
    (previousRows ?? []).map((row) => [dimensionsId(keys.map((k) => row[k] ?? null)), row]),
  );
  for (const row of rows) {
    const prior = byId.get(dimensionsId(keys.map((k) => row[k] ?? null)));
    setComparison(d, row, prior ? (prior[d.of] ?? null) : emptyFigure(plan, d.of));
  }
}

/** A group with no records in a period has 0 for counts and sums, no value for the rest. */
function emptyFigure(plan: ReportPlan, key: string): Scalar {
  const measure = plan.measures.find((m) => m.key === key);
  if (!measure) return null;
  return measure.aggregate === 'count' || measure.aggregate === 'sum' || measure.aggregate === 'countDistinct'
    ? 0
    : null;
}

/**
 * Adds the derived measures to the rows, in the widget's order (a formula may use the derived measures
 * before it): formulas per row, percent of the total over every group, running totals in row order, the
 * previous period with its delta and change, and target series joined on the dimension values.
 */
export function applyDerived(
  plan: ReportPlan,
  rows: ReportRow[],
  extras: ShapeExtras & { previousRows?: readonly ReportRow[] },
): void {
  for (const d of plan.derived) {
    switch (d.kind) {
      case 'formula':
        applyFormula(d, plan, rows);
        break;
      case 'percentOfTotal': {
        let total = 0;
        for (const row of rows) total += asNumber(row[d.of]) ?? 0;
        for (const row of rows) {
          const value = asNumber(row[d.of]);
          row[d.key] = value === null || total === 0 ? null : value / total;
        }
        break;
      }
      case 'runningTotal': {
        let total = 0;
        for (const row of rows) {
          total += asNumber(row[d.of]) ?? 0;
          row[d.key] = total;
        }
        break;
      }
      case 'previous':
        applyPrevious(d, plan, rows, extras.previousRows);
        break;
      case 'target': {
        const series = extras.targets?.[d.key];
        const keys = plan.dimensions.map((dim) => dim.key);
        for (const row of rows) {
          const value = series?.get(dimensionsId(keys.map((k) => row[k] ?? null)));
          // A group without a target has none; the whole target of a widget without dimensions is 0 if empty.
          row[d.key] = value ?? (keys.length === 0 && series ? 0 : null);
        }
        break;
      }
    }
  }
}

/**
 * Indexes a target series' rows by their dimension values, for {@link ShapeExtras.targets}: `dimensionKeys`
 * are the series' dimension columns (matching the widget's, in order), `valueKey` its measure column.
 */
export function seriesIndex(
  rows: readonly ReportRow[],
  dimensionKeys: readonly string[],
  valueKey: string,
): Map<string, number | null> {
  const out = new Map<string, number | null>();
  for (const row of rows) {
    out.set(dimensionsId(dimensionKeys.map((k) => row[k] ?? null)), asNumber(row[valueKey] ?? null));
  }
  return out;
}
