import type { AppInstance } from '../app.js';
import type { Session } from '../modules/auth/test-helpers.js';

// The forms, roles and dashboard the examples of docs/ name (deals, contracts, targets, quotes, ...), so
// each example runs as written. Keys follow the docs' own examples.

export const label = (en: string) => ({ en });
export const field = (key: string, type: string, extra: Record<string, unknown> = {}) => ({
  key,
  type,
  label: label(key),
  ...extra,
});
const options = (...values: string[]) => values.map((value) => ({ value }));
const form = (key: string, fields: unknown[]) => ({ key, name: label(key), fields });

export const DOC_FORMS = [
  form('deals', [
    field('title', 'text'),
    field('name', 'text'),
    field('region', 'text'),
    field('stage', 'select', { options: options('new', 'won', 'lost') }),
    field('highest', 'text'),
    field('amount', 'number'),
    field('margin', 'number'),
    field('payable', 'formula', { expression: 'margin * 0.1', resultType: 'number' }),
    field('commission', 'number'),
    field('pace', 'number'),
    field('notes', 'text'),
    field('owner', 'member'),
    field('closeDate', 'date'),
  ]),
  form('invoices', [field('no', 'text')]),
  form('contracts', [
    field('deal', 'relation', { form: 'deals' }),
    field('amount', 'number'),
    field('signedOn', 'date'),
    field('productLine', 'select', { options: options('hardware', 'services') }),
  ]),
  form('statements', [field('rep', 'member'), field('period', 'text')]),
  form('targets', [
    field('parent', 'relation', { form: 'targets' }),
    field('amount', 'number'),
    field('lastYear', 'number'),
    field('method', 'select', { options: options('equal', 'history') }),
    field('assignee', 'member'),
    field('metric', 'text'),
    field('periodStart', 'date'),
  ]),
  form('projects', [field('name', 'text')]),
  form('tasks', [field('project', 'relation', { form: 'projects' }), field('title', 'text')]),
  form('quotes', [
    field('no', 'text'),
    field('total', 'number'),
    field('maxDiscount', 'number'),
    field('items', 'subform', { columns: [field('qty', 'number')] }),
    field('rep', 'member'),
    field('actual', 'number'),
    field('note', 'text'),
  ]),
  form('customers', [field('name', 'text'), field('region', 'text'), field('owner', 'member')]),
  form('visits', [field('customer', 'relation', { form: 'customers' }), field('visitDate', 'date')]),
  form('parts', [field('code', 'text', { unique: true }), field('qty', 'number')]),
  form('requests', [
    field('employee', 'member'),
    field('kind', 'select', { options: options('annual', 'sick', 'unpaid') }),
    field('days', 'number'),
    field('costCentre', 'text'),
    field('salary', 'number'),
    field('note', 'text'),
  ]),
];

const role = (key: string) => ({ key, name: label(key), forms: [] });
export const DOC_ROLES = ['rep', 'legal', 'finance', 'hr'].map(role);

export const DOC_DASHBOARD = {
  key: 'my_performance',
  name: label('My performance'),
  widgets: [
    {
      key: 'won',
      type: 'kpi',
      title: label('Won'),
      source: { form: 'deals' },
      measures: [{ aggregate: 'sum', field: 'amount' }],
    },
  ],
  layout: [{ widget: 'won', x: 0, y: 0, w: 6, h: 4 }],
};

/** A pack of the docs' forms, roles (unless others are given) and dashboard, with the documents given. */
export function docPack(extra: Record<string, unknown> = {}) {
  const {
    roles = DOC_ROLES,
    dashboards = [],
    ...rest
  } = extra as { roles?: unknown[]; dashboards?: unknown[] };
  return {
    manifest: { key: 'docs', name: label('Docs'), version: '0.1.0', locales: ['en'] },
    forms: DOC_FORMS,
    roles,
    dashboards: [DOC_DASHBOARD, ...dashboards],
    ...rest,
  };
}

/** Calls of one owner against their workspace, and pack imports under fresh app keys. */
export function docCaller(app: AppInstance, owner: Session & { workspaceId: string }) {
  const base = `/api/v1/workspaces/${owner.workspaceId}`;
  let imports = 0;
  const call = (method: 'GET' | 'POST' | 'PATCH', path: string, payload?: unknown) =>
    app.inject({
      method,
      url: `${base}${path}`,
      headers: owner.headers,
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    });
  const importPack = (pack: Record<string, unknown>, options: { demoData?: boolean } = {}) => {
    imports += 1;
    return call('POST', '/apps/import', { pack, appKey: `docs${imports}`, ...options });
  };
  return { call, importPack };
}
