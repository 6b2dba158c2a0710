import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { addMember, type Session } from '../auth/test-helpers.js';
import { connect, listen } from '../realtime/test-helpers.js';
import { call, createForm, label, type Workspace, workspaceWithApp } from './test-fixtures.js';

// The web app's record lists: search over text fields (`q`), exports of the view shown, saved views per
// person, and @mentions that reach the person mentioned.
let t: TestApp;
let w: Workspace;
let form: string;
let rep: Session;
let other: Session;

beforeAll(async () => {
  t = await createTestApp();
  w = await workspaceWithApp(t);
  form = await createForm(t, w, {
    key: 'visits',
    name: label('Visits'),
    fields: [
      { key: 'customer', type: 'text', label: label('Customer') },
      { key: 'summary', type: 'textarea', label: label('Summary') },
      { key: 'notes', type: 'text', label: label('Notes') },
      { key: 'amount', type: 'number', label: label('Amount') },
      { key: 'email', type: 'email', label: label('Email') },
    ],
  });
  const roles = await call(t, w, 'PUT', `/apps/${w.appId}/roles`, {
    v: 1,
    roles: [
      {
        key: 'rep',
        name: label('Rep'),
        forms: [
          {
            form: 'visits',
            submit: true,
            view: 'all',
            edit: 'own',
            fields: [{ field: 'notes', access: 'hidden' }],
          },
        ],
      },
    ],
  });
  expect(roles.statusCode).toBe(200);
  rep = await addMember(t.app, w.owner, w.ws, 'rep@example.com', ['member', 'rep']);
  other = await addMember(t.app, w.owner, w.ws, 'other@example.com', ['member', 'rep']);
  const rows = [
    {
      customer: 'ACME Trading',
      summary: 'Discussed the spring order',
      notes: 'codeword',
      amount: 10,
      email: 'buyer@acme.test',
    },
    { customer: 'Globex', summary: 'Price list for ACME subsidiary', amount: 20 },
    { customer: '华东贸易', summary: '春季订单 讨论', amount: 30 },
  ];
  for (const data of rows)
    expect((await call(t, w, 'POST', `/forms/${form}/records`, { data })).statusCode).toBe(201);
});
afterAll(async () => t?.close());

const names = (res: { json(): unknown }) =>
  (res.json() as { items: Array<{ data: { customer: string } }> }).items.map((r) => r.data.customer).sort();

describe('searching a list', () => {
  it('finds every word in some text field, any case, Chinese too', async () => {
    expect(names(await call(t, w, 'GET', `/forms/${form}/records?q=acme`))).toEqual([
      'ACME Trading',
      'Globex',
    ]);
    expect(
      names(await call(t, w, 'GET', `/forms/${form}/records?q=${encodeURIComponent('acme spring')}`)),
    ).toEqual(['ACME Trading']);
    expect(names(await call(t, w, 'GET', `/forms/${form}/records?q=${encodeURIComponent('春季')}`))).toEqual([
      '华东贸易',
    ]);
    expect(names(await call(t, w, 'GET', `/forms/${form}/records?q=buyer%40acme`))).toEqual(['ACME Trading']);
  });

  it('treats the words as text, never as a pattern', async () => {
    expect(names(await call(t, w, 'GET', `/forms/${form}/records?q=${encodeURIComponent('.*')}`))).toEqual(
      [],
    );
    const long = await call(t, w, 'GET', `/forms/${form}/records?q=${'x'.repeat(201)}`);
    expect(long.statusCode).toBe(400);
  });

  it('does not search fields hidden from the caller', async () => {
    expect(names(await call(t, w, 'GET', `/forms/${form}/records?q=codeword`))).toEqual(['ACME Trading']);
    expect(
      names(await call(t, w, 'GET', `/forms/${form}/records?q=codeword`, undefined, rep.headers)),
    ).toEqual([]);
  });

  it('exports the view: its search, sort and columns', async () => {
    const res = await call(
      t,
      w,
      'GET',
      `/forms/${form}/records/export?format=csv&q=acme&sort=-amount&fields=amount,customer`,
    );
    expect(res.statusCode, res.body).toBe(200);
    const lines = res.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split(/\r?\n/);
    expect(lines[0]).toBe('id,Amount,Customer,createdAt,updatedAt');
    expect(lines.slice(1).map((line) => line.split(',').slice(1, 3).join(','))).toEqual([
      '20,Globex',
      '10,ACME Trading',
    ]);
    const unknown = await call(t, w, 'GET', `/forms/${form}/records/export?fields=nope`);
    expect(unknown.statusCode).toBe(400);
  });
});

describe('saved views', () => {
  it('keeps each person their own views, checked against what they may query', async () => {
    const config = {
      columns: ['customer', 'amount'],
      filter: { field: 'amount', op: 'gte', value: 20 },
      sort: '-amount',
      q: null,
    };
    const made = await call(t, w, 'POST', `/forms/${form}/views`, { name: 'Big ones', config }, rep.headers);
    expect(made.statusCode, made.body).toBe(201);
    const id = made.json().id as string;
    expect((await call(t, w, 'GET', `/forms/${form}/views`, undefined, rep.headers)).json()).toEqual([
      expect.objectContaining({ id, name: 'Big ones', config }),
    ]);
    expect((await call(t, w, 'GET', `/forms/${form}/views`, undefined, other.headers)).json()).toEqual([]);
    // Another person cannot change or remove it: it is not found for them.
    expect(
      (await call(t, w, 'PUT', `/forms/${form}/views/${id}`, { name: 'x', config }, other.headers))
        .statusCode,
    ).toBe(404);
    expect(
      (await call(t, w, 'DELETE', `/forms/${form}/views/${id}`, undefined, other.headers)).statusCode,
    ).toBe(404);
    const again = await call(t, w, 'POST', `/forms/${form}/views`, { name: 'Big ones', config }, rep.headers);
    expect(again.statusCode).toBe(409);
    const renamed = await call(
      t,
      w,
      'PUT',
      `/forms/${form}/views/${id}`,
      { name: 'Large', config: { ...config, q: 'acme' } },
      rep.headers,
    );
    expect(renamed.json()).toMatchObject({ name: 'Large', config: { q: 'acme' } });
    expect(
      (await call(t, w, 'DELETE', `/forms/${form}/views/${id}`, undefined, rep.headers)).statusCode,
    ).toBe(204);
    expect((await call(t, w, 'GET', `/forms/${form}/views`, undefined, rep.headers)).json()).toEqual([]);
  });

  it('refuses views naming hidden or unknown fields, bad filters and unknown settings', async () => {
    for (const config of [
      { columns: ['notes'] },
      { columns: ['nope'] },
      { filter: { field: 'amount', op: 'like', value: 1 } },
      { sort: 'nope' },
      { colour: 'red' },
    ]) {
      const res = await call(t, w, 'POST', `/forms/${form}/views`, { name: 'v', config }, rep.headers);
      expect(res.statusCode, JSON.stringify(config)).toBe(400);
    }
    expect(
      (await call(t, w, 'POST', `/forms/${form}/views`, { name: '', config: {} }, rep.headers)).statusCode,
    ).toBe(400);
  });
});

describe('mentions', () => {
  it('tell the person mentioned at once, and list the comment with its text only where they may look', async () => {
    const url = await listen(t);
    const connected = await connect(url, { token: rep.token });
    if (!('client' in connected)) throw connected.refused;
    const { client } = connected;
    try {
      expect((await client.subscribe(w.ws)).ok).toBe(true);
      const list = (await call(t, w, 'GET', `/forms/${form}/records`)).json() as {
        items: Array<{ id: string }>;
      };
      const record = list.items[0]?.id as string;
      const comment = await call(t, w, 'POST', `/forms/${form}/records/${record}/comments`, {
        text: `@[Rep](${rep.userId}) please call them back`,
      });
      expect(comment.statusCode).toBe(201);
      const notice = (await client.next((event) => event === 'comment:mentioned')) as Record<string, string>;
      expect(notice).toEqual({ ws: w.ws, form, record, comment: comment.json().id, by: w.owner.userId });
      const mentions = await call(t, w, 'GET', '/mentions', undefined, rep.headers);
      expect(mentions.json()).toEqual([
        expect.objectContaining({
          record,
          form,
          author: w.owner.userId,
          text: expect.stringContaining('please call'),
        }),
      ]);
      expect((await call(t, w, 'GET', '/mentions', undefined, other.headers)).json()).toEqual([]);
    } finally {
      client.close();
    }
  });
});
