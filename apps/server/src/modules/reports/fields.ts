import type { ReportField } from '@formloom/report';
import type { FilterField } from '../../lib/filter-dsl/index.js';
import { type FieldDef, filterFieldOf } from '../forms/meta.js';
import type { FormTarget } from '../records/context.js';

type Label = NonNullable<ReportField['label']>;

function asLabel(label: unknown): Label | undefined {
  return label && typeof label === 'object' ? (label as Label) : undefined;
}

function toReportField(field: FilterField, label: unknown, unwind?: string): ReportField {
  const entry: ReportField = { path: field.path, kind: field.kind };
  if (field.multiple) entry.multiple = true;
  if (field.refersTo) entry.refersTo = field.refersTo;
  const text = asLabel(label);
  if (text) entry.label = text;
  if (unwind) entry.unwind = unwind;
  return entry;
}

/**
 * The fields a widget over the form may name, as the report package sees them: the fields the caller may
 * filter by (those hidden from the caller's roles are left out, like unknown ones), plus each visible column
 * of each subform as `subform.column` — counted one subform row at a time.
 */
export function reportFields(target: FormTarget): Map<string, ReportField> {
  const definitions = new Map(target.form.definition.fields.map((f) => [f.key, f]));
  const out = new Map<string, ReportField>();
  for (const [key, field] of target.queryFields) {
    // Subform columns (which the filter DSL lists too) are added below, with their labels.
    if (field.within) continue;
    out.set(key, toReportField(field, definitions.get(key)?.label));
  }
  for (const field of target.form.definition.fields) {
    if (field.type !== 'subform' || field.hidden || target.access.hidden.has(field.key)) continue;
    const columns = Array.isArray(field.columns) ? (field.columns as FieldDef[]) : [];
    for (const column of columns) {
      const key = `${field.key}.${column.key}`;
      // Hidden columns, and lookups shown row by row (of records the caller may not all view), are out.
      if (column.hidden || target.access.hidden.has(key) || target.access.perRecord.has(key) || out.has(key))
        continue;
      const base = filterFieldOf(column);
      const path = `data.${field.key}.${column.key}`;
      out.set(key, toReportField({ ...base, path }, column.label, `data.${field.key}`));
    }
  }
  return out;
}
