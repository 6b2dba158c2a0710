import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { addMember, code, runSetup, type Session } from '../auth/test-helpers.js';
import { taskModel } from './model.js';
import { createTask, reassignOpenTasks, type TaskView } from './service.js';

let t: TestApp;
let owner: Session & { workspaceId: string };
let ws: string;
// Tasks point at an app, form and record; which ones does not matter to the task store.
const app = new Types.ObjectId();
const form = new Types.ObjectId();
beforeAll(async () => {
  t = await createTestApp();
  owner = await runSetup(t.app);
  ws = owner.workspaceId;
});
afterAll(async () => {
  await t.close();
});

const api = (method: 'GET' | 'POST', url: string, who: Session | null, payload?: object) =>
  t.app.inject({
    method,
    url: `/api/v1${url}`,
    ...(who ? { headers: who.headers } : {}),
    ...(payload ? { payload } : {}),
  });

let seq = 0;
/** A member with a unique email. */
const member = (name: string, extra: Record<string, unknown> = {}, roles = ['member'], inWs = ws) =>
  addMember(t.app, owner, inWs, `${name}-${++seq}@example.com`, roles, extra);

const task = (assignee: Session, n = 0, inWs = ws, kind: 'approve' | 'fill' = 'approve') =>
  createTask(t.store.connection, {
    ws: inWs,
    app,
    form,
    record: new Types.ObjectId(),
    flow: new Types.ObjectId(),
    step: 'review',
    kind,
    assignee: assignee.userId,
    title: { en: `Approve #${n}`, 'zh-CN': `审批 #${n}` },
  });

const tasksOf = async (who: Session, query = '', viewer: Session = who, inWs = ws) => {
  const res = await api('GET', `/workspaces/${inWs}/tasks${query}`, viewer);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { items: TaskView[]; nextCursor: string | null };
};

const deactivate = (leaver: Session, payload?: object, by: Session = owner) =>
  api('POST', `/workspaces/${ws}/members/${leaver.userId}/deactivate`, by, payload);

describe('GET /workspaces/:ws/tasks', () => {
  it("lists the caller's own pending tasks, newest first, with their history", async () => {
    const mia = await member('mia');
    const other = await member('other');
    const first = await task(mia, 1);
    const second = await task(mia, 2, ws, 'fill');
    await task(other, 3);
    const { items, nextCursor } = await tasksOf(mia, '?status=pending');
    expect(items.map((i) => i.id)).toEqual([second.id, first.id]);
    expect(nextCursor).toBeNull();
    expect(items[0]).toMatchObject({
      app: String(app),
      form: String(form),
      step: 'review',
      kind: 'fill',
      assignee: mia.userId,
      status: 'pending',
      title: { en: 'Approve #2', 'zh-CN': '审批 #2' },
      dueAt: null,
      v: 1,
      history: [{ action: 'created', by: null, to: mia.userId }],
      // These tasks' records do not exist: nothing names them.
      recordTitle: null,
      recordCreatedAt: null,
    });
    // Without status the list is the pending one.
    expect((await tasksOf(mia)).items.map((i) => i.id)).toEqual([second.id, first.id]);
  });

  it('filters by status', async () => {
    const ann = await member('ann');
    const open = await task(ann, 1);
    const done = await task(ann, 2);
    const cancelled = await task(ann, 3);
    const Task = taskModel(t.store.connection);
    await Task.updateOne({ _id: done.id }, { $set: { status: 'done' } });
    await Task.updateOne({ _id: cancelled.id }, { $set: { status: 'cancelled' } });
    expect((await tasksOf(ann, '?status=pending')).items.map((i) => i.id)).toEqual([open.id]);
    expect((await tasksOf(ann, '?status=done')).items.map((i) => i.id)).toEqual([done.id]);
    expect((await tasksOf(ann, '?status=cancelled')).items.map((i) => i.id)).toEqual([cancelled.id]);
  });

  it('pages with a cursor until every task was seen once', async () => {
    const pia = await member('pia');
    const made: string[] = [];
    for (let i = 0; i < 7; i++) made.push((await task(pia, i)).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `?limit=3${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await tasksOf(pia, query);
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([...made].reverse());
  });

  it('refuses bad input with 400 and anonymous callers with 401', async () => {
    for (const query of [
      '?status=open',
      '?limit=0',
      '?limit=101',
      '?limit=ten',
      '?cursor=bm9wZQ',
      '?assignee=nope',
      '?sort=createdAt',
    ]) {
      const res = await api('GET', `/workspaces/${ws}/tasks${query}`, owner);
      expect(res.statusCode, query).toBe(400);
      expect(code(res)).toBe('VALIDATION_FAILED');
    }
    expect((await api('GET', `/workspaces/${ws}/tasks?limit=100`, owner)).statusCode).toBe(200);
    const anonymous = await api('GET', `/workspaces/${ws}/tasks`, null);
    expect(anonymous.statusCode).toBe(401);
    expect(code(anonymous)).toBe('UNAUTHORIZED');
  });

  it("lets admins see another member's tasks; members get 403, unknown members 404", async () => {
    const lea = await member('lea');
    const nosy = await member('nosy');
    const admin = await member('adm', {}, ['admin']);
    const mine = await task(lea, 1);
    expect((await tasksOf(lea, `?assignee=${lea.userId}`, admin)).items.map((i) => i.id)).toEqual([mine.id]);
    expect((await tasksOf(lea, `?assignee=${lea.userId}`, owner)).items.map((i) => i.id)).toEqual([mine.id]);
    // Naming oneself is allowed to anyone.
    expect((await tasksOf(lea, `?assignee=${lea.userId}`)).items).toHaveLength(1);
    const denied = await api('GET', `/workspaces/${ws}/tasks?assignee=${lea.userId}`, nosy);
    expect(denied.statusCode).toBe(403);
    expect(code(denied)).toBe('FORBIDDEN');
    const unknown = await api('GET', `/workspaces/${ws}/tasks?assignee=${'0'.repeat(24)}`, owner);
    expect(unknown.statusCode).toBe(404);
  });

  it('asks API tokens for an assignee; an admin token may name one, a member token may not', async () => {
    const kit = await member('kit');
    const mine = await task(kit, 1);
    const mint = async (role: string) => {
      const res = await api('POST', `/workspaces/${ws}/api-tokens`, owner, { name: role, role });
      expect(res.statusCode, res.body).toBe(201);
      return { token: '', userId: '', headers: { authorization: `Bearer ${res.json().token}` } };
    };
    const admin = await mint('admin');
    const plain = await mint('member');
    const bare = await api('GET', `/workspaces/${ws}/tasks`, admin);
    expect(bare.statusCode).toBe(400);
    expect(bare.json().error.details).toEqual([{ path: '/query/assignee', message: expect.any(String) }]);
    expect((await tasksOf(kit, `?assignee=${kit.userId}`, admin)).items.map((i) => i.id)).toEqual([mine.id]);
    expect((await api('GET', `/workspaces/${ws}/tasks?assignee=${kit.userId}`, plain)).statusCode).toBe(403);
  });

  it("never shows another workspace's tasks", async () => {
    const sam = await member('sam');
    const created = await api('POST', '/workspaces', owner, { name: 'Elsewhere' });
    const otherWs = created.json().id as string;
    await addMember(t.app, owner, otherWs, `sam-${seq}@example.com`, ['member']);
    const here = await task(sam, 1);
    const there = await task(sam, 2, otherWs);
    expect((await tasksOf(sam)).items.map((i) => i.id)).toEqual([here.id]);
    expect((await tasksOf(sam, '', sam, otherWs)).items.map((i) => i.id)).toEqual([there.id]);
    // An admin of this workspace cannot reach the other through assignee either.
    const admin = await member('adm2', {}, ['admin']);
    const res = await api('GET', `/workspaces/${otherWs}/tasks?assignee=${sam.userId}`, admin);
    expect(res.statusCode).toBe(404);
  });
});

describe('createTask', () => {
  it('refuses an assignee who is not an active member, and a task without a title', async () => {
    const gone = await member('gone');
    expect((await deactivate(gone)).statusCode).toBe(200);
    await expect(task(gone)).rejects.toMatchObject({ code: 'UNPROCESSABLE' });
    const stranger = { userId: String(new Types.ObjectId()) } as Session;
    await expect(task(stranger)).rejects.toMatchObject({ code: 'UNPROCESSABLE' });
    const ok = await member('ok');
    await expect(
      createTask(t.store.connection, {
        ws,
        app,
        form,
        record: form,
        kind: 'fill',
        assignee: ok.userId,
        title: {},
      }),
    ).rejects.toMatchObject({ code: 'UNPROCESSABLE' });
  });
});

describe('reassignOpenTasks', () => {
  it('moves each pending task once even when two reassignments race', async () => {
    const from = await member('from');
    const to = await member('to');
    const made = await Promise.all([0, 1, 2, 3, 4, 5].map((n) => task(from, n)));
    const done = made[0]?.id ?? '';
    await taskModel(t.store.connection).updateOne({ _id: done }, { $set: { status: 'done' } });
    const [a, b] = await Promise.all([
      reassignOpenTasks(t.store.connection, ws, from.userId, to.userId, owner.userId, 'test'),
      reassignOpenTasks(t.store.connection, ws, from.userId, to.userId, owner.userId, 'test'),
    ]);
    expect((a?.moved ?? 0) + (b?.moved ?? 0)).toBe(5);
    const docs = await taskModel(t.store.connection)
      .find({ _id: { $in: made.map((m) => m.id) } })
      .lean();
    for (const doc of docs) {
      const moves = doc.history.filter((h) => h.action === 'reassigned');
      if (String(doc._id) === done) {
        expect(String(doc.assignee)).toBe(from.userId);
        expect(moves).toHaveLength(0);
      } else {
        expect(String(doc.assignee)).toBe(to.userId);
        expect(doc.v).toBe(2);
        expect(moves).toHaveLength(1);
        expect(moves[0]).toMatchObject({ reason: 'test' });
      }
    }
    const again = await reassignOpenTasks(t.store.connection, ws, from.userId, to.userId, null, 'test');
    expect(again).toEqual({ moved: 0, tasks: [] });
  });
});
