import type { DashboardFilter } from '@formloom/schema';
import type { FieldDefinition, FormDefinitionSummary } from '../../../api/apps';
import type { FilterNode } from '../../../api/records';

export type ControlType = DashboardFilter['type'];

/** The system fields each kind of control can filter on. */
const SYSTEM: Record<ControlType, string[]> = {
  period: ['_createdAt', '_updatedAt'],
  member: ['_owner', '_createdBy'],
  department: ['_dept'],
  select: [],
};

/** Whether a field of a form can carry a control of this type. */
function fits(type: ControlType, field: FieldDefinition): boolean {
  if (field.hidden) return false;
  if (type === 'period') return field.type === 'date' || field.type === 'datetime';
  if (type === 'member') return field.type === 'member';
  if (type === 'department') return field.type === 'department';
  return Array.isArray(field.options) && field.options.length > 0;
}

/**
 * The fields a control of `type` may name: those of the dashboard's widget forms (every form of the app
 * before the first widget), by key, then the system fields of that kind.
 */
export function controlFields(
  type: ControlType,
  forms: readonly FormDefinitionSummary[],
): Array<{ key: string; field?: FieldDefinition }> {
  const out = new Map<string, FieldDefinition>();
  for (const form of forms)
    for (const field of form.fields) if (fits(type, field) && !out.has(field.key)) out.set(field.key, field);
  return [...[...out].map(([key, field]) => ({ key, field })), ...SYSTEM[type].map((key) => ({ key }))];
}

/**
 * The field a control filters `form` on, as the server picks it: the form's own entry in `fields`, else the
 * control's `field`; none when the form has no such field (its widgets are left unfiltered).
 */
export function fieldOnForm(control: DashboardFilter, form: FormDefinitionSummary): string | undefined {
  const field = control.fields?.find((f) => f.form === form.key)?.field ?? control.field;
  const known = SYSTEM_FIELDS.has(field) || form.fields.some((f) => f.key === field && !f.hidden);
  return known ? field : undefined;
}

/**
 * The control with `field` as its field on `form`: an entry in `fields` when it differs from the control's
 * `field`, no entry when it is the same (or cleared); `fields` is left out when empty.
 */
export function withFieldOnForm(
  control: DashboardFilter,
  form: string,
  field: string | undefined,
): DashboardFilter {
  const { fields: _fs, ...rest } = control;
  const others = (control.fields ?? []).filter((f) => f.form !== form);
  const next = field && field !== control.field ? [...others, { form, field }] : others;
  return next.length > 0 ? { ...rest, fields: next } : rest;
}

/** A control of `type` on its first fitting field, with a fresh key (`period`, `period2`...). */
export function newControl(
  type: ControlType,
  taken: readonly DashboardFilter[],
  forms: readonly FormDefinitionSummary[],
): DashboardFilter {
  const keys = new Set(taken.map((c) => c.key));
  let key: string = type;
  for (let n = 2; keys.has(key); n++) key = `${type}${n}`;
  const field = controlFields(type, forms)[0]?.key ?? '_createdAt';
  return { key, type, field, ...(type === 'period' ? { default: 'thisMonth' } : {}) };
}

const SYSTEM_FIELDS = new Set(Object.values(SYSTEM).flat());

/**
 * The filters the controls' starting values put on a widget of `form`, for the designer's preview (the saved
 * dashboard's view has the server apply them): a period as `$period`, a member (or `$me`), options as `in`.
 * Departments are left out (the server widens them to the departments below, which the preview cannot).
 */
export function previewFilters(
  controls: readonly DashboardFilter[],
  form: FormDefinitionSummary | undefined,
): FilterNode[] {
  if (!form) return [];
  const out: FilterNode[] = [];
  for (const control of controls) {
    const field = fieldOnForm(control, form);
    const value = control.default;
    if (!field || value === undefined || value === null) continue;
    if (control.type === 'period' && typeof value === 'string')
      out.push({ field, op: 'eq', value: { $period: value } } as FilterNode);
    else if (control.type === 'member' && typeof value === 'string')
      out.push({ field, op: 'eq', value } as FilterNode);
    else if (control.type === 'select' && (typeof value === 'string' || Array.isArray(value)))
      out.push({ field, op: 'in', value: Array.isArray(value) ? value : [value] } as FilterNode);
  }
  return out;
}
