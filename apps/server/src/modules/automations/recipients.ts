import type { Assignee } from '@formloom/schema';
import { Types } from 'mongoose';
import { type MemberDoc, workspaceModels } from '../workspaces/models.js';
import type { RunContext } from './context.js';

/** The record whose fields, submitter and department `field`/`submitter`/`manager` assignees read. */
export interface AssigneeRecord {
  data: Record<string, unknown>;
  createdBy?: Types.ObjectId;
  dept?: Types.ObjectId | null;
}

function ids(value: unknown): Types.ObjectId[] {
  const list = Array.isArray(value) ? value : [value];
  return list
    .filter((v): v is string => typeof v === 'string' && /^[0-9a-f]{24}$/i.test(v))
    .map((v) => new Types.ObjectId(v));
}

/**
 * The active members an assignee list names, without repeats: holders of a role, members in a member
 * field of the record, listed members, the record's submitter, the manager (`level` up) of the submitter
 * or of the member in `field`, the head of a department (the submitter's, or the one in `field`).
 */
export async function resolveAssignees(
  ctx: RunContext,
  assignees: readonly Assignee[],
  record: AssigneeRecord | null,
): Promise<Types.ObjectId[]> {
  const { Member, Department } = workspaceModels(ctx.connection);
  const members = await Member.find({ ws: ctx.ws, active: true }).lean<MemberDoc[]>();
  const byUser = new Map(members.map((m) => [m.user.toHexString(), m]));
  const out = new Map<string, Types.ObjectId>();
  const add = (id: Types.ObjectId | null | undefined) => {
    if (id && byUser.has(id.toHexString())) out.set(id.toHexString(), id);
  };
  const base = (field: string | undefined): Types.ObjectId[] => {
    if (field) return ids(record?.data[field]);
    return record?.createdBy ? [record.createdBy] : [];
  };
  for (const a of assignees) {
    if (a.kind === 'role') for (const m of members) if (m.roles.includes(a.role)) add(m.user);
    if (a.kind === 'member') for (const id of ids(a.members)) add(id);
    if (a.kind === 'field') for (const id of ids(record?.data[a.field])) add(id);
    if (a.kind === 'submitter') for (const id of base(undefined)) add(id);
    if (a.kind === 'manager') {
      for (let id of base(a.field)) {
        let manager: Types.ObjectId | null = null;
        for (let level = 0; level < (a.level ?? 1); level++) {
          manager = byUser.get(id.toHexString())?.manager ?? null;
          if (!manager) break;
          id = manager;
        }
        add(manager);
      }
    }
    if (a.kind === 'departmentHead') {
      const departments = a.field
        ? ids(record?.data[a.field]).map((id) => byUser.get(id.toHexString())?.department ?? id)
        : record?.dept
          ? [record.dept]
          : [];
      for (let dept of departments) {
        let head: Types.ObjectId | null = null;
        for (let level = 0; level < (a.level ?? 1) && dept; level++) {
          const doc: { head: Types.ObjectId | null; parent: Types.ObjectId | null } | null =
            await Department.findOne({ ws: ctx.ws, _id: dept }, { head: 1, parent: 1 }).lean();
          head = doc?.head ?? null;
          if (!doc?.parent) {
            if (level + 1 < (a.level ?? 1)) head = null;
            break;
          }
          dept = doc.parent;
        }
        add(head);
      }
    }
  }
  return [...out.values()];
}
