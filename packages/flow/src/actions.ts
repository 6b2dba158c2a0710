import { FlowError } from './errors.js';
import { type Machine, STEP_TYPES } from './machine.js';
import type { FlowEvent, FlowTask, FlowTaskKind, Token } from './types.js';

type EventOf<T extends FlowEvent['type']> = Extract<FlowEvent, { type: T }>;

/** Handles one event type on a machine (the instance is already a private copy). */
export type EventHandler<T extends FlowEvent['type']> = (m: Machine, event: EventOf<T>) => void;

const DEFAULT_URGE_INTERVAL_MINUTES = 10;

/** The open task `key` of the acting member, after checking it exists, is theirs, open and of a kind. */
function actionable(
  m: Machine,
  key: string,
  by: string | null,
  kinds: readonly FlowTaskKind[],
  action: string,
): FlowTask {
  const task = m.instance.tasks.find((t) => t.key === key);
  if (!task) throw new FlowError('task.unknown', { task: key });
  if (by !== null && task.assignee !== by) throw new FlowError('task.notYours', { task: key });
  if (task.status !== 'open') throw new FlowError('task.closed', { task: key, status: task.status });
  if (!kinds.includes(task.kind)) throw new FlowError('action.notAllowed', { action, kind: task.kind });
  const wanted = task.kind === 'submit' ? 'returned' : 'inProgress';
  if (m.instance.status !== wanted) throw new FlowError('flow.notRunning', { status: m.instance.status });
  return task;
}

function tokenOf(m: Machine, task: FlowTask): Token {
  const token = m.token(task.token);
  if (!token) throw new Error(`task ${task.key} has no token`);
  return token;
}

/** Members holding an open task at the token's step. */
function holders(m: Machine, token: Token): Set<string> {
  return new Set(
    m
      .openTasks()
      .filter((t) => t.token === token.key)
      .map((t) => t.assignee),
  );
}

/** Approves (approval tasks) or hands in (fill tasks) in someone's name; `by` null is the system. */
export function decide(m: Machine, task: FlowTask, by: string | null, comment?: string): void {
  const token = tokenOf(m, task);
  m.closeTask(task, task.kind === 'fill' ? 'submitted' : 'approved', by);
  m.instance.acted = true;
  m.log({
    by,
    node: task.node,
    action: task.kind === 'fill' ? 'filled' : 'approved',
    task: task.key,
    comment,
  });
  m.laneApproved(token, task.lane);
}

/** Rejects in someone's name and follows the step's `onReject`. */
export function rejectTask(m: Machine, task: FlowTask, by: string | null, comment?: string): void {
  const token = tokenOf(m, task);
  m.closeTask(task, 'rejected', by);
  m.instance.acted = true;
  m.log({ by, node: task.node, action: 'rejected', task: task.key, comment });
  const node = m.node(task.node);
  const onReject = node.type === 'approval' ? (node.onReject ?? 'end') : 'submitter';
  if (onReject === 'end') {
    m.finish('rejected', by, task.node);
    return;
  }
  const target =
    onReject === 'previous'
      ? m.previousStep(token)
      : onReject === 'node' && node.type === 'approval' && node.rejectTo !== undefined
        ? node.rejectTo
        : null;
  if (target !== null && token.path.lastIndexOf(target, token.path.length - 2) >= 0) {
    m.log({ by, node: task.node, action: 'returned', task: task.key, to: target });
    m.returnTo(token, target);
    return;
  }
  m.log({ by, node: task.node, action: 'returned', task: task.key, to: 'submitter' });
  m.returnToSubmitter(task.node);
}

/** Hands a task to another member; the step's lane continues with them. */
export function transferTask(
  m: Machine,
  task: FlowTask,
  to: string,
  by: string | null,
  comment?: string,
): void {
  const token = tokenOf(m, task);
  if (to === task.assignee || holders(m, token).has(to))
    throw new FlowError('assignee.duplicate', { user: to });
  const lane = token.lanes[task.lane];
  if (!lane) throw new Error(`task ${task.key} has no lane`);
  m.closeTask(task, 'transferred', by);
  m.instance.acted = true;
  lane.signers[lane.at] = to;
  m.log({ by, node: task.node, action: 'transferred', task: task.key, to, comment });
  m.openTask(task.kind, task.node, token, task.lane, to);
}

/** Event handlers by event type (the one reducer dispatches here). */
export const handlers: { [T in FlowEvent['type']]: EventHandler<T> } = {
  start() {
    throw new FlowError('instance.state', { reason: 'started' });
  },

  assigneesResolved(m, event) {
    const request = m.instance.requests.find((r) => r.key === event.request);
    if (!request) throw new FlowError('request.unknown', { request: event.request });
    m.instance.requests = m.instance.requests.filter((r) => r !== request);
    const users = [...new Set(event.users)];
    if (request.purpose === 'transfer') {
      const task = m.instance.tasks.find((t) => t.key === request.task);
      if (task?.status !== 'open') return;
      const taken = holders(m, tokenOf(m, task));
      const to = users.find((u) => u !== task.assignee && !taken.has(u));
      if (to !== undefined) transferTask(m, task, to, null);
      else
        m.emit({
          type: 'notify',
          reason: 'timeout',
          users: [task.assignee],
          node: task.node,
          task: task.key,
        });
      return;
    }
    const token = m.token(request.token);
    if (!token) return;
    token.request = null;
    const node = m.node(request.node);
    if (request.purpose === 'cc') {
      if (users.length > 0) {
        m.emit({ type: 'cc', key: m.key('c'), node: node.id, users });
        m.log({ by: null, node: node.id, action: 'cc', to: users });
      }
      m.advance(token);
      return;
    }
    if (users.length > 0) {
      const mode = node.type === 'approval' || node.type === 'fill' ? (node.mode ?? 'or') : 'or';
      m.startLanes(token, users, mode);
      return;
    }
    const fallback =
      node.type === 'approval' || node.type === 'fill' ? (node.whenNoAssignee ?? 'admin') : 'skip';
    if (request.purpose === 'assignees' && fallback === 'admin') {
      m.request('admins', node.id, token, null, [{ kind: 'admins' }]);
      return;
    }
    m.log({ by: null, node: node.id, action: 'skipped' });
    m.advance(token);
  },

  approve(m, event) {
    decide(m, actionable(m, event.task, event.by, ['approve'], 'approve'), event.by, event.comment);
  },

  reject(m, event) {
    rejectTask(m, actionable(m, event.task, event.by, ['approve'], 'reject'), event.by, event.comment);
  },

  return(m, event) {
    const task = actionable(m, event.task, event.by, ['approve', 'fill'], 'return');
    const token = tokenOf(m, task);
    const to = event.to ?? 'submitter';
    if (to !== 'submitter') {
      const onWay = token.path.lastIndexOf(to, token.path.length - 2) >= 0;
      const type = m.program.graph.nodes.get(to)?.type;
      if (!onWay || type === undefined || !STEP_TYPES.has(type)) throw new FlowError('return.target', { to });
    }
    m.closeTask(task, 'returned', event.by);
    m.instance.acted = true;
    m.log({ by: event.by, node: task.node, action: 'returned', task: task.key, to, comment: event.comment });
    if (to === 'submitter') m.returnToSubmitter(task.node);
    else m.returnTo(token, to);
  },

  transfer(m, event) {
    const task = actionable(m, event.task, event.by, ['approve', 'fill'], 'transfer');
    transferTask(m, task, event.to, event.by, event.comment);
  },

  addSigner(m, event) {
    const task = actionable(m, event.task, event.by, ['approve'], 'addSigner');
    const token = tokenOf(m, task);
    const lane = token.lanes[task.lane];
    if (!lane) throw new Error(`task ${task.key} has no lane`);
    const added = [...new Set(event.to)];
    const taken = holders(m, token);
    const clash = added.find(
      (u) => u === event.by || taken.has(u) || lane.signers.slice(lane.at).includes(u),
    );
    if (added.length === 0 || clash !== undefined)
      throw new FlowError('assignee.duplicate', { user: clash ?? '' });
    m.instance.acted = true;
    m.log({
      by: event.by,
      node: task.node,
      action: 'addedSigner',
      task: task.key,
      to: added,
      comment: event.comment,
    });
    if (event.position === 'after') {
      lane.signers.splice(lane.at + 1, 0, ...added);
      return;
    }
    // Before me: the added signers decide first, then the task comes back to me as a new one.
    m.closeTask(task, 'delegated', event.by);
    lane.signers.splice(lane.at, 0, ...added);
    m.openTask(task.kind, task.node, token, task.lane, lane.signers[lane.at] as string);
  },

  submit(m, event) {
    const task = actionable(m, event.task, event.by, ['fill', 'submit'], 'submit');
    if (task.kind === 'fill') {
      decide(m, task, event.by, event.comment);
      return;
    }
    m.closeTask(task, 'submitted', event.by);
    m.log({ by: event.by, node: null, action: 'resubmitted', task: task.key, comment: event.comment });
    m.restart();
  },

  reassign(m, event) {
    const task = m.instance.tasks.find((t) => t.key === event.task);
    if (!task) throw new FlowError('task.unknown', { task: event.task });
    if (task.status !== 'open') throw new FlowError('task.closed', { task: event.task, status: task.status });
    if (task.assignee === event.to) return;
    const lane = m.token(task.token)?.lanes[task.lane];
    if (lane) lane.signers[lane.at] = event.to;
    m.log({
      by: null,
      node: task.node,
      action: 'transferred',
      task: task.key,
      to: event.to,
      comment: event.reason,
    });
    task.assignee = event.to;
  },

  withdraw(m, event) {
    const { instance } = m;
    if (instance.status !== 'inProgress' && instance.status !== 'returned') {
      throw new FlowError('flow.notRunning', { status: instance.status });
    }
    const reason =
      event.by !== instance.submitter
        ? 'notSubmitter'
        : !m.program.definition.settings?.allowWithdraw
          ? 'disabled'
          : instance.status === 'inProgress' && instance.acted
            ? 'acted'
            : null;
    if (reason !== null) throw new FlowError('withdraw.notAllowed', { reason });
    m.log({ by: event.by, node: null, action: 'withdrawn', comment: event.comment });
    m.finish('withdrawn', event.by, null);
  },

  urge(m, event) {
    const { instance } = m;
    if (instance.status !== 'inProgress') throw new FlowError('flow.notRunning', { status: instance.status });
    if (event.by !== instance.submitter) throw new FlowError('urge.notAllowed');
    const minutes = m.program.definition.settings?.urgeIntervalMinutes ?? DEFAULT_URGE_INTERVAL_MINUTES;
    if (instance.lastUrgedAt !== null) {
      const next = Date.parse(instance.lastUrgedAt) + minutes * 60_000;
      if (m.nowDate.getTime() < next) {
        throw new FlowError('urge.tooSoon', { retryAt: new Date(next).toISOString() });
      }
    }
    instance.lastUrgedAt = m.now;
    const open = m.openTasks();
    const users = [...new Set(open.map((t) => t.assignee))];
    for (const node of new Set(open.map((t) => t.node))) {
      const here = [...new Set(open.filter((t) => t.node === node).map((t) => t.assignee))];
      m.emit({ type: 'notify', reason: 'urge', users: here, node });
    }
    m.log({ by: event.by, node: null, action: 'urged', to: users, comment: event.comment });
  },

  comment(m, event) {
    const task = event.task === undefined ? undefined : m.instance.tasks.find((t) => t.key === event.task);
    if (event.task !== undefined && !task) throw new FlowError('task.unknown', { task: event.task });
    m.log({
      by: event.by,
      node: task?.node ?? null,
      action: 'commented',
      comment: event.comment,
      ...(task ? { task: task.key } : {}),
    });
  },

  timer(m, event) {
    const task = m.instance.tasks.find((t) => t.key === event.timer.task);
    // A timer of a task that closed meanwhile (its cancel raced the firing) changes nothing.
    if (task?.status !== 'open' || !m.running || task.kind === 'submit') return;
    const node = m.node(task.node);
    const deadline = node.type === 'approval' || node.type === 'fill' ? node.deadline : undefined;
    if (!deadline) return;
    if (event.timer.kind === 'remind') {
      m.emit({ type: 'notify', reason: 'remind', users: [task.assignee], node: task.node, task: task.key });
      m.log({ by: null, node: task.node, action: 'reminded', task: task.key, to: task.assignee });
      return;
    }
    const action = deadline.onTimeout?.action ?? 'notify';
    m.log({ by: null, node: task.node, action: 'timedOut', task: task.key });
    if (action === 'approve') {
      decide(m, task, null);
      return;
    }
    if (action === 'reject') {
      if (task.kind === 'approve') {
        rejectTask(m, task, null);
        return;
      }
      m.closeTask(task, 'returned', null);
      m.instance.acted = true;
      m.returnToSubmitter(task.node);
      return;
    }
    const to = deadline.onTimeout?.to;
    if (action === 'transfer' && to) {
      m.request('transfer', task.node, null, task.key, [to]);
      return;
    }
    m.emit({ type: 'notify', reason: 'timeout', users: [task.assignee], node: task.node, task: task.key });
  },
};
