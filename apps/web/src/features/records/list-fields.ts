import { type FieldValueKind, valueKindOf } from '@formloom/form-runtime';
import type { FieldDefinition, FormAccess, FormDefinitionSummary } from '../../api/apps';
import { localized } from '../../i18n/localized';
import { titleFieldOf } from '../forms/fields/relations';

/** The record properties every form has, as list columns and filter fields. */
export const SYSTEM_COLUMNS = ['_createdAt', '_updatedAt', '_owner'] as const;

/** The fields of a form the caller may see (not removed, not hidden from their roles). */
export function visibleFields(form: FormDefinitionSummary, access: FormAccess): FieldDefinition[] {
  const hidden = new Set(access.hidden);
  return form.fields.filter((f) => !f.hidden && !hidden.has(f.key));
}

/** The columns a list starts with: the title field first, then the next few that fit a table cell. */
export function defaultColumns(form: FormDefinitionSummary, fields: readonly FieldDefinition[]): string[] {
  const title = titleFieldOf(form);
  const rest = fields.filter(
    (f) => f.key !== title && !['subform', 'textarea', 'signature', 'address'].includes(f.type),
  );
  return [...(title ? [title] : []), ...rest.slice(0, title ? 5 : 6).map((f) => f.key), '_createdAt'];
}

/** How a field (or a system column) filters and sorts, from the one mapping the server uses. */
export function kindOf(
  key: string,
  form: FormDefinitionSummary,
  formByKey: (key: string) => FormDefinitionSummary | undefined,
): FieldValueKind {
  if (key === '_createdAt' || key === '_updatedAt') return { kind: 'timestamp' };
  if (key === '_owner' || key === '_createdBy') return { kind: 'objectId', refersTo: 'member' };
  const field = form.fields.find((f) => f.key === key);
  if (!field) return { kind: 'opaque' };
  let target: FieldDefinition | undefined;
  if (field.type === 'lookup') {
    const relation = form.fields.find((f) => f.key === field.relation);
    const related = typeof relation?.form === 'string' ? formByKey(relation.form) : undefined;
    target = related?.fields.find((f) => f.key === field.field);
  }
  return valueKindOf(field as never, target as never);
}

/** Whether a column can be sorted by (single values only, as the server allows). */
export function sortable(kind: FieldValueKind): boolean {
  return kind.kind !== 'opaque' && !kind.multiple;
}

/** A column's header: the field's label, or a system column's name (translated by the caller). */
export function columnLabel(key: string, form: FormDefinitionSummary, language: string): string | undefined {
  const field = form.fields.find((f) => f.key === key);
  return field ? localized(field.label as never, language) || field.key : undefined;
}
