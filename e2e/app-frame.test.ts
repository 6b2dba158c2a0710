import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import en from '../apps/web/src/i18n/en.json' with { type: 'json' };
import { type BrowserSession, DESKTOP, launchSignedIn } from './helpers/browser.js';
import { type ApiCaller, setupWorkspace } from './helpers/fixtures.js';
import { screenshot } from './helpers/screens.js';
import { type RunningServer, startServer } from './helpers/server.js';

// The frame around every page on a desktop: inside an app the workspace navigation folds to icons (the
// app's own menu takes the room), and a page whose code cannot be loaded says so inside the frame instead
// of blanking the whole app.
let server: RunningServer;
let owner: ApiCaller;
let ws: string;
let appId: string;
let formId: string;
let browser: BrowserSession;

beforeAll(async () => {
  server = await startServer();
  ({ owner, ws } = await setupWorkspace(server));
  ({ id: appId } = await owner.call<{ id: string }>('POST', `/workspaces/${ws}/apps`, {
    key: 'crm',
    name: { en: 'CRM' },
  }));
  ({ id: formId } = await owner.call<{ id: string }>('POST', `/workspaces/${ws}/apps/${appId}/forms`, {
    key: 'customers',
    name: { en: 'Customers' },
    fields: [{ key: 'title', type: 'text', label: { en: 'Title' } }],
  }));
  browser = await launchSignedIn(server.url, owner.token, { viewport: DESKTOP });
});

afterAll(async () => {
  await browser?.close();
  if (server) expect(await server.stop()).toBe(0);
});

describe('the frame of the signed-in app on a desktop', () => {
  it('folds the workspace navigation to icons inside an app, unfolds it from the keyboard and remembers that', async () => {
    const { page } = browser;
    const nav = page.getByTestId('side-nav');
    await page.goto(`${server.url}/members`);
    await page.getByTestId('members-page').waitFor();
    expect(await nav.getAttribute('data-collapsed')).toBe('false');
    expect(await page.getByTestId('side-nav-toggle').count()).toBe(0);

    await page.goto(`${server.url}/apps/${appId}/forms/${formId}`);
    await page.getByTestId('records-empty').waitFor();
    await page.waitForFunction(
      () => document.querySelector('[data-testid="side-nav"]')?.getAttribute('data-collapsed') === 'true',
    );
    const folded = await nav.boundingBox();
    expect(folded?.width).toBeLessThan(100);
    // Folded, every section is still a named link.
    await nav.getByRole('link', { name: en.nav.members }).waitFor({ state: 'attached' });
    await screenshot(page, 'app-frame', 'folded');

    const toggle = page.getByRole('button', { name: en.nav.expand });
    await toggle.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: en.nav.collapse }).waitFor();
    await page.waitForFunction(
      () => (document.querySelector('[data-testid="side-nav"]')?.getBoundingClientRect().width ?? 0) > 150,
    );
    await page.reload();
    await page.getByTestId('records-empty').waitFor();
    await page.getByRole('button', { name: en.nav.collapse }).waitFor();
    expect(await nav.getAttribute('data-collapsed')).toBe('false');
    await page.getByRole('button', { name: en.nav.collapse }).click();
    await page.getByRole('button', { name: en.nav.expand }).waitFor();
  });

  it('says a page could not be loaded inside the frame, and the next page works again', async () => {
    const { page } = browser;
    await page.goto(`${server.url}/members`);
    await page.getByTestId('members-page').waitFor();
    // The departments page's own code is lost on the way (offline, or removed by an upgrade).
    await page.route(/\/assets\/departments-page-[^/]+\.js$/, (route) => route.abort('internetdisconnected'));
    await page.getByRole('navigation').getByRole('link', { name: en.nav.departments }).click();
    const alert = page.getByRole('alert').filter({ hasText: en.common.pageCodeFailed });
    await alert.waitFor();
    await alert.getByText(en.common.pageCodeFailedHelp).waitFor();
    await alert.getByRole('button', { name: en.common.retry }).waitFor();
    // The header and navigation stay usable.
    await page.getByRole('navigation').getByRole('link', { name: en.nav.members }).click();
    await page.getByTestId('members-page').waitFor();
    expect(await page.getByText(en.common.pageCodeFailed).count()).toBe(0);
    await page.unroute(/\/assets\/departments-page-[^/]+\.js$/);
  });
});
