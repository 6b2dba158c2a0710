import type {
  AGGREGATES,
  LocalizedText,
  PERIOD_UNITS,
  TargetSeries,
  ValueKind,
  WIDGET_TYPES,
} from '@formloom/schema';

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
  /** For ids: what they name (a ranking marks the viewer's own row). */
  refersTo?: 'member' | 'department';
  /**
   * For a subform column: the stored path of the subform's rows (`data.items`). A widget naming one counts
   * one row per subform row, the record's own fields repeated on each.
   */
  unwind?: string;
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
  | 'report.widgetType'
  /** A measure sets none or several of aggregate, formula, percentOfTotal... (`params.kinds`). */
  | 'report.measureKind'
  /** A derived measure names no measure of the widget before it (`params.measure`). */
  | 'report.unknownMeasure'
  /** A formula measure does not compile over the widget's measures (`params.message`). */
  | 'report.formula'
  /** percentOfTotal / runningTotal of a measure that does not add up (`params.aggregate`). */
  | 'report.notAdditive'
  /** `previous` needs a date dimension with a granularity, or a `$period` filter to step back from. */
  | 'report.previousPeriod'
  /** The widget names columns of two different subforms (`params.field`). */
  | 'report.subformMix'
  /** A drill-down path that does not fit the widget's levels (`params.levels`). */
  | 'report.drill';

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
  /** How a derived column was made (`formula`, `percentOfTotal`, `runningTotal`, `previous`, `delta`, `change`, `target`, `forecast`...). */
  derivation?: string;
  /** The measure a derived column is computed from. */
  of?: string;
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

/**
 * How a dimension's group key becomes its row value: as it is (`value`; ids and dates as text), a local day
 * `YYYY-MM-DD` cut into the granularity's bucket in shaping (`day`), or the bucket's first day (`start`).
 */
export type DimensionCut = 'value' | 'day' | 'start';

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
  cut: DimensionCut;
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

/** A measure computed in shaping from other measures of the row, or joined from another query. */
export type PlannedDerived =
  | { kind: 'formula'; key: string; label?: LocalizedText; formula: string }
  | { kind: 'percentOfTotal' | 'runningTotal'; key: string; label?: LocalizedText; of: string }
  | {
      kind: 'previous';
      key: string;
      label?: LocalizedText;
      of: string;
      /** Column keys of the difference and the relative change. */
      deltaKey: string;
      changeKey: string;
    }
  | { kind: 'target'; key: string; label?: LocalizedText; target: TargetSeries };

/** A sort key of the compiled widget: a pipeline slot, or a derived column (slot = its key). */
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
  /** Measures the pipeline aggregates. */
  measures: PlannedMeasure[];
  /** Measures computed in shaping (formula, percent of total, running total, previous period, target). */
  derived: PlannedDerived[];
  /** Keys of every measure column in the widget's order (aggregated and derived). */
  order: string[];
  sort: PlannedSort[];
  /** Most groups the result holds; the pipeline asks for one more to detect truncation. */
  limit: number;
  timeZone: string;
  /** The widget's type-specific options (validated by the widget type). */
  options: Readonly<Record<string, unknown>>;
  /**
   * True when groups the pipeline answers are cut into coarser buckets in shaping (a month of calendar
   * dates, a quarter of date-times): groups then merge, and shaping sorts and limits.
   */
  merge: boolean;
  /** True when the pipeline sorts and limits itself (the sort needs no shaping-only value, nothing merges). */
  sortInPipeline: boolean;
  /** The subform rows the report counts, one per row (`data.items`), when it names subform columns. */
  unwind?: string;
  /** True when a `previous` measure needs the widget run again over the previous period (no date dimension). */
  previousQuery: boolean;
  /** The caller's user id (hex), to mark their row in a ranking. */
  viewer?: string;
}

/** Results of other queries that shaping joins in: the previous period's groups and target series. */
export interface ShapeExtras {
  /** The pipeline's answer for the previous period (see {@link ReportPlan.previousQuery}). */
  previous?: readonly Readonly<Record<string, unknown>>[];
  /** Per target measure key: its values by the JSON text of the dimension values (see `seriesIndex`). */
  targets?: Readonly<Record<string, ReadonlyMap<string, number | null>>>;
}

/** A MongoDB aggregation stage produced by the compiler: plain data. */
export type PipelineStage = Record<string, unknown>;

/** A compiled widget: the pipeline to run over the records collection, and the plan to shape its output. */
export interface ReportQuery {
  pipeline: PipelineStage[];
  plan: ReportPlan;
}
