import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

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

/**
 * Launches the system Chromium (`CHROMIUM_PATH`, default /usr/bin/chromium) with a fresh user-data
 * directory. `locale` sets both `navigator.languages` and Accept-Language, as a user's browser would.
 */
export async function launchBrowser(options: { locale?: string } = {}): Promise<BrowserSession> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'formloom-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    locale: options.locale ?? 'en-US',
    viewport: { width: 1280, height: 800 },
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
