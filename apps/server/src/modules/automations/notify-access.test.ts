import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { addMember, runSetup, type Session } from '../auth/test-helpers.js';
import { label } from '../records/test-fixtures.js';

// A notification is a path that carries record values: each recipient reads its texts as the access layer
// shows them the record (attack suite, issue 10).
let t: TestApp;
let owner: Session & { workspaceId: string };
let rep: Session;
let outsider: Session;
let base: string;
let deals: string;

type Method = 'GET' | 'POST' | 'PATCH';
const as = (who: Session, method: Method, path: string, payload?: unknown) =>
  t.app.inject({
    method,
    url: `${base}${path}`,
    headers: who.headers,
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
const inbox = async (who: Session) =>
  (await as(who, 'GET', '/notifications')).json().items as Array<{ title: string; body: string }>;

beforeAll(async () => {
  t = await createTestApp({}, { pollJobs: false });
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
            form: 'deals',
            submit: true,
            view: 'own',
            edit: 'own',
            fields: [{ field: 'margin', access: 'hidden' }],
          },
        ],
      },
    ],
  });
  expect(app.statusCode, app.body).toBe(201);
  rep = await addMember(t.app, owner, owner.workspaceId, 'rep@example.com', ['member', 'rep']);
  outsider = await addMember(t.app, owner, owner.workspaceId, 'out@example.com', ['member']);
  const form = await as(owner, 'POST', `/apps/${app.json().id}/forms`, {
    key: 'deals',
    name: label('Deals'),
    fields: [
      { key: 'name', type: 'text', label: label('Name') },
      { key: 'margin', type: 'number', label: label('Margin') },
    ],
  });
  deals = form.json().id;
  const automation = await as(owner, 'POST', `/apps/${app.json().id}/automations`, {
    definition: {
      key: 'tell',
      name: label('Tell'),
      trigger: { type: 'recordCreated', form: 'deals' },
      actions: [
        {
          type: 'notify',
          config: {
            to: [{ kind: 'member', members: [owner.userId, rep.userId, outsider.userId] }],
            title: 'Deal {{name}}',
            body: 'margin [{{margin}}] big [{{IF(margin > 20, "yes", "no")}}]',
          },
        },
      ],
    },
  });
  expect(automation.statusCode, automation.body).toBe(201);
});
afterAll(async () => t?.close());

describe('notification texts through the access layer', () => {
  it('leave values hidden from a recipient blank, and a record they may not view blank altogether', async () => {
    const created = await as(rep, 'POST', `/forms/${deals}/records`, { data: { name: 'Acme' } });
    expect(created.statusCode, created.body).toBe(201);
    const patched = await as(owner, 'PATCH', `/forms/${deals}/records/${created.json().id}`, {
      v: 1,
      data: { margin: 30 },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    // The automation ran on create (margin still empty); run one with the margin set.
    const again = await as(rep, 'POST', `/forms/${deals}/records`, { data: { name: 'Globex' } });
    await as(owner, 'PATCH', `/forms/${deals}/records/${again.json().id}`, { v: 1, data: { margin: 25 } });
    await t.app.scheduler.runDue();
    // The owner created nothing, the owner sees everything: the margin of records created with one.
    const third = await as(owner, 'POST', `/forms/${deals}/records`, {
      data: { name: 'Initech', margin: 40 },
    });
    expect(third.statusCode, third.body).toBe(201);
    await t.app.scheduler.runDue();

    const mine = (await inbox(owner)).find((n) => n.title === 'Deal Initech');
    expect(mine?.body).toBe('margin [40] big [yes]');
    // The rep does not own Initech: they may not view it, so nothing of it reaches them.
    const repView = (await inbox(rep)).map((n) => `${n.title} | ${n.body}`);
    expect(repView).toContain('Deal Acme | margin [] big [no]');
    expect(repView).toContain('Deal  | margin [] big [no]');
    expect(repView.join('\n')).not.toMatch(/40|Initech|yes/);
    // Someone without any role on the form learns nothing of any of them.
    const outside = (await inbox(outsider)).map((n) => `${n.title} | ${n.body}`);
    expect(outside).toHaveLength(3);
    expect(outside.join('\n')).not.toMatch(/Acme|Globex|Initech|40|yes/);
  });
});

describe('lookups in notification texts', () => {
  it('blank a looked-up value of a related record the recipient may not view', async () => {
    const app = await as(owner, 'POST', '/apps', {
      key: 'accounts_app',
      name: label('Accounts'),
      roles: [
        {
          key: 'viewer',
          name: label('Viewer'),
          forms: [
            { form: 'orders', submit: false, view: 'all' },
            { form: 'accounts', submit: true, view: 'own' },
          ],
        },
      ],
    });
    expect(app.statusCode, app.body).toBe(201);
    const appId = app.json().id as string;
    const viewer = await addMember(t.app, owner, owner.workspaceId, 'viewer@example.com', [
      'member',
      'viewer',
    ]);
    const accounts = await as(owner, 'POST', `/apps/${appId}/forms`, {
      key: 'accounts',
      name: label('Accounts'),
      fields: [
        { key: 'name', type: 'text', label: label('Name') },
        { key: 'tier', type: 'text', label: label('Tier') },
      ],
    });
    expect(accounts.statusCode, accounts.body).toBe(201);
    const orders = await as(owner, 'POST', `/apps/${appId}/forms`, {
      key: 'orders',
      name: label('Orders'),
      fields: [
        { key: 'ref', type: 'text', label: label('Ref') },
        { key: 'account', type: 'relation', label: label('Account'), form: 'accounts' },
        { key: 'tier', type: 'lookup', label: label('Tier'), relation: 'account', field: 'tier' },
      ],
    });
    expect(orders.statusCode, orders.body).toBe(201);
    const automation = await as(owner, 'POST', `/apps/${appId}/automations`, {
      definition: {
        key: 'order_told',
        name: label('Order told'),
        trigger: { type: 'recordCreated', form: 'orders' },
        actions: [
          {
            type: 'notify',
            config: {
              to: [{ kind: 'member', members: [owner.userId, viewer.userId] }],
              title: 'Order {{ref}}',
              body: 'tier <{{tier}}>',
            },
          },
        ],
      },
    });
    expect(automation.statusCode, automation.body).toBe(201);
    const vault = await as(owner, 'POST', `/forms/${accounts.json().id}/records`, {
      data: { name: 'Vault', tier: 'platinum' },
    });
    expect(vault.statusCode, vault.body).toBe(201);
    const order = await as(owner, 'POST', `/forms/${orders.json().id}/records`, {
      data: { ref: 'PO-7', account: vault.json().id },
    });
    expect(order.statusCode, order.body).toBe(201);
    await t.app.scheduler.runDue();

    const ownerSaw = (await inbox(owner)).find((n) => n.title === 'Order PO-7');
    expect(ownerSaw?.body).toBe('tier <platinum>');
    // The viewer may view every order but only their own accounts: the order's lookup of Vault is masked,
    // as it is in the record list they would read.
    const seen = await as(viewer, 'GET', `/forms/${orders.json().id}/records/${order.json().id}`);
    expect(seen.statusCode, seen.body).toBe(200);
    expect(seen.json().data.tier ?? null).toBeNull();
    const viewerSaw = (await inbox(viewer)).find((n) => n.title === 'Order PO-7');
    expect(viewerSaw?.body).toBe('tier <>');
  });
});
