import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { addMember } from '../auth/test-helpers.js';
import { label } from '../records/test-fixtures.js';
import { buildWorld, otherWorkspace, type ReportWorld, widget } from '../reports/test-fixtures.js';

let t: TestApp;
let w: ReportWorld;

type Who = { headers: Record<string, string> };
const call = (
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH',
  path: string,
  payload?: unknown,
  who: Who = w.owner,
) =>
  t.app.inject({
    method,
    url: `${w.base}${path}`,
    headers: who.headers,
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
const dashboards = () => `/apps/${w.appId}/dashboards`;

const cockpit = {
  key: 'cockpit',
  name: label('Cockpit'),
  filters: [
    { key: 'period', type: 'period', field: 'closeDate' },
    { key: 'member', type: 'member', field: '_owner' },
    { key: 'region', type: 'select', field: 'region', label: label('Region') },
  ],
  widgets: [
    widget({ key: 'total', type: 'kpi', measures: [{ key: 'amount', aggregate: 'sum', field: 'amount' }] }),
    widget({
      key: 'byRegion',
      type: 'bar',
      dimensions: [{ field: 'region' }],
      measures: [{ aggregate: 'count' }],
    }),
  ],
  layout: [
    { widget: 'total', x: 0, y: 0, w: 6, h: 4 },
    { widget: 'byRegion', x: 6, y: 0, w: 18, h: 8 },
  ],
};

beforeAll(async () => {
  t = await createTestApp();
  w = await buildWorld(t);
});
afterAll(async () => t?.close());

describe('dashboards of an app', () => {
  it('lets managers create, read and list them; members of the app see them; others may not write', async () => {
    const created = await call('POST', dashboards(), cockpit);
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ v: 1, editable: true, dashboard: { key: 'cockpit' } });
    const id = created.json().id as string;
    const byRep = await call('GET', `${dashboards()}/${id}`, undefined, w.rep);
    expect(byRep.statusCode).toBe(200);
    expect(byRep.json()).toMatchObject({ id, v: 1, editable: false, dashboard: cockpit });
    expect((await call('GET', `${dashboards()}/cockpit`, undefined, w.rep)).json().id).toBe(id);
    const list = await call('GET', dashboards(), undefined, w.rep);
    expect(list.json()).toEqual([{ id, key: 'cockpit', v: 1, name: cockpit.name, widgets: 2 }]);
    expect((await call('POST', dashboards(), { ...cockpit, key: 'mine' }, w.rep)).statusCode).toBe(403);
    expect((await call('POST', dashboards(), cockpit)).statusCode).toBe(409);
  });

  it('checks a dashboard against the meta-model (400) and the app (422) before writing', async () => {
    const shape = await call('POST', dashboards(), { key: 'x', name: label('X'), widgets: [{ key: 'a' }] });
    expect(shape.statusCode).toBe(400);
    expect(shape.json().error.details[0].path).toMatch(/^\/widgets\/0/);
    const unknownForm = await call('POST', dashboards(), {
      key: 'x',
      name: label('X'),
      widgets: [widget({ key: 'a', type: 'kpi', source: { form: 'nope' } })],
    });
    expect(unknownForm.statusCode).toBe(422);
    expect(unknownForm.json().error.details).toEqual([
      { path: '/widgets/0/source/form', message: expect.any(String), code: 'ref.form' },
    ]);
    const misfit = await call('POST', dashboards(), {
      key: 'x',
      name: label('X'),
      widgets: [widget({ key: 'a', type: 'bar' })],
      filters: [{ key: 'f', type: 'select', field: 'region', fields: [{ form: 'deals', field: 'nope' }] }],
    });
    expect(misfit.statusCode).toBe(422);
    expect(misfit.json().error.details.map((d: { path: string }) => d.path)).toEqual([
      '/filters/0/fields/0/field',
    ]);
    const noDims = await call('POST', dashboards(), {
      key: 'x',
      name: label('X'),
      widgets: [widget({ key: 'a', type: 'bar' })],
    });
    expect(noDims.statusCode).toBe(422);
    expect(noDims.json().error.details[0].path).toBe('/widgets/0/dimensions');
    expect((await call('GET', `${dashboards()}/x`)).statusCode).toBe(404);
  });

  it('saves changes on the version read; a save over another one is refused and writes nothing', async () => {
    const { id } = (await call('GET', `${dashboards()}/cockpit`)).json();
    const renamed = { ...cockpit, name: label('Cockpit 2') };
    const [a, b] = await Promise.all([
      call('PUT', `${dashboards()}/${id}`, { dashboard: renamed, v: 1 }),
      call('PUT', `${dashboards()}/${id}`, { dashboard: { ...cockpit, name: label('Other') }, v: 1 }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
    const current = (await call('GET', `${dashboards()}/${id}`)).json();
    expect(current.v).toBe(2);
    const stale = await call('PUT', `${dashboards()}/${id}`, { dashboard: renamed, v: 1 });
    expect(stale.statusCode).toBe(409);
    const rekeyed = await call('PUT', `${dashboards()}/${id}`, {
      dashboard: { ...cockpit, key: 'other' },
      v: 2,
    });
    expect(rekeyed.statusCode).toBe(422);
    expect(rekeyed.json().error.details[0].path).toBe('/dashboard/key');
    const noVersion = await call('PUT', `${dashboards()}/${id}`, { dashboard: cockpit });
    expect(noVersion.statusCode).toBe(400);
    const byRep = await call('PUT', `${dashboards()}/${id}`, { dashboard: cockpit, v: 2 }, w.rep);
    expect(byRep.statusCode).toBe(403);
    const saved = await call('PUT', `${dashboards()}/${id}`, { dashboard: cockpit, v: 2 });
    expect(saved.json()).toMatchObject({ v: 3, dashboard: { name: cockpit.name } });
  });

  it('shows a role only the dashboards it lists, when it lists some', async () => {
    await call('POST', dashboards(), { ...cockpit, key: 'secret', name: label('Secret') });
    const roles = (await call('GET', `/apps/${w.appId}/roles`)).json();
    const list = roles.roles.map((r: { key: string }) =>
      r.key === 'lead' ? { ...r, dashboards: ['cockpit'] } : r,
    );
    expect((await call('PUT', `/apps/${w.appId}/roles`, { roles: list, v: roles.v })).statusCode).toBe(200);
    const leads = await call('GET', dashboards(), undefined, w.lead);
    expect(leads.json().map((d: { key: string }) => d.key)).toEqual(['cockpit']);
    expect((await call('GET', `${dashboards()}/secret`, undefined, w.lead)).statusCode).toBe(404);
    expect((await call('GET', dashboards(), undefined, w.rep)).json()).toHaveLength(2);
    // A member who holds no role of the app sees none.
    const stranger = await addMember(t.app, w.owner, w.ws, 'stranger@example.com', ['member']);
    expect((await call('GET', dashboards(), undefined, stranger)).json()).toEqual([]);
  });

  it('answers each widget through the access layer, with the filter controls applied', async () => {
    const run = (key: string, body: unknown, who: Who = w.owner) =>
      call('POST', `${dashboards()}/cockpit/widgets/${key}/query`, body, who);
    expect((await run('total', {})).json().rows).toEqual([{ amount: 3100 }]);
    // The rep sums only their own deals (a: 100, b: 200).
    expect((await run('total', {}, w.rep)).json().rows).toEqual([{ amount: 300 }]);
    expect((await run('total', { controls: { region: ['east'] } })).json().rows).toEqual([{ amount: 2400 }]);
    expect((await run('total', { controls: { member: w.otherRep.userId } })).json().rows).toEqual([
      { amount: 1200 },
    ]);
    expect((await run('total', { controls: { member: '$me' } }, w.rep)).json().rows).toEqual([
      { amount: 300 },
    ]);
    expect(
      (await run('total', { controls: { period: { from: '2026-05-01', to: '2026-05-31' } } })).json().rows,
    ).toEqual([{ amount: 2400 }]);
    expect((await run('total', { controls: { period: 'lastYear' } })).json().rows).toEqual([{ amount: 0 }]);
    const bad = await run('total', { controls: { period: 'someday' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details[0].path).toBe('/controls/period');
    expect((await run('total', { controls: { nope: 1 } })).statusCode).toBe(400);
    expect((await run('missing', {})).statusCode).toBe(404);
    // A member of another workspace learns nothing.
    const mallory = await otherWorkspace(t, w.owner, 'mallory@evil.example');
    const outside = await t.app.inject({
      method: 'POST',
      url: `/api/v1/workspaces/${w.ws}/apps/${w.appId}/dashboards/cockpit/widgets/total/query`,
      headers: mallory.headers,
      payload: {},
    });
    expect(outside.statusCode).toBe(404);
    // The cell behind a bar, and the export.
    const cell = await call('POST', `${dashboards()}/cockpit/widgets/byRegion/cell`, {
      controls: { region: ['east', 'north'] },
      cell: { region: 'north' },
    });
    expect(cell.json().filter).toEqual({
      and: [
        { field: 'region', op: 'in', value: ['east', 'north'] },
        { field: 'region', op: 'eq', value: 'north' },
      ],
    });
    const file = await call('POST', `${dashboards()}/cockpit/widgets/byRegion/export`, {});
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-disposition']).toContain('byRegion.xlsx');
  });

  it('filters by a department and the departments below it', async () => {
    const sales = await call('POST', '/departments', { name: 'Sales' });
    const east = await call('POST', '/departments', { name: 'East', parent: sales.json().id });
    const other = await call('POST', '/departments', { name: 'Support' });
    const eastRep = await addMember(t.app, w.owner, w.ws, 'east@example.com', ['member', 'rep'], {
      department: east.json().id,
    });
    const deal = await call(
      'POST',
      `/forms/${w.formId}/records`,
      { data: { name: 'z', amount: 7 } },
      eastRep,
    );
    expect(deal.statusCode, deal.body).toBe(201);
    const withDept = {
      ...cockpit,
      key: 'byDept',
      filters: [{ key: 'dept', type: 'department', field: '_dept' }],
      widgets: [cockpit.widgets[0]],
      layout: [],
    };
    expect((await call('POST', dashboards(), withDept)).statusCode).toBe(201);
    const run = (dept: string) =>
      call('POST', `${dashboards()}/byDept/widgets/total/query`, { controls: { dept } });
    expect((await run(sales.json().id)).json().rows).toEqual([{ amount: 7 }]);
    expect((await run(east.json().id)).json().rows).toEqual([{ amount: 7 }]);
    expect((await run(other.json().id)).json().rows).toEqual([{ amount: 0 }]);
    await call('DELETE', `/forms/${w.formId}/records/${deal.json().id}`);
    await call('DELETE', `${dashboards()}/byDept`);
  });

  it('round-trips through the pack export and import, and refuses to delete one the menu links to', async () => {
    const pack = (await call('GET', `/apps/${w.appId}/export`)).json();
    expect(pack.dashboards.map((d: { key: string }) => d.key)).toEqual(['cockpit', 'secret']);
    expect(pack.dashboards[0]).toEqual(cockpit);
    const imported = await call('POST', '/apps/import', { pack, appKey: 'crm2' });
    expect(imported.statusCode, imported.body).toBe(201);
    const again = (await call('GET', `/apps/${imported.json().appId}/export`)).json();
    expect(again.dashboards).toEqual(pack.dashboards);
    const menu = await call('PATCH', `/apps/${w.appId}`, {
      menu: [{ kind: 'dashboard', dashboard: 'secret' }],
    });
    expect(menu.statusCode, menu.body).toBe(200);
    expect((await call('DELETE', `${dashboards()}/secret`)).statusCode).toBe(409);
    expect((await call('DELETE', `${dashboards()}/cockpit`, undefined, w.rep)).statusCode).toBe(403);
    expect((await call('DELETE', `${dashboards()}/cockpit`)).statusCode).toBe(204);
    expect((await call('GET', `${dashboards()}/cockpit`)).statusCode).toBe(404);
  });

  it('adds a dashboard to the app menu on create and takes it out on delete, with ?menu=true', async () => {
    expect((await call('PATCH', `/apps/${w.appId}`, { menu: null })).statusCode).toBe(200);
    const menuOf = async () => (await call('GET', `/apps/${w.appId}`)).json().menu;
    const formKeys = (await call('GET', `/apps/${w.appId}/forms`)).json().map((f: { key: string }) => f.key);
    const board = { ...cockpit, key: 'menuBoard', name: label('Menu board') };
    expect((await call('POST', `${dashboards()}?menu=yes`, board)).statusCode).toBe(400);
    expect((await call('POST', `${dashboards()}?menu=true`, board, w.rep)).statusCode).toBe(403);
    expect(await menuOf()).toBeUndefined();
    const created = await call('POST', `${dashboards()}?menu=true`, board);
    expect(created.statusCode, created.body).toBe(201);
    // The app had no menu (every form shown): the forms stay, the dashboard comes last.
    const forms = formKeys.map((form: string) => ({ kind: 'form', form }));
    expect(await menuOf()).toEqual([...forms, { kind: 'dashboard', dashboard: 'menuBoard' }]);
    // A taken key writes nothing, the menu included.
    expect((await call('POST', `${dashboards()}?menu=true`, board)).statusCode).toBe(409);
    expect(await menuOf()).toHaveLength(forms.length + 1);
    const grouped = [
      { kind: 'group', label: label('Boards'), items: [{ kind: 'dashboard', dashboard: 'menuBoard' }] },
      { kind: 'dashboard', dashboard: 'menuBoard' },
      ...forms,
    ];
    expect((await call('PATCH', `/apps/${w.appId}`, { menu: grouped })).statusCode).toBe(200);
    expect((await call('DELETE', `${dashboards()}/menuBoard`)).statusCode).toBe(409);
    expect((await call('DELETE', `${dashboards()}/menuBoard?menu=true`, undefined, w.rep)).statusCode).toBe(
      403,
    );
    expect((await call('DELETE', `${dashboards()}/menuBoard?menu=true`)).statusCode).toBe(204);
    expect(await menuOf()).toEqual([{ kind: 'group', label: label('Boards'), items: [] }, ...forms]);
    expect((await call('GET', `${dashboards()}/menuBoard`)).statusCode).toBe(404);
    // Without a link in the menu the flag changes nothing else.
    const again = await call('POST', dashboards(), board);
    expect(again.statusCode).toBe(201);
    expect((await call('DELETE', `${dashboards()}/menuBoard?menu=true`)).statusCode).toBe(204);
    expect(await menuOf()).toEqual([{ kind: 'group', label: label('Boards'), items: [] }, ...forms]);
  });
});
