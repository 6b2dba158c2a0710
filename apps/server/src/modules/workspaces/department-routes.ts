import { Types } from 'mongoose';
import { Type } from 'typebox';
import type { AppInstance } from '../../app.js';
import { appError, notFound, t } from '../../lib/errors.js';
import { recordAudit } from '../audit/service.js';
import { currentMember, requireAdmin } from '../auth/plugin.js';
import { Id, Name } from '../auth/schemas.js';
import { workspaceModels } from './models.js';
import { assertActiveMember, assertDepartment, departmentNodes, parseId, toNode } from './service.js';
import { buildTree, wouldCycle } from './tree.js';

const DepartmentView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  parent: Type.Union([Type.String(), Type.Null()]),
  head: Type.Union([Type.String(), Type.Null()]),
});
// Recursive shape of the tree; documented loosely in OpenAPI (children repeat the node shape).
const TreeNode = Type.Object({
  id: Type.String(),
  name: Type.String(),
  parent: Type.Union([Type.String(), Type.Null()]),
  head: Type.Union([Type.String(), Type.Null()]),
  children: Type.Array(Type.Unknown()),
});
const WsParams = Type.Object({ ws: Type.String() });
const DeptParams = Type.Object({ ws: Type.String(), department: Type.String() });
const NullableId = Type.Union([Id, Type.Null()]);

/** Departments of a workspace: a tree with heads. Owners and admins change it; every member reads it. */
export async function departmentRoutes(app: AppInstance): Promise<void> {
  const { Department, Member } = workspaceModels(app.store.connection);

  app.post(
    '/workspaces/:ws/departments',
    {
      schema: {
        tags: ['departments'],
        summary: 'Create a department',
        params: WsParams,
        body: Type.Object(
          { name: Name, parent: Type.Optional(NullableId), head: Type.Optional(NullableId) },
          { additionalProperties: false },
        ),
        response: { 201: DepartmentView },
      },
    },
    async (request, reply) => {
      const ws = new Types.ObjectId(requireAdmin(request).ws);
      const { name, parent, head } = request.body;
      const doc = await Department.create({
        ws,
        name: name.trim(),
        parent: parent ? await assertDepartment(app, ws, parent, '/parent') : null,
        head: head ? await assertActiveMember(app, ws, head, '/head') : null,
      });
      const view = toNode(doc.toObject());
      await recordAudit(app.store.connection, request, {
        ws,
        action: 'department.created',
        target: { kind: 'department', id: view.id },
        details: { name: view.name, parent: view.parent },
      });
      return reply.status(201).send(view);
    },
  );

  app.get(
    '/workspaces/:ws/departments',
    {
      schema: {
        tags: ['departments'],
        summary: 'The department tree',
        params: WsParams,
        response: { 200: Type.Array(TreeNode) },
      },
    },
    async (request) => {
      const ws = new Types.ObjectId(currentMember(request).ws);
      return buildTree(await departmentNodes(app, ws));
    },
  );

  app.patch(
    '/workspaces/:ws/departments/:department',
    {
      schema: {
        tags: ['departments'],
        summary: 'Rename, move (never below itself) or set the head of a department',
        params: DeptParams,
        body: Type.Object(
          { name: Type.Optional(Name), parent: Type.Optional(NullableId), head: Type.Optional(NullableId) },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: DepartmentView },
      },
    },
    async (request) => {
      const ws = new Types.ObjectId(requireAdmin(request).ws);
      const id = parseId(request.params.department, 'Department');
      const existing = await Department.findOne({ ws, _id: id }).lean();
      if (!existing) throw notFound('Department');
      const { name, parent, head } = request.body;
      const set: Record<string, unknown> = {};
      if (name !== undefined) set.name = name.trim();
      if (parent !== undefined) {
        if (parent !== null) await assertDepartment(app, ws, parent, '/parent');
        if (wouldCycle(await departmentNodes(app, ws), String(id), parent?.toLowerCase() ?? null)) {
          throw appError('UNPROCESSABLE', 'department.belowItself', [
            { path: '/parent', message: 'detail.selfOrBelow' },
          ]);
        }
        set.parent = parent === null ? null : new Types.ObjectId(parent);
      }
      if (head !== undefined)
        set.head = head === null ? null : await assertActiveMember(app, ws, head, '/head');
      const updated = await Department.findOneAndUpdate(
        { ws, _id: id },
        { $set: set },
        { returnDocument: 'after' },
      ).lean();
      if (!updated) throw notFound('Department');
      const view = toNode(updated);
      await recordAudit(app.store.connection, request, {
        ws,
        action: 'department.updated',
        target: { kind: 'department', id: view.id },
        details: { before: toNode(existing), after: view },
      });
      return view;
    },
  );

  app.delete(
    '/workspaces/:ws/departments/:department',
    {
      schema: {
        tags: ['departments'],
        summary: 'Delete an empty department (no sub-departments, members or records)',
        params: DeptParams,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      const ws = new Types.ObjectId(requireAdmin(request).ws);
      const id = parseId(request.params.department, 'Department');
      const existing = await Department.findOne({ ws, _id: id }).lean();
      if (!existing) throw notFound('Department');
      const [children, members, records] = await Promise.all([
        Department.countDocuments({ ws, parent: id }),
        Member.countDocuments({ ws, department: id }),
        app.store.connection.collection('records').countDocuments({ ws, dept: id }, { limit: 1 }),
      ]);
      if (children + members + records > 0) {
        const what = [
          children ? t('department.children', { count: children }) : undefined,
          members ? t('department.members', { count: members }) : undefined,
          records ? t('department.records') : undefined,
        ].filter((part) => part !== undefined);
        throw appError('CONFLICT', t('department.notEmpty', { what }));
      }
      await Department.deleteOne({ ws, _id: id });
      await recordAudit(app.store.connection, request, {
        ws,
        action: 'department.deleted',
        target: { kind: 'department', id: String(id) },
        details: { name: existing.name },
      });
      return reply.status(204).send(null);
    },
  );
}
