import { Types } from 'mongoose';
import { Type } from 'typebox';
import type { AppInstance } from '../../app.js';
import { appError, notFound } from '../../lib/errors.js';
import { recordAudit } from '../audit/service.js';
import { authModels, type UserDoc } from '../auth/models.js';
import { verifyPassword } from '../auth/password.js';
import { requireAdmin, setSessionCookies } from '../auth/plugin.js';
import { Email, Id, Name, Password, RoleKey } from '../auth/schemas.js';
import { createSession, createUser, normalizeEmail } from '../auth/service.js';
import { newToken, tokenDigest, tokenKind } from '../auth/tokens.js';
import { assertKnownRoles } from './member-routes.js';
import { workspaceModels } from './models.js';
import {
  assertActiveMember,
  assertDepartment,
  assertMayAssignRoles,
  normalizeRoles,
  parseId,
} from './service.js';

/** How long an invitation can be accepted. */
export const INVITATION_TTL_MS = 7 * 24 * 60 * 60_000;

const InvitationView = Type.Object({
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
  const { Invitation, Member } = workspaceModels(app.store.connection);
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
      const ws = new Types.ObjectId(caller.ws);
      const body = request.body;
      await assertKnownRoles(app, ws, body.roles);
      const roles = normalizeRoles(body.roles);
      assertMayAssignRoles(caller, null, roles);
      const token = newToken('invitation');
      const now = new Date();
      const doc = await Invitation.create({
        ws,
        email: normalizeEmail(body.email),
        roles,
        department: body.department ? await assertDepartment(app, ws, body.department, '/department') : null,
        manager: body.manager ? await assertActiveMember(app, ws, body.manager, '/manager') : null,
        hash: tokenDigest(app.config.secret, token),
        invitedBy: caller.userId ? new Types.ObjectId(caller.userId) : null,
        createdAt: now,
        expiresAt: new Date(now.getTime() + INVITATION_TTL_MS),
      });
      await recordAudit(app.store.connection, request, {
        ws,
        action: 'invitation.created',
        target: { kind: 'invitation', id: String(doc._id) },
        details: { email: doc.email, roles },
      });
      return reply.status(201).send({ ...view(doc.toObject()), token });
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
      return docs.map(view);
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
        // Someone with an account proves it is theirs; the invitation alone must not take it over.
        if (!(await verifyPassword(user.passwordHash, password))) {
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
      const existing = await Member.findOne({ ws: pending.ws, user: user._id }).lean();
      if (existing) {
        await Member.updateOne({ _id: existing._id }, { $set: { active: true } });
      } else {
        await Member.create({
          ws: pending.ws,
          user: user._id,
          roles: pending.roles,
          department: pending.department,
          manager: pending.manager,
          active: true,
        });
      }
      const session = await createSession(app, request, user._id);
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
}

function view(doc: {
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
