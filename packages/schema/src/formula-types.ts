import { type AnyFieldTypeDef, fieldTypes } from './field.js';
import type { BaseField, FormRef, FormulaValueType } from './field-types/define.js';
import { listOf } from './field-types/define.js';
import type { Registry } from './registry.js';

/** How to find the forms a lookup or rollup reaches. */
export interface FormulaTypeOptions {
  /** Another form by key (relation targets, rollup sources); lookups through unknown forms are `any`. */
  readonly findForm?: (key: string) => FormRef | undefined;
  readonly registry?: Registry<AnyFieldTypeDef>;
}

/** The formula value kind of one field of `form`; `scope` is its form's fields or its subform's columns. */
export function formulaTypeOf(
  field: BaseField,
  form: FormRef,
  scope: readonly BaseField[] = form.fields,
  options: FormulaTypeOptions = {},
  depth = 0,
): FormulaValueType {
  const registry = options.registry ?? fieldTypes;
  const def = registry.get(field.type);
  // Lookups of lookups could cycle through badly made forms; three hops are plenty for real ones.
  if (!def || depth > 3) return 'any';
  const findForm = (key: string) => (key === form.key ? form : options.findForm?.(key));
  return def.formulaType(field, {
    scope,
    findForm,
    typeOf: (target, formKey) => {
      const other = findForm(formKey);
      return other ? formulaTypeOf(target, other, other.fields, options, depth + 1) : 'any';
    },
  });
}

/**
 * The field map the formula checker of `@formloom/formula` takes (`FieldTypeMap`): every field of the form
 * by key, every subform column as `subform.column` (a list), and every field of a related form as
 * `relation.field` (a list through a multiple relation). Pass `columnsOf` to get the map a formula of a
 * subform column sees: that subform's columns by bare key, plus the form's fields.
 */
export function formulaFieldMap(
  form: FormRef,
  options: FormulaTypeOptions & { readonly columnsOf?: string } = {},
): Record<string, FormulaValueType> {
  const out: Record<string, FormulaValueType> = {};
  for (const field of form.fields) {
    out[field.key] = formulaTypeOf(field, form, form.fields, options);
    const columns = (field as { columns?: readonly BaseField[] }).columns;
    if (field.type === 'subform' && columns) {
      for (const c of columns) {
        const kind = formulaTypeOf(c, form, columns, options);
        out[`${field.key}.${c.key}`] = listOf(kind);
        if (options.columnsOf === field.key) out[c.key] = kind;
      }
    }
    // A lookup of a subform holds the related record's rows: its columns read as lists, like a subform's
    // own (through a multiple relation, a list of lists: any).
    const looked = lookedUpField(field, form, options);
    if (looked?.field.type === 'subform' && looked.field.columns) {
      for (const c of looked.field.columns) {
        const kind = formulaTypeOf(c, looked.form, looked.field.columns, options, 1);
        out[`${field.key}.${c.key}`] = looked.multiple ? 'any' : listOf(kind);
      }
    }
    const rel = field as { form?: string; multiple?: boolean };
    const target = field.type === 'relation' && rel.form ? options.findForm?.(rel.form) : undefined;
    if (target) {
      for (const t of target.fields) {
        const kind = formulaTypeOf(t, target, target.fields, options, 1);
        out[`${field.key}.${t.key}`] = rel.multiple ? listOf(kind) : kind;
      }
    }
  }
  return out;
}

/** The field a lookup reads on the related form, that form, and whether the relation is multiple. */
function lookedUpField(
  field: BaseField,
  form: FormRef,
  options: FormulaTypeOptions,
): { field: BaseField & { columns?: readonly BaseField[] }; form: FormRef; multiple: boolean } | undefined {
  if (field.type !== 'lookup') return undefined;
  const lookup = field as { relation?: string; field?: string };
  const relation = form.fields.find((f) => f.key === lookup.relation) as
    | (BaseField & { form?: string; multiple?: boolean })
    | undefined;
  const other = relation?.form ? options.findForm?.(relation.form) : undefined;
  const target = other?.fields.find((f) => f.key === lookup.field);
  if (!other || !target) return undefined;
  return { field: target, form: other, multiple: relation?.multiple === true };
}
