import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { REPO_ROOT } from './server.js';

/** Where browser tests leave their screenshots (an artifact of the run, ignored by git). */
export const SCREENSHOT_DIR = process.env.SCREENSHOT_DIR ?? join(REPO_ROOT, 'e2e/.screenshots');

/**
 * Saves a full-page screenshot as `<story>-<step>-<width>.png`, so the same step can be compared at 375
 * and 1440 px. Waits for fonts and running animations first, so the picture is what a user would see.
 */
export async function screenshot(page: Page, story: string, step: string): Promise<string> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const width = page.viewportSize()?.width ?? 0;
  const path = join(SCREENSHOT_DIR, `${story}-${step}-${width}.png`);
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path, fullPage: true, animations: 'disabled' });
  return path;
}

/** Nothing on the page is wider than the viewport: the page never scrolls sideways. */
export async function expectNoSidewaysScroll(page: Page, where: string): Promise<void> {
  const { scroll, viewport } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    viewport: window.innerWidth,
  }));
  expect(scroll, `${where} is ${scroll} px wide in a ${viewport} px viewport`).toBeLessThanOrEqual(viewport);
}

/**
 * After a failed test, saves what each open browser shows as `<story>-failed-<name>-<width>.png`, so a
 * failure on a loaded machine can be read afterwards. Never fails itself (a closed browser is skipped).
 */
export async function screenshotsOnFailure(
  failed: boolean,
  story: string,
  pages: Record<string, Page | undefined>,
): Promise<void> {
  if (!failed) return;
  for (const [name, page] of Object.entries(pages)) {
    if (page && !page.isClosed()) await screenshot(page, story, `failed-${name}`).catch(() => undefined);
  }
}
