import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Session } from '../auth/test-helpers.js';
import { recordModel } from '../records/model.js';
import { taskModel } from '../tasks/model.js';
import { applyEffects } from './effects.js';
import { flowEvents } from './events.js';
import { repairFlowEffects } from './outbox.js';
import { approvalOf, chainFlow, driver, type FlowWorld, flowWorld } from './test-fixtures.js';

// A process that dies between a transition's record update and its effects is played by an applyEffects
// that throws once: the record keeps the transition (and its outbox entry), the tasks are missing until
// the repair carries the entry out.
vi.mock('./effects.js', async (original) => {
  const real = await original<typeof import('./effects.js')>();
  return { ...real, applyEffects: vi.fn(real.applyEffects) };
});
const crashOnce = () => vi.mocked(applyEffects).mockRejectedValueOnce(new Error('the process died'));

let w: FlowWorld;
let d: ReturnType<typeof driver>;
let p: Record<'sub' | 'a' | 'c', Session>;
const ended: string[] = [];
beforeAll(async () => {
  w = await flowWorld();
  d = driver(w);
  p = w.people as typeof p;
  flowEvents(w.t.store.connection).on('ended', (e) => {
    ended.push(e.record);
  });
  await d.publish(chainFlow([approvalOf('review', [p.a.userId]), approvalOf('final', [p.c.userId])]));
});
afterAll(async () => w.t.close());

const connection = () => w.t.store.connection;
const outboxOf = async (id: string) =>
  ((await recordModel(connection()).collection.findOne({ _id: new Types.ObjectId(id) }))?.flowOutbox ??
    []) as unknown[];
const tasksOf = (id: string) =>
  taskModel(connection()).collection.countDocuments({ record: new Types.ObjectId(id), kind: 'approve' });
const later = () => new Date(w.clock.now().getTime() + 3_600_000);

describe('flow effects a dead process left undone', () => {
  it('leave nothing behind when the transition finishes', async () => {
    const record = await d.submit(p.sub, { amount: 1 });
    expect(await outboxOf(record.id)).toEqual([]);
    await d.expectAct(p.a, record.id, { action: 'approve' });
    expect(await outboxOf(record.id)).toEqual([]);
    expect(await repairFlowEffects(connection(), later())).toBe(0);
  });

  it('a submission whose tasks never opened: the repair opens them, once', async () => {
    crashOnce();
    const res = await d.inject(p.sub, 'POST', `/forms/${w.formId}/records`, { data: { amount: 2 } });
    expect(res.statusCode).toBe(500);
    const [stored] = await recordModel(connection())
      .collection.find({ form: new Types.ObjectId(w.formId), 'data.amount': 2 })
      .toArray();
    const id = String(stored?._id);
    expect((await d.flowOf(id)).flow?.status).toBe('inProgress');
    expect(await tasksOf(id)).toBe(0);
    expect(await outboxOf(id)).toHaveLength(1);

    // Not yet: an entry younger than the grace may belong to a transition still under way.
    expect(await repairFlowEffects(connection(), new Date(0))).toBe(0);
    expect(await repairFlowEffects(connection(), later())).toBe(1);
    expect(await tasksOf(id)).toBe(1);
    expect(await outboxOf(id)).toEqual([]);
    expect((await d.taskOf(p.a, id)).record).toBe(id);
    expect((await d.tasks(p.sub, 'started')).items.map((t) => t.record)).toContain(id);
    expect(await repairFlowEffects(connection(), later())).toBe(0);
    expect(await tasksOf(id)).toBe(1);
  });

  it('an approval whose next step never opened and whose end never told anyone: the repair does both', async () => {
    const record = await d.submit(p.sub, { amount: 3 });
    crashOnce();
    const task = await d.taskOf(p.a, record.id);
    const res = await d.act(p.a, task.id, { action: 'approve' });
    expect(res.statusCode).toBe(500);
    expect((await d.flowOf(record.id)).flow?.current.map((n) => n.node)).toEqual(['final']);
    expect((await d.tasks(p.c)).items.filter((t) => t.record === record.id)).toEqual([]);
    expect(await repairFlowEffects(connection(), later())).toBe(1);
    await d.expectAct(p.c, record.id, { action: 'approve' });
    expect(ended).toContain(record.id);

    const other = await d.submit(p.sub, { amount: 4 });
    await d.expectAct(p.a, other.id, { action: 'approve' });
    const last = await d.taskOf(p.c, other.id);
    crashOnce();
    expect((await d.act(p.c, last.id, { action: 'approve' })).statusCode).toBe(500);
    expect(ended).not.toContain(other.id);
    expect((await d.flowOf(other.id)).flow?.status).toBe('approved');
    expect(await repairFlowEffects(connection(), later())).toBe(1);
    expect(ended).toContain(other.id);
    expect((await d.tasks(p.c)).items.filter((t) => t.record === other.id)).toEqual([]);
  });
});
