import type { RouteDocs } from '../route-docs.js';

// The task inbox (docs/tasks.md, docs/flows.md).
const AT = '2026-12-03T08:00:00.000Z';
export const taskDocs: RouteDocs = {
  'GET /workspaces/:ws/tasks': {
    responses: {
      200: {
        description:
          "The caller's tasks. Each names its record by `recordTitle`: the record's title field as the caller " +
          "sees the record in the task (their roles and the step's field permissions applied), null when " +
          'that field is hidden from them, empty, or the record was deleted; and `recordCreatedAt`, when the ' +
          'record was created (null when it was deleted), which names a record without a title.',
        example: {
          items: [
            {
              id: '6b119bdd8c6d458732abac88',
              app: '6b119bd18c6d458732abac47',
              form: '6b119bd18c6d458732abac48',
              record: '6b119bdd8c6d458732abac86',
              flow: '6b119bdd8c6d458732abac87',
              step: 'review',
              kind: 'approve',
              assignee: '6b119bdc8c6d458732abac6f',
              status: 'pending',
              title: { 'zh-CN': '审批 #6', en: 'Approve #6' },
              recordTitle: 'Quote for Acme Trading',
              recordCreatedAt: '2026-12-03T07:58:12.000Z',
              dueAt: null,
              outcome: null,
              flowStatus: null,
              createdAt: AT,
              updatedAt: AT,
              v: 1,
              history: [{ at: AT, by: null, action: 'created', to: '6b119bdc8c6d458732abac6f' }],
            },
          ],
          nextCursor: null,
          counts: { pending: 1, done: 4, cc: 2, ccUnread: 1, started: 3 },
        },
      },
    },
  },
};
