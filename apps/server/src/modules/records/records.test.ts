import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { PNG, upload } from '../files/test-helpers.js';
import { call, createForm, label, type Workspace, workspaceWithApp } from './test-fixtures.js';

let t: TestApp;
let w: Workspace;
let formId: string;
let customersId: string;
let customerId: string;

const options = (...values: string[]) => values.map((value) => ({ value, label: label(value) }));
// File values must name files uploaded for their field (see the files module); set in beforeAll.
const files: Record<'files' | 'pics' | 'sign', Record<string, unknown>> = { files: {}, pics: {}, sign: {} };

/** One field of every client-writable type, plus computed ones. */
const fields = [
  { key: 'title', type: 'text', label: label('Title'), required: true, validation: { maxLength: 20 } },
  { key: 'notes', type: 'textarea', label: label('Notes') },
  { key: 'qty', type: 'number', label: label('Qty'), precision: 0 },
  { key: 'price', type: 'money', label: label('Price'), currency: 'CNY' },
  { key: 'rate', type: 'percent', label: label('Rate') },
  { key: 'due', type: 'date', label: label('Due') },
  { key: 'at', type: 'datetime', label: label('At') },
  {
    key: 'stage',
    type: 'select',
    label: label('Stage'),
    options: options('open', 'won', 'lost'),
    indexed: true,
  },
  { key: 'tags', type: 'multiselect', label: label('Tags'), options: options('a', 'b', 'c') },
  { key: 'size', type: 'radio', label: label('Size'), options: options('s', 'm') },
  { key: 'extras', type: 'checkbox', label: label('Extras'), options: options('x', 'y') },
  { key: 'active', type: 'switch', label: label('Active') },
  { key: 'assignee', type: 'member', label: label('Assignee') },
  { key: 'team', type: 'department', label: label('Team') },
  { key: 'email', type: 'email', label: label('Email') },
  { key: 'phone', type: 'phone', label: label('Phone') },
  { key: 'site', type: 'url', label: label('Site') },
  { key: 'stars', type: 'rating', label: label('Stars') },
  { key: 'addr', type: 'address', label: label('Address') },
  { key: 'files', type: 'attachment', label: label('Files') },
  { key: 'pics', type: 'image', label: label('Pictures') },
  { key: 'sign', type: 'signature', label: label('Signature') },
  { key: 'customer', type: 'relation', label: label('Customer'), form: 'customers', displayField: 'name' },
  { key: 'region', type: 'lookup', label: label('Region'), relation: 'customer', field: 'region' },
  {
    key: 'items',
    type: 'subform',
    label: label('Items'),
    columns: [
      { key: 'sku', type: 'text', label: label('SKU'), required: true },
      { key: 'n', type: 'number', label: label('N') },
      { key: 'p', type: 'number', label: label('P') },
      { key: 'line', type: 'formula', label: label('Line'), expression: 'n * p', resultType: 'number' },
    ],
  },
  { key: 'total', type: 'formula', label: label('Total'), expression: 'qty * price', resultType: 'number' },
  {
    key: 'itemsTotal',
    type: 'formula',
    label: label('Items total'),
    expression: 'SUM(items.line)',
    resultType: 'number',
  },
  { key: 'no', type: 'serial', label: label('No'), pattern: [{ text: 'Q-' }, { seq: 4 }] },
  { key: 'creator', type: 'system', label: label('Creator'), source: 'creator' },
];

const full = () => ({
  title: 'Full',
  notes: 'line one\nline two',
  qty: 3,
  price: 2.5,
  rate: 0.15,
  due: '2026-02-01',
  at: '2026-02-01T10:00:00+08:00',
  stage: 'open',
  tags: ['a', 'b'],
  size: 'm',
  extras: ['x'],
  active: true,
  assignee: w.owner.userId,
  email: 'a@example.com',
  phone: '+86 138 0000 0000',
  site: 'https://example.com',
  stars: 4,
  addr: { province: 'Zhejiang', city: 'Hangzhou', detail: 'West Lake 1' },
  files: [files.files],
  pics: [files.pics],
  sign: files.sign,
  customer: customerId,
  items: [
    { sku: 'A', n: 2, p: 3 },
    { sku: 'B', n: 1, p: 4.5 },
  ],
});

const create = (data: Record<string, unknown>, form = formId) =>
  call(t, w, 'POST', `/forms/${form}/records`, { data });

beforeAll(async () => {
  t = await createTestApp();
  w = await workspaceWithApp(t);
  customersId = await createForm(t, w, {
    key: 'customers',
    name: label('Customers'),
    fields: [
      { key: 'name', type: 'text', label: label('Name'), required: true, unique: true },
      { key: 'region', type: 'select', label: label('Region'), options: options('east', 'west') },
    ],
  });
  const customer = await create({ name: 'ACME', region: 'east' }, customersId);
  customerId = customer.json().id;
  formId = await createForm(t, w, { key: 'quotes', name: label('Quotes'), fields });
  const put = async (field: keyof typeof files, content: Buffer, name: string, type: string) => {
    const res = await upload(
      t,
      `${w.base}/forms/${formId}/files?field=${field}`,
      w.owner.headers,
      content,
      name,
      type,
    );
    files[field] = res.json();
  };
  await put('files', Buffer.from('%PDF-1.4\n'), 'a.pdf', 'application/pdf');
  await put('pics', PNG, 'a.png', 'image/png');
  await put('sign', PNG, 'sign.png', 'image/png');
});
afterAll(async () => t?.close());

describe('create', () => {
  it('stores every field type and computes formulas, subform columns, lookups, serials and system fields', async () => {
    const res = await create({ ...full(), total: 999, no: 'X-9', region: 'west' });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body.data).toMatchObject({
      ...full(),
      at: '2026-02-01T02:00:00.000Z',
      total: 7.5,
      items: [
        { sku: 'A', n: 2, p: 3, line: 6 },
        { sku: 'B', n: 1, p: 4.5, line: 4.5 },
      ],
      itemsTotal: 10.5,
      region: 'east',
      no: 'Q-0001',
      creator: w.owner.userId,
    });
    expect(body).toMatchObject({ v: 1, formVersion: 1, owner: w.owner.userId, createdBy: w.owner.userId });
    const read = await call(t, w, 'GET', `/forms/${formId}/records/${body.id}`);
    expect(read.statusCode).toBe(200);
    expect(read.json().data).toEqual(body.data);
  });

  it('rejects wrong types, missing required values, unknown fields, long strings and invalid dates with paths', async () => {
    const res = await create({
      qty: '3',
      title: 'x'.repeat(21),
      due: '2026-02-30',
      at: 'yesterday',
      stage: 'maybe',
      bogus: 1,
      active: 'yes',
    });
    expect(res.statusCode).toBe(400);
    const paths = (res.json().error.details as { path: string }[]).map((d) => d.path).sort();
    expect(paths).toEqual(
      expect.arrayContaining([
        '/data/active',
        '/data/at',
        '/data/bogus',
        '/data/due',
        '/data/qty',
        '/data/stage',
        '/data/title',
      ]),
    );
    const missing = await create({ qty: 1 });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.details).toContainEqual({
      path: '/data/title',
      message: 'title is required',
      code: 'schema.required',
    });
    const subform = await create({ title: 'S', items: [{ n: 1 }] });
    expect(subform.statusCode).toBe(400);
    expect(subform.json().error.details.map((d: { path: string }) => d.path)).toContain('/data/items/0/sku');
    expect((await create([] as never)).statusCode).toBe(400);
  });

  it('refuses relation ids of another form or workspace with 400', async () => {
    const other = await create({ title: 'Other' });
    const wrongForm = await create({ title: 'R', customer: other.json().id });
    expect(wrongForm.statusCode).toBe(400);
    expect(wrongForm.json().error.details[0].path).toBe('/data/customer');
    const unknown = await create({ title: 'R', customer: 'bbbbbbbbbbbbbbbbbbbbbbbb' });
    expect(unknown.statusCode).toBe(400);

    const ws2 = await t.app.inject({
      method: 'POST',
      url: '/api/v1/workspaces',
      headers: w.owner.headers,
      payload: { name: 'Other' },
    });
    const base2 = `/api/v1/workspaces/${ws2.json().id}`;
    const app2 = await t.app.inject({
      method: 'POST',
      url: `${base2}/apps`,
      headers: w.owner.headers,
      payload: { key: 'sales', name: label('Sales') },
    });
    const form2 = await t.app.inject({
      method: 'POST',
      url: `${base2}/apps/${app2.json().id}/forms`,
      headers: w.owner.headers,
      payload: {
        key: 'customers',
        name: label('C'),
        fields: [{ key: 'name', type: 'text', label: label('N') }],
      },
    });
    const foreign = await t.app.inject({
      method: 'POST',
      url: `${base2}/forms/${form2.json().id}/records`,
      headers: w.owner.headers,
      payload: { data: { name: 'Foreign' } },
    });
    expect(foreign.statusCode).toBe(201);
    const crossWs = await create({ title: 'R', customer: foreign.json().id });
    expect(crossWs.statusCode).toBe(400);
    // Another workspace's record and form ids are not found from here.
    expect(
      (await call(t, w, 'GET', `/forms/${form2.json().id}/records/${foreign.json().id}`)).statusCode,
    ).toBe(404);
    expect((await call(t, w, 'GET', `/forms/${formId}/records/${foreign.json().id}`)).statusCode).toBe(404);
  });

  it('refuses members and departments that are not in the workspace with 422', async () => {
    const res = await create({
      title: 'P',
      assignee: 'dddddddddddddddddddddddd',
      team: 'eeeeeeeeeeeeeeeeeeeeeeee',
    });
    expect(res.statusCode).toBe(422);
    expect(
      res
        .json()
        .error.details.map((d: { path: string }) => d.path)
        .sort(),
    ).toEqual(['/data/assignee', '/data/team']);
  });

  it('answers 409 for a taken unique value', async () => {
    const res = await create({ name: 'ACME' }, customersId);
    expect(res.statusCode).toBe(409);
    expect(res.json().error.details[0].path).toBe('/data/name');
  });

  it('answers 413 for a 10 MB body', async () => {
    const res = await create({ title: 'big', notes: 'x'.repeat(10 * 1024 * 1024) });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('gives 100 parallel creates 100 distinct consecutive serial numbers', async () => {
    const serialForm = await createForm(t, w, {
      key: 'tickets',
      name: label('Tickets'),
      fields: [
        { key: 'title', type: 'text', label: label('T') },
        { key: 'no', type: 'serial', label: label('No'), pattern: [{ text: 'T' }, { seq: 5 }] },
      ],
    });
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => create({ title: `t${i}` }, serialForm)),
    );
    expect(results.every((r) => r.statusCode === 201)).toBe(true);
    const numbers = results.map((r) => r.json().data.no as string).sort();
    expect(numbers).toEqual(Array.from({ length: 100 }, (_, i) => `T${String(i + 1).padStart(5, '0')}`));
  });
});

describe('update, delete, history', () => {
  it('patches with v, answers 409 to a stale v, and keeps a field-level history', async () => {
    const created = (await create({ title: 'Edit me', qty: 2, price: 10 })).json();
    const res = await call(t, w, 'PATCH', `/forms/${formId}/records/${created.id}`, {
      v: 1,
      data: { qty: 5 },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ v: 2, data: { title: 'Edit me', qty: 5, price: 10, total: 50 } });
    const stale = await call(t, w, 'PATCH', `/forms/${formId}/records/${created.id}`, {
      v: 1,
      data: { qty: 6 },
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.code).toBe('CONFLICT');
    const cleared = await call(t, w, 'PATCH', `/forms/${formId}/records/${created.id}`, {
      v: 2,
      data: { price: null },
    });
    expect(cleared.json().data).not.toHaveProperty('price');
    expect(cleared.json().data.total).toBe(0);
    const history = (await call(t, w, 'GET', `/forms/${formId}/records/${created.id}/history`)).json();
    expect(history.map((h: { action: string; v: number }) => [h.action, h.v])).toEqual([
      ['create', 1],
      ['update', 2],
      ['update', 3],
    ]);
    // The create's entry: every first value from nothing, in key order (computed ones included).
    expect(history[0].changes).toEqual(
      Object.keys(created.data)
        .sort()
        .map((key) => ({ key, to: created.data[key] })),
    );
    expect(history[0].changes).toContainEqual({ key: 'total', to: 20 });
    expect(history[1].changes).toEqual([
      { key: 'qty', from: 2, to: 5 },
      { key: 'total', from: 20, to: 50 },
    ]);
    expect(history[1].by).toBe(w.owner.userId);
    expect(history[2].changes).toContainEqual({ key: 'price', from: 10 });
  });

  it('reads create entries stored a change per field (as written before they kept the values whole)', async () => {
    const created = (await create({ title: 'Old entry', qty: 3 })).json();
    const stored = await t.store.connection.collection('record_history').updateOne(
      { record: new Types.ObjectId(created.id), v: 1 },
      {
        $set: {
          changes: [
            { key: 'qty', to: 3 },
            { key: 'title', to: 'Old entry' },
          ],
        },
        $unset: { values: '' },
      },
    );
    expect(stored.modifiedCount).toBe(1);
    await call(t, w, 'PATCH', `/forms/${formId}/records/${created.id}`, { v: 1, data: { qty: 4 } });
    const history = (await call(t, w, 'GET', `/forms/${formId}/records/${created.id}/history`)).json();
    expect(history[0]).toMatchObject({
      action: 'create',
      changes: [
        { key: 'qty', to: 3 },
        { key: 'title', to: 'Old entry' },
      ],
    });
    expect(history[1].changes).toContainEqual({ key: 'qty', from: 3, to: 4 });
  });

  it('soft-deletes and restores', async () => {
    const created = (await create({ title: 'Delete me' })).json();
    const del = await call(t, w, 'DELETE', `/forms/${formId}/records/${created.id}`);
    expect(del.statusCode).toBe(200);
    expect((await call(t, w, 'GET', `/forms/${formId}/records/${created.id}`)).statusCode).toBe(404);
    const deleted = (await call(t, w, 'GET', `/forms/${formId}/records?deleted=true`)).json();
    expect(deleted.items.map((r: { id: string }) => r.id)).toContain(created.id);
    const restored = await call(t, w, 'POST', `/forms/${formId}/records/${created.id}/restore`);
    expect(restored.statusCode).toBe(200);
    expect((await call(t, w, 'GET', `/forms/${formId}/records/${created.id}`)).statusCode).toBe(200);
    const history = (await call(t, w, 'GET', `/forms/${formId}/records/${created.id}/history`)).json();
    expect(history.map((h: { action: string }) => h.action)).toEqual(['create', 'delete', 'restore']);
  });
});

describe('list', () => {
  let listForm: string;
  beforeAll(async () => {
    listForm = await createForm(t, w, {
      key: 'deals',
      name: label('Deals'),
      fields: [
        { key: 'name', type: 'text', label: label('Name') },
        { key: 'amount', type: 'number', label: label('Amount'), indexed: true },
        { key: 'closed', type: 'date', label: label('Closed') },
      ],
    });
    for (let i = 1; i <= 12; i++) {
      await create(
        { name: `deal ${i}`, amount: i * 100, closed: `2026-01-${String(i).padStart(2, '0')}` },
        listForm,
      );
    }
    await create({ name: 'no amount' }, listForm);
  });
  const list = (query: string) => call(t, w, 'GET', `/forms/${listForm}/records?${query}`);
  const filter = (f: unknown) => `filter=${encodeURIComponent(JSON.stringify(f))}`;

  it('filters with the DSL', async () => {
    const res = await list(
      filter({
        and: [
          { field: 'amount', op: 'gte', value: 500 },
          { field: 'name', op: 'contains', value: '1' },
        ],
      }),
    );
    expect(res.statusCode).toBe(200);
    expect(
      res
        .json()
        .items.map((r: { data: { name: string } }) => r.data.name)
        .sort(),
    ).toEqual(['deal 10', 'deal 11', 'deal 12']);
    const empty = await list(filter({ field: 'amount', op: 'empty' }));
    expect(empty.json().items.map((r: { data: { name: string } }) => r.data.name)).toEqual(['no amount']);
  });

  it('rejects injected operators and unknown fields with 400 and a pointer', async () => {
    for (const bad of [
      { $where: 'sleep(100)' },
      { field: 'amount', op: 'eq', value: { $gt: 0 } },
      { field: 'nope', op: 'eq', value: 1 },
      { field: 'amount', op: 'regex', value: '.*' },
    ]) {
      const res = await list(filter(bad));
      expect(res.statusCode).toBe(400);
      expect(res.json().error.details[0].path).toMatch(/^\/query\/filter/);
    }
    expect((await list('filter=%7Bnot-json')).statusCode).toBe(400);
  });

  it('sorts and pages with an opaque cursor through every record exactly once', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await list(`sort=-amount&limit=5${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(res.statusCode).toBe(200);
      const body = res.json() as { items: { data: { name: string } }[]; nextCursor: string | null };
      seen.push(...body.items.map((r) => r.data.name));
      cursor = body.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([...Array.from({ length: 12 }, (_, i) => `deal ${12 - i}`), 'no amount']);
    const ascending = (await list('sort=amount&limit=2')).json();
    expect(ascending.items.map((r: { data: { name: string } }) => r.data.name)).toEqual([
      'no amount',
      'deal 1',
    ]);
    const next = (
      await list(`sort=amount&limit=2&cursor=${encodeURIComponent(ascending.nextCursor)}`)
    ).json();
    expect(next.items.map((r: { data: { name: string } }) => r.data.name)).toEqual(['deal 2', 'deal 3']);
    expect((await list(`sort=name&cursor=${encodeURIComponent(ascending.nextCursor)}`)).statusCode).toBe(400);
    expect((await list('cursor=garbage')).statusCode).toBe(400);
    expect((await list('sort=bogus')).statusCode).toBe(400);
  });

  it('projects the requested fields', async () => {
    const res = await list(`fields=name&limit=1&${filter({ field: 'amount', op: 'eq', value: 300 })}`);
    expect(res.json().items[0].data).toEqual({ name: 'deal 3' });
    expect((await list('fields=secret')).statusCode).toBe(400);
  });
});
