import type { Flow } from '@formloom/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { code, type Session } from '../auth/test-helpers.js';
import { approvalOf, chainFlow, driver, type FlowWorld, flowWorld } from './test-fixtures.js';

let w: FlowWorld;
let d: ReturnType<typeof driver>;
let p: Record<'sub' | 'boss' | 'chief' | 'a' | 'b' | 'c' | 'd', Session>;
beforeAll(async () => {
  w = await flowWorld();
  d = driver(w);
  p = w.people as typeof p;
});
afterAll(async () => w.t.close());

/** Open task assignees of a record's flow, sorted. */
const holders = (flow: { current: Array<{ tasks: Array<{ assignee: string }> }> } | undefined) =>
  (flow?.current ?? []).flatMap((n) => n.tasks.map((t) => t.assignee)).sort();
const ids = (...who: Session[]) => who.map((s) => s.userId).sort();

describe('a submission starts the published flow', () => {
  it('or: the first approval ends it approved; tasks, lists and counts follow', async () => {
    const { a, b, sub } = p;
    await d.publish(chainFlow([approvalOf('review', [a.userId, b.userId])]));
    const record = await d.submit(sub, { title: 'laptop', amount: 10 });
    expect(record.flow).toMatchObject({ status: 'inProgress', submitter: sub.userId });
    expect(holders(record.flow)).toEqual(ids(a, b));
    const aTasks = await d.tasks(a);
    expect(aTasks.items.map((t) => [t.record, t.kind, t.step, t.status])).toEqual([
      [record.id, 'approve', 'review', 'pending'],
    ]);
    expect(aTasks.items[0]?.title).toEqual({ en: 'Approval · review', 'zh-CN': '审批 · review' });
    expect(aTasks.counts).toMatchObject({ pending: 1, done: 0 });
    expect((await d.tasks(sub, 'started')).items.map((t) => [t.record, t.flowStatus])).toEqual([
      [record.id, 'inProgress'],
    ]);

    const flow = await d.expectAct(a, record.id, { action: 'approve', comment: 'fine' });
    expect(flow.status).toBe('approved');
    expect(flow.current).toEqual([]);
    expect((await d.tasks(a)).counts).toMatchObject({ pending: 0, done: 1 });
    expect((await d.tasks(a, 'done')).items[0]).toMatchObject({ outcome: 'approved', status: 'done' });
    expect((await d.tasks(b, 'cancelled')).items[0]).toMatchObject({
      outcome: 'cancelled',
      record: record.id,
    });
    expect((await d.tasks(sub, 'started')).items[0]?.flowStatus).toBe('approved');

    const { timeline } = await d.flowOf(record.id);
    expect(timeline.map((e) => [e.action, e.by, e.node])).toEqual([
      ['submitted', sub.userId, 'start'],
      ['approved', a.userId, 'review'],
      ['ended', null, 'end'],
    ]);
    expect(timeline[1]?.comment).toBe('fine');

    // The record's history shows the flow's steps.
    const history = await d.inject(w.owner, 'GET', `/forms/${w.formId}/records/${record.id}/history`);
    const entries = history.json() as Array<{ action: string; flow?: Array<{ action: string }> }>;
    expect(entries.map((e) => e.action)).toEqual(['create', 'flow', 'flow']);
    expect(entries[2]?.flow?.map((f) => f.action)).toEqual(['approved', 'ended']);
    // And records filter by _flowStatus.
    const filter = encodeURIComponent(JSON.stringify({ field: '_flowStatus', op: 'eq', value: 'approved' }));
    const list = await d.inject(w.owner, 'GET', `/forms/${w.formId}/records?filter=${filter}`);
    expect((list.json() as { items: Array<{ id: string }> }).items.map((r) => r.id)).toContain(record.id);
  });

  it('a closed task answers 409, another member’s 403, an unknown one 404; bad bodies 400/422', async () => {
    const { a, b, sub } = p;
    const record = await d.submit(sub, { title: 'chair' });
    const task = await d.taskOf(a, record.id);
    expect((await d.act(b, task.id, { action: 'approve' })).statusCode).toBe(403);
    expect((await d.act(a, '0123456789abcdef01234567', { action: 'approve' })).statusCode).toBe(404);
    expect((await d.act(a, 'nope', { action: 'approve' })).statusCode).toBe(404);
    expect((await d.act(a, task.id, { action: 'explode' })).statusCode).toBe(400);
    expect((await d.act(a, task.id, {})).statusCode).toBe(400);
    expect((await d.act(a, task.id, { action: 'approve', extra: 1 })).statusCode).toBe(400);
    expect((await d.act(a, task.id, { action: 'submit' })).statusCode).toBe(422);
    expect((await d.act(a, task.id, { action: 'transfer' })).statusCode).toBe(400);
    expect((await d.act(a, task.id, { action: 'transfer', to: '0123456789abcdef01234567' })).statusCode).toBe(
      422,
    );
    expect((await d.act(a, task.id, { action: 'reject', data: { note: 'x' } })).statusCode).toBe(400);
    expect((await d.act(a, task.id, { action: 'comment' })).statusCode).toBe(400);
    expect((await d.act(a, task.id, { action: 'approve' })).statusCode).toBe(200);
    const again = await d.act(a, task.id, { action: 'approve' });
    expect(again.statusCode).toBe(409);
    expect(code(again)).toBe('CONFLICT');
    expect((await d.inject(a, 'GET', '/tasks?status=open')).statusCode).toBe(400);
  });
});

describe('approval modes', () => {
  it('and: every assignee must approve; one rejection rejects', async () => {
    const { a, b, c, sub } = p;
    await d.publish(chainFlow([approvalOf('review', [a.userId, b.userId, c.userId], { mode: 'and' })]));
    const record = await d.submit(sub, { title: 'and' });
    await d.expectAct(a, record.id, { action: 'approve' });
    const flow = await d.expectAct(c, record.id, { action: 'approve' });
    expect(flow.status).toBe('inProgress');
    expect(holders(flow)).toEqual(ids(b));
    expect((await d.expectAct(b, record.id, { action: 'approve' })).status).toBe('approved');

    const rejected = await d.submit(sub, { title: 'and no' });
    await d.expectAct(a, rejected.id, { action: 'approve' });
    expect((await d.expectAct(b, rejected.id, { action: 'reject', comment: 'no' })).status).toBe('rejected');
    expect((await d.tasks(c)).items.some((t) => t.record === rejected.id)).toBe(false);
  });

  it('sequence: one after another, in order', async () => {
    const { a, b, sub } = p;
    await d.publish(chainFlow([approvalOf('review', [b.userId, a.userId], { mode: 'sequence' })]));
    const record = await d.submit(sub, { title: 'seq' });
    expect(holders(record.flow)).toEqual(ids(b));
    const next = await d.expectAct(b, record.id, { action: 'approve' });
    expect(holders(next)).toEqual(ids(a));
    expect((await d.expectAct(a, record.id, { action: 'approve' })).status).toBe('approved');
  });
});

describe('assignees', () => {
  const first = (assignees: unknown[], extra: Record<string, unknown> = {}) =>
    chainFlow([{ id: 'review', type: 'approval', mode: 'or', assignees, ...extra } as Flow['nodes'][number]]);

  it('role, member field (one and many), member list, submitter', async () => {
    const { a, b, c, sub } = p;
    await d.publish(first([{ kind: 'role', role: 'clerk' }]));
    expect(holders((await d.submit(sub, {})).flow)).toEqual(ids(a, b, c, p.d));
    await d.publish(
      first([
        { kind: 'field', field: 'reviewer' },
        { kind: 'field', field: 'reviewers' },
      ]),
    );
    expect(
      holders((await d.submit(sub, { reviewer: a.userId, reviewers: [b.userId, a.userId] })).flow),
    ).toEqual(ids(a, b));
    await d.publish(first([{ kind: 'member', members: [c.userId] }, { kind: 'submitter' }]));
    expect(holders((await d.submit(sub, {})).flow)).toEqual(ids(c, sub));
  });

  it('manager N levels up, of the submitter or of a member field', async () => {
    const { a, boss, chief, sub } = p;
    await d.publish(first([{ kind: 'manager' }]));
    expect(holders((await d.submit(sub, {})).flow)).toEqual(ids(boss));
    await d.publish(first([{ kind: 'manager', level: 2 }]));
    expect(holders((await d.submit(sub, {})).flow)).toEqual(ids(chief));
    await d.publish(first([{ kind: 'manager', field: 'reviewer' }]));
    expect(holders((await d.submit(sub, { reviewer: boss.userId })).flow)).toEqual(ids(chief));
    // a has no manager: nobody resolves, so the app's admins (the owner) decide.
    expect(holders((await d.submit(sub, { reviewer: a.userId })).flow)).toEqual([w.owner.userId]);
  });

  it('department head N levels up, of the submitter’s department or of a department field', async () => {
    const { boss, chief, sub } = p;
    await d.publish(first([{ kind: 'departmentHead' }]));
    expect(holders((await d.submit(sub, {})).flow)).toEqual(ids(boss));
    await d.publish(first([{ kind: 'departmentHead', level: 2 }]));
    expect(holders((await d.submit(sub, {})).flow)).toEqual(ids(chief));
    await d.publish(first([{ kind: 'departmentHead', field: 'unit' }]));
    expect(holders((await d.submit(sub, { unit: w.topDept })).flow)).toEqual(ids(chief));
  });

  it('nobody resolves: the app’s admins by default, or the step is skipped', async () => {
    const { sub } = p;
    await d.publish(first([{ kind: 'field', field: 'reviewer' }]));
    expect(holders((await d.submit(sub, {})).flow)).toEqual([w.owner.userId]);
    await d.publish(first([{ kind: 'field', field: 'reviewer' }], { whenNoAssignee: 'skip' }));
    const skipped = await d.submit(sub, {});
    expect(skipped.flow?.status).toBe('approved');
    expect((await d.flowOf(skipped.id)).timeline.map((e) => e.action)).toEqual([
      'submitted',
      'skipped',
      'ended',
    ]);
  });
});

describe('node types', () => {
  it('condition: the branch whose formula holds (on computed fields too), else the default', async () => {
    const { a, boss, sub } = p;
    await d.publish({
      key: 'approve',
      name: { en: 'Approval' },
      form: 'requests',
      nodes: [
        { id: 'start', type: 'start' },
        {
          id: 'size',
          type: 'condition',
          branches: [{ id: 'big', condition: 'double > 200' }, { id: 'small' }],
        },
        approvalOf('boss', [boss.userId]),
        approvalOf('clerk', [a.userId]),
        { id: 'end', type: 'end' },
      ],
      edges: [
        { from: 'start', to: 'size' },
        { from: 'size', to: 'boss', branch: 'big' },
        { from: 'size', to: 'clerk', branch: 'small' },
        { from: 'boss', to: 'end' },
        { from: 'clerk', to: 'end' },
      ],
    });
    expect(holders((await d.submit(sub, { amount: 150 })).flow)).toEqual(ids(boss));
    expect(holders((await d.submit(sub, { amount: 50 })).flow)).toEqual(ids(a));
    expect(holders((await d.submit(sub, {})).flow)).toEqual(ids(a));
  });

  it('cc: the recipients get a copy to read, and the flow goes on', async () => {
    const { a, c, sub } = p;
    await d.publish(
      chainFlow([
        { id: 'tell', type: 'cc', recipients: [{ kind: 'member', members: [c.userId] }] },
        approvalOf('review', [a.userId]),
      ]),
    );
    const before = (await d.tasks(c, 'cc')).counts;
    const record = await d.submit(sub, {});
    expect(holders(record.flow)).toEqual(ids(a));
    const cc = await d.tasks(c, 'cc');
    expect(cc.counts.cc).toBe(before.cc + 1);
    expect(cc.counts.ccUnread).toBe(before.ccUnread + 1);
    const item = cc.items.find((t) => t.record === record.id);
    expect(item).toMatchObject({ kind: 'cc', status: 'pending', step: 'tell' });
    expect((await d.act(c, String(item?.id), { action: 'approve' })).statusCode).toBe(422);
    expect((await d.act(c, String(item?.id), { action: 'read' })).statusCode).toBe(200);
    expect((await d.tasks(c, 'cc')).counts.ccUnread).toBe(before.ccUnread);
    expect((await d.act(c, String(item?.id), { action: 'read' })).statusCode).toBe(409);
    // The copy shows the record to its recipient, who has no role on the form.
    const detail = await d.inject(c, 'GET', `/tasks/${item?.id}`);
    expect(detail.statusCode).toBe(200);
    expect((await d.flowOf(record.id, c)).timeline.map((e) => e.action)).toEqual(['submitted', 'cc']);
  });

  it('fill: the assignee fills in the fields the step makes editable, validated and recomputed', async () => {
    const { a, sub } = p;
    await d.publish(
      chainFlow([
        {
          id: 'fill',
          type: 'fill',
          assignees: [{ kind: 'member', members: [a.userId] }],
          fields: [
            { field: 'result', access: 'editable' },
            { field: 'amount', access: 'editable' },
          ],
        },
      ]),
    );
    const record = await d.submit(sub, { title: 'fill me', amount: 1 });
    const task = await d.taskOf(a, record.id);
    expect(task.kind).toBe('fill');
    expect((await d.act(a, task.id, { action: 'approve' })).statusCode).toBe(422);
    const denied = await d.act(a, task.id, { action: 'submit', data: { result: 'ok', title: 'changed' } });
    expect(denied.statusCode).toBe(403);
    expect((denied.json() as { error: { details: Array<{ path: string }> } }).error.details).toEqual([
      expect.objectContaining({ path: '/data/title' }),
    ]);
    expect((await d.act(a, task.id, { action: 'submit', data: { amount: 'ten' } })).statusCode).toBe(400);
    const ok = await d.act(a, task.id, { action: 'submit', data: { result: 'ok', amount: 21 } });
    expect(ok.statusCode, ok.body).toBe(200);
    expect((ok.json() as { flow: { status: string } }).flow.status).toBe('approved');
    const stored = await d.inject(w.owner, 'GET', `/forms/${w.formId}/records/${record.id}`);
    expect((stored.json() as { data: Record<string, unknown> }).data).toMatchObject({
      title: 'fill me',
      result: 'ok',
      amount: 21,
      double: 42,
    });
    const history = (
      await d.inject(w.owner, 'GET', `/forms/${w.formId}/records/${record.id}/history`)
    ).json() as Array<{
      action: string;
      changes: Array<{ key: string }>;
      by: string;
    }>;
    expect(history.at(-1)).toMatchObject({ action: 'flow', by: a.userId });
    expect(
      history
        .at(-1)
        ?.changes.map((c) => c.key)
        .sort(),
    ).toEqual(['amount', 'double', 'result']);
  });

  it('parallel split and join: every branch must finish before the flow goes on', async () => {
    const { a, b, c, sub } = p;
    await d.publish({
      key: 'approve',
      name: { en: 'Approval' },
      form: 'requests',
      nodes: [
        { id: 'start', type: 'start' },
        { id: 'split', type: 'parallelSplit' },
        approvalOf('legal', [a.userId]),
        approvalOf('finance', [b.userId]),
        { id: 'join', type: 'parallelJoin' },
        approvalOf('final', [c.userId]),
        { id: 'end', type: 'end' },
      ],
      edges: [
        { from: 'start', to: 'split' },
        { from: 'split', to: 'legal' },
        { from: 'split', to: 'finance' },
        { from: 'legal', to: 'join' },
        { from: 'finance', to: 'join' },
        { from: 'join', to: 'final' },
        { from: 'final', to: 'end' },
      ],
    });
    const record = await d.submit(sub, {});
    expect(holders(record.flow)).toEqual(ids(a, b));
    expect(holders(await d.expectAct(b, record.id, { action: 'approve' }))).toEqual(ids(a));
    expect(holders(await d.expectAct(a, record.id, { action: 'approve' }))).toEqual(ids(c));
    expect((await d.expectAct(c, record.id, { action: 'approve' })).status).toBe('approved');
  });

  it('an end node with outcome rejected ends the flow rejected', async () => {
    const { sub } = p;
    await d.publish({
      key: 'approve',
      name: { en: 'Approval' },
      form: 'requests',
      nodes: [
        { id: 'start', type: 'start' },
        { id: 'gate', type: 'condition', branches: [{ id: 'no', condition: 'amount < 0' }, { id: 'yes' }] },
        { id: 'end', type: 'end' },
        { id: 'refuse', type: 'end', outcome: 'rejected' },
      ],
      edges: [
        { from: 'start', to: 'gate' },
        { from: 'gate', to: 'refuse', branch: 'no' },
        { from: 'gate', to: 'end', branch: 'yes' },
      ],
    });
    expect((await d.submit(sub, { amount: -1 })).flow?.status).toBe('rejected');
    expect((await d.submit(sub, { amount: 1 })).flow?.status).toBe('approved');
  });
});

describe('actions', () => {
  it('reject: onReject end, previous, a chosen earlier node', async () => {
    const { a, b, c, sub } = p;
    const three = (onReject: string, extra: Record<string, unknown> = {}) =>
      chainFlow([
        approvalOf('one', [a.userId]),
        approvalOf('two', [b.userId]),
        approvalOf('three', [c.userId], { onReject, ...extra }),
      ]);
    await d.publish(three('previous'));
    const prev = await d.submit(sub, {});
    await d.expectAct(a, prev.id, { action: 'approve' });
    await d.expectAct(b, prev.id, { action: 'approve' });
    expect(holders(await d.expectAct(c, prev.id, { action: 'reject' }))).toEqual(ids(b));
    await d.publish(three('node', { rejectTo: 'one' }));
    const node = await d.submit(sub, {});
    await d.expectAct(a, node.id, { action: 'approve' });
    await d.expectAct(b, node.id, { action: 'approve' });
    const back = await d.expectAct(c, node.id, { action: 'reject' });
    expect([back.status, holders(back)]).toEqual(['inProgress', ids(a)]);
  });

  it('reject back to the submitter: returned; the submitter edits and resubmits, the flow starts over', async () => {
    const { a, b, sub } = p;
    await d.publish(
      chainFlow([approvalOf('one', [a.userId]), approvalOf('two', [b.userId], { onReject: 'submitter' })]),
    );
    const record = await d.submit(sub, { title: 'draft', amount: 1 });
    await d.expectAct(a, record.id, { action: 'approve' });
    const returned = await d.expectAct(b, record.id, { action: 'reject', comment: 'fix the amount' });
    expect(returned.status).toBe('returned');
    const filter = encodeURIComponent(JSON.stringify({ field: '_flowStatus', op: 'eq', value: 'returned' }));
    const list = await d.inject(w.owner, 'GET', `/forms/${w.formId}/records?filter=${filter}`);
    expect((list.json() as { items: Array<{ id: string }> }).items.map((r) => r.id)).toContain(record.id);
    const task = await d.taskOf(sub, record.id);
    expect(task.kind).toBe('submit');
    // The submitter's role hides the secret: it cannot be written on resubmission either.
    expect((await d.act(sub, task.id, { action: 'submit', data: { secret: 1 } })).statusCode).toBe(403);
    const again = await d.act(sub, task.id, { action: 'submit', data: { amount: 2 }, comment: 'fixed' });
    expect(again.statusCode, again.body).toBe(200);
    const flow = (again.json() as { flow: { status: string; round: number } }).flow;
    expect([flow.status, flow.round]).toEqual(['inProgress', 2]);
    expect(holders(flow as never)).toEqual(ids(a));
    const { timeline } = await d.flowOf(record.id);
    expect(timeline.map((e) => e.action)).toEqual([
      'submitted',
      'approved',
      'rejected',
      'returned',
      'resubmitted',
    ]);
  });

  it('return: to an earlier step on the way, or to the submitter; other targets 422', async () => {
    const { a, b, sub } = p;
    await d.publish(chainFlow([approvalOf('one', [a.userId]), approvalOf('two', [b.userId])]));
    const record = await d.submit(sub, {});
    await d.expectAct(a, record.id, { action: 'approve' });
    const task = await d.taskOf(b, record.id);
    expect((await d.act(b, task.id, { action: 'return', to: 'two' })).statusCode).toBe(422);
    expect((await d.act(b, task.id, { action: 'return', to: 'ghost' })).statusCode).toBe(422);
    expect(holders(await d.expectAct(b, record.id, { action: 'return', to: 'one' }))).toEqual(ids(a));
    expect((await d.expectAct(a, record.id, { action: 'return' })).status).toBe('returned');
  });

  it('transfer and add signer (before and after me)', async () => {
    const { a, b, c, sub } = p;
    await d.publish(chainFlow([approvalOf('review', [a.userId])]));
    const moved = await d.submit(sub, {});
    expect(holders(await d.expectAct(a, moved.id, { action: 'transfer', to: c.userId }))).toEqual(ids(c));
    expect((await d.tasks(a, 'done')).items.find((t) => t.record === moved.id)?.outcome).toBe('transferred');
    expect((await d.expectAct(c, moved.id, { action: 'approve' })).status).toBe('approved');

    const before = await d.submit(sub, {});
    expect(
      holders(await d.expectAct(a, before.id, { action: 'addSigner', to: [b.userId], position: 'before' })),
    ).toEqual(ids(b));
    expect(holders(await d.expectAct(b, before.id, { action: 'approve' }))).toEqual(ids(a));
    expect((await d.expectAct(a, before.id, { action: 'approve' })).status).toBe('approved');

    const after = await d.submit(sub, {});
    expect(holders(await d.expectAct(a, after.id, { action: 'addSigner', to: b.userId }))).toEqual(ids(a));
    expect(holders(await d.expectAct(a, after.id, { action: 'approve' }))).toEqual(ids(b));
    expect((await d.expectAct(b, after.id, { action: 'approve' })).status).toBe('approved');
    const task = await d.submit(sub, {});
    const mine = await d.taskOf(a, task.id);
    expect((await d.act(a, mine.id, { action: 'addSigner', to: a.userId })).statusCode).toBe(422);
  });

  it('withdraw: the submitter, while nobody acted, when the flow allows it', async () => {
    const { a, b, sub } = p;
    await d.publish(
      chainFlow([approvalOf('one', [a.userId]), approvalOf('two', [b.userId])], { allowWithdraw: true }),
    );
    const record = await d.submit(sub, {});
    expect((await d.recordAction(a, record.id, { action: 'withdraw' })).statusCode).toBe(422);
    const done = await d.recordAction(sub, record.id, { action: 'withdraw', comment: 'not needed' });
    expect(done.statusCode, done.body).toBe(200);
    expect((done.json() as { flow: { status: string } }).flow.status).toBe('withdrawn');
    expect((await d.tasks(a)).items.some((t) => t.record === record.id)).toBe(false);
    expect((await d.recordAction(sub, record.id, { action: 'withdraw' })).statusCode).toBe(409);

    const acted = await d.submit(sub, {});
    await d.expectAct(a, acted.id, { action: 'approve' });
    expect((await d.recordAction(sub, acted.id, { action: 'withdraw' })).statusCode).toBe(422);

    // A withdrawn record can be submitted again: a new instance.
    const again = await d.recordAction(sub, record.id, { action: 'start' });
    expect(again.statusCode, again.body).toBe(200);
    const flow = (again.json() as { flow: { status: string; id: string } }).flow;
    expect(flow.status).toBe('inProgress');
    expect((await d.recordAction(sub, record.id, { action: 'start' })).statusCode).toBe(409);
    // a holds a task on the record (may follow it) but did not create it.
    expect((await d.recordAction(a, record.id, { action: 'start' })).statusCode).toBe(403);
    expect((await d.recordAction(p.d, record.id, { action: 'start' })).statusCode).toBe(404);

    await d.publish(chainFlow([approvalOf('one', [a.userId])]));
    const off = await d.submit(sub, {});
    expect((await d.recordAction(sub, off.id, { action: 'withdraw' })).statusCode).toBe(422);
  });

  it('urge notifies at most once per interval; comments go on the timeline', async () => {
    const { a, sub } = p;
    await d.publish(chainFlow([approvalOf('one', [a.userId])], { urgeIntervalMinutes: 30 }));
    const record = await d.submit(sub, {});
    expect((await d.recordAction(sub, record.id, { action: 'urge' })).statusCode).toBe(200);
    expect((await d.recordAction(sub, record.id, { action: 'urge' })).statusCode).toBe(429);
    expect((await d.recordAction(a, record.id, { action: 'urge' })).statusCode).toBe(403);
    w.clock.advance(30);
    expect((await d.recordAction(sub, record.id, { action: 'urge' })).statusCode).toBe(200);
    expect(
      (await d.recordAction(sub, record.id, { action: 'comment', comment: 'any news?' })).statusCode,
    ).toBe(200);
    await d.expectAct(a, record.id, { action: 'comment', comment: 'looking' });
    const { timeline } = await d.flowOf(record.id);
    expect(timeline.map((e) => [e.action, e.comment ?? null])).toEqual([
      ['submitted', null],
      ['urged', null],
      ['urged', null],
      ['commented', 'any news?'],
      ['commented', 'looking'],
    ]);
    // Someone unrelated can neither read nor comment.
    expect((await d.recordAction(p.d, record.id, { action: 'comment', comment: 'hi' })).statusCode).toBe(404);
    expect((await d.inject(p.d, 'GET', `/forms/${w.formId}/records/${record.id}/flow`)).statusCode).toBe(404);
  });

  it('bulk approve from the inbox: one result per task', async () => {
    const { a, b, sub } = p;
    await d.publish(chainFlow([approvalOf('one', [a.userId, b.userId])]));
    const r1 = await d.submit(sub, {});
    const r2 = await d.submit(sub, {});
    const t1 = await d.taskOf(a, r1.id);
    const t2 = await d.taskOf(a, r2.id);
    const bTask = await d.taskOf(b, r1.id);
    const res = await d.inject(a, 'POST', '/tasks/actions', {
      tasks: [t1.id, t2.id, bTask.id, 'nope'],
      action: 'approve',
      comment: 'all good',
    });
    expect(res.statusCode, res.body).toBe(200);
    const { results } = res.json() as {
      results: Array<{ task: string; status: number; flow?: { status: string } }>;
    };
    expect(results.map((r) => [r.task, r.status, r.flow?.status ?? null])).toEqual([
      [t1.id, 200, 'approved'],
      [t2.id, 200, 'approved'],
      [bTask.id, 403, null],
      ['nope', 404, null],
    ]);
    expect(
      (await d.inject(a, 'POST', '/tasks/actions', { tasks: [t1.id], action: 'reject' })).statusCode,
    ).toBe(400);
  });
});
