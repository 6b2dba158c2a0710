/**
 * @formloom/report — report widgets without I/O: a widget spec becomes a MongoDB aggregation pipeline over
 * the records collection (the caller's access-scoped `$match` first), and the pipeline's answer becomes
 * `{ columns, rows, meta }` shaped for the widget type (kpi, gauge, bar, line, pie, table, ranking, funnel,
 * pivot), with derived measures (formulas, percent of total, running totals, the previous period, target
 * series), forecasts, drill-down and the record filter behind a cell.
 */
export { bucketDays, bucketLabel, bucketStartOfDay, localMidnight, shiftBucket } from './buckets.js';
export {
  type CompileReportOptions,
  type CompileReportResult,
  compileReport,
  planDimension,
} from './compile.js';
export { dimensionsId, seriesIndex } from './derived.js';
export {
  cellConditions,
  type DrillResult,
  drillWidget,
  type FilterCondition,
  rowCell,
  valueConditions,
} from './drill.js';
export { MAX_FORECAST_PERIODS } from './forecast.js';
export { compareValues } from './groups.js';
export { describeReportIssue } from './messages.js';
export { buildPipeline } from './pipeline.js';
export { shapeReport } from './shape.js';
export type {
  Aggregate,
  DimensionCut,
  Granularity,
  PipelineStage,
  PlannedDerived,
  PlannedDimension,
  PlannedMeasure,
  PlannedSort,
  ReportColumn,
  ReportField,
  ReportFieldKind,
  ReportIssue,
  ReportIssueCode,
  ReportMeta,
  ReportPlan,
  ReportQuery,
  ReportResult,
  ReportRow,
  ShapeExtras,
  WidgetType,
} from './types.js';
export { type PlanBase, type Shaped, type WidgetTypeDef, widgetType, widgetTypes } from './widgets.js';
