import type { AGGREGATES, LocalizedText, PERIOD_UNITS, ValueKind, WIDGET_TYPES } from '@formloom/schema';

/** One of the widget types of the meta-model. */
export type WidgetType = (typeof WIDGET_TYPES)[number];

/** One of the aggregates a measure applies. */
export type Aggregate = (typeof AGGREGATES)[number];

/** A calendar unit date dimensions are bucketed by. */
export type Granularity = (typeof PERIOD_UNITS)[number];

/** How a field's stored value behaves in a report: the schema package's {@link ValueKind}, as filters use it. */
export type ReportFieldKind = ValueKind;

/** A field a widget may name: where its value is stored and how it behaves. */
export interface ReportField {
  /** The stored document path, e.g. `data.amount` or `owner`. */
  path: string;
  kind: ReportFieldKind;
  /** True when the stored value is an array of `kind` values (multiselect, multi member...). */
  multiple?: boolean;
  /** The field's label, used for a column that has none of its own. */
  label?: LocalizedText;
}

/** Codes of the problems {@link compileReport} finds in a widget that passed the meta-model schema. */
export type ReportIssueCode =
  /** The widget names a field the caller may not name (unknown, removed or hidden from the caller). */
  | 'report.unknownField'
  /** The aggregate does not apply to the field's kind (`params.aggregate`, `params.kind`). */
  | 'report.aggregateKind'
  /** Grouping by a field of this kind is not possible (`params.kind`). */
  | 'report.dimensionKind'
  /** `granularity` on a field that is not a date (`params.kind`). */
  | 'report.granularityKind'
  /** A sort names no column of the widget (`params.by`). */
  | 'report.unknownSort'
  /** The widget type needs another number of dimensions or measures (`params.min`, `params.max`). */
  | 'report.dimensionCount'
  | 'report.measureCount'
  /** A widget type option has the wrong shape (`params.option`, `params.expected`). */
  | 'report.option'
  /** The widget type has no report shape registered. */
  | 'report.widgetType';

/** A problem of a widget, as data: the server and the browser word it from the code. */
export interface ReportIssue {
  code: ReportIssueCode;
  /** JSON pointer into the widget. */
  path: string;
  params: Record<string, string | number | boolean>;
}

/** A column of a report result. Derived columns (rank, conversion) are measures the report computed. */
export interface ReportColumn {
  key: string;
  label?: LocalizedText;
  type: 'dimension' | 'measure';
  /** The field the column groups by or aggregates (absent for a plain count and derived columns). */
  field?: string;
  aggregate?: Aggregate;
  granularity?: Granularity;
  /** True for columns the report computed from other columns (rank, conversion, pivot cells). */
  derived?: boolean;
}

/** A row of a report result, keyed by column key. */
export type ReportRow = Record<string, string | number | boolean | null>;

/** What a report query answers (API.md, `POST /workspaces/:ws/reports/query`). */
export interface ReportResult {
  columns: ReportColumn[];
  rows: ReportRow[];
  meta: ReportMeta;
}

/** Facts about a report result beside its rows. */
export interface ReportMeta {
  widget: string;
  type: WidgetType;
  /** Rows returned. */
  rowCount: number;
  /** True when more groups matched than the widget's limit allowed (the rest were left out). */
  truncated: boolean;
  /** IANA zone date buckets were counted in. */
  timeZone: string;
  /** Type-specific facts: funnel stages, gauge bounds, pivot columns. */
  [fact: string]: unknown;
}

/** One grouping of the compiled widget. */
export interface PlannedDimension {
  /** Column key in the result. */
  key: string;
  /** Name inside the pipeline (`d0`, `d1`...), never a user string. */
  slot: string;
  field: string;
  source: ReportField;
  granularity?: Granularity;
  label?: LocalizedText;
}

/** One measure of the compiled widget. */
export interface PlannedMeasure {
  key: string;
  /** Name inside the pipeline (`m0`, `m1`...). */
  slot: string;
  aggregate: Aggregate;
  field?: string;
  source?: ReportField;
  label?: LocalizedText;
}

/** A sort key of the compiled widget, by pipeline slot. */
export interface PlannedSort {
  slot: string;
  key: string;
  dir: 1 | -1;
}

/** Everything shaping needs to know about a compiled widget. */
export interface ReportPlan {
  widget: string;
  type: WidgetType;
  dimensions: PlannedDimension[];
  measures: PlannedMeasure[];
  sort: PlannedSort[];
  /** Most groups the result holds; the pipeline asks for one more to detect truncation. */
  limit: number;
  timeZone: string;
  /** The widget's type-specific options (validated by the widget type). */
  options: Readonly<Record<string, unknown>>;
  /**
   * How the pipeline groups: `plain` by a stored value with path accumulators (the embedded store runs it
   * as a generated loop), `days` by a calendar date's day with the buckets merged in shaping, `expression`
   * with computed group keys (date buckets, several dimensions, distinct counts).
   */
  mode: PipelineMode;
}

/** See {@link ReportPlan.mode}. */
export type PipelineMode = 'plain' | 'days' | 'expression';

/** A MongoDB aggregation stage produced by the compiler: plain data. */
export type PipelineStage = Record<string, unknown>;

/** A compiled widget: the pipeline to run over the records collection, and the plan to shape its output. */
export interface ReportQuery {
  pipeline: PipelineStage[];
  plan: ReportPlan;
}
