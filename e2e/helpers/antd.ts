import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/**
 * Picks an option of the antd Select labelled `label`. Options render in a popup outside the field; the
 * popup is found through the field's `aria-controls`, so a previous select's popup that is still fading
 * out can never take the click. `search` types into the field first (selects with server-side search).
 */
export async function choose(page: Page, label: string, option: string, search?: string): Promise<void> {
  const field = page.getByLabel(label, { exact: true });
  await field.click();
  await expect.poll(() => field.getAttribute('aria-expanded')).toBe('true');
  if (search !== undefined) await field.pressSequentially(search);
  const list = await field.getAttribute('aria-controls');
  const popup = page.locator('.ant-select-dropdown').filter({ has: page.locator(`[id="${list}"]`) });
  const choice = popup.getByTitle(option, { exact: true });
  await choice.click();
  // On a loaded machine a click on an option still sliding in can be lost (the popup stays open): click
  // it again while the popup still shows it (clicking the chosen option of a single select only closes it).
  for (let tries = 0; tries < 3 && (await field.getAttribute('aria-expanded')) === 'true'; tries += 1) {
    await page.waitForTimeout(500);
    if ((await field.getAttribute('aria-expanded')) === 'true' && (await choice.isVisible()))
      await choice.click();
  }
  await expect.poll(() => field.getAttribute('aria-expanded')).toBe('false');
}

/** Picks a node of the antd TreeSelect labelled `label` (its popup lists tree nodes, not options). */
export async function chooseInTree(page: Page, label: string, node: string): Promise<void> {
  const field = page.getByLabel(label, { exact: true });
  await field.click();
  await expect.poll(() => field.getAttribute('aria-expanded')).toBe('true');
  await page.locator(`.ant-select-tree-node-content-wrapper[title="${node}"]:visible`).click();
  await expect.poll(() => field.getAttribute('aria-expanded')).toBe('false');
}
