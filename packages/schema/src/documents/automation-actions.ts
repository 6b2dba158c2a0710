import { type Static, type TSchema, Type } from 'typebox';
import { Formula, KEY_PATTERN, KeyRef, tagged } from '../common.js';
import { FilterField, FilterOperand, recursiveFilter } from '../filter.js';
import { Registry } from '../registry.js';
import { keysBy, ui } from '../ui-hints.js';
import { Assignee } from './flow.js';

/**
 * An operand of an automation filter: everything of the filter DSL plus `{ "$field": key }`, the value of
 * a field (or `_id`, `_owner`, ... ) of the record that triggered the run.
 */
export const AutomationOperand = Type.Union([
  FilterOperand,
  Type.Object({ $field: FilterField }, { additionalProperties: false }),
]);

function condition() {
  const withValue = (ops: string[], value: TSchema) =>
    Type.Object({ field: FilterField, op: Type.Enum(ops), value }, { additionalProperties: false });
  return tagged('op', [
    withValue(['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'contains', 'startsWith'], AutomationOperand),
    withValue(['in', 'nin'], Type.Array(AutomationOperand, { maxItems: 1000 })),
    withValue(['between'], Type.Array(AutomationOperand, { minItems: 2, maxItems: 2 })),
    Type.Object(
      { field: FilterField, op: Type.Enum(['empty', 'notEmpty']) },
      { additionalProperties: false },
    ),
  ]);
}

/** One condition of an {@link AutomationFilter}. */
export const AutomationCondition = condition();

/** Definition of the recursive automation filter (in `$defs` of every root schema). */
export const automationFilterDef = recursiveFilter(AutomationCondition, 'formloomAutomationFilter');

/** The filter DSL over {@link AutomationCondition}s: conditions may compare with the trigger record. */
export const AutomationFilter = Type.Unsafe<Record<string, unknown>>({
  $ref: '#/$defs/formloomAutomationFilter',
  ...ui({ widget: 'filter', of: 'form:form' }),
});

/** A form of the app, picked from its forms in editors. */
const FormKey = KeyRef({ ref: 'form' });

/** Field types holding a number (a numeric formula or rollup included). */
const NUMERIC = ['number', 'money', 'percent', 'rollup', 'formula', 'lookup'];

/** Field key -> formula giving the value to write. */
export const ValueFormulas = Type.Record(Type.String({ pattern: KEY_PATTERN, maxLength: 64 }), Formula, {
  additionalProperties: false,
  maxProperties: 200,
  ...keysBy({ ref: 'field', of: 'form:form' }, KEY_PATTERN),
});

/** A text shown to people, with `{{ formula }}` placeholders filled in when the action runs. */
export const TemplateText = Type.String({ minLength: 1, maxLength: 4000, ...ui({ widget: 'template' }) });

/** What an action repeats over: records of a form matching a filter, or the members holding a role. */
export const ForEach = tagged('kind', [
  Type.Object(
    {
      kind: Type.Literal('records'),
      form: FormKey,
      filter: Type.Optional(AutomationFilter),
      /** At most this many items (default and maximum 5,000). */
      limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000 })),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      kind: Type.Literal('members'),
      role: Type.String({ minLength: 1, maxLength: 64, ...ui({ ref: 'role' }) }),
    },
    { additionalProperties: false },
  ),
]);

/** Static type of {@link ForEach}. */
export type ForEach = Static<typeof ForEach>;

const CreateRecordConfig = Type.Object(
  {
    form: FormKey,
    values: ValueFormulas,
    /** A formula giving the owner's member id; default: the trigger record's owner, else the automation. */
    owner: Type.Optional(Formula),
    forEach: Type.Optional(ForEach),
  },
  { additionalProperties: false },
);

const UpdateRecordsConfig = Type.Object(
  { form: FormKey, filter: AutomationFilter, values: ValueFormulas },
  { additionalProperties: false },
);

const DeleteRecordsConfig = Type.Object(
  { form: FormKey, filter: AutomationFilter },
  { additionalProperties: false },
);

const DistributeConfig = Type.Object(
  {
    /** The form of the children. */
    form: FormKey,
    /** The children's relation field pointing at the trigger record. */
    relation: KeyRef({ ref: 'field', of: 'form:form', types: ['relation'] }),
    /** The trigger record's numeric field to split. */
    source: KeyRef({ ref: 'field', of: 'scope', types: NUMERIC }),
    /** The children's numeric field that receives the parts. */
    target: KeyRef({ ref: 'field', of: 'form:form', types: ['number', 'money', 'percent'] }),
    method: Type.Enum(['equal', 'weights', 'manual']),
    /** `weights`: a numeric field (or rollup) of each child holding its weight. */
    weightField: Type.Optional(KeyRef({ ref: 'field', of: 'form:form', types: NUMERIC })),
    /** `weights`: one weight per child in creation order (when no `weightField`). */
    weights: Type.Optional(Type.Array(Type.Number({ minimum: 0 }), { minItems: 1, maxItems: 1000 })),
  },
  { additionalProperties: false },
);

const NotifyConfig = Type.Object(
  {
    to: Type.Array(Assignee, { minItems: 1, maxItems: 20 }),
    title: TemplateText,
    body: Type.Optional(TemplateText),
    /** Repeat per item (a record or a member); `field` assignees then read the item record. */
    forEach: Type.Optional(ForEach),
    /** Also send an e-mail when SMTP is configured (default true). */
    email: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

const WebhookConfig = Type.Object(
  {
    url: Type.String({ pattern: '^https?://', maxLength: 2000 }),
    method: Type.Optional(Type.Enum(['POST', 'PUT', 'PATCH'])),
    headers: Type.Optional(
      Type.Record(Type.String({ pattern: '^[A-Za-z0-9-]{1,64}$' }), Type.String({ maxLength: 2000 }), {
        additionalProperties: false,
        maxProperties: 20,
      }),
    ),
    /** JSON body: property -> formula; default: the automation, the trigger and the record. */
    body: Type.Optional(
      Type.Record(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$' }), Formula, {
        additionalProperties: false,
        maxProperties: 100,
      }),
    ),
  },
  { additionalProperties: false },
);

const StartFlowConfig = Type.Object({ flow: KeyRef({ ref: 'flow' }) }, { additionalProperties: false });

/**
 * Computes the formulas, lookups and rollups of the records of `form` matching `filter` again, at the run's
 * time: on a schedule it keeps values that read TODAY() or NOW() (a pace, an age in days) current.
 */
const RecomputeConfig = Type.Object(
  { form: FormKey, filter: Type.Optional(AutomationFilter) },
  { additionalProperties: false },
);

/** An entry of the action registry: the config schema and the form keys a config names (checked in packs). */
export interface AutomationActionType {
  readonly config: TSchema;
  /** Form keys the config refers to, with the JSON-pointer segments (under `config`) where they stand. */
  formRefs(config: Record<string, unknown>): Array<{ form: string; path: Array<string | number> }>;
}

function refs(config: Record<string, unknown>) {
  const out: Array<{ form: string; path: Array<string | number> }> = [];
  if (typeof config.form === 'string') out.push({ form: config.form, path: ['form'] });
  const each = config.forEach as { kind?: unknown; form?: unknown } | undefined;
  if (each?.kind === 'records' && typeof each.form === 'string')
    out.push({ form: each.form, path: ['forEach', 'form'] });
  return out;
}

/**
 * The automation-action registry (schemas): one entry per action type. The server registers an executor
 * under each key; the shapes of these configs are part of the stable API.
 */
export const automationActions = new Registry<AutomationActionType>('automation action')
  .register('createRecord', { config: CreateRecordConfig, formRefs: refs })
  .register('updateRecords', { config: UpdateRecordsConfig, formRefs: refs })
  .register('deleteRecords', { config: DeleteRecordsConfig, formRefs: refs })
  .register('distribute', { config: DistributeConfig, formRefs: refs })
  .register('notify', { config: NotifyConfig, formRefs: refs })
  .register('webhook', { config: WebhookConfig, formRefs: refs })
  .register('startFlow', { config: StartFlowConfig, formRefs: () => [] })
  .register('recompute', { config: RecomputeConfig, formRefs: refs });

/** Config of `createRecord`. */
export type CreateRecordConfig = Static<typeof CreateRecordConfig>;
/** Config of `updateRecords`. */
export type UpdateRecordsConfig = Static<typeof UpdateRecordsConfig>;
/** Config of `deleteRecords`. */
export type DeleteRecordsConfig = Static<typeof DeleteRecordsConfig>;
/** Config of `distribute`. */
export type DistributeConfig = Static<typeof DistributeConfig>;
/** Config of `notify`. */
export type NotifyConfig = Static<typeof NotifyConfig>;
/** Config of `webhook`. */
export type WebhookConfig = Static<typeof WebhookConfig>;
/** Config of `startFlow`. */
export type StartFlowConfig = Static<typeof StartFlowConfig>;
/** Config of `recompute`. */
export type RecomputeConfig = Static<typeof RecomputeConfig>;
