import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { addMember } from '../auth/test-helpers.js';
import { gridCounts, PNG, upload } from '../files/test-helpers.js';
import { call, createForm, label, type Workspace, workspaceWithApp } from '../records/test-fixtures.js';

let t: TestApp;
let w: Workspace;

beforeAll(async () => {
  t = await createTestApp();
  w = await workspaceWithApp(t);
  await createForm(t, w, {
    key: 'orders',
    name: label('Orders'),
    fields: [{ key: 'a', type: 'text', label: label('A') }],
  });
  await createForm(t, w, {
    key: 'clients',
    name: label('Clients'),
    fields: [{ key: 'n', type: 'text', label: label('N') }],
  });
});
afterAll(async () => t?.close());

async function audit(action: string) {
  const res = await call(t, w, 'GET', `/audit?action=${action}`);
  return res.json().items as Array<{ action: string; details: Record<string, unknown> }>;
}

describe('app settings: rename, menu, delete', () => {
  it('renames the app and arranges its menu with a group; both are audited', async () => {
    const menu = [
      { kind: 'group', label: { en: 'Sales', 'zh-CN': '销售' }, items: [{ kind: 'form', form: 'orders' }] },
      { kind: 'form', form: 'clients' },
    ];
    const res = await call(t, w, 'PATCH', `/apps/${w.appId}`, {
      name: { en: 'Sales 2', 'zh-CN': '销售 2' },
      menu,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ key: 'sales', name: { en: 'Sales 2', 'zh-CN': '销售 2' }, menu });
    expect((await call(t, w, 'GET', `/apps/${w.appId}`)).json().menu).toEqual(menu);
    const entries = await audit('app.updated');
    expect(entries[0]?.details).toMatchObject({
      app: 'sales',
      before: { name: { en: 'Sales' }, menu: null },
      after: { menu },
    });
    // The menu travels in the exported pack.
    expect((await call(t, w, 'GET', `/apps/${w.appId}/export`)).json().app.menu).toEqual(menu);
  });

  it('clears a setting with null and refuses bad settings with paths', async () => {
    expect((await call(t, w, 'PATCH', `/apps/${w.appId}`, { color: '#1d4ed8' })).json().color).toBe(
      '#1d4ed8',
    );
    const cleared = await call(t, w, 'PATCH', `/apps/${w.appId}`, { color: null });
    expect(cleared.statusCode).toBe(200);
    expect(cleared.json().color).toBeUndefined();
    const bad = await call(t, w, 'PATCH', `/apps/${w.appId}`, { name: {}, color: 'blue' });
    expect(bad.statusCode).toBe(400);
    expect(
      bad
        .json()
        .error.details.map((d: { path: string }) => d.path)
        .sort(),
    ).toEqual(['/color', '/name']);
    const unknownForm = await call(t, w, 'PATCH', `/apps/${w.appId}`, {
      menu: [{ kind: 'group', label: { en: 'G' }, items: [{ kind: 'form', form: 'nope' }] }],
    });
    expect(unknownForm.statusCode).toBe(422);
    expect(unknownForm.json().error.details).toEqual([
      { path: '/menu/0/items/0/form', message: 'there is no form nope', code: 'ref.form' },
    ]);
    expect((await call(t, w, 'PATCH', `/apps/${w.appId}`, {})).statusCode).toBe(400);
    expect((await call(t, w, 'PATCH', `/apps/${w.appId}`, { key: 'other' })).statusCode).toBe(400);
    // Nothing of the refused changes was written.
    expect((await call(t, w, 'GET', `/apps/${w.appId}`)).json().name).toEqual({
      en: 'Sales 2',
      'zh-CN': '销售 2',
    });
  });

  it('lets only app managers change and only owners and admins delete', async () => {
    const member = await addMember(t.app, w.owner, w.ws, 'member@example.com');
    const patch = await call(t, w, 'PATCH', `/apps/${w.appId}`, { name: { en: 'Mine' } }, member.headers);
    expect(patch.statusCode).toBe(403);
    expect((await call(t, w, 'DELETE', `/apps/${w.appId}`, undefined, member.headers)).statusCode).toBe(403);
    expect((await call(t, w, 'DELETE', '/apps/000000000000000000000000')).statusCode).toBe(404);
    expect((await call(t, w, 'PATCH', '/apps/not-an-id', { name: { en: 'X' } })).statusCode).toBe(404);
  });

  it('deletes an app with its forms and records, audited with what was removed', async () => {
    const doomed = (await call(t, w, 'POST', '/apps', { key: 'doomed', name: label('Doomed') })).json()
      .id as string;
    const res = await t.app.inject({
      method: 'POST',
      url: `${w.base}/apps/${doomed}/forms`,
      headers: w.owner.headers,
      payload: {
        key: 'notes',
        name: label('Notes'),
        fields: [
          { key: 'n', type: 'text', label: label('N') },
          { key: 'files', type: 'attachment', label: label('Files') },
        ],
      },
    });
    const form = res.json().id as string;
    const grid = await gridCounts(t);
    const uploaded = await upload(
      t,
      `${w.base}/forms/${form}/files?field=files`,
      w.owner.headers,
      PNG,
      'a.png',
    );
    expect(uploaded.statusCode, uploaded.body).toBe(201);
    const created = await call(t, w, 'POST', `/forms/${form}/records`, {
      data: { n: 'x', files: [uploaded.json()] },
    });
    expect(created.statusCode, created.body).toBe(201);
    const comment = await call(t, w, 'POST', `/forms/${form}/records/${created.json().id}/comments`, {
      text: 'a note',
    });
    expect(comment.statusCode).toBe(201);
    expect((await gridCounts(t)).files).toBe(grid.files + 1);
    expect((await call(t, w, 'DELETE', `/apps/${doomed}`)).statusCode).toBe(204);
    // Its files and comments go with it (apps/app-purge.ts, shared with an undone import).
    expect(await gridCounts(t)).toEqual(grid);
    expect((await call(t, w, 'GET', `/apps/${doomed}`)).statusCode).toBe(404);
    expect((await call(t, w, 'GET', `/forms/${form}`)).statusCode).toBe(404);
    expect((await call(t, w, 'GET', `/forms/${form}/records`)).statusCode).toBe(404);
    const entry = (await audit('app.deleted'))[0];
    expect(entry?.details).toMatchObject({
      app: 'doomed',
      removed: { forms: 1, formVersions: 1, records: 1, files: 1, comments: 1 },
    });
    // The other app is untouched, and the key can be used again.
    expect((await call(t, w, 'GET', `/apps/${w.appId}/forms`)).json()).toHaveLength(2);
    expect((await call(t, w, 'POST', '/apps', { key: 'doomed', name: label('Again') })).statusCode).toBe(201);
  });
});
