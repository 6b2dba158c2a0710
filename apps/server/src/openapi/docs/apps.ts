import type { RouteDocs } from '../route-docs.js';
import { arrayOf, bool, dateTime, errorBody, id, int, label, object, open, str } from '../shapes.js';

// Apps, their roles and access, template packs and forms.
const WS_APP = '6b119b19ebc163a9893b8eb2';
const FORM = '6b119b803552c266f80e1053';
const AT = '2026-12-03T08:00:00.000Z';
const definition = {
  key: 'orders',
  name: { en: 'Orders', 'zh-CN': '订单' },
  fields: [
    { key: 'customer', type: 'text', label: { en: 'Customer', 'zh-CN': '客户' }, required: true },
    { key: 'amount', type: 'money', label: { en: 'Amount', 'zh-CN': '金额' }, currency: 'CNY' },
  ],
};
const role = {
  key: 'rep',
  name: { en: 'Rep', 'zh-CN': '销售代表' },
  forms: [
    {
      form: 'orders',
      submit: true,
      view: 'own',
      edit: 'own',
      fields: [{ field: 'margin', access: 'hidden' }],
    },
  ],
};

const appView = object(
  {
    id,
    key: str,
    name: label,
    roles: arrayOf(open),
    createdAt: dateTime,
    menu: arrayOf(open),
    color: str,
    icon: str,
  },
  ['menu', 'color', 'icon', 'description'],
);
const appExample = {
  id: WS_APP,
  key: 'crm',
  name: { en: 'CRM', 'zh-CN': '客户管理' },
  roles: [role],
  createdAt: AT,
};
const formSummary = object({ id, key: str, name: label, version: int, fields: arrayOf(open) });
const formDetail = object({
  id,
  app: id,
  key: str,
  name: label,
  version: int,
  v: int,
  definition: open,
  published: open,
  updatedAt: dateTime,
});
const formExample = {
  id: FORM,
  app: WS_APP,
  key: 'orders',
  name: definition.name,
  version: 1,
  v: 1,
  definition,
  published: definition,
  updatedAt: AT,
};
const publishReport = object({ version: int, hidden: arrayOf(str), migrations: arrayOf(open) });
const fieldChange = object(
  {
    key: str,
    change: { enum: ['added', 'removed', 'changed'] },
    properties: arrayOf(str),
    before: open,
    after: open,
  },
  ['properties', 'before', 'after'],
);
const definitionDiff = object({ form: arrayOf(str), fields: arrayOf(fieldChange) });
const template = object({ key: str, name: label, version: str, description: label }, ['description']);
const importAnswer = object(
  {
    appId: id,
    forms: { type: 'object', additionalProperties: id },
    flows: { type: 'object', additionalProperties: id },
    automations: { type: 'object', additionalProperties: id },
    dashboards: { type: 'object', additionalProperties: id },
    records: int,
    demo: object({ password: str, accounts: arrayOf(object({ label: str, email: str })) }),
  },
  ['demo'],
);
const formAccess = object({
  id,
  submit: bool,
  view: bool,
  edit: bool,
  delete: bool,
  export: bool,
  manage: bool,
  hidden: arrayOf(str),
  readOnly: arrayOf(str),
});

export const appDocs: RouteDocs = {
  'GET /templates': {
    responses: {
      200: {
        description: 'The template packs this server offers',
        schema: arrayOf(template),
        example: [
          {
            key: 'sales_performance',
            name: { en: 'Sales performance', 'zh-CN': '销售绩效' },
            version: '1.0.0',
            description: {
              en: 'Targets, scorecards, tiered payouts, funnel',
              'zh-CN': '目标、考核、阶梯提成、漏斗',
            },
          },
        ],
      },
    },
  },
  'GET /templates/:key': {
    responses: {
      200: {
        description: 'What the pack holds',
        schema: object(
          {
            key: str,
            name: label,
            version: str,
            description: label,
            locales: arrayOf(str),
            app: open,
            forms: arrayOf(open),
            flows: arrayOf(object({ key: str, name: label, form: str }, ['form'])),
            automations: arrayOf(object({ key: str, name: label })),
            dashboards: arrayOf(object({ key: str, name: label, widgets: int })),
            roles: arrayOf(object({ key: str, name: label, description: label }, ['description'])),
            demoData: { type: 'object', additionalProperties: int },
          },
          ['description', 'app'],
        ),
        example: {
          key: 'helpdesk',
          name: { en: 'Help desk' },
          version: '1.0.0',
          locales: ['en', 'zh-CN'],
          forms: [definition],
          flows: [{ key: 'refund_approval', name: { en: 'Refund approval' }, form: 'orders' }],
          automations: [{ key: 'notify_owner', name: { en: 'Notify owner' } }],
          dashboards: [{ key: 'overview', name: { en: 'Overview' }, widgets: 4 }],
          roles: [{ key: 'agent', name: { en: 'Agent' } }],
          demoData: { orders: 20 },
        },
      },
    },
  },
  'POST /workspaces/:ws/apps/import': {
    body: { example: { template: 'sales_performance', demoData: true } },
    responses: {
      201: {
        description: 'The new app and the ids of what it holds, by key',
        schema: importAnswer,
        example: {
          appId: WS_APP,
          forms: { orders: FORM },
          flows: { refund_approval: '6b119a7dbb4915be87fe0ac0' },
          automations: {},
          dashboards: { overview: '6b119a7dbb4915be87fe0ac2' },
          records: 20,
          demo: {
            password: 'Demo-3q2Xv9LkR0aTfYw1',
            accounts: [{ label: 'sales rep', email: 'rep01+fe0ac0b2@example.com' }],
          },
        },
      },
      403: {
        description:
          'Not an owner or admin; or an API token asked for demo data that creates demo accounts (only a signed-in person may)',
        schema: errorBody,
        example: {
          error: {
            code: 'FORBIDDEN',
            message:
              "This template's demo data creates demo accounts, which only a signed-in person may do: import it without demo data, or sign in",
            details: [{ path: '/demoData', message: 'creates accounts, which an API token may not' }],
          },
        },
      },
      422: {
        description:
          "References or formulas of the pack do not resolve; or the template's demo data failed part-way — the import was undone, nothing of it is left",
        schema: errorBody,
        example: {
          error: {
            code: 'UNPROCESSABLE',
            message:
              "The template's demo data could not be written; the import was undone and nothing of it was kept",
            details: [{ path: '/demoData', message: 'failed at step 5 of 14' }],
          },
        },
      },
    },
  },
  'GET /workspaces/:ws/apps/:app/export': {
    responses: {
      200: {
        description: 'The app as a template pack (docs/template-format.md)',
        schema: object({ manifest: open, app: open, forms: arrayOf(open), records: open }, ['records']),
        example: {
          manifest: { key: 'crm', name: { en: 'CRM' }, version: '1.0.0', locales: ['en'] },
          app: { key: 'crm', name: { en: 'CRM' } },
          forms: [definition],
          records: {},
        },
      },
    },
  },
  'GET /workspaces/:ws/apps/:app/roles': {
    responses: {
      200: { description: "The app's roles and their version", example: { roles: [role], v: 3 } },
    },
  },
  'PUT /workspaces/:ws/apps/:app/roles': {
    body: { example: { roles: [role], v: 3 } },
    responses: { 200: { description: 'Saved', example: { roles: [role], v: 4 } } },
  },
  'GET /workspaces/:ws/apps/:app/access': {
    responses: {
      200: {
        description: "The caller's permissions on each form of the app",
        schema: object({ manageApp: bool, forms: { type: 'object', additionalProperties: formAccess } }),
        example: {
          manageApp: false,
          forms: {
            orders: {
              id: FORM,
              submit: true,
              view: true,
              edit: true,
              delete: false,
              export: false,
              manage: false,
              hidden: ['margin'],
              readOnly: ['margin'],
            },
          },
        },
      },
    },
  },
  'POST /workspaces/:ws/apps': {
    body: { example: { key: 'crm', name: { en: 'CRM', 'zh-CN': '客户管理' } } },
    responses: { 201: { description: 'Created', schema: appView, example: appExample } },
  },
  'GET /workspaces/:ws/apps': {
    responses: {
      200: { description: 'The apps of the workspace', schema: arrayOf(appView), example: [appExample] },
    },
  },
  'GET /workspaces/:ws/apps/:app': {
    responses: { 200: { description: 'The app', schema: appView, example: appExample } },
  },
  'PATCH /workspaces/:ws/apps/:app': {
    body: { example: { name: { en: 'Customers' }, menu: [{ kind: 'form', form: 'orders' }] } },
    responses: {
      200: {
        description: 'Changed',
        schema: appView,
        example: { ...appExample, menu: [{ kind: 'form', form: 'orders' }] },
      },
    },
  },
  'DELETE /workspaces/:ws/apps/:app': { responses: { 204: { description: 'Deleted with all it held' } } },
  'GET /workspaces/:ws/apps/:app/forms': {
    responses: {
      200: {
        description: 'The published forms of the app',
        schema: arrayOf(formSummary),
        example: [{ id: FORM, key: 'orders', name: definition.name, version: 1, fields: definition.fields }],
      },
    },
  },
  'POST /workspaces/:ws/apps/:app/forms': {
    body: { schema: open, example: definition },
    responses: {
      201: { description: 'Created and published as version 1', schema: formDetail, example: formExample },
    },
  },
  'GET /workspaces/:ws/forms/:form': {
    responses: {
      200: {
        description: 'The form: working definition and published one',
        schema: formDetail,
        example: formExample,
      },
    },
  },
  'PUT /workspaces/:ws/forms/:form': {
    body: { example: { definition, v: 1, publish: true } },
    responses: {
      200: {
        description: 'Saved (and published when asked)',
        schema: object({ form: formDetail, report: publishReport }, ['report']),
        example: {
          form: { ...formExample, version: 2, v: 2 },
          report: { version: 2, hidden: [], migrations: [] },
        },
      },
    },
  },
  'POST /workspaces/:ws/forms/:form/publish': {
    responses: {
      200: {
        description: 'Published',
        schema: object({ form: formDetail, report: publishReport }),
        example: {
          form: { ...formExample, version: 2, v: 2 },
          report: { version: 2, hidden: ['note'], migrations: [] },
        },
      },
    },
  },
  'GET /workspaces/:ws/forms/:form/versions/:version': {
    responses: {
      200: {
        description: 'The definition as published at that version',
        schema: object({ version: int, definition: open }),
        example: { version: 1, definition },
      },
    },
  },
  'GET /workspaces/:ws/forms/:form/versions': {
    responses: {
      200: {
        description: 'Published versions, newest first',
        schema: arrayOf(object({ version: int, publishedAt: dateTime, publishedBy: id, fields: int })),
        example: [{ version: 2, publishedAt: AT, publishedBy: '6b119a5de91cffebc1f24fbe', fields: 3 }],
      },
    },
  },
  'GET /workspaces/:ws/forms/:form/versions/diff': {
    responses: {
      200: {
        description: 'What changed between the two versions',
        schema: {
          ...definitionDiff,
          properties: { ...(definitionDiff.properties as object), from: {}, to: {} },
        },
        example: {
          from: 1,
          to: 'draft',
          form: ['name'],
          // (an example holding a `properties` key is mangled by @fastify/swagger, so this one adds a field)
          fields: [
            {
              key: 'region',
              change: 'added',
              after: { key: 'region', type: 'text', label: { en: 'Region' } },
            },
          ],
        },
      },
    },
  },
  'POST /workspaces/:ws/forms/:form/publish/preview': {
    responses: {
      200: {
        description: 'What publishing now would do to stored records (nothing is written)',
        schema: object({
          version: int,
          records: int,
          diff: definitionDiff,
          hidden: arrayOf(str),
          conversions: arrayOf(
            object({ field: str, from: str, to: str, converted: int, failed: int, example: open }, [
              'example',
            ]),
          ),
          required: arrayOf(object({ field: str, empty: int })),
          recompute: bool,
        }),
        example: {
          version: 2,
          records: 1200,
          diff: { form: [], fields: [{ key: 'amount', change: 'changed' }] },
          hidden: [],
          conversions: [
            {
              field: 'amount',
              from: 'text',
              to: 'number',
              converted: 1198,
              failed: 2,
              example: { id: '6b119b803552c266f80e1099', value: 'n/a' },
            },
          ],
          required: [{ field: 'customer', empty: 3 }],
          recompute: false,
        },
      },
    },
  },
};
