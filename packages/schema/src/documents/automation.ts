import { type Static, Type } from 'typebox';
import { Formula, JsonValue, Key, KeyRef, LocalizedText, tagged } from '../common.js';

/** A five- or six-field cron expression (`0 8 1 * *` = 08:00 on the 1st of each month). */
export const Cron = Type.String({
  pattern: '^[0-9A-Za-z*/,?#LW-]+( [0-9A-Za-z*/,?#LW-]+){4,5}$',
  maxLength: 120,
});

const FormKey = KeyRef({ ref: 'form' });
const FieldOfForm = KeyRef({ ref: 'field', of: 'form:form' });

/** What starts an automation. */
export const Trigger = tagged('type', [
  Type.Object({ type: Type.Literal('recordCreated'), form: FormKey }, { additionalProperties: false }),
  /** Any update, or only updates touching one of `fields`. */
  Type.Object(
    {
      type: Type.Literal('recordUpdated'),
      form: FormKey,
      fields: Type.Optional(Type.Array(FieldOfForm, { minItems: 1 })),
    },
    { additionalProperties: false },
  ),
  /**
   * `field` changed (a record created with a value counts), optionally only when its new value equals
   * `to`; later updates that leave the field alone do not fire it.
   */
  Type.Object(
    { type: Type.Literal('fieldChanged'), form: FormKey, field: FieldOfForm, to: Type.Optional(JsonValue) },
    { additionalProperties: false },
  ),
  /** A record of `form` was deleted. */
  Type.Object({ type: Type.Literal('recordDeleted'), form: FormKey }, { additionalProperties: false }),
  /** An approval flow on a record of `form` ended (`flow`: only that flow; `outcome`: only that ending). */
  Type.Object(
    {
      type: Type.Literal('flowEnded'),
      form: FormKey,
      flow: Type.Optional(KeyRef({ ref: 'flow' })),
      outcome: Type.Optional(Type.Enum(['approved', 'rejected'])),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      type: Type.Literal('scheduled'),
      cron: Cron,
      /** IANA zone the cron is read in; the workspace's zone when absent. */
      timezone: Type.Optional(Type.String({ pattern: '^[A-Za-z_]+(/[A-Za-z0-9_+-]+)*$', maxLength: 64 })),
    },
    { additionalProperties: false },
  ),
  /** Run only on request (`POST /automations/:id/run`) or from another automation. */
  Type.Object({ type: Type.Literal('manual') }, { additionalProperties: false }),
]);

/** Static type of {@link Trigger}. */
export type Trigger = Static<typeof Trigger>;

/** An action: a key of the automation-action registry and the config that action's schema validates. */
export const AutomationAction = Type.Object(
  {
    type: Type.String({ pattern: '^[a-z][a-zA-Z0-9_.]*$', maxLength: 64 }),
    name: Type.Optional(LocalizedText),
    /**
     * A formula over what the run's conditions see: the action runs only when it yields true, else it is
     * skipped (one automation can pick among actions by a field of the trigger record).
     */
    when: Type.Optional(Formula),
    config: Type.Record(Type.String(), JsonValue),
  },
  { additionalProperties: false },
);

/** Static type of {@link AutomationAction}. */
export type AutomationAction = Static<typeof AutomationAction>;

/** A trigger, formula conditions that must all hold, then actions run in order. */
export const Automation = Type.Object(
  {
    key: Key,
    name: LocalizedText,
    description: Type.Optional(LocalizedText),
    enabled: Type.Optional(Type.Boolean()),
    trigger: Trigger,
    /**
     * Also fire for records written by imports and bulk edits (default: only for single writes); runs so
     * started say so in the run log.
     */
    includeBulkWrites: Type.Optional(Type.Boolean()),
    conditions: Type.Optional(Type.Array(Formula, { maxItems: 20 })),
    actions: Type.Array(AutomationAction, { minItems: 1, maxItems: 50 }),
  },
  { additionalProperties: false },
);

/** Static type of {@link Automation}. */
export type Automation = Static<typeof Automation>;
