import { Types } from 'mongoose';
import { Type } from 'typebox';
import type { AppInstance } from '../../app.js';
import { appError, notFound } from '../../lib/errors.js';
import { recordAudit } from '../audit/service.js';
import { authModels, type UserDoc } from '../auth/models.js';
import { requireAdmin, setSessionCookies } from '../auth/plugin.js';
import { Email, Id, Name, Password, RoleKey } from '../auth/schemas.js';
import { recordSecurityEvent } from '../auth/security-log.js';
import { checkPasswordThrottled, createSession, createUser } from '../auth/service.js';
import { tokenDigest, tokenKind } from '../auth/tokens.js';
import { createInvitation, joinWorkspace, requirePerson } from './invitations.js';
import { workspaceModels } from './models.js';
import { myInvitationRoutes } from './my-invitations.js';
import { parseId } from './service.js';

/** An invitation as its workspace's admins see it. */
export const InvitationView = Type.Object({
  id: Type.String(),
  email: Type.String(),
  roles: Type.Array(Type.String()),
  department: Type.Union([Type.String(), Type.Null()]),
  manager: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  expiresAt: Type.String(),
});
const NullableId = Type.Union([Id, Type.Null()]);
const WsParams = Type.Object({ ws: Type.String() });

/** Invitations: admins create (token shown once), list and revoke; the invitee accepts with the token. */
export async function invitationRoutes(app: AppInstance): Promise<void> {
  const { Invitation } = workspaceModels(app.store.connection);
  const { User } = authModels(app.store.connection);

  app.post(
    '/workspaces/:ws/invitations',
    {
      schema: {
        tags: ['members'],
        summary: 'Invite someone by email; the token in the answer is shown only once',
        params: WsParams,
        body: Type.Object(
          {
            email: Email,
            roles: Type.Array(RoleKey, { minItems: 1, maxItems: 50 }),
            department: Type.Optional(NullableId),
            manager: Type.Optional(NullableId),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ ...InvitationView.properties, token: Type.String() }) },
      },
    },
    async (request, reply) => {
      const caller = requireAdmin(request);
      // A token never hands out access to people: an invitation outlives the token that made it.
      requirePerson(request);
      const { doc, token } = await createInvitation(app, request, caller, request.body);
      return reply.status(201).send({ ...invitationView(doc), token });
    },
  );

  app.get(
    '/workspaces/:ws/invitations',
    {
      schema: {
        tags: ['members'],
        summary: 'Pending invitations',
        params: WsParams,
        response: { 200: Type.Array(InvitationView) },
      },
    },
    async (request) => {
      const ws = new Types.ObjectId(requireAdmin(request).ws);
      const docs = await Invitation.find({
        ws,
        acceptedAt: null,
        revokedAt: null,
        expiresAt: { $gt: new Date() },
      })
        .sort({ createdAt: -1 })
        .lean();
      return docs.map(invitationView);
    },
  );

  app.delete(
    '/workspaces/:ws/invitations/:invitation',
    {
      schema: {
        tags: ['members'],
        summary: 'Revoke an invitation',
        params: Type.Object({ ws: Type.String(), invitation: Type.String() }),
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      const ws = new Types.ObjectId(requireAdmin(request).ws);
      const id = parseId(request.params.invitation, 'Invitation');
      const result = await Invitation.updateOne(
        { ws, _id: id, acceptedAt: null, revokedAt: null },
        { $set: { revokedAt: new Date() } },
      );
      if (result.matchedCount === 0) throw notFound('Invitation');
      await recordAudit(app.store.connection, request, {
        ws,
        action: 'invitation.revoked',
        target: { kind: 'invitation', id: String(id) },
      });
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/invitations/accept',
    {
      config: { auth: false },
      schema: {
        tags: ['members'],
        summary: 'Accept an invitation: creates the account (or checks the existing one) and signs in',
        body: Type.Object(
          { token: Type.String({ maxLength: 100 }), name: Name, password: Password },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({ workspaceId: Type.String(), userId: Type.String(), token: Type.String() }),
        },
      },
    },
    async (request, reply) => {
      const { token, name, password } = request.body;
      const invalid = appError('NOT_FOUND', 'invitation.invalid');
      if (tokenKind(token) !== 'invitation') throw invalid;
      const now = new Date();
      const pending = await Invitation.findOne({
        hash: tokenDigest(app.config.secret, token),
        acceptedAt: null,
        revokedAt: null,
        expiresAt: { $gt: now },
      }).lean();
      if (!pending) throw invalid;
      let user: UserDoc | null = await User.findOne({ email: pending.email }).lean<UserDoc>();
      if (user) {
        // Someone with an account proves it is theirs; the invitation alone must not take it over. The
        // check is a sign-in in all but name: the same throttle and lockout (429), the same security log.
        const { ok, locked } = await checkPasswordThrottled(app, request, pending.email, user, password);
        if (!ok) {
          await recordSecurityEvent(app.store.connection, request, {
            user: user._id,
            email: user.email,
            event: 'signInFailed',
            details: { locked, via: 'invitation' },
          });
          throw appError('UNAUTHORIZED', 'invitation.needsPassword');
        }
      } else {
        user = await createUser(app, { email: pending.email, name, password }, '/password');
      }
      // Claim the invitation atomically so it is used once even when accepted twice at the same time.
      const claimed = await Invitation.findOneAndUpdate(
        { _id: pending._id, acceptedAt: null, revokedAt: null },
        { $set: { acceptedAt: now } },
      ).lean();
      if (!claimed) throw invalid;
      await joinWorkspace(app, pending, user._id);
      const session = await createSession(app, request, user._id);
      await recordSecurityEvent(app.store.connection, request, {
        user: user._id,
        email: user.email,
        event: 'invitationAccepted',
        details: { ws: String(pending.ws) },
      });
      await recordAudit(app.store.connection, request, {
        ws: pending.ws,
        action: 'invitation.accepted',
        actor: { user: user._id, email: user.email },
        target: { kind: 'invitation', id: String(pending._id) },
      });
      setSessionCookies(app, request, reply, session.token, session.expiresAt);
      return reply
        .status(201)
        .send({ workspaceId: String(pending.ws), userId: String(user._id), token: session.token });
    },
  );
  await myInvitationRoutes(app);
}

/** An invitation as the API shows it (never its token). */
export function invitationView(doc: {
  _id: Types.ObjectId;
  email: string;
  roles: string[];
  department: Types.ObjectId | null;
  manager: Types.ObjectId | null;
  createdAt: Date;
  expiresAt: Date;
}) {
  return {
    id: String(doc._id),
    email: doc.email,
    roles: doc.roles,
    department: doc.department ? String(doc.department) : null,
    manager: doc.manager ? String(doc.manager) : null,
    createdAt: doc.createdAt.toISOString(),
    expiresAt: doc.expiresAt.toISOString(),
  };
}
