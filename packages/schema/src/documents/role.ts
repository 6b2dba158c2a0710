import { type Static, Type } from 'typebox';
import { KEY_BODY, Key, LocalizedText } from '../common.js';
import { Filter } from '../filter.js';

/**
 * Which records an action covers: all, the caller's own (owner), the caller's department, that department
 * and the departments below it, or those matching a custom filter (which may use `$me`, `$myDepartment`).
 */
export const DataScope = Type.Union([
  Type.Enum(['all', 'own', 'department', 'departmentAndBelow']),
  Type.Object({ custom: Filter }, { additionalProperties: false }),
]);

/** Static type of {@link DataScope}. */
export type DataScope = Static<typeof DataScope>;

/** What a role may do with one form; an absent action is not allowed. */
export const FormPermission = Type.Object(
  {
    form: Key,
    submit: Type.Optional(Type.Boolean()),
    view: Type.Optional(DataScope),
    edit: Type.Optional(DataScope),
    delete: Type.Optional(DataScope),
    export: Type.Optional(Type.Boolean()),
    /** Change the form's definition, flows and automations. */
    manage: Type.Optional(Type.Boolean()),
    /**
     * Fields this role sees hidden or read-only; others follow the form. A value derived from a hidden
     * one (formula, lookup, rollup, default formula) is hidden too, unless listed as `visible`
     * (declassified: shown whatever it is made of).
     */
    fields: Type.Optional(
      Type.Array(
        Type.Object(
          // A field key, or `subform.column` for one column of a subform.
          {
            field: Type.String({ pattern: `^${KEY_BODY}(\\.${KEY_BODY})?$`, maxLength: 129 }),
            access: Type.Enum(['hidden', 'readOnly', 'visible']),
          },
          { additionalProperties: false },
        ),
        { maxItems: 500 },
      ),
    ),
  },
  { additionalProperties: false },
);

/** Static type of {@link FormPermission}. */
export type FormPermission = Static<typeof FormPermission>;

/** A role and its permission set within an app. */
export const Role = Type.Object(
  {
    key: Key,
    name: LocalizedText,
    description: Type.Optional(LocalizedText),
    /** Everything in the app, including its definition. */
    manageApp: Type.Optional(Type.Boolean()),
    forms: Type.Array(FormPermission, { maxItems: 500 }),
    dashboards: Type.Optional(Type.Array(Key, { maxItems: 200 })),
  },
  { additionalProperties: false },
);

/** Static type of {@link Role}. */
export type Role = Static<typeof Role>;
