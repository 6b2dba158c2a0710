import { Types } from 'mongoose';
import { Type } from 'typebox';
import type { AppInstance } from '../../app.js';
import { appError } from '../../lib/errors.js';
import { workspaceModels } from '../workspaces/models.js';
import { authModels } from './models.js';
import { clearSessionCookies, currentUser, setSessionCookies } from './plugin.js';
import { Email, Name, Password, UserView, WorkspaceSummary } from './schemas.js';
import { recordSecurityEvent, securityEventsOf } from './security-log.js';
import { changePassword, login, revokeSession } from './service.js';

const SecurityEventView = Type.Object({
  id: Type.String(),
  event: Type.Union([
    Type.Literal('signIn'),
    Type.Literal('signInFailed'),
    Type.Literal('signOut'),
    Type.Literal('passwordChanged'),
    Type.Literal('invitationAccepted'),
  ]),
  at: Type.String(),
  ip: Type.String(),
  userAgent: Type.String(),
  locked: Type.Optional(Type.Boolean()),
});

/** `POST /auth/login`, `POST /auth/logout`, `GET /auth/me`, `GET /auth/me/security`, `PATCH /auth/me`. */
export async function authRoutes(app: AppInstance): Promise<void> {
  app.post(
    '/auth/login',
    {
      config: { auth: false },
      schema: {
        tags: ['auth'],
        summary: 'Sign in; answers a token and sets the session cookie',
        body: Type.Object({ email: Email, password: Password }, { additionalProperties: false }),
        response: { 200: Type.Object({ token: Type.String(), user: UserView }) },
      },
    },
    async (request, reply) => {
      const { token, expiresAt, user } = await login(app, request, request.body);
      setSessionCookies(app, request, reply, token, expiresAt);
      return { token, user: { id: String(user._id), email: user.email, name: user.name } };
    },
  );

  app.post(
    '/auth/logout',
    { schema: { tags: ['auth'], summary: 'End the current session', response: { 204: Type.Null() } } },
    async (request, reply) => {
      const auth = request.auth;
      if (auth?.kind !== 'session') throw appError('FORBIDDEN', 'auth.logoutNeedsSession');
      await revokeSession(app, auth.sessionId);
      const user = currentUser(request);
      await recordSecurityEvent(app.store.connection, request, {
        user: new Types.ObjectId(user.id),
        email: user.email,
        event: 'signOut',
      });
      clearSessionCookies(reply);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/auth/me',
    {
      schema: {
        tags: ['auth'],
        summary: 'The signed-in user and their workspaces',
        response: { 200: Type.Object({ user: UserView, workspaces: Type.Array(WorkspaceSummary) }) },
      },
    },
    async (request) => {
      const user = currentUser(request);
      const { Member, Workspace } = workspaceModels(app.store.connection);
      const members = await Member.find({ user: new Types.ObjectId(user.id), active: true }).lean();
      const workspaces = await Workspace.find({ _id: { $in: members.map((m) => m.ws) } }).lean();
      const names = new Map(workspaces.map((ws) => [String(ws._id), ws.name]));
      return {
        user,
        workspaces: members
          .filter((m) => names.has(String(m.ws)))
          .map((m) => ({ id: String(m.ws), name: names.get(String(m.ws)) ?? '', roles: m.roles })),
      };
    },
  );

  app.get(
    '/auth/me/security',
    {
      schema: {
        tags: ['auth'],
        summary:
          'Your security log, newest first: sign-ins, failed sign-ins (and whether they locked you out), ' +
          'sign-outs, password changes, invitations accepted; from which address and user agent',
        querystring: Type.Object(
          // Query strings are text (no type coercion): 1 to 200.
          { limit: Type.Optional(Type.String({ pattern: '^(?:[1-9][0-9]?|1[0-9]{2}|200)$' })) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(SecurityEventView) }) },
      },
    },
    async (request) => {
      const user = currentUser(request);
      const items = await securityEventsOf(
        app.store.connection,
        new Types.ObjectId(user.id),
        request.query.limit === undefined ? 50 : Number(request.query.limit),
      );
      return { items };
    },
  );

  // Self-service: only the name and the password; email, roles and memberships are not the user's to set.
  app.patch(
    '/auth/me',
    {
      schema: {
        tags: ['auth'],
        summary: 'Change your name, password or language',
        body: Type.Object(
          {
            name: Type.Optional(Name),
            // The language of the API's messages when a request names none (Accept-Language).
            language: Type.Optional(Type.Union([Type.Literal('en'), Type.Literal('zh-CN')])),
            currentPassword: Type.Optional(Password),
            newPassword: Type.Optional(Password),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: UserView },
      },
    },
    async (request) => {
      const user = currentUser(request);
      const body = request.body;
      const auth = request.auth;
      if (body.newPassword !== undefined || body.currentPassword !== undefined) {
        if (body.newPassword === undefined || body.currentPassword === undefined) {
          throw appError('VALIDATION_FAILED', 'auth.passwordPair', [
            {
              path: body.newPassword === undefined ? '/newPassword' : '/currentPassword',
              message: 'detail.required',
            },
          ]);
        }
        const sessionId = auth?.kind === 'session' ? auth.sessionId : null;
        await changePassword(app, user.id, sessionId, {
          currentPassword: body.currentPassword,
          newPassword: body.newPassword,
        });
        await recordSecurityEvent(app.store.connection, request, {
          user: new Types.ObjectId(user.id),
          email: user.email,
          event: 'passwordChanged',
        });
      }
      const { User } = authModels(app.store.connection);
      const set: Record<string, string> = {};
      if (body.name !== undefined) set.name = body.name.trim();
      if (body.language !== undefined) set.language = body.language;
      if (Object.keys(set).length > 0)
        await User.updateOne({ _id: new Types.ObjectId(user.id) }, { $set: set });
      const updated = await User.findById(user.id).lean();
      if (!updated) throw appError('UNAUTHORIZED', 'auth.accountGone');
      return { id: String(updated._id), email: updated.email, name: updated.name };
    },
  );
}
