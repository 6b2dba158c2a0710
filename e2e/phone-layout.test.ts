import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import en from '../apps/web/src/i18n/en.json' with { type: 'json' };
import { type BrowserSession, DESKTOP, launchBrowser, PHONE, storeSession } from './helpers/browser.js';
import { expectNoSidewaysScroll, screenshot } from './helpers/screens.js';
import { type RunningServer, startServer } from './helpers/server.js';

// Every screen of the signed-in app at 375 px (the layout made for phones) and at 1440 px: nothing may
// scroll sideways, phones navigate with the bottom bar. One server; the data comes through the API.
let server: RunningServer;
let token: string;
let ws: string;

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  expect(response.ok, `${method} ${path} answered ${response.status}`).toBe(true);
  return (await response.json()) as T;
}

beforeAll(async () => {
  server = await startServer();
  const setup = await fetch(`${server.url}/api/v1/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      // A long name: the phone header must shorten it, not wrap or widen the page.
      workspace: { name: 'Northwind Trading Company Limited (East China)' },
      owner: {
        email: 'olivia.owner.of.northwind@example.com',
        password: 'correct-horse-battery-9',
        name: 'Olivia Owner',
      },
    }),
  });
  ({ token, workspaceId: ws } = (await setup.json()) as { token: string; workspaceId: string });
  // Everyone added is invited; Bartholomew accepts with the token (and the password chosen for him).
  const invited = await call<{ token: string }>('POST', `/workspaces/${ws}/members`, {
    email: 'bartholomew.member.with.a.long.address@example.com',
    name: 'Bartholomew Member',
    password: 'another-long-secret-7',
    roles: ['member'],
  });
  const accepted = await fetch(`${server.url}/api/v1/invitations/accept`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      token: invited.token,
      name: 'Bartholomew Member',
      password: 'another-long-secret-7',
    }),
  });
  expect(accepted.status).toBe(201);
  await call('POST', `/workspaces/${ws}/departments`, { name: 'Sales' });
  const app = await call<{ id: string }>('POST', `/workspaces/${ws}/apps`, {
    key: 'crm',
    name: { en: 'CRM' },
  });
  for (const key of ['deals', 'customers', 'visits']) {
    await call('POST', `/workspaces/${ws}/apps/${app.id}/forms`, {
      key,
      name: { en: key[0]?.toUpperCase() + key.slice(1) },
      fields: [{ key: 'title', type: 'text', label: { en: 'Title' } }],
    });
  }
  await call('PUT', `/workspaces/${ws}/apps/${app.id}/roles`, {
    v: 1,
    roles: [{ key: 'rep', name: { en: 'Sales rep' }, forms: [{ form: 'deals', submit: true, view: 'own' }] }],
  });
});

afterAll(async () => {
  if (server) expect(await server.stop()).toBe(0);
});

const SCREENS = [
  { path: '/members', testId: 'members-page', step: 'members', ready: 'Bartholomew Member' },
  { path: '/departments', testId: 'departments-page', step: 'departments', ready: 'Sales' },
  { path: '/permissions', testId: 'permissions-page', step: 'permissions', ready: 'Visits' },
] as const;

describe('the signed-in screens on a phone and on a desktop', () => {
  for (const viewport of [PHONE, DESKTOP]) {
    it(`fit a ${viewport.width} px screen without scrolling sideways`, async () => {
      const phone = viewport.width === PHONE.width;
      const browser: BrowserSession = await launchBrowser({ viewport, isMobile: phone });
      try {
        const { page } = browser;
        await storeSession(page, server.url, token);
        for (const screen of SCREENS) {
          await page.goto(`${server.url}${screen.path}`);
          await page.getByTestId(screen.testId).waitFor();
          await page.getByTestId(screen.testId).getByText(screen.ready, { exact: true }).first().waitFor();
          await expectNoSidewaysScroll(page, screen.path);
          await screenshot(page, 'phone-layout', screen.step);
        }
        if (phone) {
          // Members are cards on a phone, and the bottom bar reaches every section.
          await page.goto(`${server.url}/members`);
          await page.getByTestId('member-card').nth(1).waitFor();
          expect(await page.getByTestId('member-card').count()).toBe(2);
          const bar = page.getByTestId('bottom-nav');
          await bar.getByRole('button', { name: en.nav.more }).click();
          await page.getByRole('dialog').getByText(en.nav.departments).click();
          await page.getByTestId('departments-page').waitFor();
          await bar.getByRole('link', { name: en.nav.members }).click();
          await page.getByTestId('member-card').nth(1).waitFor();
        } else {
          expect(await page.getByTestId('bottom-nav').count()).toBe(0);
        }
      } finally {
        await browser.close();
      }
    });
  }
});
