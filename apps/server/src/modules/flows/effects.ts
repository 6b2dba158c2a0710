import type { FlowEffect, FlowTask } from '@formloom/flow';
import type { Flow } from '@formloom/schema';
import { type Connection, Types } from 'mongoose';
import { publishUserNotice } from '../realtime/bus.js';
import { cancelJob, scheduleJob } from '../scheduler/index.js';
import type { TaskDoc, TaskTitle } from '../tasks/model.js';
import { taskModel } from '../tasks/model.js';
import { currentAutomationChain, emitFlowEvent } from './events.js';
import { type StoredFlow, taskDocId } from './stored.js';

/** The job type of deadline timers (reminders, due times). */
export const FLOW_TIMER_JOB = 'flowTimer';

/** The payload of a {@link FLOW_TIMER_JOB} job. */
export interface FlowTimerPayload {
  record: string;
  instance: string;
  timer: { task: string; kind: 'due' | 'remind'; n?: number };
}

/** Where the effects of one transition land. */
export interface EffectScope {
  connection: Connection;
  ws: Types.ObjectId;
  app: Types.ObjectId;
  form: Types.ObjectId;
  record: Types.ObjectId;
  /** The flow document's id and its definition (the instance's version). */
  flowId: Types.ObjectId;
  definition: Flow;
  /** The instance after the transition. */
  flow: StoredFlow;
  /** Who caused it; null for the system. */
  actor: Types.ObjectId | null;
  now: Date;
}

const DUPLICATE_KEY = 11000;

/** A task's title: the flow's name and the node's, per locale. */
function titleOf(definition: Flow, nodeId: string): TaskTitle {
  const node = definition.nodes.find((n) => n.id === nodeId);
  const title: TaskTitle = {};
  for (const locale of ['en', 'zh-CN'] as const) {
    const flowName = definition.name[locale];
    if (!flowName) continue;
    const nodeName = node?.name?.[locale] ?? node?.name?.en ?? nodeId;
    title[locale] = `${flowName} · ${nodeName}`;
  }
  if (!title.en && !title['zh-CN']) title.en = `${definition.key} · ${nodeId}`;
  return title;
}

function oid(hex: string): Types.ObjectId {
  return new Types.ObjectId(hex);
}

/** Inserts a task document, or does nothing when an earlier try of the same effect already did. */
async function insertTask(connection: Connection, doc: TaskDoc): Promise<boolean> {
  try {
    await taskModel(connection).collection.insertOne(doc);
    return true;
  } catch (error) {
    if ((error as { code?: unknown }).code === DUPLICATE_KEY) return false;
    throw error;
  }
}

function baseTask(scope: EffectScope, key: string, node: string) {
  return {
    _id: taskDocId(scope.record, scope.flow.id, key),
    ws: scope.ws,
    app: scope.app,
    form: scope.form,
    record: scope.record,
    flow: scope.flowId,
    step: node,
    instance: scope.flow.id,
    flowTask: key,
    title: titleOf(scope.definition, node),
    createdAt: scope.now,
    updatedAt: scope.now,
    v: 1,
  };
}

/** The submitter's item of the started list, written when an instance starts. */
export async function recordStart(scope: EffectScope): Promise<void> {
  const submitter = oid(scope.flow.submitter);
  await insertTask(scope.connection, {
    ...baseTask(scope, 'start', scope.flow.timeline[0]?.node ?? 'start'),
    title: titleOf(scope.definition, 'start'),
    kind: 'start',
    assignee: submitter,
    status: 'done',
    flowStatus: scope.flow.status,
    history: [{ at: scope.now, by: submitter, action: 'created', to: submitter }],
  } as TaskDoc);
}

/**
 * Carries out the effects of a stored transition: task documents opened and closed (idempotently: ids
 * derive from the record, the instance and the task key), cc items, notices to the assignees' sockets,
 * deadline jobs scheduled and cancelled, the started item's status, and the `ended` event.
 */
export async function applyEffects(scope: EffectScope, effects: readonly FlowEffect[]): Promise<void> {
  const { connection, ws, flow } = scope;
  const Task = taskModel(connection);
  const wsHex = ws.toHexString();
  const opened = new Map<string, string[]>();
  const closed = new Map<string, string[]>();
  const add = (map: Map<string, string[]>, user: string, id: string) => {
    map.set(user, [...(map.get(user) ?? []), id]);
  };
  const taskOf = (key: string): FlowTask | undefined => flow.tasks.find((t) => t.key === key);
  for (const effect of effects) {
    switch (effect.type) {
      case 'openTask': {
        const task = effect.task;
        const assignee = oid(task.assignee);
        const doc = {
          ...baseTask(scope, task.key, task.node),
          kind: task.kind,
          assignee,
          status: 'pending',
          ...(task.dueAt ? { dueAt: new Date(task.dueAt) } : {}),
          history: [{ at: scope.now, by: scope.actor, action: 'created', to: assignee }],
        } as TaskDoc;
        if (await insertTask(connection, doc)) add(opened, task.assignee, doc._id.toHexString());
        break;
      }
      case 'closeTask': {
        const task = taskOf(effect.task);
        const id = taskDocId(scope.record, flow.id, effect.task);
        const by = task?.by ? oid(task.by) : null;
        const result = await Task.collection.updateOne({ _id: id, ws, status: 'pending' }, {
          $set: {
            status: effect.status === 'cancelled' ? 'cancelled' : 'done',
            outcome: effect.status,
            updatedAt: scope.now,
          },
          $inc: { v: 1 },
          $push: { history: { at: scope.now, by, action: effect.status } },
        } as never);
        if (result.modifiedCount === 1 && task) add(closed, task.assignee, id.toHexString());
        break;
      }
      case 'cc': {
        for (const user of effect.users) {
          const assignee = oid(user);
          const doc = {
            ...baseTask(scope, `${effect.key}:${user}`, effect.node),
            kind: 'cc',
            assignee,
            status: 'pending',
            history: [{ at: scope.now, by: scope.actor, action: 'created', to: assignee }],
          } as TaskDoc;
          if (await insertTask(connection, doc)) add(opened, user, doc._id.toHexString());
        }
        break;
      }
      case 'notify': {
        for (const user of effect.users) {
          publishUserNotice(connection, {
            ws: wsHex,
            user,
            event: 'flow:notice',
            payload: {
              ws: wsHex,
              form: scope.form.toHexString(),
              record: scope.record.toHexString(),
              reason: effect.reason,
              node: effect.node,
              ...(effect.task ? { task: taskDocId(scope.record, flow.id, effect.task).toHexString() } : {}),
            },
          });
        }
        break;
      }
      case 'schedule': {
        const payload: FlowTimerPayload = {
          record: scope.record.toHexString(),
          instance: flow.id,
          timer: effect.timer,
        };
        await scheduleJob(connection, {
          type: FLOW_TIMER_JOB,
          ws,
          key: `${scope.record.toHexString()}:${flow.id}:${effect.key}`,
          runAt: new Date(effect.at),
          payload,
        });
        break;
      }
      case 'unschedule':
        await cancelJob(connection, FLOW_TIMER_JOB, `${scope.record.toHexString()}:${flow.id}:${effect.key}`);
        break;
      case 'status':
        await Task.collection.updateOne(
          { _id: taskDocId(scope.record, flow.id, 'start'), ws },
          { $set: { flowStatus: effect.status, updatedAt: scope.now } },
        );
        break;
      case 'ended':
        await emitFlowEvent(connection, 'ended', {
          ws: wsHex,
          app: scope.app.toHexString(),
          form: scope.form.toHexString(),
          record: scope.record.toHexString(),
          flow: scope.flowId.toHexString(),
          key: flow.key,
          version: flow.version,
          instance: flow.id,
          outcome: effect.outcome,
          submitter: flow.submitter,
          by: scope.actor ? scope.actor.toHexString() : null,
          at: scope.now.toISOString(),
          chain: currentAutomationChain(),
        });
        break;
      case 'lock':
      case 'resolveAssignees':
        // The lock is stored with the instance; assignees were resolved before it was stored.
        break;
    }
  }
  for (const [user, tasks] of opened) {
    publishUserNotice(connection, {
      ws: wsHex,
      user,
      event: 'tasks:assigned',
      payload: { ws: wsHex, tasks, reason: 'created' },
    });
  }
  for (const [user, tasks] of closed) {
    publishUserNotice(connection, { ws: wsHex, user, event: 'tasks:closed', payload: { ws: wsHex, tasks } });
  }
}
