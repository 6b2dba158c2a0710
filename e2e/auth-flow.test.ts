import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import en from '../apps/web/src/i18n/en.json' with { type: 'json' };
import zhCN from '../apps/web/src/i18n/zh-CN.json' with { type: 'json' };
import { type BrowserSession, launchBrowser } from './helpers/browser.js';
import { type RunningServer, startServer } from './helpers/server.js';

const owner = { name: 'Ada Owner', email: 'ada@example.com', password: 'correct-horse-battery-9' };
const member = { name: 'Bo Member', email: 'bo@example.com', password: 'another-long-secret-7' };
const workspaceName = 'Northwind Trading';

// One server and one browser for the whole story: each step starts where the previous one left off.
let server: RunningServer;
let browser: BrowserSession;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser({ locale: 'en-US' });
});

afterAll(async () => {
  await browser?.close();
  if (server) expect(await server.stop()).toBe(0);
});

describe('setup, sign-out and sign-in in the browser', () => {
  it('shows the server password policy, then completes setup and lands on the home page showing the workspace', async () => {
    const { page } = browser;
    await page.goto(`${server.url}/`);
    const setup = page.getByTestId('setup-page');
    await setup.waitFor();
    await setup.getByLabel(en.setup.workspaceName, { exact: true }).fill(workspaceName);
    await setup.getByLabel(en.setup.ownerName, { exact: true }).fill(owner.name);
    await setup.getByLabel(en.setup.email, { exact: true }).fill(owner.email);

    // Long enough for the form, but one kind of character only: the server's policy must say why.
    const weak = 'aaaaaaaaaaaa';
    await setup.getByLabel(en.setup.password, { exact: true }).fill(weak);
    await setup.getByLabel(en.setup.confirmPassword, { exact: true }).fill(weak);
    const rejected = page.waitForResponse(
      (r) => r.url().endsWith('/api/v1/setup') && r.request().method() === 'POST',
    );
    await setup.getByRole('button', { name: en.setup.submit }).click();
    const rejection = await rejected;
    expect(rejection.status()).toBe(400);
    const problem = (await rejection.json()) as {
      error: { message: string; details: { path: string; message: string }[] };
    };
    const passwordDetail = problem.error.details.find((d) => d.path === '/owner/password');
    expect(passwordDetail).toBeDefined();
    await setup.getByText(passwordDetail?.message ?? '', { exact: true }).waitFor();
    expect(await setup.getByTestId('form-error').textContent()).toContain(problem.error.message);

    await setup.getByLabel(en.setup.password, { exact: true }).fill(owner.password);
    await setup.getByLabel(en.setup.confirmPassword, { exact: true }).fill(owner.password);
    await setup.getByRole('button', { name: en.setup.submit }).click();

    const home = page.getByTestId('home-page');
    await home.waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    expect(await home.getByTestId('workspace-name').textContent()).toBe(workspaceName);
    expect(await page.getByTestId('user-menu').textContent()).toContain(owner.name);

    // The server agrees: setup is over.
    const status = (await (await fetch(`${server.url}/api/v1/setup`)).json()) as { needed: boolean };
    expect(status.needed).toBe(false);
  });

  it('stays signed in across a reload', async () => {
    const { page } = browser;
    await page.reload();
    await page.getByTestId('home-page').waitFor();
    expect(await page.getByTestId('workspace-name').textContent()).toBe(workspaceName);
  });

  it('lists the owner on the members page, adds a member, deactivates and reactivates them', async () => {
    const { page } = browser;
    await page.getByRole('navigation').getByRole('link', { name: en.nav.members }).click();
    const members = page.getByTestId('members-page');
    await members.getByRole('cell', { name: owner.email }).waitFor();

    await members.getByRole('button', { name: en.members.add }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel(en.members.name, { exact: true }).fill(member.name);
    await dialog.getByLabel(en.members.email, { exact: true }).fill(member.email);
    await dialog.getByLabel(en.members.password, { exact: true }).fill(member.password);
    await dialog.getByRole('button', { name: en.members.add }).click();
    // Everyone added is invited (alike whether or not the email has an account): not a member yet.
    await page.getByText(en.members.invited.replace('{{email}}', member.email)).waitFor();
    expect(await members.getByRole('row').count()).toBe(2); // header, owner
    // Bo signs in with the password Ada chose and accepts the invitation, then shows in the list.
    const api = (path: string, init: { token?: string; body?: unknown } = {}) =>
      fetch(`${server.url}/api/v1${path}`, {
        method: init.body === undefined ? 'GET' : 'POST',
        headers: {
          ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
          ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      });
    const signedIn = await api('/auth/login', { body: { email: member.email, password: member.password } });
    expect(signedIn.status).toBe(200);
    const { token: bo } = (await signedIn.json()) as { token: string };
    const [invitation] = (await (await api('/auth/me/invitations', { token: bo })).json()) as {
      id: string;
    }[];
    expect((await api(`/auth/me/invitations/${invitation?.id}/accept`, { token: bo, body: {} })).status).toBe(
      200,
    );
    await page.reload();
    await members.getByRole('cell', { name: member.email }).waitFor();
    expect(await members.getByRole('row').count()).toBe(3); // header, owner, new member

    // Adding them again: the dialog stays open and shows what the server said.
    await members.getByRole('button', { name: en.members.add }).click();
    await dialog.getByLabel(en.members.name, { exact: true }).fill(member.name);
    await dialog.getByLabel(en.members.email, { exact: true }).fill(member.email);
    await dialog.getByLabel(en.members.password, { exact: true }).fill(member.password);
    await dialog.getByRole('button', { name: en.members.add }).click();
    await dialog.getByText(en.members.addFailed).waitFor();
    await dialog.getByText('This person is already a member of the workspace').waitFor();
    await dialog.getByRole('button', { name: en.common.cancel }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await members.getByRole('row').count()).toBe(3);

    const row = members.getByRole('row').filter({ hasText: member.email });
    await row.getByRole('button', { name: en.members.deactivate }).click();
    await page.getByRole('tooltip').getByRole('button', { name: en.members.deactivate }).click();
    await row.getByText(en.members.inactive, { exact: true }).waitFor();
    // The answer says where the member's open tasks went (they had none).
    await page.getByText(en.members.deactivatedNoTasks.replace('{{name}}', member.name)).waitFor();
    await row.getByRole('button', { name: en.members.reactivate }).click();
    await row.getByText(en.members.active, { exact: true }).waitFor();
  });

  it('signs out from the keyboard, and a reload of /login then shows the login page', async () => {
    const { page } = browser;
    await page.goto(`${server.url}/`);
    await page.getByTestId('home-page').waitFor();
    const token = await page.evaluate(() => localStorage.getItem('formloom.token'));
    expect(token).toBeTruthy();
    // Keyboard only: Enter opens the account menu with focus inside it (on its first entry, the profile),
    // the arrow key moves to signing out, Enter signs out.
    await page.getByTestId('user-menu').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe(en.user.profile);
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe(en.user.logout);
    await page.keyboard.press('Enter');
    await page.getByTestId('login-page').waitFor();
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(await page.evaluate(() => localStorage.getItem('formloom.token'))).toBeNull();
    // Logout revoked the session on the server, not just in this tab.
    const me = await fetch(`${server.url}/api/v1/auth/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(401);

    await page.goto(`${server.url}/login`);
    await page.getByTestId('login-page').waitFor();
    expect(new URL(page.url()).pathname).toBe('/login');
    // Signed out for real: the app's home redirects back to login.
    await page.goto(`${server.url}/`);
    await page.getByTestId('login-page').waitFor();
  });

  it("shows the server's error message for a wrong password", async () => {
    const { page } = browser;
    const login = page.getByTestId('login-page');
    await login.getByLabel(en.login.email, { exact: true }).fill(owner.email);
    await login.getByLabel(en.login.password, { exact: true }).fill('not-the-password');
    const answer = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/login'));
    await login.getByRole('button', { name: en.login.submit }).click();
    const response = await answer;
    expect(response.status()).toBe(401);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.message.length).toBeGreaterThan(0);

    const alert = login.getByTestId('form-error');
    await alert.waitFor();
    expect(await alert.textContent()).toContain(body.error.message);
    expect(new URL(page.url()).pathname).toBe('/login');
  });

  it('shows the server error in the language the UI shows, not the browser default', async () => {
    const { page } = browser;
    // The browser asks for English; the language switch (kept in localStorage) says Chinese.
    await page.evaluate(() => localStorage.setItem('formloom.lang', 'zh-CN'));
    await page.reload();
    const login = page.getByTestId('login-page');
    await login.getByLabel(zhCN.login.email, { exact: true }).fill(owner.email);
    const password = login.getByLabel(zhCN.login.password, { exact: true });
    await password.fill('not-the-password');
    const answer = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/login'));
    // antd spaces out a two-character Chinese button label ("登 录"): submit with Enter instead.
    await password.press('Enter');
    const response = await answer;
    expect(response.request().headers()['accept-language']).toBe('zh-CN');
    expect(((await response.json()) as { error: { message: string } }).error.message).toBe('邮箱或密码错误');
    const alert = login.getByTestId('form-error');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('邮箱或密码错误');
    await page.evaluate(() => localStorage.setItem('formloom.lang', 'en'));
    await page.reload();
    // The next step signs in from this page as it was before the reload.
    await login.getByLabel(en.login.email, { exact: true }).fill(owner.email);
  });

  it('signs in with the keyboard alone and returns to the workspace', async () => {
    const { page } = browser;
    const login = page.getByTestId('login-page');
    await login.getByLabel(en.login.password, { exact: true }).fill('');
    await login.getByLabel(en.login.password, { exact: true }).focus();
    await page.keyboard.type(owner.password);
    await page.keyboard.press('Enter');
    await page.getByTestId('home-page').waitFor();
    expect(await page.getByTestId('workspace-name').textContent()).toBe(workspaceName);
  });

  it('shows a plain member the member list without management buttons', async () => {
    const { page } = browser;
    await page.getByTestId('user-menu').click();
    await page.getByRole('menuitem', { name: en.user.logout }).click();
    await page.getByTestId('login-page').waitFor();
    // A signed-out visit to a deep link goes through sign-in and then back to that page.
    await page.goto(`${server.url}/members`);
    const login = page.getByTestId('login-page');
    await login.waitFor();
    await login.getByLabel(en.login.email, { exact: true }).fill(member.email);
    await login.getByLabel(en.login.password, { exact: true }).fill(member.password);
    await login.getByRole('button', { name: en.login.submit }).click();
    const members = page.getByTestId('members-page');
    await members.waitFor();
    expect(new URL(page.url()).pathname).toBe('/members');
    expect(await page.getByTestId('user-menu').textContent()).toContain(member.name);

    await members.getByRole('cell', { name: owner.email }).waitFor();
    expect(await members.getByText(en.members.onlyAdmins).isVisible()).toBe(true);
    expect(await members.getByRole('button', { name: en.members.add }).count()).toBe(0);
    expect(await members.getByRole('button', { name: en.members.deactivate }).count()).toBe(0);
  });
});
