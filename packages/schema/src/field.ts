import { type Static, type TProperties, Type } from 'typebox';
import { tagged } from './common.js';
import {
  addressType,
  attachmentType,
  emailType,
  imageType,
  moneyType,
  numberType,
  percentType,
  phoneType,
  ratingType,
  signatureType,
  textareaType,
  textType,
  urlType,
} from './field-types/basic.js';
import { checkboxType, multiselectType, radioType, selectType, switchType } from './field-types/choice.js';
import {
  formulaType,
  lookupType,
  relationType,
  rollupType,
  serialType,
  systemType,
} from './field-types/computed.js';
import { defineFieldType, type FieldTypeDef, type JsonSchemaObject } from './field-types/define.js';
import { dateType, datetimeType, departmentType, memberType } from './field-types/people-time.js';
import { Registry } from './registry.js';
import { ui } from './ui-hints.js';

/** Any field type definition, as the registry holds it. */
export type AnyFieldTypeDef = FieldTypeDef<string, TProperties>;

type SchemasOf<T extends readonly AnyFieldTypeDef[]> = { -readonly [I in keyof T]: T[I]['schema'] };

function schemasOf<const T extends readonly AnyFieldTypeDef[]>(defs: T): SchemasOf<T> {
  return defs.map((d) => d.schema) as SchemasOf<T>;
}

/**
 * Field types a subform column may have: every built-in type except `subform` itself, so rows hold no
 * nested tables. To add a field type, add its definition here (or to `builtinFieldTypes` if it cannot be
 * a column) and write its tests; schemas, types, the registry and the compiler pick it up.
 */
export const columnFieldTypes = [
  textType,
  textareaType,
  numberType,
  moneyType,
  percentType,
  dateType,
  datetimeType,
  selectType,
  multiselectType,
  radioType,
  checkboxType,
  switchType,
  memberType,
  departmentType,
  emailType,
  phoneType,
  urlType,
  ratingType,
  addressType,
  attachmentType,
  imageType,
  signatureType,
  relationType,
  lookupType,
  rollupType,
  formulaType,
  serialType,
  systemType,
] as const;

/** The full schema of a subform column, kept once in `$defs` (see defs.ts). */
export const columnFieldDefinition = tagged('type', schemasOf(columnFieldTypes));

/** Schema of a subform column: a field of any type in {@link columnFieldTypes}. */
export const ColumnField = Type.Unsafe<Static<typeof columnFieldDefinition>>({
  $ref: '#/$defs/formloomColumnField',
});

/** Static type of {@link ColumnField}. */
export type ColumnField = Static<typeof ColumnField>;

/** A table inside a record: each row holds the `columns` fields. */
export const subformType = defineFieldType({
  type: 'subform',
  config: {
    columns: Type.Array(ColumnField, { minItems: 1, maxItems: 200, ...ui({ widget: 'none' }) }),
    minRows: Type.Optional(Type.Integer({ minimum: 0 })),
    maxRows: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
  },
  computed: false,
  component: 'SubformTable',
  // Rows are reached through their columns (`items.qty` is `number[]`); the table itself is opaque.
  formulaType: () => 'any',
  submission: (field, ctx) => {
    const out: JsonSchemaObject = {
      type: 'array',
      items: ctx.compileRow(field.columns),
      maxItems: field.maxRows ?? 10_000,
    };
    if (field.minRows !== undefined) out.minItems = field.minRows;
    return out;
  },
});

/** Every built-in field type, in registration order. */
export const builtinFieldTypes = [...columnFieldTypes, subformType] as const;

const fieldUnion = Type.Union([...schemasOf(columnFieldTypes), subformType.schema]);

/** Schema of a form field: any built-in field type, told apart by `type` (columns via `$defs`). */
export const Field = Type.Unsafe<Static<typeof fieldUnion>>({
  type: 'object',
  required: ['type'],
  properties: { type: { enum: builtinFieldTypes.map((d) => d.type) } },
  allOf: [
    {
      if: { properties: { type: { const: 'subform' } } },
      // biome-ignore lint/suspicious/noThenProperty: `then` is a JSON Schema keyword here
      then: subformType.schema,
    },
    {
      if: { properties: { type: { enum: columnFieldTypes.map((d) => d.type) } } },
      // biome-ignore lint/suspicious/noThenProperty: `then` is a JSON Schema keyword here
      then: ColumnField,
    },
  ],
});

/** Static type of {@link Field}. */
export type Field = Static<typeof Field>;

/** Names of the built-in field types. */
export type FieldType = Field['type'];

/** The subform field type. */
export type SubformField = Extract<Field, { type: 'subform' }>;

/** Creates a field-type registry holding `defs` (default: the built-in ones); duplicates throw. */
export function createFieldTypeRegistry(
  defs: readonly AnyFieldTypeDef[] = builtinFieldTypes,
): Registry<AnyFieldTypeDef> {
  const registry = new Registry<AnyFieldTypeDef>('field type');
  for (const def of defs) registry.register(def.type, def);
  return registry;
}

/** The registry of built-in field types that validators and the submission compiler use. */
export const fieldTypes: Registry<AnyFieldTypeDef> = createFieldTypeRegistry();
