import { type Connection, Types } from 'mongoose';
import { appError } from '../../lib/errors.js';
import { publishUserNotice } from '../realtime/bus.js';
import { workspaceModels } from '../workspaces/models.js';
import {
  type TaskDoc,
  type TaskKind,
  type TaskStatus,
  type TaskTitle,
  TODO_KINDS,
  taskModel,
} from './model.js';

/** An id as the service accepts it: an ObjectId or its hex string. */
export type IdLike = Types.ObjectId | string;

/** What the flow engine (or a test) supplies to open a task. */
export interface NewTask {
  ws: IdLike;
  app: IdLike;
  form: IdLike;
  record: IdLike;
  flow?: IdLike;
  step?: string;
  kind: TaskKind;
  /** The user who must act; must be an active member of `ws`. */
  assignee: IdLike;
  title: TaskTitle;
  dueAt?: Date;
  /** Who opened it; null or absent for the system. */
  by?: IdLike | null;
}

/** A task as the API shows it: ids as strings, dates as ISO strings. */
export interface TaskView {
  id: string;
  app: string;
  form: string;
  record: string;
  flow: string | null;
  step: string | null;
  kind: TaskKind;
  assignee: string;
  status: TaskStatus;
  title: TaskTitle;
  dueAt: string | null;
  /** How a closed flow task ended (approved, rejected, returned, submitted, transferred, ...), else null. */
  outcome: string | null;
  /** Items of the started list: the status of the flow (inProgress, approved, ...); else null. */
  flowStatus: string | null;
  createdAt: string;
  updatedAt: string;
  v: number;
  history: {
    at: string;
    by: string | null;
    action: string;
    from?: string;
    to?: string;
    reason?: string;
  }[];
}

/** Tells the assignee's sockets (`tasks:assigned`) that these tasks became theirs, and why. */
function announceTasks(
  connection: Connection,
  ws: Types.ObjectId,
  assignee: Types.ObjectId,
  tasks: string[],
  reason: string,
): void {
  const wsHex = ws.toHexString();
  publishUserNotice(connection, {
    ws: wsHex,
    user: assignee.toHexString(),
    event: 'tasks:assigned',
    payload: { ws: wsHex, tasks, reason },
  });
}

/** Outcome of {@link reassignOpenTasks}. */
export interface ReassignResult {
  /** How many tasks this call moved (0 when retried after everything had moved). */
  moved: number;
  /** The moved tasks' ids. */
  tasks: string[];
}

const toId = (value: IdLike): Types.ObjectId =>
  typeof value === 'string' ? new Types.ObjectId(value) : value;

/** How often one task's versioned update is retried when a concurrent write keeps changing it. */
const MAX_ATTEMPTS = 5;
/** Tasks read per round of a reassignment; moved ones drop out of the query, so rounds progress. */
const BATCH = 500;

/**
 * Opens a pending task (for the flow engine; tests use it too). The assignee must be an active member:
 * a task nobody can see would stall its flow silently. 422 otherwise, or without a title.
 */
export async function createTask(connection: Connection, input: NewTask): Promise<TaskView> {
  const ws = toId(input.ws);
  const assignee = toId(input.assignee);
  const { Member } = workspaceModels(connection);
  if (!(await Member.exists({ ws, user: assignee, active: true }))) {
    throw appError('UNPROCESSABLE', 'task.assigneeInactive', [
      { path: '/assignee', message: 'detail.notActiveMember' },
    ]);
  }
  if (!input.title.en && !input.title['zh-CN']) {
    throw appError('UNPROCESSABLE', 'task.needsTitle', [{ path: '/title', message: 'detail.needsLocale' }]);
  }
  const now = new Date();
  const by = input.by ? toId(input.by) : null;
  const doc = await taskModel(connection).create({
    ws,
    app: toId(input.app),
    form: toId(input.form),
    record: toId(input.record),
    ...(input.flow === undefined ? {} : { flow: toId(input.flow) }),
    ...(input.step === undefined ? {} : { step: input.step }),
    kind: input.kind,
    assignee,
    status: 'pending',
    title: input.title,
    ...(input.dueAt === undefined ? {} : { dueAt: input.dueAt }),
    createdAt: now,
    updatedAt: now,
    v: 1,
    history: [{ at: now, by, action: 'created', to: assignee }],
  });
  announceTasks(connection, ws, assignee, [String(doc._id)], 'created');
  return toView(doc.toObject());
}

/**
 * Moves every pending task of `from` to `to`, one versioned single-document update per task that also
 * appends a `reassigned` history entry, so a task is never moved without its history saying so (no
 * transactions: principle 5). Safe to retry: tasks already moved no longer match and are not touched
 * again. A task someone else changes meanwhile is re-read: if it is still `from`'s and pending it is
 * moved on its new version, otherwise left alone.
 */
export async function reassignOpenTasks(
  connection: Connection,
  ws: IdLike,
  from: IdLike,
  to: IdLike,
  by: IdLike | null,
  reason: string,
): Promise<ReassignResult> {
  const Task = taskModel(connection);
  const wsId = toId(ws);
  const fromId = toId(from);
  const toUser = toId(to);
  if (fromId.equals(toUser)) throw appError('UNPROCESSABLE', 'task.sameAssignee');
  const byId = by === null ? null : toId(by);
  const open = { ws: wsId, assignee: fromId, status: 'pending' as const };
  const moved: string[] = [];

  const moveOne = async (id: Types.ObjectId, version: number): Promise<boolean> => {
    let v = version;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const at = new Date();
      const updated = await Task.findOneAndUpdate(
        { _id: id, v, ...open },
        {
          $set: { assignee: toUser, updatedAt: at },
          $inc: { v: 1 },
          $push: { history: { at, by: byId, action: 'reassigned', from: fromId, to: toUser, reason } },
        },
        { projection: { _id: 1 } },
      ).lean();
      if (updated) return true;
      const now = await Task.findOne({ _id: id, ...open }, { v: 1 }).lean();
      if (!now) return false;
      v = now.v;
    }
    throw appError('CONFLICT', 'task.keptChanging');
  };

  for (;;) {
    const batch = await Task.find(open, { _id: 1, v: 1 }).sort({ createdAt: 1, _id: 1 }).limit(BATCH).lean();
    if (batch.length === 0) break;
    for (const task of batch) {
      if (await moveOne(task._id, task.v)) moved.push(String(task._id));
    }
  }
  if (moved.length > 0) announceTasks(connection, wsId, toUser, moved, reason);
  return { moved: moved.length, tasks: moved };
}

/** A page of tasks and the cursor of the next one (null at the end). */
export interface TaskPage {
  items: TaskView[];
  nextCursor: string | null;
}

/**
 * The lists of the inbox: to-dos by status (`pending`, `done`, `cancelled`: approve, fill and resubmit
 * tasks), records copied to the member (`cc`, read or not) and flows the member started (`started`).
 */
export type TaskList = TaskStatus | 'cc' | 'started';

/** The lists as values, for schemas. */
export const TASK_LISTS = [
  'pending',
  'done',
  'cancelled',
  'cc',
  'started',
] as const satisfies readonly TaskList[];

/** What {@link listTasks} lists: one assignee's tasks of one list in one workspace. */
export interface TaskListQuery {
  ws: IdLike;
  assignee: IdLike;
  status: TaskList;
  limit: number;
  cursor?: string;
}

/** The query of one list of one assignee. */
function listFilter(ws: Types.ObjectId, assignee: Types.ObjectId, list: TaskList): Record<string, unknown> {
  if (list === 'cc') return { ws, assignee, kind: 'cc' };
  if (list === 'started') return { ws, assignee, kind: 'start' };
  // Tasks written before other kinds existed have approve or fill.
  return { ws, assignee, status: list, kind: { $in: [...TODO_KINDS] } };
}

/** How many items each list of the inbox holds (`ccUnread`: copies not read yet). */
export interface TaskCounts {
  pending: number;
  done: number;
  cc: number;
  ccUnread: number;
  started: number;
}

/** The counts of one member's inbox lists (each an index count). */
export async function countTasks(connection: Connection, ws: IdLike, assignee: IdLike): Promise<TaskCounts> {
  const Task = taskModel(connection);
  const w = toId(ws);
  const a = toId(assignee);
  const [pending, done, cc, ccUnread, started] = await Promise.all([
    Task.countDocuments(listFilter(w, a, 'pending')),
    Task.countDocuments(listFilter(w, a, 'done')),
    Task.countDocuments(listFilter(w, a, 'cc')),
    Task.countDocuments({ ws: w, assignee: a, kind: 'cc', status: 'pending' }),
    Task.countDocuments(listFilter(w, a, 'started')),
  ]);
  return { pending, done, cc, ccUnread, started };
}

const badCursor = () =>
  appError('VALIDATION_FAILED', 'record.invalidCursor', [
    { path: '/query/cursor', message: 'detail.foreignCursor' },
  ]);

/** The cursor after a task: its creation time and id, the list's total order. */
function encodeCursor(doc: Pick<TaskDoc, 'createdAt' | '_id'>): string {
  return Buffer.from(`${doc.createdAt.getTime()}.${String(doc._id)}`).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: Date; id: Types.ObjectId } {
  const match = /^(\d{1,16})\.([0-9a-f]{24})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match?.[1] || !match[2]) throw badCursor();
  return { createdAt: new Date(Number(match[1])), id: new Types.ObjectId(match[2]) };
}

/** One assignee's tasks of a status, newest first, `limit` per page. */
export async function listTasks(connection: Connection, query: TaskListQuery): Promise<TaskPage> {
  const filter = listFilter(toId(query.ws), toId(query.assignee), query.status);
  if (query.cursor !== undefined) {
    const after = decodeCursor(query.cursor);
    filter.$or = [
      { createdAt: { $lt: after.createdAt } },
      { createdAt: after.createdAt, _id: { $lt: after.id } },
    ];
  }
  const docs = await taskModel(connection)
    .find(filter)
    .sort({ createdAt: -1, _id: -1 })
    .limit(query.limit + 1)
    .lean<TaskDoc[]>();
  const page = docs.slice(0, query.limit);
  const last = page.at(-1);
  return {
    items: page.map(toView),
    nextCursor: docs.length > query.limit && last ? encodeCursor(last) : null,
  };
}

/** A stored task as the API shows it. */
export function toView(doc: TaskDoc): TaskView {
  return {
    id: String(doc._id),
    app: String(doc.app),
    form: String(doc.form),
    record: String(doc.record),
    flow: doc.flow ? String(doc.flow) : null,
    step: doc.step ?? null,
    kind: doc.kind,
    assignee: String(doc.assignee),
    status: doc.status,
    // Only the locales present: stored subdocuments may carry empty keys.
    title: {
      ...(doc.title['zh-CN'] ? { 'zh-CN': doc.title['zh-CN'] } : {}),
      ...(doc.title.en ? { en: doc.title.en } : {}),
    },
    dueAt: doc.dueAt ? doc.dueAt.toISOString() : null,
    outcome: doc.outcome ?? null,
    flowStatus: doc.flowStatus ?? null,
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
    v: doc.v,
    history: (doc.history ?? []).map((entry) => ({
      at: entry.at.toISOString(),
      by: entry.by ? String(entry.by) : null,
      action: entry.action,
      ...(entry.from ? { from: String(entry.from) } : {}),
      ...(entry.to ? { to: String(entry.to) } : {}),
      ...(entry.reason ? { reason: entry.reason } : {}),
    })),
  };
}
