import { Types } from 'mongoose';
import { Type } from 'typebox';
import type { AppInstance } from '../../app.js';
import { notFound } from '../../lib/errors.js';
import { recordAudit } from '../audit/service.js';
import { authModels } from '../auth/models.js';
import { currentUser } from '../auth/plugin.js';
import { recordSecurityEvent } from '../auth/security-log.js';
import { joinWorkspace } from './invitations.js';
import { workspaceModels } from './models.js';
import { parseId } from './service.js';

const MyInvitation = Type.Object({
  id: Type.String(),
  workspace: Type.Object({ id: Type.String(), name: Type.String() }),
  roles: Type.Array(Type.String()),
  invitedBy: Type.Union([Type.String(), Type.Null()]),
  expiresAt: Type.String(),
});
const InvitationParams = Type.Object({ invitation: Type.String() });

/**
 * The invitations waiting for the signed-in person: adding an existing account to a workspace invites it,
 * and nothing changes for that person until they accept here (or decline).
 */
export async function myInvitationRoutes(app: AppInstance): Promise<void> {
  const { Invitation, Workspace } = workspaceModels(app.store.connection);
  const { User } = authModels(app.store.connection);

  const pendingFor = (email: string, id?: Types.ObjectId) => ({
    email,
    acceptedAt: null,
    revokedAt: null,
    expiresAt: { $gt: new Date() },
    ...(id ? { _id: id } : {}),
  });

  app.get(
    '/auth/me/invitations',
    {
      schema: {
        tags: ['auth'],
        summary: 'Invitations waiting for you (your email), newest first',
        response: { 200: Type.Array(MyInvitation) },
      },
    },
    async (request) => {
      const user = currentUser(request);
      const docs = await Invitation.find(pendingFor(user.email)).sort({ createdAt: -1 }).limit(100).lean();
      const workspaces = await Workspace.find({ _id: { $in: docs.map((d) => d.ws) } }).lean();
      const inviters = await User.find(
        { _id: { $in: docs.flatMap((d) => (d.invitedBy ? [d.invitedBy] : [])) } },
        { name: 1 },
      ).lean();
      const wsName = new Map(workspaces.map((w) => [String(w._id), w.name]));
      const inviterName = new Map(inviters.map((u) => [String(u._id), u.name]));
      return docs.map((doc) => ({
        id: String(doc._id),
        workspace: { id: String(doc.ws), name: wsName.get(String(doc.ws)) ?? '' },
        roles: doc.roles,
        invitedBy: doc.invitedBy ? (inviterName.get(String(doc.invitedBy)) ?? null) : null,
        expiresAt: doc.expiresAt.toISOString(),
      }));
    },
  );

  app.post(
    '/auth/me/invitations/:invitation/accept',
    {
      schema: {
        tags: ['auth'],
        summary: 'Accept an invitation addressed to you: you become a member of its workspace',
        params: InvitationParams,
        response: { 200: Type.Object({ workspaceId: Type.String() }) },
      },
    },
    async (request) => {
      const user = currentUser(request);
      const id = parseId(request.params.invitation, 'Invitation');
      // Claimed atomically: accepted once, and only by the person it is addressed to.
      const claimed = await Invitation.findOneAndUpdate(pendingFor(user.email, id), {
        $set: { acceptedAt: new Date() },
      }).lean();
      if (!claimed) throw notFound('Invitation');
      const userId = new Types.ObjectId(user.id);
      await joinWorkspace(app, claimed, userId);
      await recordSecurityEvent(app.store.connection, request, {
        user: userId,
        email: user.email,
        event: 'invitationAccepted',
        details: { ws: String(claimed.ws) },
      });
      await recordAudit(app.store.connection, request, {
        ws: claimed.ws,
        action: 'invitation.accepted',
        target: { kind: 'invitation', id: String(claimed._id) },
      });
      return { workspaceId: String(claimed.ws) };
    },
  );

  app.post(
    '/auth/me/invitations/:invitation/decline',
    {
      schema: {
        tags: ['auth'],
        summary: 'Decline an invitation addressed to you',
        params: InvitationParams,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      const user = currentUser(request);
      const id = parseId(request.params.invitation, 'Invitation');
      const declined = await Invitation.findOneAndUpdate(pendingFor(user.email, id), {
        $set: { revokedAt: new Date() },
      }).lean();
      if (!declined) throw notFound('Invitation');
      await recordAudit(app.store.connection, request, {
        ws: declined.ws,
        action: 'invitation.declined',
        target: { kind: 'invitation', id: String(declined._id) },
      });
      return reply.status(204).send(null);
    },
  );
}
