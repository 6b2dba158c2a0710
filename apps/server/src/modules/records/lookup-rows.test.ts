import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { call, createForm, label, type Workspace, workspaceWithApp } from './test-fixtures.js';

// A lookup of a subform field brings the related record's rows; formulas read their columns as lists
// (a price list's bands applied to an order through TIERED).
let t: TestApp;
let w: Workspace;
let lists: string;
let orders: string;

beforeAll(async () => {
  t = await createTestApp();
  w = await workspaceWithApp(t);
  lists = await createForm(t, w, {
    key: 'price_lists',
    name: label('Price lists'),
    fields: [
      { key: 'name', type: 'text', label: label('Name') },
      {
        key: 'bands',
        type: 'subform',
        label: label('Bands'),
        columns: [
          { key: 'from', type: 'number', label: label('From') },
          { key: 'rate', type: 'percent', label: label('Rate') },
        ],
      },
    ],
  });
  orders = await createForm(t, w, {
    key: 'orders',
    name: label('Orders'),
    fields: [
      { key: 'volume', type: 'number', label: label('Volume') },
      { key: 'list', type: 'relation', label: label('Price list'), form: 'price_lists' },
      { key: 'bands', type: 'lookup', label: label('Bands'), relation: 'list', field: 'bands' },
      {
        key: 'charge',
        type: 'formula',
        label: label('Charge'),
        expression: 'TIERED(volume, bands.from, bands.rate, "graduated")',
        resultType: 'number',
      },
      {
        key: 'tiers',
        type: 'formula',
        label: label('Tiers'),
        expression: 'COUNT(bands.rate)',
        resultType: 'number',
      },
    ],
  });
});
afterAll(async () => t?.close());

describe('lookups of subforms', () => {
  it("compute formulas over the related record's rows, and follow edits of those rows", async () => {
    const list = await call(t, w, 'POST', `/forms/${lists}/records`, {
      data: {
        name: 'Standard',
        bands: [
          { from: 0, rate: 0.02 },
          { from: 500000, rate: 0.05 },
          { from: 1000000, rate: 0.08 },
        ],
      },
    });
    expect(list.statusCode, list.body).toBe(201);
    const order = await call(t, w, 'POST', `/forms/${orders}/records`, {
      data: { volume: 1300000, list: list.json().id },
    });
    expect(order.statusCode, order.body).toBe(201);
    expect(order.json().data.charge).toBe(59000);
    expect(order.json().data.tiers).toBe(3);
    expect(order.json().data.bands).toHaveLength(3);

    // The price list changes: the order follows (the recompute job copies the new rows over).
    const edited = await call(t, w, 'PATCH', `/forms/${lists}/records/${list.json().id}`, {
      v: list.json().v,
      data: { bands: [{ from: 0, rate: 0.1 }] },
    });
    expect(edited.statusCode, edited.body).toBe(200);
    const read = async () => (await call(t, w, 'GET', `/forms/${orders}/records/${order.json().id}`)).json();
    const deadline = Date.now() + 15_000;
    let current = await read();
    while (current.data.charge !== 130000 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      current = await read();
    }
    expect(current.data.charge).toBe(130000);
    expect(current.data.tiers).toBe(1);

    // Without a list there are no bands: nothing to charge.
    const none = await call(t, w, 'POST', `/forms/${orders}/records`, { data: { volume: 10 } });
    expect(none.statusCode, none.body).toBe(201);
    expect(none.json().data.tiers).toBe(0);
  });

  it('refuses a formula naming a column the looked-up subform does not have', async () => {
    const res = await call(t, w, 'POST', `/apps/${w.appId}/forms`, {
      key: 'orders2',
      name: label('Orders 2'),
      fields: [
        { key: 'list', type: 'relation', label: label('Price list'), form: 'price_lists' },
        { key: 'bands', type: 'lookup', label: label('Bands'), relation: 'list', field: 'bands' },
        { key: 'x', type: 'formula', label: label('X'), expression: 'SUM(bands.nope)' },
      ],
    });
    expect(res.statusCode).toBe(422);
    expect(JSON.stringify(res.json().error.details)).toContain('/fields/2/expression');
  });
});
