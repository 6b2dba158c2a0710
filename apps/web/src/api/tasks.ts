import type { LocalizedText } from '../i18n/localized';
import { apiRequest } from './client';

const ws = (id: string) => `/workspaces/${encodeURIComponent(id)}`;
const opts = (signal?: AbortSignal) => (signal ? { signal } : {});

/** The inbox's lists (docs/tasks.md): to-dos by status, copies, and the flows the caller started. */
export type TaskList = 'pending' | 'done' | 'cc' | 'started';

/** One item of the inbox: a to-do (approve, fill, submit), a copy (cc) or a started flow (start). */
export interface TaskItem {
  id: string;
  app: string;
  form: string;
  record: string;
  flow: string | null;
  step: string | null;
  kind: 'approve' | 'fill' | 'submit' | 'cc' | 'start';
  assignee: string;
  status: 'pending' | 'done' | 'cancelled';
  title: LocalizedText;
  dueAt: string | null;
  outcome: string | null;
  flowStatus: string | null;
  createdAt: string;
  updatedAt: string;
  v: number;
  /**
   * The record's title as the caller sees it in the task (roles and step permissions applied); null when
   * it is hidden from them, empty, or the record is gone.
   */
  recordTitle: string | null;
  /** When the record was created (it names a record without a title); null when the record is gone. */
  recordCreatedAt: string | null;
}

/** How many items each list holds, answered with every page. */
export interface TaskCounts {
  pending: number;
  done: number;
  cc: number;
  ccUnread: number;
  started: number;
}

export interface TaskPage {
  items: TaskItem[];
  nextCursor: string | null;
  counts: TaskCounts;
}

/** A record's running or ended flow, as the server shows it. */
export interface FlowState {
  id: string;
  flow: string;
  key: string;
  version: number;
  status: string;
  submitter: string;
  startedAt: string;
  endedAt: string | null;
  round: number;
  locked: boolean;
  current: Array<{
    node: string;
    tasks: Array<{ id?: string; assignee?: string } & Record<string, unknown>>;
  }>;
}

/** One step of a flow's timeline: who did what at which node, when, and why. */
export interface TimelineStep {
  at: string;
  by: string | null;
  node: string | null;
  action: string;
  task?: string;
  comment?: string;
  to?: string | string[];
  outcome?: string;
}

/** A task with what its assignee needs to act on it. */
export interface TaskDetail {
  task: TaskItem;
  record: { id: string; form: string; data: Record<string, unknown>; v: number };
  fields: Array<{ field: string; access: 'editable' | 'readOnly' }>;
  flow: FlowState | null;
  timeline: TimelineStep[];
}

/** What acting on a task may carry. */
export interface TaskAction {
  action:
    | 'approve'
    | 'reject'
    | 'return'
    | 'transfer'
    | 'addSigner'
    | 'submit'
    | 'comment'
    | 'withdraw'
    | 'read';
  comment?: string;
  to?: string | string[];
  position?: 'before' | 'after';
  data?: Record<string, unknown>;
}

/** Calls of the inbox and flow routes (docs/flows.md, "Tasks and actions"). */
export const tasksApi = {
  list: (workspaceId: string, list: TaskList, cursor?: string, signal?: AbortSignal) => {
    const params = new URLSearchParams({ status: list, limit: '50' });
    if (cursor) params.set('cursor', cursor);
    return apiRequest<TaskPage>('GET', `${ws(workspaceId)}/tasks?${params}`, opts(signal));
  },
  get: (workspaceId: string, task: string, signal?: AbortSignal) =>
    apiRequest<TaskDetail>('GET', `${ws(workspaceId)}/tasks/${encodeURIComponent(task)}`, opts(signal)),
  act: (workspaceId: string, task: string, body: TaskAction) =>
    apiRequest<{ id: string; v: number; flow: FlowState | null }>(
      'POST',
      `${ws(workspaceId)}/tasks/${encodeURIComponent(task)}/actions`,
      { body },
    ),
  /** Approves several tasks; one result per task (a task decided meanwhile fails alone). */
  approveAll: (workspaceId: string, tasks: string[], comment?: string) =>
    apiRequest<{ results: Array<{ task: string; status: number; error?: { message: string } }> }>(
      'POST',
      `${ws(workspaceId)}/tasks/actions`,
      { body: { tasks, action: 'approve', ...(comment ? { comment } : {}) } },
    ),
  recordFlow: (workspaceId: string, form: string, record: string, signal?: AbortSignal) =>
    apiRequest<{ flow: FlowState | null; timeline: TimelineStep[] }>(
      'GET',
      `${ws(workspaceId)}/forms/${encodeURIComponent(form)}/records/${encodeURIComponent(record)}/flow`,
      opts(signal),
    ),
};
