import type { Assignee } from '@formloom/schema';
import { Types } from 'mongoose';
import { resolveMembers } from '../workspaces/assignees.js';
import type { RunContext } from './context.js';

/** The record whose fields, submitter and department `field`/`submitter`/`manager` assignees read. */
export interface AssigneeRecord {
  data: Record<string, unknown>;
  createdBy?: Types.ObjectId;
  dept?: Types.ObjectId | null;
}

/**
 * The active members an assignee list names, resolved by the workspace's one assignee mechanism (the
 * one approval flows use, modules/workspaces/assignees.ts) against the record: its creator is the
 * submitter, its department the one a `departmentHead` without a field starts from.
 */
export async function resolveAssignees(
  ctx: RunContext,
  assignees: readonly Assignee[],
  record: AssigneeRecord | null,
): Promise<Types.ObjectId[]> {
  const users = await resolveMembers(ctx.connection, ctx.ws, assignees, {
    data: record?.data ?? {},
    submitter: record?.createdBy ? record.createdBy.toHexString() : null,
    dept: record?.dept ? record.dept.toHexString() : null,
  });
  return users.map((id) => new Types.ObjectId(id));
}
