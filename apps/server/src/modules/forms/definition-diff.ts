import type { FieldDef, FormDefinition } from './meta.js';

/** What happened to one field (or subform column, keyed `subform.column`) between two definitions. */
export interface FieldChange {
  key: string;
  change: 'added' | 'removed' | 'changed';
  /** Top-level properties of the field that differ (for `changed`), e.g. `["label", "required"]`. */
  properties?: string[];
  before?: FieldDef;
  after?: FieldDef;
}

/** The difference between two form definitions: form-level properties and fields. */
export interface DefinitionDiff {
  /** Form properties other than `fields` that differ (`name`, `layout`, `titleField`, ...). */
  form: string[];
  fields: FieldChange[];
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

/** Objects with sorted keys, so property order never counts as a change. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value as Record<string, unknown>)
      .sort()
      .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
  );
}

/** A field that is hidden is removed as far as users are concerned. */
const live = (fields: readonly FieldDef[]) => fields.filter((f) => !f.hidden);

function diffFields(before: readonly FieldDef[], after: readonly FieldDef[], prefix: string): FieldChange[] {
  const out: FieldChange[] = [];
  const old = new Map(live(before).map((f) => [f.key, f]));
  const next = new Map(live(after).map((f) => [f.key, f]));
  for (const [key, field] of next) {
    const previous = old.get(key);
    if (!previous) {
      out.push({ key: prefix + key, change: 'added', after: field });
      continue;
    }
    const names = new Set([...Object.keys(previous), ...Object.keys(field)]);
    const properties = [...names].filter((p) => p !== 'columns' && !same(previous[p], field[p])).sort();
    if (properties.length > 0) {
      out.push({ key: prefix + key, change: 'changed', properties, before: previous, after: field });
    }
    if (field.type === 'subform' && previous.type === 'subform') {
      out.push(
        ...diffFields(
          (previous.columns as FieldDef[] | undefined) ?? [],
          (field.columns as FieldDef[] | undefined) ?? [],
          `${key}.`,
        ),
      );
    }
  }
  for (const [key, field] of old) {
    if (!next.has(key)) out.push({ key: prefix + key, change: 'removed', before: field });
  }
  return out;
}

/**
 * Compares two definitions of one form: which form properties changed, which fields were added, removed
 * (or hidden) and changed, down to subform columns. Key order inside objects does not count.
 */
export function diffDefinitions(before: FormDefinition, after: FormDefinition): DefinitionDiff {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  const form = [...names].filter((p) => p !== 'fields' && !same(before[p], after[p])).sort();
  return { form, fields: diffFields(before.fields, after.fields, '') };
}
