import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import en from '../apps/web/src/i18n/en.json' with { type: 'json' };
import zhCN from '../apps/web/src/i18n/zh-CN.json' with { type: 'json' };
import { launchBrowser } from './helpers/browser.js';
import { type RunningServer, startServer } from './helpers/server.js';

// Nothing here creates a user, so the server stays in first-run state for every test in this file.
let server: RunningServer;

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  // SIGTERM is the documented way to stop the server; it must drain and exit cleanly.
  if (server) expect(await server.stop()).toBe(0);
});

describe('first run with an empty data directory', () => {
  const cases = [
    { locale: 'en-US', lang: 'en', text: en },
    { locale: 'zh-CN', lang: 'zh-CN', text: zhCN },
  ] as const;

  for (const { locale, lang, text } of cases) {
    it(`opens the setup page in ${lang} for a browser preferring ${locale}`, async () => {
      const browser = await launchBrowser({ locale });
      try {
        const { page } = browser;
        await page.goto(`${server.url}/`);
        const setup = page.getByTestId('setup-page');
        await setup.waitFor();
        expect(new URL(page.url()).pathname).toBe('/setup');
        await expect.poll(() => page.locator('html').getAttribute('lang')).toBe(lang);
        expect(await setup.getByRole('heading', { level: 1 }).textContent()).toBe(text.setup.title);
        for (const label of [text.setup.workspaceName, text.setup.ownerName, text.setup.email]) {
          expect(await setup.getByLabel(label, { exact: true }).isVisible()).toBe(true);
        }
        expect(await setup.getByRole('button', { name: text.setup.submit }).isEnabled()).toBe(true);
      } finally {
        await browser.close();
      }
    });
  }

  it('redirects the login page to setup while setup is needed', async () => {
    const browser = await launchBrowser();
    try {
      await browser.page.goto(`${server.url}/login`);
      await browser.page.getByTestId('setup-page').waitFor();
      expect(new URL(browser.page.url()).pathname).toBe('/setup');
    } finally {
      await browser.close();
    }
  });

  it('switches language from the page and remembers the choice after a reload', async () => {
    const browser = await launchBrowser({ locale: 'en-US' });
    try {
      const { page } = browser;
      await page.goto(`${server.url}/`);
      const heading = page.getByTestId('setup-page').getByRole('heading', { level: 1 });
      await heading.waitFor();
      expect(await heading.textContent()).toBe(en.setup.title);

      await page.getByRole('button', { name: en.lang.label }).click();
      await page.getByRole('menuitem', { name: zhCN.lang['zh-CN'] }).click();
      await expect.poll(() => heading.textContent()).toBe(zhCN.setup.title);

      await page.reload();
      await page.getByTestId('setup-page').waitFor();
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(zhCN.setup.title);
      expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    } finally {
      await browser.close();
    }
  });

  it('shows validation messages for an empty and a mismatching setup form', async () => {
    const browser = await launchBrowser();
    try {
      const { page } = browser;
      await page.goto(`${server.url}/setup`);
      const setup = page.getByTestId('setup-page');
      await setup.waitFor();
      await setup.getByRole('button', { name: en.setup.submit }).click();
      const requiredWorkspace = en.validation.required.replace('{{field}}', en.setup.workspaceName);
      await setup.getByText(requiredWorkspace, { exact: true }).waitFor();

      await setup.getByLabel(en.setup.password, { exact: true }).fill('long-enough-1');
      await setup.getByLabel(en.setup.confirmPassword, { exact: true }).fill('something-else');
      await setup.getByText(en.validation.passwordMismatch, { exact: true }).waitFor();
      await setup.getByLabel(en.setup.email, { exact: true }).fill('not-an-email');
      await setup.getByText(en.validation.email, { exact: true }).waitFor();
    } finally {
      await browser.close();
    }
  });

  it('shows an error with retry while the setup check cannot reach the server, then recovers', async () => {
    const browser = await launchBrowser();
    try {
      const { page } = browser;
      // Cut only the setup check, as a proxy outage would; the page itself still loads.
      await page.route('**/api/v1/setup', (route) => route.abort('connectionrefused'));
      await page.goto(`${server.url}/`);
      const unreachable = page.getByTestId('unreachable-page');
      await unreachable.waitFor();
      expect(await unreachable.getByText(en.boot.unreachableTitle).isVisible()).toBe(true);

      await page.unroute('**/api/v1/setup');
      await unreachable.getByRole('button', { name: en.common.retry }).click();
      await page.getByTestId('setup-page').waitFor();
    } finally {
      await browser.close();
    }
  });
});
