/**
 * @formloom/report — report widgets without I/O: a widget spec becomes a MongoDB aggregation pipeline over
 * the records collection (the caller's access-scoped `$match` first), and the pipeline's answer becomes
 * `{ columns, rows, meta }` shaped for the widget type (kpi, gauge, bar, line, pie, table, ranking, funnel,
 * pivot).
 */
export { type CompileReportOptions, type CompileReportResult, compileReport } from './compile.js';
export { describeReportIssue } from './messages.js';
export { buildPipeline } from './pipeline.js';
export { bucketLabel, shapeReport } from './shape.js';
export type {
  Aggregate,
  Granularity,
  PipelineStage,
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
  WidgetType,
} from './types.js';
export { type Shaped, type WidgetTypeDef, widgetType, widgetTypes } from './widgets.js';
