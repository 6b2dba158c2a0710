import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { auditModel } from '../audit/service.js';
import { addMember, code, runSetup, type Session } from '../auth/test-helpers.js';
import { appModel } from './model.js';

let t: TestApp;
let owner: Session & { workspaceId: string };
let ws: string;
let appId: string;
let formId: string;
let base: string;

const label = (en: string) => ({ en });
const as = (who: Session, method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, payload?: unknown) =>
  t.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: who.headers,
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
const rolesUrl = () => `${base}/${appId}/roles`;
/** The stored roles and their version, as any member reads them. */
const stored = async (): Promise<{ roles: unknown[]; v: number }> => {
  const res = await as(owner, 'GET', rolesUrl());
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};
/** Saves a role list on the current version, as an editor that just loaded the roles does. */
const save = async (who: Session, list: unknown[]) =>
  as(who, 'PUT', rolesUrl(), { roles: list, v: (await stored()).v });
const auditCount = async () =>
  auditModel(t.store.connection).countDocuments({ ws: new Types.ObjectId(ws), action: 'app.rolesChanged' });
const paths = (body: string) =>
  (JSON.parse(body) as { error: { details?: { path: string }[] } }).error.details?.map((d) => d.path);

/** A valid role list touching every part of the model. */
const roles = () => [
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
          { field: 'items.price', access: 'readOnly' },
        ],
      },
    ],
  },
  {
    key: 'auditor',
    name: label('Auditor'),
    forms: [{ form: 'deals', view: { custom: { field: 'amount', op: 'gte', value: 1000 } }, export: true }],
  },
];

beforeAll(async () => {
  t = await createTestApp();
  owner = await runSetup(t.app);
  ws = owner.workspaceId;
  base = `/workspaces/${ws}/apps`;
  const created = await as(owner, 'POST', base, { key: 'crm', name: label('CRM') });
  expect(created.statusCode, created.body).toBe(201);
  appId = created.json().id;
  const form = await as(owner, 'POST', `${base}/${appId}/forms`, {
    key: 'deals',
    name: label('Deals'),
    fields: [
      { key: 'title', type: 'text', label: label('Title') },
      { key: 'amount', type: 'number', label: label('Amount') },
      { key: 'margin', type: 'number', label: label('Margin') },
      {
        key: 'items',
        type: 'subform',
        label: label('Items'),
        columns: [{ key: 'price', type: 'number', label: label('Price') }],
      },
    ],
  });
  expect(form.statusCode, form.body).toBe(201);
  formId = form.json().id;
});
afterAll(async () => t?.close());

describe('app roles', () => {
  it('round-trips the role list with its version and audits the change with before and after', async () => {
    expect(await stored()).toEqual({ roles: [], v: 1 });
    const put = await as(owner, 'PUT', rolesUrl(), { roles: roles(), v: 1 });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toEqual({ roles: roles(), v: 2 });
    expect(await stored()).toEqual({ roles: roles(), v: 2 });
    expect((await as(owner, 'GET', `${base}/${appId}`)).json().roles).toEqual(roles());
    const audit = await as(owner, 'GET', `/workspaces/${ws}/audit?action=app.rolesChanged`);
    const [entry] = audit.json().items;
    expect(entry.target).toEqual({ kind: 'app', id: appId });
    expect(entry.details).toEqual({ app: 'crm', before: [], after: roles() });
  });

  it('refuses roles that do not match the schema (400, with pointers)', async () => {
    const res = await save(owner, [{ key: 'rep', forms: [{ form: 'deals', view: 'everyone' }] }]);
    expect(res.statusCode).toBe(400);
    expect(code(res)).toBe('VALIDATION_FAILED');
    expect(paths(res.body)).toEqual(expect.arrayContaining(['/0/name', '/0/forms/0/view']));
    const notAList = await as(owner, 'PUT', rolesUrl(), { roles: { key: 'rep' }, v: (await stored()).v });
    expect(notAList.statusCode).toBe(400);
  });

  it('refuses duplicate and reserved keys, unknown forms, fields, columns and bad custom scopes (422)', async () => {
    const cases: [unknown[], string][] = [
      [[...roles(), { key: 'rep', name: label('Again'), forms: [] }], '/2/key'],
      [[{ key: 'admin', name: label('Admin'), forms: [] }], '/0/key'],
      [[{ key: 'x', name: label('X'), forms: [{ form: 'nope', view: 'all' }] }], '/0/forms/0/form'],
      [
        [
          {
            key: 'x',
            name: label('X'),
            forms: [{ form: 'deals', fields: [{ field: 'nope', access: 'hidden' }] }],
          },
        ],
        '/0/forms/0/fields/0/field',
      ],
      [
        [
          {
            key: 'x',
            name: label('X'),
            forms: [{ form: 'deals', fields: [{ field: 'items.nope', access: 'readOnly' }] }],
          },
        ],
        '/0/forms/0/fields/0/field',
      ],
      [
        [
          {
            key: 'x',
            name: label('X'),
            forms: [{ form: 'deals', edit: { custom: { field: 'amount', op: 'gte', value: 'lots' } } }],
          },
        ],
        '/0/forms/0/edit/custom/value',
      ],
      [
        [
          {
            key: 'x',
            name: label('X'),
            forms: [{ form: 'deals', view: { custom: { field: 'nope', op: 'eq', value: 1 } } }],
          },
        ],
        '/0/forms/0/view/custom/field',
      ],
      // Only derived fields (formulas, lookups, rollups, default formulas) can be declassified.
      [
        [
          {
            key: 'x',
            name: label('X'),
            forms: [{ form: 'deals', view: 'all', fields: [{ field: 'amount', access: 'visible' }] }],
          },
        ],
        '/0/forms/0/fields/0/field',
      ],
    ];
    for (const [list, path] of cases) {
      const res = await save(owner, list);
      expect(res.statusCode, `${path}: ${res.body}`).toBe(422);
      expect(code(res)).toBe('UNPROCESSABLE');
      expect(paths(res.body)).toContain(path);
    }
    // Nothing was written by the refused requests: same roles, same version.
    expect(await stored()).toEqual({ roles: roles(), v: 2 });
  });

  it("changes a member's access on the very next request", async () => {
    const rita = await addMember(t.app, owner, ws, 'rita@example.com', ['member', 'rep']);
    const mine = await as(rita, 'POST', `/workspaces/${ws}/forms/${formId}/records`, {
      data: { title: 'mine', amount: 5 },
    });
    expect(mine.statusCode, mine.body).toBe(201);
    const theirs = await as(owner, 'POST', `/workspaces/${ws}/forms/${formId}/records`, {
      data: { title: 'theirs', amount: 7, margin: 2 },
    });
    expect(theirs.statusCode, theirs.body).toBe(201);
    const titles = async () => {
      const res = await as(rita, 'GET', `/workspaces/${ws}/forms/${formId}/records`);
      expect(res.statusCode, res.body).toBe(200);
      return (res.json().items as { data: { title: string; margin?: number } }[]).map((r) => r.data);
    };
    // `own` scope, `margin` hidden.
    expect(await titles()).toEqual([{ title: 'mine', amount: 5 }]);

    const wider: unknown[] = roles();
    wider[0] = { key: 'rep', name: label('Rep'), forms: [{ form: 'deals', submit: true, view: 'all' }] };
    expect((await save(owner, wider)).statusCode).toBe(200);
    const after = await titles();
    expect(after).toHaveLength(2);
    expect(after).toEqual(
      expect.arrayContaining([
        { title: 'mine', amount: 5 },
        { title: 'theirs', amount: 7, margin: 2 },
      ]),
    );
    // Put the list back for the other tests.
    expect((await save(owner, roles())).statusCode).toBe(200);
  });

  it('lets only owners, admins and roles with manageApp change roles', async () => {
    const plain = await addMember(t.app, owner, ws, 'plain@example.com', ['member', 'rep']);
    const denied = await save(plain, []);
    expect(denied.statusCode).toBe(403);
    expect(code(denied)).toBe('FORBIDDEN');
    expect((await as(plain, 'GET', rolesUrl())).statusCode).toBe(200);

    const steward = { key: 'steward', name: label('Steward'), manageApp: true, forms: [] };
    expect((await save(owner, [...roles(), steward])).statusCode).toBe(200);
    const sam = await addMember(t.app, owner, ws, 'sam@example.com', ['member', 'steward']);
    const allowed = await save(sam, [...roles(), steward]);
    expect(allowed.statusCode, allowed.body).toBe(200);
    const admin = await addMember(t.app, owner, ws, 'adm@example.com', ['admin']);
    expect((await save(admin, roles())).statusCode).toBe(200);
  });

  it("answers 404 for another workspace's app and malformed ids", async () => {
    const other = await as(owner, 'POST', '/workspaces', { name: 'Elsewhere' });
    const otherWs = other.json().id;
    const otherApp = await as(owner, 'POST', `/workspaces/${otherWs}/apps`, {
      key: 'crm',
      name: label('CRM'),
    });
    expect(otherApp.statusCode).toBe(201);
    const id = otherApp.json().id;
    expect((await as(owner, 'GET', `${base}/${id}/roles`)).statusCode).toBe(404);
    const body = { roles: [], v: 1 };
    const put = await as(owner, 'PUT', `${base}/${id}/roles`, body);
    expect(put.statusCode).toBe(404);
    expect(code(put)).toBe('NOT_FOUND');
    expect((await as(owner, 'PUT', `${base}/not-an-id/roles`, body)).statusCode).toBe(404);
    // The other workspace's app is untouched and still at version 1.
    const theirs = await as(owner, 'GET', `/workspaces/${otherWs}/apps/${id}/roles`);
    expect(theirs.json()).toEqual({ roles: [], v: 1 });
    expect((await as(owner, 'GET', `/workspaces/${otherWs}/apps/${appId}/roles`)).statusCode).toBe(404);
  });
});

describe('concurrent role edits', () => {
  const message = (body: string) => (JSON.parse(body) as { error: { message: string } }).error.message;
  const only = (key: string) => [{ key, name: label(key), forms: [{ form: 'deals', view: 'all' }] }];
  // Put the full list back for the member-role tests, which assign its roles.
  afterAll(async () => {
    expect((await save(owner, roles())).statusCode).toBe(200);
  });

  it('refuses a save made on a stale version (409) and writes nothing', async () => {
    const before = await stored();
    const audits = await auditCount();
    for (const v of [before.v - 1, before.v + 1]) {
      const res = await as(owner, 'PUT', rolesUrl(), { roles: only('late'), v });
      expect(res.statusCode, res.body).toBe(409);
      expect(code(res)).toBe('CONFLICT');
      expect(message(res.body)).toMatch(/changed by someone else; reload/);
    }
    expect(await stored()).toEqual(before);
    expect(await auditCount()).toBe(audits);
  });

  it('lets exactly one of several saves racing on the same version win', async () => {
    for (const racers of [2, 5]) {
      const { v } = await stored();
      const audits = await auditCount();
      const keys = Array.from({ length: racers }, (_, i) => `racer${racers}x${i}`);
      const answers = await Promise.all(
        keys.map((key) => as(owner, 'PUT', rolesUrl(), { roles: only(key), v })),
      );
      const statuses = answers.map((a) => a.statusCode);
      expect(
        statuses.filter((s) => s === 200),
        statuses.join(),
      ).toHaveLength(1);
      expect(
        statuses.filter((s) => s === 409),
        statuses.join(),
      ).toHaveLength(racers - 1);
      const winner = answers.findIndex((a) => a.statusCode === 200);
      expect(answers[winner]?.json()).toEqual({ roles: only(keys[winner] ?? ''), v: v + 1 });
      // The winner's list is what is stored, one version on, audited once.
      expect(await stored()).toEqual({ roles: only(keys[winner] ?? ''), v: v + 1 });
      expect(await auditCount()).toBe(audits + 1);
    }
  });

  it('requires a whole-number version of at least 1 beside the list (400)', async () => {
    const before = await stored();
    const bodies: unknown[] = [
      roles(),
      { roles: roles() },
      { roles: roles(), v: 0 },
      { roles: roles(), v: String(before.v) },
      { roles: roles(), v: before.v + 0.5 },
      { roles: roles(), v: null },
      { roles: roles(), v: before.v, extra: true },
    ];
    for (const body of bodies) {
      const res = await as(owner, 'PUT', rolesUrl(), body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(code(res)).toBe('VALIDATION_FAILED');
    }
    expect(await stored()).toEqual(before);
  });

  it('reads an app stored without a version as version 1', async () => {
    const created = await as(owner, 'POST', base, { key: 'legacy', name: label('Legacy') });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    await appModel(t.store.connection).collection.updateOne(
      { _id: new Types.ObjectId(id) },
      { $unset: { rolesV: '' } },
    );
    const url = `${base}/${id}/roles`;
    expect((await as(owner, 'GET', url)).json()).toEqual({ roles: [], v: 1 });
    const first = await as(owner, 'PUT', url, { roles: [], v: 1 });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toEqual({ roles: [], v: 2 });
    const again = await as(owner, 'PUT', url, { roles: [], v: 1 });
    expect(again.statusCode).toBe(409);
    expect((await as(owner, 'GET', url)).json()).toEqual({ roles: [], v: 2 });
  });
});

describe('member roles', () => {
  it('must be workspace roles or roles of an app of the workspace (422 with the index)', async () => {
    const add = await as(owner, 'POST', `/workspaces/${ws}/members`, {
      email: 'newbie@example.com',
      name: 'Newbie',
      password: 'Correct-Horse-42',
      roles: ['member', 'ghost'],
    });
    expect(add.statusCode).toBe(422);
    expect(paths(add.body)).toEqual(['/roles/1']);

    const ok = await as(owner, 'POST', `/workspaces/${ws}/members`, {
      email: 'newbie@example.com',
      name: 'Newbie',
      password: 'Correct-Horse-42',
      roles: ['auditor'],
    });
    expect(ok.statusCode, ok.body).toBe(202);
    expect(ok.json().invitation.roles).toEqual(['member', 'auditor']);
    const joined = await t.app.inject({
      method: 'POST',
      url: '/api/v1/invitations/accept',
      payload: { token: ok.json().token, name: 'Newbie', password: 'Correct-Horse-42' },
    });
    expect(joined.statusCode, joined.body).toBe(201);
    const user = joined.json().userId;
    const patch = await as(owner, 'PATCH', `/workspaces/${ws}/members/${user}`, {
      roles: ['rep', 'admin', 'ghost', 'phantom'],
    });
    expect(patch.statusCode).toBe(422);
    expect(paths(patch.body)).toEqual(['/roles/2', '/roles/3']);
    const good = await as(owner, 'PATCH', `/workspaces/${ws}/members/${user}`, { roles: ['rep', 'auditor'] });
    expect(good.statusCode, good.body).toBe(200);
  });
});
