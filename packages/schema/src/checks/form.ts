import type { AnyFieldTypeDef } from '../field.js';
import { fieldTypes } from '../field.js';
import type { BaseField, FieldCheckContext, FormRef } from '../field-types/define.js';
import { formulaIdentifiers, resolvesIn } from '../formula-refs.js';
import { type Issue, issue, pointer } from '../issues.js';
import type { Registry } from '../registry.js';

/** What cross-reference checks know about the surrounding pack or workspace. */
export interface CheckScope {
  /** Forms that may be referenced by key; when absent, references to other forms are not checked. */
  readonly forms?: readonly FormRef[];
  /** Role keys that may be referenced; when absent, role references are not checked. */
  readonly roles?: readonly string[];
  /** Dashboard keys that may be referenced; when absent, not checked. */
  readonly dashboards?: readonly string[];
  /** Field-type registry (default: the built-in types). */
  readonly registry?: Registry<AnyFieldTypeDef>;
}

/** Issues for keys that occur more than once in `items`, reported at the later occurrences. */
export function duplicateKeys<T>(
  items: readonly T[],
  keyOf: (item: T) => string,
  path: (i: number) => string,
): Issue[] {
  const seen = new Set<string>();
  const out: Issue[] = [];
  items.forEach((item, i) => {
    const key = keyOf(item);
    if (seen.has(key)) out.push(issue('key.duplicate', path(i), { key }));
    seen.add(key);
  });
  return out;
}

/** Issues for identifiers in `expression` that resolve to no field of the scope. */
export function checkFormula(
  expression: string,
  path: string,
  scope: readonly BaseField[],
  outer: readonly BaseField[] = [],
): Issue[] {
  return formulaIdentifiers(expression)
    .filter((name) => !resolvesIn(name, scope, outer))
    .map((name) => issue('formula.unknownField', path, { name }));
}

function checkFields(
  fields: readonly BaseField[],
  base: string,
  form: FormRef,
  scope: CheckScope,
  outer: readonly BaseField[],
): Issue[] {
  const registry = scope.registry ?? fieldTypes;
  const out = duplicateKeys(
    fields,
    (f) => f.key,
    (i) => pointer(base, i, 'key'),
  );
  fields.forEach((field, i) => {
    const path = pointer(base, i);
    const def = registry.get(field.type);
    if (!def) return;
    const ctx: FieldCheckContext = {
      path,
      form,
      scope: fields,
      knowsAllForms: scope.forms !== undefined,
      findForm: (key) => (key === form.key ? form : scope.forms?.find((f) => f.key === key)),
    };
    out.push(...(def.check?.(field, ctx) ?? []));
    const formulas: Array<{ path: string; expression: string }> = [...(def.expressions?.(field) ?? [])];
    if (field.default && 'formula' in field.default)
      formulas.push({ path: '/default/formula', expression: field.default.formula });
    if (field.validation?.formula)
      formulas.push({ path: '/validation/formula', expression: field.validation.formula });
    if (field.visibleWhen) formulas.push({ path: '/visibleWhen', expression: field.visibleWhen });
    for (const f of formulas) out.push(...checkFormula(f.expression, path + f.path, fields, outer));
    const { min, max } = field.validation ?? {};
    if (min !== undefined && max !== undefined && typeof min === typeof max && min > max) {
      out.push(issue('range.inverted', pointer(path, 'validation'), { min, max }));
    }
    const columns = (field as { columns?: readonly BaseField[] }).columns;
    if (field.type === 'subform' && columns) {
      out.push(...checkFields(columns, pointer(path, 'columns'), form, scope, fields));
    }
  });
  return out;
}

/** A form as the form checks read it (a schema-valid Form). */
export interface CheckedForm extends FormRef {
  readonly layout?: { readonly sections: ReadonlyArray<{ readonly fields: readonly string[] }> };
  readonly titleField?: string;
}

/**
 * Checks beyond the JSON Schema of one form: unique keys (form and each subform), references of
 * fields (cascades, relations, lookups, rollups), formula identifiers, layout and title field.
 */
export function checkForm(form: CheckedForm, base: string, scope: CheckScope = {}): Issue[] {
  const out = checkFields(form.fields, pointer(base, 'fields'), form, scope, []);
  const keys = new Set(form.fields.map((f) => f.key));
  form.layout?.sections.forEach((s, i) => {
    s.fields.forEach((key, j) => {
      if (!keys.has(key)) {
        out.push(
          issue('ref.field', pointer(base, 'layout', 'sections', i, 'fields', j), {
            form: form.key,
            field: key,
          }),
        );
      }
    });
  });
  if (form.titleField !== undefined && !keys.has(form.titleField)) {
    out.push(issue('ref.field', pointer(base, 'titleField'), { form: form.key, field: form.titleField }));
  }
  return out;
}
