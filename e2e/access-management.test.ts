import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import en from '../apps/web/src/i18n/en.json' with { type: 'json' };
import zhCN from '../apps/web/src/i18n/zh-CN.json' with { type: 'json' };
import { choose, chooseInTree } from './helpers/antd.js';
import { type BrowserSession, launchSignedIn } from './helpers/browser.js';
import { type ApiCaller, addMember, setupWorkspace } from './helpers/fixtures.js';
import { type RunningServer, startServer } from './helpers/server.js';

// One server, one owner: departments first, then the permission matrix of an app whose form is made
// through the API (the form designer is not part of this story).
let server: RunningServer;
let browser: BrowserSession;
let owner: ApiCaller;
let ws: string;
let appId: string;

/** The owner's API calls, answered whatever their status (the tests check it). */
const call = <T>(method: string, path: string, body?: unknown) => owner.request<T>(method, path, body);

beforeAll(async () => {
  server = await startServer();
  ({ owner, ws } = await setupWorkspace(server));
  const app = await call<{ id: string }>('POST', `/workspaces/${ws}/apps`, {
    key: 'crm',
    name: { en: 'CRM' },
  });
  expect(app.status).toBe(201);
  appId = app.json.id;
  const form = await call('POST', `/workspaces/${ws}/apps/${appId}/forms`, {
    key: 'deals',
    name: { en: 'Deals' },
    fields: [
      { key: 'title', type: 'text', label: { en: 'Title' } },
      { key: 'margin', type: 'number', label: { en: 'Margin' } },
    ],
  });
  expect(form.status).toBe(201);

  browser = await launchSignedIn(server.url, owner.token, { locale: 'en-US' });
});

afterAll(async () => {
  await browser?.close();
  if (server) expect(await server.stop()).toBe(0);
});

describe('departments', () => {
  it('builds a department tree, renames and sets a head, and shows why a parent cannot be deleted', async () => {
    const { page } = browser;
    await page.goto(`${server.url}/departments`);
    const root = page.getByTestId('departments-page');
    await root.getByText(en.departments.empty).waitFor();

    await root.getByRole('button', { name: en.departments.add }).click();
    let dialog = page.getByRole('dialog');
    await dialog.getByLabel(en.departments.name, { exact: true }).fill('Sales');
    await dialog.getByRole('button', { name: en.departments.add }).click();
    const tree = root.getByTestId('department-tree');
    await tree.getByText('Sales', { exact: true }).waitFor();

    // The new department is selected; a sub-department defaults to it as parent.
    await root.getByRole('button', { name: en.departments.addChild }).click();
    dialog = page.getByRole('dialog');
    await dialog.getByLabel(en.departments.name, { exact: true }).fill('Sales East');
    await dialog.getByRole('button', { name: en.departments.add }).click();
    await tree.getByText('Sales East', { exact: true }).waitFor();

    await root.getByRole('button', { name: en.departments.edit }).click();
    dialog = page.getByRole('dialog');
    await dialog.getByLabel(en.departments.name, { exact: true }).fill('East');
    await choose(browser.page, en.departments.head, 'Olivia Owner <olivia@example.com>');
    await dialog.getByRole('button', { name: en.departments.save }).click();
    await tree.getByText('East', { exact: true }).waitFor();
    await tree.getByText('Olivia Owner', { exact: true }).waitFor();

    const listed = await call<
      { name: string; head: string | null; children: { name: string; head: string }[] }[]
    >('GET', `/workspaces/${ws}/departments`);
    expect(listed.json).toEqual([
      expect.objectContaining({
        name: 'Sales',
        head: null,
        children: [expect.objectContaining({ name: 'East', head: expect.any(String), children: [] })],
      }),
    ]);

    await tree.getByText('Sales', { exact: true }).click();
    await root.getByRole('button', { name: en.departments.delete }).click();
    const refused = page.waitForResponse((r) => r.request().method() === 'DELETE');
    await page.getByRole('tooltip').getByRole('button', { name: en.departments.delete }).click();
    const answer = await refused;
    expect(answer.status()).toBe(409);
    const { error } = (await answer.json()) as { error: { message: string } };
    expect(await root.getByTestId('delete-error').textContent()).toContain(error.message);
    await tree.getByText('Sales', { exact: true }).waitFor();
  });
});

describe('members', () => {
  it("sets a member's department and manager", async () => {
    const { page } = browser;
    await addMember(server, owner, ws, {
      email: 'max@example.com',
      name: 'Max Member',
      password: 'correct-horse-battery-9',
      roles: ['member'],
    });
    await page.getByRole('navigation').getByRole('link', { name: en.nav.members }).click();
    const root = page.getByTestId('members-page');
    const row = root.getByRole('row').filter({ hasText: 'max@example.com' });
    await row.getByRole('button', { name: en.members.editTitle.replace('{{name}}', 'Max Member') }).click();
    const dialog = page.getByRole('dialog');
    await chooseInTree(browser.page, en.members.department, 'East');
    await choose(browser.page, en.members.manager, 'Olivia Owner <olivia@example.com>');
    await dialog.getByRole('button', { name: en.members.save }).click();
    await row.getByRole('cell', { name: 'East', exact: true }).waitFor();
    await row.getByRole('cell', { name: 'Olivia Owner', exact: true }).waitFor();
    const members = await call<{ email: string; department: string | null; manager: string | null }[]>(
      'GET',
      `/workspaces/${ws}/members`,
    );
    const max = members.json.find((m) => m.email === 'max@example.com');
    expect(max?.department).toMatch(/^[0-9a-f]{24}$/);
    expect(max?.manager).toMatch(/^[0-9a-f]{24}$/);
  });
});

describe('permission matrix', () => {
  const roleName = `${en.permissions.newRole.replace('{{n}}', '1')}`;
  const cell = (action: keyof typeof en.permissions.action) =>
    `${roleName} · Deals · ${en.permissions.action[action]}`;

  it('edits a cell and field access, saves, and shows the saved values after a reload', async () => {
    const { page } = browser;
    await page.getByRole('navigation').getByRole('link', { name: en.nav.permissions }).click();
    const root = page.getByTestId('permissions-page');
    await root.getByText(en.permissions.noRoles).waitFor();

    await root.getByRole('button', { name: en.permissions.addRole }).click();
    await root.getByRole('checkbox', { name: cell('submit') }).check();
    await choose(browser.page, cell('view'), en.permissions.scope.own);
    await choose(browser.page, cell('edit'), en.permissions.scope.department);
    await root.getByRole('button', { name: `${roleName} · Deals · ${en.permissions.fieldAccess}` }).click();
    const drawer = page.getByRole('dialog');
    await drawer
      .getByRole('row', { name: /Margin/ })
      .getByText(en.permissions.fieldHidden, { exact: true })
      .click();
    await page.keyboard.press('Escape');
    await root.getByText(en.permissions.unsaved).waitFor();

    const saved = page.waitForResponse((r) => r.request().method() === 'PUT');
    await root.getByRole('button', { name: en.permissions.save }).click();
    expect((await saved).status()).toBe(200);
    await root.getByText(en.permissions.unsaved).waitFor({ state: 'detached' });

    const stored = await call('GET', `/workspaces/${ws}/apps/${appId}/roles`);
    expect(stored.json).toEqual({
      v: 2,
      roles: [
        {
          key: 'role1',
          name: { en: roleName },
          forms: [
            {
              form: 'deals',
              submit: true,
              view: 'own',
              edit: 'department',
              fields: [{ field: 'margin', access: 'hidden' }],
            },
          ],
        },
      ],
    });

    await page.reload();
    const matrix = page.getByTestId('permission-matrix');
    await matrix.waitFor();
    expect(await matrix.getByRole('checkbox', { name: cell('submit') }).isChecked()).toBe(true);
    expect(await matrix.getByRole('checkbox', { name: cell('export') }).isChecked()).toBe(false);
    const text = await matrix.getByTestId('permission-cell').textContent();
    expect(text).toContain(en.permissions.scope.own);
    expect(text).toContain(en.permissions.scope.department);
    expect(text).toContain(en.permissions.fieldsRestricted.replace('{{count}}', '1'));
  });

  it("shows the server's validation errors next to the role and the cell, and guards unsaved changes", async () => {
    const { page } = browser;
    const root = page.getByTestId('permissions-page');
    await root.getByLabel(`${roleName} · ${en.permissions.roleKey}`, { exact: true }).fill('admin');
    await choose(browser.page, cell('view'), en.permissions.scope.custom);
    await root
      .getByLabel(`${cell('view')} · ${en.permissions.customFilter}`, { exact: true })
      .fill('{ "field": "nope", "op": "eq", "value": 1 }');

    const refused = page.waitForResponse((r) => r.request().method() === 'PUT');
    await root.getByRole('button', { name: en.permissions.save }).click();
    const answer = await refused;
    expect(answer.status()).toBe(422);
    const { error } = (await answer.json()) as { error: { details: { path: string; message: string }[] } };
    const keyProblem = error.details.find((d) => d.path === '/0/key');
    const filterProblem = error.details.find((d) => d.path === '/0/forms/0/view/custom/field');
    expect(keyProblem).toBeDefined();
    expect(filterProblem).toBeDefined();
    expect(await root.getByTestId('role-error').textContent()).toContain(keyProblem?.message);
    expect(await root.getByTestId('cell-error').textContent()).toContain(filterProblem?.message);

    // Leaving with unsaved changes asks first; "keep editing" stays on the page.
    await page.getByRole('navigation').getByRole('link', { name: en.nav.members }).click();
    await page.locator('.ant-modal-confirm-title', { hasText: en.permissions.unsavedTitle }).waitFor();
    await page.getByRole('button', { name: en.permissions.keepEditing }).click();
    expect(new URL(page.url()).pathname).toBe('/permissions');
    // Nothing was stored by the refused save.
    const stored = await call<{ roles: { key: string }[]; v: number }>(
      'GET',
      `/workspaces/${ws}/apps/${appId}/roles`,
    );
    expect(stored.json.roles.map((r) => r.key)).toEqual(['role1']);
    expect(stored.json.v).toBe(2);

    // Removing the role and saving stores an empty list; the page is clean again.
    await root.getByRole('button', { name: en.permissions.removeRole.replace('{{role}}', roleName) }).click();
    const emptied = page.waitForResponse((r) => r.request().method() === 'PUT');
    await root.getByRole('button', { name: en.permissions.save }).click();
    expect((await emptied).status()).toBe(200);
    await root.getByText(en.permissions.noRoles).waitFor();
    expect((await call('GET', `/workspaces/${ws}/apps/${appId}/roles`)).json).toEqual({ roles: [], v: 3 });
    await page.getByRole('navigation').getByRole('link', { name: en.nav.members }).click();
    await page.getByTestId('members-page').waitFor();
  });

  it("refuses a save made over another tab's save, and reloads to the stored roles", async () => {
    const { page } = browser;
    await page.getByRole('navigation').getByRole('link', { name: en.nav.permissions }).click();
    const root = page.getByTestId('permissions-page');
    await root.getByText(en.permissions.noRoles).waitFor();

    // A second tab of the same admin loads the same roles (version 3) and saves first.
    const other = await browser.context.newPage();
    try {
      await other.goto(`${server.url}/permissions`);
      const theirs = other.getByTestId('permissions-page');
      await theirs.getByText(en.permissions.noRoles).waitFor();
      await theirs.getByRole('button', { name: en.permissions.addRole }).click();
      await theirs.getByRole('checkbox', { name: cell('submit') }).check();
      const first = other.waitForResponse((r) => r.request().method() === 'PUT');
      await theirs.getByRole('button', { name: en.permissions.save }).click();
      expect((await first).status()).toBe(200);
    } finally {
      await other.close();
    }

    // This tab still edits version 3: its save is refused and nothing of it is stored.
    await root.getByRole('button', { name: en.permissions.addRole }).click();
    await root.getByRole('checkbox', { name: cell('export') }).check();
    const late = page.waitForResponse((r) => r.request().method() === 'PUT');
    await root.getByRole('button', { name: en.permissions.save }).click();
    const answer = await late;
    expect(answer.status()).toBe(409);
    expect(JSON.parse(answer.request().postData() ?? '{}')).toMatchObject({ v: 3 });
    const conflict = root.getByTestId('roles-conflict');
    await conflict.waitFor();
    expect(await conflict.textContent()).toContain(en.permissions.conflict);
    expect(await root.getByRole('button', { name: en.permissions.save }).isDisabled()).toBe(true);
    const storedAfterConflict = await call<{ roles: { forms: unknown[] }[]; v: number }>(
      'GET',
      `/workspaces/${ws}/apps/${appId}/roles`,
    );
    expect(storedAfterConflict.json).toEqual({
      roles: [{ key: 'role1', name: { en: roleName }, forms: [{ form: 'deals', submit: true }] }],
      v: 4,
    });

    // Reload shows the other tab's roles and drops this tab's edits; no unsaved-changes question follows.
    await conflict.getByRole('button', { name: en.permissions.reload }).click();
    await conflict.waitFor({ state: 'detached' });
    const submit = root.getByRole('checkbox', { name: cell('submit') });
    await submit.waitFor();
    expect(await submit.isChecked()).toBe(true);
    expect(await root.getByRole('checkbox', { name: cell('export') }).isChecked()).toBe(false);
    expect(await root.getByText(en.permissions.unsaved).count()).toBe(0);

    // Two saves in a row from the reloaded editor: each names the version the previous one answered.
    for (const [change, v] of [
      ['export', 4],
      ['submit', 5],
    ] as const) {
      const box = root.getByRole('checkbox', { name: cell(change) });
      if (change === 'export') await box.check();
      else await box.uncheck();
      const saved = page.waitForResponse((r) => r.request().method() === 'PUT');
      await root.getByRole('button', { name: en.permissions.save }).click();
      const response = await saved;
      expect(response.status()).toBe(200);
      expect(JSON.parse(response.request().postData() ?? '{}')).toMatchObject({ v });
      await root.getByText(en.permissions.unsaved).waitFor({ state: 'detached' });
    }
    const final = await call('GET', `/workspaces/${ws}/apps/${appId}/roles`);
    expect(final.json).toEqual({
      roles: [{ key: 'role1', name: { en: roleName }, forms: [{ form: 'deals', export: true }] }],
      v: 6,
    });
  });
});

describe('in Chinese', () => {
  it('shows the matrix and the departments page in zh-CN', async () => {
    const zh = await launchSignedIn(server.url, owner.token, { locale: 'zh-CN' });
    try {
      const { v } = (await call<{ v: number }>('GET', `/workspaces/${ws}/apps/${appId}/roles`)).json;
      const put = await call('PUT', `/workspaces/${ws}/apps/${appId}/roles`, {
        roles: [
          {
            key: 'rep',
            name: { 'zh-CN': '销售代表' },
            forms: [{ form: 'deals', view: 'departmentAndBelow' }],
          },
        ],
        v,
      });
      expect(put.status).toBe(200);
      await zh.page.goto(`${server.url}/permissions`);
      const root = zh.page.getByTestId('permissions-page');
      const cell = root.getByTestId('permission-cell');
      await cell.waitFor();
      expect(await root.getByRole('heading', { level: 2 }).textContent()).toBe(zhCN.permissions.title);
      expect(await cell.textContent()).toContain(zhCN.permissions.scope.departmentAndBelow);
      expect(
        await root
          .getByRole('checkbox', { name: `销售代表 · Deals · ${zhCN.permissions.action.submit}` })
          .count(),
      ).toBe(1);

      // A save over a change made meanwhile is refused with the message in Chinese.
      const bumped = await call('PUT', `/workspaces/${ws}/apps/${appId}/roles`, {
        roles: [{ key: 'rep', name: { 'zh-CN': '销售代表' }, forms: [{ form: 'deals', view: 'all' }] }],
        v: v + 1,
      });
      expect(bumped.status).toBe(200);
      const refused = zh.page.waitForResponse((r) => r.request().method() === 'PUT');
      await root.getByRole('button', { name: zhCN.permissions.save }).click();
      expect((await refused).status()).toBe(409);
      const conflict = root.getByTestId('roles-conflict');
      await conflict.waitFor();
      expect(await conflict.textContent()).toContain(zhCN.permissions.conflict);
      await conflict.getByRole('button', { name: zhCN.permissions.reload }).click();
      await conflict.waitFor({ state: 'detached' });
      await root.getByText(zhCN.permissions.scope.all).waitFor();
      await zh.page.getByRole('navigation').getByRole('link', { name: zhCN.nav.departments }).click();
      await zh.page
        .getByTestId('departments-page')
        .getByRole('heading', { name: zhCN.departments.title })
        .waitFor();
    } finally {
      await zh.close();
    }
  });
});
