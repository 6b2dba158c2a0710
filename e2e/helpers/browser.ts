import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { findChromium } from './chromium.js';

/** Flags that keep headless Chromium quiet and offline apart from the server under test. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** A Chromium with its own fresh profile and one open page. */
export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** Closes the browser and deletes its profile directory. */
  close(): Promise<void>;
}

/** A phone's viewport (iPhone SE/mini width), for the layout made for phones. */
export const PHONE = { width: 375, height: 740 } as const;
/** A common desktop width. */
export const DESKTOP = { width: 1440, height: 900 } as const;

/**
 * Launches the system Chromium (found by e2e/global-setup.ts: `CHROMIUM_PATH`, else /usr/bin/chromium)
 * with a fresh user-data directory. `locale` sets both `navigator.languages` and Accept-Language, as a
 * user's browser would; `viewport` defaults to 1280x800, `isMobile` adds touch and the meta viewport.
 */
export async function launchBrowser(
  options: { locale?: string; viewport?: { width: number; height: number }; isMobile?: boolean } = {},
): Promise<BrowserSession> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'formloom-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: findChromium(),
    headless: true,
    args: CHROMIUM_ARGS,
    locale: options.locale ?? 'en-US',
    viewport: options.viewport ?? { width: 1280, height: 800 },
    ...(options.isMobile ? { isMobile: true, hasTouch: true } : {}),
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    close: async () => {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Stores `token` where the web app keeps its session, as a sign-in would: opens the sign-in page (after
 * forgetting whoever was signed in), waits until it has settled its own session check (the form shows),
 * then writes the token. The next `goto` opens the app signed in. `language` (`en`, `zh-CN`) is the UI
 * language the person picked.
 */
export async function storeSession(
  page: Page,
  url: string,
  token: string,
  language?: 'en' | 'zh-CN',
): Promise<void> {
  if (page.url().startsWith(url)) {
    // Someone signed in in this browser would be sent on from the sign-in page: forget them first (the
    // session lives in the token and in an httpOnly cookie).
    await page.context().clearCookies();
    await page.evaluate(() => localStorage.removeItem('formloom.token'));
  }
  await page.goto(`${url}/login`);
  await page.getByTestId('login-page').waitFor();
  await page.evaluate(
    ([value, lang]) => {
      localStorage.setItem('formloom.token', value as string);
      if (lang) localStorage.setItem('formloom.lang', lang);
    },
    [token, language] as const,
  );
}

/** Launches a browser (as `launchBrowser`) already signed in with `token` (see `storeSession`). */
export async function launchSignedIn(
  url: string,
  token: string,
  options: Parameters<typeof launchBrowser>[0] & { language?: 'en' | 'zh-CN' } = {},
): Promise<BrowserSession> {
  const { language, ...launch } = options;
  const session = await launchBrowser(launch);
  try {
    await storeSession(session.page, url, token, language);
  } catch (error) {
    await session.close();
    throw error;
  }
  return session;
}
