import { Types } from 'mongoose';
import { Type } from 'typebox';
import type { AppInstance } from '../../app.js';
import { notFound } from '../../lib/errors.js';
import { recordAudit } from '../audit/service.js';
import { currentMember, currentUser, requireAdmin } from '../auth/plugin.js';
import { Name } from '../auth/schemas.js';
import { workspaceModels } from './models.js';
import { createWorkspace } from './service.js';

const WorkspaceView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  roles: Type.Array(Type.String()),
});
const WsParams = Type.Object({ ws: Type.String() });

/** `POST /workspaces`, `GET /workspaces`, `GET /workspaces/:ws`, `PATCH /workspaces/:ws`. */
export async function workspaceRoutes(app: AppInstance): Promise<void> {
  const { Workspace, Member } = workspaceModels(app.store.connection);

  app.post(
    '/workspaces',
    {
      schema: {
        tags: ['workspaces'],
        summary: 'Create a workspace; the caller becomes its owner',
        body: Type.Object({ name: Name }, { additionalProperties: false }),
        response: { 201: Type.Object({ id: Type.String(), name: Type.String() }) },
      },
    },
    async (request, reply) => {
      const user = currentUser(request);
      const ws = await createWorkspace(app, { name: request.body.name, owner: new Types.ObjectId(user.id) });
      await recordAudit(app.store.connection, request, {
        ws: ws._id,
        action: 'workspace.created',
        target: { kind: 'workspace', id: String(ws._id) },
        details: { name: ws.name },
      });
      return reply.status(201).send({ id: String(ws._id), name: ws.name });
    },
  );

  app.get(
    '/workspaces',
    {
      schema: {
        tags: ['workspaces'],
        summary: "The caller's workspaces",
        response: { 200: Type.Array(WorkspaceView) },
      },
    },
    async (request) => {
      const user = currentUser(request);
      const members = await Member.find({ user: new Types.ObjectId(user.id), active: true }).lean();
      const workspaces = await Workspace.find({ _id: { $in: members.map((m) => m.ws) } })
        .sort({ _id: 1 })
        .lean();
      const roles = new Map(members.map((m) => [String(m.ws), m.roles]));
      return workspaces.map((ws) => ({
        id: String(ws._id),
        name: ws.name,
        roles: roles.get(String(ws._id)) ?? [],
      }));
    },
  );

  app.get(
    '/workspaces/:ws',
    {
      schema: {
        tags: ['workspaces'],
        summary: 'One workspace',
        params: WsParams,
        response: { 200: WorkspaceView },
      },
    },
    async (request) => {
      const member = currentMember(request);
      const ws = await Workspace.findById(member.ws).lean();
      if (!ws) throw notFound('Workspace');
      return { id: String(ws._id), name: ws.name, roles: member.roles };
    },
  );

  app.patch(
    '/workspaces/:ws',
    {
      schema: {
        tags: ['workspaces'],
        summary: 'Rename a workspace (owners and admins)',
        params: WsParams,
        body: Type.Object({ name: Name }, { additionalProperties: false }),
        response: { 200: WorkspaceView },
      },
    },
    async (request) => {
      const member = requireAdmin(request);
      const ws = await Workspace.findOneAndUpdate(
        { _id: new Types.ObjectId(member.ws) },
        { $set: { name: request.body.name.trim() } },
        { new: true },
      ).lean();
      if (!ws) throw notFound('Workspace');
      await recordAudit(app.store.connection, request, {
        ws: ws._id,
        action: 'workspace.updated',
        target: { kind: 'workspace', id: String(ws._id) },
        details: { name: ws.name },
      });
      return { id: String(ws._id), name: ws.name, roles: member.roles };
    },
  );
}
