import { type Static, type TSchema, Type } from 'typebox';
import { KEY_BODY, Key, LocalizedText, tagged } from './common.js';

/** Operators of the filter DSL (API.md). Clients never send raw MongoDB operators. */
export const FILTER_OPS = [
  'eq',
  'ne',
  'gt',
  'gte',
  'lt',
  'lte',
  'in',
  'nin',
  'contains',
  'startsWith',
  'empty',
  'notEmpty',
  'between',
] as const;

/** One of {@link FILTER_OPS}. */
export type FilterOp = (typeof FILTER_OPS)[number];

/** Named periods a `{ "$period": ... }` value may take; relative to the time the filter runs. */
export const PERIOD_NAMES = [
  'today',
  'yesterday',
  'thisWeek',
  'lastWeek',
  'thisMonth',
  'lastMonth',
  'thisQuarter',
  'lastQuarter',
  'thisYear',
  'lastYear',
] as const;

/** Calendar units a period can span. */
export const PERIOD_UNITS = ['day', 'week', 'month', 'quarter', 'year'] as const;

/**
 * Record properties every form has besides its fields, addressable in filters with a leading
 * underscore so they can never clash with a user key (keys start lower-case).
 */
export const SYSTEM_FILTER_FIELDS = [
  '_id',
  '_owner',
  '_createdBy',
  '_dept',
  '_createdAt',
  '_updatedAt',
  '_flowStatus',
] as const;

/** A field reference in a filter: a field key, a subform column as `subform.column`, or a system field. */
export const FilterField = Type.String({
  pattern: `^(?:${KEY_BODY}(?:\\.${KEY_BODY})?|${SYSTEM_FILTER_FIELDS.join('|')})$`,
});

const Scalar = Type.Union([Type.String({ maxLength: 1000 }), Type.Number(), Type.Boolean(), Type.Null()]);
const Me = Type.Object({ $me: Type.Literal(true) }, { additionalProperties: false });
const MyDepartment = Type.Object({ $myDepartment: Type.Literal(true) }, { additionalProperties: false });
const Today = Type.Object({ $today: Type.Literal(true) }, { additionalProperties: false });
const Period = Type.Object({ $period: Type.Enum(PERIOD_NAMES) }, { additionalProperties: false });

/** A value in a filter: a constant or a special value resolved when the query runs. */
export const FilterOperand = Type.Union([Scalar, Me, MyDepartment, Today, Period]);

/**
 * A value in a rollup condition: everything of {@link FilterOperand} plus `{ "$field": key }` (the value of
 * a field of the record that holds the rollup) and `{ "$recordPeriod": { start, unit, offset? } }` (the period
 * that starts at a date field of that record and spans a unit, given as a constant or by a field; `offset`
 * moves it by whole periods, -1 being the one before).
 */
export const RollupOperand = Type.Union([
  Scalar,
  Me,
  MyDepartment,
  Today,
  Period,
  Type.Object({ $field: Key }, { additionalProperties: false }),
  Type.Object(
    {
      $recordPeriod: Type.Object(
        {
          start: Key,
          unit: Type.Union([
            Type.Enum(PERIOD_UNITS),
            Type.Object({ $field: Key }, { additionalProperties: false }),
          ]),
          /** Periods away from the record's own: -1 is the one before (last year's actuals), 1 the next. */
          offset: Type.Optional(Type.Integer({ minimum: -120, maximum: 120 })),
        },
        { additionalProperties: false },
      ),
    },
    { additionalProperties: false },
  ),
]);

function conditionSchema<V extends TSchema>(operand: V, extraOps: readonly string[]) {
  const lit = (ops: readonly string[]) => Type.Enum([...ops]);
  return tagged('op', [
    Type.Object(
      {
        field: FilterField,
        op: lit(['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'contains', 'startsWith', ...extraOps]),
        value: operand,
      },
      { additionalProperties: false },
    ),
    Type.Object(
      { field: FilterField, op: lit(['in', 'nin']), value: Type.Array(operand, { maxItems: 1000 }) },
      { additionalProperties: false },
    ),
    Type.Object(
      {
        field: FilterField,
        op: Type.Enum(['between']),
        value: Type.Array(operand, { minItems: 2, maxItems: 2 }),
      },
      { additionalProperties: false },
    ),
    Type.Object({ field: FilterField, op: lit(['empty', 'notEmpty']) }, { additionalProperties: false }),
  ]);
}

/** A group of nodes: all (`and`) or any (`or`) must hold. */
function groupSchema<N extends TSchema>(node: N) {
  const items = Type.Array(node, { maxItems: 100 });
  const union = Type.Union([
    Type.Object({ and: items }, { additionalProperties: false }),
    Type.Object({ or: items }, { additionalProperties: false }),
  ]);
  return Type.Unsafe<Static<typeof union>>({
    type: 'object',
    maxProperties: 1,
    minProperties: 1,
    properties: { and: items, or: items },
    additionalProperties: false,
  });
}

/** A node is a condition (it names a `field`) or a group; `if` keeps the errors on the right branch. */
function nodeSchema<C extends TSchema, G extends TSchema>(condition: C, group: G) {
  const union = Type.Union([condition, group]);
  return Type.Unsafe<Static<typeof union>>({
    if: { type: 'object', required: ['field'] },
    // biome-ignore lint/suspicious/noThenProperty: `then` is a JSON Schema keyword here
    then: condition,
    else: group,
  });
}

/**
 * Static type of a filter over `condition`: groups nested four deep. Only the TS type uses this bounded
 * form; at run time filters are one recursive schema in `$defs` (see `schemaDefs`).
 */
function typedFilter<C extends TSchema>(condition: C) {
  const n4 = nodeSchema(condition, groupSchema(condition));
  const n3 = nodeSchema(condition, groupSchema(n4));
  const n2 = nodeSchema(condition, groupSchema(n3));
  return nodeSchema(condition, groupSchema(n2));
}

/** A recursive filter schema: a condition, or a group of nodes that `$ref` this same definition. */
export function recursiveFilter<C extends TSchema>(condition: C, name: string) {
  return nodeSchema(condition, groupSchema(Type.Unsafe<unknown>({ $ref: `#/$defs/${name}` })));
}

/** One condition of the filter DSL: `{ field, op, value }`. */
export const FilterCondition = conditionSchema(FilterOperand, []);

/** Static type of {@link FilterCondition}. */
export type FilterCondition = Static<typeof FilterCondition>;

/**
 * A rollup condition compares a field of the rolled-up form with this record's fields or constants.
 * Extra operators: `inDepartment` (a member's department is the operand department or below it) and
 * `eq` against `$recordPeriod` (a date lies within that period).
 */
export const RollupCondition = conditionSchema(RollupOperand, ['inDepartment']);

const filterType = typedFilter(FilterCondition);
const rollupFilterType = typedFilter(RollupCondition);

/** The filter DSL of API.md: a condition, or `{ "and": [...] }` / `{ "or": [...] }` groups of them. */
export const Filter = Type.Unsafe<Static<typeof filterType>>({ $ref: '#/$defs/formloomFilter' });

/** Static type of {@link Filter}. */
export type Filter = Static<typeof Filter>;

/** Rollup conditions: the filter DSL over {@link RollupCondition}s. */
export const RollupFilter = Type.Unsafe<Static<typeof rollupFilterType>>({
  $ref: '#/$defs/formloomRollupFilter',
});

/** Static type of {@link RollupFilter}. */
export type RollupFilter = Static<typeof RollupFilter>;

/** A saved filter with a name, e.g. a dashboard filter or a view. */
export const NamedFilter = Type.Object(
  { key: Key, label: Type.Optional(LocalizedText), filter: Filter },
  { additionalProperties: false },
);

/**
 * How a field's stored value behaves when records are filtered, sorted or grouped by it. Servers map each
 * form field type to one of these; filter and report compilers only know kinds, so a new field type
 * needs no change there.
 */
export type ValueKind =
  /** Free text (text, textarea, email, phone, url, serial number). */
  | 'text'
  /** An option value or an id (select, radio, member, department, relation): compared exactly. */
  | 'id'
  | 'number'
  | 'boolean'
  /** A calendar date stored as `YYYY-MM-DD`. */
  | 'date'
  /** An instant stored as an ISO-8601 UTC string (`2026-01-31T08:00:00.000Z`). */
  | 'datetime'
  /** A MongoDB ObjectId (record id, owner, creator, department); sent as 24 hex digits. */
  | 'objectId'
  /** A BSON date (createdAt, updatedAt); sent as an ISO-8601 instant. */
  | 'timestamp'
  /** Structured values (subform, address, attachment, signature): only emptiness, and counts. */
  | 'opaque';
