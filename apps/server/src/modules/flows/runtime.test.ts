import type { Flow } from '@formloom/schema';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Session } from '../auth/test-helpers.js';
import { realtimeBus, type UserNotice } from '../realtime/bus.js';
import { approvalOf, chainFlow, driver, type FlowWorld, flowWorld } from './test-fixtures.js';

/**
 * The runtime under time and load: deadlines on the controllable clock, concurrent actions through
 * `Promise.all` of `app.inject`, locking of approved records, the assignees' socket notices and inbox counts.
 */
let w: FlowWorld;
let d: ReturnType<typeof driver>;
let p: Record<'sub' | 'boss' | 'chief' | 'a' | 'b' | 'c' | 'd', Session>;
const notices: UserNotice[] = [];
beforeAll(async () => {
  w = await flowWorld();
  d = driver(w);
  p = w.people as typeof p;
  realtimeBus(w.t.store.connection).on('userNotice', (n) => notices.push(n));
});
beforeEach(() => {
  notices.length = 0;
});
afterAll(async () => w.t.close());

const holders = (flow: { current: Array<{ tasks: Array<{ assignee: string }> }> } | undefined | null) =>
  (flow?.current ?? []).flatMap((n) => n.tasks.map((t) => t.assignee)).sort();
const ids = (...who: Session[]) => who.map((s) => s.userId).sort();
const noticesOf = (who: Session, event: UserNotice['event']) =>
  notices
    .filter((n) => n.user === who.userId && n.event === event)
    .map((n) => n.payload as Record<string, unknown>);

/** One approval node of `a` with a deadline of an hour. */
const timed = (onTimeout?: Record<string, unknown>, remindBefore?: number[]) =>
  chainFlow([
    approvalOf('review', [p.a.userId], {
      deadline: {
        minutes: 60,
        ...(remindBefore ? { remindBefore } : {}),
        ...(onTimeout ? { onTimeout } : {}),
      },
    }),
    approvalOf('final', [p.c.userId]),
  ]);

describe('deadlines on the clock', () => {
  it('reminds before the due time, then notifies again by default; nothing fires early', async () => {
    const { a, sub } = p;
    await d.publish(timed(undefined, [30, 10]));
    const record = await d.submit(sub, {});
    const task = await d.taskOf(a, record.id);
    expect(task.dueAt).toBeTruthy();
    w.clock.advance(29);
    await d.runDue();
    expect((await d.flowOf(record.id)).timeline.map((e) => e.action)).toEqual(['submitted']);
    w.clock.advance(1);
    await d.runDue();
    expect(noticesOf(a, 'flow:notice')).toEqual([
      expect.objectContaining({ record: record.id, reason: 'remind', node: 'review', task: task.id }),
    ]);
    w.clock.advance(20);
    await d.runDue();
    w.clock.advance(10);
    await d.runDue();
    const { flow, timeline } = await d.flowOf(record.id);
    expect(timeline.map((e) => [e.action, e.by])).toEqual([
      ['submitted', sub.userId],
      ['reminded', null],
      ['reminded', null],
      ['timedOut', null],
    ]);
    expect(noticesOf(a, 'flow:notice').map((n) => n.reason)).toEqual(['remind', 'remind', 'timeout']);
    // notify leaves the task with a.
    expect(holders(flow)).toEqual(ids(a));
    // Running the scheduler again fires nothing twice.
    w.clock.advance(120);
    await d.runDue();
    expect((await d.flowOf(record.id)).timeline).toHaveLength(4);
  });

  it('approves in the system’s name when the deadline passes', async () => {
    const { a, c, sub } = p;
    await d.publish(timed({ action: 'approve' }));
    const record = await d.submit(sub, {});
    const task = await d.taskOf(a, record.id);
    w.clock.advance(60);
    await d.runDue();
    const { flow, timeline } = await d.flowOf(record.id);
    expect(holders(flow)).toEqual(ids(c));
    expect(timeline.map((e) => [e.action, e.by, e.node])).toEqual([
      ['submitted', sub.userId, 'start'],
      ['timedOut', null, 'review'],
      ['approved', null, 'review'],
    ]);
    expect((await d.tasks(a, 'done')).items.find((t) => t.id === task.id)?.outcome).toBe('approved');
    expect(noticesOf(a, 'tasks:closed')).toEqual([expect.objectContaining({ tasks: [task.id] })]);
    // The task is closed: a late click answers 409.
    expect((await d.act(a, task.id, { action: 'approve' })).statusCode).toBe(409);
  });

  it('rejects in the system’s name when the deadline passes', async () => {
    const { a, sub } = p;
    await d.publish(timed({ action: 'reject' }));
    const record = await d.submit(sub, {});
    w.clock.advance(60);
    await d.runDue();
    const { flow, timeline } = await d.flowOf(record.id);
    expect(flow?.status).toBe('rejected');
    expect(timeline.map((e) => e.action)).toEqual(['submitted', 'timedOut', 'rejected', 'ended']);
    expect((await d.tasks(a)).items.some((t) => t.record === record.id)).toBe(false);
  });

  it('transfers to the member the timeout names; the new task has its own deadline', async () => {
    const { a, boss, sub } = p;
    await d.publish(timed({ action: 'transfer', to: { kind: 'manager' } }));
    const record = await d.submit(sub, {});
    w.clock.advance(60);
    await d.runDue();
    const { flow, timeline } = await d.flowOf(record.id);
    expect(holders(flow)).toEqual(ids(boss));
    expect(timeline.map((e) => [e.action, e.to ?? null])).toEqual([
      ['submitted', null],
      ['timedOut', null],
      ['transferred', boss.userId],
    ]);
    expect((await d.tasks(a, 'done')).items.find((t) => t.record === record.id)?.outcome).toBe('transferred');
    const bossTask = await d.taskOf(boss, record.id);
    expect(noticesOf(boss, 'tasks:assigned')).toEqual([expect.objectContaining({ tasks: [bossTask.id] })]);
    expect(Date.parse(String(bossTask.dueAt))).toBe(w.clock.now().getTime() + 60 * 60_000);
  });

  it('a task decided before its deadline: its timers are cancelled and a late one changes nothing', async () => {
    const { a, c, sub } = p;
    await d.publish(timed({ action: 'reject' }, [30]));
    const record = await d.submit(sub, {});
    await d.expectAct(a, record.id, { action: 'approve' });
    w.clock.advance(90);
    await d.runDue();
    const { flow, timeline } = await d.flowOf(record.id);
    expect(holders(flow)).toEqual(ids(c));
    expect(timeline.map((e) => e.action)).toEqual(['submitted', 'approved']);
  });
});

describe('concurrency', () => {
  it('a double-clicked approve counts once', async () => {
    const { a, b, sub } = p;
    await d.publish(chainFlow([approvalOf('one', [a.userId]), approvalOf('two', [b.userId])]));
    const record = await d.submit(sub, {});
    const task = await d.taskOf(a, record.id);
    const answers = await Promise.all([
      d.act(a, task.id, { action: 'approve' }),
      d.act(a, task.id, { action: 'approve' }),
      d.act(a, task.id, { action: 'approve' }),
    ]);
    expect(answers.map((r) => r.statusCode).sort()).toEqual([200, 409, 409]);
    const { flow, timeline } = await d.flowOf(record.id);
    expect(timeline.map((e) => e.action)).toEqual(['submitted', 'approved']);
    // Step two opened exactly once.
    expect(holders(flow)).toEqual(ids(b));
    expect((await d.tasks(b)).items.filter((t) => t.record === record.id)).toHaveLength(1);
  });

  it('countersigners approving at the same time each count, exactly once', async () => {
    const { a, b, c, sub } = p;
    await d.publish(chainFlow([approvalOf('all', [a.userId, b.userId, c.userId], { mode: 'and' })]));
    const record = await d.submit(sub, {});
    const [ta, tb] = await Promise.all([d.taskOf(a, record.id), d.taskOf(b, record.id)]);
    const both = await Promise.all([
      d.act(a, ta.id, { action: 'approve' }),
      d.act(b, tb.id, { action: 'approve' }),
      d.act(a, ta.id, { action: 'approve' }),
    ]);
    expect(both.map((r) => r.statusCode)).toEqual([expect.any(Number), 200, expect.any(Number)]);
    expect(both.map((r) => r.statusCode).sort()).toEqual([200, 200, 409]);
    let view = await d.flowOf(record.id);
    expect(view.flow?.status).toBe('inProgress');
    expect(holders(view.flow)).toEqual(ids(c));
    expect(
      view.timeline
        .filter((e) => e.action === 'approved')
        .map((e) => e.by)
        .sort(),
    ).toEqual(ids(a, b));

    // The last two of a fresh record at once: both count and the flow ends once.
    const second = await d.submit(sub, {});
    await d.expectAct(a, second.id, { action: 'approve' });
    const [sb, sc] = await Promise.all([d.taskOf(b, second.id), d.taskOf(c, second.id)]);
    const last = await Promise.all([
      d.act(b, sb.id, { action: 'approve' }),
      d.act(c, sc.id, { action: 'approve' }),
    ]);
    expect(last.map((r) => r.statusCode)).toEqual([200, 200]);
    view = await d.flowOf(second.id);
    expect(view.flow?.status).toBe('approved');
    expect(view.timeline.map((e) => e.action)).toEqual([
      'submitted',
      'approved',
      'approved',
      'approved',
      'ended',
    ]);
  });

  it('a bulk approve racing a single approve of the same task counts once', async () => {
    const { a, b, sub } = p;
    await d.publish(chainFlow([approvalOf('one', [a.userId]), approvalOf('two', [b.userId])]));
    const record = await d.submit(sub, {});
    const task = await d.taskOf(a, record.id);
    const [single, bulk] = await Promise.all([
      d.act(a, task.id, { action: 'approve' }),
      d.inject(a, 'POST', '/tasks/actions', { tasks: [task.id], action: 'approve' }),
    ]);
    const statuses = [
      single.statusCode,
      (bulk.json() as { results: Array<{ status: number }> }).results[0]?.status,
    ].sort();
    expect(statuses).toEqual([200, 409]);
    expect((await d.flowOf(record.id)).timeline.map((e) => e.action)).toEqual(['submitted', 'approved']);
  });
});

describe('locking and open fields', () => {
  /** Edits a record at its current version. */
  const patch = async (who: Session, id: string, data: Record<string, unknown>) => {
    const current = await d.inject(w.owner, 'GET', `/forms/${w.formId}/records/${id}`);
    const { v } = current.json() as { v: number };
    return d.inject(who, 'PATCH', `/forms/${w.formId}/records/${id}`, { v, data });
  };

  it('an approved record refuses edits but to the fields the flow leaves open; records in progress stay editable', async () => {
    const { a, sub } = p;
    await d.publish(
      chainFlow([approvalOf('one', [a.userId])], { lockOnApproved: true, openFields: ['note'] }),
    );
    const record = await d.submit(sub, { title: 't', amount: 5 });
    const during = await patch(sub, record.id, { amount: 6 });
    expect(during.statusCode, during.body).toBe(200);
    const flow = await d.expectAct(a, record.id, { action: 'approve' });
    expect([flow.status, flow.locked]).toEqual(['approved', true]);

    const refused = await patch(sub, record.id, { amount: 7, title: 'x', note: 'ok' });
    expect(refused.statusCode).toBe(422);
    const error = (refused.json() as { error: { message: string; details: Array<{ path: string }> } }).error;
    expect(error.message).toMatch(/locked/);
    expect(error.details.map((x) => x.path).sort()).toEqual(['/data/amount', '/data/title']);
    // Admins are held to the lock too; nothing was written.
    expect((await patch(w.owner, record.id, { amount: 8 })).statusCode).toBe(422);
    const stored = await d.inject(w.owner, 'GET', `/forms/${w.formId}/records/${record.id}`);
    expect((stored.json() as { data: Record<string, unknown> }).data).toMatchObject({
      amount: 6,
      title: 't',
    });
    expect((stored.json() as { data: Record<string, unknown> }).data.note).toBeUndefined();
    // The open field changes.
    const open = await patch(sub, record.id, { note: 'after approval' });
    expect(open.statusCode, open.body).toBe(200);
    // The batch route keeps the lock as well.
    const v = (open.json() as { v: number }).v;
    const batch = await d.inject(sub, 'PATCH', `/forms/${w.formId}/records/batch`, {
      records: [{ id: record.id, v, data: { amount: 9 } }],
    });
    expect(batch.statusCode, batch.body).toBe(200);
    expect((batch.json() as { results: unknown[] }).results).toEqual([
      expect.objectContaining({ ok: false, status: 422 }),
    ]);
  });

  it('without lockOnApproved, and for a rejected record, edits go on', async () => {
    const { a, sub } = p;
    await d.publish(chainFlow([approvalOf('one', [a.userId])]));
    const record = await d.submit(sub, { amount: 1 });
    await d.expectAct(a, record.id, { action: 'approve' });
    expect((await patch(sub, record.id, { amount: 2 })).statusCode).toBe(200);
    await d.publish(chainFlow([approvalOf('one', [a.userId])], { lockOnApproved: true }));
    const rejected = await d.submit(sub, { amount: 1 });
    expect((await d.expectAct(a, rejected.id, { action: 'reject' })).locked).toBe(false);
    expect((await patch(sub, rejected.id, { amount: 2 })).statusCode).toBe(200);
  });
});

describe('sockets and inbox counts', () => {
  it('tasks:assigned and tasks:closed reach the assignees; counts follow each step', async () => {
    const { a, b, c, sub } = p;
    await d.publish(
      chainFlow([
        approvalOf('one', [a.userId, b.userId]),
        { id: 'tell', type: 'cc', recipients: [{ kind: 'member', members: [c.userId] }] },
      ]),
    );
    const before = {
      a: (await d.tasks(a)).counts,
      b: (await d.tasks(b)).counts,
      c: (await d.tasks(c)).counts,
      sub: (await d.tasks(sub)).counts,
    };
    const record = await d.submit(sub, {});
    const ta = await d.taskOf(a, record.id);
    const tb = await d.taskOf(b, record.id);
    expect(noticesOf(a, 'tasks:assigned')).toEqual([expect.objectContaining({ tasks: [ta.id] })]);
    expect(noticesOf(b, 'tasks:assigned')).toEqual([expect.objectContaining({ tasks: [tb.id] })]);
    expect((await d.tasks(a)).counts.pending).toBe(before.a.pending + 1);
    expect((await d.tasks(sub)).counts.started).toBe(before.sub.started + 1);

    notices.length = 0;
    await d.expectAct(a, record.id, { action: 'approve' });
    expect(noticesOf(a, 'tasks:closed')).toEqual([expect.objectContaining({ tasks: [ta.id] })]);
    expect(noticesOf(b, 'tasks:closed')).toEqual([expect.objectContaining({ tasks: [tb.id] })]);
    // The copy is announced as a copy: the web words it "copied to you", not "a new task".
    const [copy] = await d.tasks(c, 'cc').then((r) => r.items.filter((i) => i.record === record.id));
    expect(noticesOf(c, 'tasks:assigned')).toEqual([
      { id: expect.stringMatching(/:copied$/), ws: expect.any(String), tasks: [copy?.id], reason: 'cc' },
    ]);
    expect(noticesOf(a, 'tasks:assigned')).toEqual([]);
    const counts = {
      a: (await d.tasks(a)).counts,
      b: (await d.tasks(b)).counts,
      c: (await d.tasks(c)).counts,
    };
    expect([counts.a.pending, counts.a.done]).toEqual([before.a.pending, before.a.done + 1]);
    expect([counts.b.pending, counts.b.done]).toEqual([before.b.pending, before.b.done]);
    expect([counts.c.cc, counts.c.ccUnread]).toEqual([before.c.cc + 1, before.c.ccUnread + 1]);
    // No notice carries the record's values: ids, nodes and reasons only.
    for (const n of notices) expect(Object.keys(n.payload).sort()).not.toContain('data');
  });
});

describe('returns and resubmission', () => {
  it('a return inside a parallel branch moves only that branch; the other keeps its decision', async () => {
    const { a, b, c, sub } = p;
    const flow: Flow = {
      key: 'approve',
      name: { en: 'Approval' },
      form: 'requests',
      nodes: [
        { id: 'start', type: 'start' },
        { id: 'split', type: 'parallelSplit' },
        approvalOf('legal1', [a.userId]),
        approvalOf('legal2', [c.userId]),
        approvalOf('finance', [b.userId]),
        { id: 'join', type: 'parallelJoin' },
        { id: 'end', type: 'end' },
      ],
      edges: [
        { from: 'start', to: 'split' },
        { from: 'split', to: 'legal1' },
        { from: 'split', to: 'finance' },
        { from: 'legal1', to: 'legal2' },
        { from: 'legal2', to: 'join' },
        { from: 'finance', to: 'join' },
        { from: 'join', to: 'end' },
      ],
    };
    await d.publish(flow);
    const record = await d.submit(sub, {});
    await d.expectAct(b, record.id, { action: 'approve' });
    await d.expectAct(a, record.id, { action: 'approve' });
    expect(holders(await d.expectAct(c, record.id, { action: 'return', to: 'legal1' }))).toEqual(ids(a));
    await d.expectAct(a, record.id, { action: 'approve' });
    expect((await d.expectAct(c, record.id, { action: 'approve' })).status).toBe('approved');
  });

  it('returned to the submitter, withdrawn by them, then started again as a new round', async () => {
    const { a, sub } = p;
    await d.publish(
      chainFlow([approvalOf('one', [a.userId], { onReject: 'submitter' })], { allowWithdraw: true }),
    );
    const record = await d.submit(sub, { amount: 1 });
    expect((await d.expectAct(a, record.id, { action: 'reject' })).status).toBe('returned');
    const task = await d.taskOf(sub, record.id);
    const withdrawn = await d.act(sub, task.id, { action: 'withdraw' });
    expect(withdrawn.statusCode, withdrawn.body).toBe(200);
    expect((withdrawn.json() as { flow: { status: string } }).flow.status).toBe('withdrawn');
    expect((await d.tasks(sub)).items.some((t) => t.record === record.id)).toBe(false);
  });
});
