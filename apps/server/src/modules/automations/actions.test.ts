import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { addMember, code, type Session } from '../auth/test-helpers.js';
import { call, createForm, label, type Workspace, workspaceWithApp } from '../records/test-fixtures.js';
import { engineHooks } from './engine.js';
import { createAutomation, createRecord, patchRecord, recordsOf, runsOf } from './test-fixtures.js';

let t: TestApp;
let w: Workspace;
let bob: Session;
let targets: string;
let items: string;
let logs: string;
let time = Date.parse('2026-03-02T08:00:00Z');

const run = (id: string, body: Record<string, unknown> = {}, headers = w.owner.headers) =>
  call(t, w, 'POST', `/automations/${id}/run`, body, headers);

beforeAll(async () => {
  t = await createTestApp({}, { clock: () => new Date(time), pollJobs: false });
  w = await workspaceWithApp(t);
  bob = await addMember(t.app, w.owner, w.ws, 'bob@example.com', ['member'], { manager: w.owner.userId });
  targets = await createForm(t, w, {
    key: 'targets',
    name: label('Targets'),
    fields: [
      { key: 'name', type: 'text', label: label('Name') },
      { key: 'parent', type: 'relation', label: label('Parent'), form: 'targets' },
      { key: 'amount', type: 'money', label: label('Amount'), currency: 'CNY', precision: 0 },
      { key: 'lastYear', type: 'number', label: label('Last year'), precision: 0 },
      { key: 'assignee', type: 'member', label: label('Assignee') },
    ],
  });
  items = await createForm(t, w, {
    key: 'items',
    name: label('Items'),
    fields: [
      { key: 'a', type: 'number', label: label('A'), precision: 0 },
      { key: 'b', type: 'number', label: label('B'), precision: 0 },
      { key: 'owner', type: 'member', label: label('Who') },
    ],
  });
  logs = await createForm(t, w, {
    key: 'logs',
    name: label('Logs'),
    fields: [
      { key: 'msg', type: 'text', label: label('Msg') },
      { key: 'who', type: 'member', label: label('Who') },
    ],
  });
}, 60_000);

afterAll(async () => {
  engineHooks.afterEffects = undefined;
  await t.close();
});

async function tree(
  amounts: Array<{ name: string; lastYear?: number; amount?: number }>,
  total = 10_000_000,
) {
  const parent = await createRecord(t, w, targets, { name: 'Company', amount: total });
  const children = [];
  for (const c of amounts) children.push(await createRecord(t, w, targets, { ...c, parent: parent.id }));
  return { parent: parent.id, children: children.map((c) => c.id) };
}

async function amountsOf(children: string[]) {
  const all = await recordsOf(t, w, targets);
  return children.map((id) => all.find((r) => r.id === id)?.data.amount);
}

describe('distribute (SALES-TEMPLATE worked numbers)', () => {
  const distribute = (key: string, extra: Record<string, unknown>) =>
    createAutomation(t, w, {
      key,
      trigger: { type: 'manual' },
      actions: [
        {
          type: 'distribute',
          config: { form: 'targets', relation: 'parent', source: 'amount', target: 'amount', ...extra },
        },
      ],
    });

  it('equal: 10,000,000 over three gives 3,333,334 / 3,333,333 / 3,333,333, ties to the earlier child', async () => {
    const id = await distribute('split_equal', { method: 'equal' });
    const { parent, children } = await tree([{ name: 'East' }, { name: 'North' }, { name: 'South' }]);
    const res = await run(id, { record: parent });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { runId: string; status: string; effects: Array<{ record: string }> };
    expect(body.status).toBe('succeeded');
    expect(body.effects.map((e) => e.record)).toEqual(children);
    expect(await amountsOf(children)).toEqual([3_333_334, 3_333_333, 3_333_333]);
  });

  it('by history 4.2M / 2.8M / 2.0M: 4,666,667 / 3,111,111 / 2,222,222', async () => {
    const id = await distribute('split_history', { method: 'weights', weightField: 'lastYear' });
    const { parent, children } = await tree([
      { name: 'East', lastYear: 4_200_000 },
      { name: 'North', lastYear: 2_800_000 },
      { name: 'South', lastYear: 2_000_000 },
    ]);
    expect((await run(id, { record: parent })).json()).toMatchObject({ status: 'succeeded' });
    expect(await amountsOf(children)).toEqual([4_666_667, 3_111_111, 2_222_222]);
  });

  it('weights from a list (seasonality), and manual keeps set children and spreads the rest', async () => {
    const list = await distribute('split_list', { method: 'weights', weights: [1, 2, 1] });
    const one = await tree([{ name: 'Q1' }, { name: 'Q2' }, { name: 'Q3' }]);
    await run(list, { record: one.parent });
    expect(await amountsOf(one.children)).toEqual([2_500_000, 5_000_000, 2_500_000]);
    const manual = await distribute('split_manual', { method: 'manual' });
    const two = await tree([{ name: 'A', amount: 4_000_000 }, { name: 'B' }, { name: 'C' }]);
    await run(manual, { record: two.parent });
    expect(await amountsOf(two.children)).toEqual([4_000_000, 3_000_000, 3_000_000]);
    // Kept values above the total cannot be spread: the run fails, nothing is half-written.
    const three = await tree([{ name: 'A', amount: 11_000_000 }, { name: 'B' }]);
    const res = (await run(manual, { record: three.parent })).json() as {
      status: string;
      error: { code: string };
    };
    expect(res).toMatchObject({ status: 'failed', error: { code: 'UNPROCESSABLE' } });
    expect(await amountsOf(three.children)).toEqual([11_000_000, undefined]);
  });
});

describe('record actions', () => {
  it('updateRecords filters with { $field } of the trigger; deleteRecords deletes what matches', async () => {
    const raise = await createAutomation(t, w, {
      key: 'raise',
      trigger: { type: 'manual' },
      actions: [
        {
          type: 'updateRecords',
          config: {
            form: 'targets',
            filter: { field: 'parent', op: 'eq', value: { $field: '_id' } },
            values: { lastYear: 'item.amount + input.bonus' },
          },
        },
      ],
    });
    const { parent, children } = await tree([
      { name: 'X', amount: 10 },
      { name: 'Y', amount: 20 },
    ]);
    const res = (await run(raise, { record: parent, input: { bonus: 5 } })).json() as { effects: unknown[] };
    expect(res.effects).toHaveLength(2);
    const all = await recordsOf(t, w, targets);
    expect(children.map((id) => all.find((r) => r.id === id)?.data.lastYear)).toEqual([15, 25]);
    const prune = await createAutomation(t, w, {
      key: 'prune',
      trigger: { type: 'manual' },
      actions: [
        {
          type: 'deleteRecords',
          config: { form: 'targets', filter: { field: 'parent', op: 'eq', value: { $field: '_id' } } },
        },
      ],
    });
    expect((await run(prune, { record: parent })).json()).toMatchObject({ status: 'succeeded' });
    const left = await recordsOf(t, w, targets);
    expect(left.some((r) => children.includes(r.id))).toBe(false);
    expect(left.some((r) => r.id === parent)).toBe(true);
  });

  it('createRecord forEach: one record per member holding a role, the item in scope', async () => {
    const each = await createAutomation(t, w, {
      key: 'per_member',
      trigger: { type: 'manual' },
      actions: [
        {
          type: 'createRecord',
          config: {
            form: 'logs',
            forEach: { kind: 'members', role: 'member' },
            values: { msg: 'CONCATENATE("hello ", item.name)', who: 'item.id' },
            owner: 'item.id',
          },
        },
      ],
    });
    const res = (await run(each)).json() as { effects: Array<{ record: string }> };
    expect(res.effects).toHaveLength(1);
    const made = (await recordsOf(t, w, logs)).filter((r) => r.id === res.effects[0]?.record);
    expect(made[0]).toMatchObject({ data: { msg: 'hello bob', who: bob.userId }, owner: bob.userId });
  });

  it('notify tells the assignees in the notification centre; e-mail is skipped without SMTP and says so', async () => {
    const tell = await createAutomation(t, w, {
      key: 'tell',
      trigger: { type: 'recordCreated', form: 'targets' },
      conditions: ['NOT(ISEMPTY(assignee))'],
      actions: [
        {
          type: 'notify',
          config: {
            to: [
              { kind: 'field', field: 'assignee' },
              { kind: 'manager', field: 'assignee' },
            ],
            title: 'Target {{name}}: {{amount}}',
            body: 'Due {{TEXT(NOW(), "YYYY-MM-DD")}}',
          },
        },
      ],
    });
    await createRecord(t, w, targets, { name: 'Bob Q2', amount: 500, assignee: bob.userId });
    await t.app.scheduler.runDue();
    const [r] = await runsOf(t, w, tell);
    expect(r?.error).toBeUndefined();
    expect(r?.status).toBe('succeeded');
    const kinds = r?.actions[0]?.effects.map((e) => e.kind);
    expect(kinds).toEqual(['notified', 'emailSkipped']);
    const mine = await call(t, w, 'GET', '/notifications', undefined, bob.headers);
    expect(mine.statusCode).toBe(200);
    const list = mine.json() as {
      unread: number;
      items: Array<{ id: string; title: string; body: string; read: boolean }>;
    };
    expect(list.unread).toBe(1);
    // Bob holds no role that lets him view targets: values of the record are left blank for him
    // (notify-access.test.ts); the body reads no record value.
    expect(list.items[0]).toMatchObject({ title: 'Target : ', body: 'Due 2026-03-02', read: false });
    // The manager (the owner) is told too, with the values; nobody else sees Bob's notification.
    const owners = (await call(t, w, 'GET', '/notifications')).json() as {
      items: Array<{ id: string; title: string }>;
    };
    expect(owners.items).toHaveLength(1);
    expect(owners.items[0]?.title).toBe('Target Bob Q2: 500');
    expect(owners.items[0]?.id).not.toBe(list.items[0]?.id);
    const other = await call(t, w, 'POST', '/notifications/read', { ids: [list.items[0]?.id] });
    expect(other.statusCode).toBe(404);
    const read = await call(t, w, 'POST', '/notifications/read', { ids: [list.items[0]?.id] }, bob.headers);
    expect(read.json()).toEqual({ unread: 0 });
    expect((await call(t, w, 'POST', '/notifications/read', {}, bob.headers)).statusCode).toBe(400);
  });
});

describe('execution', () => {
  it('a crash between two actions: the retry finds the first action done and never creates twice', async () => {
    const twice = await createAutomation(t, w, {
      key: 'two_steps',
      trigger: { type: 'recordCreated', form: 'items' },
      actions: [
        { type: 'createRecord', config: { form: 'logs', values: { msg: '"first"' } } },
        { type: 'createRecord', config: { form: 'logs', values: { msg: '"second"' } } },
      ],
    });
    let crashes = 0;
    engineHooks.afterEffects = (_key, index) => {
      // The first action's record is stored, then the process "dies" before the run log records it.
      if (index === 0 && crashes === 0) {
        crashes += 1;
        throw new Error('simulated crash');
      }
    };
    await createRecord(t, w, items, { a: 1 });
    await t.app.scheduler.runDue();
    const [first] = await runsOf(t, w, twice);
    expect(first).toMatchObject({ status: 'retrying', attempts: 1 });
    time += 60_000;
    await t.app.scheduler.runDue();
    engineHooks.afterEffects = undefined;
    const [done] = await runsOf(t, w, twice);
    expect(done).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(done?.actions[0]?.effects[0]).toMatchObject({ kind: 'recordCreated', detail: { already: true } });
    const msgs = (await recordsOf(t, w, logs)).map((r) => r.data.msg);
    expect(msgs.filter((m) => m === 'first')).toHaveLength(1);
    expect(msgs.filter((m) => m === 'second')).toHaveLength(1);
  });

  it('the loop guard stops an automation re-triggering itself and a cycle of two', async () => {
    const self = await createAutomation(t, w, {
      key: 'self',
      trigger: { type: 'recordUpdated', form: 'items', fields: ['a'] },
      actions: [
        {
          type: 'updateRecords',
          config: {
            form: 'items',
            filter: { field: '_id', op: 'eq', value: { $field: '_id' } },
            values: { a: 'a + 1', b: 'b + 1' },
          },
        },
      ],
    });
    const pong = await createAutomation(t, w, {
      key: 'pong',
      trigger: { type: 'recordUpdated', form: 'items', fields: ['b'] },
      actions: [
        {
          type: 'updateRecords',
          config: {
            form: 'items',
            filter: { field: '_id', op: 'eq', value: { $field: '_id' } },
            values: { a: 'a + 10' },
          },
        },
      ],
    });
    const item = await createRecord(t, w, items, { a: 0, b: 0 });
    await t.app.scheduler.runDue();
    await patchRecord(t, w, items, item.id, { a: 100 });
    for (let i = 0; i < 5; i++) await t.app.scheduler.runDue();
    const [stored] = (await recordsOf(t, w, items)).filter((r) => r.id === item.id);
    // user: a=100 → self: a=101, b=1 → (self again: stopped) pong: a=111 → self again: stopped.
    expect(stored?.data).toMatchObject({ a: 111, b: 1 });
    const selfRuns = await runsOf(t, w, self);
    expect(selfRuns.map((r) => r.status).sort()).toEqual(['skipped', 'skipped', 'succeeded']);
    expect(selfRuns.find((r) => r.status === 'skipped')?.reason).toMatch(/loop guard/);
    expect((await runsOf(t, w, pong)).map((r) => r.status)).toEqual(['succeeded']);
  });
});

describe('managing automations', () => {
  it('only app managers list, run, edit, enable or disable; other workspaces see nothing', async () => {
    const id = await createAutomation(t, w, {
      key: 'guarded',
      trigger: { type: 'manual' },
      actions: [{ type: 'createRecord', config: { form: 'logs', values: { msg: '"x"' } } }],
    });
    expect((await call(t, w, 'GET', `/apps/${w.appId}/automations`, undefined, bob.headers)).statusCode).toBe(
      403,
    );
    expect((await run(id, {}, bob.headers)).statusCode).toBe(403);
    expect((await call(t, w, 'POST', `/automations/${id}/disable`, undefined, bob.headers)).statusCode).toBe(
      403,
    );
    expect((await call(t, w, 'GET', `/automations/${id}/runs`, undefined, bob.headers)).statusCode).toBe(403);
    const other = await t.app.inject({
      method: 'POST',
      url: '/api/v1/workspaces',
      headers: w.owner.headers,
      payload: { name: 'Other' },
    });
    const ws2 = (other.json() as { id: string }).id;
    const foreign = await t.app.inject({
      method: 'POST',
      url: `/api/v1/workspaces/${ws2}/automations/${id}/run`,
      headers: w.owner.headers,
      payload: {},
    });
    expect(foreign.statusCode).toBe(404);
    expect((await call(t, w, 'GET', '/automations/nope')).statusCode).toBe(404);
  });

  it('refuses bad definitions with paths, stale versions with 409, and unknown records with 404', async () => {
    const bad = await call(t, w, 'POST', `/apps/${w.appId}/automations`, {
      definition: {
        key: 'bad',
        name: { en: 'Bad' },
        trigger: { type: 'manual' },
        actions: [{ type: 'notify', config: { title: 'x' } }],
      },
    });
    expect(bad.statusCode).toBe(400);
    expect((bad.json() as { error: { details: Array<{ path: string }> } }).error.details[0]?.path).toBe(
      '/definition/actions/0/config/to',
    );
    const ghost = await call(t, w, 'POST', `/apps/${w.appId}/automations`, {
      definition: {
        key: 'ghost',
        name: { en: 'G' },
        trigger: { type: 'recordCreated', form: 'ghosts' },
        actions: [{ type: 'createRecord', config: { form: 'logs', values: {} } }],
      },
    });
    expect(ghost.statusCode).toBe(422);
    expect(code(await call(t, w, 'POST', `/apps/${w.appId}/automations`, {}))).toBe('VALIDATION_FAILED');
    const id = await createAutomation(t, w, {
      key: 'versioned',
      trigger: { type: 'manual' },
      actions: [{ type: 'createRecord', config: { form: 'logs', values: { msg: '"v"' } } }],
    });
    const definition = {
      key: 'versioned',
      name: { en: 'V2' },
      trigger: { type: 'manual' },
      actions: [{ type: 'createRecord', config: { form: 'logs', values: { msg: '"v2"' } } }],
    };
    expect((await call(t, w, 'PUT', `/automations/${id}`, { definition, v: 1 })).statusCode).toBe(200);
    expect((await call(t, w, 'PUT', `/automations/${id}`, { definition, v: 1 })).statusCode).toBe(409);
    expect((await run(id, { record: '0123456789abcdef01234567' })).statusCode).toBe(404);
    expect((await run(id, { input: 'x' })).statusCode).toBe(400);
  });
});

describe('actions that run only when their formula holds, and recompute at the run time', () => {
  it('runs the actions whose `when` holds for the trigger record and records the others as skipped', async () => {
    const id = await createAutomation(t, w, {
      key: 'pick_split',
      trigger: { type: 'manual' },
      actions: [
        {
          type: 'distribute',
          when: 'name = "even"',
          config: {
            form: 'targets',
            relation: 'parent',
            source: 'amount',
            target: 'amount',
            method: 'equal',
          },
        },
        {
          type: 'distribute',
          when: 'name = "weighted"',
          config: {
            form: 'targets',
            relation: 'parent',
            source: 'amount',
            target: 'amount',
            method: 'weights',
            weightField: 'lastYear',
          },
        },
      ],
    });
    const parent = await createRecord(t, w, targets, { name: 'weighted', amount: 900 });
    const children = [];
    for (const lastYear of [1, 2]) {
      children.push((await createRecord(t, w, targets, { name: 'c', lastYear, parent: parent.id })).id);
    }
    const res = (await run(id, { record: parent.id })).json() as { status: string };
    expect(res.status).toBe('succeeded');
    expect(await amountsOf(children)).toEqual([300, 600]);
    const [latest] = await runsOf(t, w, id);
    expect(latest?.actions.map((a) => a.status)).toEqual(['skipped', 'done']);
    // A `when` naming no field of the trigger form is refused like a condition would be.
    const bad = await call(t, w, 'POST', `/apps/${w.appId}/automations`, {
      definition: {
        key: 'bad_when',
        name: { en: 'Bad' },
        trigger: { type: 'recordCreated', form: 'logs' },
        actions: [{ type: 'createRecord', when: 'nope > 1', config: { form: 'logs', values: {} } }],
      },
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.details[0].path).toBe('/definition/actions/0/when');
  });

  it('recompute refreshes formulas that read TODAY() at the time of the run, only on matching records', async () => {
    const ages = await createForm(t, w, {
      key: 'ages',
      name: label('Ages'),
      fields: [
        { key: 'since', type: 'date', label: label('Since') },
        { key: 'tracked', type: 'switch', label: label('Tracked') },
        {
          key: 'days',
          type: 'formula',
          label: label('Days'),
          expression: 'DAYS(TODAY(), since)',
          resultType: 'number',
        },
      ],
    });
    const tracked = await createRecord(t, w, ages, { since: '2026-03-01', tracked: true });
    const other = await createRecord(t, w, ages, { since: '2026-03-01', tracked: false });
    // Written on the test clock's day, 2026-03-02.
    expect([tracked.data.days, other.data.days]).toEqual([1, 1]);
    const id = await createAutomation(t, w, {
      key: 'refresh_ages',
      trigger: { type: 'scheduled', cron: '0 1 * * *' },
      actions: [
        { type: 'recompute', config: { form: 'ages', filter: { field: 'tracked', op: 'eq', value: true } } },
      ],
    });
    const before = time;
    try {
      time = Date.parse('2026-03-11T23:00:00Z');
      await t.app.scheduler.runDue();
      const [latest] = await runsOf(t, w, id);
      expect(latest?.status).toBe('succeeded');
      expect(latest?.actions[0]?.effects[0]).toMatchObject({
        kind: 'recordsRecomputed',
        detail: { changed: 1 },
      });
      const all = await recordsOf(t, w, ages);
      expect(all.find((r) => r.id === tracked.id)?.data.days).toBe(10);
      expect(all.find((r) => r.id === other.id)?.data.days).toBe(1);
    } finally {
      time = before;
    }
  });
});
