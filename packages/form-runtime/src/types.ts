/**
 * A field as the runtime reads it: structurally the `Field` of `@formloom/schema` (a stable `key`, a
 * `type`, type-specific settings beside the common ones), kept loose because definitions were validated
 * against the schema when they were stored and the runtime only reads the settings it acts on.
 */
export interface FieldDef {
  key: string;
  type: string;
  label?: unknown;
  required?: boolean;
  unique?: boolean;
  indexed?: boolean;
  hidden?: boolean;
  readOnly?: boolean;
  multiple?: boolean;
  default?: { value: unknown } | { formula: string };
  [setting: string]: unknown;
}

/** A form definition (the `Form` document of `@formloom/schema`). */
export interface FormDefinition {
  key: string;
  name: unknown;
  fields: FieldDef[];
  [setting: string]: unknown;
}

/** A form other forms may refer to by key (relations, lookups, rollups). */
export interface PlannedForm {
  key: string;
  definition: FormDefinition;
}

/** The forms of one app, by key. */
export interface FormDirectory {
  byKey(key: string): PlannedForm | undefined;
}

/**
 * One problem with one value, as the API reports it: a JSON pointer (`/data/items/3/qty`) and a message in
 * the language asked for. `code` and `text` say the same as data, so a server can word the detail in each
 * client's language later: `required` (an empty value that is shown), `invalid` (a validation formula
 * refused it; `text` is the field's configured message, or the formula's own text result, when there is
 * one).
 */
export interface Detail {
  path: string;
  message: string;
  code?: 'required' | 'invalid';
  text?: { readonly en?: string; readonly 'zh-CN'?: string };
}

/** Field types whose values only the server writes. */
export const COMPUTED_TYPES: ReadonlySet<string> = new Set([
  'formula',
  'lookup',
  'rollup',
  'serial',
  'system',
]);

/** True when clients never write the field. */
export function isComputed(field: FieldDef): boolean {
  return COMPUTED_TYPES.has(field.type);
}

/** A directory over a list of forms. */
export function directoryOf(forms: readonly PlannedForm[]): FormDirectory {
  const byKey = new Map(forms.map((form) => [form.key, form]));
  return { byKey: (key) => byKey.get(key) };
}
