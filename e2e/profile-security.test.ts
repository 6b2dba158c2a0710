import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import en from '../apps/web/src/i18n/en.json' with { type: 'json' };
import zhCN from '../apps/web/src/i18n/zh-CN.json' with { type: 'json' };
import { type BrowserSession, DESKTOP, launchBrowser, PHONE } from './helpers/browser.js';
import { type ApiCaller, addMember, setupWorkspace } from './helpers/fixtures.js';
import { expectNoSidewaysScroll, screenshot } from './helpers/screens.js';
import { type RunningServer, startServer } from './helpers/server.js';

// Issue 10 (items 6, 7): a person's sign-ins are in their own security log, on their profile page, and a
// workspace that adds their existing account only invites it; they join when they accept on that page.
const bo = { name: 'Bo Member', email: 'bo@example.com', password: 'another-long-secret-7' };

let server: RunningServer;
let owner: ApiCaller;
let browser: BrowserSession;

beforeAll(async () => {
  server = await startServer();
  const setup = await setupWorkspace(server);
  owner = setup.owner;
  await addMember(server, owner, setup.ws, { ...bo, roles: ['member'] });
  // A second workspace adds Bo's existing account: an invitation, not a membership.
  const south = await owner.call<{ id: string }>('POST', '/workspaces', { name: 'Southwind' });
  const invited = await owner.call<{ invited: boolean }>('POST', `/workspaces/${south.id}/members`, {
    email: bo.email,
    name: 'Anything',
    roles: ['member'],
  });
  expect(invited.invited).toBe(true);
  // A failed sign-in from a script, before Bo signs in from the browser.
  const failed = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': 'curl/8.5' },
    body: JSON.stringify({ email: bo.email, password: 'a-wrong-password-1' }),
  });
  expect(failed.status).toBe(401);
  browser = await launchBrowser({ locale: 'en-US', viewport: PHONE, isMobile: true });
});

afterAll(async () => {
  await browser?.close();
  if (server) expect(await server.stop()).toBe(0);
});

describe('profile page: security log and invitations', () => {
  it('shows the person their sign-ins, the failed one included, on a phone', async () => {
    const { page } = browser;
    await page.goto(`${server.url}/login`);
    const login = page.getByTestId('login-page');
    await login.getByLabel(en.login.email, { exact: true }).fill(bo.email);
    await login.getByLabel(en.login.password, { exact: true }).fill(bo.password);
    await login.getByRole('button', { name: en.login.submit }).click();
    await page.getByTestId('home-page').waitFor();

    await page.getByTestId('user-menu').click();
    await page.getByRole('menuitem', { name: en.user.profile }).click();
    const log = page.getByTestId('security-log');
    await log.getByTestId('security-event').first().waitFor();
    const events = await log.getByTestId('security-event').allTextContents();
    expect(events[0]).toContain(en.profile.events.signIn);
    expect(events[1]).toContain(en.profile.events.signInFailed);
    expect(events[1]).toContain('curl/8.5');
    await expectNoSidewaysScroll(page, 'profile at 375 px');
    await screenshot(page, 'profile-security', 'phone');
  });

  it('lists the invitation of the workspace that added the account; accepting joins it', async () => {
    const { page } = browser;
    const invitations = page.getByTestId('my-invitations');
    await invitations.getByText('Southwind').waitFor();
    await invitations.getByRole('button', { name: en.profile.accept }).click();
    await page.getByText(en.profile.joined.replace('{{workspace}}', 'Southwind')).waitFor();
    const me = await (
      await fetch(`${server.url}/api/v1/auth/me`, {
        headers: { cookie: (await browser.context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ') },
      })
    ).json();
    expect((me as { workspaces: { name: string }[] }).workspaces.map((w) => w.name)).toContain('Southwind');
  });

  it('reads the same at 1440 px and in Chinese', async () => {
    const { page } = browser;
    await page.setViewportSize(DESKTOP);
    await page.goto(`${server.url}/profile`);
    await page.getByTestId('security-log').getByTestId('security-event').first().waitFor();
    await expectNoSidewaysScroll(page, 'profile at 1440 px');
    await screenshot(page, 'profile-security', 'desktop');
    await page.evaluate(() => localStorage.setItem('formloom.lang', 'zh-CN'));
    await page.reload();
    await page.getByText(zhCN.profile.security).waitFor();
    await page.getByText(zhCN.profile.events.signInFailed).first().waitFor();
  });
});
