import { type Static, Type } from 'typebox';
import { Key, LocalizedText, tagged } from '../common.js';
import { Field } from '../field.js';

/** A section of a form's layout: a titled block showing `fields` in `columns` columns. */
export const LayoutSection = Type.Object(
  {
    title: Type.Optional(LocalizedText),
    columns: Type.Optional(Type.Integer({ minimum: 1, maximum: 4 })),
    fields: Type.Array(Key, { maxItems: 500 }),
  },
  { additionalProperties: false },
);

/** How a form is laid out; fields not placed in any section follow in definition order. */
export const FormLayout = Type.Object(
  { sections: Type.Array(LayoutSection, { maxItems: 100 }) },
  { additionalProperties: false },
);

/** A user-defined form: its fields (the record schema) and how they are laid out. */
export const Form = Type.Object(
  {
    key: Key,
    name: LocalizedText,
    description: Type.Optional(LocalizedText),
    icon: Type.Optional(Type.String({ maxLength: 100 })),
    fields: Type.Array(Field, { minItems: 1, maxItems: 500 }),
    layout: Type.Optional(FormLayout),
    /** The field that names a record in lists and relation pickers. */
    titleField: Type.Optional(Key),
  },
  { additionalProperties: false },
);

/** Static type of {@link Form}. */
export type Form = Static<typeof Form>;

const MenuLeaves = [
  Type.Object(
    { kind: Type.Literal('form'), form: Key, label: Type.Optional(LocalizedText) },
    { additionalProperties: false },
  ),
  Type.Object(
    { kind: Type.Literal('dashboard'), dashboard: Key, label: Type.Optional(LocalizedText) },
    { additionalProperties: false },
  ),
] as const;

/** A form or dashboard entry of a menu. */
export const MenuLeaf = tagged('kind', [...MenuLeaves]);

/** An entry of an app's navigation menu: a form, a dashboard, or a titled group of them (one level). */
export const MenuItem = tagged('kind', [
  ...MenuLeaves,
  Type.Object(
    {
      kind: Type.Literal('group'),
      label: LocalizedText,
      items: Type.Array(MenuLeaf, { maxItems: 200 }),
    },
    { additionalProperties: false },
  ),
]);

/** Static type of {@link MenuItem}. */
export type MenuItem = Static<typeof MenuItem>;

/** An app: a named container of forms, flows, automations and dashboards, with its menu. */
export const App = Type.Object(
  {
    key: Key,
    name: LocalizedText,
    description: Type.Optional(LocalizedText),
    icon: Type.Optional(Type.String({ maxLength: 100 })),
    color: Type.Optional(Type.String({ pattern: '^#[0-9a-fA-F]{6}$' })),
    menu: Type.Optional(Type.Array(MenuItem, { maxItems: 200 })),
  },
  { additionalProperties: false },
);

/** Static type of {@link App}. */
export type App = Static<typeof App>;
