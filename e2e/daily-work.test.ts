import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import en from '../apps/web/src/i18n/en.json' with { type: 'json' };
import { type BrowserSession, DESKTOP, launchBrowser, PHONE, storeSession } from './helpers/browser.js';
import { type ApiCaller, addMember, photoPng, setupWorkspace, signIn } from './helpers/fixtures.js';
import { expectNoSidewaysScroll, screenshot } from './helpers/screens.js';
import { type RunningServer, startServer } from './helpers/server.js';

// The everyday story on one server: a rep on a phone fills a quote (line totals and total computed as
// they type), attaches a photo and submits; a manager at a desk sees it arrive without reloading; the rep
// finds it by searching and looks at how its total was computed; a submission made offline is stored once.
let server: RunningServer;
let owner: ApiCaller;
let ws: string;
let appId: string;
let quotesId: string;
let rep: BrowserSession;
let manager: BrowserSession;
const REP = { email: 'rita@example.com', password: 'rep-password-2026', name: 'Rita Rep' };
const MANAGER = { email: 'max@example.com', password: 'manager-password-2026', name: 'Max Manager' };

const label = (text: string) => ({ en: text, 'zh-CN': text });

beforeAll(async () => {
  server = await startServer();
  ({ owner, ws } = await setupWorkspace(server));
  const app = await owner.call<{ id: string }>('POST', `/workspaces/${ws}/apps`, {
    key: 'sales',
    name: label('Sales'),
    color: '#0891b2',
    roles: [
      {
        key: 'rep',
        name: label('Rep'),
        forms: [
          { form: 'quotes', submit: true, view: 'own', edit: 'own' },
          { form: 'customers', view: 'all' },
        ],
      },
      {
        key: 'manager',
        name: label('Manager'),
        forms: [
          { form: 'quotes', view: 'all', edit: 'all', export: true },
          { form: 'customers', view: 'all' },
        ],
      },
    ],
  });
  appId = app.id;
  const customers = await owner.call<{ id: string }>('POST', `/workspaces/${ws}/apps/${appId}/forms`, {
    key: 'customers',
    name: label('Customers'),
    titleField: 'name',
    fields: [{ key: 'name', type: 'text', label: label('Name'), required: true }],
  });
  await owner.call('POST', `/workspaces/${ws}/forms/${customers.id}/records`, {
    data: { name: 'ACME Trading' },
  });
  const quotes = await owner.call<{ id: string }>('POST', `/workspaces/${ws}/apps/${appId}/forms`, {
    key: 'quotes',
    name: label('Quotes'),
    titleField: 'title',
    fields: [
      { key: 'no', type: 'serial', label: label('No.'), pattern: [{ text: 'Q-' }, { seq: 4 }] },
      { key: 'title', type: 'text', label: label('Title'), required: true },
      {
        key: 'customer',
        type: 'relation',
        label: label('Customer'),
        form: 'customers',
        displayField: 'name',
      },
      {
        key: 'items',
        type: 'subform',
        label: label('Items'),
        columns: [
          { key: 'product', type: 'text', label: label('Product') },
          { key: 'qty', type: 'number', label: label('Qty') },
          { key: 'unitPrice', type: 'money', currency: 'CNY', label: label('Unit price') },
          {
            key: 'lineTotal',
            type: 'formula',
            label: label('Line total'),
            expression: 'qty * unitPrice',
            resultType: 'number',
            precision: 2,
          },
        ],
      },
      {
        key: 'total',
        type: 'formula',
        label: label('Total'),
        expression: 'SUM(items.lineTotal)',
        resultType: 'number',
        precision: 2,
      },
      { key: 'photo', type: 'image', label: label('Photo'), maxFiles: 3 },
      { key: 'signature', type: 'signature', label: label('Signature') },
    ],
  });
  quotesId = quotes.id;
  for (const [person, roles] of [
    [REP, ['member', 'rep']],
    [MANAGER, ['member', 'manager']],
  ] as const) {
    await addMember(server, owner, ws, { ...person, roles: [...roles] });
  }
  rep = await launchBrowser({ viewport: PHONE, isMobile: true });
  manager = await launchBrowser({ viewport: DESKTOP });
});

afterAll(async () => {
  await rep?.close();
  await manager?.close();
  if (server) expect(await server.stop()).toBe(0);
});

const quotesList = () => `${server.url}/apps/${appId}/forms/${quotesId}`;

async function quoteTitles(): Promise<string[]> {
  const page = await owner.call<{ items: Array<{ data: { title: string } }> }>(
    'GET',
    `/workspaces/${ws}/forms/${quotesId}/records?limit=100`,
  );
  return page.items.map((r) => r.data.title);
}

describe('a rep on a phone and a manager at a desk', () => {
  it('signs the rep in on a 375 px phone and opens the app from the home page', async () => {
    const { page } = rep;
    await page.goto(`${server.url}/`);
    const login = page.getByTestId('login-page');
    await login.waitFor();
    await login.getByLabel(en.login.email, { exact: true }).fill(REP.email);
    await login.getByLabel(en.login.password, { exact: true }).fill(REP.password);
    await login.getByRole('button', { name: en.login.submit }).click();
    await page.getByTestId('app-cards').waitFor();
    await expectNoSidewaysScroll(page, 'home');
    await screenshot(page, 'daily-work', 'home');
    await page.getByTestId('app-card').filter({ hasText: 'Sales' }).click();
    // On a phone the app's menu is a page of large rows.
    const menu = page.getByTestId('app-home');
    await menu.getByTestId('app-menu-entry').filter({ hasText: 'Quotes' }).waitFor();
    await screenshot(page, 'daily-work', 'app-menu');
    await menu.getByTestId('app-menu-entry').filter({ hasText: 'Quotes' }).click();
    await page.getByTestId('records-empty').waitFor();
    await expectNoSidewaysScroll(page, 'empty list');
    await screenshot(page, 'daily-work', 'empty-list');
  });

  it('fills a quote whose line totals and total compute as the rep types, keeps the draft over a reload, attaches a photo, signs and submits; the manager sees it arrive', async () => {
    // The manager watches the quotes list on a desktop, signed in elsewhere.
    const boss = await signIn(server, MANAGER.email, MANAGER.password);
    await storeSession(manager.page, server.url, boss.token);
    await manager.page.goto(quotesList());
    await manager.page.getByTestId('records-empty').waitFor();

    const { page } = rep;
    await page.getByTestId('new-record').click();
    const form = page.getByTestId('record-form');
    await form.waitFor();
    await page.locator('#field-title').fill('Spring order ACME');
    // The relation picker searches the customers the rep may see.
    await page.locator('#field-customer').click();
    await page.keyboard.type('acme');
    await page.locator('.ant-select-item-option', { hasText: 'ACME Trading' }).click();
    const items = page.getByTestId('subform-items');
    await items.getByRole('button', { name: en.fields.addRow }).click();
    await items.getByRole('button', { name: en.fields.addRow }).click();
    const cell = (column: string, row: number) => page.getByLabel(`${column}, row ${row}`, { exact: true });
    await cell('Product', 1).fill('Laptop');
    await cell('Qty', 1).fill('2');
    await cell('Unit price', 1).fill('100');
    const lineTotals = items.getByTestId('cell-lineTotal');
    await expect.poll(() => lineTotals.nth(0).textContent()).toContain('200.00');
    await expect.poll(() => page.getByTestId('field-total').textContent()).toContain('200.00');
    await cell('Product', 2).fill('Dock');
    await cell('Qty', 2).fill('3');
    await cell('Unit price', 2).fill('50');
    await expect.poll(() => lineTotals.nth(1).textContent()).toContain('150.00');
    await expect.poll(() => page.getByTestId('field-total').textContent()).toContain('350.00');
    // A row added by mistake and removed again: the total and the other rows stay.
    await items.getByRole('button', { name: en.fields.addRow }).click();
    await cell('Qty', 3).fill('9');
    await items.getByRole('button', { name: en.fields.removeRow.replace('{{row}}', '3') }).click();
    await expect.poll(() => items.getByTestId('subform-row').count()).toBe(2);
    await expect.poll(() => page.getByTestId('field-total').textContent()).toContain('350.00');
    expect(await cell('Product', 2).inputValue()).toBe('Dock');
    await expectNoSidewaysScroll(page, 'filled form');
    await screenshot(page, 'daily-work', 'form-filled');

    // A reload (a phone dropping the tab) keeps everything typed so far.
    await expect
      .poll(() =>
        page.evaluate(() =>
          Object.keys(localStorage).some(
            (k) => k.startsWith('formloom.draft') && localStorage.getItem(k)?.includes('"lineTotal":150'),
          ),
        ),
      )
      .toBe(true);
    await page.reload();
    await page.getByTestId('draft-restored').waitFor();
    expect(await page.locator('#field-title').inputValue()).toBe('Spring order ACME');
    await expect.poll(() => page.getByTestId('field-total').textContent()).toContain('350.00');

    // The camera input (what "Take a photo" opens on a phone), with upload progress, then a thumbnail.
    await page
      .getByTestId('camera-input-photo')
      .setInputFiles({ name: 'visit.png', mimeType: 'image/png', buffer: photoPng() });
    await page.getByTestId('uploaded-file').waitFor();
    // The signature pad (loaded when the form shows it): drawn with the pointer, stored as a PNG.
    await form.getByRole('button', { name: en.fields.sign }).click();
    const pad = form.getByLabel(en.fields.signHere);
    await pad.waitFor();
    const box = await pad.boundingBox();
    if (!box) throw new Error('the signature pad has no box');
    await page.mouse.move(box.x + 20, box.y + 40);
    await page.mouse.down();
    for (let i = 1; i <= 10; i++) await page.mouse.move(box.x + 20 + i * 20, box.y + 40 + (i % 2) * 60);
    await page.mouse.up();
    await form.getByRole('button', { name: en.fields.useSignature }).click();
    await form.getByText(en.fields.signed, { exact: true }).waitFor();
    await page.getByTestId('submit-record').click();
    await page.getByTestId('submit-result').waitFor();
    await screenshot(page, 'daily-work', 'submitted');
    const saved = await owner.call<{
      items: Array<{ data: { title: string; signature?: { mime: string } } }>;
    }>('GET', `/workspaces/${ws}/forms/${quotesId}/records?limit=5`);
    expect(
      saved.items.find((r) => r.data.title === 'Spring order ACME')?.data.signature?.mime,
      JSON.stringify(saved.items),
    ).toBe('image/png');

    // The manager's list shows it without a reload.
    const table = manager.page.getByTestId('record-table');
    await table.getByText('Spring order ACME').waitFor();
    await screenshot(manager.page, 'daily-work', 'manager-list');
    expect(await quoteTitles()).toEqual(['Spring order ACME']);
  });

  it('finds the record by searching, and shows how its total is computed', async () => {
    const { page } = rep;
    await page.goto(quotesList());
    await page.getByTestId('record-cards').waitFor();
    await page.getByTestId('record-search').getByRole('searchbox').fill('spring');
    await page.getByTestId('record-search').getByRole('searchbox').press('Enter');
    const card = page.getByTestId('record-card').filter({ hasText: 'Spring order ACME' });
    await card.waitFor();
    expect(await page.getByTestId('record-card').count()).toBe(1);
    await page.getByTestId('record-search').getByRole('searchbox').fill('autumn');
    await page.getByTestId('record-search').getByRole('searchbox').press('Enter');
    await page.getByTestId('records-empty').waitFor();
    await page.getByTestId('record-search').getByRole('searchbox').fill('acme spring');
    await page.getByTestId('record-search').getByRole('searchbox').press('Enter');
    await card.waitFor();
    await screenshot(page, 'daily-work', 'search');
    await card.click();
    const detail = page.getByTestId('record-page');
    await detail.waitFor();
    await detail.getByTestId('explain-total').first().click();
    const drawer = page.getByTestId('explain-drawer');
    await drawer.getByTestId('explain-steps').waitFor();
    expect(await drawer.getByTestId('explain-result').textContent()).toBe('350');
    const steps = await drawer.getByTestId('explain-steps').textContent();
    expect(steps).toContain('items.lineTotal');
    expect(steps).toContain('SUM(items.lineTotal)');
    await screenshot(page, 'daily-work', 'explain');
    await expectNoSidewaysScroll(page, 'record');
  });

  it('keeps a submission whose answer was lost, and sends it once when the connection is back', async () => {
    const { page, context } = rep;
    await page.goto(`${quotesList()}/new`);
    await page.locator('#field-title').fill('Visit while offline');
    // The server stores the record, but the phone never hears back (a tunnel, a dead zone).
    await page.route('**/records', async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      await route.fetch();
      await route.abort('internetdisconnected');
    });
    await page.getByTestId('submit-record').click();
    await page.getByTestId('submit-result').getByText(en.fill.queuedTitle).waitFor();
    await page.unroute('**/records');
    expect((await quoteTitles()).filter((t) => t === 'Visit while offline')).toHaveLength(1);
    // Truly offline now: the outbox waits.
    await context.setOffline(true);
    await page.goto(quotesList()).catch(() => undefined);
    await context.setOffline(false);
    await page.goto(quotesList());
    // Back online, the outbox sends it again with the same key: the server answers with the first record.
    await page.getByTestId('outbox-banner').waitFor({ state: 'detached' });
    expect((await quoteTitles()).filter((t) => t === 'Visit while offline')).toHaveLength(1);
  });
});
