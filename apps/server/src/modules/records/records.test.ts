import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { call, createForm, label, type Workspace, workspaceWithApp } from './test-fixtures.js';

let t: TestApp;
let w: Workspace;
let formId: string;

const fields = [
  { key: 'title', type: 'text', label: label('Title'), required: true, validation: { maxLength: 20 } },
  { key: 'qty', type: 'number', label: label('Qty'), precision: 0 },
  { key: 'price', type: 'money', label: label('Price'), currency: 'CNY' },
  { key: 'total', type: 'formula', label: label('Total'), expression: 'qty * price', resultType: 'number' },
  { key: 'due', type: 'date', label: label('Due') },
  {
    key: 'stage',
    type: 'select',
    label: label('Stage'),
    options: [
      { value: 'open', label: label('Open') },
      { value: 'won', label: label('Won') },
    ],
  },
  { key: 'no', type: 'serial', label: label('No'), pattern: [{ text: 'Q-' }, { seq: 4 }] },
];

beforeAll(async () => {
  t = await createTestApp();
  w = await workspaceWithApp(t);
  formId = await createForm(t, w, { key: 'quotes', name: label('Quotes'), fields });
});
afterAll(async () => t?.close());

describe('records', () => {
  it('creates a record with formulas and a serial number computed by the server', async () => {
    const res = await call(t, w, 'POST', `/forms/${formId}/records`, {
      data: { title: 'First', qty: 3, price: 2.5, due: '2026-02-01', stage: 'open', total: 999 },
    });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body.data).toMatchObject({ title: 'First', qty: 3, price: 2.5, total: 7.5, no: 'Q-0001' });
    expect(body.v).toBe(1);
    expect(body.formVersion).toBe(1);
  });
});
