import type { RouteDocs } from '../route-docs.js';
import { arrayOf, bool, id, int, label, object, open, str } from '../shapes.js';

// Reports and dashboards: a widget's answer is a table of columns and rows (docs/reports.md).
const APP = '6b119b3a9f174e1de9192087';
const FORM = '6b119b3b9f174e1de9192088';
const column = object(
  { key: str, type: { enum: ['dimension', 'measure'] }, field: str, aggregate: str, label },
  ['field', 'aggregate', 'label'],
);
const result = object({
  columns: arrayOf(column),
  rows: arrayOf(open),
  meta: object({ widget: str, type: str, rowCount: int, truncated: bool, timeZone: str, source: open }),
});
const funnel = {
  columns: [
    { key: 'stage', type: 'dimension', field: 'stage', label: { en: 'Stage' } },
    { key: 'count', type: 'measure', aggregate: 'count' },
    { key: 'conversion', type: 'measure', derived: true, derivation: 'conversion', of: 'count' },
  ],
  rows: [
    { stage: 'lead', count: 200, conversion: null },
    { stage: 'proposal', count: 80, conversion: 0.4 },
    { stage: 'won', count: 30, conversion: 0.375 },
  ],
  meta: {
    widget: 'funnel',
    type: 'funnel',
    rowCount: 3,
    truncated: false,
    timeZone: 'Asia/Shanghai',
    source: { form: FORM, app: APP },
    stages: ['lead', 'proposal', 'won'],
    cumulative: false,
    overallConversion: 0.15,
  },
};
const kpi = {
  columns: [{ key: 'amount', type: 'measure', aggregate: 'sum', field: 'amount', label: { en: 'Amount' } }],
  rows: [{ amount: 3100 }],
  meta: {
    widget: 'total',
    type: 'kpi',
    rowCount: 1,
    truncated: false,
    timeZone: 'UTC',
    source: { form: FORM, app: APP },
  },
};
const widget = {
  key: 'funnel',
  title: { en: 'Funnel' },
  source: { form: 'deals' },
  type: 'funnel',
  dimensions: [{ field: 'stage' }],
  measures: [{ aggregate: 'count' }],
};
const cell = object({ app: id, form: id, formKey: str, filter: open });
const cellExample = {
  app: APP,
  form: FORM,
  formKey: 'deals',
  filter: { and: [{ field: 'region', op: 'eq', value: 'north' }] },
};
const dashboard = {
  key: 'cockpit',
  name: { en: 'Cockpit', 'zh-CN': '驾驶舱' },
  filters: [{ key: 'period', type: 'period', field: 'closeDate' }],
  widgets: [
    {
      key: 'total',
      title: { en: 'Revenue' },
      source: { form: 'deals' },
      type: 'kpi',
      measures: [{ key: 'amount', aggregate: 'sum', field: 'amount' }],
    },
  ],
  layout: [{ widget: 'total', x: 0, y: 0, w: 6, h: 4 }],
};
const dashboardView = object({ id, v: int, editable: bool, dashboard: open });
const dashboardExample = { id: '6b119b3d9f174e1de91920ad', v: 1, editable: true, dashboard };
const xlsx = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export const reportDocs: RouteDocs = {
  'POST /workspaces/:ws/reports/query': {
    body: { example: { widget, timeZone: 'Asia/Shanghai' } },
    responses: {
      200: {
        description: 'The widget as a table, over records the caller may view',
        schema: result,
        example: funnel,
      },
    },
  },
  'POST /workspaces/:ws/reports/export': {
    body: { example: { widget } },
    responses: { 200: { description: "The widget's table as XLSX", contentType: xlsx } },
  },
  'POST /workspaces/:ws/reports/cell': {
    body: { example: { widget, cell: { stage: 'won' } } },
    responses: {
      200: { description: 'The record filter behind the cell', schema: cell, example: cellExample },
    },
  },
  'GET /workspaces/:ws/apps/:app/dashboards': {
    responses: {
      200: {
        description: 'Dashboards of the app the caller may open',
        schema: arrayOf(object({ id, key: str, v: int, name: label, widgets: int })),
        example: [{ id: dashboardExample.id, key: 'cockpit', v: 3, name: dashboard.name, widgets: 6 }],
      },
    },
  },
  'POST /workspaces/:ws/apps/:app/dashboards': {
    body: { schema: open, example: dashboard },
    responses: { 201: { description: 'Created', schema: dashboardView, example: dashboardExample } },
  },
  'GET /workspaces/:ws/apps/:app/dashboards/:dashboard': {
    responses: { 200: { description: 'The dashboard', schema: dashboardView, example: dashboardExample } },
  },
  'PUT /workspaces/:ws/apps/:app/dashboards/:dashboard': {
    body: { example: { dashboard, v: 1 } },
    responses: {
      200: { description: 'Saved', schema: dashboardView, example: { ...dashboardExample, v: 2 } },
    },
  },
  'DELETE /workspaces/:ws/apps/:app/dashboards/:dashboard': {
    responses: { 204: { description: 'Deleted' } },
  },
  'POST /workspaces/:ws/apps/:app/dashboards/:dashboard/query': {
    body: { example: { controls: { region: ['east'] }, widgets: ['total', 'funnel'] } },
    responses: {
      200: {
        description: "Every widget's table (or those named); a widget that fails answers its error in place",
        schema: object({
          widgets: {
            type: 'object',
            additionalProperties: { anyOf: [result, object({ status: int, error: open })] },
          },
        }),
        example: {
          widgets: {
            total: kpi,
            funnel: { status: 400, error: { code: 'VALIDATION_FAILED', message: 'Unknown field stage' } },
          },
        },
      },
    },
  },
  'POST /workspaces/:ws/apps/:app/dashboards/:dashboard/widgets/:widget/query': {
    body: { example: { controls: { region: ['east'] }, timeZone: 'Asia/Shanghai' } },
    responses: {
      200: { description: "The widget's table under the dashboard's controls", schema: result, example: kpi },
    },
  },
  'POST /workspaces/:ws/apps/:app/dashboards/:dashboard/widgets/:widget/export': {
    body: { example: { controls: { region: ['east'] } } },
    responses: { 200: { description: "The widget's table as XLSX", contentType: xlsx } },
  },
  'POST /workspaces/:ws/apps/:app/dashboards/:dashboard/widgets/:widget/cell': {
    body: { example: { controls: { region: ['east', 'north'] }, cell: { region: 'north' } } },
    responses: {
      200: { description: 'The record filter behind the cell', schema: cell, example: cellExample },
    },
  },
};
