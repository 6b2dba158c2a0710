import type { Flow } from '@formloom/schema';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FlowError } from '../errors.js';
import { analyseFlow } from '../graph.js';
import { compileFlow, type FlowProgram } from '../program.js';
import { isEnded, step } from '../step.js';
import type { FlowEffect, FlowEvent, FlowInstance, RecordData } from '../types.js';
import { validateFlow } from '../validate.js';

// --- random valid definitions ------------------------------------------------------------------------

type Block =
  | {
      kind: 'approval' | 'fill';
      mode: 'or' | 'and' | 'sequence';
      role: number;
      whenNoAssignee: 'skip' | 'admin';
      onReject: 'end' | 'submitter' | 'previous' | 'node';
      deadline: null | { minutes: number; action: 'notify' | 'approve' | 'reject' | 'transfer' };
    }
  | { kind: 'cc'; role: number }
  | { kind: 'condition'; threshold: number; branches: Block[][]; rejectBranch: boolean }
  | { kind: 'parallel'; branches: Block[][] };

const stepBlock = fc.record({
  kind: fc.constantFrom('approval' as const, 'approval' as const, 'fill' as const),
  mode: fc.constantFrom('or' as const, 'and' as const, 'sequence' as const),
  role: fc.nat({ max: 4 }),
  whenNoAssignee: fc.constantFrom('skip' as const, 'admin' as const),
  onReject: fc.constantFrom('end' as const, 'submitter' as const, 'previous' as const, 'node' as const),
  deadline: fc.option(
    fc.record({
      minutes: fc.integer({ min: 1, max: 600 }),
      action: fc.constantFrom('notify' as const, 'approve' as const, 'reject' as const, 'transfer' as const),
    }),
    { nil: null },
  ),
});

const blocks = fc.letrec<{ seq: Block[]; block: Block }>((tie) => ({
  seq: fc.array(tie('block'), { maxLength: 3 }),
  block: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { arbitrary: stepBlock, weight: 4 },
    { arbitrary: fc.record({ kind: fc.constant('cc' as const), role: fc.nat({ max: 4 }) }), weight: 1 },
    {
      arbitrary: fc.record({
        kind: fc.constant('condition' as const),
        threshold: fc.integer({ min: 0, max: 10 }),
        branches: fc.array(tie('seq'), { minLength: 2, maxLength: 3 }),
        rejectBranch: fc.boolean(),
      }),
      weight: 1,
    },
    {
      arbitrary: fc.record({
        kind: fc.constant('parallel' as const),
        branches: fc.array(tie('seq'), { minLength: 2, maxLength: 3 }),
      }),
      weight: 1,
    },
  ),
})).seq;

/** Users per role: r0 has nobody, the others one to three members. */
const ROLES: Record<string, string[]> = {
  r0: [],
  r1: ['u1'],
  r2: ['u2', 'u3'],
  r3: ['u1', 'u4', 'u5'],
  r4: ['u6'],
};
const USERS = ['sub', 'u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7'];
const ADMINS = ['adm'];

function buildFlow(seq: Block[], withdraw: boolean): Flow {
  const nodes: Flow['nodes'] = [
    { id: 'start', type: 'start' },
    { id: 'end', type: 'end' },
    { id: 'no', type: 'end', outcome: 'rejected' },
  ];
  const edges: Flow['edges'] = [];
  const wantsTarget: string[] = [];
  let n = 0;
  const build = (list: Block[], next: string): string => {
    let target = next;
    for (const block of [...list].reverse()) target = buildBlock(block, target);
    return target;
  };
  const buildBlock = (block: Block, next: string): string => {
    n += 1;
    const id = `n${n}`;
    if (block.kind === 'approval' || block.kind === 'fill') {
      const common = {
        id,
        assignees: [{ kind: 'role' as const, role: `r${block.role}` }],
        mode: block.mode,
        whenNoAssignee: block.whenNoAssignee,
        ...(block.deadline
          ? {
              deadline: {
                minutes: block.deadline.minutes,
                remindBefore: [1],
                onTimeout: {
                  action: block.deadline.action,
                  ...(block.deadline.action === 'transfer'
                    ? { to: { kind: 'role' as const, role: 'r3' } }
                    : {}),
                },
              },
            }
          : {}),
      };
      if (block.kind === 'fill')
        nodes.push({ ...common, type: 'fill', fields: [{ field: 'x', access: 'editable' }] });
      else {
        nodes.push({ ...common, type: 'approval', onReject: block.onReject });
        if (block.onReject === 'node') wantsTarget.push(id);
      }
      edges.push({ from: id, to: next });
    } else if (block.kind === 'cc') {
      nodes.push({ id, type: 'cc', recipients: [{ kind: 'role', role: `r${block.role}` }] });
      edges.push({ from: id, to: next });
    } else if (block.kind === 'condition') {
      const branches = block.branches.map((_, i) => ({
        id: `b${i}`,
        ...(i < block.branches.length - 1 ? { condition: `x > ${block.threshold + i}` } : {}),
      }));
      nodes.push({ id, type: 'condition', branches });
      block.branches.forEach((branch, i) => {
        const to = block.rejectBranch && i === 0 ? 'no' : build(branch, next);
        edges.push({ from: id, to, branch: `b${i}` });
      });
    } else if (block.kind === 'parallel') {
      const join = `${id}j`;
      nodes.push({ id, type: 'parallelSplit' }, { id: join, type: 'parallelJoin' });
      edges.push({ from: join, to: next });
      for (const branch of block.branches) edges.push({ from: id, to: build(branch, join) });
    }
    return id;
  };
  edges.push({ from: 'start', to: build(seq, 'end') });
  const flow: Flow = {
    key: 'p',
    name: { en: 'P' },
    form: 'f',
    nodes,
    edges,
    settings: { allowWithdraw: withdraw, lockOnApproved: true, urgeIntervalMinutes: 5 },
  };
  // Reject targets: the nearest earlier step, else plain `previous`.
  const graph = analyseFlow(flow);
  for (const id of wantsTarget) {
    const node = flow.nodes.find((x) => x.id === id) as Extract<Flow['nodes'][number], { type: 'approval' }>;
    const earlier = flow.nodes.find(
      (x) => (x.type === 'approval' || x.type === 'fill') && x.id !== id && graph.precedes(x.id, id),
    );
    if (earlier) node.rejectTo = earlier.id;
    else node.onReject = 'previous';
  }
  // Nodes a rejecting condition branch left unused would be unreachable: drop them.
  const used = new Set([...flow.edges.map((e) => e.to), 'start']);
  flow.nodes = flow.nodes.filter((x) => used.has(x.id));
  flow.edges = flow.edges.filter((e) => used.has(e.from));
  return flow;
}

// --- the runtime's part, played here ------------------------------------------------------------------

interface World {
  program: FlowProgram;
  instance: FlowInstance;
  time: number;
  data: RecordData;
  /** Open task keys as the effects told them, and timers as scheduled minus unscheduled. */
  opened: Set<string>;
  timers: Map<string, { at: number; timer: { task: string; kind: 'due' | 'remind'; n?: number } }>;
}

function resolveUsers(specs: readonly { kind: string; role?: string }[], instance: FlowInstance): string[] {
  const out = specs.flatMap((s) =>
    s.kind === 'role' ? (ROLES[s.role as string] ?? []) : s.kind === 'admins' ? ADMINS : [instance.submitter],
  );
  return [...new Set(out)];
}

function track(world: World, effects: readonly FlowEffect[]) {
  for (const e of effects) {
    if (e.type === 'openTask') world.opened.add(e.task.key);
    if (e.type === 'closeTask') world.opened.delete(e.task);
    if (e.type === 'schedule') world.timers.set(e.key, { at: Date.parse(e.at), timer: e.timer });
    if (e.type === 'unschedule') world.timers.delete(e.key);
  }
}

/** Applies an event and answers its assignee requests, like the runtime before it stores anything. */
function apply(world: World, event: FlowEvent): void {
  let result = step(world.program, world.instance, event, new Date(world.time));
  track(world, result.effects);
  for (let guard = 0; result.instance.requests.length > 0; guard++) {
    if (guard > 200) throw new Error('requests never settle');
    const request = result.instance.requests[0] as FlowInstance['requests'][number];
    const users = resolveUsers(request.assignees as never, result.instance);
    result = step(
      world.program,
      result.instance,
      { type: 'assigneesResolved', request: request.key, users, data: world.data },
      new Date(world.time),
    );
    track(world, result.effects);
  }
  world.instance = result.instance;
}

// --- invariants --------------------------------------------------------------------------------------

function checkInvariants(world: World): void {
  const { instance, program } = world;
  const open = instance.tasks.filter((t) => t.status === 'open');
  expect(new Set(instance.tasks.map((t) => t.key)).size).toBe(instance.tasks.length);
  // The effects told the runtime exactly which tasks are open.
  expect([...world.opened].sort()).toEqual(open.map((t) => t.key).sort());
  expect(instance.requests).toEqual([]);
  if (isEnded(instance)) {
    expect(instance.tokens).toEqual([]);
    expect(instance.splits).toEqual([]);
    expect(open).toEqual([]);
    expect(instance.endedAt).not.toBeNull();
    return;
  }
  expect(instance.endedAt).toBeNull();
  if (instance.status === 'returned') {
    expect(instance.tokens).toEqual([]);
    expect(instance.splits).toEqual([]);
    // The submitter's, unless it was reassigned (the submitter left).
    expect(open.map((t) => t.kind)).toEqual(['submit']);
    return;
  }
  expect(instance.status).toBe('inProgress');
  expect(instance.tokens.length).toBeGreaterThan(0);
  expect(open.some((t) => t.kind === 'submit')).toBe(false);
  const splitKeys = new Set(instance.splits.map((s) => s.key));
  for (const split of instance.splits) {
    expect(split.arrived).toBeLessThan(split.branches);
    expect(instance.tokens.some((t) => t.stack.includes(split.key))).toBe(true);
  }
  for (const token of instance.tokens) {
    for (const key of token.stack) expect(splitKeys.has(key)).toBe(true);
    const node = program.node(token.node);
    // Every token rests at a step with people deciding.
    expect(['approval', 'fill']).toContain(node.type);
    expect(token.request).toBeNull();
    expect(token.lanes.length).toBeGreaterThan(0);
    const done = token.lanes.filter((l) => l.done).length;
    if (token.mode === 'or') expect(done).toBe(0);
    else expect(done).toBeLessThan(token.lanes.length);
    token.lanes.forEach((lane, i) => {
      const here = open.filter((t) => t.token === token.key && t.lane === i);
      if (lane.done) expect(here).toEqual([]);
      else {
        expect(here).toHaveLength(1);
        expect(here[0]?.assignee).toBe(lane.signers[lane.at]);
        expect(here[0]?.node).toBe(token.node);
      }
    });
  }
  for (const task of open) expect(instance.tokens.some((t) => t.key === task.token)).toBe(true);
  // A deadline timer is pending for every open task whose due time has not come yet.
  for (const task of open) {
    if (task.dueAt && Date.parse(task.dueAt) > world.time)
      expect(world.timers.has(`${task.key}:due`)).toBe(true);
  }
}

/** Approves (or fills, or resubmits) everything until the instance ends; answers the steps it took. */
function driveToEnd(world: World): number {
  for (let steps = 0; steps < 2000; steps++) {
    if (isEnded(world.instance)) return steps;
    const task = world.instance.tasks.find((t) => t.status === 'open');
    if (!task) throw new Error(`stuck in ${world.instance.status} without open tasks`);
    const type = task.kind === 'approve' ? 'approve' : 'submit';
    apply(world, { type, task: task.key, by: task.assignee, data: world.data });
    checkInvariants(world);
  }
  throw new Error('did not end');
}

// --- random event sequences --------------------------------------------------------------------------

const intent = fc.record({
  kind: fc.constantFrom(
    'approve',
    'approve',
    'approve',
    'reject',
    'return',
    'transfer',
    'addSigner',
    'submit',
    'submit',
    'withdraw',
    'urge',
    'comment',
    'time',
    'data',
    'wrongUser',
    'reassign',
  ),
  pick: fc.nat(),
  user: fc.constantFrom(...USERS),
  minutes: fc.integer({ min: 1, max: 400 }),
  position: fc.constantFrom('before' as const, 'after' as const),
  x: fc.integer({ min: 0, max: 12 }),
});

type Intent = typeof intent extends fc.Arbitrary<infer T> ? T : never;

function eventFor(world: World, it: Intent): FlowEvent | 'time' | null {
  const open = world.instance.tasks.filter((t) => t.status === 'open');
  const task = open.length > 0 ? open[it.pick % open.length] : undefined;
  const by = task?.assignee ?? 'sub';
  const data = world.data;
  switch (it.kind) {
    case 'approve':
    case 'reject':
    case 'submit':
      return task ? { type: it.kind, task: task.key, by, data } : null;
    case 'return': {
      if (!task) return null;
      const token = world.instance.tokens.find((t) => t.key === task.token);
      const to = token ? token.path[it.pick % token.path.length] : undefined;
      return { type: 'return', task: task.key, by, data, ...(to && it.x % 2 === 0 ? { to } : {}) };
    }
    case 'transfer':
      return task ? { type: 'transfer', task: task.key, by, to: it.user, data } : null;
    case 'addSigner':
      return task
        ? { type: 'addSigner', task: task.key, by, to: [it.user], position: it.position, data }
        : null;
    case 'withdraw':
      return { type: 'withdraw', by: it.x % 3 === 0 ? it.user : world.instance.submitter };
    case 'urge':
      return { type: 'urge', by: world.instance.submitter };
    case 'comment':
      return { type: 'comment', by: it.user, comment: 'c', ...(task ? { task: task.key } : {}) };
    case 'wrongUser':
      return task
        ? { type: 'approve', task: task.key, by: it.user === task.assignee ? 'nobody' : it.user, data }
        : null;
    case 'reassign':
      return task ? { type: 'reassign', task: task.key, to: it.user } : null;
    case 'data':
      world.data = { x: it.x };
      return null;
    default:
      return 'time';
  }
}

function fireTimers(world: World, minutes: number): void {
  const until = world.time + minutes * 60_000;
  for (;;) {
    const due = [...world.timers.entries()]
      .filter(([, t]) => t.at <= until)
      .sort((a, b) => a[1].at - b[1].at)[0];
    if (!due) break;
    world.timers.delete(due[0]);
    world.time = Math.max(world.time, due[1].at);
    apply(world, { type: 'timer', timer: due[1].timer, data: world.data });
    checkInvariants(world);
  }
  world.time = until;
}

describe('property: random valid flows under random events', () => {
  it('are valid, never reach an invalid state, and can always end', () => {
    fc.assert(
      fc.property(
        blocks,
        fc.boolean(),
        fc.integer({ min: 0, max: 12 }),
        fc.array(intent, { maxLength: 40 }),
        (seq, withdraw, x, intents) => {
          const flow = buildFlow(seq, withdraw);
          expect(validateFlow(flow)).toEqual([]);
          const world: World = {
            program: compileFlow(flow, { fields: { x: 'number' } }),
            instance: null as unknown as FlowInstance,
            time: Date.parse('2026-03-02T09:00:00Z'),
            data: { x },
            opened: new Set(),
            timers: new Map(),
          };
          let result = step(
            world.program,
            null,
            { type: 'start', id: 'i', flow: 'p', version: 1, submitter: 'sub', data: world.data },
            new Date(world.time),
          );
          world.instance = result.instance;
          track(world, result.effects);
          // Resolve the start's requests through the same path as every other event.
          if (world.instance.requests.length > 0) {
            const request = world.instance.requests[0] as FlowInstance['requests'][number];
            apply(world, {
              type: 'assigneesResolved',
              request: request.key,
              users: resolveUsers(request.assignees as never, world.instance),
              data: world.data,
            });
          }
          checkInvariants(world);
          for (const it of intents) {
            const event = eventFor(world, it);
            if (event === null) continue;
            if (event === 'time') {
              fireTimers(world, it.minutes);
              continue;
            }
            const before = JSON.stringify(world.instance);
            try {
              apply(world, event);
            } catch (error) {
              if (!(error instanceof FlowError)) throw error;
              // A refusal changes nothing.
              expect(JSON.stringify(world.instance)).toBe(before);
            }
            checkInvariants(world);
            result = { instance: world.instance, effects: [] };
          }
          driveToEnd(world);
          expect(isEnded(world.instance)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
    // 200 runs take about 3 s on an idle machine; the limit leaves room for a busy one.
  }, 60_000);
});
