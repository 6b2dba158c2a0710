import { Types } from 'mongoose';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Session } from '../auth/test-helpers.js';
import { notificationModel } from '../notifications/model.js';
import { realtimeBus, type UserNotice } from '../realtime/bus.js';
import { historyModel, recordModel } from '../records/model.js';
import { taskModel } from '../tasks/model.js';
import { announceTasks, applyEffect } from './effects.js';
import { flowEvents } from './events.js';
import { OUTBOX_LEASE_MS, type OutboxEntry, repairFlowEffects } from './outbox.js';
import { approvalOf, chainFlow, driver, type FlowWorld, flowWorld } from './test-fixtures.js';

// A process that dies between a transition's record update and its effects, or halfway through them, is
// played by an effect that throws: the record keeps the transition (and its outbox entry, still leased to
// the dead delivery), the rest is missing until the repair takes the expired lease and carries it on.
vi.mock('./effects.js', async (original) => {
  const real = await original<typeof import('./effects.js')>();
  return { ...real, applyEffect: vi.fn(real.applyEffect), announceTasks: vi.fn(real.announceTasks) };
});
const realApply = vi.mocked(applyEffect).getMockImplementation() as typeof applyEffect;
/** The `n`th effect from now (1 = the next) throws, as if the process died before it. */
const crashAt = (n: number) => {
  let calls = 0;
  vi.mocked(applyEffect).mockImplementation(async (...args) => {
    calls += 1;
    if (calls === n) {
      vi.mocked(applyEffect).mockImplementation(realApply);
      throw new Error('the process died');
    }
    return realApply(...args);
  });
};
const crashOnce = () => crashAt(1);

let w: FlowWorld;
let d: ReturnType<typeof driver>;
let p: Record<'sub' | 'a' | 'b' | 'c', Session>;
const ended: string[] = [];
const endedIds: string[] = [];
const notices: UserNotice[] = [];
beforeAll(async () => {
  w = await flowWorld();
  d = driver(w);
  p = w.people as typeof p;
  flowEvents(w.t.store.connection).on('ended', (e) => {
    ended.push(e.record);
    endedIds.push(e.id);
  });
  realtimeBus(w.t.store.connection).on('userNotice', (n) => notices.push(n));
  await d.publish(chainFlow([approvalOf('review', [p.a.userId]), approvalOf('final', [p.c.userId])]));
});
beforeEach(() => {
  vi.mocked(applyEffect).mockImplementation(realApply);
  notices.length = 0;
  endedIds.length = 0;
});
afterAll(async () => w.t.close());

const connection = () => w.t.store.connection;
const outboxOf = async (id: string) =>
  ((await recordModel(connection()).collection.findOne({ _id: new Types.ObjectId(id) }))?.flowOutbox ??
    []) as OutboxEntry[];
const tasksOf = (id: string, kind = 'approve') =>
  taskModel(connection()).collection.countDocuments({ record: new Types.ObjectId(id), kind });
const flowHistoryOf = (id: string) =>
  historyModel(connection()).collection.countDocuments({ record: new Types.ObjectId(id), action: 'flow' });
const later = () => new Date(w.clock.now().getTime() + 3_600_000);
/** Notices of the record's tasks and flow as `<event> <user> <id>`, sorted (duplicates stay visible). */
const noticesSent = () =>
  notices.map((n) => `${n.event} ${n.user} ${(n.payload as { id?: string }).id}`).sort();
/** The stored record of the form whose `amount` is this. */
async function recordWithAmount(amount: number): Promise<string> {
  const [stored] = await recordModel(connection())
    .collection.find({ form: new Types.ObjectId(w.formId), 'data.amount': amount })
    .toArray();
  return String(stored?._id);
}

describe('flow effects a dead process left undone', () => {
  it('leave nothing behind when the transition finishes', async () => {
    const record = await d.submit(p.sub, { amount: 1 });
    expect(await outboxOf(record.id)).toEqual([]);
    await d.expectAct(p.a, record.id, { action: 'approve' });
    expect(await outboxOf(record.id)).toEqual([]);
    expect(await repairFlowEffects(connection(), later())).toBe(0);
    expect(await flowHistoryOf(record.id)).toBe(2);
  });

  it('a submission whose tasks never opened: the repair opens them, once', async () => {
    crashOnce();
    const res = await d.inject(p.sub, 'POST', `/forms/${w.formId}/records`, { data: { amount: 2 } });
    // The record and its flow are stored, so the answer says so; the effects wait for the repair.
    expect(res.statusCode).toBe(201);
    const id = await recordWithAmount(2);
    expect(res.json().id).toBe(id);
    expect((await d.flowOf(id)).flow?.status).toBe('inProgress');
    expect(await tasksOf(id)).toBe(0);
    expect(await outboxOf(id)).toHaveLength(1);

    // Not yet: the dead delivery's lease has not ended, it may belong to a transition still under way.
    expect(await repairFlowEffects(connection(), new Date(0))).toBe(0);
    expect(await repairFlowEffects(connection())).toBe(0);
    expect(await repairFlowEffects(connection(), later())).toBe(1);
    expect(await tasksOf(id)).toBe(1);
    expect(await outboxOf(id)).toEqual([]);
    expect((await d.taskOf(p.a, id)).record).toBe(id);
    expect((await d.tasks(p.sub, 'started')).items.map((t) => t.record)).toContain(id);
    expect(await repairFlowEffects(connection(), later())).toBe(0);
    expect(await tasksOf(id)).toBe(1);
    expect(await flowHistoryOf(id)).toBe(1);
  });

  it('an approval whose next step never opened and whose end never told anyone: the repair does both', async () => {
    const record = await d.submit(p.sub, { amount: 3 });
    crashOnce();
    const task = await d.taskOf(p.a, record.id);
    const res = await d.act(p.a, task.id, { action: 'approve' });
    expect(res.statusCode).toBe(200);
    expect((await d.flowOf(record.id)).flow?.current.map((n) => n.node)).toEqual(['final']);
    expect((await d.tasks(p.c)).items.filter((t) => t.record === record.id)).toEqual([]);
    expect(await repairFlowEffects(connection(), later())).toBe(1);
    await d.expectAct(p.c, record.id, { action: 'approve' });
    expect(ended).toContain(record.id);

    const other = await d.submit(p.sub, { amount: 4 });
    await d.expectAct(p.a, other.id, { action: 'approve' });
    const last = await d.taskOf(p.c, other.id);
    crashOnce();
    expect((await d.act(p.c, last.id, { action: 'approve' })).statusCode).toBe(200);
    expect(ended).not.toContain(other.id);
    expect((await d.flowOf(other.id)).flow?.status).toBe('approved');
    expect(await repairFlowEffects(connection(), later())).toBe(1);
    expect(ended).toContain(other.id);
    expect((await d.tasks(p.c)).items.filter((t) => t.record === other.id)).toEqual([]);
  });

  it('a delivery that died halfway is completed by the repair exactly once: no step before the crash again', async () => {
    const record = await d.submit(p.sub, { amount: 5 });
    await d.expectAct(p.a, record.id, { action: 'approve' });
    const last = await d.taskOf(p.c, record.id);
    notices.length = 0;
    // The final approval: close c's task, the started item's status, `ended`. The second effect dies.
    crashAt(2);
    expect((await d.act(p.c, last.id, { action: 'approve' })).statusCode).toBe(200);
    const [entry] = await outboxOf(record.id);
    expect(entry?.delivery.done).toBeGreaterThan(0);
    expect(endedIds).toEqual([]);
    const effectsBefore = vi.mocked(applyEffect).mock.calls.length;
    expect(await repairFlowEffects(connection(), later())).toBe(1);
    // The repair ran only the steps from the one that died on: one fewer effect than the entry holds.
    // Steps: the history entry, then the effects, then the task notices.
    const effects = (entry as OutboxEntry).effects;
    expect(vi.mocked(applyEffect).mock.calls.length - effectsBefore).toBe(effects.length - 1);
    const endedStep = 1 + effects.findIndex((e) => e.type === 'ended');
    expect(endedIds).toEqual([`${entry?.id}:${endedStep}`]);
    expect(noticesSent()).toEqual([`tasks:closed ${p.c.userId} ${entry?.id}:${effects.length + 1}:closed`]);
    expect(await outboxOf(record.id)).toEqual([]);
    expect(await repairFlowEffects(connection(), later())).toBe(0);
    expect(endedIds).toHaveLength(1);
    expect(await flowHistoryOf(record.id)).toBe(3);
    const started = await d.tasks(p.sub, 'started');
    expect(started.items.find((t) => t.record === record.id)?.flowStatus).toBe('approved');
  });
  it('an entry stored before leases (no delivery) is repaired once it is older than a lease', async () => {
    crashOnce();
    const res = await d.inject(p.sub, 'POST', `/forms/${w.formId}/records`, { data: { amount: 9 } });
    expect(res.statusCode).toBe(201);
    const id = await recordWithAmount(9);
    await recordModel(connection()).collection.updateOne({ _id: new Types.ObjectId(id) }, {
      $unset: { 'flowOutbox.0.delivery': '' },
    } as never);
    expect((await outboxOf(id))[0]?.delivery).toBeUndefined();
    expect(await repairFlowEffects(connection())).toBe(0);
    w.clock.advance(OUTBOX_LEASE_MS / 60_000 + 1);
    expect(await repairFlowEffects(connection())).toBe(1);
    expect(await tasksOf(id)).toBe(1);
    expect(await flowHistoryOf(id)).toBe(1);
    expect(await outboxOf(id)).toEqual([]);
  });
});

describe('a repair and a live delivery of one entry', () => {
  /** Pauses the live delivery right after its next effect, until `release` is called. */
  function pauseAfterNextEffect() {
    let reached: () => void = () => undefined;
    let release: () => void = () => undefined;
    const atPause = new Promise<void>((resolve) => {
      reached = resolve;
    });
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    vi.mocked(applyEffect).mockImplementationOnce(async (...args) => {
      await realApply(...args);
      reached();
      await gate;
    });
    return { atPause, release };
  }

  it('a repair while the live delivery is in progress (its lease running) delivers nothing', async () => {
    const record = await d.submit(p.sub, { amount: 6 });
    notices.length = 0;
    const pause = pauseAfterNextEffect();
    const acting = d.act(p.a, (await d.taskOf(p.a, record.id)).id, { action: 'approve' });
    await pause.atPause;
    const calls = vi.mocked(applyEffect).mock.calls.length;
    expect(await repairFlowEffects(connection())).toBe(0);
    w.clock.advance(OUTBOX_LEASE_MS / 60_000 / 2);
    expect(await repairFlowEffects(connection())).toBe(0);
    expect(vi.mocked(applyEffect).mock.calls.length).toBe(calls);
    pause.release();
    expect((await acting).statusCode).toBe(200);
    expect(await outboxOf(record.id)).toEqual([]);
    expect(await tasksOf(record.id)).toBe(2);
    expect(noticesSent()).toEqual(
      [`tasks:assigned ${p.c.userId}`, `tasks:closed ${p.a.userId}`].map((s) => expect.stringContaining(s)),
    );
    expect(new Set(noticesSent()).size).toBe(2);
  });

  it('a live delivery stalled past its lease: the repair takes over, the live process stops, nothing twice', async () => {
    const record = await d.submit(p.sub, { amount: 7 });
    notices.length = 0;
    const live = pauseAfterNextEffect();
    const acting = d.act(p.a, (await d.taskOf(p.a, record.id)).id, { action: 'approve' });
    await live.atPause;
    w.clock.advance(OUTBOX_LEASE_MS / 60_000 + 1);
    // The repair takes the expired lease and is itself held in its first effect while the live process wakes.
    const repair = pauseAfterNextEffect();
    const repairing = repairFlowEffects(connection());
    await repair.atPause;
    const calls = vi.mocked(applyEffect).mock.calls.length;
    live.release();
    // The transition happened: its answer is the new state; the live process found its lease taken and
    // delivered nothing more.
    expect((await acting).statusCode).toBe(200);
    expect(vi.mocked(applyEffect).mock.calls.length).toBe(calls);
    expect(notices).toEqual([]);
    repair.release();
    expect(await repairing).toBe(1);
    expect(await outboxOf(record.id)).toEqual([]);
    expect(await tasksOf(record.id)).toBe(2);
    expect(await flowHistoryOf(record.id)).toBe(2);
    expect(noticesSent()).toEqual(
      [`tasks:assigned ${p.c.userId}`, `tasks:closed ${p.a.userId}`].map((s) => expect.stringContaining(s)),
    );
    expect(await repairFlowEffects(connection(), later())).toBe(0);
  });
});

describe('an entry delivered twice in full', () => {
  it('writes one task, history entry, automation record and notification; repeated events keep their ids', async () => {
    const { a, b, sub } = p;
    const logs = await d.inject(w.owner, 'POST', `/apps/${w.appId}/forms`, {
      key: 'outbox_logs',
      name: { en: 'Logs' },
      fields: [{ key: 'msg', type: 'text', label: { en: 'Msg' } }],
    });
    expect(logs.statusCode).toBe(201);
    const automation = await d.inject(w.owner, 'POST', `/apps/${w.appId}/automations`, {
      definition: {
        key: 'on_end',
        name: { en: 'On end' },
        trigger: { type: 'flowEnded', form: 'requests' },
        actions: [
          { type: 'createRecord', config: { form: 'outbox_logs', values: { msg: '"ended"' } } },
          { type: 'notify', config: { to: [{ kind: 'member', members: [b.userId] }], title: 'Ended' } },
        ],
      },
    });
    expect(automation.statusCode).toBe(201);
    await d.publish(
      chainFlow([
        approvalOf('review', [a.userId]),
        { id: 'tell', type: 'cc', recipients: [{ kind: 'member', members: [b.userId] }] },
      ]),
    );
    const record = await d.submit(sub, { amount: 8 });
    notices.length = 0;
    // The process dies after every effect, before its last step (the task notices) and the entry's removal.
    vi.mocked(announceTasks).mockImplementationOnce(() => {
      throw new Error('the process died');
    });
    expect((await d.act(a, (await d.taskOf(a, record.id)).id, { action: 'approve' })).statusCode).toBe(200);
    await d.runDue();
    const [entry] = await outboxOf(record.id);
    // As if it died before it could note any progress: the repair delivers every step a second time.
    await recordModel(connection()).collection.updateOne(
      { _id: new Types.ObjectId(record.id), 'flowOutbox.id': entry?.id },
      { $set: { 'flowOutbox.$.delivery': { ...entry?.delivery, done: 0 } } },
    );
    expect(await repairFlowEffects(connection(), later())).toBe(1);
    await d.runDue();

    expect(await tasksOf(record.id, 'cc')).toBe(1);
    expect(await tasksOf(record.id, 'approve')).toBe(1);
    expect(await flowHistoryOf(record.id)).toBe(2);
    const logged = await d.inject(w.owner, 'GET', `/forms/${String(logs.json().id)}/records`);
    expect((logged.json() as { items: unknown[] }).items).toHaveLength(1);
    expect(
      await notificationModel(connection()).collection.countDocuments({ user: new Types.ObjectId(b.userId) }),
    ).toBe(1);
    // The `ended` event went out twice under one id (the automation's run is keyed by the instance).
    expect(endedIds).toHaveLength(2);
    expect(new Set(endedIds).size).toBe(1);
  });
});
