import { Types } from 'mongoose';
import { Type } from 'typebox';
import type { AppInstance } from '../../app.js';
import { WORKSPACE_ROLES } from '../../lib/access/index.js';
import { appError, type ErrorDetail, notFound, t } from '../../lib/errors.js';
import { appModel } from '../apps/model.js';
import { recordAudit } from '../audit/service.js';
import { authModels, type UserDoc } from '../auth/models.js';
import { hashPassword } from '../auth/password.js';
import { currentMember, requireAdmin } from '../auth/plugin.js';
import { Email, Id, Name, Password, RoleKey } from '../auth/schemas.js';
import { assertPasswordAcceptable, createUser, normalizeEmail } from '../auth/service.js';
import { assertReassignTarget, type ReassignEffect, reassignFromLeaver } from '../tasks/reassign.js';
import { InvitationView, invitationView } from './invitation-routes.js';
import { createInvitation, requirePerson } from './invitations.js';
import { workspaceModels } from './models.js';
import {
  assertActiveMember,
  assertDepartment,
  assertKeepsAnOwner,
  assertMayAssignRoles,
  assertNoManagerLoop,
  getMember,
  listMembers,
  normalizeRoles,
  parseId,
} from './service.js';

const MemberView = Type.Object({
  userId: Type.String(),
  email: Type.String(),
  name: Type.String(),
  roles: Type.Array(Type.String()),
  department: Type.Union([Type.String(), Type.Null()]),
  manager: Type.Union([Type.String(), Type.Null()]),
  active: Type.Boolean(),
});
const Roles = Type.Array(RoleKey, { minItems: 1, maxItems: 50 });
const NullableId = Type.Union([Id, Type.Null()]);
const WsParams = Type.Object({ ws: Type.String() });
const MemberParams = Type.Object({ ws: Type.String(), user: Type.String() });

/**
 * 422 unless every role is a workspace role or the key of a role one of the workspace's apps defines,
 * so a typo never grants a silent nothing. Paths point into the request's `roles`.
 */
export async function assertKnownRoles(
  app: AppInstance,
  ws: Types.ObjectId,
  roles: readonly string[],
  pathOf: (index: number) => string = (index) => `/roles/${index}`,
): Promise<void> {
  const custom = roles.filter((role) => !(WORKSPACE_ROLES as readonly string[]).includes(role));
  if (custom.length === 0) return;
  const apps = await appModel(app.store.connection)
    .find({ ws }, { 'roles.key': 1 })
    .lean<{ roles?: { key: string }[] }[]>();
  const defined = new Set(apps.flatMap((a) => (a.roles ?? []).map((role) => role.key)));
  const details: ErrorDetail[] = [];
  roles.forEach((role, i) => {
    if (!(WORKSPACE_ROLES as readonly string[]).includes(role) && !defined.has(role)) {
      details.push({
        path: pathOf(i),
        message: t('detail.unknownRole', { role }),
      });
    }
  });
  if (details.length > 0) throw appError('UNPROCESSABLE', 'member.unknownRole', details);
}

/** Members of a workspace: add (a new account, or an invitation), list, update, deactivate, reactivate. */
export async function memberRoutes(app: AppInstance): Promise<void> {
  const { Member } = workspaceModels(app.store.connection);
  const { User } = authModels(app.store.connection);

  app.post(
    '/workspaces/:ws/members',
    {
      schema: {
        tags: ['members'],
        summary:
          'Add a member: the email is invited (202) and joins when that person accepts, answered alike ' +
          'whether or not it has an account; a password is the first password of an account made for a ' +
          'new email',
        params: WsParams,
        body: Type.Object(
          {
            email: Email,
            name: Name,
            password: Type.Optional(Password),
            roles: Roles,
            department: Type.Optional(NullableId),
            manager: Type.Optional(NullableId),
          },
          { additionalProperties: false },
        ),
        response: {
          202: Type.Object({ invited: Type.Literal(true), invitation: InvitationView, token: Type.String() }),
        },
      },
    },
    async (request, reply) => {
      const caller = requireAdmin(request);
      // What this creates (an account, an invitation) would outlive an API token and its revocation.
      requirePerson(request);
      const ws = new Types.ObjectId(caller.ws);
      const body = request.body;
      // Every refusal comes before anything is written, and none depends on whether the email has an
      // account: roles, department, manager, and the password policy (checked against what was sent).
      await assertKnownRoles(app, ws, body.roles);
      assertMayAssignRoles(caller, null, normalizeRoles(body.roles));
      if (body.department) await assertDepartment(app, ws, body.department, '/department');
      if (body.manager) await assertActiveMember(app, ws, body.manager, '/manager');
      const email = normalizeEmail(body.email);
      if (body.password !== undefined) {
        assertPasswordAcceptable(body.password, { email, name: body.name.trim() }, '/password');
      }
      const existing = await User.findOne({ email }).lean<UserDoc>();
      if (existing && (await Member.exists({ ws, user: existing._id, active: true }))) {
        // Already an active member here, which the admin sees in the member list anyway.
        throw appError('CONFLICT', 'member.exists');
      }
      // Everyone added is invited and joins by accepting, and the answer is the same whether or not the
      // email has an account (nor does it hold its name or id): an existing account of another workspace
      // is never attached without its owner's consent, and the member list shows neither until they accept.
      // A password names the first password of an account made for a new email (it signs in with it and
      // accepts); an existing account keeps its own, untouched.
      if (body.password !== undefined) {
        if (existing)
          await hashPassword(body.password); // the same work either way: no timing tells
        else await createUser(app, { email, name: body.name, password: body.password }, '/password');
      }
      const { doc, token } = await createInvitation(app, request, caller, body);
      return reply.status(202).send({ invited: true as const, invitation: invitationView(doc), token });
    },
  );

  app.get(
    '/workspaces/:ws/members',
    {
      schema: {
        tags: ['members'],
        summary: 'Members of the workspace',
        params: WsParams,
        response: { 200: Type.Array(MemberView) },
      },
    },
    async (request) => listMembers(app, new Types.ObjectId(currentMember(request).ws)),
  );

  app.get(
    '/workspaces/:ws/members/:user',
    {
      schema: {
        tags: ['members'],
        summary: 'One member',
        params: MemberParams,
        response: { 200: MemberView },
      },
    },
    async (request) => getMember(app, new Types.ObjectId(currentMember(request).ws), request.params.user),
  );

  app.patch(
    '/workspaces/:ws/members/:user',
    {
      schema: {
        tags: ['members'],
        summary: "Change a member's roles, department or manager (owners and admins)",
        params: MemberParams,
        body: Type.Object(
          {
            roles: Type.Optional(Roles),
            department: Type.Optional(NullableId),
            manager: Type.Optional(NullableId),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: MemberView },
      },
    },
    async (request) => {
      const caller = requireAdmin(request);
      const ws = new Types.ObjectId(caller.ws);
      const userId = parseId(request.params.user, 'Member');
      const before = await Member.findOne({ ws, user: userId }).lean();
      if (!before) throw notFound('Member');
      const body = request.body;
      const set: Record<string, unknown> = {};
      if (body.roles !== undefined) {
        await assertKnownRoles(app, ws, body.roles);
        const roles = normalizeRoles(body.roles);
        assertMayAssignRoles(caller, before.roles, roles);
        if (before.roles.includes('owner') && !roles.includes('owner'))
          await assertKeepsAnOwner(app, ws, userId);
        set.roles = roles;
      }
      if (body.department !== undefined) {
        set.department =
          body.department === null ? null : await assertDepartment(app, ws, body.department, '/department');
      }
      if (body.manager !== undefined) {
        if (body.manager !== null) {
          const manager = await assertActiveMember(app, ws, body.manager, '/manager');
          await assertNoManagerLoop(app, ws, userId, manager);
          set.manager = manager;
        } else {
          set.manager = null;
        }
      }
      if (before.roles.includes('owner')) assertMayAssignRoles(caller, before.roles, before.roles);
      await Member.updateOne({ ws, user: userId }, { $set: set });
      const after = await getMember(app, ws, String(userId));
      const rolesChanged = body.roles !== undefined && before.roles.join() !== after.roles.join();
      await recordAudit(app.store.connection, request, {
        ws,
        action: rolesChanged ? 'member.rolesChanged' : 'member.updated',
        target: { kind: 'member', id: String(userId) },
        details: {
          before: { roles: before.roles, department: before.department, manager: before.manager },
          after: { roles: after.roles, department: after.department, manager: after.manager },
        },
      });
      return after;
    },
  );

  app.post(
    '/workspaces/:ws/members/:user/deactivate',
    {
      schema: {
        tags: ['members'],
        summary:
          'Deactivate a member: keeps their data, ends their access and moves their open tasks (to ' +
          'reassignTo, else their manager, their department head, or the acting admin)',
        params: MemberParams,
        body: Type.Object(
          { reassignTo: Type.Optional(Type.String({ maxLength: 100 })) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            member: MemberView,
            effects: Type.Array(
              Type.Object({
                type: Type.Literal('reassignOpenTasks'),
                ws: Type.String(),
                from: Type.String(),
                to: Type.Union([Type.String(), Type.Null()]),
                via: Type.Union([
                  Type.Literal('explicit'),
                  Type.Literal('manager'),
                  Type.Literal('departmentHead'),
                  Type.Literal('actingAdmin'),
                  Type.Literal('owner'),
                  Type.Null(),
                ]),
                moved: Type.Integer({ minimum: 0 }),
              }),
            ),
          }),
        },
      },
      // The body is optional (clients call this with none): validate an absent one as `{}`.
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request) => {
      const caller = requireAdmin(request);
      const ws = new Types.ObjectId(caller.ws);
      const userId = parseId(request.params.user, 'Member');
      const before = await Member.findOne({ ws, user: userId }).lean();
      if (!before) throw notFound('Member');
      assertMayAssignRoles(caller, before.roles, before.roles);
      if (before.roles.includes('owner')) await assertKeepsAnOwner(app, ws, userId);
      const reassignTo = request.body.reassignTo;
      // The named target is checked before anything changes, so a refused request changes nothing.
      const to =
        reassignTo === undefined
          ? undefined
          : await assertReassignTarget(app.store.connection, ws, userId, reassignTo);
      await Member.updateOne({ ws, user: userId }, { $set: { active: false } });
      // Access ends at once: the auth plugin only admits active members. Data stays as it is; open tasks
      // move now (again on a repeated call, which finds only tasks opened for the member since).
      const effects: ReassignEffect[] = [
        await reassignFromLeaver(app.store.connection, request, {
          ws,
          leaver: before,
          actor: caller.userId ? new Types.ObjectId(caller.userId) : null,
          ...(to ? { to } : {}),
        }),
      ];
      await recordAudit(app.store.connection, request, {
        ws,
        action: 'member.deactivated',
        target: { kind: 'member', id: String(userId) },
        details: { effects },
      });
      app.identityEvents.emit('member.deactivated', {
        ws: caller.ws,
        userId: String(userId),
        by: caller.userId,
        effects,
      });
      return { member: await getMember(app, ws, String(userId)), effects };
    },
  );

  app.post(
    '/workspaces/:ws/members/:user/reactivate',
    {
      schema: {
        tags: ['members'],
        summary: 'Give a deactivated member access again',
        params: MemberParams,
        response: { 200: MemberView },
      },
    },
    async (request) => {
      const caller = requireAdmin(request);
      const ws = new Types.ObjectId(caller.ws);
      const userId = parseId(request.params.user, 'Member');
      const before = await Member.findOne({ ws, user: userId }).lean();
      if (!before) throw notFound('Member');
      assertMayAssignRoles(caller, before.roles, before.roles);
      await Member.updateOne({ ws, user: userId }, { $set: { active: true } });
      await recordAudit(app.store.connection, request, {
        ws,
        action: 'member.reactivated',
        target: { kind: 'member', id: String(userId) },
      });
      app.identityEvents.emit('member.reactivated', {
        ws: caller.ws,
        userId: String(userId),
        by: caller.userId,
      });
      return getMember(app, ws, String(userId));
    },
  );
}
