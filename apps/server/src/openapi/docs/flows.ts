import type { RouteDocs } from '../route-docs.js';
import { arrayOf, dateTime, id, int, nullable, object, open, recordView, str } from '../shapes.js';

// Approval flows: definitions and versions, task actions, a record's flow (docs/flows.md).
const APP = '6b11a2c8c3259f8ee3b0f78e';
const FORM = '6b11a2c9c3259f8ee3b0f78f';
const FLOW = '6b11a2d2c3259f8ee3b0f7b8';
const USER = '6b11a2cdc3259f8ee3b0f79f';
const BOSS = '6b11a2cec3259f8ee3b0f7a4';
const REC = '6b11a2d9c3259f8ee3b0f822';
const AT = '2026-12-03T09:00:00.000Z';
const definition = {
  key: 'approve',
  name: { en: 'Approval', 'zh-CN': '审批' },
  form: 'requests',
  nodes: [
    { id: 'start', type: 'start' },
    {
      id: 'review',
      type: 'approval',
      mode: 'and',
      assignees: [{ kind: 'manager' }, { kind: 'role', role: 'finance' }],
    },
    { id: 'end', type: 'end' },
  ],
  edges: [
    { from: 'start', to: 'review' },
    { from: 'review', to: 'end' },
  ],
};
const flowDetail = object({
  id,
  app: id,
  form: id,
  key: str,
  definition: open,
  published: nullable(open),
  version: int,
  v: int,
  createdAt: dateTime,
  updatedAt: dateTime,
});
const flowExample = {
  id: FLOW,
  app: APP,
  form: FORM,
  key: 'approve',
  definition,
  published: definition,
  version: 1,
  v: 1,
  createdAt: AT,
  updatedAt: AT,
};
/** A record's flow state. */
const flowState = object({
  id,
  flow: id,
  key: str,
  version: int,
  status: str,
  submitter: id,
  startedAt: dateTime,
  endedAt: nullable(dateTime),
  round: int,
  locked: { type: 'boolean' },
  current: arrayOf(open),
});
const running = {
  id: '6b11a2d9c3259f8ee3b0f823',
  flow: FLOW,
  key: 'approve',
  version: 1,
  status: 'inProgress',
  submitter: USER,
  startedAt: AT,
  endedAt: null,
  round: 1,
  locked: false,
  current: [
    {
      node: 'review',
      tasks: [{ id: '2fecf8babdcb6feb67c50d31', kind: 'approve', assignee: BOSS, openedAt: AT, dueAt: null }],
    },
  ],
};
const approved = { ...running, status: 'approved', endedAt: AT, current: [] };
const actionAnswer = object({ id, v: int, flow: flowState });
const timeline = arrayOf(
  object({ at: dateTime, by: nullable(id), node: str, action: str, comment: str, outcome: str }, [
    'comment',
    'outcome',
  ]),
);
const timelineExample = [
  { at: AT, by: USER, node: 'start', action: 'submitted' },
  { at: AT, by: BOSS, node: 'review', action: 'approved', comment: 'OK' },
  { at: AT, by: null, node: 'end', action: 'ended', outcome: 'approved' },
];
const task = {
  id: '2fecf8babdcb6feb67c50d31',
  app: APP,
  form: FORM,
  record: REC,
  flow: FLOW,
  step: 'review',
  kind: 'approve',
  assignee: BOSS,
  status: 'pending',
  title: { 'zh-CN': '审批 · review', en: 'Approval · review' },
  dueAt: null,
  createdAt: AT,
  updatedAt: AT,
  v: 1,
  history: [{ at: AT, by: USER, action: 'created', to: BOSS }],
};

export const flowDocs: RouteDocs = {
  'POST /workspaces/:ws/apps/:app/flows': {
    body: { example: { definition, publish: true } },
    responses: {
      201: {
        description: 'Created (and published as version 1 when asked)',
        schema: flowDetail,
        example: flowExample,
      },
    },
  },
  'GET /workspaces/:ws/apps/:app/flows': {
    responses: {
      200: { description: 'The flows of the app', schema: arrayOf(flowDetail), example: [flowExample] },
    },
  },
  'GET /workspaces/:ws/flows/:flow': {
    responses: { 200: { description: 'The flow', schema: flowDetail, example: flowExample } },
  },
  'PUT /workspaces/:ws/flows/:flow': {
    body: { example: { definition, v: 1, publish: true } },
    responses: {
      200: {
        description: 'Saved (and published when asked)',
        schema: flowDetail,
        example: { ...flowExample, version: 2, v: 2 },
      },
    },
  },
  'POST /workspaces/:ws/flows/:flow/publish': {
    responses: {
      200: {
        description: 'Published as the next version',
        schema: flowDetail,
        example: { ...flowExample, version: 2, v: 2 },
      },
    },
  },
  'GET /workspaces/:ws/flows/:flow/versions/:version': {
    responses: {
      200: {
        description: 'The definition as published then',
        schema: object({ version: int, definition: open }),
        example: { version: 1, definition },
      },
    },
  },
  'POST /workspaces/:ws/tasks/:task/actions': {
    body: { example: { action: 'approve', comment: 'Within budget' } },
    responses: {
      200: {
        description: "The record's new flow state",
        schema: actionAnswer,
        example: { id: REC, v: 2, flow: approved },
      },
    },
  },
  'POST /workspaces/:ws/tasks/actions': {
    body: {
      example: {
        tasks: ['2fecf8babdcb6feb67c50d31', '366caf574efa35dedc843c37'],
        action: 'approve',
        comment: 'All good',
      },
    },
    responses: {
      200: {
        description: 'One result per task',
        schema: object({
          results: arrayOf(
            object({ task: str, status: int, flow: flowState, error: open }, ['flow', 'error']),
          ),
        }),
        example: {
          results: [
            { task: '2fecf8babdcb6feb67c50d31', status: 200, flow: approved },
            {
              task: '366caf574efa35dedc843c37',
              status: 403,
              error: { code: 'FORBIDDEN', message: 'Only the task’s assignee may act on it' },
            },
          ],
        },
      },
    },
  },
  'GET /workspaces/:ws/tasks/:task': {
    responses: {
      200: {
        description:
          'The task, the record as its step shows it, the field permissions at the step, and the timeline',
        schema: object(
          { task: open, record: recordView, fields: arrayOf(object({ field: str, access: str })), timeline },
          ['timeline'],
        ),
        example: {
          task,
          record: {
            id: REC,
            form: FORM,
            formVersion: 1,
            data: { title: 'New laptop', amount: 9800 },
            owner: USER,
            dept: null,
            createdBy: USER,
            createdAt: AT,
            updatedAt: AT,
            v: 1,
            flow: running,
          },
          fields: [
            { field: 'title', access: 'readOnly' },
            { field: 'amount', access: 'editable' },
          ],
          timeline: timelineExample.slice(0, 1),
        },
      },
    },
  },
  'GET /workspaces/:ws/forms/:form/records/:id/flow': {
    responses: {
      200: {
        description: "The record's flow and its timeline",
        schema: object({ flow: nullable(flowState), timeline }),
        example: { flow: approved, timeline: timelineExample },
      },
    },
  },
  'POST /workspaces/:ws/forms/:form/records/:id/flow/actions': {
    body: { example: { action: 'urge', comment: 'Needed by Friday' } },
    responses: {
      200: {
        description: "The record's flow state",
        schema: actionAnswer,
        example: { id: REC, v: 2, flow: running },
      },
    },
  },
};

export const inboxExample = {
  items: [task],
  nextCursor: null,
  counts: { pending: 1, done: 12, cc: 0, ccUnread: 0, started: 3 },
};
