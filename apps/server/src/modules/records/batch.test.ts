import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { addMember, runSetup, type Session } from '../auth/test-helpers.js';
import { label } from './test-fixtures.js';

let t: TestApp;
let owner: Session & { workspaceId: string };
let rep: Session;
let other: Session;
let base: string;
let orders: string;
let customers: string;

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
const as = (who: Session, method: Method, path: string, payload?: unknown) =>
  t.app.inject({
    method,
    url: `${base}${path}`,
    headers: who.headers,
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
const batch = (who: Session, body: unknown) => as(who, 'POST', `/forms/${orders}/records/batch`, body);
const count = async () =>
  (await as(owner, 'GET', `/forms/${orders}/records?limit=500`)).json().items.length as number;

beforeAll(async () => {
  t = await createTestApp();
  owner = await runSetup(t.app);
  base = `/api/v1/workspaces/${owner.workspaceId}`;
  const app = await as(owner, 'POST', '/apps', {
    key: 'shop',
    name: label('Shop'),
    roles: [
      {
        key: 'clerk',
        name: label('Clerk'),
        forms: [
          {
            form: 'orders',
            submit: true,
            view: 'own',
            edit: 'own',
            fields: [{ field: 'margin', access: 'hidden' }],
          },
          { form: 'customers', submit: true, view: 'own' },
        ],
      },
    ],
  });
  expect(app.statusCode, app.body).toBe(201);
  rep = await addMember(t.app, owner, owner.workspaceId, 'rep@example.com', ['member', 'clerk']);
  other = await addMember(t.app, owner, owner.workspaceId, 'other@example.com', ['member', 'clerk']);
  const c = await as(owner, 'POST', `/apps/${app.json().id}/forms`, {
    key: 'customers',
    name: label('Customers'),
    fields: [{ key: 'name', type: 'text', label: label('Name') }],
  });
  expect(c.statusCode, c.body).toBe(201);
  customers = c.json().id;
  const o = await as(owner, 'POST', `/apps/${app.json().id}/forms`, {
    key: 'orders',
    name: label('Orders'),
    fields: [
      { key: 'code', type: 'text', label: label('Code'), unique: true },
      { key: 'note', type: 'text', label: label('Note') },
      { key: 'qty', type: 'number', label: label('Qty'), required: true, validation: { min: 0 } },
      { key: 'price', type: 'money', currency: 'CNY', label: label('Price') },
      {
        key: 'total',
        type: 'formula',
        label: label('Total'),
        expression: 'qty * price',
        resultType: 'money',
      },
      { key: 'margin', type: 'number', label: label('Margin') },
      { key: 'customer', type: 'relation', label: label('Customer'), form: 'customers' },
      { key: 'no', type: 'serial', label: label('No'), pattern: [{ text: 'O' }, { seq: 4 }] },
    ],
  });
  expect(o.statusCode, o.body).toBe(201);
  orders = o.json().id;
});
afterAll(async () => t?.close());

describe('batch create', () => {
  it('creates every record with formulas and serial numbers in order, answering a result per record', async () => {
    const res = await batch(owner, {
      records: [
        { data: { code: 'A1', qty: 2, price: 10 } },
        { data: { code: 'A2', qty: 3, price: 5 } },
        { data: { code: 'A3', qty: 1, price: 7 } },
      ],
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ created: 3, updated: 0, failed: 0 });
    expect(body.results.map((r: { index: number }) => r.index)).toEqual([0, 1, 2]);
    expect(body.results.map((r: { record: { data: { total: number } } }) => r.record.data.total)).toEqual([
      20, 15, 7,
    ]);
    const numbers = body.results.map((r: { record: { data: { no: string } } }) =>
      Number(r.record.data.no.slice(1)),
    );
    expect(numbers).toEqual([numbers[0], numbers[0] + 1, numbers[0] + 2]);
    const history = await as(owner, 'GET', `/forms/${orders}/records/${body.results[0].record.id}/history`);
    expect(history.json().items ?? history.json()).toHaveLength(1);
  });

  it('reports refused records by index with their field paths and stores the rest', async () => {
    const before = await count();
    const res = await batch(owner, {
      records: [
        { data: { code: 'B1', qty: 1, price: 1 } },
        { data: { code: 'B2', qty: -1 } },
        { data: { code: 'B1', qty: 1 } },
        { data: { code: 'A1', qty: 1 } },
        { data: { code: 'B5', qty: 1, customer: '0123456789abcdef01234567' } },
      ],
    });
    expect(res.statusCode, res.body).toBe(200);
    const { results, created, failed } = res.json();
    expect({ created, failed }).toEqual({ created: 1, failed: 4 });
    const byIndex = (i: number) => results.find((r: { index: number }) => r.index === i);
    expect(byIndex(0).ok).toBe(true);
    expect(byIndex(1)).toMatchObject({ ok: false, status: 400 });
    expect(byIndex(1).error.details[0].path).toBe('/data/qty');
    // A value two records of the batch share: the first is stored, the second refused at the field.
    expect(byIndex(2)).toMatchObject({ ok: false, status: 409 });
    expect(byIndex(2).error.details[0].path).toBe('/data/code');
    expect(byIndex(3)).toMatchObject({ ok: false, status: 409 });
    // An id of no record: 400, worded like a record the caller cannot view.
    expect(byIndex(4)).toMatchObject({ ok: false, status: 400 });
    expect(byIndex(4).error.details[0].path).toBe('/data/customer');
    expect(await count()).toBe(before + 1);
  });

  it('writes nothing in atomic mode when any record is refused, naming each by index', async () => {
    const before = await count();
    const invalid = await batch(owner, {
      atomic: true,
      records: [
        { data: { code: 'C1', qty: 1 } },
        { data: { code: 'C2', qty: -5 } },
        { data: { code: 'C3' } },
      ],
    });
    expect(invalid.statusCode).toBe(400);
    const paths = invalid.json().error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(['/records/1/data/qty', '/records/2/data/qty']);
    // Passing every check but clashing inside the batch: refused at the store, then taken back whole.
    const clash = await batch(owner, {
      atomic: true,
      records: [
        { data: { code: 'D1', qty: 1 } },
        { data: { code: 'D2', qty: 1 } },
        { data: { code: 'D1', qty: 2 } },
      ],
    });
    expect(clash.statusCode).toBe(409);
    expect(clash.json().error.details.map((d: { path: string }) => d.path)).toContain('/records/2/data/code');
    expect(await count()).toBe(before);
    const again = await batch(owner, { atomic: true, records: [{ data: { code: 'D1', qty: 1 } }] });
    expect(again.statusCode, again.body).toBe(200);
  });

  it('refuses bad batches as a whole: empty, too many, wrong shapes', async () => {
    expect((await batch(owner, { records: [] })).statusCode).toBe(400);
    expect((await batch(owner, {})).statusCode).toBe(400);
    expect((await batch(owner, { records: [{ data: 5 }] })).statusCode).toBe(400);
    expect((await batch(owner, { records: [{ data: {} }], mode: 'merge' })).statusCode).toBe(400);
    const many = Array.from({ length: 1001 }, () => ({ data: { qty: 1 } }));
    expect((await batch(owner, { records: many })).statusCode).toBe(400);
  });
});

describe('batch upsert', () => {
  it('updates the record holding the key and creates the others', async () => {
    await batch(owner, { records: [{ data: { code: 'U1', qty: 1, price: 2 } }] });
    const res = await batch(owner, {
      mode: 'upsert',
      key: 'code',
      records: [{ data: { code: 'U1', qty: 5 } }, { data: { code: 'U2', qty: 1, price: 3 } }],
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ created: 1, updated: 1, failed: 0 });
    const [first, second] = res.json().results;
    expect(first).toMatchObject({
      index: 0,
      action: 'updated',
      record: { v: 2, data: { qty: 5, total: 10 } },
    });
    expect(second).toMatchObject({ index: 1, action: 'created' });
  });

  it('needs a unique key field and a key value in every record', async () => {
    expect((await batch(owner, { mode: 'upsert', records: [{ data: { qty: 1 } }] })).statusCode).toBe(400);
    const notUnique = await batch(owner, { mode: 'upsert', key: 'note', records: [{ data: { qty: 1 } }] });
    expect(notUnique.json().error.details[0].path).toBe('/key');
    const res = await batch(owner, {
      mode: 'upsert',
      key: 'code',
      records: [{ data: { qty: 1 } }, { data: { code: 'K1', qty: 1 } }, { data: { code: 'K1', qty: 2 } }],
    });
    const { results } = res.json();
    expect(results[0].error.details[0].path).toBe('/data/code');
    expect(results[1].ok).toBe(true);
    expect(results[2].error.details[0].message).toContain('record 1');
  });
});

describe('batches through the access layer', () => {
  it("cannot touch another member's records or hidden fields", async () => {
    const theirs = await as(other, 'POST', `/forms/${orders}/records`, { data: { code: 'THEIRS', qty: 1 } });
    expect(theirs.statusCode, theirs.body).toBe(201);
    const res = await batch(rep, {
      mode: 'upsert',
      key: 'code',
      records: [
        { data: { code: 'THEIRS', qty: 9 } },
        { data: { code: 'R1', qty: 1, margin: 5 } },
        { data: { code: 'R2', qty: 1 } },
      ],
    });
    expect(res.statusCode, res.body).toBe(200);
    const [taken, hidden, ok] = res.json().results;
    // Another member's record answers like any taken unique value: no id, no owner.
    expect(taken).toMatchObject({ ok: false, status: 409 });
    expect(JSON.stringify(taken)).not.toContain(theirs.json().id);
    expect(JSON.stringify(taken)).not.toContain(other.userId);
    expect(hidden).toMatchObject({ ok: false, status: 403 });
    expect(ok).toMatchObject({ ok: true, action: 'created' });
    expect(ok.record.data).not.toHaveProperty('margin');
    const stored = await as(owner, 'GET', `/forms/${orders}/records/${theirs.json().id}`);
    expect(stored.json().data.qty).toBe(1);

    const patch = await as(rep, 'PATCH', `/forms/${orders}/records/batch`, {
      records: [{ id: theirs.json().id, v: 1, data: { qty: 2 } }],
    });
    expect(patch.json().results[0]).toMatchObject({ ok: false, status: 404 });
  });
});

describe('batch relations through the access layer', () => {
  it('refuses a relation to a record the caller cannot view, like an unknown id', async () => {
    const hers = await as(other, 'POST', `/forms/${customers}/records`, { data: { name: 'Hers' } });
    expect(hers.statusCode, hers.body).toBe(201);
    const unknown = await batch(rep, {
      records: [{ data: { code: 'REL0', qty: 1, customer: '0123456789abcdef01234567' } }],
    });
    const res = await batch(rep, { records: [{ data: { code: 'REL1', qty: 1, customer: hers.json().id } }] });
    expect(res.json().results[0]).toMatchObject({ ok: false, status: 400 });
    // Worded exactly as for an id of no record (the id itself aside).
    const words = (body: { results: Array<{ error: unknown }> }) =>
      JSON.stringify(body.results[0]?.error).replace(/[0-9a-f]{24}/g, '<id>');
    expect(words(res.json())).toBe(words(unknown.json()));
  });
});

describe('batch update', () => {
  it('updates each record with its version; a stale one fails alone, or the whole atomic batch', async () => {
    const made = (
      await batch(owner, { records: [{ data: { code: 'P1', qty: 1 } }, { data: { code: 'P2', qty: 1 } }] })
    ).json().results;
    const [p1, p2] = made.map((r: { record: { id: string } }) => r.record.id);
    const partial = await as(owner, 'PATCH', `/forms/${orders}/records/batch`, {
      records: [
        { id: p1, v: 1, data: { qty: 4 } },
        { id: p2, v: 7, data: { qty: 4 } },
        { id: 'nope', v: 1, data: {} },
      ],
    });
    expect(partial.statusCode, partial.body).toBe(200);
    const results = partial.json().results;
    expect(results[0]).toMatchObject({ ok: true, action: 'updated', record: { v: 2, data: { qty: 4 } } });
    expect(results[1]).toMatchObject({ ok: false, status: 409 });
    expect(results[2]).toMatchObject({ ok: false, status: 404 });

    const atomic = await as(owner, 'PATCH', `/forms/${orders}/records/batch`, {
      atomic: true,
      records: [
        { id: p1, v: 2, data: { qty: 8 } },
        { id: p2, v: 1, data: { qty: -1 } },
      ],
    });
    expect(atomic.statusCode).toBe(400);
    expect(atomic.json().error.details[0].path).toBe('/records/1/data/qty');
    const p1Now = await as(owner, 'GET', `/forms/${orders}/records/${p1}`);
    expect(p1Now.json()).toMatchObject({ v: 2, data: { qty: 4 } });
  });
});
