import type { ForEach } from '@formloom/schema';
import type { Types } from 'mongoose';
import { authModels } from '../auth/models.js';
import { type RecordDoc, recordModel } from '../records/model.js';
import { type MemberDoc, workspaceModels } from '../workspaces/models.js';
import { compileAutomationFilter, formByKey, systemTarget } from './actor.js';
import type { RunContext } from './context.js';
import { type FormulaScope, formKinds, MEMBER_ITEM_KINDS, recordScope } from './scope.js';

/** One item of a forEach: its id (part of the idempotency key), its formula scope, its record if any. */
export interface Item {
  id: string;
  scope: FormulaScope;
  record: RecordDoc | null;
}

const MAX_ITEMS = 5000;

/**
 * The items an action repeats over, in a stable order: records of a form matching the filter (oldest
 * first), or the active members holding a role. Without `forEach`, one item: the run itself.
 */
export async function itemsOf(ctx: RunContext, forEach: ForEach | undefined, path: string): Promise<Item[]> {
  if (!forEach) return [{ id: '', scope: ctx.scope, record: ctx.record }];
  if (forEach.kind === 'records') {
    const form = formByKey(ctx, forEach.form);
    const target = await systemTarget(ctx, form);
    const extra = forEach.filter
      ? compileAutomationFilter(ctx, target, forEach.filter, `${path}/filter`)
      : undefined;
    const query = target.access.filter('view', { ...(extra ? { $and: [extra] } : {}), deletedAt: null });
    const docs = await recordModel(ctx.connection)
      .find(query ?? { _id: { $in: [] } })
      .sort({ createdAt: 1, _id: 1 })
      .limit(Math.min(forEach.limit ?? MAX_ITEMS, MAX_ITEMS))
      .lean<RecordDoc[]>();
    const kinds = formKinds(form, ctx.directory, 'item');
    return docs.map((doc) => ({
      id: doc._id.toHexString(),
      scope: ctx.scope.withItem(kinds, recordScope(doc)),
      record: doc,
    }));
  }
  const { Member } = workspaceModels(ctx.connection);
  const members = await Member.find({ ws: ctx.ws, active: true, roles: forEach.role })
    .sort({ _id: 1 })
    .limit(MAX_ITEMS)
    .lean<MemberDoc[]>();
  const users = await authModels(ctx.connection)
    .User.find({ _id: { $in: members.map((m) => m.user) } }, { name: 1, email: 1 })
    .lean<Array<{ _id: Types.ObjectId; name: string; email: string }>>();
  const byId = new Map(users.map((u) => [u._id.toHexString(), u]));
  return members.map((m) => {
    const id = m.user.toHexString();
    const user = byId.get(id);
    const item = {
      id,
      _id: id,
      name: user?.name ?? '',
      email: user?.email ?? '',
      department: m.department ? m.department.toHexString() : null,
      manager: m.manager ? m.manager.toHexString() : null,
    };
    return { id, scope: ctx.scope.withItem(MEMBER_ITEM_KINDS, item), record: null };
  });
}
