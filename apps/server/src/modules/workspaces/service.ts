import { type Connection, Types } from 'mongoose';
import type { AppInstance } from '../../app.js';
import { workspaceRole } from '../../lib/access/index.js';
import { appError, notFound, type Thing } from '../../lib/errors.js';
import type { RequestMember } from '../auth/plugin.js';
import { type DepartmentDoc, type MemberDoc, type WorkspaceDoc, workspaceModels } from './models.js';
import { type DepartmentNode, descendantsOf } from './tree.js';

/** A membership as the API shows it. */
export interface MemberView {
  userId: string;
  email: string;
  name: string;
  roles: string[];
  department: string | null;
  manager: string | null;
  active: boolean;
}

/** Parses a path or body id; anything that is not an ObjectId is simply not found. */
export function parseId(value: string, what: Thing): Types.ObjectId {
  if (!/^[0-9a-fA-F]{24}$/.test(value)) throw notFound(what);
  return new Types.ObjectId(value);
}

/** Creates a workspace with `owner` as its owning member. */
export async function createWorkspace(
  app: AppInstance,
  input: { name: string; owner: Types.ObjectId },
): Promise<WorkspaceDoc> {
  const { Workspace, Member } = workspaceModels(app.store.connection);
  const ws = await Workspace.create({ name: input.name.trim(), createdBy: input.owner });
  await Member.create({ ws: ws._id, user: input.owner, roles: ['owner'], active: true });
  return ws.toObject();
}

/** The workspace's departments as tree nodes. */
export async function departmentNodes(app: AppInstance, ws: Types.ObjectId): Promise<DepartmentNode[]> {
  const { Department } = workspaceModels(app.store.connection);
  const docs = await Department.find({ ws }).lean();
  return docs.map(toNode);
}

/** A department document as a tree node. */
export function toNode(doc: DepartmentDoc): DepartmentNode {
  return {
    id: String(doc._id),
    name: doc.name,
    parent: doc.parent ? String(doc.parent) : null,
    head: doc.head ? String(doc.head) : null,
  };
}

/**
 * A department and every department below it, for `departmentAndBelow` scopes (`AccessSubject`); the
 * records module calls this once per request that needs it. Empty without a department.
 */
export async function departmentAndBelow(
  connection: Connection,
  ws: Types.ObjectId | string,
  department: Types.ObjectId | string | null | undefined,
): Promise<string[]> {
  if (!department) return [];
  const { Department } = workspaceModels(connection);
  const docs = await Department.find({ ws: new Types.ObjectId(String(ws)) }).lean();
  return descendantsOf(docs.map(toNode), String(department));
}

/** Throws 400 unless `department` is a department of `ws`. */
export async function assertDepartment(
  app: AppInstance,
  ws: Types.ObjectId,
  department: string,
  path: string,
): Promise<Types.ObjectId> {
  const { Department } = workspaceModels(app.store.connection);
  const id = /^[0-9a-fA-F]{24}$/.test(department) ? new Types.ObjectId(department) : null;
  if (!id || !(await Department.exists({ ws, _id: id }))) {
    throw appError('VALIDATION_FAILED', 'department.unknown', [{ path, message: 'detail.notDepartment' }]);
  }
  return id;
}

/** Throws 400 unless `userId` is an active member of `ws`. */
export async function assertActiveMember(
  app: AppInstance,
  ws: Types.ObjectId,
  userId: string,
  path: string,
): Promise<Types.ObjectId> {
  const { Member } = workspaceModels(app.store.connection);
  const id = /^[0-9a-fA-F]{24}$/.test(userId) ? new Types.ObjectId(userId) : null;
  if (!id || !(await Member.exists({ ws, user: id, active: true }))) {
    throw appError('VALIDATION_FAILED', 'member.unknown', [{ path, message: 'detail.notActiveMember' }]);
  }
  return id;
}

/**
 * Role changes are checked against the caller: only owners grant or take `owner`, and only owners change
 * an owner's membership; API tokens neither grant nor change `admin` or `owner`. `roles` are workspace roles and app role keys.
 */
export function assertMayAssignRoles(caller: RequestMember, before: string[] | null, after: string[]): void {
  if (caller.userId === null) {
    // An API token (never an owner) grants no role above what a token is: admins and owners mint tokens
    // and invite people, which would outlive the token and its revocation. Nor does it change them.
    const strong = (roles: readonly string[]) => roles.includes('owner') || roles.includes('admin');
    if (strong(after) || strong(before ?? [])) throw appError('FORBIDDEN', 'member.tokenRoles');
  }
  if (caller.workspaceRole === 'owner') return;
  const touchesOwner = after.includes('owner') || (before?.includes('owner') ?? false);
  if (touchesOwner) throw appError('FORBIDDEN', 'member.ownerRoleByOwners');
}

/** 422 when a change would leave the workspace without an active owner. */
export async function assertKeepsAnOwner(app: AppInstance, ws: Types.ObjectId, losing: Types.ObjectId) {
  const { Member } = workspaceModels(app.store.connection);
  const others = await Member.countDocuments({ ws, active: true, roles: 'owner', user: { $ne: losing } });
  if (others === 0) throw appError('UNPROCESSABLE', 'member.lastOwner');
}

/** 422 when making `manager` the manager of `userId` would close a loop of managers. */
export async function assertNoManagerLoop(
  app: AppInstance,
  ws: Types.ObjectId,
  userId: Types.ObjectId,
  manager: Types.ObjectId,
): Promise<void> {
  const { Member } = workspaceModels(app.store.connection);
  const seen = new Set<string>();
  let current: Types.ObjectId | null = manager;
  while (current) {
    if (current.equals(userId)) {
      throw appError('UNPROCESSABLE', 'member.managerLoop', [
        { path: '/manager', message: 'detail.managerLoop' },
      ]);
    }
    const key = String(current);
    if (seen.has(key)) return;
    seen.add(key);
    const next: Pick<MemberDoc, 'manager'> | null = await Member.findOne(
      { ws, user: current },
      { manager: 1 },
    ).lean();
    current = next?.manager ?? null;
  }
}

/** Members of a workspace with their user's email and name. */
export async function listMembers(
  app: AppInstance,
  ws: Types.ObjectId,
  filter: { user?: Types.ObjectId } = {},
): Promise<MemberView[]> {
  const { Member } = workspaceModels(app.store.connection);
  const members = await Member.find({ ws, ...filter })
    .sort({ _id: 1 })
    .lean();
  const users = await app.store.connection
    .collection<{ _id: Types.ObjectId; email: string; name: string }>('users')
    .find({ _id: { $in: members.map((m) => m.user) } }, { projection: { email: 1, name: 1 } })
    .toArray();
  const byId = new Map(users.map((u) => [String(u._id), u]));
  return members.map((m) => ({
    userId: String(m.user),
    email: byId.get(String(m.user))?.email ?? '',
    name: byId.get(String(m.user))?.name ?? '',
    roles: m.roles,
    department: m.department ? String(m.department) : null,
    manager: m.manager ? String(m.manager) : null,
    active: m.active,
  }));
}

/** One member of a workspace, or 404. */
export async function getMember(app: AppInstance, ws: Types.ObjectId, userId: string): Promise<MemberView> {
  const [member] = await listMembers(app, ws, { user: parseId(userId, 'Member') });
  if (!member) throw notFound('Member');
  return member;
}

/** Roles as stored: de-duplicated, `member` implied when no workspace role is given. */
export function normalizeRoles(roles: readonly string[]): string[] {
  const unique = [...new Set(roles)];
  if (workspaceRole(unique) === 'member' && !unique.includes('member')) unique.unshift('member');
  return unique;
}
