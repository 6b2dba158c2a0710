import type { ValidateFunction } from 'ajv/dist/2020.js';
import type { TSchema } from 'typebox';
import { documentAjv, run } from './ajv.js';
import { checkAutomation, checkDashboard, checkRole, checkWidget } from './checks/documents.js';
import { checkFlow } from './checks/flow.js';
import { type CheckScope, checkForm, duplicateKeys } from './checks/form.js';
import { withDefs } from './defs.js';
import { Automation } from './documents/automation.js';
import { Dashboard, Widget } from './documents/dashboard.js';
import { Flow } from './documents/flow.js';
import { App, Form, type MenuItem } from './documents/form.js';
import { Role } from './documents/role.js';
import { TemplatePack } from './documents/template-pack.js';
import { Field } from './field.js';
import { Filter } from './filter.js';
import { type Issue, issue, pointer } from './issues.js';

export type { CheckScope } from './checks/form.js';

/**
 * Root JSON Schemas (draft 2020-12, with `$defs`) of every document kind, for tools outside this package:
 * OpenAPI, editors, CI checks of template packs.
 */
export const documentSchemas = {
  app: withDefs(App),
  form: withDefs(Form),
  field: withDefs(Field),
  flow: withDefs(Flow),
  automation: withDefs(Automation),
  dashboard: withDefs(Dashboard),
  widget: withDefs(Widget),
  role: withDefs(Role),
  templatePack: withDefs(TemplatePack),
  filter: withDefs(Filter),
} as const;

const compiled = new Map<TSchema, ValidateFunction>();

function schemaIssues(schema: TSchema, data: unknown, base = ''): Issue[] {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = documentAjv().compile(withDefs(schema));
    compiled.set(schema, validate);
  }
  return run(validate, data, base);
}

/** Validates a field definition against its type's schema. */
export function validateField(field: unknown): Issue[] {
  return schemaIssues(Field, field);
}

/** Validates a filter of the filter DSL (API.md). */
export function validateFilter(filter: unknown): Issue[] {
  return schemaIssues(Filter, filter);
}

/** Validates an app document. */
export function validateApp(app: unknown): Issue[] {
  return schemaIssues(App, app);
}

/**
 * Validates a form: its schema, then unique keys, field references, formula identifiers and layout.
 * References to other forms are checked only when `scope.forms` lists them.
 */
export function validateForm(form: unknown, scope: CheckScope = {}): Issue[] {
  const issues = schemaIssues(Form, form);
  return issues.length > 0 ? issues : checkForm(form as Form, '', scope);
}

/** Validates a flow; its form, roles and fields are checked when `scope` lists them. */
export function validateFlow(flow: unknown, scope: CheckScope = {}): Issue[] {
  const issues = schemaIssues(Flow, flow);
  return issues.length > 0 ? issues : checkFlow(flow as Flow, '', scope);
}

/** Validates an automation; its forms and fields are checked when `scope.forms` lists them. */
export function validateAutomation(automation: unknown, scope: CheckScope = {}): Issue[] {
  const issues = schemaIssues(Automation, automation);
  return issues.length > 0 ? issues : checkAutomation(automation as Automation, '', scope);
}

/** Validates a dashboard and its widgets; forms and fields are checked when `scope.forms` lists them. */
export function validateDashboard(dashboard: unknown, scope: CheckScope = {}): Issue[] {
  const issues = schemaIssues(Dashboard, dashboard);
  return issues.length > 0 ? issues : checkDashboard(dashboard as Dashboard, '', scope);
}

/** Validates one widget spec (e.g. the body of a report query); its form and fields when `scope.forms` lists them. */
export function validateWidget(widget: unknown, scope: CheckScope = {}): Issue[] {
  const issues = schemaIssues(Widget, widget);
  return issues.length > 0 ? issues : checkWidget(widget as Widget, '', scope);
}

/** Validates a role and its permission set; references are checked when `scope` lists their targets. */
export function validateRole(role: unknown, scope: CheckScope = {}): Issue[] {
  const issues = schemaIssues(Role, role);
  return issues.length > 0 ? issues : checkRole(role as Role, '', scope);
}

/**
 * Validates a template pack: the JSON Schema of every document, then (only if that passes) keys unique
 * per kind and every cross reference by key — forms, fields, roles, dashboards, widgets — plus formula
 * identifiers. Assignees by user id are refused: a pack must import into any workspace.
 */
export function validateTemplatePack(pack: unknown): Issue[] {
  const issues = schemaIssues(TemplatePack, pack);
  if (issues.length > 0) return issues;
  const p = pack as TemplatePack;
  const flows = p.flows ?? [];
  const automations = p.automations ?? [];
  const dashboards = p.dashboards ?? [];
  const roles = p.roles ?? [];
  const scope: CheckScope = {
    forms: p.forms,
    roles: roles.map((r) => r.key),
    dashboards: dashboards.map((d) => d.key),
  };
  const out: Issue[] = [
    ...duplicateKeys(
      p.forms,
      (x) => x.key,
      (i) => pointer('/forms', i, 'key'),
    ),
    ...duplicateKeys(
      flows,
      (x) => x.key,
      (i) => pointer('/flows', i, 'key'),
    ),
    ...duplicateKeys(
      automations,
      (x) => x.key,
      (i) => pointer('/automations', i, 'key'),
    ),
    ...duplicateKeys(
      dashboards,
      (x) => x.key,
      (i) => pointer('/dashboards', i, 'key'),
    ),
    ...duplicateKeys(
      roles,
      (x) => x.key,
      (i) => pointer('/roles', i, 'key'),
    ),
  ];
  p.forms.forEach((f, i) => {
    out.push(...checkForm(f, pointer('/forms', i), scope));
  });
  flows.forEach((f, i) => {
    out.push(...checkFlow(f, pointer('/flows', i), scope));
    f.nodes.forEach((n, j) => {
      const list =
        n.type === 'approval' || n.type === 'fill' ? n.assignees : n.type === 'cc' ? n.recipients : [];
      list.forEach((a, k) => {
        if (a.kind === 'member') {
          const path = pointer('/flows', i, 'nodes', j, n.type === 'cc' ? 'recipients' : 'assignees', k);
          out.push(issue('pack.idReference', path, { value: a.members[0] }));
        }
      });
    });
  });
  automations.forEach((a, i) => {
    out.push(...checkAutomation(a, pointer('/automations', i), scope));
  });
  dashboards.forEach((d, i) => {
    out.push(...checkDashboard(d, pointer('/dashboards', i), scope));
  });
  roles.forEach((r, i) => {
    out.push(...checkRole(r, pointer('/roles', i), scope));
  });
  out.push(
    ...checkMenu(p.app?.menu ?? [], pointer('/app', 'menu'), {
      forms: p.forms.map((f) => f.key),
      dashboards: dashboards.map((d) => d.key),
    }),
  );
  return out;
}

/** The form and dashboard keys a menu may name. */
export interface MenuScope {
  readonly forms: readonly string[];
  readonly dashboards: readonly string[];
}

/** Issues for menu entries (and entries inside groups) naming forms or dashboards that do not exist. */
export function checkMenu(menu: readonly MenuItem[], base: string, scope: MenuScope): Issue[] {
  const out: Issue[] = [];
  menu.forEach((m, i) => {
    if (m.kind === 'form' && !scope.forms.includes(m.form)) {
      out.push(issue('ref.form', pointer(base, i, 'form'), { form: m.form }));
    }
    if (m.kind === 'dashboard' && !scope.dashboards.includes(m.dashboard)) {
      out.push(issue('ref.dashboard', pointer(base, i, 'dashboard'), { dashboard: m.dashboard }));
    }
    if (m.kind === 'group') out.push(...checkMenu(m.items, pointer(base, i, 'items'), scope));
  });
  return out;
}
