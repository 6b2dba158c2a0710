import type { FastifyRequest } from 'fastify';
import { Types } from 'mongoose';
import type { AppInstance } from '../../app.js';
import { recordAudit } from '../audit/service.js';
import { currentUser, type RequestMember } from '../auth/plugin.js';
import { normalizeEmail } from '../auth/service.js';
import { newToken, tokenDigest } from '../auth/tokens.js';
import { assertKnownRoles } from './member-routes.js';
import { type InvitationDoc, workspaceModels } from './models.js';
import { assertActiveMember, assertDepartment, assertMayAssignRoles, normalizeRoles } from './service.js';

/** How long an invitation can be accepted. */
export const INVITATION_TTL_MS = 7 * 24 * 60 * 60_000;

/** What an invitation grants. */
export interface InvitationInput {
  email: string;
  roles: string[];
  department?: string | null | undefined;
  manager?: string | null | undefined;
}

/**
 * 403 for API tokens on routes that hand out access to people (invitations, accounts with passwords):
 * what they create would outlive the token, and survive its revocation.
 */
export function requirePerson(request: FastifyRequest): void {
  currentUser(request);
}

/**
 * Creates an invitation after the checks of adding a member (known roles, who may grant them, department,
 * manager); the token is answered once and stored as a digest.
 */
export async function createInvitation(
  app: AppInstance,
  request: FastifyRequest,
  caller: RequestMember,
  input: InvitationInput,
): Promise<{ doc: InvitationDoc; token: string }> {
  const { Invitation } = workspaceModels(app.store.connection);
  const ws = new Types.ObjectId(caller.ws);
  await assertKnownRoles(app, ws, input.roles);
  const roles = normalizeRoles(input.roles);
  assertMayAssignRoles(caller, null, roles);
  const department = input.department
    ? await assertDepartment(app, ws, input.department, '/department')
    : null;
  const manager = input.manager ? await assertActiveMember(app, ws, input.manager, '/manager') : null;
  const token = newToken('invitation');
  const now = new Date();
  const doc = await Invitation.create({
    ws,
    email: normalizeEmail(input.email),
    roles,
    department,
    manager,
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
  return { doc: doc.toObject(), token };
}

/** Makes the user a member as the invitation says; a deactivated membership becomes active again. */
export async function joinWorkspace(
  app: AppInstance,
  invitation: InvitationDoc,
  userId: Types.ObjectId,
): Promise<void> {
  const { Member } = workspaceModels(app.store.connection);
  const existing = await Member.findOne({ ws: invitation.ws, user: userId }).lean();
  if (existing) {
    await Member.updateOne({ _id: existing._id }, { $set: { active: true } });
    return;
  }
  await Member.create({
    ws: invitation.ws,
    user: userId,
    roles: invitation.roles,
    department: invitation.department,
    manager: invitation.manager,
    active: true,
  });
}
