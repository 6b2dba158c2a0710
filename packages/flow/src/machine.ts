import { nodeType } from './nodes/registry.js';
import type { FlowProgram } from './program.js';
import type {
  ApprovalMode,
  AssigneeSpec,
  FlowEffect,
  FlowInstance,
  FlowNodeDef,
  FlowOutcome,
  FlowStatus,
  FlowTask,
  FlowTaskKind,
  FlowTaskStatus,
  RecordData,
  RequestPurpose,
  TimelineEntry,
  Token,
} from './types.js';

/** Node types whose tokens wait for people, and whose tasks can be returned to. */
export const STEP_TYPES: ReadonlySet<string> = new Set(['approval', 'fill']);

/**
 * One step of one instance in the making: a private copy of the instance that the event handlers and
 * node types change, and the effects they produce. Arrivals are queued and processed in order, so a chain
 * of pass-through nodes (start, condition, split, join, cc once resolved) never recurses deeply.
 */
export class Machine {
  readonly effects: FlowEffect[] = [];
  private readonly queue: string[] = [];
  readonly nowDate: Date;

  constructor(
    readonly program: FlowProgram,
    readonly instance: FlowInstance,
    readonly now: string,
    readonly data: RecordData,
  ) {
    this.nowDate = new Date(now);
  }

  /** A fresh key of the instance (`t3`, `k4`, ...). */
  key(prefix: string): string {
    this.instance.seq += 1;
    return `${prefix}${this.instance.seq}`;
  }

  emit(effect: FlowEffect): void {
    this.effects.push(effect);
  }

  /** Appends a timeline entry at the step's time; properties given as undefined are left out. */
  log(entry: { [K in keyof Omit<TimelineEntry, 'at'>]: Omit<TimelineEntry, 'at'>[K] | undefined }): void {
    const clean = Object.fromEntries(Object.entries(entry).filter(([, v]) => v !== undefined));
    this.instance.timeline.push({ at: this.now, ...(clean as Omit<TimelineEntry, 'at'>) });
  }

  node(id: string): FlowNodeDef {
    return this.program.node(id);
  }

  setStatus(status: FlowStatus): void {
    if (this.instance.status === status) return;
    this.instance.status = status;
    this.emit({ type: 'status', status });
  }

  get running(): boolean {
    return this.instance.status === 'inProgress';
  }

  // --- tokens ---------------------------------------------------------------------------------------

  token(key: string | null): Token | undefined {
    return key === null ? undefined : this.instance.tokens.find((t) => t.key === key);
  }

  /** A new token standing at `node` (already entered: `path` ends with it). Not queued. */
  place(node: string, stack: string[], path: string[]): Token {
    const token: Token = {
      key: this.key('k'),
      node,
      stack,
      path: [...path, node],
      enteredAt: this.now,
      request: null,
      lanes: [],
      mode: null,
    };
    this.instance.tokens.push(token);
    return token;
  }

  /** Moves a token to a node and queues its arrival there. */
  moveTo(token: Token, node: string): void {
    token.node = node;
    token.path.push(node);
    token.enteredAt = this.now;
    token.request = null;
    token.lanes = [];
    token.mode = null;
    this.queue.push(token.key);
  }

  /** Moves a token along the one edge leaving its node. */
  advance(token: Token): void {
    this.moveTo(token, this.program.next(token.node));
  }

  /** Enters a start token: queued like any arrival. */
  enter(token: Token): void {
    this.queue.push(token.key);
  }

  /** Takes a token out, cancelling its open tasks and pending requests. */
  drop(token: Token): void {
    for (const task of this.openTasks())
      if (task.token === token.key) this.closeTask(task, 'cancelled', null);
    this.instance.requests = this.instance.requests.filter((r) => r.token !== token.key);
    this.instance.tokens = this.instance.tokens.filter((t) => t !== token);
  }

  /** Processes queued arrivals until every token rests (or the instance ended). */
  run(): void {
    for (let key = this.queue.shift(); key !== undefined; key = this.queue.shift()) {
      const token = this.token(key);
      if (!token || !this.running) continue;
      const node = this.node(token.node);
      nodeType(node.type).enter(this, token, node);
    }
  }

  choose(conditionNode: string): string {
    const { branch, to } = this.program.choose(conditionNode, this.data, this.nowDate);
    void branch;
    return to;
  }

  // --- assignee requests -----------------------------------------------------------------------------

  request(
    purpose: RequestPurpose,
    node: string,
    token: Token | null,
    task: string | null,
    assignees: readonly AssigneeSpec[],
  ): void {
    const key = this.key('r');
    this.instance.requests.push({ key, purpose, node, token: token?.key ?? null, task, assignees });
    if (token) token.request = key;
    this.emit({ type: 'resolveAssignees', request: key, node, purpose, assignees });
  }

  // --- tasks -----------------------------------------------------------------------------------------

  openTasks(): FlowTask[] {
    return this.instance.tasks.filter((t) => t.status === 'open');
  }

  openTask(kind: FlowTaskKind, node: string, token: Token | null, lane: number, assignee: string): FlowTask {
    const n = this.node(node);
    const deadline = n.type === 'approval' || n.type === 'fill' ? n.deadline : undefined;
    const key = this.key('t');
    const dueAt =
      deadline && kind !== 'submit'
        ? new Date(this.nowDate.getTime() + deadline.minutes * 60_000).toISOString()
        : null;
    const task: FlowTask = {
      key,
      kind,
      node,
      token: token?.key ?? null,
      lane,
      assignee,
      status: 'open',
      openedAt: this.now,
      closedAt: null,
      dueAt,
      by: null,
    };
    this.instance.tasks.push(task);
    this.emit({ type: 'openTask', task: { ...task }, fields: this.program.fieldAccess(node) });
    if (deadline && dueAt) {
      const due = Date.parse(dueAt);
      this.emit({ type: 'schedule', key: `${key}:due`, at: dueAt, timer: { task: key, kind: 'due' } });
      deadline.remindBefore?.forEach((minutes, n) => {
        if (minutes >= deadline.minutes) return;
        const at = new Date(due - minutes * 60_000).toISOString();
        this.emit({
          type: 'schedule',
          key: `${key}:remind:${n}`,
          at,
          timer: { task: key, kind: 'remind', n },
        });
      });
    }
    return task;
  }

  closeTask(task: FlowTask, status: Exclude<FlowTaskStatus, 'open'>, by: string | null): void {
    task.status = status;
    task.closedAt = this.now;
    task.by = by;
    this.emit({ type: 'closeTask', task: task.key, status });
    if (task.dueAt === null) return;
    const n = this.node(task.node);
    const deadline = n.type === 'approval' || n.type === 'fill' ? n.deadline : undefined;
    this.emit({ type: 'unschedule', key: `${task.key}:due` });
    deadline?.remindBefore?.forEach((_, i) => {
      this.emit({ type: 'unschedule', key: `${task.key}:remind:${i}` });
    });
  }

  // --- steps (approval and fill) ----------------------------------------------------------------------

  /** Gives a waiting token its signer lanes and opens the first task of each. */
  startLanes(token: Token, users: readonly string[], mode: ApprovalMode): void {
    const node = this.node(token.node);
    const kind: FlowTaskKind = node.type === 'fill' ? 'fill' : 'approve';
    token.mode = mode;
    token.lanes =
      mode === 'sequence'
        ? [{ signers: [...users], at: 0, done: false }]
        : users.map((u) => ({ signers: [u], at: 0, done: false }));
    token.lanes.forEach((lane, i) => {
      this.openTask(kind, token.node, token, i, lane.signers[0] as string);
    });
  }

  /** The current signer of a lane approved: open the next one's task, or finish the lane (and maybe the step). */
  laneApproved(token: Token, laneIndex: number): void {
    const lane = token.lanes[laneIndex];
    if (!lane) throw new Error(`token ${token.key} has no lane ${laneIndex}`);
    lane.at += 1;
    if (lane.at < lane.signers.length) {
      const kind: FlowTaskKind = this.node(token.node).type === 'fill' ? 'fill' : 'approve';
      this.openTask(kind, token.node, token, laneIndex, lane.signers[lane.at] as string);
      return;
    }
    lane.done = true;
    const complete = token.mode === 'or' ? true : token.lanes.every((l) => l.done);
    if (complete) this.completeStep(token);
  }

  /** The step at this token is decided: cancel what is still open there and move on. */
  completeStep(token: Token): void {
    for (const task of this.openTasks())
      if (task.token === token.key) this.closeTask(task, 'cancelled', null);
    this.advance(token);
  }

  /** The nearest approval or fill step before the token's current node on its way, or null. */
  previousStep(token: Token): string | null {
    for (let i = token.path.length - 2; i >= 0; i--) {
      const id = token.path[i] as string;
      if (STEP_TYPES.has(this.node(id).type)) return id;
    }
    return null;
  }

  /**
   * Sends the flow back to `target`, an approval or fill step on the token's way. Inside the token's own
   * branch only the token moves; a target before a parallel split closes every branch of that split.
   */
  returnTo(token: Token, target: string): void {
    const index = token.path.lastIndexOf(target, token.path.length - 2);
    if (index < 0) throw new Error(`node ${target} is not on token ${token.key}'s way`);
    let opened = 0;
    for (const id of token.path.slice(index + 1)) {
      const type = this.node(id).type;
      if (type === 'parallelSplit') opened += 1;
      if (type === 'parallelJoin') opened -= 1;
    }
    const depth = token.stack.length - opened;
    const stack = token.stack.slice(0, depth);
    const path = token.path.slice(0, index);
    const crossed = token.stack[depth];
    if (crossed === undefined) {
      this.dropTasksOf(token);
      token.path = path;
      this.moveTo(token, target);
      return;
    }
    for (const t of [...this.instance.tokens]) if (t.stack.includes(crossed)) this.drop(t);
    this.instance.splits = this.instance.splits.filter(
      (s) => s.key !== crossed && !s.parent.stack.includes(crossed),
    );
    const moved = this.place(target, stack, path);
    moved.path.pop();
    this.moveTo(moved, target);
  }

  private dropTasksOf(token: Token): void {
    for (const task of this.openTasks())
      if (task.token === token.key) this.closeTask(task, 'cancelled', null);
    this.instance.requests = this.instance.requests.filter((r) => r.token !== token.key);
  }

  // --- parallel ---------------------------------------------------------------------------------------

  split(token: Token, node: string): void {
    const join = this.program.graph.joinOf.get(node);
    if (join === undefined) throw new Error(`split ${node} has no join`);
    const targets = this.program.branches(node);
    const key = this.key('s');
    this.instance.splits.push({
      key,
      node,
      join,
      branches: targets.length,
      arrived: 0,
      parent: { stack: [...token.stack], path: [...token.path] },
    });
    this.instance.tokens = this.instance.tokens.filter((t) => t !== token);
    for (const to of targets) {
      const child = this.place(to, [...token.stack, key], token.path);
      child.path.pop();
      this.moveTo(child, to);
    }
  }

  join(token: Token, node: string): void {
    const key = token.stack.at(-1);
    const split = this.instance.splits.find((s) => s.key === key);
    if (!split || split.join !== node) throw new Error(`join ${node} reached outside its split`);
    this.instance.tokens = this.instance.tokens.filter((t) => t !== token);
    split.arrived += 1;
    if (split.arrived < split.branches) return;
    this.instance.splits = this.instance.splits.filter((s) => s !== split);
    const merged = this.place(node, [...split.parent.stack], split.parent.path);
    this.advance(merged);
  }

  // --- the instance as a whole ------------------------------------------------------------------------

  /** Closes every open task, drops every token, split and request. */
  private clear(): void {
    for (const task of this.openTasks()) this.closeTask(task, 'cancelled', null);
    this.instance.tokens = [];
    this.instance.splits = [];
    this.instance.requests = [];
  }

  finish(outcome: FlowOutcome, by: string | null, node: string | null): void {
    this.clear();
    this.instance.endedAt = this.now;
    this.setStatus(outcome);
    this.log({ by, node, action: 'ended', outcome });
    const settings = this.program.definition.settings;
    if (outcome === 'approved' && settings?.lockOnApproved) {
      this.emit({ type: 'lock', openFields: settings.openFields ?? [] });
    }
    this.emit({ type: 'ended', outcome });
  }

  /** Everything stops and the record goes back to its submitter, who may edit it and send it again. */
  returnToSubmitter(node: string): void {
    this.clear();
    this.setStatus('returned');
    this.openTask('submit', node, null, -1, this.instance.submitter);
  }

  /** A resubmission: a new round from the start node. */
  restart(): void {
    this.instance.round += 1;
    this.instance.acted = false;
    this.setStatus('inProgress');
    this.enter(this.place(this.program.start, [], []));
  }
}
