import { handlers } from './actions.js';
import { FlowError } from './errors.js';
import { Machine } from './machine.js';
import { compileFlow, type FlowProgram } from './program.js';
import type { FlowDefinition, FlowEvent, FlowInstance, StepResult } from './types.js';

const programs = new WeakMap<FlowDefinition, FlowProgram>();

/** A compiled program for a definition (compiled once per definition object). */
function programOf(flow: FlowProgram | FlowDefinition): FlowProgram {
  if ('graph' in flow) return flow;
  let program = programs.get(flow);
  if (!program) {
    program = compileFlow(flow);
    programs.set(flow, program);
  }
  return program;
}

function iso(now: Date | string): string {
  const date = typeof now === 'string' ? new Date(now) : now;
  if (Number.isNaN(date.getTime())) throw new TypeError('step: now is not a valid time');
  return date.toISOString();
}

/** A new instance before its start event ran. */
function blankInstance(event: Extract<FlowEvent, { type: 'start' }>, now: string): FlowInstance {
  return {
    id: event.id,
    flow: event.flow,
    version: event.version,
    status: 'inProgress',
    submitter: event.submitter,
    startedAt: now,
    endedAt: null,
    round: 1,
    seq: 0,
    acted: false,
    tokens: [],
    splits: [],
    requests: [],
    tasks: [],
    timeline: [],
    lastUrgedAt: null,
  };
}

/**
 * The flow engine's one reducer: applies `event` to `instance` at time `now` and answers the next instance
 * and the effects the runtime must carry out (open and close tasks, resolve assignees, notify, schedule
 * deadline timers, set the record's status, lock it, announce the end). Pure and deterministic: the
 * instance passed in is never changed, the same inputs give the same outputs, and nothing is read from
 * the clock or the store.
 *
 * A `start` event takes `null` for the instance. Every `resolveAssignees` effect must be answered with an
 * `assigneesResolved` event before the instance is stored: until then the step it belongs to has no tasks.
 * Refusals (a closed task, someone else's task, withdrawing after someone acted, ...) throw
 * {@link FlowError} and change nothing.
 *
 * `flow` is a definition that passed `validateFlow`, or a program from `compileFlow` (needed for typed
 * branch conditions; a plain definition is compiled with every condition name typed `any`).
 */
export function step(
  flow: FlowProgram | FlowDefinition,
  instance: FlowInstance | null,
  event: FlowEvent,
  now: Date | string,
): StepResult {
  const program = programOf(flow);
  const at = iso(now);
  const data = ('data' in event ? event.data : undefined) ?? {};
  if (event.type === 'start') {
    if (instance !== null) throw new FlowError('instance.state', { reason: 'started' });
    const m = new Machine(program, blankInstance(event, at), at, data);
    m.emit({ type: 'status', status: 'inProgress' });
    m.log({ by: event.submitter, node: program.start, action: 'submitted', comment: event.comment });
    m.enter(m.place(program.start, [], []));
    m.run();
    return { instance: m.instance, effects: m.effects };
  }
  if (instance === null) throw new FlowError('instance.state', { reason: 'notStarted' });
  // Instances are plain JSON (they are stored as such): a JSON copy is a deep copy.
  const m = new Machine(program, JSON.parse(JSON.stringify(instance)) as FlowInstance, at, data);
  (handlers[event.type] as (machine: Machine, e: FlowEvent) => void)(m, event);
  m.run();
  return { instance: m.instance, effects: m.effects };
}

/** The assignee requests the runtime still has to answer before it may store the instance. */
export function pendingRequests(instance: FlowInstance): FlowInstance['requests'] {
  return instance.requests;
}

/** The open tasks of an instance. */
export function openTasks(instance: FlowInstance): FlowInstance['tasks'] {
  return instance.tasks.filter((t) => t.status === 'open');
}

/** True once an instance ended (approved, rejected or withdrawn). */
export function isEnded(instance: FlowInstance): boolean {
  return instance.status === 'approved' || instance.status === 'rejected' || instance.status === 'withdrawn';
}
