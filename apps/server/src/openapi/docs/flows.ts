import type { RouteDocs } from '../route-docs.js';
import { arrayOf, bool, dateTime, id, int, nullable, object, open, recordView, str } from '../shapes.js';

// Approval flows: definitions and versions, task actions, task details, a record's flow (docs/flows.md).
const APP = '6b119bd18c6d458732abac47';
const FORM = '6b119bd18c6d458732abac48';
const FLOW = '6b119bdd8c6d458732abac87';
const RECORD = '6b119bdd8c6d458732abac86';
const TASK = '6b119bdd8c6d458732abac88';
const USER = '6b119bdc8c6d458732abac6f';
const SUBMITTER = '6b119bdc8c6d458732abac70';
const AT = '2026-12-03T08:00:00.000Z';

const definitionExample = {
  key: 'approve',
  name: { en: 'Approval', 'zh-CN': '审批' },
  form: 'requests',
  settings: { lockOnApproved: true, allowWithdraw: true },
  nodes: [
    { id: 'start', type: 'start' },
    {
      id: 'review',
      type: 'approval',
      mode: 'or',
      assignees: [{ kind: 'manager' }],
      deadline: { minutes: 1440, remindBefore: [120], onTimeout: { action: 'approve' } },
    },
    { id: 'end', type: 'end' },
  ],
  edges: [
    { from: 'start', to: 'review' },
    { from: 'review', to: 'end' },
  ],
};

const flow = object({
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
  definition: definitionExample,
  published: definitionExample,
  version: 1,
  v: 1,
  createdAt: AT,
  updatedAt: AT,
};

/** Where a record's flow stands (record reads and action answers carry it). */
const flowState = object({
  id: str,
  flow: id,
  key: str,
  version: int,
  status: { type: 'string', enum: ['inProgress', 'approved', 'rejected', 'returned', 'withdrawn'] },
  submitter: str,
  startedAt: dateTime,
  endedAt: nullable(dateTime),
  round: int,
  locked: bool,
  current: arrayOf(
    object({
      node: str,
      tasks: arrayOf(object({ id, kind: str, assignee: str, openedAt: dateTime, dueAt: nullable(dateTime) })),
    }),
  ),
});
const flowStateExample = {
  id: 'i1',
  flow: FLOW,
  key: 'approve',
  version: 1,
  status: 'inProgress',
  submitter: SUBMITTER,
  startedAt: AT,
  endedAt: null,
  round: 1,
  locked: false,
  current: [
    {
      node: 'review',
      tasks: [{ id: TASK, kind: 'approve', assignee: USER, openedAt: AT, dueAt: '2026-12-04T08:00:00.000Z' }],
    },
  ],
};
const timelineEntry = object(
  {
    at: dateTime,
    by: nullable(str),
    node: nullable(str),
    action: str,
    task: id,
    comment: str,
    to: {},
    outcome: str,
  },
  ['task', 'comment', 'to', 'outcome'],
);
const timelineExample = [
  { at: AT, by: SUBMITTER, node: 'start', action: 'submitted' },
  { at: AT, by: SUBMITTER, node: null, action: 'commented', comment: 'Urgent, please' },
];
const actionAnswer = object({ id, v: int, flow: flowState });
const actionAnswerExample = { id: RECORD, v: 2, flow: flowStateExample };
const taskView = object(
  {
    id,
    app: id,
    form: id,
    record: id,
    flow: nullable(str),
    step: nullable(str),
    kind: str,
    assignee: id,
    status: str,
    title: open,
    dueAt: nullable(dateTime),
    outcome: nullable(str),
    flowStatus: nullable(str),
    createdAt: dateTime,
    updatedAt: dateTime,
    v: int,
    history: arrayOf(open),
  },
  [],
);
const taskExample = {
  id: TASK,
  app: APP,
  form: FORM,
  record: RECORD,
  flow: FLOW,
  step: 'review',
  kind: 'approve',
  assignee: USER,
  status: 'pending',
  title: { 'zh-CN': '审批 · review', en: 'Approval · review' },
  dueAt: '2026-12-04T08:00:00.000Z',
  outcome: null,
  flowStatus: null,
  createdAt: AT,
  updatedAt: AT,
  v: 1,
  history: [{ at: AT, by: null, action: 'created', to: USER }],
};

export const flowDocs: RouteDocs = {
  'POST /workspaces/:ws/apps/:app/flows': {
    body: { example: { definition: definitionExample, publish: true } },
    responses: {
      201: {
        description: 'The flow (checked; 422 names the node of each issue)',
        schema: flow,
        example: flowExample,
      },
    },
  },
  'GET /workspaces/:ws/apps/:app/flows': {
    responses: { 200: { description: "The app's flows", schema: arrayOf(flow), example: [flowExample] } },
  },
  'GET /workspaces/:ws/flows/:flow': {
    responses: { 200: { description: 'The flow', schema: flow, example: flowExample } },
  },
  'PUT /workspaces/:ws/flows/:flow': {
    body: { example: { definition: definitionExample, v: 1, publish: true } },
    responses: {
      200: { description: 'The flow as saved', schema: flow, example: { ...flowExample, version: 2, v: 2 } },
    },
  },
  'POST /workspaces/:ws/flows/:flow/publish': {
    responses: {
      200: { description: 'The flow with its next published version', schema: flow, example: flowExample },
    },
  },
  'GET /workspaces/:ws/flows/:flow/versions/:version': {
    responses: {
      200: {
        description: 'A published version',
        schema: object({ version: int, definition: open }),
        example: { version: 1, definition: definitionExample },
      },
    },
  },
  'POST /workspaces/:ws/tasks/:task/actions': {
    body: { example: { action: 'approve', comment: 'Fine by me' } },
    responses: {
      200: { description: "The record's new flow state", schema: actionAnswer, example: actionAnswerExample },
    },
  },
  'POST /workspaces/:ws/tasks/actions': {
    body: { example: { tasks: [TASK], action: 'approve', comment: 'All good' } },
    responses: {
      200: {
        description: 'One result per task (200 with the flow state, or the status and error of a refusal)',
        schema: object({
          results: arrayOf(
            object({ task: str, status: int, flow: flowState, error: open }, ['flow', 'error']),
          ),
        }),
        example: {
          results: [
            { task: TASK, status: 200, flow: flowStateExample },
            {
              task: '6b119bdd8c6d458732abac89',
              status: 409,
              error: { code: 'CONFLICT', message: 'The task is closed' },
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
          'The task with the record as its step shows it (hidden fields absent), the flow and its timeline',
        schema: object({
          task: taskView,
          record: recordView,
          fields: arrayOf(object({ field: str, access: { type: 'string', enum: ['editable', 'readOnly'] } })),
          flow: nullable(flowState),
          timeline: arrayOf(timelineEntry),
        }),
        example: {
          task: taskExample,
          record: {
            id: RECORD,
            form: FORM,
            formVersion: 1,
            data: { title: 'Laptop', amount: 1200 },
            owner: SUBMITTER,
            dept: null,
            createdBy: SUBMITTER,
            createdAt: AT,
            updatedAt: AT,
            v: 1,
            flow: flowStateExample,
          },
          fields: [
            { field: 'title', access: 'readOnly' },
            { field: 'amount', access: 'editable' },
          ],
          flow: flowStateExample,
          timeline: timelineExample,
        },
      },
    },
  },
  'GET /workspaces/:ws/forms/:form/records/:id/flow': {
    responses: {
      200: {
        description: "The record's flow and timeline",
        schema: object({ flow: nullable(flowState), timeline: arrayOf(timelineEntry) }),
        example: { flow: flowStateExample, timeline: timelineExample },
      },
    },
  },
  'POST /workspaces/:ws/forms/:form/records/:id/flow/actions': {
    body: { example: { action: 'comment', comment: 'Urgent, please' } },
    responses: {
      200: { description: "The record's flow state", schema: actionAnswer, example: actionAnswerExample },
    },
  },
};
