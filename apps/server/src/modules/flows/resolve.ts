import type { AssigneeSpec } from '@formloom/flow';
import { type Connection, Types } from 'mongoose';
import type { AppRoleDefinition } from '../../lib/access/index.js';
import type { FormDefinition } from '../forms/meta.js';
import { workspaceModels } from '../workspaces/models.js';

/** What assignee resolution reads: the workspace, the app's roles, the record and its submitter. */
export interface ResolveScope {
  connection: Connection;
  ws: Types.ObjectId;
  roles: readonly AppRoleDefinition[];
  form: FormDefinition;
  data: Readonly<Record<string, unknown>>;
  submitter: string;
}

const HEX = /^[0-9a-f]{24}$/i;

/** The ids a member or department field of the record holds (one value or a list). */
function idsIn(value: unknown): string[] {
  const list = Array.isArray(value) ? value : [value];
  return list.filter((v): v is string => typeof v === 'string' && HEX.test(v)).map((v) => v.toLowerCase());
}

/**
 * The active members an assignee spec of a flow names, in a stable order (role members by when they
 * joined, field values as listed). Deactivated members never get tasks.
 */
export async function resolveAssignees(
  scope: ResolveScope,
  specs: readonly AssigneeSpec[],
): Promise<string[]> {
  const out: string[] = [];
  for (const spec of specs) out.push(...(await resolveOne(scope, spec)));
  const unique = [...new Set(out)];
  if (unique.length === 0) return [];
  // One read settles who of them is active.
  const { Member } = workspaceModels(scope.connection);
  const active = await Member.find(
    { ws: scope.ws, user: { $in: unique.map((u) => new Types.ObjectId(u)) }, active: true },
    { user: 1 },
  ).lean();
  const activeIds = new Set(active.map((m) => m.user.toHexString()));
  return unique.filter((u) => activeIds.has(u));
}

async function resolveOne(scope: ResolveScope, spec: AssigneeSpec): Promise<string[]> {
  const { Member, Department } = workspaceModels(scope.connection);
  const { ws } = scope;
  switch (spec.kind) {
    case 'submitter':
      return [scope.submitter];
    case 'member':
      return spec.members.map((m) => m.toLowerCase());
    case 'field':
      return idsIn(scope.data[spec.field]);
    case 'role': {
      const members = await Member.find({ ws, roles: spec.role, active: true }, { user: 1 })
        .sort({ createdAt: 1, _id: 1 })
        .lean();
      return members.map((m) => m.user.toHexString());
    }
    case 'admins': {
      const managing = scope.roles.filter((r) => r.manageApp === true).map((r) => r.key);
      const members = await Member.find(
        { ws, active: true, roles: { $in: ['owner', 'admin', ...managing] } },
        { user: 1 },
      )
        .sort({ createdAt: 1, _id: 1 })
        .lean();
      return members.map((m) => m.user.toHexString());
    }
    case 'manager': {
      const bases = spec.field === undefined ? [scope.submitter] : idsIn(scope.data[spec.field]);
      const out: string[] = [];
      for (const base of bases) {
        let user: string | null = base;
        for (let level = 0; level < (spec.level ?? 1) && user !== null; level++) {
          const member: { manager: Types.ObjectId | null } | null = await Member.findOne(
            { ws, user: new Types.ObjectId(user) },
            { manager: 1 },
          ).lean();
          user = member?.manager ? member.manager.toHexString() : null;
        }
        if (user !== null) out.push(user);
      }
      return out;
    }
    case 'departmentHead': {
      const departments = await departmentsOf(scope, spec.field);
      const out: string[] = [];
      for (const start of departments) {
        let dept: { head: Types.ObjectId | null; parent: Types.ObjectId | null } | null =
          await Department.findOne({ ws, _id: new Types.ObjectId(start) }, { head: 1, parent: 1 }).lean();
        for (let level = 1; level < (spec.level ?? 1) && dept; level++) {
          dept = dept.parent
            ? await Department.findOne({ ws, _id: dept.parent }, { head: 1, parent: 1 }).lean()
            : null;
        }
        if (dept?.head) out.push(dept.head.toHexString());
      }
      return out;
    }
  }
}

/** The departments a department-head assignee starts from: a department field, a member field's members', or the submitter's. */
async function departmentsOf(scope: ResolveScope, field: string | undefined): Promise<string[]> {
  const { Member } = workspaceModels(scope.connection);
  if (field !== undefined) {
    const type = scope.form.fields.find((f) => f.key === field)?.type;
    const ids = idsIn(scope.data[field]);
    if (type === 'department') return ids;
    const members = await Member.find(
      { ws: scope.ws, user: { $in: ids.map((id) => new Types.ObjectId(id)) } },
      { department: 1 },
    ).lean();
    return members.flatMap((m) => (m.department ? [m.department.toHexString()] : []));
  }
  const submitter = await Member.findOne(
    { ws: scope.ws, user: new Types.ObjectId(scope.submitter) },
    { department: 1 },
  ).lean();
  return submitter?.department ? [submitter.department.toHexString()] : [];
}
