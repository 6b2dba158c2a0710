import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { addMember, runSetup, type Session } from '../auth/test-helpers.js';
import { label } from './test-fixtures.js';

// Issue 10, item 18: a list filters by a subform column (`items.qty`): a record matches when one of its
// rows satisfies the condition. Columns hidden from the caller cannot be filtered, as any hidden field.

let t: TestApp;
let owner: Session & { workspaceId: string };
let rep: Session;
let base: string;
let formId: string;
const ids: Record<string, string> = {};

const as = (who: Session, method: 'GET' | 'POST', path: string, payload?: unknown) =>
  t.app.inject({
    method,
    url: `${base}${path}`,
    headers: who.headers,
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });

const list = (who: Session, filter: unknown, extra = '') =>
  as(who, 'GET', `/forms/${formId}/records?filter=${encodeURIComponent(JSON.stringify(filter))}${extra}`);

const names = (res: { json(): { items: Array<{ data: { name: string } }> } }) =>
  res
    .json()
    .items.map((item) => item.data.name)
    .sort();

beforeAll(async () => {
  t = await createTestApp();
  owner = await runSetup(t.app);
  base = `/api/v1/workspaces/${owner.workspaceId}`;
  const app = await as(owner, 'POST', '/apps', {
    key: 'shop',
    name: label('Shop'),
    roles: [
      {
        key: 'rep',
        name: label('Rep'),
        forms: [{ form: 'orders', view: 'all', fields: [{ field: 'items.cost', access: 'hidden' }] }],
      },
    ],
  });
  expect(app.statusCode, app.body).toBe(201);
  rep = await addMember(t.app, owner, owner.workspaceId, 'rep@example.com', ['member', 'rep']);
  const form = await as(owner, 'POST', `/apps/${app.json().id}/forms`, {
    key: 'orders',
    name: label('Orders'),
    fields: [
      { key: 'name', type: 'text', label: label('Name') },
      {
        key: 'items',
        type: 'subform',
        label: label('Items'),
        columns: [
          { key: 'product', type: 'text', label: label('Product') },
          { key: 'qty', type: 'number', label: label('Qty') },
          { key: 'cost', type: 'number', label: label('Cost') },
        ],
      },
    ],
  });
  expect(form.statusCode, form.body).toBe(201);
  formId = form.json().id;
  const orders = {
    a: [
      { product: 'pen', qty: 1, cost: 7 },
      { product: 'ink', qty: 10, cost: 2 },
    ],
    b: [{ product: 'pen', qty: 3, cost: 9 }],
    c: [],
  };
  for (const [name, items] of Object.entries(orders)) {
    const res = await as(owner, 'POST', `/forms/${formId}/records`, { data: { name, items } });
    expect(res.statusCode, res.body).toBe(201);
    ids[name] = res.json().id;
  }
});
afterAll(async () => t?.close());

describe('filtering records by a subform column', () => {
  it('matches a record when one of its rows satisfies the condition', async () => {
    const big = await list(owner, { field: 'items.qty', op: 'gte', value: 5 });
    expect(big.statusCode, big.body).toBe(200);
    expect(names(big)).toEqual(['a']);
    // One row must lie in the range: a's rows 1 and 10 are on either side of it, not in it.
    expect(names(await list(owner, { field: 'items.qty', op: 'between', value: [2, 5] }))).toEqual(['b']);
    expect(names(await list(owner, { field: 'items.product', op: 'eq', value: 'pen' }))).toEqual(['a', 'b']);
    expect(names(await list(owner, { field: 'items.product', op: 'in', value: ['ink'] }))).toEqual(['a']);
    expect(
      names(
        await list(owner, {
          or: [
            { field: 'items.product', op: 'startsWith', value: 'IN' },
            { field: 'name', op: 'eq', value: 'c' },
          ],
        }),
      ),
    ).toEqual(['a', 'c']);
    // Values are checked against the column's type like any field's.
    const wrong = await list(owner, { field: 'items.qty', op: 'gt', value: 'many' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.details).toEqual([
      { path: '/query/filter/value', message: 'must be a number, got a string' },
    ]);
  });

  it('cannot sort by a subform column (a record holds one value per row)', async () => {
    const res = await as(owner, 'GET', `/forms/${formId}/records?sort=items.qty`);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0]).toEqual({
      path: '/query/sort',
      message: 'cannot sort by "items.qty"',
    });
  });

  it('refuses a column hidden from the caller as an unknown field, whatever the value', async () => {
    const visible = await list(rep, { field: 'items.qty', op: 'lt', value: 2 });
    expect(names(visible)).toEqual(['a']);
    for (const value of [7, 8]) {
      const hidden = await list(rep, { field: 'items.cost', op: 'eq', value });
      expect(hidden.statusCode).toBe(400);
      expect(hidden.json().error.details).toEqual([
        { path: '/query/filter/field', message: 'unknown field "items.cost"' },
      ]);
    }
    // The owner, who sees it, filters by it.
    expect(names(await list(owner, { field: 'items.cost', op: 'eq', value: 7 }))).toEqual(['a']);
  });

  it('works in report filters (whole records) next to dimensions over subform columns', async () => {
    const res = await as(owner, 'POST', '/reports/query', {
      widget: {
        key: 'w',
        title: label('W'),
        type: 'table',
        source: { form: 'orders' },
        dimensions: [{ field: 'items.product' }],
        measures: [{ key: 'qty', aggregate: 'sum', field: 'items.qty' }],
        filter: { field: 'items.qty', op: 'gte', value: 5 },
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    // Record a is selected whole: both of its rows are counted.
    expect(res.json().rows).toEqual([
      { 'items.product': 'ink', qty: 10 },
      { 'items.product': 'pen', qty: 1 },
    ]);
    const hidden = await t.app.inject({
      method: 'POST',
      url: `${base}/reports/query`,
      headers: rep.headers,
      payload: {
        widget: {
          key: 'w',
          title: label('W'),
          type: 'table',
          source: { form: 'orders' },
          dimensions: [{ field: 'items.product' }],
          filter: { field: 'items.cost', op: 'gt', value: 0 },
        },
      },
    });
    expect(hidden.statusCode, hidden.body).toBe(400);
    expect(hidden.json().error.details).toEqual([
      { path: '/widget/filter/field', message: 'unknown field "items.cost"' },
    ]);
  });
});
