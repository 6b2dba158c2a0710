import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { addMember, code, runSetup, type Session } from '../auth/test-helpers.js';
import { taskModel } from './model.js';
import { createTask, type TaskView } from './service.js';

let t: TestApp;
let owner: Session & { workspaceId: string };
let ws: string;
beforeAll(async () => {
  t = await createTestApp();
  owner = await runSetup(t.app);
  ws = owner.workspaceId;
});
afterAll(async () => {
  await t.close();
});

const api = (method: 'GET' | 'POST' | 'PATCH', url: string, who: Session, payload?: object) =>
  t.app.inject({ method, url: `/api/v1${url}`, headers: who.headers, ...(payload ? { payload } : {}) });

let seq = 0;
const member = (name: string, extra: Record<string, unknown> = {}, roles = ['member'], inWs = ws) =>
  addMember(t.app, owner, inWs, `${name}-${++seq}@example.com`, roles, extra);

const tasksFor = (assignee: Session, count: number, inWs = ws) =>
  Promise.all(
    Array.from({ length: count }, (_, n) =>
      createTask(t.store.connection, {
        ws: inWs,
        app: new Types.ObjectId(),
        form: new Types.ObjectId(),
        record: new Types.ObjectId(),
        kind: 'approve',
        assignee: assignee.userId,
        title: { en: `Task ${n}` },
      }),
    ),
  );

const stored = (tasks: TaskView[]) =>
  taskModel(t.store.connection)
    .find({ _id: { $in: tasks.map((task) => task.id) } })
    .lean();

const deactivate = (leaver: Session, payload?: object, by: Session = owner) =>
  api('POST', `/workspaces/${ws}/members/${leaver.userId}/deactivate`, by, payload);

const department = async (name: string, extra: Record<string, unknown> = {}) => {
  const res = await api('POST', `/workspaces/${ws}/departments`, owner, { name, ...extra });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
};

const effectOf = (res: { json(): unknown }) =>
  (res.json() as { effects: Record<string, unknown>[] }).effects[0];

/** Deactivates `leaver` and checks that `count` tasks went to `to` with the given reason. */
async function expectMoved(leaver: Session, to: Session, via: string, count: number, payload?: object) {
  const tasks = await tasksFor(leaver, count);
  const res = await deactivate(leaver, payload);
  expect(res.statusCode, res.body).toBe(200);
  expect(res.json().effects).toEqual([
    { type: 'reassignOpenTasks', ws, from: leaver.userId, to: to.userId, via, moved: count },
  ]);
  for (const doc of await stored(tasks)) {
    expect(String(doc.assignee)).toBe(to.userId);
    expect(doc.v).toBe(2);
    expect(doc.history.map((h) => h.action)).toEqual(['created', 'reassigned']);
    expect(doc.history[1]).toMatchObject({ reason: 'member.deactivated' });
    expect(String(doc.history[1]?.from)).toBe(leaver.userId);
    expect(String(doc.history[1]?.to)).toBe(to.userId);
    expect(String(doc.history[1]?.by)).toBe(owner.userId);
  }
  return tasks;
}

describe('deactivation reassigns open tasks', () => {
  it('to the manager when active, shown in the new assignee list and audited', async () => {
    const boss = await member('boss');
    const leaver = await member('leaver', { manager: boss.userId });
    const tasks = await expectMoved(leaver, boss, 'manager', 3);
    const list = await api('GET', `/workspaces/${ws}/tasks`, boss);
    expect(
      list
        .json()
        .items.map((i: TaskView) => i.id)
        .sort(),
    ).toEqual(tasks.map((i) => i.id).sort());
    expect(list.json().items[0].history[1]).toMatchObject({
      action: 'reassigned',
      from: leaver.userId,
      to: boss.userId,
      by: owner.userId,
      reason: 'member.deactivated',
    });
    const audit = await api('GET', `/workspaces/${ws}/audit?action=tasks.reassigned`, owner);
    const entry = audit.json().items.find((e: { target: { id: string } }) => e.target.id === leaver.userId);
    expect(entry.details).toMatchObject({ from: leaver.userId, to: boss.userId, count: 3 });
    expect(entry.actor.user).toBe(owner.userId);
  });

  it('to the nearest active department head above when the manager is inactive', async () => {
    const boss = await member('boss');
    const topHead = await member('tophead');
    const midHead = await member('midhead');
    const top = await department('Top', { head: topHead.userId });
    const mid = await department('Mid', { parent: top, head: midHead.userId });
    const leaf = await department('Leaf', { parent: mid });
    const leaver = await member('leaver', { manager: boss.userId, department: leaf });
    expect((await deactivate(boss)).statusCode).toBe(200);
    expect((await deactivate(midHead)).statusCode).toBe(200);
    // Leaf has no head, Mid's head is inactive: Top's head takes the tasks.
    await expectMoved(leaver, topHead, 'departmentHead', 2);
  });

  it("skips the leaver's own headship and goes to the head above", async () => {
    const top = await member('top');
    const chief = await member('chief');
    const parent = await department('Parent', { head: top.userId });
    const own = await department('Own', { parent, head: chief.userId });
    await api('PATCH', `/workspaces/${ws}/members/${chief.userId}`, owner, { department: own });
    await expectMoved(chief, top, 'departmentHead', 1);
  });

  it('to the acting admin when there is no manager nor head', async () => {
    const admin = await member('admin', {}, ['admin']);
    const leaver = await member('leaver');
    const tasks = await tasksFor(leaver, 2);
    const res = await deactivate(leaver, undefined, admin);
    expect(res.statusCode, res.body).toBe(200);
    expect(effectOf(res)).toMatchObject({ to: admin.userId, via: 'actingAdmin', moved: 2 });
    for (const doc of await stored(tasks)) expect(String(doc.assignee)).toBe(admin.userId);
  });

  it('to the longest-standing owner when an API token or the leaver themselves acts', async () => {
    const minted = await api('POST', `/workspaces/${ws}/api-tokens`, owner, { name: 'ops', role: 'admin' });
    expect(minted.statusCode, minted.body).toBe(201);
    const token = { token: '', userId: '', headers: { authorization: `Bearer ${minted.json().token}` } };
    const byToken = await member('bytoken');
    await tasksFor(byToken, 1);
    const res = await deactivate(byToken, undefined, token);
    expect(res.statusCode, res.body).toBe(200);
    expect(effectOf(res)).toMatchObject({ to: owner.userId, via: 'owner', moved: 1 });
    const [doc] = await taskModel(t.store.connection).find({ assignee: owner.userId }).lean();
    expect(doc?.history.at(-1)).toMatchObject({ action: 'reassigned', by: null });

    const selfAdmin = await member('selfadmin', {}, ['admin']);
    await tasksFor(selfAdmin, 2);
    const self = await deactivate(selfAdmin, undefined, selfAdmin);
    expect(self.statusCode, self.body).toBe(200);
    expect(effectOf(self)).toMatchObject({ to: owner.userId, via: 'owner', moved: 2 });
  });

  it('to an explicit reassignTo, which must be another active member (422 otherwise, nothing changed)', async () => {
    const boss = await member('boss');
    const pick = await member('pick');
    const inactive = await member('inactive');
    expect((await deactivate(inactive)).statusCode).toBe(200);
    const leaver = await member('leaver', { manager: boss.userId });
    const tasks = await tasksFor(leaver, 2);
    for (const reassignTo of [leaver.userId, inactive.userId, '0'.repeat(24), 'someone', owner.token]) {
      const res = await deactivate(leaver, { reassignTo });
      expect(res.statusCode, reassignTo).toBe(422);
      expect(code(res)).toBe('UNPROCESSABLE');
      expect(res.json().error.details).toEqual([{ path: '/reassignTo', message: expect.any(String) }]);
    }
    // A member of another workspace is no member here.
    const created = await api('POST', '/workspaces', owner, { name: 'Other' });
    const outsider = await addMember(t.app, owner, created.json().id, `out-${++seq}@example.com`);
    expect((await deactivate(leaver, { reassignTo: outsider.userId })).statusCode).toBe(422);
    expect((await deactivate(leaver, { reassignTo: pick.userId, extra: 1 })).statusCode).toBe(400);
    const still = await api('GET', `/workspaces/${ws}/members/${leaver.userId}`, owner);
    expect(still.json().active).toBe(true);
    for (const doc of await stored(tasks)) expect(String(doc.assignee)).toBe(leaver.userId);

    const res = await deactivate(leaver, { reassignTo: pick.userId });
    expect(effectOf(res)).toMatchObject({ to: pick.userId, via: 'explicit', moved: 2 });
    for (const doc of await stored(tasks)) expect(String(doc.assignee)).toBe(pick.userId);
  });

  it('moves only pending tasks of this workspace, and only once when repeated', async () => {
    const boss = await member('boss');
    const leaver = await member('leaver', { manager: boss.userId });
    const created = await api('POST', '/workspaces', owner, { name: 'Second' });
    const second = created.json().id as string;
    await addMember(t.app, owner, second, `leaver-${seq}@example.com`);
    const elsewhere = await tasksFor(leaver, 2, second);
    const [done, ...open] = await tasksFor(leaver, 4);
    if (!done) throw new Error('no task');
    await taskModel(t.store.connection).updateOne({ _id: done.id }, { $set: { status: 'done' } });

    const first = await deactivate(leaver);
    expect(effectOf(first)).toMatchObject({ to: boss.userId, moved: 3 });
    const again = await deactivate(leaver);
    expect(again.statusCode).toBe(200);
    expect(effectOf(again)).toMatchObject({ to: boss.userId, moved: 0 });

    for (const doc of await stored(open)) {
      expect(String(doc.assignee)).toBe(boss.userId);
      expect(doc.history.filter((h) => h.action === 'reassigned')).toHaveLength(1);
    }
    for (const doc of await stored([...elsewhere, done])) {
      expect(String(doc.assignee)).toBe(leaver.userId);
      expect(doc.v).toBe(1);
    }
    const audit = await api('GET', `/workspaces/${ws}/audit?action=tasks.reassigned`, owner);
    const entries = audit
      .json()
      .items.filter((e: { target: { id: string } }) => e.target.id === leaver.userId);
    expect(entries).toHaveLength(1);
  });

  it('reports moved: 0 for a member without tasks, and the admin-only and 404 rules still hold', async () => {
    const boss = await member('boss');
    const idle = await member('idle', { manager: boss.userId });
    const res = await deactivate(idle);
    expect(res.json().effects).toEqual([
      { type: 'reassignOpenTasks', ws, from: idle.userId, to: boss.userId, via: 'manager', moved: 0 },
    ]);
    const plain = await member('plain');
    const target = await member('target');
    expect((await deactivate(target, undefined, plain)).statusCode).toBe(403);
    expect((await deactivate({ ...target, userId: '0'.repeat(24) })).statusCode).toBe(404);
  });
});
