import type { Flow } from '@formloom/schema';
import { describe, expect, it } from 'vitest';
import { FlowError } from '../errors.js';
import { step } from '../step.js';
import type { FlowEffect, FlowInstance } from '../types.js';
import { approval, chain, directoryResolver, Harness } from './harness.js';

const dir = directoryResolver({ roles: { boss: ['b1', 'b2'], nobody: [] }, admins: ['adm'] });
const types = (effects: readonly FlowEffect[]) => effects.map((e) => e.type);

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof FlowError) return error.code;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('approval modes', () => {
  it('or: the first decision wins and the other tasks close', () => {
    const h = new Harness(chain([approval('a', ['u1', 'u2', 'u3'])]), dir);
    const started = h.start();
    expect(types(started)).toEqual(['status', 'resolveAssignees', 'openTask', 'openTask', 'openTask']);
    expect(h.holders()).toEqual(['u1', 'u2', 'u3']);
    const done = h.approve('u2');
    expect(h.status).toBe('approved');
    expect(done.filter((e) => e.type === 'closeTask')).toEqual([
      { type: 'closeTask', task: 't4', status: 'approved' },
      { type: 'closeTask', task: 't3', status: 'cancelled' },
      { type: 'closeTask', task: 't5', status: 'cancelled' },
    ]);
    expect(done.at(-1)).toEqual({ type: 'ended', outcome: 'approved' });
    expect(h.current.endedAt).toBe('2026-03-02T09:00:00.000Z');
  });

  it('or: one rejection rejects', () => {
    const h = new Harness(chain([approval('a', ['u1', 'u2'])]), dir);
    h.start();
    h.reject('u1');
    expect(h.status).toBe('rejected');
    expect(h.open()).toEqual([]);
  });

  it('and: every assignee must approve, each exactly once; one rejection rejects', () => {
    const h = new Harness(chain([approval('a', ['u1', 'u2', 'u3'], { mode: 'and' })]), dir);
    h.start();
    const first = h.taskOf('u1').key;
    h.approve('u1');
    h.approve('u3');
    expect(h.status).toBe('inProgress');
    expect(h.holders()).toEqual(['u2']);
    expect(refusal(() => h.send({ type: 'approve', task: first, by: 'u1' }))).toBe('task.closed');
    h.approve('u2');
    expect(h.status).toBe('approved');

    const r = new Harness(chain([approval('a', ['u1', 'u2'], { mode: 'and' })]), dir);
    r.start();
    r.approve('u1');
    r.reject('u2');
    expect(r.status).toBe('rejected');
  });

  it('sequence: assignees decide one after another, in order', () => {
    const h = new Harness(chain([approval('a', ['u1', 'u2', 'u3'], { mode: 'sequence' })]), dir);
    h.start();
    expect(h.holders()).toEqual(['u1']);
    h.approve('u1');
    expect(h.holders()).toEqual(['u2']);
    h.approve('u2');
    h.approve('u3');
    expect(h.status).toBe('approved');
  });

  it('a double approve of one task counts once: the second is refused as closed', () => {
    const h = new Harness(chain([approval('a', ['u1', 'u2'], { mode: 'and' })]), dir);
    h.start();
    const task = h.taskOf('u1').key;
    h.send({ type: 'approve', task, by: 'u1' });
    expect(refusal(() => h.send({ type: 'approve', task, by: 'u1' }))).toBe('task.closed');
    expect(h.current.tasks.filter((t) => t.status === 'approved')).toHaveLength(1);
    expect(h.status).toBe('inProgress');
  });

  it('refuses acting on another member’s task, unknown tasks and actions a task does not take', () => {
    const h = new Harness(
      chain([
        approval('a', ['u1']),
        {
          id: 'f',
          type: 'fill',
          assignees: [{ kind: 'member', members: ['u2'] }],
          fields: [{ field: 'x', access: 'editable' }],
        },
      ]),
      dir,
    );
    h.start();
    const task = h.taskOf('u1').key;
    expect(refusal(() => h.send({ type: 'approve', task, by: 'u2' }))).toBe('task.notYours');
    expect(refusal(() => h.send({ type: 'approve', task: 't99', by: 'u1' }))).toBe('task.unknown');
    expect(refusal(() => h.send({ type: 'submit', task, by: 'u1' }))).toBe('action.notAllowed');
    h.approve('u1');
    const fill = h.taskOf('u2').key;
    expect(refusal(() => h.send({ type: 'approve', task: fill, by: 'u2' }))).toBe('action.notAllowed');
    expect(refusal(() => h.send({ type: 'reject', task: fill, by: 'u2' }))).toBe('action.notAllowed');
    expect(
      refusal(() => h.send({ type: 'addSigner', task: fill, by: 'u2', to: ['u3'], position: 'after' })),
    ).toBe('action.notAllowed');
  });
});

describe('nodes', () => {
  const conditional: Flow = {
    key: 'f',
    name: { en: 'F' },
    form: 'requests',
    nodes: [
      { id: 'start', type: 'start' },
      {
        id: 'check',
        type: 'condition',
        branches: [
          { id: 'big', condition: 'amount > 1000' },
          { id: 'mid', condition: 'amount > 100' },
          { id: 'small' },
        ],
      },
      approval('director', ['d']),
      approval('manager', ['m']),
      { id: 'end', type: 'end' },
    ],
    edges: [
      { from: 'start', to: 'check' },
      { from: 'check', to: 'director', branch: 'big' },
      { from: 'check', to: 'manager', branch: 'mid' },
      { from: 'check', to: 'end', branch: 'small' },
      { from: 'director', to: 'manager' },
      { from: 'manager', to: 'end' },
    ],
  };

  it('condition: the first branch that holds, else the default', () => {
    const big = new Harness(conditional, dir);
    big.start('sub', { amount: 5000 });
    expect(big.holders()).toEqual(['d']);
    const mid = new Harness(conditional, dir);
    mid.start('sub', { amount: 500 });
    expect(mid.holders()).toEqual(['m']);
    const small = new Harness(conditional, dir);
    small.start('sub', { amount: 5 });
    expect(small.status).toBe('approved');
    // A condition that cannot be evaluated on this record (no amount) does not hold.
    const blank = new Harness(conditional, dir);
    blank.start('sub', {});
    expect(blank.status).toBe('approved');
  });

  it('cc: copies the recipients in and goes on without waiting', () => {
    const h = new Harness(
      chain([
        { id: 'copy', type: 'cc', recipients: [{ kind: 'role', role: 'boss' }, { kind: 'submitter' }] },
        approval('a', ['u1']),
      ]),
      dir,
    );
    const effects = h.start();
    expect(effects.find((e) => e.type === 'cc')).toEqual({
      type: 'cc',
      key: 'c3',
      node: 'copy',
      users: ['b1', 'b2', 'sub'],
    });
    expect(h.holders()).toEqual(['u1']);
    expect(h.current.timeline.map((t) => t.action)).toEqual(['submitted', 'cc']);
  });

  it('fill: the assignee hands the fields in; the task carries the step’s field permissions', () => {
    const fields = [
      { field: 'actual', access: 'editable' as const },
      { field: 'margin', access: 'hidden' as const },
    ];
    const h = new Harness(
      chain([{ id: 'f', type: 'fill', assignees: [{ kind: 'member', members: ['u1'] }], fields }]),
      dir,
    );
    const effects = h.start();
    const opened = effects.find((e) => e.type === 'openTask');
    expect(opened).toMatchObject({ task: { kind: 'fill', assignee: 'u1', node: 'f' }, fields });
    h.submit('u1', { actual: 3 });
    expect(h.status).toBe('approved');
    expect(h.current.timeline.map((t) => t.action)).toEqual(['submitted', 'filled', 'ended']);
  });

  it('parallel split and join: all branches must finish before the flow goes on', () => {
    const flow: Flow = {
      key: 'f',
      name: { en: 'F' },
      form: 'requests',
      nodes: [
        { id: 'start', type: 'start' },
        { id: 'split', type: 'parallelSplit' },
        approval('legal', ['l']),
        approval('finance', ['f1']),
        approval('finance2', ['f2']),
        { id: 'join', type: 'parallelJoin' },
        approval('ceo', ['c']),
        { id: 'end', type: 'end' },
      ],
      edges: [
        { from: 'start', to: 'split' },
        { from: 'split', to: 'legal' },
        { from: 'split', to: 'finance' },
        { from: 'finance', to: 'finance2' },
        { from: 'legal', to: 'join' },
        { from: 'finance2', to: 'join' },
        { from: 'join', to: 'ceo' },
        { from: 'ceo', to: 'end' },
      ],
    };
    const h = new Harness(flow, dir);
    h.start();
    expect(h.holders()).toEqual(['f1', 'l']);
    h.approve('l');
    expect(h.holders()).toEqual(['f1']);
    expect(h.current.splits[0]).toMatchObject({ node: 'split', arrived: 1, branches: 2 });
    h.approve('f1');
    expect(h.holders()).toEqual(['f2']);
    h.approve('f2');
    expect(h.holders()).toEqual(['c']);
    expect(h.current.splits).toEqual([]);
    expect(h.current.tokens).toHaveLength(1);
    h.approve('c');
    expect(h.status).toBe('approved');
  });

  it('an end node inside a branch ends the whole flow and closes the other branches', () => {
    const flow: Flow = {
      key: 'f',
      name: { en: 'F' },
      form: 'requests',
      nodes: [
        { id: 'start', type: 'start' },
        { id: 'split', type: 'parallelSplit' },
        approval('a', ['ua']),
        { id: 'cond', type: 'condition', branches: [{ id: 'no', condition: 'stop' }, { id: 'yes' }] },
        { id: 'join', type: 'parallelJoin' },
        { id: 'end', type: 'end' },
        { id: 'halt', type: 'end', outcome: 'rejected' },
      ],
      edges: [
        { from: 'start', to: 'split' },
        { from: 'split', to: 'a' },
        { from: 'split', to: 'cond' },
        { from: 'cond', to: 'halt', branch: 'no' },
        { from: 'cond', to: 'join', branch: 'yes' },
        { from: 'a', to: 'join' },
        { from: 'join', to: 'end' },
      ],
    };
    const h = new Harness(flow, dir);
    h.start('sub', { stop: true });
    expect(h.status).toBe('rejected');
    expect(h.open()).toEqual([]);
    // The other branch was still waiting for its assignees: the request is dropped, no task ever opened.
    expect(h.current.tasks).toEqual([]);
    expect(h.current.requests).toEqual([]);
    expect(h.current.tokens).toEqual([]);
  });
});

describe('assignees that resolve to nobody', () => {
  it('go to the app’s admins by default', () => {
    const h = new Harness(
      chain([{ id: 'a', type: 'approval', mode: 'or', assignees: [{ kind: 'role', role: 'nobody' }] }]),
      dir,
    );
    const effects = h.start();
    expect(
      effects.filter((e) => e.type === 'resolveAssignees').map((e) => 'purpose' in e && e.purpose),
    ).toEqual(['assignees', 'admins']);
    expect(h.holders()).toEqual(['adm']);
  });

  it('skip the step with whenNoAssignee skip, or when there are no admins either', () => {
    const skip = new Harness(
      chain([
        {
          id: 'a',
          type: 'approval',
          mode: 'or',
          whenNoAssignee: 'skip',
          assignees: [{ kind: 'role', role: 'nobody' }],
        },
      ]),
      dir,
    );
    skip.start();
    expect(skip.status).toBe('approved');
    expect(skip.current.timeline.map((t) => t.action)).toEqual(['submitted', 'skipped', 'ended']);
    const none = new Harness(
      chain([{ id: 'a', type: 'approval', mode: 'or', assignees: [{ kind: 'role', role: 'nobody' }] }]),
      directoryResolver({}),
    );
    none.start();
    expect(none.status).toBe('approved');
  });
});

describe('rejections and returns', () => {
  const three = (onReject: 'end' | 'submitter' | 'previous' | 'node', extra = {}) =>
    chain([approval('a', ['ua']), approval('b', ['ub']), approval('c', ['uc'], { onReject, ...extra })]);

  it('onReject end (the default) ends the flow as rejected', () => {
    const h = new Harness(three('end'), dir);
    h.start();
    h.approve('ua');
    h.approve('ub');
    h.reject('uc');
    expect(h.status).toBe('rejected');
    expect(h.effects.at(-1)).toEqual({ type: 'ended', outcome: 'rejected' });
  });

  it('onReject submitter returns the record; the submitter resubmits and the flow starts over', () => {
    const h = new Harness(three('submitter'), dir);
    h.start();
    h.approve('ua');
    h.approve('ub');
    const back = h.reject('uc');
    expect(h.status).toBe('returned');
    expect(back.filter((e) => e.type === 'status')).toEqual([{ type: 'status', status: 'returned' }]);
    expect(h.taskOf('sub')).toMatchObject({ kind: 'submit', node: 'c' });
    h.submit('sub', { fixed: true });
    expect(h.status).toBe('inProgress');
    expect(h.current.round).toBe(2);
    expect(h.holders()).toEqual(['ua']);
  });

  it('onReject previous goes back to the step before; node goes to the one named', () => {
    const prev = new Harness(three('previous'), dir);
    prev.start();
    prev.approve('ua');
    prev.approve('ub');
    prev.reject('uc');
    expect(prev.status).toBe('inProgress');
    expect(prev.holders()).toEqual(['ub']);
    prev.approve('ub');
    expect(prev.holders()).toEqual(['uc']);

    const node = new Harness(three('node', { rejectTo: 'a' }), dir);
    node.start();
    node.approve('ua');
    node.approve('ub');
    node.reject('uc');
    expect(node.holders()).toEqual(['ua']);
  });

  it('onReject previous with no step before returns to the submitter', () => {
    const h = new Harness(chain([approval('a', ['ua'], { onReject: 'previous' })]), dir);
    h.start();
    h.reject('ua');
    expect(h.status).toBe('returned');
  });

  it('return: to an earlier step on the way, or to the submitter; other targets are refused', () => {
    const h = new Harness(three('end'), dir);
    h.start();
    h.approve('ua');
    h.approve('ub');
    const task = h.taskOf('uc').key;
    expect(refusal(() => h.send({ type: 'return', task, by: 'uc', to: 'c' }))).toBe('return.target');
    expect(refusal(() => h.send({ type: 'return', task, by: 'uc', to: 'start' }))).toBe('return.target');
    expect(refusal(() => h.send({ type: 'return', task, by: 'uc', to: 'zzz' }))).toBe('return.target');
    h.send({ type: 'return', task, by: 'uc', to: 'a', comment: 'again' });
    expect(h.holders()).toEqual(['ua']);
    expect(h.current.timeline.at(-1)).toMatchObject({
      action: 'returned',
      by: 'uc',
      to: 'a',
      comment: 'again',
    });
    h.send({ type: 'return', task: h.taskOf('ua').key, by: 'ua' });
    expect(h.status).toBe('returned');
  });

  it('a return inside a parallel branch moves only that branch; before the split it closes all', () => {
    const flow: Flow = {
      key: 'f',
      name: { en: 'F' },
      form: 'requests',
      nodes: [
        { id: 'start', type: 'start' },
        approval('first', ['u0']),
        { id: 'split', type: 'parallelSplit' },
        approval('x1', ['ux1']),
        approval('x2', ['ux2']),
        approval('y', ['uy']),
        { id: 'join', type: 'parallelJoin' },
        { id: 'end', type: 'end' },
      ],
      edges: [
        { from: 'start', to: 'first' },
        { from: 'first', to: 'split' },
        { from: 'split', to: 'x1' },
        { from: 'x1', to: 'x2' },
        { from: 'x2', to: 'join' },
        { from: 'split', to: 'y' },
        { from: 'y', to: 'join' },
        { from: 'join', to: 'end' },
      ],
    };
    const h = new Harness(flow, dir);
    h.start();
    h.approve('u0');
    h.approve('uy');
    h.approve('ux1');
    h.send({ type: 'return', task: h.taskOf('ux2').key, by: 'ux2', to: 'x1' });
    expect(h.holders()).toEqual(['ux1']);
    expect(h.current.splits[0]?.arrived).toBe(1);
    h.approve('ux1');
    h.send({ type: 'return', task: h.taskOf('ux2').key, by: 'ux2', to: 'first' });
    expect(h.holders()).toEqual(['u0']);
    expect(h.current.splits).toEqual([]);
    expect(h.current.tokens).toHaveLength(1);
    h.approve('u0');
    expect(h.holders()).toEqual(['ux1', 'uy']);
  });
});

describe('transfer and add signer', () => {
  it('transfer hands the task on; the lane goes on with the new member', () => {
    const h = new Harness(chain([approval('a', ['u1', 'u2'], { mode: 'sequence' })]), dir);
    h.start();
    const task = h.taskOf('u1').key;
    expect(refusal(() => h.send({ type: 'transfer', task, by: 'u1', to: 'u1' }))).toBe('assignee.duplicate');
    h.send({ type: 'transfer', task, by: 'u1', to: 'x' });
    expect(h.holders()).toEqual(['x']);
    h.approve('x');
    expect(h.holders()).toEqual(['u2']);
  });

  it('reassign moves an open task as it is: same task, new assignee, nobody acted', () => {
    const h = new Harness(
      chain([approval('a', ['u1', 'u2'], { mode: 'sequence' })], { allowWithdraw: true }),
      dir,
    );
    h.start();
    const task = h.taskOf('u1').key;
    expect(h.send({ type: 'reassign', task, to: 'x', reason: 'member.deactivated' })).toEqual([]);
    expect(h.taskOf('x').key).toBe(task);
    expect(h.current.acted).toBe(false);
    h.approve('x');
    expect(h.holders()).toEqual(['u2']);
    expect(refusal(() => h.send({ type: 'reassign', task, to: 'y' }))).toBe('task.closed');
  });

  it('a transfer to someone already deciding at the step is refused', () => {
    const h = new Harness(chain([approval('a', ['u1', 'u2'], { mode: 'and' })]), dir);
    h.start();
    expect(refusal(() => h.send({ type: 'transfer', task: h.taskOf('u1').key, by: 'u1', to: 'u2' }))).toBe(
      'assignee.duplicate',
    );
  });

  it('add signer before me: they decide first, then the task comes back to me', () => {
    const h = new Harness(chain([approval('a', ['u1'])]), dir);
    h.start();
    const mine = h.taskOf('u1').key;
    h.send({ type: 'addSigner', task: mine, by: 'u1', to: ['p', 'q'], position: 'before' });
    expect(h.current.tasks.find((t) => t.key === mine)?.status).toBe('delegated');
    expect(h.holders()).toEqual(['p']);
    h.approve('p');
    h.approve('q');
    expect(h.holders()).toEqual(['u1']);
    h.approve('u1');
    expect(h.status).toBe('approved');
  });

  it('add signer after me: my approval passes the step to them', () => {
    const h = new Harness(chain([approval('a', ['u1'])]), dir);
    h.start();
    h.send({ type: 'addSigner', task: h.taskOf('u1').key, by: 'u1', to: ['p'], position: 'after' });
    expect(h.holders()).toEqual(['u1']);
    h.approve('u1');
    expect(h.holders()).toEqual(['p']);
    h.approve('p');
    expect(h.status).toBe('approved');
    expect(h.current.timeline.map((t) => t.action)).toEqual([
      'submitted',
      'addedSigner',
      'approved',
      'approved',
      'ended',
    ]);
  });

  it('refuses adding oneself or someone already deciding', () => {
    const h = new Harness(chain([approval('a', ['u1', 'u2'], { mode: 'and' })]), dir);
    h.start();
    const task = h.taskOf('u1').key;
    expect(refusal(() => h.send({ type: 'addSigner', task, by: 'u1', to: ['u1'], position: 'after' }))).toBe(
      'assignee.duplicate',
    );
    expect(refusal(() => h.send({ type: 'addSigner', task, by: 'u1', to: ['u2'], position: 'before' }))).toBe(
      'assignee.duplicate',
    );
    expect(refusal(() => h.send({ type: 'addSigner', task, by: 'u1', to: [], position: 'before' }))).toBe(
      'assignee.duplicate',
    );
  });
});

describe('withdraw, urge, comment', () => {
  const flow = chain([approval('a', ['u1']), approval('b', ['u2'])], {
    allowWithdraw: true,
    urgeIntervalMinutes: 30,
  });

  it('the submitter withdraws while nobody has acted', () => {
    const h = new Harness(flow, dir);
    h.start();
    expect(refusal(() => h.send({ type: 'withdraw', by: 'u1' }))).toBe('withdraw.notAllowed');
    const effects = h.send({ type: 'withdraw', by: 'sub', comment: 'oops' });
    expect(h.status).toBe('withdrawn');
    expect(types(effects)).toEqual(['closeTask', 'status', 'ended']);
    expect(refusal(() => h.send({ type: 'withdraw', by: 'sub' }))).toBe('flow.notRunning');
  });

  it('no withdrawing once someone acted, or when the flow does not allow it', () => {
    const h = new Harness(flow, dir);
    h.start();
    h.approve('u1');
    expect(refusal(() => h.send({ type: 'withdraw', by: 'sub' }))).toBe('withdraw.notAllowed');
    const off = new Harness(chain([approval('a', ['u1'])]), dir);
    off.start();
    expect(refusal(() => off.send({ type: 'withdraw', by: 'sub' }))).toBe('withdraw.notAllowed');
  });

  it('urge notifies the current assignees, at most once per interval, and only from the submitter', () => {
    const h = new Harness(flow, dir);
    h.start();
    expect(h.send({ type: 'urge', by: 'sub' })).toEqual([
      { type: 'notify', reason: 'urge', users: ['u1'], node: 'a' },
    ]);
    expect(refusal(() => h.send({ type: 'urge', by: 'sub' }))).toBe('urge.tooSoon');
    expect(refusal(() => h.send({ type: 'urge', by: 'u1' }))).toBe('urge.notAllowed');
    h.advance(30);
    expect(h.send({ type: 'urge', by: 'sub' })).toHaveLength(1);
  });

  it('comments go on the timeline and change nothing else', () => {
    const h = new Harness(flow, dir);
    h.start();
    const before = h.current;
    const effects = h.send({ type: 'comment', by: 'u1', comment: 'looking', task: h.taskOf('u1').key });
    expect(effects).toEqual([]);
    expect(h.current.timeline.at(-1)).toMatchObject({
      by: 'u1',
      action: 'commented',
      comment: 'looking',
      node: 'a',
    });
    expect(h.current.tasks).toEqual(before.tasks);
  });
});

describe('deadlines', () => {
  const timed = (onTimeout?: {
    action: 'notify' | 'approve' | 'reject' | 'transfer';
    to?: { kind: 'member'; members: string[] };
  }) =>
    chain([
      approval('a', ['u1'], {
        deadline: { minutes: 60, remindBefore: [30, 10], ...(onTimeout ? { onTimeout } : {}) },
      }),
      approval('b', ['u2']),
    ]);

  it('schedules the due time and reminders when a task opens and cancels them when it closes', () => {
    const h = new Harness(timed(), dir);
    const effects = h.start();
    expect(effects.filter((e) => e.type === 'schedule')).toEqual([
      { type: 'schedule', key: 't3:due', at: '2026-03-02T10:00:00.000Z', timer: { task: 't3', kind: 'due' } },
      {
        type: 'schedule',
        key: 't3:remind:0',
        at: '2026-03-02T09:30:00.000Z',
        timer: { task: 't3', kind: 'remind', n: 0 },
      },
      {
        type: 'schedule',
        key: 't3:remind:1',
        at: '2026-03-02T09:50:00.000Z',
        timer: { task: 't3', kind: 'remind', n: 1 },
      },
    ]);
    expect(h.taskOf('u1').dueAt).toBe('2026-03-02T10:00:00.000Z');
    h.approve('u1');
    expect(h.pendingTimers()).toEqual([]);
  });

  it('reminds before the deadline and notifies at it by default', () => {
    const h = new Harness(timed(), dir);
    h.start();
    const fired = h.advance(61);
    expect(fired.filter((e) => e.type === 'notify').map((e) => 'reason' in e && e.reason)).toEqual([
      'remind',
      'remind',
      'timeout',
    ]);
    expect(h.holders()).toEqual(['u1']);
    expect(h.current.timeline.map((t) => t.action)).toEqual([
      'submitted',
      'reminded',
      'reminded',
      'timedOut',
    ]);
  });

  it('approves, rejects or transfers automatically when the deadline passes', () => {
    const approve = new Harness(timed({ action: 'approve' }), dir);
    approve.start();
    approve.advance(60);
    expect(approve.holders()).toEqual(['u2']);
    expect(approve.current.tasks[0]).toMatchObject({ status: 'approved', by: null });

    const reject = new Harness(timed({ action: 'reject' }), dir);
    reject.start();
    reject.advance(60);
    expect(reject.status).toBe('rejected');

    const transfer = new Harness(timed({ action: 'transfer', to: { kind: 'member', members: ['u9'] } }), dir);
    transfer.start();
    transfer.advance(60);
    expect(transfer.holders()).toEqual(['u9']);
    // The new task has its own deadline.
    expect(transfer.taskOf('u9').dueAt).toBe('2026-03-02T11:00:00.000Z');
  });

  it('a timer of a task that closed meanwhile changes nothing', () => {
    const h = new Harness(timed({ action: 'approve' }), dir);
    h.start();
    const task = h.taskOf('u1').key;
    h.approve('u1');
    const before = JSON.stringify(h.current);
    expect(h.send({ type: 'timer', timer: { task, kind: 'due' } })).toEqual([]);
    expect(JSON.stringify(h.current)).toBe(before);
  });
});

describe('the reducer', () => {
  it('never changes the instance it is given and is deterministic', () => {
    const flow = chain([approval('a', ['u1', 'u2'], { mode: 'and' })]);
    const h = new Harness(flow, dir);
    h.start();
    const frozen = deepFreeze(JSON.parse(JSON.stringify(h.current)) as FlowInstance);
    const event = { type: 'approve' as const, task: h.taskOf('u1').key, by: 'u1' };
    const a = step(flow, frozen, event, '2026-03-02T10:00:00Z');
    const b = step(flow, frozen, event, '2026-03-02T10:00:00Z');
    expect(a).toEqual(b);
    expect(a.instance).not.toBe(frozen);
  });

  it('locks an approved record when the flow says so, leaving the open fields', () => {
    const h = new Harness(
      chain([approval('a', ['u1'])], { lockOnApproved: true, openFields: ['note'] }),
      dir,
    );
    h.start();
    const effects = h.approve('u1');
    expect(effects.slice(-3)).toEqual([
      { type: 'status', status: 'approved' },
      { type: 'lock', openFields: ['note'] },
      { type: 'ended', outcome: 'approved' },
    ]);
  });

  it('refuses a start over an instance and an event without one', () => {
    const flow = chain([approval('a', ['u1'])]);
    const h = new Harness(flow, dir);
    h.start();
    expect(
      refusal(() =>
        step(flow, h.current, { type: 'start', id: 'x', flow: 'f', version: 1, submitter: 's' }, new Date()),
      ),
    ).toBe('instance.state');
    expect(refusal(() => step(flow, null, { type: 'urge', by: 's' }, new Date()))).toBe('instance.state');
    expect(refusal(() => h.send({ type: 'assigneesResolved', request: 'r404', users: [] }))).toBe(
      'request.unknown',
    );
  });
});

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
