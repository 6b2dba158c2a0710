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
  await popup.getByTitle(option, { exact: true }).click();
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
