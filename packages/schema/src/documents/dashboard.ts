import { type Static, Type } from 'typebox';
import { Formula, JsonValue, Key, LocalizedText } from '../common.js';
import { Filter, FilterField, PERIOD_UNITS } from '../filter.js';

/** Widget types; the report package registers how each is queried and shaped. */
export const WIDGET_TYPES = [
  'kpi',
  'bar',
  'line',
  'pie',
  'table',
  'funnel',
  'ranking',
  'pivot',
  'gauge',
] as const;

/** Aggregates a measure (or a rollup) can apply. */
export const AGGREGATES = ['sum', 'count', 'avg', 'min', 'max', 'countDistinct'] as const;

/** A grouping of the widget's records: by a field, dates bucketed by `granularity`. */
export const Dimension = Type.Object(
  {
    field: FilterField,
    granularity: Type.Optional(Type.Enum(PERIOD_UNITS)),
    label: Type.Optional(LocalizedText),
  },
  { additionalProperties: false },
);

/** Static type of {@link Dimension}. */
export type Dimension = Static<typeof Dimension>;

/**
 * Another form's figures joined to the widget's groups (a target line): `aggregate` of `field` over the
 * records of `form` the caller may view, grouped by `match` — one field of `form` per widget dimension, in
 * order, whose values equal the dimension's (with the same granularity for dates). Period filters of the
 * widget and of the dashboard apply to the `period` field of `form`.
 */
export const TargetSeries = Type.Object(
  {
    form: Key,
    aggregate: Type.Enum(AGGREGATES),
    field: Type.Optional(FilterField),
    match: Type.Optional(Type.Array(Dimension, { maxItems: 5 })),
    filter: Type.Optional(Filter),
    period: Type.Optional(FilterField),
  },
  { additionalProperties: false },
);

/** Static type of {@link TargetSeries}. */
export type TargetSeries = Static<typeof TargetSeries>;

/**
 * A number computed per group. Exactly one of: `aggregate` (with `field`, which `count` may leave out);
 * `formula` over other measures of the row by key; `percentOfTotal`, `runningTotal` or `previous` naming
 * another measure (`previous`: its value one period back, with the delta); `target` (another form's figure
 * joined on the dimensions). Derived measures need a `key`.
 */
export const Measure = Type.Object(
  {
    key: Type.Optional(Key),
    field: Type.Optional(FilterField),
    aggregate: Type.Optional(Type.Enum(AGGREGATES)),
    label: Type.Optional(LocalizedText),
    formula: Type.Optional(Formula),
    percentOfTotal: Type.Optional(Key),
    runningTotal: Type.Optional(Key),
    previous: Type.Optional(Key),
    target: Type.Optional(TargetSeries),
  },
  { additionalProperties: false },
);

/** Static type of {@link Measure}. */
export type Measure = Static<typeof Measure>;

/** The keys that make a measure derived (computed from other measures or another form), not aggregated. */
export const DERIVED_MEASURE_KINDS = [
  'formula',
  'percentOfTotal',
  'runningTotal',
  'previous',
  'target',
] as const;

/** A chart, table or figure over the records of one form. */
export const Widget = Type.Object(
  {
    key: Key,
    type: Type.Enum(WIDGET_TYPES),
    title: LocalizedText,
    source: Type.Object({ form: Key }, { additionalProperties: false }),
    dimensions: Type.Optional(Type.Array(Dimension, { maxItems: 5 })),
    /** Levels below the first dimension a click drills into (region → team → member; year → quarter → month). */
    drilldown: Type.Optional(Type.Array(Dimension, { minItems: 1, maxItems: 5 })),
    measures: Type.Optional(Type.Array(Measure, { maxItems: 20 })),
    filter: Type.Optional(Filter),
    sort: Type.Optional(
      Type.Array(
        Type.Object(
          { by: Type.String({ minLength: 1, maxLength: 100 }), dir: Type.Enum(['asc', 'desc']) },
          { additionalProperties: false },
        ),
        { maxItems: 5 },
      ),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
    /** Type-specific presentation (target line, forecast, stage order, gauge bounds), read by the report package. */
    options: Type.Optional(Type.Record(Type.String(), JsonValue)),
  },
  { additionalProperties: false },
);

/** Static type of {@link Widget}. */
export type Widget = Static<typeof Widget>;

/** Kinds of dashboard filter controls. */
export const DASHBOARD_FILTER_TYPES = ['period', 'member', 'department', 'select'] as const;

/**
 * A filter control above a dashboard's widgets, applied to every widget: `period` (a named period over a
 * date field), `member` (a member field or `_owner`), `department` (`_dept` or a department field, with the
 * departments below it), `select` (a select field, any of the chosen values). `field` names the field in
 * every widget's form; `fields` names another one for some forms. A widget whose form has neither is left
 * unfiltered.
 */
export const DashboardFilter = Type.Object(
  {
    key: Key,
    type: Type.Enum(DASHBOARD_FILTER_TYPES),
    label: Type.Optional(LocalizedText),
    field: FilterField,
    fields: Type.Optional(
      Type.Array(Type.Object({ form: Key, field: FilterField }, { additionalProperties: false }), {
        maxItems: 100,
      }),
    ),
    /** The value before the viewer picks one: a period name, `"$me"`, a department id, a list of options. */
    default: Type.Optional(JsonValue),
  },
  { additionalProperties: false },
);

/** Static type of {@link DashboardFilter}. */
export type DashboardFilter = Static<typeof DashboardFilter>;

/** A dashboard: widgets and where they sit on a 24-column grid. */
export const Dashboard = Type.Object(
  {
    key: Key,
    name: LocalizedText,
    description: Type.Optional(LocalizedText),
    // Empty while a dashboard is being designed.
    widgets: Type.Array(Widget, { maxItems: 100 }),
    filters: Type.Optional(Type.Array(DashboardFilter, { maxItems: 20 })),
    layout: Type.Optional(
      Type.Array(
        Type.Object(
          {
            widget: Key,
            x: Type.Integer({ minimum: 0, maximum: 23 }),
            y: Type.Integer({ minimum: 0 }),
            w: Type.Integer({ minimum: 1, maximum: 24 }),
            h: Type.Integer({ minimum: 1, maximum: 100 }),
          },
          { additionalProperties: false },
        ),
      ),
    ),
  },
  { additionalProperties: false },
);

/** Static type of {@link Dashboard}. */
export type Dashboard = Static<typeof Dashboard>;
