import { Type } from 'typebox';
import type { AppInstance } from '../../app.js';
import { appError } from '../../lib/errors.js';
import { callerOf, parseId } from '../apps/caller.js';
import { listNotifications, markRead } from './service.js';

const WsParams = Type.Object({ ws: Type.String() });

/** The caller's notification centre: list with the unread count, mark read. */
export async function notificationRoutes(app: AppInstance): Promise<void> {
  const connection = app.store.connection;

  app.get(
    '/workspaces/:ws/notifications',
    {
      schema: {
        tags: ['notifications'],
        summary: "The caller's notifications, newest first, with the unread count",
        params: WsParams,
        querystring: Type.Object(
          {
            unread: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')])),
            limit: Type.Optional(Type.String({ pattern: '^(?:[1-9][0-9]?|100)$' })),
            cursor: Type.Optional(Type.String({ maxLength: 24 })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const { unread, limit, cursor } = request.query;
      return listNotifications(connection, caller.ws, caller.userId, {
        unread: unread === 'true',
        ...(limit ? { limit: Number(limit) } : {}),
        ...(cursor ? { before: parseCursor(cursor) } : {}),
      });
    },
  );

  app.post(
    '/workspaces/:ws/notifications/read',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Mark notifications read: `ids`, or `all: true`; answers the unread count left',
        params: WsParams,
        body: Type.Object(
          {
            ids: Type.Optional(Type.Array(Type.String(), { minItems: 1, maxItems: 500 })),
            all: Type.Optional(Type.Literal(true)),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const { ids, all } = request.body;
      if ((ids === undefined) === (all === undefined)) {
        throw appError('VALIDATION_FAILED', 'notification.markWhich', [
          { path: '/ids', message: 'detail.idsOrAll' },
        ]);
      }
      return markRead(
        connection,
        caller.ws,
        caller.userId,
        all ? 'all' : (ids ?? []).map((id) => parseId(id, 'Notification')),
      );
    },
  );
}

function parseCursor(cursor: string) {
  if (!/^[0-9a-f]{24}$/i.test(cursor)) {
    throw appError('VALIDATION_FAILED', 'record.invalidCursor', [
      { path: '/cursor', message: 'detail.notCursor' },
    ]);
  }
  return parseId(cursor, 'Notification');
}
