import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { addMember } from '../auth/test-helpers.js';
import { call, createForm, label, type Workspace, workspaceWithApp } from './test-fixtures.js';

let t: TestApp;
let w: Workspace;
let plans: string;
let statements: string;

const create = async (form: string, data: Record<string, unknown>) => {
  const res = await call(t, w, 'POST', `/forms/${form}/records`, { data });
  if (res.statusCode !== 201) throw new Error(res.body);
  return res.json() as { id: string; v: number; data: Record<string, unknown> };
};

beforeAll(async () => {
  t = await createTestApp();
  w = await workspaceWithApp(t);
  plans = await createForm(t, w, {
    key: 'plans',
    name: label('Plans'),
    fields: [
      { key: 'name', type: 'text', label: label('Name') },
      { key: 'validFrom', type: 'date', label: label('Valid from') },
      { key: 'rate', type: 'percent', label: label('Rate') },
    ],
  });
  statements = await createForm(t, w, {
    key: 'statements',
    name: label('Statements'),
    fields: [
      { key: 'periodStart', type: 'date', label: label('Period start') },
      {
        key: 'plan',
        type: 'relation',
        label: label('Plan'),
        form: 'plans',
        autoLink: { field: 'validFrom', op: 'lte', value: { $field: 'periodStart' } },
      },
      { key: 'rate', type: 'lookup', label: label('Rate'), relation: 'plan', field: 'rate' },
    ],
  });
});
afterAll(async () => t?.close());

describe('relations linked by a rule (autoLink)', () => {
  it('links the newest record matching the rule when the relation is left empty, and computes through it', async () => {
    const early = await create(plans, { name: 'Early', validFrom: '2026-01-01', rate: 0.02 });
    const late = await create(plans, { name: 'Late', validFrom: '2026-06-01', rate: 0.03 });
    const march = await create(statements, { periodStart: '2026-03-01' });
    expect(march.data).toMatchObject({ plan: early.id, rate: 0.02 });
    // Both plans match July: the newest one wins.
    const july = await create(statements, { periodStart: '2026-07-01' });
    expect(july.data).toMatchObject({ plan: late.id, rate: 0.03 });
    // Nothing matches: the relation stays empty.
    const before = await create(statements, { periodStart: '2025-01-01' });
    expect(before.data.plan ?? null).toBeNull();
    // A value the caller gives is kept.
    const chosen = await create(statements, { periodStart: '2026-07-01', plan: early.id });
    expect(chosen.data.plan).toBe(early.id);
  });

  it('links again on an update that leaves the relation empty, with the updated values', async () => {
    const orphan = await create(statements, { periodStart: '2024-01-01' });
    expect(orphan.data.plan ?? null).toBeNull();
    const res = await call(t, w, 'PATCH', `/forms/${statements}/records/${orphan.id}`, {
      v: orphan.v,
      data: { periodStart: '2026-02-01' },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data.rate).toBe(0.02);
  });

  it('refuses a rule naming a field the related form or this form does not have', async () => {
    const res = await call(t, w, 'POST', `/apps/${w.appId}/forms`, {
      key: 'broken',
      name: label('Broken'),
      fields: [
        { key: 'day', type: 'date', label: label('Day') },
        {
          key: 'plan',
          type: 'relation',
          label: label('Plan'),
          form: 'plans',
          autoLink: {
            and: [
              { field: 'nope', op: 'eq', value: 1 },
              { field: 'validFrom', op: 'lte', value: { $field: 'missing' } },
            ],
          },
        },
      ],
    });
    // The forms route answers reference problems of a definition as it does for rollups: 400 with paths.
    expect(res.statusCode, res.body).toBe(400);
    const paths = (res.json() as { error: { details: Array<{ path: string }> } }).error.details.map(
      (d) => d.path,
    );
    expect(paths).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/fields\/1\/autoLink\/and\/0\/field$/),
        expect.stringMatching(/fields\/1\/autoLink\/and\/1\/value$/),
      ]),
    );
  });
});

describe('conditions on a department and below (inDepartment)', () => {
  it("sums records whose member is in the host's department or one below it, by member or by record department", async () => {
    const dept = async (name: string, parent?: string) => {
      const res = await call(t, w, 'POST', '/departments', { name, ...(parent ? { parent } : {}) });
      if (res.statusCode !== 201) throw new Error(res.body);
      return (res.json() as { id: string }).id;
    };
    const region = await dept('East');
    const team = await dept('East 1', region);
    const other = await dept('North');
    const ann = await addMember(t.app, w.owner, w.ws, 'ann@example.com', ['admin'], { department: team });
    await createForm(t, w, {
      key: 'deals',
      name: label('Deals'),
      fields: [
        { key: 'seller', type: 'member', label: label('Seller') },
        { key: 'amount', type: 'number', label: label('Amount') },
      ],
    });
    const goals = await createForm(t, w, {
      key: 'goals',
      name: label('Goals'),
      fields: [
        { key: 'unit', type: 'department', label: label('Unit') },
        {
          key: 'bySeller',
          type: 'rollup',
          label: label('By seller'),
          form: 'deals',
          field: 'amount',
          aggregate: 'sum',
          conditions: { field: 'seller', op: 'inDepartment', value: { $field: 'unit' } },
        },
        {
          key: 'byRecord',
          type: 'rollup',
          label: label('By record department'),
          form: 'deals',
          field: 'amount',
          aggregate: 'sum',
          conditions: { field: '_dept', op: 'inDepartment', value: { $field: 'unit' } },
        },
      ],
    });
    const deals = (await call(t, w, 'GET', `/apps/${w.appId}/forms`))
      .json()
      .find((f: { key: string }) => f.key === 'deals').id as string;
    // Ann (team East 1) writes a deal of her own; the owner (no department) writes one naming her.
    const own = await call(
      t,
      w,
      'POST',
      `/forms/${deals}/records`,
      { data: { seller: ann.userId, amount: 70 } },
      ann.headers,
    );
    expect(own.statusCode, own.body).toBe(201);
    await create(deals, { seller: ann.userId, amount: 30 });
    await create(deals, { seller: w.owner.userId, amount: 5 });
    const of = async (unit: string) => (await create(goals, { unit })).data;
    expect(await of(region)).toMatchObject({ bySeller: 100, byRecord: 70 });
    expect(await of(team)).toMatchObject({ bySeller: 100, byRecord: 70 });
    expect(await of(other)).toMatchObject({ bySeller: 0, byRecord: 0 });
    expect((await create(goals, {})).data).toMatchObject({ bySeller: 0, byRecord: 0 });
  });
});
