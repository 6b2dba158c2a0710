import type { RouteDocs } from '../route-docs.js';
import { arrayOf, bool, dateTime, id, int, nullable, object, open, page, str } from '../shapes.js';

// Automations, their runs, webhook settings, notifications.
const APP = '6b119af7cc8a255a81ea7124';
const AUTO = '6b119b02cc8a255a81ea7197';
const AT = '2026-12-03T08:00:00.000Z';
const definition = {
  key: 'welcome',
  name: { en: 'Welcome' },
  trigger: { type: 'fieldChanged', form: 'deals', field: 'stage', to: 'won' },
  actions: [
    { type: 'createRecord', config: { form: 'contracts', values: { deal: '_id', amount: 'amount' } } },
  ],
};
const automation = object({
  id,
  app: id,
  key: str,
  enabled: bool,
  v: int,
  definition: open,
  createdAt: dateTime,
  updatedAt: dateTime,
});
const automationExample = {
  id: AUTO,
  app: APP,
  key: 'welcome',
  enabled: true,
  v: 1,
  definition: { ...definition, enabled: true },
  createdAt: AT,
  updatedAt: AT,
};
const effect = object({ kind: str, form: str, record: str, detail: open }, ['form', 'record', 'detail']);
const run = object(
  {
    id,
    automation: id,
    status: str,
    reason: str,
    trigger: open,
    attempts: int,
    actions: arrayOf(open),
    startedAt: dateTime,
    finishedAt: nullable(dateTime),
    durationMs: int,
  },
  ['reason', 'finishedAt', 'durationMs'],
);
const settings = object({
  allowList: arrayOf(object({ host: str, port: int, allowPrivate: bool }, ['port', 'allowPrivate'])),
  secret: str,
  updatedAt: nullable(dateTime),
});
const settingsExample = {
  allowList: [{ host: 'erp.example.com' }],
  secret: 'whsec_utBiyzQft0YdNXxj',
  updatedAt: AT,
};
const notification = object({
  id: str,
  title: str,
  body: str,
  subject: nullable(open),
  source: nullable(open),
  read: bool,
  createdAt: dateTime,
});

export const automationDocs: RouteDocs = {
  'GET /workspaces/:ws/apps/:app/automations': {
    responses: {
      200: {
        description: 'Automations of the app',
        schema: arrayOf(automation),
        example: [automationExample],
      },
    },
  },
  'POST /workspaces/:ws/apps/:app/automations': {
    body: { example: { definition } },
    responses: { 201: { description: 'Created', schema: automation, example: automationExample } },
  },
  'GET /workspaces/:ws/automations/:id': {
    responses: { 200: { description: 'The automation', schema: automation, example: automationExample } },
  },
  'PUT /workspaces/:ws/automations/:id': {
    body: { example: { definition, v: 1 } },
    responses: { 200: { description: 'Saved', schema: automation, example: { ...automationExample, v: 2 } } },
  },
  'DELETE /workspaces/:ws/automations/:id': { responses: { 204: { description: 'Deleted' } } },
  'POST /workspaces/:ws/automations/:id/enable': {
    responses: { 200: { description: 'Enabled', schema: automation, example: automationExample } },
  },
  'POST /workspaces/:ws/automations/:id/disable': {
    responses: {
      200: {
        description: 'Disabled',
        schema: automation,
        example: { ...automationExample, enabled: false, v: 2 },
      },
    },
  },
  'POST /workspaces/:ws/automations/:id/run': {
    body: { example: { record: '6b119af9cc8a255a81ea7134', input: { month: '2026-11' } } },
    responses: {
      200: {
        description: 'The run and what it did',
        schema: object({ runId: id, status: str, effects: arrayOf(effect), error: open }, ['error']),
        example: {
          runId: '6b119afa3aecfd609ffcc9ef',
          status: 'succeeded',
          effects: [
            {
              kind: 'recordUpdated',
              form: 'targets',
              record: '6b119af9cc8a255a81ea7134',
              detail: { fields: ['amount'], amount: 3333334 },
            },
          ],
        },
      },
    },
  },
  'GET /workspaces/:ws/automations/:id/runs': {
    responses: {
      200: {
        description: 'The run log, newest first',
        schema: page(run),
        example: {
          items: [
            {
              id: '6b119b013aecfd609ffcc9fe',
              automation: AUTO,
              status: 'succeeded',
              trigger: {
                type: 'recordUpdated',
                form: 'items',
                record: '6b119b00cc8a255a81ea7190',
                v: 2,
                via: 'api',
                chain: [],
              },
              attempts: 1,
              actions: [{ index: 0, type: 'updateRecords', status: 'done', effects: [], durationMs: 61 }],
              startedAt: AT,
              finishedAt: AT,
              durationMs: 64,
            },
          ],
          nextCursor: null,
        },
      },
    },
  },
  'GET /workspaces/:ws/webhook-settings': {
    responses: {
      200: {
        description: "The workspace's webhook allow-list and signing secret",
        schema: settings,
        example: settingsExample,
      },
    },
  },
  'PUT /workspaces/:ws/webhook-settings': {
    body: {
      example: {
        allowList: [{ host: 'erp.example.com' }, { host: '10.0.0.8', port: 8443, allowPrivate: true }],
      },
    },
    responses: { 200: { description: 'Saved', schema: settings, example: settingsExample } },
  },
  'POST /workspaces/:ws/webhook-settings/rotate-secret': {
    responses: { 200: { description: 'A new signing secret', schema: settings, example: settingsExample } },
  },
  'GET /workspaces/:ws/notifications': {
    responses: {
      200: {
        description: "The caller's notifications, newest first, and the unread count",
        schema: object({ items: arrayOf(notification), unread: int, nextCursor: nullable(str) }),
        example: {
          items: [
            {
              id: '68bbd42f922e3b4255252a30',
              title: 'Target Bob Q2: 500',
              body: 'Due 2026-03-02',
              subject: { kind: 'record', form: '6b119af8cc8a255a81ea712a', id: '6b119affcc8a255a81ea7184' },
              source: { kind: 'automation', id: '6b119affcc8a255a81ea7182' },
              read: false,
              createdAt: AT,
            },
          ],
          unread: 1,
          nextCursor: null,
        },
      },
    },
  },
  'POST /workspaces/:ws/notifications/read': {
    body: { example: { ids: ['68bbd42f922e3b4255252a30'] } },
    responses: {
      200: { description: 'Marked read', schema: object({ unread: int }), example: { unread: 0 } },
    },
  },
};
