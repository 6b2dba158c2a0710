import type { ValidateFunction } from 'ajv/dist/2020.js';
import { documentAjv, run } from '../ajv.js';
import { withDefs } from '../defs.js';
import type { Automation } from '../documents/automation.js';
import { automationActions } from '../documents/automation-actions.js';
import { type Dashboard, DERIVED_MEASURE_KINDS, type Measure, type Widget } from '../documents/dashboard.js';
import type { Role } from '../documents/role.js';
import type { BaseField, FormRef } from '../field-types/define.js';
import { checkFilterFields, resolveFilterField } from '../filter-walk.js';
import { formulaIdentifiers, resolvesIn } from '../formula-refs.js';
import { type Issue, issue, pointer } from '../issues.js';
import { type CheckScope, duplicateKeys } from './form.js';

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

/** Fields whose value is made of other values: the ones a role may declassify. */
function isDerived(field: BaseField): boolean {
  const def = (field as { default?: unknown }).default;
  return (
    field.type === 'formula' ||
    field.type === 'lookup' ||
    field.type === 'rollup' ||
    // A relation linked by a rule is made of what the rule compares (docs/permissions.md).
    (field.type === 'relation' && (field as { autoLink?: unknown }).autoLink !== undefined) ||
    (def !== null && typeof def === 'object' && 'formula' in def)
  );
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
  const names = (formula: string, path: string) => {
    if (!form) return;
    for (const name of formulaIdentifiers(formula)) {
      if (AUTOMATION_SCOPE.has(name.split('.')[0] ?? '') || resolvesIn(name, form.fields)) continue;
      out.push(issue('formula.unknownField', path, { name }));
    }
  };
  a.conditions?.forEach((c, i) => {
    names(c, pointer(base, 'conditions', i));
  });
  a.actions.forEach((act, i) => {
    if (act.when !== undefined) names(act.when, pointer(base, 'actions', i, 'when'));
    out.push(...checkActionConfig(act, pointer(base, 'actions', i), scope));
  });
  return out;
}

/** How a measure gets its value: the aggregate, or the derived kinds it sets (exactly one is valid). */
function measureKinds(m: Measure): string[] {
  const kinds: string[] = m.aggregate === undefined ? [] : ['aggregate'];
  for (const kind of DERIVED_MEASURE_KINDS) if (m[kind] !== undefined) kinds.push(kind);
  return kinds;
}

function checkMeasure(m: Measure, p: string, form: FormRef | undefined, scope: CheckScope, out: Issue[]) {
  const kinds = measureKinds(m);
  if (kinds.length !== 1) {
    out.push(issue('widget.measureKind', p, { kinds: kinds.join(', ') || 'none' }));
    return;
  }
  if (m.aggregate !== undefined) {
    if (m.field !== undefined) fieldRef(form, m.field, pointer(p, 'field'), out);
    else if (m.aggregate !== 'count')
      out.push(issue('schema.required', pointer(p, 'field'), { missingProperty: 'field' }));
    return;
  }
  if (m.field !== undefined)
    out.push(issue('widget.measureKind', pointer(p, 'field'), { kinds: kinds[0] ?? '' }));
  if (m.key === undefined) out.push(issue('schema.required', pointer(p, 'key'), { missingProperty: 'key' }));
  const t = m.target;
  if (!t) return;
  const other = findForm(scope, t.form, pointer(p, 'target', 'form'), out);
  if (t.field !== undefined) fieldRef(other, t.field, pointer(p, 'target', 'field'), out);
  else if (t.aggregate !== 'count')
    out.push(issue('schema.required', pointer(p, 'target', 'field'), { missingProperty: 'field' }));
  t.match?.forEach((dim, k) => {
    fieldRef(other, dim.field, pointer(p, 'target', 'match', k, 'field'), out);
  });
  if (t.period !== undefined) fieldRef(other, t.period, pointer(p, 'target', 'period'), out);
  if (other && t.filter) out.push(...checkFilterFields(other, t.filter, pointer(p, 'target', 'filter')));
}

/** Names automation formulas have besides the trigger form's fields: the run's input, a forEach item. */
const AUTOMATION_SCOPE = new Set(['input', 'item']);

const configValidators = new Map<string, ValidateFunction>();

/** An action's config against its registry entry's schema, and the forms it names against the pack. */
export function checkActionConfig(
  act: { type: string; config: Record<string, unknown> },
  base: string,
  scope: CheckScope = {},
): Issue[] {
  const entry = automationActions.get(act.type);
  if (!entry) return [issue('ref.action', pointer(base, 'type'), { action: act.type })];
  let validate = configValidators.get(act.type);
  if (!validate) {
    validate = documentAjv().compile(withDefs(entry.config));
    configValidators.set(act.type, validate);
  }
  const issues = run(validate, act.config, pointer(base, 'config'));
  if (issues.length > 0) return issues;
  const out: Issue[] = [];
  for (const ref of entry.formRefs(act.config))
    findForm(scope, ref.form, pointer(base, 'config', ...ref.path), out);
  return out;
}

/** Checks beyond the JSON Schema of one widget: its form, dimension, measure and filter fields. */
export function checkWidget(w: Widget, p: string, scope: CheckScope = {}): Issue[] {
  const out: Issue[] = [];
  const form = findForm(scope, w.source.form, pointer(p, 'source', 'form'), out);
  w.dimensions?.forEach((dim, j) => {
    fieldRef(form, dim.field, pointer(p, 'dimensions', j, 'field'), out);
  });
  w.drilldown?.forEach((dim, j) => {
    fieldRef(form, dim.field, pointer(p, 'drilldown', j, 'field'), out);
  });
  w.measures?.forEach((m, j) => {
    checkMeasure(m, pointer(p, 'measures', j), form, scope, out);
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
  out.push(
    ...duplicateKeys(
      d.filters ?? [],
      (f) => f.key,
      (i) => pointer(base, 'filters', i, 'key'),
    ),
  );
  d.filters?.forEach((f, i) => {
    f.fields?.forEach((entry, k) => {
      const form = findForm(scope, entry.form, pointer(base, 'filters', i, 'fields', k, 'form'), out);
      fieldRef(form, entry.field, pointer(base, 'filters', i, 'fields', k, 'field'), out);
    });
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
      const path = pointer(p, 'fields', j, 'field');
      fieldRef(form, fa.field, path, out);
      const field = form ? resolveFilterField(form, fa.field) : undefined;
      if (fa.access === 'visible' && typeof field === 'object' && !isDerived(field))
        out.push(issue('access.notDerived', path, { field: fa.field }));
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
