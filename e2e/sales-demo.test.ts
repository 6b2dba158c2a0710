import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import en from '../apps/web/src/i18n/en.json' with { type: 'json' };
import { type BrowserSession, DESKTOP, launchBrowser, PHONE } from './helpers/browser.js';
import { type ApiCaller, signIn } from './helpers/fixtures.js';
import { expectNoSidewaysScroll, screenshot } from './helpers/screens.js';
import { type RunningServer, startServer } from './helpers/server.js';

// The product started with its demo workspace (FORMLOOM_DEMO, as `pnpm start -- --demo` does; a small
// scale keeps the suite lean): the owner finds the sales-performance app populated, a rep on a phone
// records a visit and a quote of their own.
const PASSWORD = 'Demo-Formloom-2026';
let server: RunningServer;
let owner: ApiCaller;
let ws: string;
let appId: string;
let forms: Record<string, string>;
let desk: BrowserSession;
let phone: BrowserSession;

beforeAll(async () => {
  server = await startServer({
    env: { FORMLOOM_DEMO: '1', FORMLOOM_DEMO_SCALE: '0.02' },
    healthTimeoutMs: 900_000,
  });
  owner = await signIn(server, 'owner@example.com', PASSWORD);
  ws = (await owner.call<Array<{ id: string }>>('GET', '/workspaces'))[0]?.id as string;
  const apps = await owner.call<Array<{ id: string; key: string }>>('GET', `/workspaces/${ws}/apps`);
  appId = apps.find((a) => a.key === 'sales')?.id as string;
  const list = await owner.call<Array<{ id: string; key: string }>>(
    'GET',
    `/workspaces/${ws}/apps/${appId}/forms`,
  );
  forms = Object.fromEntries(list.map((f) => [f.key, f.id]));
  desk = await launchBrowser({ viewport: DESKTOP });
  phone = await launchBrowser({ viewport: PHONE, isMobile: true });
}, 900_000);

afterAll(async () => {
  await desk?.close();
  await phone?.close();
  // Graceful shutdown is the server stories' subject; this one may still be running the automations the
  // rep's writes started, which on a loaded machine can outlast the 4 s grace period (exit 1).
  await server?.stop();
});

async function signInPage(session: BrowserSession, email: string) {
  const { page } = session;
  await page.goto(`${server.url}/`);
  const login = page.getByTestId('login-page');
  await login.waitFor();
  await login.getByLabel(en.login.email, { exact: true }).fill(email);
  await login.getByLabel(en.login.password, { exact: true }).fill(PASSWORD);
  await login.getByRole('button', { name: en.login.submit }).click();
  await page.getByTestId('app-cards').waitFor();
}

const count = async (caller: ApiCaller, form: string) =>
  (
    await caller.call<{ items: Array<{ owner: string }> }>(
      'GET',
      `/workspaces/${ws}/forms/${forms[form]}/records?limit=500`,
    )
  ).items;

describe('the demo workspace', () => {
  it('prints how to sign in and holds the pack with its demo data', async () => {
    expect(server.output()).toContain('Demo workspace ready');
    expect(server.output()).toContain('rep01@example.com');
    expect((await count(owner, 'opportunities')).length).toBe(30);
    expect((await count(owner, 'customers')).length).toBe(30);
    expect((await count(owner, 'targets')).length).toBeGreaterThan(390);
  });

  it('opens the sales cockpit populated for the owner at 1440 px', async () => {
    await signInPage(desk, 'owner@example.com');
    const { page } = desk;
    await page.getByTestId('app-card').filter({ hasText: 'Sales performance' }).click();
    // The first entry of the pack's menu is the cockpit.
    const cockpit = page.getByTestId('dashboard-page').or(page.getByTestId('dashboard-placeholder'));
    await cockpit.first().waitFor();
    if (await page.getByTestId('dashboard-page').count()) {
      await page.getByTestId('kpi-value').first().waitFor();
      expect(await page.getByTestId('kpi-value').count()).toBeGreaterThan(2);
      await page.getByTestId('ranking').first().waitFor();
    }
    await screenshot(page, 'sales-demo', 'cockpit-1440');
    // The opportunities of the demo in the list.
    await page.goto(`${server.url}/apps/${appId}/forms/${forms.opportunities}`);
    const table = page.getByTestId('record-table');
    await table.waitFor();
    await table.getByText('deal', { exact: false }).first().waitFor();
    await screenshot(page, 'sales-demo', 'opportunities-1440');
  });
});

describe('a rep of the demo on a phone', () => {
  it('records a visit to one of their customers and a quote for one of their deals', async () => {
    await signInPage(phone, 'rep01@example.com');
    const { page } = phone;
    await expectNoSidewaysScroll(page, 'home');
    await page.getByTestId('app-card').filter({ hasText: 'Sales performance' }).click();
    const menu = page.getByTestId('app-home');
    await menu.getByTestId('app-menu-entry').filter({ hasText: 'Visits' }).first().click();
    await page.getByTestId('new-record').click();
    await page.getByTestId('record-form').waitFor();
    await page.locator('#field-customer').click();
    await page.locator('.ant-select-item-option').first().click();
    await page.locator('#field-summary').fill('Walked the plant floor with the buyer');
    await expectNoSidewaysScroll(page, 'visit form');
    await screenshot(page, 'sales-demo', 'visit-375');
    await page.getByTestId('submit-record').click();
    await page.getByTestId('submit-result').waitFor();

    await page.goto(`${server.url}/apps/${appId}/forms/${forms.quotes}`);
    await page.getByTestId('new-record').click();
    await page.getByTestId('record-form').waitFor();
    await page.locator('#field-opportunity').click();
    await page.locator('.ant-select-item-option').first().click();
    const items = page.getByTestId('subform-items');
    await items.getByRole('button', { name: en.fields.addRow }).click();
    const cell = (column: string, row: number) => page.getByLabel(`${column}, row ${row}`, { exact: true });
    await cell('Product', 1).fill('Edge server');
    await cell('Qty', 1).fill('3');
    await cell('Unit price', 1).fill('25000');
    await expect.poll(() => page.getByTestId('field-total').textContent()).toContain('75,000');
    await expectNoSidewaysScroll(page, 'quote form');
    await screenshot(page, 'sales-demo', 'quote-375');
    await page.getByTestId('submit-record').click();
    await page.getByTestId('submit-result').waitFor();

    const rep = await signIn(server, 'rep01@example.com', PASSWORD);
    const visits = await rep.call<{ items: Array<{ data: { summary?: string } }> }>(
      'GET',
      `/workspaces/${ws}/forms/${forms.visits}/records?limit=500`,
    );
    expect(visits.items.some((v) => v.data.summary === 'Walked the plant floor with the buyer')).toBe(true);
    const quotes = await rep.call<{ items: Array<{ owner: string; data: { total?: number } }> }>(
      'GET',
      `/workspaces/${ws}/forms/${forms.quotes}/records?limit=500`,
    );
    expect(quotes.items.filter((q) => q.data.total === 75_000)).toHaveLength(1);
  });
});
