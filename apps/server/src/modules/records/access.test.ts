import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { addMember, runSetup, type Session } from '../auth/test-helpers.js';
import { label } from './test-fixtures.js';

let t: TestApp;
let owner: Session & { workspaceId: string };
let rep: Session;
let other: Session;
let base: string;
let formId: string;

const as = (who: Session, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, payload?: unknown) =>
  t.app.inject({
    method,
    url: `${base}${path}`,
    headers: who.headers,
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });

beforeAll(async () => {
  t = await createTestApp();
  owner = await runSetup(t.app);
  base = `/api/v1/workspaces/${owner.workspaceId}`;
  const app = await as(owner, 'POST', '/apps', {
    key: 'crm',
    name: label('CRM'),
    roles: [
      {
        key: 'rep',
        name: label('Rep'),
        forms: [
          {
            form: 'leads',
            submit: true,
            view: 'own',
            edit: 'own',
            fields: [
              { field: 'margin', access: 'hidden' },
              { field: 'score', access: 'readOnly' },
            ],
          },
        ],
      },
    ],
  });
  expect(app.statusCode, app.body).toBe(201);
  // Members may hold a role only once an app defines it.
  rep = await addMember(t.app, owner, owner.workspaceId, 'rep@example.com', ['member', 'rep']);
  other = await addMember(t.app, owner, owner.workspaceId, 'other@example.com', ['member', 'rep']);
  const form = await as(owner, 'POST', `/apps/${app.json().id}/forms`, {
    key: 'leads',
    name: label('Leads'),
    fields: [
      { key: 'name', type: 'text', label: label('Name') },
      { key: 'margin', type: 'number', label: label('Margin') },
      { key: 'score', type: 'number', label: label('Score') },
    ],
  });
  formId = form.json().id;
});
afterAll(async () => t?.close());

describe('records through the access layer', () => {
  it('shows members only the records and fields their role reaches', async () => {
    const mine = await as(rep, 'POST', `/forms/${formId}/records`, { data: { name: 'mine' } });
    expect(mine.statusCode, mine.body).toBe(201);
    const theirs = await as(other, 'POST', `/forms/${formId}/records`, { data: { name: 'theirs' } });
    const patched = await as(owner, 'PATCH', `/forms/${formId}/records/${mine.json().id}`, {
      v: 1,
      data: { margin: 30, score: 5 },
    });
    expect(patched.json().data).toEqual({ name: 'mine', margin: 30, score: 5 });

    const list = (await as(rep, 'GET', `/forms/${formId}/records`)).json();
    expect(list.items.map((r: { data: unknown }) => r.data)).toEqual([{ name: 'mine', score: 5 }]);
    expect((await as(rep, 'GET', `/forms/${formId}/records/${theirs.json().id}`)).statusCode).toBe(404);
    const patchTheirs = await as(rep, 'PATCH', `/forms/${formId}/records/${theirs.json().id}`, {
      v: 1,
      data: { name: 'x' },
    });
    expect(patchTheirs.statusCode).toBe(404);
    const filtered = await as(
      rep,
      'GET',
      `/forms/${formId}/records?filter=${encodeURIComponent(JSON.stringify({ field: 'name', op: 'eq', value: 'theirs' }))}`,
    );
    expect(filtered.json().items).toEqual([]);
  });

  it('refuses filters, sorts and projections naming a field hidden from the caller, like unknown fields', async () => {
    // A filter on a hidden value would tell it: "margin > 15" answering only some records reveals margins.
    const low = (await as(rep, 'POST', `/forms/${formId}/records`, { data: { name: 'low' } })).json();
    const high = (await as(rep, 'POST', `/forms/${formId}/records`, { data: { name: 'high' } })).json();
    for (const [id, margin] of [
      [low.id, 10],
      [high.id, 22],
    ] as const) {
      const set = await as(owner, 'PATCH', `/forms/${formId}/records/${id}`, { v: 1, data: { margin } });
      expect(set.statusCode, set.body).toBe(200);
    }
    const byMargin = `filter=${encodeURIComponent(JSON.stringify({ field: 'margin', op: 'gt', value: 15 }))}`;
    const probes = [
      await as(rep, 'GET', `/forms/${formId}/records?${byMargin}`),
      await as(rep, 'GET', `/forms/${formId}/records?sort=-margin`),
      await as(rep, 'GET', `/forms/${formId}/records?fields=name,margin`),
    ];
    for (const res of probes) {
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.details[0].path).toMatch(/^\/query\/(filter|sort|fields)/);
      expect(res.body).not.toContain('high');
    }
    // The same filter, sort and projection work for a caller who sees the field.
    const owners = await as(
      owner,
      'GET',
      `/forms/${formId}/records?${byMargin}&sort=-margin&fields=name,margin`,
    );
    expect(owners.statusCode, owners.body).toBe(200);
    // 'mine' has margin 30 from the first test.
    expect(owners.json().items.map((r: { data: { name: string } }) => r.data.name)).toEqual(['mine', 'high']);
    // A role-hidden field counts as a field the form does not have: same status, same kind of message.
    const unknown = await as(rep, 'GET', `/forms/${formId}/records?sort=-nosuchfield`);
    expect(unknown.statusCode).toBe(400);
  });

  it('refuses writes to read-only and hidden fields, and deletes without a delete grant', async () => {
    const mine = (await as(rep, 'POST', `/forms/${formId}/records`, { data: { name: 'ro' } })).json();
    const score = await as(rep, 'PATCH', `/forms/${formId}/records/${mine.id}`, { v: 1, data: { score: 9 } });
    expect(score.statusCode).toBe(403);
    expect(score.json().error.details[0].path).toBe('/data/score');
    expect(
      (await as(rep, 'POST', `/forms/${formId}/records`, { data: { name: 'h', margin: 1 } })).statusCode,
    ).toBe(403);
    expect((await as(rep, 'DELETE', `/forms/${formId}/records/${mine.id}`)).statusCode).toBe(403);
    expect((await as(rep, 'POST', `/forms/${formId}/records/${mine.id}/restore`)).statusCode).toBe(403);
    const history = (await as(rep, 'GET', `/forms/${formId}/records/${mine.id}/history`)).json();
    expect(history[0].changes.map((c: { key: string }) => c.key)).not.toContain('margin');
  });

  it('keeps form management to owners and admins', async () => {
    const res = await as(rep, 'POST', '/apps', { key: 'mine', name: label('Mine') });
    expect(res.statusCode).toBe(403);
  });
});

describe('export', () => {
  it('exports what the caller may see as CSV and XLSX, and refuses callers without the export grant', async () => {
    const { default: Papa } = await import('papaparse');
    const { default: ExcelJS } = await import('exceljs');
    const csv = await as(owner, 'GET', `/forms/${formId}/records/export?format=csv`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const parsed = Papa.parse<string[]>(csv.body.replace(/^\uFEFF/, ''), { skipEmptyLines: true });
    expect(parsed.data[0]).toEqual(['id', 'Name', 'Margin', 'Score', 'createdAt', 'updatedAt']);
    const names = parsed.data.slice(1).map((row) => row[1]);
    expect(names).toEqual(expect.arrayContaining(['mine', 'theirs', 'ro']));
    expect(parsed.data.find((row) => row[1] === 'mine')?.slice(2, 4)).toEqual(['30', '5']);

    const xlsx = await as(
      owner,
      'GET',
      `/forms/${formId}/records/export?format=xlsx&filter=${encodeURIComponent(JSON.stringify({ field: 'name', op: 'eq', value: 'mine' }))}`,
    );
    expect(xlsx.statusCode).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const sheet = book.worksheets[0]!;
    expect(sheet.rowCount).toBe(2);
    expect(sheet.getRow(2).getCell(2).value).toBe('mine');
    expect(sheet.getRow(2).getCell(3).value).toBe(30);

    expect((await as(rep, 'GET', `/forms/${formId}/records/export`)).statusCode).toBe(403);
  });
});

describe('comments', () => {
  it('adds comments with @mentions of members, on records the caller may view', async () => {
    const mine = (await as(rep, 'POST', `/forms/${formId}/records`, { data: { name: 'commented' } })).json();
    const text = `Please check @[Other](${other.userId}) and @[Olivia](${owner.userId})`;
    const res = await as(rep, 'POST', `/forms/${formId}/records/${mine.id}/comments`, { text });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ author: rep.userId, text, mentions: [other.userId, owner.userId] });
    const stranger = await as(rep, 'POST', `/forms/${formId}/records/${mine.id}/comments`, {
      text: 'hi @[X](cccccccccccccccccccccccc)',
    });
    expect(stranger.statusCode).toBe(422);
    const list = (await as(owner, 'GET', `/forms/${formId}/records/${mine.id}/comments`)).json();
    expect(list.map((c: { text: string }) => c.text)).toEqual([text]);
    // Another rep cannot see the record, so neither its comments.
    expect((await as(other, 'GET', `/forms/${formId}/records/${mine.id}/comments`)).statusCode).toBe(404);
    expect(
      (await as(other, 'POST', `/forms/${formId}/records/${mine.id}/comments`, { text: 'x' })).statusCode,
    ).toBe(404);
  });
});
