import { LocalizedText } from '@formloom/schema';
import { Types } from 'mongoose';
import { Type } from 'typebox';
import type { AppInstance } from '../../app.js';
import { appError, notFound } from '../../lib/errors.js';
import { callerOf } from '../apps/caller.js';
import { currentMember } from '../auth/plugin.js';
import { taskRecordTitles } from '../flows/views.js';
import { workspaceModels } from '../workspaces/models.js';
import { TASK_KINDS, TASK_STATUSES, taskModel } from './model.js';
import { countTasks, listTasks, TASK_LISTS } from './service.js';

const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);

const Kind = Type.Enum([...TASK_KINDS]);
const Status = Type.Enum([...TASK_STATUSES]);
const List = Type.Enum([...TASK_LISTS]);

const TaskView = Type.Object({
  id: Type.String(),
  app: Type.String(),
  form: Type.String(),
  record: Type.String(),
  flow: Nullable(Type.String()),
  step: Nullable(Type.String()),
  kind: Kind,
  assignee: Type.String(),
  status: Status,
  title: LocalizedText,
  dueAt: Nullable(Type.String({ format: 'date-time' })),
  outcome: Nullable(Type.String()),
  flowStatus: Nullable(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  v: Type.Integer(),
  history: Type.Array(
    Type.Object({
      at: Type.String({ format: 'date-time' }),
      by: Nullable(Type.String()),
      action: Type.String(),
      from: Type.Optional(Type.String()),
      to: Type.Optional(Type.String()),
      reason: Type.Optional(Type.String()),
    }),
  ),
});

/**
 * A list item: the task and its record's title as the caller sees it, and the record's creation time
 * (which names a record without a title), so one request names a page.
 */
const TaskItem = Type.Object({
  ...TaskView.properties,
  recordTitle: Nullable(Type.String()),
  recordCreatedAt: Nullable(Type.String({ format: 'date-time' })),
});

const DEFAULT_LIMIT = 50;

/**
 * `GET /workspaces/:ws/tasks`: the caller's inbox — one list (`pending`, `done`, `cancelled`, `cc`,
 * `started`) and the counts of all of them. Acting on a task (`POST .../tasks/:task/actions`) is served by
 * the flow runtime (modules/flows).
 */
export async function taskRoutes(app: AppInstance): Promise<void> {
  const connection = app.store.connection;
  // The list and the reassignment rely on the `{ws, assignee, status, ...}` index being there.
  app.addHook('onReady', async () => {
    await taskModel(connection).init();
  });

  app.get(
    '/workspaces/:ws/tasks',
    {
      schema: {
        tags: ['tasks'],
        summary:
          "The caller's approval and fill tasks of one status, newest first (owners and admins may " +
          "pass assignee to see another member's)",
        params: Type.Object({ ws: Type.String() }),
        querystring: Type.Object(
          {
            status: Type.Optional(List),
            // Query strings are not coerced (app-wide ajv option): the number arrives as digits, 1..100.
            limit: Type.Optional(Type.String({ pattern: '^(?:[1-9][0-9]?|100)$' })),
            cursor: Type.Optional(Type.String({ maxLength: 200 })),
            assignee: Type.Optional(Type.String({ pattern: '^[0-9a-fA-F]{24}$' })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            items: Type.Array(TaskItem),
            nextCursor: Nullable(Type.String()),
            counts: Type.Object({
              pending: Type.Integer(),
              done: Type.Integer(),
              cc: Type.Integer(),
              ccUnread: Type.Integer(),
              started: Type.Integer(),
            }),
          }),
        },
      },
    },
    async (request) => {
      const member = currentMember(request);
      const ws = new Types.ObjectId(member.ws);
      const { status = 'pending', limit, cursor, assignee } = request.query;
      let whose: Types.ObjectId;
      if (assignee !== undefined && assignee.toLowerCase() !== member.userId) {
        if (member.workspaceRole !== 'owner' && member.workspaceRole !== 'admin') {
          throw appError('FORBIDDEN', 'task.othersAdminsOnly');
        }
        whose = new Types.ObjectId(assignee);
        // Deactivated members count: their finished tasks stay readable.
        if (!(await workspaceModels(connection).Member.exists({ ws, user: whose }))) {
          throw notFound('Member');
        }
      } else if (member.userId) {
        whose = new Types.ObjectId(member.userId);
      } else {
        throw appError('VALIDATION_FAILED', 'task.tokenHasNone', [
          { path: '/query/assignee', message: 'detail.requiredForTokens' },
        ]);
      }
      const [page, counts] = await Promise.all([
        listTasks(connection, {
          ws,
          assignee: whose,
          status,
          limit: limit === undefined ? DEFAULT_LIMIT : Number(limit),
          ...(cursor === undefined ? {} : { cursor }),
        }),
        countTasks(connection, ws, whose),
      ]);
      const titles = await taskRecordTitles(connection, callerOf(request), page.items);
      return {
        ...page,
        items: page.items.map((item) => ({
          ...item,
          recordTitle: titles.get(item.id)?.title ?? null,
          recordCreatedAt: titles.get(item.id)?.createdAt ?? null,
        })),
        counts,
      };
    },
  );
}
