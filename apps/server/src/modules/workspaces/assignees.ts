import type { Assignee } from '@formloom/schema';
import { type Connection, Types } from 'mongoose';
import { workspaceModels } from './models.js';

/**
 * Who an assignee list names, resolved against the org chart: the one mechanism behind approval flows'
 * steps and copies (modules/flows) and automations' `notify` recipients (modules/automations), so a
 * "manager two levels up" or a "department head" means the same people wherever it is written.
 */

/** An assignee as definitions write it, or the app's admins (the flows' fallback when nobody resolves). */
export type AssigneeSpec = Assignee | { readonly kind: 'admins' };

/** What assignees are resolved against: the record's values and who submitted it. */
export interface AssigneeSubject {
  /** The record's values: `field` assignees and `field`-based managers and heads read them. */
  data: Readonly<Record<string, unknown>>;
  /** The member `submitter` names and `manager` / `departmentHead` start from without a field. */
  submitter: string | null;
  /**
   * The department `departmentHead` starts from without a field; the submitter's own department when
   * absent.
   */
  dept?: string | null;
  /** App roles that manage the app: their holders count as admins (with the workspace's owners and admins). */
  managingRoles?: readonly string[];
}

const HEX = /^[0-9a-f]{24}$/i;

/** The ids a member or department field holds (one value or a list), lower-case. */
function idsIn(value: unknown): string[] {
  const list = Array.isArray(value) ? value : [value];
  return list.filter((v): v is string => typeof v === 'string' && HEX.test(v)).map((v) => v.toLowerCase());
}

const oid = (hex: string) => new Types.ObjectId(hex);

/**
 * The active members an assignee list names, without repeats, in a stable order (role holders and admins
 * by when they joined, field values as listed): holders of a role, the members in a member field, listed
 * members, the submitter, the manager `level` up of the submitter or of the members in `field`, the head
 * of a department `level` up (the submitter's or the subject's department, or the one in `field` — a
 * department field, or a member field whose members' departments are taken). Deactivated members are
 * left out.
 */
export async function resolveMembers(
  connection: Connection,
  ws: Types.ObjectId,
  specs: readonly AssigneeSpec[],
  subject: AssigneeSubject,
): Promise<string[]> {
  const out: string[] = [];
  for (const spec of specs) out.push(...(await resolveOne(connection, ws, subject, spec)));
  const unique = [...new Set(out)];
  if (unique.length === 0) return [];
  // One read settles who of them is active.
  const { Member } = workspaceModels(connection);
  const active = await Member.find({ ws, user: { $in: unique.map(oid) }, active: true }, { user: 1 }).lean();
  const activeIds = new Set(active.map((m) => m.user.toHexString()));
  return unique.filter((u) => activeIds.has(u));
}

async function resolveOne(
  connection: Connection,
  ws: Types.ObjectId,
  subject: AssigneeSubject,
  spec: AssigneeSpec,
): Promise<string[]> {
  const { Member } = workspaceModels(connection);
  switch (spec.kind) {
    case 'submitter':
      return subject.submitter ? [subject.submitter] : [];
    case 'member':
      return spec.members.map((m) => m.toLowerCase());
    case 'field':
      return idsIn(subject.data[spec.field]);
    case 'role':
    case 'admins': {
      const roles = spec.kind === 'role' ? [spec.role] : ['owner', 'admin', ...(subject.managingRoles ?? [])];
      const members = await Member.find({ ws, active: true, roles: { $in: roles } }, { user: 1 })
        .sort({ createdAt: 1, _id: 1 })
        .lean();
      return members.map((m) => m.user.toHexString());
    }
    case 'manager': {
      const bases =
        spec.field === undefined
          ? subject.submitter
            ? [subject.submitter]
            : []
          : idsIn(subject.data[spec.field]);
      const out: string[] = [];
      for (const base of bases) {
        let user: string | null = base;
        for (let level = 0; level < (spec.level ?? 1) && user !== null; level++) {
          const member: { manager: Types.ObjectId | null } | null = await Member.findOne(
            { ws, user: oid(user) },
            { manager: 1 },
          ).lean();
          user = member?.manager ? member.manager.toHexString() : null;
        }
        if (user !== null) out.push(user);
      }
      return out;
    }
    case 'departmentHead':
      return departmentHeads(connection, ws, subject, spec.field, spec.level ?? 1);
  }
}

/** Heads `level` up of the departments a department-head assignee starts from. */
async function departmentHeads(
  connection: Connection,
  ws: Types.ObjectId,
  subject: AssigneeSubject,
  field: string | undefined,
  level: number,
): Promise<string[]> {
  const { Department } = workspaceModels(connection);
  const out: string[] = [];
  for (const start of await departmentsOf(connection, ws, subject, field)) {
    let dept: { head: Types.ObjectId | null; parent: Types.ObjectId | null } | null =
      await Department.findOne({ ws, _id: oid(start) }, { head: 1, parent: 1 }).lean();
    for (let up = 1; up < level && dept; up++) {
      dept = dept.parent
        ? await Department.findOne({ ws, _id: dept.parent }, { head: 1, parent: 1 }).lean()
        : null;
    }
    if (dept?.head) out.push(dept.head.toHexString());
  }
  return out;
}

/**
 * The departments a department-head assignee starts from: with `field`, the departments it holds, or
 * for members in it their departments; without, the subject's department or the submitter's.
 */
async function departmentsOf(
  connection: Connection,
  ws: Types.ObjectId,
  subject: AssigneeSubject,
  field: string | undefined,
): Promise<string[]> {
  const { Member } = workspaceModels(connection);
  if (field === undefined) {
    if (subject.dept) return [subject.dept];
    if (!subject.submitter) return [];
    const submitter = await Member.findOne({ ws, user: oid(subject.submitter) }, { department: 1 }).lean();
    return submitter?.department ? [submitter.department.toHexString()] : [];
  }
  const ids = idsIn(subject.data[field]);
  if (ids.length === 0) return [];
  // A department field holds department ids; a member field holds members, whose departments count.
  const members = await Member.find({ ws, user: { $in: ids.map(oid) } }, { user: 1, department: 1 }).lean();
  const byUser = new Map(members.map((m) => [m.user.toHexString(), m.department?.toHexString() ?? null]));
  return ids.flatMap((id) => {
    if (!byUser.has(id)) return [id];
    const dept = byUser.get(id);
    return dept ? [dept] : [];
  });
}
