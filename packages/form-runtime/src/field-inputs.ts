import { compileFieldFormula, FormulaSetupError } from './formulas.js';
import { formulaKinds, lookupTarget, planScope, rollupFieldRefs, type ScopePlan } from './plan.js';
import type { FieldDef, FormDefinition, FormDirectory } from './types.js';

/**
 * One value a derived field is made of: a field of the same form (a key, or `subform.column`), or a field
 * of another form — read through the relation `via` (a lookup; `subform.column` for a relation column),
 * or over that form's records (a rollup's field and condition fields).
 */
export type FieldInput = { field: string } | { form: string; field: string; via?: string };

/**
 * The derived fields of one form — formulas, lookups, rollups and fields with a default formula, subform
 * columns as `subform.column` — each with the values it is computed from.
 */
export type FormInputs = ReadonlyMap<string, readonly FieldInput[]>;

/** {@link FormInputs} of every form of an app, by form key. */
export type AppInputs = ReadonlyMap<string, FormInputs>;

/** A reference a formula of `scope` makes, as a key of the form: columns of the scope's own rows prefixed. */
function localRef(ref: string, columns: ReadonlySet<string>, prefix: string, subforms: ReadonlySet<string>) {
  const [head = ref, column] = ref.split('.');
  if (prefix && columns.has(head)) return `${prefix}${head}`;
  // `items.qty` names a column of one of the form's subforms; `planTiers.rate` (a lookup of another
  // form's subform) or anything else dotted is made of the field itself.
  return column !== undefined && subforms.has(head) ? ref : head;
}

/** Field keys a rollup's conditions compare on the source form (system fields `_owner`... are never hidden). */
function conditionFields(conditions: unknown): string[] {
  const out = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node !== null && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (typeof o.field === 'string' && !o.field.startsWith('_')) out.add(o.field);
      if (Array.isArray(o.and)) walk(o.and);
      if (Array.isArray(o.or)) walk(o.or);
    }
  };
  walk(conditions);
  return [...out];
}

function formulaInputs(program: { dependencies: readonly string[] }, ref: (key: string) => string) {
  return [...new Set(program.dependencies.map(ref))].map((field): FieldInput => ({ field }));
}

/** The inputs of one scope's derived fields (the form, or one subform's rows with `prefix`). */
function scopeInputs(
  fields: readonly FieldDef[],
  plan: ScopePlan,
  forms: FormDirectory,
  kinds: Record<string, string>,
  prefix: string,
  subforms: ReadonlySet<string>,
  out: Map<string, FieldInput[]>,
): void {
  const columns = new Set(prefix ? fields.map((f) => f.key) : []);
  const ref = (key: string) => localRef(key, columns, prefix, subforms);
  for (const field of fields) {
    if (field.hidden) continue;
    const key = `${prefix}${field.key}`;
    const inputs: FieldInput[] = [];
    const program = plan.formulas.get(field.key);
    if (field.type === 'formula' && program) inputs.push(...formulaInputs(program, ref));
    if (field.type === 'lookup') {
      const relation = fields.find((f) => f.key === field.relation);
      const target = lookupTarget(field, fields, forms);
      if (relation && typeof relation.form === 'string' && target) {
        inputs.push({ form: relation.form, field: target.key, via: `${prefix}${relation.key}` });
      }
    }
    if (field.type === 'rollup' && typeof field.form === 'string') {
      if (typeof field.field === 'string') inputs.push({ form: field.form, field: field.field });
      for (const name of conditionFields(field.conditions)) inputs.push({ form: field.form, field: name });
      for (const host of rollupFieldRefs(field.conditions)) inputs.push({ field: ref(host) });
    }
    // A relation linked by a rule is made of what the rule compares, as a rollup is: whether (and which)
    // record it linked tells those values.
    if (field.type === 'relation' && field.autoLink !== undefined && typeof field.form === 'string') {
      for (const name of conditionFields(field.autoLink)) inputs.push({ form: field.form, field: name });
      for (const host of rollupFieldRefs(field.autoLink)) inputs.push({ field: ref(host) });
    }
    if (field.default && 'formula' in field.default && typeof field.default.formula === 'string') {
      try {
        const compiled = compileFieldFormula(field.default.formula, kinds, '');
        inputs.push(...formulaInputs(compiled, ref));
      } catch (error) {
        // A published form's defaults compile; a draft's broken one is reported by publishing.
        if (!(error instanceof FormulaSetupError)) throw error;
      }
    }
    const isDerived =
      field.type === 'formula' || field.type === 'lookup' || field.type === 'rollup' || inputs.length > 0;
    if (isDerived) out.set(key, inputs);
  }
}

/**
 * What each derived field of a form is computed from, found with the formula compiler's own dependency
 * lists (not a text scan): the graph the access layer follows to hide a value made of a hidden one.
 */
export function fieldInputs(definition: FormDefinition, forms: FormDirectory): FormInputs {
  const fields = definition.fields;
  const plan = planScope(fields, forms);
  const kinds = formulaKinds(fields, forms);
  const subforms = new Set(fields.filter((f) => f.type === 'subform' && !f.hidden).map((f) => f.key));
  const out = new Map<string, FieldInput[]>();
  scopeInputs(fields, plan, forms, kinds, '', subforms, out);
  for (const field of fields) {
    if (field.hidden || field.type !== 'subform' || !Array.isArray(field.columns)) continue;
    const columns = field.columns as FieldDef[];
    const outer = outerKinds(kinds, field.key);
    const sub = plan.subforms.get(field.key) ?? planScope(columns, forms, outer);
    scopeInputs(columns, sub, forms, formulaKinds(columns, forms, outer), `${field.key}.`, subforms, out);
  }
  return out;
}

function outerKinds(kinds: Record<string, string>, subform: string): Record<string, string> {
  return Object.fromEntries(Object.entries(kinds).filter(([k]) => !k.startsWith(`${subform}.`)));
}

/** {@link fieldInputs} of every form of a directory. */
export function appInputs(
  forms: readonly { key: string; definition: FormDefinition }[],
  directory: FormDirectory,
) {
  const out = new Map<string, FormInputs>();
  for (const form of forms) out.set(form.key, fieldInputs(form.definition, directory));
  return out as AppInputs;
}
