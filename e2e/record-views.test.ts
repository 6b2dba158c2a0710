import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import en from '../apps/web/src/i18n/en.json' with { type: 'json' };
import { type BrowserSession, DESKTOP, launchBrowser, storeSession } from './helpers/browser.js';
import { type ApiCaller, addMember, setupWorkspace, signIn } from './helpers/fixtures.js';
import { screenshot } from './helpers/screens.js';
import { type RunningServer, startServer } from './helpers/server.js';

// Working a list at a desk: a saved view that is the owner's own, a field changed on several records at
// once, a record deleted from the list, and a comment whose @mention tells the colleague at once.
let server: RunningServer;
let owner: ApiCaller;
let rita: ApiCaller;
let ws: string;
let appId: string;
let formId: string;
let desk: BrowserSession;
let colleague: BrowserSession;
const RITA = { email: 'rita@example.com', password: 'agent-password-2026', name: 'Rita Agent' };
const label = (text: string) => ({ en: text, 'zh-CN': text });
const TITLES = ['Printer jams', 'Printer out of toner', 'VPN drops', 'New laptop', 'Broken chair'];

type Ticket = { id: string; data: { title: string; status?: string } };
const tickets = async () =>
  (await owner.call<{ items: Ticket[] }>('GET', `/workspaces/${ws}/forms/${formId}/records?limit=50`)).items;

beforeAll(async () => {
  server = await startServer();
  ({ owner, ws } = await setupWorkspace(server));
  const app = await owner.call<{ id: string }>('POST', `/workspaces/${ws}/apps`, {
    key: 'support',
    name: label('Support'),
    roles: [
      {
        key: 'agent',
        name: label('Agent'),
        forms: [{ form: 'tickets', submit: true, view: 'all', edit: 'all', delete: 'all' }],
      },
    ],
  });
  appId = app.id;
  const form = await owner.call<{ id: string }>('POST', `/workspaces/${ws}/apps/${appId}/forms`, {
    key: 'tickets',
    name: label('Tickets'),
    titleField: 'title',
    fields: [
      { key: 'title', type: 'text', label: label('Title'), required: true },
      {
        key: 'status',
        type: 'select',
        label: label('Status'),
        options: [
          { value: 'open', label: label('Open') },
          { value: 'closed', label: label('Closed') },
        ],
      },
    ],
  });
  formId = form.id;
  for (const title of TITLES)
    await owner.call('POST', `/workspaces/${ws}/forms/${formId}/records`, {
      data: { title, status: 'open' },
    });
  await addMember(server, owner, ws, { ...RITA, roles: ['member', 'agent'] });
  rita = await signIn(server, RITA.email, RITA.password);
  desk = await launchBrowser({ viewport: DESKTOP });
  await storeSession(desk.page, server.url, owner.token);
  colleague = await launchBrowser({ viewport: DESKTOP });
  await storeSession(colleague.page, server.url, rita.token);
});

afterAll(async () => {
  await desk?.close();
  await colleague?.close();
  if (server) expect(await server.stop()).toBe(0);
});

const row = (title: string) =>
  desk.page.getByTestId('record-table').getByRole('row').filter({ hasText: title });

describe('working a list', () => {
  it('saves a search as a view of the owner’s own and opens it again after a reload', async () => {
    const { page } = desk;
    await page.goto(`${server.url}/apps/${appId}/forms/${formId}`);
    await row('Broken chair').waitFor();
    await page.getByLabel(en.records.search, { exact: true }).fill('printer');
    await page.keyboard.press('Enter');
    await row('VPN drops').waitFor({ state: 'detached' });
    await page.getByRole('button', { name: en.records.saveView }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel(en.records.viewName).fill('Printers');
    await dialog.getByRole('button', { name: en.records.saveView }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.reload();
    await row('VPN drops').waitFor();
    await page.getByTestId('view-picker').click();
    await page.locator('.ant-select-item-option', { hasText: 'Printers' }).click();
    await row('VPN drops').waitFor({ state: 'detached' });
    await row('Printer jams').waitFor();
    await screenshot(page, 'record-views', 'saved-view');
    // Views are per person: the colleague has none.
    const theirs = await rita.call<unknown[]>('GET', `/workspaces/${ws}/forms/${formId}/views`);
    expect(theirs).toEqual([]);
  });

  it('changes a field on the selected records at once, and deletes one', async () => {
    const { page } = desk;
    await page.getByTestId('view-picker').click();
    await page.locator('.ant-select-item-option', { hasText: en.records.allRecords }).click();
    await row('VPN drops').waitFor();
    for (const title of ['Printer jams', 'Printer out of toner'])
      await row(title).getByRole('checkbox').check();
    const bulk = page.getByTestId('bulk-actions');
    await bulk.getByRole('button', { name: en.records.bulkEdit }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel(en.records.bulkField).click();
    await page.locator('.ant-select-item-option', { hasText: 'Status' }).click();
    await dialog.locator('#bulk-value').click();
    await page.locator('.ant-select-item-option', { hasText: 'Closed' }).click();
    await screenshot(page, 'record-views', 'bulk-edit');
    await dialog.getByRole('button', { name: en.records.apply }).click();
    await expect
      .poll(async () =>
        (await tickets())
          .filter((t) => t.data.status === 'closed')
          .map((t) => t.data.title)
          .sort(),
      )
      .toEqual(['Printer jams', 'Printer out of toner']);

    await row('Broken chair').getByRole('checkbox').check();
    await page.getByTestId('bulk-actions').getByRole('button', { name: en.records.delete }).click();
    await page.locator('.ant-popconfirm').getByRole('button', { name: en.records.delete }).click();
    await row('Broken chair').waitFor({ state: 'detached' });
    expect((await tickets()).map((t) => t.data.title)).not.toContain('Broken chair');
  });

  it('mentions a colleague in a comment, who is told at once', async () => {
    await colleague.page.goto(`${server.url}/apps/${appId}/forms/${formId}`);
    await colleague.page.getByTestId('record-table').getByText('VPN drops').waitFor();
    const { page } = desk;
    const vpn = (await tickets()).find((t) => t.data.title === 'VPN drops') as Ticket;
    await page.goto(`${server.url}/apps/${appId}/forms/${formId}/records/${vpn.id}`);
    const comments = page.getByTestId('record-comments');
    await comments.getByText(en.comments.none).waitFor();
    await comments.getByLabel(en.comments.write).click();
    await page.keyboard.type('Can you look at this @Rit');
    await page.locator('.ant-mentions-dropdown-menu-item', { hasText: 'Rita Agent' }).click();
    await comments.getByRole('button', { name: en.comments.send }).click();
    await comments.getByText('Can you look at this').waitFor();
    const notice = colleague.page.locator('.ant-notification-notice', {
      hasText: en.mentions.title.replace('{{name}}', 'Olivia Owner'),
    });
    await notice.waitFor();
    await screenshot(colleague.page, 'record-views', 'mentioned');
    await notice.getByRole('button', { name: en.mentions.open }).click();
    await colleague.page.waitForURL(new RegExp(`/records/${vpn.id}`));
  });
});
