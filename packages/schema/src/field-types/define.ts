import { type Static, type TLiteral, type TObject, type TProperties, Type } from 'typebox';
import { Formula, JsonValue, Key, LocalizedText } from '../common.js';
import type { Issue } from '../issues.js';

/**
 * Scalar value kinds a field has inside formulas. The vocabulary is that of `FieldKind` in
 * `@formloom/formula` (this package must not import it): `money` and `percent` are numbers with a unit,
 * `select` is the option value, `member` a member id, `any` a value the checker cannot type. Ids of
 * departments and related records are `text`.
 */
export const FORMULA_SCALAR_KINDS = [
  'text',
  'number',
  'boolean',
  'date',
  'datetime',
  'money',
  'percent',
  'select',
  'multiselect',
  'member',
  'any',
] as const;

/** Kinds that have a list form `X[]` (a multiple field, or a subform column seen from the form). */
const LISTABLE = [
  'text',
  'number',
  'boolean',
  'date',
  'datetime',
  'money',
  'percent',
  'select',
  'member',
  'any',
] as const;

/** Every formula value kind: a scalar kind, or `X[]` for the listable ones. */
export const FORMULA_VALUE_TYPES = [
  ...FORMULA_SCALAR_KINDS,
  ...LISTABLE.map((k) => `${k}[]` as const),
] as const;

/** One of {@link FORMULA_VALUE_TYPES}; assignable to `FieldKind` of `@formloom/formula`. */
export type FormulaValueType = (typeof FORMULA_SCALAR_KINDS)[number] | `${(typeof LISTABLE)[number]}[]`;

/** The list form of a kind (`member` → `member[]`); lists of lists and multiselects become `any`. */
export function listOf(kind: FormulaValueType): FormulaValueType {
  return (LISTABLE as readonly string[]).includes(kind) ? (`${kind}[]` as FormulaValueType) : 'any';
}

/** A default value: a constant, or a formula evaluated when a record is created. */
export const FieldDefault = Type.Union([
  Type.Object({ value: JsonValue }, { additionalProperties: false, required: ['value'] }),
  Type.Object({ formula: Formula }, { additionalProperties: false }),
]);

/**
 * Validation beyond the field type: bounds (numbers: value; text: use minLength/maxLength; lists: item
 * count; dates: ISO strings), a regular expression, or a formula that yields `true` or a message text.
 */
export const FieldValidation = Type.Object(
  {
    min: Type.Optional(Type.Union([Type.Number(), Type.String({ format: 'date' })])),
    max: Type.Optional(Type.Union([Type.Number(), Type.String({ format: 'date' })])),
    minLength: Type.Optional(Type.Integer({ minimum: 0 })),
    maxLength: Type.Optional(Type.Integer({ minimum: 1 })),
    pattern: Type.Optional(Type.String({ minLength: 1, maxLength: 500, format: 'linear-regex' })),
    formula: Type.Optional(Formula),
    message: Type.Optional(LocalizedText),
  },
  { additionalProperties: false },
);

// Shared parts are referenced from `$defs` (see defs.ts) so 29 field types do not copy them 29 times.
const TextRef = Type.Unsafe<Static<typeof LocalizedText>>({ $ref: '#/$defs/formloomText' });

/** Properties every field has, whatever its type. */
export const commonFieldProperties = {
  /** Stable key: the property name in record data; never changes. */
  key: Key,
  label: TextRef,
  description: Type.Optional(TextRef),
  required: Type.Optional(Type.Boolean()),
  /** Unique among the form's live records (checked by the server). */
  unique: Type.Optional(Type.Boolean()),
  default: Type.Optional(Type.Unsafe<Static<typeof FieldDefault>>({ $ref: '#/$defs/formloomFieldDefault' })),
  validation: Type.Optional(
    Type.Unsafe<Static<typeof FieldValidation>>({ $ref: '#/$defs/formloomFieldValidation' }),
  ),
  /** Formula; the field shows (and its `required` applies) only while it yields true. */
  visibleWhen: Type.Optional(Formula),
  readOnly: Type.Optional(Type.Boolean()),
  /** The server keeps an index on `{ws, form, data.<key>}`. */
  indexed: Type.Optional(Type.Boolean()),
  /** A removed field: kept with its data, shown nowhere, accepted in no submission. */
  hidden: Type.Optional(Type.Boolean()),
  /** Overrides the type's default UI component. */
  component: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
};

/** Schema of a field of type `K` whose type-specific properties are `C`. */
export type FieldObjectSchema<K extends string, C extends TProperties> = TObject<
  typeof commonFieldProperties & { type: TLiteral<K> } & C
>;

/** The common view of any field, used by code that works across field types. */
export type BaseField = Static<TObject<typeof commonFieldProperties>> & {
  readonly type: string;
  readonly [config: string]: unknown;
};

/** A plain JSON Schema object, as produced by the submission compiler. */
export type JsonSchemaObject = { [keyword: string]: unknown };

/** A form as seen by cross-reference checks: just what they need. */
export interface FormRef {
  readonly key: string;
  readonly fields: readonly BaseField[];
}

/** What a field type's cross-reference check may consult. */
export interface FieldCheckContext {
  /** JSON pointer of the field being checked. */
  readonly path: string;
  /** The form the field belongs to. */
  readonly form: FormRef;
  /** Fields the field can see by key: the form's fields, or its subform row's columns. */
  readonly scope: readonly BaseField[];
  /** Another form by key; `undefined` when unknown. */
  findForm(key: string): FormRef | undefined;
  /** False when validating a form alone: references to other forms cannot be checked then. */
  readonly knowsAllForms: boolean;
}

/** What a submission-fragment builder may use. */
export interface SubmissionContext {
  /** Compiles the row schema of a list of column fields (for subforms). */
  compileRow(columns: readonly BaseField[]): JsonSchemaObject;
}

/** What a formula-type resolver may consult (lookups resolve through the related form). */
export interface FormulaTypeContext {
  findForm(key: string): FormRef | undefined;
  /** Fields of the field's own scope. */
  readonly scope: readonly BaseField[];
  /** The formula type of a field of form `formKey` (through the registry). */
  typeOf(field: BaseField, formKey: string): FormulaValueType;
}

/**
 * A field type: one registry entry holds everything the platform needs to know about it. Methods (not
 * function-valued properties) keep entries of different field types assignable to one registry.
 */
export interface FieldTypeDef<K extends string = string, C extends TProperties = TProperties> {
  /** The `type` value fields of this type carry. */
  readonly type: K;
  /** Schemas of the type-specific properties, which sit beside the common ones on the field. */
  readonly config: C;
  /** The full field schema: common properties + `type` + config, no other property allowed. */
  readonly schema: FieldObjectSchema<K, C>;
  /** Computed fields (formula, lookup, rollup, serial, system) are written by the server only. */
  readonly computed: boolean;
  /** Name of the default UI component (web app registry). */
  readonly component: string;
  /**
   * Type-specific config a new field of this type starts with in a designer (a currency, two options,
   * a sequence); references to other forms and fields are left for the designer to ask for.
   */
  readonly starter?: Readonly<Record<string, unknown>>;
  /** The value type formulas see for a field of this type. */
  formulaType(field: Static<FieldObjectSchema<K, C>>, ctx: FormulaTypeContext): FormulaValueType;
  /** JSON Schema of one value in a submission; `undefined` for computed types (never accepted). */
  submission?(field: Static<FieldObjectSchema<K, C>>, ctx: SubmissionContext): JsonSchemaObject;
  /** Extra constraints on the object that holds the field (e.g. cascading options vs. their parent). */
  rowRules?(field: Static<FieldObjectSchema<K, C>>): JsonSchemaObject[];
  /** Formula expressions in the type-specific config, with their pointers relative to the field. */
  expressions?(field: Static<FieldObjectSchema<K, C>>): Array<{ path: string; expression: string }>;
  /** Checks of references to other fields or forms. */
  check?(field: Static<FieldObjectSchema<K, C>>, ctx: FieldCheckContext): Issue[];
}

/** What {@link defineFieldType} takes: a {@link FieldTypeDef} without the derived `schema`. */
export type FieldTypeSpec<K extends string, C extends TProperties> = Omit<FieldTypeDef<K, C>, 'schema'>;

/** Defines a field type, deriving its full field schema from the common and type-specific properties. */
export function defineFieldType<K extends string, C extends TProperties>(
  spec: FieldTypeSpec<K, C>,
): FieldTypeDef<K, C> {
  const schema = Type.Object(
    { ...commonFieldProperties, type: Type.Literal(spec.type), ...spec.config },
    { additionalProperties: false },
  ) as FieldObjectSchema<K, C>;
  return { ...spec, schema };
}
