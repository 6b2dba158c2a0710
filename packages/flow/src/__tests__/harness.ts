import type { Flow } from '@formloom/schema';
import { isEnded, openTasks, step } from '../step.js';
import type {
  AssigneeSpec,
  FlowEffect,
  FlowEvent,
  FlowInstance,
  FlowTask,
  FlowTimer,
  RecordData,
  RequestPurpose,
} from '../types.js';

/** Members by assignee spec: roles by key, `member` lists as given, the rest by their JSON. */
export interface Directory {
  roles?: Record<string, string[]>;
  admins?: string[];
  /** Users for any other spec, keyed by JSON.stringify(spec). */
  other?: Record<string, string[]>;
}

type Resolver = (specs: readonly AssigneeSpec[], purpose: RequestPurpose, instance: FlowInstance) => string[];

/** Resolves specs against a directory, as the runtime resolves them against the workspace. */
export function directoryResolver(dir: Directory): Resolver {
  return (specs, _purpose, instance) => {
    const out: string[] = [];
    for (const spec of specs) {
      if (spec.kind === 'role') out.push(...(dir.roles?.[spec.role] ?? []));
      else if (spec.kind === 'member') out.push(...spec.members);
      else if (spec.kind === 'submitter') out.push(instance.submitter);
      else if (spec.kind === 'admins') out.push(...(dir.admins ?? []));
      else out.push(...(dir.other?.[JSON.stringify(spec)] ?? []));
    }
    return [...new Set(out)];
  };
}

/**
 * Plays the runtime around the pure reducer: answers assignee requests at once, keeps the timers the
 * effects schedule, and moves a fake clock. Every effect is kept for assertions.
 */
export class Harness {
  instance: FlowInstance | null = null;
  readonly effects: FlowEffect[] = [];
  private readonly timers = new Map<string, { at: number; timer: FlowTimer }>();
  time: number;

  constructor(
    readonly flow: Flow,
    private readonly resolve: Resolver,
    start = '2026-03-02T09:00:00.000Z',
    public data: RecordData = {},
  ) {
    this.time = Date.parse(start);
  }

  get current(): FlowInstance {
    if (!this.instance) throw new Error('not started');
    return this.instance;
  }

  /** Applies an event and answers every request it raised; answers the effects of all of it. */
  send(event: FlowEvent): FlowEffect[] {
    const out: FlowEffect[] = [];
    let result = step(this.flow, this.instance, event, new Date(this.time));
    for (;;) {
      out.push(...result.effects);
      this.track(result.effects);
      const request = result.instance.requests[0];
      if (!request) break;
      const users = this.resolve(request.assignees, request.purpose, result.instance);
      result = step(
        this.flow,
        result.instance,
        { type: 'assigneesResolved', request: request.key, users, data: this.data },
        new Date(this.time),
      );
    }
    this.instance = result.instance;
    this.effects.push(...out);
    return out;
  }

  private track(effects: readonly FlowEffect[]): void {
    for (const e of effects) {
      if (e.type === 'schedule') this.timers.set(e.key, { at: Date.parse(e.at), timer: e.timer });
      if (e.type === 'unschedule') this.timers.delete(e.key);
    }
  }

  start(submitter = 'sub', data: RecordData = this.data): FlowEffect[] {
    this.data = data;
    return this.send({ type: 'start', id: 'i1', flow: 'f1', version: 1, submitter, data });
  }

  open(): FlowTask[] {
    return openTasks(this.current);
  }

  /** The open task of a member (fails when there is none or several). */
  taskOf(user: string): FlowTask {
    const mine = this.open().filter((t) => t.assignee === user);
    if (mine.length !== 1) throw new Error(`${user} has ${mine.length} open tasks`);
    return mine[0] as FlowTask;
  }

  approve(user: string, comment?: string): FlowEffect[] {
    const task = this.taskOf(user).key;
    return this.send({ type: 'approve', task, by: user, data: this.data, ...(comment ? { comment } : {}) });
  }

  reject(user: string): FlowEffect[] {
    return this.send({ type: 'reject', task: this.taskOf(user).key, by: user, data: this.data });
  }

  submit(user: string, data?: RecordData): FlowEffect[] {
    if (data) this.data = { ...this.data, ...data };
    return this.send({ type: 'submit', task: this.taskOf(user).key, by: user, data: this.data });
  }

  /** Moves the clock and fires every timer due by then, in time order. */
  advance(minutes: number): FlowEffect[] {
    const until = this.time + minutes * 60_000;
    const out: FlowEffect[] = [];
    for (;;) {
      const due = [...this.timers.entries()]
        .filter(([, t]) => t.at <= until)
        .sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.time = Math.max(this.time, due[1].at);
      out.push(...this.send({ type: 'timer', timer: due[1].timer, data: this.data }));
    }
    this.time = until;
    return out;
  }

  pendingTimers(): string[] {
    return [...this.timers.keys()].sort();
  }

  get status() {
    return this.current.status;
  }

  get ended() {
    return isEnded(this.current);
  }

  /** Who holds open tasks, sorted. */
  holders(): string[] {
    return this.open()
      .map((t) => t.assignee)
      .sort();
  }
}

/** A minimal valid flow around the given middle nodes (chained in order between start and end). */
export function chain(nodes: Flow['nodes'], settings?: Flow['settings']): Flow {
  const all: Flow['nodes'] = [{ id: 'start', type: 'start' }, ...nodes, { id: 'end', type: 'end' }];
  const edges = all.slice(1).map((n, i) => ({ from: (all[i] as { id: string }).id, to: n.id }));
  return {
    key: 'f',
    name: { en: 'F' },
    form: 'requests',
    nodes: all,
    edges,
    ...(settings ? { settings } : {}),
  };
}

/** An approval node with members as assignees. */
export function approval(
  id: string,
  members: string[],
  extra: Partial<Extract<Flow['nodes'][number], { type: 'approval' }>> = {},
): Flow['nodes'][number] {
  return { id, type: 'approval', mode: 'or', assignees: [{ kind: 'member', members }], ...extra };
}
