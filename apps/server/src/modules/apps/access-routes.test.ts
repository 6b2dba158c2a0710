import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { addMember, type Session } from '../auth/test-helpers.js';
import { call, createForm, label, type Workspace, workspaceWithApp } from '../records/test-fixtures.js';

let t: TestApp;
let w: Workspace;
let rep: Session;
let plain: Session;

beforeAll(async () => {
  t = await createTestApp();
  w = await workspaceWithApp(t);
  await createForm(t, w, {
    key: 'deals',
    name: label('Deals'),
    fields: [
      { key: 'title', type: 'text', label: label('Title') },
      { key: 'margin', type: 'number', label: label('Margin') },
      { key: 'commission', type: 'number', label: label('Commission') },
    ],
  });
  await createForm(t, w, {
    key: 'notes',
    name: label('Notes'),
    fields: [{ key: 'text', type: 'text', label: label('Text') }],
  });
  const roles = await call(t, w, 'PUT', `/apps/${w.appId}/roles`, {
    v: 1,
    roles: [
      {
        key: 'rep',
        name: label('Rep'),
        forms: [
          {
            form: 'deals',
            submit: true,
            view: 'own',
            edit: 'own',
            fields: [
              { field: 'margin', access: 'hidden' },
              { field: 'commission', access: 'readOnly' },
            ],
          },
        ],
      },
      { key: 'lead', name: label('Lead'), manageApp: true, forms: [] },
    ],
  });
  expect(roles.statusCode).toBe(200);
  rep = await addMember(t.app, w.owner, w.ws, 'rep@example.com', ['member', 'rep']);
  plain = await addMember(t.app, w.owner, w.ws, 'plain@example.com', ['member']);
});
afterAll(async () => t?.close());

describe('GET /apps/:app/access', () => {
  it('tells a rep what the access layer allows on each form: actions, hidden and read-only fields', async () => {
    const res = await call(t, w, 'GET', `/apps/${w.appId}/access`, undefined, rep.headers);
    expect(res.statusCode).toBe(200);
    const body = res.json() as { manageApp: boolean; forms: Record<string, Record<string, unknown>> };
    expect(body.manageApp).toBe(false);
    expect(body.forms.deals).toMatchObject({
      submit: true,
      view: true,
      edit: true,
      delete: false,
      export: false,
      manage: false,
      hidden: ['margin'],
      readOnly: ['commission', 'margin'],
    });
    expect(body.forms.notes).toMatchObject({ submit: false, view: false, edit: false, hidden: [] });
    expect(typeof body.forms.deals?.id).toBe('string');
  });

  it('gives owners everything and a member without app roles nothing', async () => {
    const owner = (await call(t, w, 'GET', `/apps/${w.appId}/access`)).json() as {
      manageApp: boolean;
      forms: Record<string, { submit: boolean; view: boolean; hidden: string[] }>;
    };
    expect(owner.manageApp).toBe(true);
    expect(owner.forms.deals).toMatchObject({ submit: true, view: true, hidden: [] });
    const none = (await call(t, w, 'GET', `/apps/${w.appId}/access`, undefined, plain.headers)).json() as {
      manageApp: boolean;
      forms: Record<string, { submit: boolean; view: boolean }>;
    };
    expect(none.manageApp).toBe(false);
    expect(Object.values(none.forms).every((f) => !f.submit && !f.view)).toBe(true);
  });

  it('answers a role with manageApp as an app manager', async () => {
    const lead = await addMember(t.app, w.owner, w.ws, 'lead@example.com', ['member', 'lead']);
    const res = await call(t, w, 'GET', `/apps/${w.appId}/access`, undefined, lead.headers);
    expect((res.json() as { manageApp: boolean }).manageApp).toBe(true);
  });

  it("answers 404 for another workspace's app and a malformed id", async () => {
    // plain owns a second workspace: the first one's app is not found there.
    const made = await t.app.inject({
      method: 'POST',
      url: '/api/v1/workspaces',
      headers: plain.headers,
      payload: { name: 'Elsewhere' },
    });
    const elsewhere = (made.json() as { id: string }).id;
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/workspaces/${elsewhere}/apps/${w.appId}/access`,
      headers: plain.headers,
    });
    expect(res.statusCode).toBe(404);
    expect((await call(t, w, 'GET', '/apps/nope/access')).statusCode).toBe(404);
  });
});
