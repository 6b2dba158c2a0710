import { type Static, Type } from 'typebox';
import { JsonValue, Key, LocalizedText } from '../common.js';
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

/** A number computed per group; `field` may be left out for `count`. */
export const Measure = Type.Object(
  {
    key: Type.Optional(Key),
    field: Type.Optional(FilterField),
    aggregate: Type.Enum(AGGREGATES),
    label: Type.Optional(LocalizedText),
  },
  { additionalProperties: false },
);

/** A chart, table or figure over the records of one form. */
export const Widget = Type.Object(
  {
    key: Key,
    type: Type.Enum(WIDGET_TYPES),
    title: LocalizedText,
    source: Type.Object({ form: Key }, { additionalProperties: false }),
    dimensions: Type.Optional(Type.Array(Dimension, { maxItems: 5 })),
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

/** A dashboard: widgets and where they sit on a 24-column grid. */
export const Dashboard = Type.Object(
  {
    key: Key,
    name: LocalizedText,
    description: Type.Optional(LocalizedText),
    widgets: Type.Array(Widget, { minItems: 1, maxItems: 100 }),
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
