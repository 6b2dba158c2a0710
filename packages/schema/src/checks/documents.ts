import type { Automation } from '../documents/automation.js';
import type { Dashboard, Widget } from '../documents/dashboard.js';
import type { Role } from '../documents/role.js';
import type { FormRef } from '../field-types/define.js';
import { checkFilterFields, resolveFilterField } from '../filter-walk.js';
import { type Issue, issue, pointer } from '../issues.js';
import { type CheckScope, checkFormula, duplicateKeys } from './form.js';

function findForm(scope: CheckScope, key: string, path: string, out: Issue[]): FormRef | undefined {
  if (!scope.forms) return undefined;
  const form = scope.forms.find((f) => f.key === key);
  if (!form) out.push(issue('ref.form', path, { form: key }));
  return form;
}

function fieldRef(form: FormRef | undefined, ref: string, path: string, out: Issue[]): void {
  if (form && resolveFilterField(form, ref) === undefined)
    out.push(issue('ref.field', path, { form: form.key, field: ref }));
}

/**
 * Checks beyond the JSON Schema of an automation: the trigger's form and fields, condition identifiers
 * (against the trigger's form), and any `form` key an action's config names.
 */
export function checkAutomation(a: Automation, base: string, scope: CheckScope = {}): Issue[] {
  const out: Issue[] = [];
  const t = a.trigger;
  let form: FormRef | undefined;
  if ('form' in t) {
    form = findForm(scope, t.form, pointer(base, 'trigger', 'form'), out);
    if (t.type === 'fieldChanged') fieldRef(form, t.field, pointer(base, 'trigger', 'field'), out);
    if (t.type === 'recordUpdated')
      t.fields?.forEach((f, i) => {
        fieldRef(form, f, pointer(base, 'trigger', 'fields', i), out);
      });
  }
  if (form)
    a.conditions?.forEach((c, i) => {
      out.push(...checkFormula(c, pointer(base, 'conditions', i), form.fields));
    });
  a.actions.forEach((act, i) => {
    // Action configs belong to the action registry; a `form` string is by convention a form key.
    const target = act.config.form;
    if (typeof target === 'string')
      findForm(scope, target, pointer(base, 'actions', i, 'config', 'form'), out);
  });
  return out;
}

/** Checks beyond the JSON Schema of one widget: its form, dimension, measure and filter fields. */
export function checkWidget(w: Widget, p: string, scope: CheckScope = {}): Issue[] {
  const out: Issue[] = [];
  const form = findForm(scope, w.source.form, pointer(p, 'source', 'form'), out);
  w.dimensions?.forEach((dim, j) => {
    fieldRef(form, dim.field, pointer(p, 'dimensions', j, 'field'), out);
  });
  w.measures?.forEach((m, j) => {
    if (m.field !== undefined) fieldRef(form, m.field, pointer(p, 'measures', j, 'field'), out);
    else if (m.aggregate !== 'count')
      out.push(issue('schema.required', pointer(p, 'measures', j, 'field'), { missingProperty: 'field' }));
  });
  if (form && w.filter) out.push(...checkFilterFields(form, w.filter, pointer(p, 'filter')));
  return out;
}

/** Checks beyond the JSON Schema of a dashboard: unique widget keys, each widget, the layout. */
export function checkDashboard(d: Dashboard, base: string, scope: CheckScope = {}): Issue[] {
  const out = duplicateKeys(
    d.widgets,
    (w) => w.key,
    (i) => pointer(base, 'widgets', i, 'key'),
  );
  d.widgets.forEach((w, i) => {
    out.push(...checkWidget(w, pointer(base, 'widgets', i), scope));
  });
  const keys = new Set(d.widgets.map((w) => w.key));
  d.layout?.forEach((cell, i) => {
    if (!keys.has(cell.widget))
      out.push(issue('ref.widget', pointer(base, 'layout', i, 'widget'), { widget: cell.widget }));
  });
  return out;
}

/** Checks beyond the JSON Schema of a role: one entry per form, forms, fields, custom filters, dashboards. */
export function checkRole(r: Role, base: string, scope: CheckScope = {}): Issue[] {
  const out = duplicateKeys(
    r.forms,
    (p) => p.form,
    (i) => pointer(base, 'forms', i, 'form'),
  );
  r.forms.forEach((perm, i) => {
    const p = pointer(base, 'forms', i);
    const form = findForm(scope, perm.form, pointer(p, 'form'), out);
    perm.fields?.forEach((fa, j) => {
      fieldRef(form, fa.field, pointer(p, 'fields', j, 'field'), out);
    });
    for (const action of ['view', 'edit', 'delete'] as const) {
      const s = perm[action];
      if (form && typeof s === 'object')
        out.push(...checkFilterFields(form, s.custom, pointer(p, action, 'custom')));
    }
  });
  r.dashboards?.forEach((key, i) => {
    if (scope.dashboards && !scope.dashboards.includes(key)) {
      out.push(issue('ref.dashboard', pointer(base, 'dashboards', i), { dashboard: key }));
    }
  });
  return out;
}
