import { createHash } from 'node:crypto';
import type { FlowInstance, FlowStatus, TimelineEntry } from '@formloom/flow';
import { Types } from 'mongoose';

/**
 * A flow instance as it is stored on its record (`record.flow`): the engine's instance plus what the
 * records module reads without knowing flows — the flow's key, and the lock an approval may set.
 * `flow.status` is what the filter field `_flowStatus` filters on.
 */
export interface StoredFlow extends FlowInstance {
  key: string;
  /** Set when the instance ended approved under `lockOnApproved`: edits are refused except `openFields`. */
  locked: boolean;
  openFields: string[];
}

/** One open task as views show it. */
export interface OpenTaskView {
  id: string;
  kind: string;
  assignee: string;
  openedAt: string;
  dueAt: string | null;
}

/** A record's flow as the API shows it (record reads, action answers): where it stands, not its internals. */
export interface FlowStateView {
  id: string;
  flow: string;
  key: string;
  version: number;
  status: FlowStatus;
  submitter: string;
  startedAt: string;
  endedAt: string | null;
  round: number;
  locked: boolean;
  /** The nodes waiting for people, with their open tasks. */
  current: Array<{ node: string; tasks: OpenTaskView[] }>;
}

/**
 * The id of a flow task's document in `tasks`: derived from the record, the instance and the task's key,
 * so writing it again (a retried effect) finds the same document instead of making a second.
 */
export function taskDocId(record: Types.ObjectId | string, instance: string, key: string): Types.ObjectId {
  const digest = createHash('sha256')
    .update(`${String(record)}:${instance}:${key}`)
    .digest();
  return new Types.ObjectId(digest.subarray(0, 12));
}

/** True when a stored value looks like a flow instance (records without a flow have none). */
export function isStoredFlow(value: unknown): value is StoredFlow {
  return (
    typeof value === 'object' && value !== null && typeof (value as { status?: unknown }).status === 'string'
  );
}

/** The public view of a stored instance. */
export function flowStateView(record: Types.ObjectId | string, flow: StoredFlow): FlowStateView {
  const current = new Map<string, OpenTaskView[]>();
  for (const task of flow.tasks) {
    if (task.status !== 'open') continue;
    const list = current.get(task.node) ?? [];
    list.push({
      id: taskDocId(record, flow.id, task.key).toHexString(),
      kind: task.kind,
      assignee: task.assignee,
      openedAt: task.openedAt,
      dueAt: task.dueAt,
    });
    current.set(task.node, list);
  }
  return {
    id: flow.id,
    flow: flow.flow,
    key: flow.key,
    version: flow.version,
    status: flow.status,
    submitter: flow.submitter,
    startedAt: flow.startedAt,
    endedAt: flow.endedAt,
    round: flow.round,
    locked: flow.locked === true,
    current: [...current].map(([node, tasks]) => ({ node, tasks })),
  };
}

/** One timeline entry as the API shows it: task keys become task ids. */
export interface TimelineView extends Omit<TimelineEntry, 'task'> {
  task?: string;
}

/** The timeline of a stored instance, oldest first. */
export function timelineView(record: Types.ObjectId | string, flow: StoredFlow): TimelineView[] {
  return flow.timeline.map(({ task, ...entry }) => ({
    ...entry,
    ...(task ? { task: taskDocId(record, flow.id, task).toHexString() } : {}),
  }));
}
