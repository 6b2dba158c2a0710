import type { Types } from 'mongoose';
import type { Caller } from '../apps/caller.js';
import { openForm } from '../records/context.js';
import { type RecordDoc, recordModel } from '../records/model.js';
import { type MemberDoc, workspaceModels } from '../workspaces/models.js';
import type { RunContext } from './context.js';
import { SYSTEM_KINDS } from './scope.js';

/**
 * What one recipient may not read of a record: the fields their roles hide on its form (derived ones
 * included, as the access layer computes them), or every field and system value when they may not view the
 * record at all. Texts sent to a person (notifications) are filled in with these left blank, so an
 * automation never tells anyone a value the access layer would not show them.
 */
export async function hiddenFrom(
  ctx: RunContext,
  user: Types.ObjectId,
  record: RecordDoc | null,
): Promise<ReadonlySet<string>> {
  if (!record) return new Set();
  const everything = () => new Set([...Object.keys(record.data ?? {}), ...Object.keys(SYSTEM_KINDS)]);
  const { Member } = workspaceModels(ctx.connection);
  const member = await Member.findOne({ ws: ctx.ws, user, active: true }).lean<MemberDoc>();
  if (!member) return everything();
  const caller: Caller = { ws: ctx.ws, userId: user, roles: member.roles, timeZone: 'UTC' };
  if (member.department) caller.department = member.department;
  const target = await openForm(ctx.connection, caller, record.form);
  const filter = target.access.filter('view', { _id: record._id });
  if (!filter || !(await recordModel(ctx.connection).exists(filter))) return everything();
  return target.access.hidden;
}

/** Recipients grouped by what they may not read, so each text is filled in once per group. */
export async function groupByHidden(
  ctx: RunContext,
  users: readonly Types.ObjectId[],
  records: { top: RecordDoc | null; item: RecordDoc | null },
): Promise<Array<{ users: Types.ObjectId[]; top: ReadonlySet<string>; item: ReadonlySet<string> }>> {
  const groups = new Map<
    string,
    { users: Types.ObjectId[]; top: ReadonlySet<string>; item: ReadonlySet<string> }
  >();
  for (const user of users) {
    const top = await hiddenFrom(ctx, user, records.top);
    // A forEach over members has no item record: nothing of the item is hidden.
    const item = !records.item
      ? new Set<string>()
      : records.item === records.top
        ? top
        : await hiddenFrom(ctx, user, records.item);
    const key = JSON.stringify([[...top].sort(), [...item].sort()]);
    const group = groups.get(key);
    if (group) group.users.push(user);
    else groups.set(key, { users: [user], top, item });
  }
  return [...groups.values()];
}

/** A copy of formula values with the hidden keys (`sub.col` for a subform column) left blank. */
export function blanked(
  values: Readonly<Record<string, unknown>>,
  hidden: ReadonlySet<string>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...values };
  for (const key of hidden) {
    const [head, column] = key.split('.', 2) as [string, string | undefined];
    if (column === undefined) {
      if (Object.hasOwn(out, head)) out[head] = null;
      continue;
    }
    const rows = out[head];
    if (Array.isArray(rows)) {
      out[head] = rows.map((row) =>
        row !== null && typeof row === 'object'
          ? { ...(row as Record<string, unknown>), [column]: null }
          : row,
      );
    }
  }
  return out;
}
