import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { call, createForm, label, type Workspace, workspaceWithApp } from './test-fixtures.js';

let t: TestApp;
let w: Workspace;
let formId: string;

const create = (data: Record<string, unknown>) => call(t, w, 'POST', `/forms/${formId}/records`, { data });
const paths = (body: { error: { details: Array<{ path: string }> } }) =>
  body.error.details.map((d) => d.path).sort();

beforeAll(async () => {
  t = await createTestApp();
  w = await workspaceWithApp(t);
  formId = await createForm(t, w, {
    key: 'orders',
    name: label('Orders'),
    fields: [
      { key: 'limit', type: 'number', label: label('Limit') },
      {
        key: 'items',
        type: 'subform',
        label: label('Items'),
        columns: [
          { key: 'sku', type: 'text', label: label('SKU'), required: true, validation: { maxLength: 8 } },
          {
            key: 'qty',
            type: 'number',
            label: label('Qty'),
            required: true,
            validation: { min: 1, formula: 'qty <= limit', message: { en: 'over the limit' } },
          },
          { key: 'price', type: 'number', label: label('Price') },
          {
            key: 'reason',
            type: 'text',
            label: label('Reason'),
            required: true,
            visibleWhen: 'qty > 10',
          },
          {
            key: 'line',
            type: 'formula',
            label: label('Line'),
            expression: 'qty * price',
            resultType: 'number',
          },
          {
            key: 'capped',
            type: 'formula',
            label: label('Capped'),
            expression: 'IF(line > limit, limit, line)',
            resultType: 'number',
          },
        ],
      },
      {
        key: 'total',
        type: 'formula',
        label: label('Total'),
        expression: 'SUM(items.line)',
        resultType: 'number',
      },
    ],
  });
});
afterAll(async () => t?.close());

describe('subform rows', () => {
  it('computes formula columns per row (ignoring values sent for them) and totals over rows', async () => {
    const res = await create({
      limit: 50,
      items: [
        { sku: 'A', qty: 2, price: 3, line: 999 },
        { sku: 'B', qty: 20, price: 4, reason: 'bulk' },
      ],
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().data.items).toMatchObject([
      { sku: 'A', qty: 2, price: 3, line: 6, capped: 6 },
      { sku: 'B', qty: 20, price: 4, line: 80, capped: 50 },
    ]);
    expect(res.json().data.total).toBe(86);
  });

  it('reports a missing required column and a schema rule at the row paths', async () => {
    const res = await create({
      limit: 50,
      items: [
        { sku: 'A', qty: 1 },
        { sku: 'B', qty: 1 },
        { sku: 'TOO-LONG-SKU', qty: 1 },
        { sku: 'D' },
        { sku: 'E', qty: 0 },
      ],
    });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.code).toBe('VALIDATION_FAILED');
    expect(paths(res.json())).toEqual(['/data/items/2/sku', '/data/items/3/qty', '/data/items/4/qty']);
  });

  it('applies a column visibility rule per row: required only where the row shows the column', async () => {
    const res = await create({
      limit: 100,
      items: [
        { sku: 'A', qty: 5 },
        { sku: 'B', qty: 12 },
        { sku: 'C', qty: 30, reason: 'ok' },
        { sku: 'D', qty: 11, reason: '' },
      ],
    });
    expect(res.statusCode, res.body).toBe(400);
    expect(paths(res.json())).toEqual(['/data/items/1/reason', '/data/items/3/reason']);
    const ok = await create({ limit: 100, items: [{ sku: 'A', qty: 5 }] });
    expect(ok.statusCode, ok.body).toBe(201);
  });

  it('runs a column validation formula per row, reading the record fields too', async () => {
    const res = await create({
      limit: 10,
      items: [
        { sku: 'A', qty: 3 },
        { sku: 'B', qty: 4 },
        { sku: 'C', qty: 9 },
        { sku: 'D', qty: 10 },
      ],
    });
    expect(res.statusCode, res.body).toBe(201);
    const over = await create({
      limit: 10,
      items: [
        { sku: 'A', qty: 3 },
        { sku: 'B', qty: 11, reason: 'big' },
        { sku: 'C', qty: 2 },
        { sku: 'D', qty: 12, reason: 'big' },
      ],
    });
    expect(over.statusCode, over.body).toBe(400);
    expect(over.json().error.details).toEqual([
      { path: '/data/items/1/qty', message: 'over the limit' },
      { path: '/data/items/3/qty', message: 'over the limit' },
    ]);
  });

  it('applies the same row rules on update', async () => {
    const created = (await create({ limit: 100, items: [{ sku: 'A', qty: 5 }] })).json();
    const res = await call(t, w, 'PATCH', `/forms/${formId}/records/${created.id}`, {
      v: created.v,
      data: {
        items: [
          { sku: 'A', qty: 5 },
          { sku: 'B', qty: 40 },
        ],
      },
    });
    expect(res.statusCode, res.body).toBe(400);
    expect(paths(res.json())).toEqual(['/data/items/1/reason']);
  });
});
