/**
 * A generic test pack covering every field type, relations (single, multiple, to itself), lookups,
 * rollups over forms that relate back (a cycle between forms), a formula chain, subform column formulas,
 * roles with data scopes and field access, a flow, an automation, a dashboard and records.
 * Used by the import/export tests; returns a fresh copy each call.
 */
export function richPack(): Record<string, unknown> {
  const t = (en: string) => ({ en, 'zh-CN': en });
  const f = (key: string, type: string, extra: Record<string, unknown> = {}) => ({
    key,
    type,
    label: t(key),
    ...extra,
  });
  const opts = (...values: string[]) => values.map((value) => ({ value }));
  return {
    manifest: {
      key: 'studio',
      name: t('Studio'),
      version: '1.2.3',
      description: t('Clients, projects and tasks'),
      locales: ['en', 'zh-CN'],
    },
    app: {
      key: 'studio',
      name: t('Studio'),
      color: '#1677ff',
      menu: [
        { kind: 'form', form: 'clients' },
        { kind: 'dashboard', dashboard: 'overview' },
      ],
    },
    forms: [
      {
        key: 'clients',
        name: t('Clients'),
        titleField: 'name',
        fields: [
          f('name', 'text', { required: true, unique: true, indexed: true }),
          f('tier', 'select', { options: opts('gold', 'silver') }),
          f('region', 'radio', { options: opts('north', 'south') }),
          f('tags', 'multiselect', { options: opts('x', 'y', 'z') }),
          f('channels', 'checkbox', { options: opts('mail', 'call') }),
          f('active', 'switch'),
          f('email', 'email'),
          f('phone', 'phone'),
          f('website', 'url'),
          f('address', 'address', { level: 'city' }),
          f('stars', 'rating', { max: 5 }),
          f('manager', 'member'),
          f('team', 'department'),
          f('logo', 'image', { maxFiles: 1 }),
          f('files', 'attachment'),
          f('sign', 'signature'),
          f('notes', 'textarea', { rows: 3 }),
          f('since', 'date'),
          f('lastContact', 'datetime'),
          f('no', 'serial', { pattern: [{ text: 'C-' }, { seq: 4 }] }),
          f('creator', 'system', { source: 'creator' }),
          f('openBudget', 'rollup', {
            form: 'projects',
            field: 'budget',
            aggregate: 'sum',
            conditions: { field: 'clientName', op: 'eq', value: { $field: 'name' } },
          }),
          f('projectCount', 'rollup', {
            form: 'projects',
            aggregate: 'count',
            conditions: { field: 'clientName', op: 'eq', value: { $field: 'name' } },
          }),
          f('doubled', 'formula', { expression: 'openBudget * 2', resultType: 'number' }),
        ],
        layout: { sections: [{ title: t('Basics'), columns: 2, fields: ['name', 'tier', 'region'] }] },
      },
      {
        key: 'projects',
        name: t('Projects'),
        titleField: 'code',
        fields: [
          f('code', 'text', { required: true, unique: true }),
          f('client', 'relation', { form: 'clients', displayField: 'name', required: true }),
          // Rollups match on stored values, so the client's name is kept as text, not as a lookup.
          f('clientName', 'text', { required: true }),
          f('clientTier', 'lookup', { relation: 'client', field: 'tier' }),
          f('budget', 'money', { currency: 'USD', validation: { min: 0 } }),
          f('discount', 'percent', { precision: 1 }),
          f('net', 'formula', { expression: 'budget * (1 - discount)', resultType: 'number' }),
          f('gross', 'formula', { expression: 'net * 1.5', resultType: 'number' }),
          f('twiceGross', 'formula', { expression: 'gross * 2', resultType: 'number' }),
          f('items', 'subform', {
            columns: [
              f('item', 'text'),
              f('qty', 'number', { precision: 0 }),
              f('price', 'money', { currency: 'USD' }),
              f('lineTotal', 'formula', { expression: 'qty * price', resultType: 'number' }),
            ],
          }),
          f('itemsTotal', 'formula', { expression: 'SUM(items.lineTotal)', resultType: 'number' }),
          f('related', 'relation', { form: 'projects', multiple: true }),
          f('taskCount', 'rollup', {
            form: 'tasks',
            aggregate: 'count',
            conditions: { field: 'projectCode', op: 'eq', value: { $field: 'code' } },
          }),
          f('hours', 'number', { precision: 1, indexed: true }),
        ],
      },
      {
        key: 'tasks',
        name: t('Tasks'),
        fields: [
          f('title', 'text', { required: true }),
          f('project', 'relation', { form: 'projects' }),
          f('projectCode', 'text'),
          f('projectBudget', 'lookup', { relation: 'project', field: 'budget' }),
          f('done', 'switch'),
          f('links', 'subform', {
            columns: [f('note', 'text'), f('client', 'relation', { form: 'clients' })],
          }),
          f('estimate', 'number'),
        ],
      },
    ],
    flows: [
      {
        key: 'project_review',
        name: t('Review'),
        form: 'projects',
        nodes: [
          { id: 'start', type: 'start' },
          { id: 'lead', type: 'approval', mode: 'or', assignees: [{ kind: 'role', role: 'lead' }] },
          { id: 'end', type: 'end', outcome: 'approved' },
        ],
        edges: [
          { from: 'start', to: 'lead' },
          { from: 'lead', to: 'end' },
        ],
      },
    ],
    automations: [
      {
        key: 'on_task',
        name: t('On task'),
        enabled: true,
        trigger: { type: 'recordCreated', form: 'tasks' },
        actions: [{ type: 'notify', config: { to: [{ kind: 'submitter' }], title: 'New task' } }],
      },
    ],
    dashboards: [
      {
        key: 'overview',
        name: t('Overview'),
        widgets: [
          {
            key: 'budget',
            type: 'kpi',
            title: t('Budget'),
            source: { form: 'projects' },
            measures: [{ field: 'budget', aggregate: 'sum' }],
          },
        ],
        layout: [{ widget: 'budget', x: 0, y: 0, w: 6, h: 4 }],
      },
    ],
    roles: [
      {
        key: 'editor',
        name: t('Editor'),
        dashboards: ['overview'],
        forms: [
          {
            form: 'projects',
            submit: true,
            view: 'all',
            edit: 'own',
            delete: 'own',
            export: true,
            fields: [{ field: 'discount', access: 'readOnly' }],
          },
          {
            form: 'clients',
            view: { custom: { field: 'region', op: 'eq', value: 'north' } },
            fields: [{ field: 'notes', access: 'hidden' }],
          },
        ],
      },
      { key: 'viewer', name: t('Viewer'), forms: [{ form: 'tasks', view: 'department' }] },
      { key: 'lead', name: t('Lead'), manageApp: true, forms: [] },
    ],
    records: {
      clients: [
        {
          ref: 'acme',
          data: {
            name: 'Acme',
            tier: 'gold',
            region: 'north',
            tags: ['x', 'y'],
            channels: ['mail'],
            active: true,
            email: 'hello@acme.example',
            phone: '+1 555 0100',
            website: 'https://acme.example',
            address: { province: 'zj', city: 'hz' },
            stars: 4,
            notes: 'first client',
            since: '2026-01-05',
            lastContact: '2026-02-01T10:00:00.000Z',
          },
        },
        { ref: 'globex', data: { name: 'Globex', tier: 'silver', region: 'south' } },
      ],
      projects: [
        {
          ref: 'p1',
          data: {
            code: 'P1',
            client: 'acme',
            clientName: 'Acme',
            budget: 1000,
            discount: 0.1,
            items: [
              { item: 'a', qty: 2, price: 10 },
              { item: 'b', qty: 1, price: 5 },
            ],
            related: ['p2'],
            hours: 1.5,
          },
        },
        {
          ref: 'p2',
          data: { code: 'P2', client: 'acme', clientName: 'Acme', budget: 500, discount: 0, related: ['p1'] },
        },
        { ref: 'p3', data: { code: 'P3', client: 'globex', clientName: 'Globex', budget: 200 } },
      ],
      tasks: [
        {
          data: {
            title: 'Design',
            project: 'p1',
            projectCode: 'P1',
            done: true,
            estimate: 3,
            links: [{ note: 'ask', client: 'globex' }],
          },
        },
        { data: { title: 'Build', project: 'p1', projectCode: 'P1', estimate: 5 } },
        { data: { title: 'Ship', project: 'p3', projectCode: 'P3' } },
      ],
    },
  };
}
