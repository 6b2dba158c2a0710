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

/** Inserts a task document, or does nothing when an earlier delivery of the same effect already did. */
async function insertTask(connection: Connection, doc: TaskDoc): Promise<void> {
  try {
    await taskModel(connection).collection.insertOne(doc);
  } catch (error) {
    if ((error as { code?: unknown }).code !== DUPLICATE_KEY) throw error;
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
 * Carries out ONE effect of a stored transition under its stable key (`<outbox entry>:<index>`): task
 * documents opened and closed (ids derive from the record, the instance and the task key, so a second
 * delivery finds the first), cc items, notices to the assignees' sockets (carrying the key as their `id`, so
 * a client drops a repeat), deadline jobs (keyed), the started item's status and the `ended` event (its `id`
 * the key). Delivering an effect twice writes nothing twice.
 */
export async function applyEffect(scope: EffectScope, effect: FlowEffect, key: string): Promise<void> {
  const { connection, ws, flow } = scope;
  const Task = taskModel(connection);
  const wsHex = ws.toHexString();
  const taskOf = (task: string): FlowTask | undefined => flow.tasks.find((t) => t.key === task);
  switch (effect.type) {
    case 'openTask': {
      const task = effect.task;
      const assignee = oid(task.assignee);
      await insertTask(connection, {
        ...baseTask(scope, task.key, task.node),
        kind: task.kind,
        assignee,
        status: 'pending',
        ...(task.dueAt ? { dueAt: new Date(task.dueAt) } : {}),
        history: [{ at: scope.now, by: scope.actor, action: 'created', to: assignee }],
      } as TaskDoc);
      break;
    }
    case 'closeTask': {
      const task = taskOf(effect.task);
      const by = task?.by ? oid(task.by) : null;
      await Task.collection.updateOne(
        { _id: taskDocId(scope.record, flow.id, effect.task), ws, status: 'pending' },
        {
          $set: {
            status: effect.status === 'cancelled' ? 'cancelled' : 'done',
            outcome: effect.status,
            updatedAt: scope.now,
          },
          $inc: { v: 1 },
          $push: { history: { at: scope.now, by, action: effect.status } },
        } as never,
      );
      break;
    }
    case 'cc': {
      for (const user of effect.users) {
        const assignee = oid(user);
        await insertTask(connection, {
          ...baseTask(scope, `${effect.key}:${user}`, effect.node),
          kind: 'cc',
          assignee,
          status: 'pending',
          history: [{ at: scope.now, by: scope.actor, action: 'created', to: assignee }],
        } as TaskDoc);
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
            id: key,
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
        id: key,
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

/**
 * Tells each member which of a transition's tasks became theirs (`tasks:assigned`) and which of theirs closed
 * (`tasks:closed`), one event of each per member, computed from the effects alone (not from what this
 * delivery happened to write), so a repair that finishes a half-done delivery tells the same as the whole
 * one would, under the same `id` (`<key>:assigned`, `<key>:closed`).
 */
export function announceTasks(scope: EffectScope, effects: readonly FlowEffect[], key: string): void {
  const { connection, flow } = scope;
  const wsHex = scope.ws.toHexString();
  const opened = new Map<string, string[]>();
  // Copies are announced apart from work to do, so a copied person is told "copied to you", not "a task".
  const copied = new Map<string, string[]>();
  const closed = new Map<string, string[]>();
  const add = (map: Map<string, string[]>, user: string, task: string) => {
    const id = taskDocId(scope.record, flow.id, task).toHexString();
    map.set(user, [...(map.get(user) ?? []), id]);
  };
  for (const effect of effects) {
    if (effect.type === 'openTask') add(opened, effect.task.assignee, effect.task.key);
    if (effect.type === 'cc') for (const user of effect.users) add(copied, user, `${effect.key}:${user}`);
    if (effect.type === 'closeTask') {
      const task = flow.tasks.find((t) => t.key === effect.task);
      if (task) add(closed, task.assignee, task.key);
    }
  }
  for (const [reason, suffix, byUser] of [
    ['created', 'assigned', opened],
    ['cc', 'copied', copied],
  ] as const) {
    for (const [user, tasks] of byUser) {
      publishUserNotice(connection, {
        ws: wsHex,
        user,
        event: 'tasks:assigned',
        payload: { id: `${key}:${suffix}`, ws: wsHex, tasks, reason },
      });
    }
  }
  for (const [user, tasks] of closed) {
    publishUserNotice(connection, {
      ws: wsHex,
      user,
      event: 'tasks:closed',
      payload: { id: `${key}:closed`, ws: wsHex, tasks },
    });
  }
}
