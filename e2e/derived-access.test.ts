import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import en from '../apps/web/src/i18n/en.json' with { type: 'json' };
import zhCN from '../apps/web/src/i18n/zh-CN.json' with { type: 'json' };
import { type BrowserSession, DESKTOP, launchSignedIn, PHONE } from './helpers/browser.js';
import { type ApiCaller, setupWorkspace } from './helpers/fixtures.js';
import { expectNoSidewaysScroll, screenshot } from './helpers/screens.js';
import { type RunningServer, startServer } from './helpers/server.js';

// The permission editor shows which fields a role does not see because of what they are made of, and
// lets the role see a derived value anyway (issue 10): the app is made through the API.
let server: RunningServer;
let owner: ApiCaller;
let ws: string;
let appId: string;

/** The owner's API calls, answered whatever their status (the tests check it). */
const call = <T>(method: string, path: string, body?: unknown) => owner.request<T>(method, path, body);

const label = (text: string) => ({ en: text });
const formula = (key: string, name: string, expression: string) => ({
  key,
  type: 'formula',
  label: label(name),
  expression,
  resultType: 'number',
});

beforeAll(async () => {
  server = await startServer();
  ({ owner, ws } = await setupWorkspace(server));
  const app = await call<{ id: string }>('POST', `/workspaces/${ws}/apps`, {
    key: 'crm',
    name: label('CRM'),
    roles: [
      {
        key: 'rep',
        name: { en: 'Rep', 'zh-CN': '销售代表' },
        forms: [
          { form: 'customers', view: 'own', fields: [{ field: 'limit', access: 'hidden' }] },
          { form: 'deals', view: 'own', fields: [{ field: 'margin', access: 'hidden' }] },
        ],
      },
    ],
  });
  expect(app.status).toBe(201);
  appId = app.json.id;
  for (const form of [
    {
      key: 'customers',
      name: label('Customers'),
      fields: [
        { key: 'name', type: 'text', label: label('Name') },
        { key: 'limit', type: 'number', label: label('Credit limit') },
      ],
    },
    {
      key: 'deals',
      name: label('Deals'),
      fields: [
        { key: 'title', type: 'text', label: label('Title') },
        { key: 'amount', type: 'number', label: label('Amount') },
        { key: 'margin', type: 'number', label: label('Margin') },
        formula('marginx2', 'Margin x2', 'margin * 2'),
        formula('payable', 'Payable', 'amount * 0.1 + margin'),
        { key: 'customer', type: 'relation', label: label('Customer'), form: 'customers' },
        {
          key: 'customerLimit',
          type: 'lookup',
          label: label('Customer limit'),
          relation: 'customer',
          field: 'limit',
        },
      ],
    },
  ]) {
    const res = await call('POST', `/workspaces/${ws}/apps/${appId}/forms`, form);
    expect(res.status).toBe(201);
  }
});

afterAll(async () => {
  if (server) expect(await server.stop()).toBe(0);
});

async function signedIn(locale: string, viewport: { width: number; height: number }, isMobile = false) {
  const session = await launchSignedIn(server.url, owner.token, { locale, viewport, isMobile });
  await session.page.goto(`${server.url}/permissions`);
  await session.page.getByTestId('permission-matrix').waitFor();
  return session;
}

describe('derived fields in the permission editor', () => {
  it('shows what is hidden because of what it uses, and declassifies a field on request', async () => {
    const browser: BrowserSession = await signedIn('en-US', DESKTOP);
    try {
      const { page } = browser;
      const root = page.getByTestId('permissions-page');
      await root.getByRole('button', { name: `Rep · Deals · ${en.permissions.fieldAccess}` }).click();
      const drawer = page.getByTestId('field-drawer');
      const because = (field: string) => en.permissions.hiddenBecause.replace('{{field}}', field);
      const inherited = (ref: string) => drawer.getByTestId(`inherited-${ref}`);
      expect(await inherited('marginx2').textContent()).toBe(because('Margin'));
      expect(await inherited('payable').textContent()).toBe(because('Margin'));
      expect(await inherited('customerLimit').textContent()).toBe(because('Customers › Credit limit'));
      // Plain fields offer no declassification; derived ones do.
      const row = (name: string) => drawer.getByRole('row', { name: new RegExp(`^${name} \\(`) });
      expect(await row('Amount').getByText(en.permissions.fieldVisible, { exact: true }).count()).toBe(0);
      await screenshot(page, 'derived-access', 'drawer');

      await row('Payable').getByText(en.permissions.fieldVisible, { exact: true }).click();
      await inherited('payable').waitFor({ state: 'detached' });
      // Showing margin again shows what is made of it, live, before anything is saved.
      await row('Margin').getByText(en.permissions.fieldDefault, { exact: true }).click();
      await inherited('marginx2').waitFor({ state: 'detached' });
      await row('Margin').getByText(en.permissions.fieldHidden, { exact: true }).click();
      await inherited('marginx2').waitFor();
      await page.keyboard.press('Escape');

      const saved = page.waitForResponse((r) => r.request().method() === 'PUT');
      await root.getByRole('button', { name: en.permissions.save }).click();
      expect((await saved).status()).toBe(200);
      const stored = await call<{ roles: Array<{ forms: Array<{ form: string; fields?: unknown[] }> }> }>(
        'GET',
        `/workspaces/${ws}/apps/${appId}/roles`,
      );
      expect(stored.json.roles[0]?.forms.find((f) => f.form === 'deals')?.fields).toEqual([
        { field: 'payable', access: 'visible' },
        { field: 'margin', access: 'hidden' },
      ]);

      // After a reload the declassified field is shown as such, the others still say why they are hidden.
      await page.reload();
      await root.getByRole('button', { name: `Rep · Deals · ${en.permissions.fieldAccess}` }).click();
      await inherited('marginx2').waitFor();
      expect(await inherited('payable').count()).toBe(0);
      expect(await row('Payable').getByRole('radio', { name: en.permissions.fieldVisible }).isChecked()).toBe(
        true,
      );
    } finally {
      await browser.close();
    }
  });

  it('says it in zh-CN, on a phone, without sideways scrolling', async () => {
    const browser = await signedIn('zh-CN', PHONE, true);
    try {
      const { page } = browser;
      await page
        .getByTestId('permissions-page')
        .getByRole('button', { name: `销售代表 · Deals · ${zhCN.permissions.fieldAccess}` })
        .click();
      const drawer = page.getByTestId('field-drawer');
      const text = await drawer.getByTestId('inherited-marginx2').textContent();
      expect(text).toBe(zhCN.permissions.hiddenBecause.replace('{{field}}', 'Margin'));
      await drawer.getByText(zhCN.permissions.fieldVisible, { exact: true }).first().waitFor();
      await screenshot(page, 'derived-access', 'drawer-zh');
      await expectNoSidewaysScroll(page, 'the field drawer');
    } finally {
      await browser.close();
    }
  });
});
