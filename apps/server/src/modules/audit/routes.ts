import { Types } from 'mongoose';
import { Type } from 'typebox';
import type { AppInstance } from '../../app.js';
import { appError } from '../../lib/errors.js';
import { requireAdmin } from '../auth/plugin.js';
import { auditModel } from './service.js';

const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);

const AuditView = Type.Object({
  id: Type.String(),
  at: Type.String(),
  action: Type.String(),
  actor: Type.Object({
    user: Nullable(Type.String()),
    token: Nullable(Type.String()),
    email: Nullable(Type.String()),
  }),
  target: Type.Union([Type.Object({ kind: Type.String(), id: Type.String() }), Type.Null()]),
  ip: Type.String(),
  userAgent: Type.String(),
  details: Type.Record(Type.String(), Type.Unknown()),
});

/** `GET /workspaces/:ws/audit`: the workspace's security log, newest first, for owners and admins. */
export async function auditRoutes(app: AppInstance): Promise<void> {
  const Audit = auditModel(app.store.connection);
  app.get(
    '/workspaces/:ws/audit',
    {
      schema: {
        tags: ['audit'],
        summary: 'Security audit log (logins, role changes, tokens, exports), newest first',
        params: Type.Object({ ws: Type.String() }),
        querystring: Type.Object(
          {
            // Query strings are not coerced (app-wide ajv option), so the number arrives as digits.
            limit: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,2}$' })),
            cursor: Type.Optional(Type.String({ pattern: '^[0-9a-fA-F]{24}$' })),
            action: Type.Optional(Type.String({ maxLength: 100 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            items: Type.Array(AuditView),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
        },
      },
    },
    async (request) => {
      const ws = new Types.ObjectId(requireAdmin(request).ws);
      const { cursor, action } = request.query;
      const limit = Math.min(200, Number(request.query.limit ?? 50));
      if (action !== undefined && !/^[a-zA-Z.]+$/.test(action)) {
        throw appError('VALIDATION_FAILED', 'audit.unknownAction', [
          { path: '/query/action', message: 'detail.notAction' },
        ]);
      }
      const filter: Record<string, unknown> = { ws };
      if (action) filter.action = action;
      if (cursor) filter._id = { $lt: new Types.ObjectId(cursor) };
      const docs = await Audit.find(filter)
        .sort({ _id: -1 })
        .limit(limit + 1)
        .lean();
      const page = docs.slice(0, limit);
      return {
        items: page.map((doc) => ({
          id: String(doc._id),
          at: doc.at.toISOString(),
          action: doc.action,
          actor: {
            user: doc.actor?.user ? String(doc.actor.user) : null,
            token: doc.actor?.token ? String(doc.actor.token) : null,
            email: doc.actor?.email ?? null,
          },
          target: doc.target?.kind ? { kind: doc.target.kind, id: doc.target.id } : null,
          ip: doc.ip,
          userAgent: doc.userAgent,
          details: doc.details ?? {},
        })),
        nextCursor: docs.length > limit && page.length > 0 ? String(page[page.length - 1]?._id) : null,
      };
    },
  );
}
