import type { FlowEvent } from '@formloom/flow';
import type { FormInputs } from '@formloom/form-runtime';
import { type Connection, Types } from 'mongoose';
import { appError, isAppError } from '../../lib/errors.js';
import { type Caller, isAdmin } from '../apps/caller.js';
import { inputsOf } from '../forms/directory.js';
import { type FormDefinition, isComputed } from '../forms/meta.js';
import { type FormTarget, openForm, type RecordView, viewOf } from '../records/context.js';
import { recordModel } from '../records/model.js';
import { type TaskDoc, taskModel } from '../tasks/model.js';
import { type TaskView, toView } from '../tasks/service.js';
import type { ActionAnswer } from './actions.js';
import { startFlow } from './start.js';
import { type FlowStateView, flowStateView, type TimelineView, timelineView } from './stored.js';
import { type LoadedRecord, loadRecord, transition } from './transition.js';

/** How a field shows to the holder of a task. */
export interface TaskField {
  field: string;
  access: 'editable' | 'readOnly';
}

/** A task with what its assignee needs to act: the record as the step shows it, the flow and its timeline. */
export interface TaskDetail {
  task: TaskView;
  record: RecordView;
  /** The record's fields as the step shows them; fields hidden at the step or from the caller's roles are absent. */
  fields: TaskField[];
  flow: FlowStateView | null;
  timeline: TimelineView[];
}

/**
 * Fields hidden at a step and every derived field made of one (a formula over a hidden amount would show
 * it): the same rule the access layer applies to fields the roles hide.
 */
function withDerived(hidden: Set<string>, inputs: FormInputs | undefined): Set<string> {
  if (hidden.size === 0 || !inputs) return hidden;
  const out = new Set(hidden);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [key, from] of inputs) {
      if (out.has(key)) continue;
      if (from.some((input) => !('form' in input) && out.has(input.field.split('.')[0] as string))) {
        out.add(key);
        grew = true;
      }
    }
  }
  return out;
}

/** A task's record as its holder sees it: the roles' view with the step's hidden fields taken out. */
interface TaskRecord {
  loaded: LoadedRecord;
  target: FormTarget;
  record: RecordView;
  /** Field permissions of the task's step (approve and fill tasks). */
  atStep: Map<string, string>;
  /** Fields hidden at the step, with every derived field made of one. */
  hidden: Set<string>;
}

/** What {@link taskRecord} reads of a task. */
type TaskRef = Pick<TaskDoc, 'record' | 'kind' | 'step'>;

async function taskRecord(
  connection: Connection,
  caller: Caller,
  task: TaskRef,
  targets = new Map<string, Promise<FormTarget>>(),
): Promise<TaskRecord> {
  const loaded = await loadRecord(connection, caller.ws, task.record);
  const formId = loaded.record.form.toHexString();
  let opening = targets.get(formId);
  if (!opening) {
    opening = openForm(connection, caller, loaded.record.form);
    targets.set(formId, opening);
  }
  const target = await opening;
  const record = await viewOf(target, loaded.record);
  const stepAccess =
    (task.kind === 'approve' || task.kind === 'fill') && loaded.flow && task.step
      ? loaded.flow.program.fieldAccess(task.step)
      : [];
  const atStep = new Map(stepAccess.map((a) => [a.field, a.access]));
  const hidden = withDerived(
    new Set([...atStep].filter(([, a]) => a === 'hidden').map(([f]) => f)),
    inputsOf(target.directory).get(target.form.key),
  );
  for (const key of hidden) delete record.data[key];
  return { loaded, target, record, atStep, hidden };
}

/**
 * One task for its assignee (or a workspace admin): the record with the step's field permissions on top
 * of the caller's roles — a field hidden at the step or from the roles is left out of `data` and `fields`.
 * The task grants the view: approvers need no role on the form to see what they decide on.
 */
export async function taskDetail(
  connection: Connection,
  caller: Caller,
  id: Types.ObjectId,
): Promise<TaskDetail> {
  const task = await taskModel(connection).findOne({ _id: id, ws: caller.ws }).lean<TaskDoc>();
  if (!task) throw appError('NOT_FOUND', 'task.notFound');
  if (!task.assignee.equals(caller.userId) && !isAdmin(caller)) {
    throw appError('FORBIDDEN', 'task.assigneeOnlySees');
  }
  const { loaded, target, record, atStep, hidden } = await taskRecord(connection, caller, task);
  const open = task.status === 'pending';
  const fields: TaskField[] = target.form.definition.fields
    .filter((f) => !f.hidden && !target.access.hidden.has(f.key) && !hidden.has(f.key))
    .map((f) => {
      const editable =
        open &&
        (task.kind === 'submit'
          ? !isComputed(f) && !target.access.readOnly.has(f.key)
          : atStep.get(f.key) === 'editable' && !isComputed(f));
      return { field: f.key, access: editable ? 'editable' : 'readOnly' };
    });
  return {
    task: toView(task),
    record,
    fields,
    flow: loaded.stored ? flowStateView(loaded.record._id, loaded.stored) : null,
    timeline: loaded.stored ? timelineView(loaded.record._id, loaded.stored) : [],
  };
}

/**
 * The field that names a form's records: its `titleField`, else its first text-like field (the web app
 * names records the same way).
 */
export function titleFieldOf(definition: FormDefinition): string | undefined {
  const { fields, titleField } = definition as FormDefinition & { titleField?: string };
  if (titleField && fields.some((f) => f.key === titleField)) return titleField;
  return fields.find((f) => TITLE_TYPES.has(f.type) && !f.hidden)?.key;
}

const TITLE_TYPES = new Set(['text', 'serial', 'email', 'phone']);

/** How a list names a task's record: its title and when it was created (both null when it is gone). */
export interface TaskRecordName {
  title: string | null;
  createdAt: string | null;
}

/**
 * The title of each task's record as the caller sees it in the task (roles and step permissions
 * applied, the same view as {@link taskDetail}): null when the title field is hidden from them, empty,
 * or the record is gone; with the record's creation time, which names a record without a title. Keyed
 * by task id; the caller holds these tasks (or is an admin).
 */
export async function taskRecordTitles(
  connection: Connection,
  caller: Caller,
  tasks: readonly TaskView[],
): Promise<Map<string, TaskRecordName>> {
  const targets = new Map<string, Promise<FormTarget>>();
  const titles = new Map<string, TaskRecordName>();
  await Promise.all(
    tasks.map(async (task) => {
      let title: string | null = null;
      let createdAt: string | null = null;
      try {
        const ref: TaskRef = {
          record: new Types.ObjectId(task.record),
          kind: task.kind,
          ...(task.step === null ? {} : { step: task.step }),
        };
        const { target, record } = await taskRecord(connection, caller, ref, targets);
        const key = titleFieldOf(target.form.definition);
        const value = key === undefined ? undefined : record.data[key];
        if (value !== undefined && value !== null && value !== '') title = String(value);
        createdAt = record.createdAt;
      } catch (error) {
        // A deleted record (or form) has no title to show; anything else is a real failure.
        if (!isAppError(error) || error.code !== 'NOT_FOUND') throw error;
      }
      titles.set(task.id, { title, createdAt });
    }),
  );
  return titles;
}

/**
 * A record the caller may follow the flow of: one they may view, or one they hold a task or copy of, or
 * any for workspace admins. 404 otherwise (also for another form's or workspace's record).
 */
async function followable(
  connection: Connection,
  caller: Caller,
  form: Types.ObjectId,
  id: Types.ObjectId,
): Promise<LoadedRecord> {
  const loaded = await loadRecord(connection, caller.ws, id);
  if (!loaded.record.form.equals(form)) throw appError('NOT_FOUND', 'record.notFound');
  if (isAdmin(caller)) return loaded;
  const target = await openForm(connection, caller, form);
  const filter = target.access.filter('view', { _id: id, deletedAt: null });
  if (filter && (await recordModel(connection).exists(filter))) return loaded;
  if (await taskModel(connection).exists({ ws: caller.ws, record: id, assignee: caller.userId }))
    return loaded;
  throw appError('NOT_FOUND', 'record.notFound');
}

/** A record's flow and timeline (who did what at which node, when, with which comment). */
export async function recordFlow(
  connection: Connection,
  caller: Caller,
  form: Types.ObjectId,
  id: Types.ObjectId,
): Promise<{ flow: FlowStateView | null; timeline: TimelineView[] }> {
  const { record, stored } = await followable(connection, caller, form, id);
  return {
    flow: stored ? flowStateView(record._id, stored) : null,
    timeline: stored ? timelineView(record._id, stored) : [],
  };
}

/** Actions on a record's flow that are not a task's: the submitter's withdraw and urge, comments, a new start. */
export type RecordFlowAction = 'withdraw' | 'urge' | 'comment' | 'start';

/**
 * `withdraw` and `urge` (the submitter), `comment` (anyone following the record), `start` (its creator or
 * an admin: submits a record again for approval once its last flow ended, or for the first time).
 */
export async function recordAction(
  connection: Connection,
  caller: Caller,
  form: Types.ObjectId,
  id: Types.ObjectId,
  body: { action: RecordFlowAction; comment?: string },
): Promise<ActionAnswer> {
  const loaded = await followable(connection, caller, form, id);
  const me = caller.userId.toHexString();
  if (body.action === 'start') {
    if (!loaded.record.createdBy.equals(caller.userId) && !isAdmin(caller)) {
      throw appError('FORBIDDEN', 'flow.startCreatorOnly');
    }
    const flow = await startFlow(connection, { ws: caller.ws, record: id, by: caller.userId });
    const after = await recordModel(connection).findOne({ _id: id }, { v: 1 }).lean();
    return { id: id.toHexString(), v: after?.v ?? loaded.record.v, flow };
  }
  if (body.action === 'comment' && !body.comment?.trim()) {
    throw appError('VALIDATION_FAILED', 'flow.invalidAction', [
      { path: '/comment', message: 'detail.commentNeedsText' },
    ]);
  }
  if (!loaded.stored) throw appError('CONFLICT', 'flow.none');
  const action = body.action;
  const comment = body.comment === undefined ? {} : { comment: body.comment };
  const event: FlowEvent =
    action === 'comment'
      ? { type: 'comment', by: me, comment: body.comment ?? '' }
      : action === 'withdraw'
        ? { type: 'withdraw', by: me, ...comment }
        : { type: 'urge', by: me, ...comment };
  const result = await transition(connection, caller.ws, id, caller.userId, () => ({ events: [event] }));
  return { id: id.toHexString(), v: result.record.v, flow: result.view };
}
