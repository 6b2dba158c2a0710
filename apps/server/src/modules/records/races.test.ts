import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { call, createForm, label, type Workspace, workspaceWithApp } from './test-fixtures.js';

let t: TestApp;
let w: Workspace;
let formId: string;

const create = (data: Record<string, unknown>, form = formId) =>
  call(t, w, 'POST', `/forms/${form}/records`, { data });

beforeAll(async () => {
  t = await createTestApp();
  w = await workspaceWithApp(t);
  formId = await createForm(t, w, {
    key: 'accounts',
    name: label('Accounts'),
    fields: [
      { key: 'code', type: 'text', label: label('Code'), required: true, unique: true },
      { key: 'rank', type: 'number', label: label('Rank'), unique: true },
      { key: 'no', type: 'serial', label: label('No'), pattern: [{ text: 'A' }, { seq: 4 }] },
    ],
  });
});
afterAll(async () => t?.close());

describe('unique values under races', () => {
  it('lets exactly one of 100 parallel creates of one value succeed; the rest answer 409 at the field', async () => {
    const results = await Promise.all(Array.from({ length: 100 }, () => create({ code: 'SAME' })));
    const created = results.filter((r) => r.statusCode === 201);
    const refused = results.filter((r) => r.statusCode !== 201);
    expect(created).toHaveLength(1);
    expect(refused).toHaveLength(99);
    for (const r of refused) {
      expect(r.statusCode, r.body).toBe(409);
      expect(r.json().error.code).toBe('CONFLICT');
      expect(r.json().error.details.map((d: { path: string }) => d.path)).toEqual(['/data/code']);
    }
    const list = await call(t, w, 'GET', `/forms/${formId}/records?limit=200`);
    const codes = (list.json().items as Array<{ data: { code: string } }>).map((r) => r.data.code);
    expect(codes.filter((c) => c === 'SAME')).toHaveLength(1);
  });

  it('gives 100 parallel creates of distinct values 100 distinct consecutive serial numbers', async () => {
    const before = await create({ code: 'before' });
    const first = Number(String(before.json().data.no).slice(1));
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => create({ code: `c${i}` })));
    expect(results.map((r) => r.statusCode)).toEqual(Array(100).fill(201));
    const numbers = results.map((r) => Number(String(r.json().data.no).slice(1))).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 100 }, (_, i) => first + 1 + i));
  });

  it('refuses parallel updates that would give two records one value, with the path', async () => {
    const a = (await create({ code: 'ua', rank: 1 })).json();
    const b = (await create({ code: 'ub', rank: 2 })).json();
    const [ra, rb] = await Promise.all([
      call(t, w, 'PATCH', `/forms/${formId}/records/${a.id}`, { v: a.v, data: { rank: 7 } }),
      call(t, w, 'PATCH', `/forms/${formId}/records/${b.id}`, { v: b.v, data: { rank: 7 } }),
    ]);
    expect([ra.statusCode, rb.statusCode].sort()).toEqual([200, 409]);
    const refused = ra.statusCode === 409 ? ra : rb;
    expect(refused.json().error.details.map((d: { path: string }) => d.path)).toEqual(['/data/rank']);
  });

  it('frees a value when its record is deleted and refuses restoring it once another record took it', async () => {
    const old = (await create({ code: 'reuse' })).json();
    expect((await call(t, w, 'DELETE', `/forms/${formId}/records/${old.id}`)).statusCode).toBe(200);
    expect((await create({ code: 'reuse' })).statusCode).toBe(201);
    const restore = await call(t, w, 'POST', `/forms/${formId}/records/${old.id}/restore`);
    expect(restore.statusCode, restore.body).toBe(409);
    expect(restore.json().error.details.map((d: { path: string }) => d.path)).toEqual(['/data/code']);
  });

  it('lets empty and missing values repeat', async () => {
    const results = await Promise.all([create({ code: 'e1' }), create({ code: 'e2' })]);
    expect(results.map((r) => r.statusCode)).toEqual([201, 201]);
  });

  it('refuses to make a field unique while stored records repeat its values (409 at the field)', async () => {
    const dupForm = await createForm(t, w, {
      key: 'tags',
      name: label('Tags'),
      fields: [{ key: 'name', type: 'text', label: label('Name') }],
    });
    await create({ name: 'x' }, dupForm);
    await create({ name: 'x' }, dupForm);
    const res = await call(t, w, 'PUT', `/forms/${dupForm}`, {
      publish: true,
      definition: {
        key: 'tags',
        name: label('Tags'),
        fields: [{ key: 'name', type: 'text', label: label('Name'), unique: true }],
      },
    });
    expect(res.statusCode, res.body).toBe(409);
    expect(res.json().error.details.map((d: { path: string }) => d.path)).toEqual(['/fields/0/unique']);
  });
});
