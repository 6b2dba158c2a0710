import { compile } from '@formloom/formula';
import { shiftBucket } from './buckets.js';
import type { ReportColumn, ReportIssue, ReportPlan, ReportRow } from './types.js';

/** Most periods a forecast may extend a series by. */
export const MAX_FORECAST_PERIODS = 60;
const DEFAULT_FORECAST_PERIODS = 3;

// The formula package's FORECAST.LINEAR (least squares, as Excel), so charts and formulas agree.
const forecastLinear = compile('FORECAST.LINEAR(x, ys, xs)', { x: 'number', ys: 'number[]', xs: 'number[]' });

/** Checks `options.forecast` and `options.forecastPeriods`. */
export function checkForecastOptions(options: Readonly<Record<string, unknown>>): ReportIssue[] {
  const issues: ReportIssue[] = [];
  if (options.forecast !== undefined && options.forecast !== 'linear') {
    issues.push({
      code: 'report.option',
      path: '/options/forecast',
      params: { option: 'forecast', expected: '"linear"' },
    });
  }
  const periods = options.forecastPeriods;
  if (
    periods !== undefined &&
    !(
      typeof periods === 'number' &&
      Number.isInteger(periods) &&
      periods >= 1 &&
      periods <= MAX_FORECAST_PERIODS
    )
  ) {
    issues.push({
      code: 'report.option',
      path: '/options/forecastPeriods',
      params: { option: 'forecastPeriods', expected: `whole number from 1 to ${MAX_FORECAST_PERIODS}` },
    });
  }
  return issues;
}

/** A forecast needs exactly one dimension, a date with a granularity (a time series). */
export function checkForecastPlan(plan: Pick<ReportPlan, 'dimensions' | 'options'>): ReportIssue[] {
  if (plan.options.forecast === undefined) return [];
  const [only, ...more] = plan.dimensions;
  return only?.granularity && more.length === 0
    ? []
    : [
        {
          code: 'report.option',
          path: '/options/forecast',
          params: { option: 'forecast', expected: 'one date dimension with a granularity' },
        },
      ];
}

/**
 * Extends a date series by `options.forecastPeriods` buckets (default 3) on the least-squares line of each
 * numeric measure over bucket positions (a bucket without a row still counts as a position, so gaps keep
 * the time scale). Each measure gets a `<key>_forecast` column: empty on past buckets except the last (so a
 * chart's dashed line starts where the solid one ends), the fitted value on future ones, which are marked
 * `forecast: true` and carry no actual figure.
 */
export function applyForecast(
  plan: ReportPlan,
  columns: ReportColumn[],
  rows: ReportRow[],
): { columns: ReportColumn[]; rows: ReportRow[]; facts?: Record<string, unknown> } {
  const dimension = plan.dimensions[0];
  if (plan.options.forecast !== 'linear' || !dimension?.granularity) return { columns, rows };
  const granularity = dimension.granularity;
  const periods =
    typeof plan.options.forecastPeriods === 'number'
      ? plan.options.forecastPeriods
      : DEFAULT_FORECAST_PERIODS;
  const dated = rows.filter((row) => typeof row[dimension.key] === 'string');
  const first = dated[0]?.[dimension.key] as string | undefined;
  const last = dated.at(-1)?.[dimension.key] as string | undefined;
  if (!first || !last) return { columns, rows, facts: { forecast: { periods: 0 } } };
  // Positions: buckets after the first one.
  const position = new Map<string, number>();
  let label: string | undefined = first;
  for (let i = 0; label !== undefined && label <= last && i < 100_000; i += 1) {
    position.set(label, i);
    label = shiftBucket(label, granularity, 1);
  }
  const lastPosition = position.get(last) ?? 0;
  const numeric = columns.filter(
    (c) =>
      c.type === 'measure' && plan.order.includes(c.key) && rows.some((r) => typeof r[c.key] === 'number'),
  );
  const future: ReportRow[] = [];
  for (let n = 1; n <= periods; n += 1) {
    const row: ReportRow = { [dimension.key]: shiftBucket(last, granularity, n) ?? null, forecast: true };
    for (const c of columns) if (c.type === 'measure') row[c.key] = null;
    future.push(row);
  }
  const fits: Record<string, { points: number }> = {};
  const out = rows.map((row) => ({ ...row, forecast: false }) as ReportRow);
  for (const column of numeric) {
    const key = `${column.key}_forecast`;
    const xs: number[] = [];
    const ys: number[] = [];
    for (const row of dated) {
      const y = row[column.key];
      const x = position.get(row[dimension.key] as string);
      if (typeof y === 'number' && x !== undefined) {
        xs.push(x);
        ys.push(y);
      }
    }
    for (const row of out) row[key] = row[dimension.key] === last ? (row[column.key] ?? null) : null;
    future.forEach((row, i) => {
      row[key] = xs.length >= 2 ? fitted(lastPosition + i + 1, ys, xs) : null;
    });
    fits[column.key] = { points: xs.length };
  }
  const added: ReportColumn[] = numeric.map((c) => ({
    key: `${c.key}_forecast`,
    type: 'measure',
    derived: true,
    derivation: 'forecast',
    of: c.key,
    ...(c.label ? { label: c.label } : {}),
  }));
  return {
    columns: [
      ...columns,
      ...added,
      { key: 'forecast', type: 'measure', derived: true, derivation: 'forecastFlag' },
    ],
    rows: [...out, ...future],
    facts: { forecast: { method: 'linear', periods, fits } },
  };
}

function fitted(x: number, ys: number[], xs: number[]): number | null {
  try {
    const value = forecastLinear.evaluate({ x, ys, xs });
    return typeof value === 'number' ? value : null;
  } catch {
    // All points at one position, or a flat line with no spread: no line to extend.
    return null;
  }
}
