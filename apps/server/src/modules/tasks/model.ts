import { type Connection, type Model, Schema, type Types } from 'mongoose';

/**
 * What a task asks of its assignee: decide on a record, fill in (part of) it, or — for the submitter of a
 * returned record — edit and send it again (`submit`). Flows also keep `cc` items (a record copied to
 * someone: pending until read) and `start` items (the submitter's record of a flow they started, always
 * done, carrying the flow's status); neither is a to-do.
 */
export type TaskKind = 'approve' | 'fill' | 'submit' | 'cc' | 'start';

/** A task's life: open until done by its assignee or cancelled by whoever created it. */
export type TaskStatus = 'pending' | 'done' | 'cancelled';

/** The kinds and statuses as lists, for schemas and validation. */
export const TASK_KINDS = ['approve', 'fill', 'submit', 'cc', 'start'] as const satisfies readonly TaskKind[];
/** The kinds that are to-dos (the inbox's pending and done lists). */
export const TODO_KINDS = ['approve', 'fill', 'submit'] as const satisfies readonly TaskKind[];
/** See {@link TaskStatus}. */
export const TASK_STATUSES = ['pending', 'done', 'cancelled'] as const satisfies readonly TaskStatus[];

/**
 * What happened to a task. This module writes `created` and `reassigned`; the flow engine adds its own
 * actions (approved, rejected, transferred, ...) when it completes tasks.
 */
export type TaskHistoryAction = 'created' | 'reassigned' | 'completed' | 'cancelled' | (string & {});

/** One entry of a task's history, appended in the same update that makes the change. */
export interface TaskHistoryEntry {
  at: Date;
  /** The user who acted; null for the system (a flow step, an API token). */
  by: Types.ObjectId | null;
  action: TaskHistoryAction;
  from?: Types.ObjectId;
  to?: Types.ObjectId;
  reason?: string;
}

/** A task's title per locale (the meta-model's `LocalizedText`). */
export interface TaskTitle {
  'zh-CN'?: string;
  en?: string;
}

/** An approval or fill to-do of one member, on one record. */
export interface TaskDoc {
  _id: Types.ObjectId;
  ws: Types.ObjectId;
  app: Types.ObjectId;
  form: Types.ObjectId;
  record: Types.ObjectId;
  /** The flow and step that asked for it; absent for tasks made outside a flow. */
  flow?: Types.ObjectId;
  step?: string;
  kind: TaskKind;
  /** The assignee's user id. */
  assignee: Types.ObjectId;
  status: TaskStatus;
  title: TaskTitle;
  dueAt?: Date;
  /** The flow instance (on its record) and the engine's key of the task in it. */
  instance?: string;
  flowTask?: string;
  /** How a closed flow task ended: approved, rejected, returned, submitted, transferred, delegated, cancelled. */
  outcome?: string;
  /** `start` items: the status of the flow they started, kept current. */
  flowStatus?: string;
  createdAt: Date;
  updatedAt: Date;
  /** Version: every change is one `findOneAndUpdate({ _id, v })` that increments it (principle 5). */
  v: number;
  history: TaskHistoryEntry[];
}

const oid = Schema.Types.ObjectId;

const historySchema = new Schema<TaskHistoryEntry>(
  {
    at: { type: Date, required: true },
    by: { type: oid, default: null },
    action: { type: String, required: true },
    from: { type: oid },
    to: { type: oid },
    reason: { type: String },
  },
  { _id: false },
);

const taskSchema = new Schema<TaskDoc>(
  {
    ws: { type: oid, required: true },
    app: { type: oid, required: true },
    form: { type: oid, required: true },
    record: { type: oid, required: true },
    flow: { type: oid },
    step: { type: String },
    kind: { type: String, enum: TASK_KINDS, required: true },
    assignee: { type: oid, required: true },
    status: { type: String, enum: TASK_STATUSES, required: true },
    title: { type: { 'zh-CN': String, en: String }, _id: false, required: true },
    dueAt: { type: Date },
    instance: { type: String },
    flowTask: { type: String },
    outcome: { type: String },
    flowStatus: { type: String },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    v: { type: Number, required: true },
    history: { type: [historySchema], default: [] },
  },
  // Timestamps and the version are written by hand so that every update sets them in one statement.
  { collection: 'tasks', versionKey: false },
);
// `ws` first (ARCHITECTURE.md). A member's list and the reassignment of their open tasks use the first
// index; its newest-first suffix lets the list page without sorting in memory.
taskSchema.index({ ws: 1, assignee: 1, status: 1, createdAt: -1, _id: -1 });
// The cc and started lists (any status) and their counts.
taskSchema.index({ ws: 1, assignee: 1, kind: 1, createdAt: -1, _id: -1 });
// The flow engine finds the tasks of a record (to cancel them when the record's flow ends).
taskSchema.index({ ws: 1, record: 1 });

/** The `tasks` model of a connection (registered once per connection). */
export function taskModel(connection: Connection): Model<TaskDoc> {
  return (
    (connection.models.Task as Model<TaskDoc> | undefined) ?? connection.model<TaskDoc>('Task', taskSchema)
  );
}
