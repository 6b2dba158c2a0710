import type { FlowEvent } from '@formloom/flow';
import { type Connection, Types } from 'mongoose';
import { appError, type ErrorDetail, isAppError, renderAppError, t } from '../../lib/errors.js';
import type { Locale } from '../../lib/messages/index.js';
import type { Caller } from '../apps/caller.js';
import { publishUserNotice } from '../realtime/bus.js';
import { openForm } from '../records/context.js';
import { now as clockNow } from '../scheduler/clock.js';
import { type TaskDoc, taskModel } from '../tasks/model.js';
import { workspaceModels } from '../workspaces/models.js';
import { type FlowStateView, flowStateView } from './stored.js';
import { type LoadedRecord, loadRecord, type TransitionPlan, transition } from './transition.js';

/** The actions a task takes (API.md), plus `withdraw` on a returned record and `read` on a cc item. */
export const TASK_ACTIONS = [
  'approve',
  'reject',
  'return',
  'transfer',
  'addSigner',
  'submit',
  'comment',
  'withdraw',
  'read',
] as const;

/** One of {@link TASK_ACTIONS}. */
export type TaskAction = (typeof TASK_ACTIONS)[number];

/** The body of `POST /workspaces/:ws/tasks/:task/actions`. */
export interface TaskActionBody {
  action: TaskAction;
  comment?: string;
  /** transfer: the member; addSigner: the member or members; return: an earlier node id or `submitter`. */
  to?: string | string[];
  /** addSigner: before or after me (default after). */
  position?: 'before' | 'after';
  /** Field edits made with approve or submit, checked against the step's field permissions. */
  data?: Record<string, unknown>;
}

/** The answer of an action: the record's new flow state. */
export interface ActionAnswer {
  /** The record's id and version after the action. */
  id: string;
  v: number;
  flow: FlowStateView;
}

const ID = /^[0-9a-f]{24}$/i;

/** Which actions fit which task kind (the engine checks again; this answers 422 before any read). */
const FITS: Record<string, readonly TaskAction[]> = {
  approve: ['approve', 'reject', 'return', 'transfer', 'addSigner', 'comment'],
  fill: ['submit', 'return', 'transfer', 'comment'],
  submit: ['submit', 'withdraw', 'comment'],
  cc: ['read', 'comment'],
  start: [],
};

function bad(path: string, message: ErrorDetail['message']): never {
  throw appError('VALIDATION_FAILED', 'flow.invalidAction', [{ path, message }]);
}

/** The members named in `to`, checked to be active members of the workspace (422 at `/to` otherwise). */
async function members(
  connection: Connection,
  ws: Types.ObjectId,
  to: unknown,
  many: boolean,
): Promise<string[]> {
  const list = Array.isArray(to) ? to : to === undefined ? [] : [to];
  if (list.length === 0 || (!many && list.length > 1))
    bad('/to', many ? 'detail.nameMembers' : 'detail.nameMember');
  if (list.length > 20) bad('/to', t('detail.atMostMembers', { max: 20 }));
  if (!list.every((id) => typeof id === 'string' && ID.test(id))) bad('/to', 'detail.memberIds');
  const ids = [...new Set((list as string[]).map((id) => id.toLowerCase()))];
  const found = await workspaceModels(connection).Member.countDocuments({
    ws,
    user: { $in: ids.map((id) => new Types.ObjectId(id)) },
    active: true,
  });
  if (found !== ids.length) {
    throw appError('UNPROCESSABLE', 'task.activeMembersOnly', [
      { path: '/to', message: 'detail.notActiveMembers' },
    ]);
  }
  return ids;
}

/** The task the caller acts on: 404 for unknown ids and other workspaces, 403 for other members' tasks. */
async function ownTask(connection: Connection, caller: Caller, taskId: Types.ObjectId): Promise<TaskDoc> {
  const task = await taskModel(connection).findOne({ _id: taskId, ws: caller.ws }).lean<TaskDoc>();
  if (!task) throw appError('NOT_FOUND', 'task.notFound');
  if (!task.assignee.equals(caller.userId)) throw appError('FORBIDDEN', 'task.assigneeOnly');
  return task;
}

/** Marks a cc item read (one guarded update; reading twice is a 409 like any closed task). */
async function markRead(connection: Connection, caller: Caller, task: TaskDoc): Promise<void> {
  const at = clockNow(connection);
  const result = await taskModel(connection).collection.updateOne(
    { _id: task._id, ws: caller.ws, status: 'pending', v: task.v },
    {
      $set: { status: 'done', outcome: 'read', updatedAt: at },
      $inc: { v: 1 },
      $push: { history: { at, by: caller.userId, action: 'read' } },
    } as never,
  );
  if (result.modifiedCount !== 1) throw appError('CONFLICT', 'task.readMeanwhile');
  const ws = caller.ws.toHexString();
  publishUserNotice(connection, {
    ws,
    user: caller.userId.toHexString(),
    event: 'tasks:closed',
    payload: { ws, tasks: [task._id.toHexString()] },
  });
}

/**
 * Acts on a task: approve, reject, return, transfer, add a signer, submit (a fill task, or a returned
 * record sent again), comment, withdraw (a returned record), read (a cc item). Only the assignee may act;
 * a closed task answers 409. The action and any edits are one guarded update of the record.
 */
export async function actOnTask(
  connection: Connection,
  caller: Caller,
  taskId: Types.ObjectId,
  body: TaskActionBody,
): Promise<ActionAnswer> {
  const task = await ownTask(connection, caller, taskId);
  const fits = FITS[task.kind] ?? [];
  if (!fits.includes(body.action)) {
    throw appError('UNPROCESSABLE', t('task.wrongAction', { kind: task.kind, action: body.action }), [
      {
        path: '/action',
        message: fits.length ? t('detail.takesActions', { actions: fits }) : 'detail.takesNoAction',
      },
    ]);
  }
  if (body.data !== undefined && body.action !== 'approve' && body.action !== 'submit') {
    bad('/data', 'detail.onlyApproveSubmitEdit');
  }
  if (body.action === 'comment' && !body.comment?.trim()) bad('/comment', 'detail.commentNeedsText');
  if (task.status !== 'pending' && body.action !== 'comment') {
    throw appError('CONFLICT', t('task.closed', { status: task.outcome ?? task.status }));
  }
  if (!task.instance || !task.flowTask) throw appError('UNPROCESSABLE', 'task.noFlow');
  if (body.action === 'read') {
    await markRead(connection, caller, task);
    const loaded = await loadRecord(connection, caller.ws, task.record);
    if (!loaded.stored) throw appError('NOT_FOUND', 'flow.none');
    return {
      id: loaded.record._id.toHexString(),
      v: loaded.record.v,
      flow: flowStateView(loaded.record._id, loaded.stored),
    };
  }
  const to =
    body.action === 'transfer' || body.action === 'addSigner'
      ? await members(connection, caller.ws, body.to, body.action === 'addSigner')
      : [];
  if (body.action === 'return' && body.to !== undefined && typeof body.to !== 'string')
    bad('/to', 'detail.returnTo');
  const me = caller.userId.toHexString();
  const instanceId = task.instance;
  const key = task.flowTask;
  const result = await transition(
    connection,
    caller.ws,
    task.record,
    caller.userId,
    async (loaded: LoadedRecord) => {
      const stored = loaded.stored;
      const flowTask = stored?.id === instanceId ? stored.tasks.find((t) => t.key === key) : undefined;
      if (!stored || !flowTask) throw appError('CONFLICT', 'flow.movedOn');
      const events: FlowEvent[] = [];
      // The task was moved to the caller outside the flow (its assignee was deactivated): the instance
      // follows before the action.
      if (flowTask.status === 'open' && flowTask.assignee !== me) {
        events.push({ type: 'reassign', task: key, to: me, reason: 'reassigned' });
      }
      const comment = body.comment === undefined ? {} : { comment: body.comment };
      const common = { task: key, by: me, ...comment };
      switch (body.action) {
        case 'approve':
        case 'reject':
        case 'submit':
          events.push({ type: body.action, ...common });
          break;
        case 'return':
          events.push({ type: 'return', ...common, ...(typeof body.to === 'string' ? { to: body.to } : {}) });
          break;
        case 'transfer':
          events.push({ type: 'transfer', ...common, to: to[0] as string });
          break;
        case 'addSigner':
          events.push({ type: 'addSigner', ...common, to, position: body.position ?? 'after' });
          break;
        case 'withdraw':
          events.push({ type: 'withdraw', by: me, ...comment });
          break;
        case 'comment':
          events.push({ type: 'comment', by: me, task: key, comment: body.comment ?? '' });
          break;
      }
      const plan: TransitionPlan = { events };
      if (body.data !== undefined)
        plan.edits = await editsOf(connection, caller, loaded, flowTask.node, task.kind, body.data);
      return plan;
    },
  );
  return { id: result.record._id.toHexString(), v: result.record.v, flow: result.view };
}

/**
 * The edits an action carries: at an approval or fill step only the fields the step makes editable (and
 * the caller's roles do not hide); on a returned record what the submitter's roles let them write.
 */
async function editsOf(
  connection: Connection,
  caller: Caller,
  loaded: LoadedRecord,
  node: string,
  kind: string,
  data: Record<string, unknown>,
): Promise<NonNullable<TransitionPlan['edits']>> {
  const target = await openForm(connection, caller, loaded.record.form);
  if (kind === 'submit') {
    return { target, patch: data, forbiddenWrites: (patch) => target.access.forbiddenWrites(patch) };
  }
  const access = loaded.flow?.program.fieldAccess(node) ?? [];
  const editable = new Set(access.filter((a) => a.access === 'editable').map((a) => a.field));
  return {
    target,
    patch: data,
    forbiddenWrites: (patch) =>
      Object.keys(patch).filter((key) => !editable.has(key) || target.access.hidden.has(key)),
  };
}

/** The outcome of one task of a bulk action. */
export interface BulkItem {
  task: string;
  status: number;
  flow?: FlowStateView;
  error?: { code: string; message: string; details?: Array<{ path: string; message: string }> };
}

/**
 * Approves several tasks of the caller's inbox, one after another, each as its own transition: one that
 * fails (closed meanwhile, someone else's) does not stop the others.
 */
export async function bulkAct(
  connection: Connection,
  caller: Caller,
  taskIds: readonly string[],
  body: Omit<TaskActionBody, 'to' | 'data' | 'position'>,
  locale: Locale = 'en',
): Promise<BulkItem[]> {
  const out: BulkItem[] = [];
  for (const id of taskIds) {
    try {
      if (!ID.test(id)) throw appError('NOT_FOUND', 'task.notFound');
      const answer = await actOnTask(connection, caller, new Types.ObjectId(id), body);
      out.push({ task: id, status: 200, flow: answer.flow });
    } catch (error) {
      if (!isAppError(error) || error.statusCode >= 500) throw error;
      // Refusals inside a 200 answer are worded in the caller's language, as the error handler would.
      out.push({ task: id, status: error.statusCode, error: renderAppError(error, locale).error });
    }
  }
  return out;
}
