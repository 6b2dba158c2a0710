import type { Types } from 'mongoose';
import type { Caller } from '../apps/caller.js';
import { openForm, viewOf } from '../records/context.js';
import { type RecordDoc, recordModel } from '../records/model.js';
import { type MemberDoc, workspaceModels } from '../workspaces/models.js';
import type { RunContext } from './context.js';
import { SYSTEM_KINDS } from './scope.js';

/**
 * A record's data as one reader may see it, through the same path as the API's record views (fields their
 * roles hide, derived ones included, left out; lookups of related records they may not view masked), or
 * null when they may not view the record at all. Texts sent to a person (notifications) are filled in
 * from this, so an automation never tells anyone a value the access layer would not show them.
 */
export async function readerData(
  ctx: RunContext,
  user: Types.ObjectId,
  record: RecordDoc,
): Promise<Record<string, unknown> | null> {
  const { Member } = workspaceModels(ctx.connection);
  const member = await Member.findOne({ ws: ctx.ws, user, active: true }).lean<MemberDoc>();
  if (!member) return null;
  const caller: Caller = { ws: ctx.ws, userId: user, roles: member.roles, timeZone: 'UTC' };
  if (member.department) caller.department = member.department;
  const target = await openForm(ctx.connection, caller, record.form);
  const filter = target.access.filter('view', { _id: record._id });
  if (!filter || !(await recordModel(ctx.connection).exists(filter))) return null;
  return (await viewOf(target, record)).data;
}

/**
 * Formula values with a record's values blanked where a reader's view of the record leaves them out or
 * masks them: a field absent from their view, a lookup of a related record they may not view (null in the
 * view, item by item for multiple relations), a hidden subform column; everything of the record (system
 * values too) when they may not view it. Values the reader does see keep the formula scope's own shape.
 */
export function asSeen(
  values: Readonly<Record<string, unknown>>,
  record: RecordDoc,
  seen: Readonly<Record<string, unknown>> | null,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...values };
  for (const key of Object.keys(record.data ?? {})) {
    if (!Object.hasOwn(out, key)) continue;
    out[key] = seen && Object.hasOwn(seen, key) ? masked(out[key], seen[key]) : null;
  }
  if (!seen) for (const key of Object.keys(SYSTEM_KINDS)) if (Object.hasOwn(out, key)) out[key] = null;
  return out;
}

/** `value` where the view shows something at the same place, null where the view shows nothing. */
function masked(value: unknown, view: unknown): unknown {
  if (view === null || view === undefined) return null;
  if (Array.isArray(value) && Array.isArray(view)) {
    return value.map((item, i) => {
      const shown = view[i];
      if (!isObject(item) || !isObject(shown)) return masked(item, shown);
      const row: Record<string, unknown> = {};
      for (const [column, cell] of Object.entries(item))
        row[column] = Object.hasOwn(shown, column) ? masked(cell, shown[column]) : null;
      return row;
    });
  }
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** One group of recipients who see the records of a text alike. */
export interface ReaderGroup {
  users: Types.ObjectId[];
  top: Record<string, unknown> | null;
  item: Record<string, unknown> | null;
}

/** Recipients grouped by what they see of the trigger record and the item record, so texts are filled once a group. */
export async function groupByView(
  ctx: RunContext,
  users: readonly Types.ObjectId[],
  records: { top: RecordDoc | null; item: RecordDoc | null },
): Promise<ReaderGroup[]> {
  const groups = new Map<string, ReaderGroup>();
  for (const user of users) {
    const top = records.top ? await readerData(ctx, user, records.top) : null;
    const item = !records.item
      ? null
      : records.item === records.top
        ? top
        : await readerData(ctx, user, records.item);
    const key = JSON.stringify([top, item]);
    const group = groups.get(key);
    if (group) group.users.push(user);
    else groups.set(key, { users: [user], top, item });
  }
  return [...groups.values()];
}
