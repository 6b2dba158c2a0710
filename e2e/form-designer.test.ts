import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import en from '../apps/web/src/i18n/en.json' with { type: 'json' };
import zhCN from '../apps/web/src/i18n/zh-CN.json' with { type: 'json' };
import { type BrowserSession, DESKTOP, launchSignedIn, PHONE } from './helpers/browser.js';
import { type ApiCaller, setupWorkspace } from './helpers/fixtures.js';
import { expectNoSidewaysScroll, screenshot } from './helpers/screens.js';
import { type RunningServer, startServer } from './helpers/server.js';

// One server: an owner builds a form in the designer by pointer and by keyboard, writes a formula with
// autocomplete, sees its live result, publishes, fills the form and sees the value the server computed.
let server: RunningServer;
let browser: BrowserSession;
let owner: ApiCaller;
let ws: string;
let appId: string;

/** The owner's API calls, answered whatever their status (the tests check it). */
const call = <T>(method: string, path: string, body?: unknown) => owner.request<T>(method, path, body);

/** Drags `source` onto `target` with the mouse, in steps, as dnd-kit's pointer sensor needs. */
async function drag(page: Page, source: Locator, target: Locator) {
  const from = await source.boundingBox();
  const to = await target.boundingBox();
  if (!from || !to) throw new Error('drag: element not visible');
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(from.x + from.width / 2 + 10, from.y + from.height / 2 + 10, { steps: 3 });
  await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 12 });
  await page.mouse.move(to.x + to.width / 2 + 2, to.y + to.height / 2 + 2, { steps: 2 });
  await page.mouse.up();
}

/**
 * Keyboard drag: Space on `source` picks it up, ArrowDown walks the drop targets until the live region
 * announces `where`, Space drops. Returns what was announced at the drop.
 */
async function keyboardDrag(page: Page, source: Locator, where: string): Promise<string> {
  const live = page.locator('[id^="DndLiveRegion"]');
  await source.focus();
  await page.keyboard.press('Space');
  // dnd-kit's keyboard sensor starts listening for the arrows and the drop in a timer of its own after the
  // pick-up: a page timer set now runs after it (timers of one delay run in order), so no key is lost to a
  // busy machine (a drop pressed before that timer ran was ignored and the drag stayed open).
  await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 0)));
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press('ArrowDown');
    if ((await live.textContent())?.includes(where)) break;
  }
  const hovering = (await live.textContent()) ?? '';
  await page.keyboard.press('Space');
  // The drop's announcement replaces the last "is over" one once React has rendered the drop.
  await expect.poll(async () => (await live.textContent()) ?? '').not.toBe(hovering);
  return (await live.textContent()) ?? '';
}

/** Sets a text input labelled `label` inside the property panel. */
async function setProp(page: Page, label: string, value: string) {
  const input = page.getByTestId('property-panel').getByLabel(label, { exact: true });
  await input.fill(value);
}

beforeAll(async () => {
  server = await startServer();
  ({ owner, ws } = await setupWorkspace(server));
  const app = await call<{ id: string }>('POST', `/workspaces/${ws}/apps`, {
    key: 'shop',
    name: { en: 'Shop' },
  });
  expect(app.status).toBe(201);
  appId = app.json.id;
  browser = await launchSignedIn(server.url, owner.token, { locale: 'en-US', viewport: DESKTOP });
});

afterAll(async () => {
  await browser?.close();
  if (server) expect(await server.stop()).toBe(0);
});

describe('form designer', () => {
  it('builds a form by pointer and keyboard, writes a formula, publishes and computes it when filled', async () => {
    const { page } = browser;
    await page.goto(`${server.url}/build/${appId}/forms/new`);
    const canvas = page.getByTestId('canvas');
    await canvas.getByText(en.designer.canvas.empty).waitFor();

    // Pointer: a number field onto the empty section.
    await drag(page, page.getByTestId('palette-number'), canvas.getByText(en.designer.canvas.empty));
    await canvas.getByTestId('field-number').waitFor();
    await setProp(page, en.designer.props.key, 'discount');
    await canvas.getByTestId('field-discount').waitFor();

    // Keyboard: a subform, picked up with Space, moved with the arrows, dropped with Space.
    const droppedSubform = await keyboardDrag(
      page,
      page.getByTestId('palette-subform'),
      'position 2 of 2 in section 1',
    );
    // Announced where it landed: the end of a section of one field is position 2 of 2 (not 3 of 3).
    expect(droppedSubform).toBe('Subform dropped at position 2 of 2 in section 1.');
    await canvas.getByTestId('field-subform').waitFor();
    await canvas.getByTestId('field-subform').click();
    await setProp(page, en.designer.props.key, 'items');

    // Two columns into the subform: one by pointer, one by keyboard.
    const columns = canvas.getByTestId('columns-items');
    await drag(page, page.getByTestId('palette-number'), columns.getByText(en.designer.canvas.dropColumn));
    await columns.getByTestId('field-number').waitFor();
    await columns.getByTestId('field-number').click();
    await setProp(page, en.designer.props.key, 'qty');
    const droppedColumn = await keyboardDrag(
      page,
      page.getByTestId('palette-money'),
      'position 2 of 2 in subform Subform',
    );
    expect(droppedColumn).toBe('Money dropped at position 2 of 2 in subform Subform.');
    await screenshot(page, 'form-designer', 'columns');
    await columns.getByTestId('field-money').waitFor();
    await columns.getByTestId('field-money').click();
    await setProp(page, en.designer.props.key, 'price');

    // A formula field by pointer, then the formula with autocomplete.
    await drag(
      page,
      page.getByTestId('palette-formula'),
      canvas.getByText(en.designer.canvas.dropHere).first(),
    );
    await canvas.getByTestId('field-formula').waitFor();
    const editor = page
      .getByTestId('property-panel')
      .getByRole('combobox', { name: en.designer.props.expression, exact: true });
    await editor.click();
    await editor.pressSequentially('SUM');
    const suggestions = page.getByTestId('formula-suggestions');
    expect(await suggestions.getByRole('option', { selected: true }).textContent()).toContain('SUM(');
    await page.keyboard.press('Enter');
    await editor.pressSequentially('items.q');
    await suggestions.getByText('items.qty').waitFor();
    await page.keyboard.press('Enter');
    await editor.pressSequentially(') - discount');
    expect(await editor.inputValue()).toBe('SUM(items.qty) - discount');
    // Samples: items.qty = [10, 20], discount = 10, so the live result is 20.
    const result = page.getByTestId('formula-result');
    await expect.poll(() => result.textContent()).toContain('20');
    await screenshot(page, 'form-designer', 'formula');

    // A mistake shows at its character, and undo takes it back.
    await editor.pressSequentially(' +');
    await page.getByTestId('formula-error').waitFor();
    expect(await page.getByTestId('formula-error').textContent()).toContain('At character');
    await editor.press('Backspace');
    await editor.press('Backspace');
    await page.getByTestId('formula-error').waitFor({ state: 'detached' });

    // Preview as a filler at phone width.
    await page.getByRole('button', { name: en.designer.actions.preview }).click();
    await page.getByRole('dialog').getByText(en.designer.preview.phone, { exact: true }).click();
    await page.getByTestId('preview-frame').getByTestId('form-filler').waitFor();
    await screenshot(page, 'form-designer', 'preview-phone');
    await page.keyboard.press('Escape');

    // Publish: the new form is created and published as version 1.
    await page.getByTestId('publish').click();
    await page.waitForURL(/\/build\/[0-9a-f]+\/forms\/[0-9a-f]{24}$/);
    await page.getByText('Published version 1').waitFor();
    const formId = page.url().split('/').pop() as string;
    const stored = await call<{
      published: { fields: Array<{ key: string; columns?: Array<{ key: string }> }> };
    }>('GET', `/workspaces/${ws}/forms/${formId}`);
    expect(stored.json.published.fields.map((f) => f.key)).toEqual(['discount', 'items', 'formula']);
    expect(stored.json.published.fields[1]?.columns?.map((c) => c.key)).toEqual(['qty', 'price']);

    // Fill the published form: the server computes the formula.
    await page.getByRole('link', { name: en.designer.actions.fill }).click();
    const filler = page.getByTestId('form-filler');
    await filler.getByLabel('Number', { exact: true }).fill('5');
    await page.getByRole('button', { name: en.designer.fill.addRow }).click();
    await page.getByRole('button', { name: en.designer.fill.addRow }).click();
    const rows = page.getByTestId('subform-items');
    await rows.getByLabel('Number').nth(0).fill('3');
    await rows.getByLabel('Number').nth(1).fill('4');
    await expect.poll(() => filler.getByTestId('value-formula').textContent()).toBe('2');
    await page.getByTestId('submit-record').click();
    await expect.poll(() => page.getByTestId('stored-formula').textContent()).toBe('2');
    await screenshot(page, 'form-designer', 'filled');
    await expectNoSidewaysScroll(page, 'fill page');
  });

  it('works at phone width, in Chinese, without sideways scroll', async () => {
    const phone = await launchSignedIn(server.url, owner.token, {
      locale: 'zh-CN',
      viewport: PHONE,
      isMobile: true,
    });
    try {
      await phone.page.goto(`${server.url}/build/${appId}/forms/new`);
      // antd spaces out two-character Chinese button texts (数 字).
      expect((await phone.page.getByTestId('palette-number').textContent())?.replace(/\s/g, '')).toBe(
        zhCN.designer.types.number,
      );
      await phone.page.getByTestId('palette-text').click();
      await phone.page.getByTestId('field-text').waitFor();
      expect(await phone.page.getByTestId('canvas').textContent()).toContain(zhCN.designer.types.text);
      await screenshot(phone.page, 'form-designer', 'designer');
      await expectNoSidewaysScroll(phone.page, 'designer');
      await phone.page.goto(`${server.url}/build/${appId}`);
      await phone.page.getByTestId('menu-editor').getByText(zhCN.builder.menu, { exact: true }).waitFor();
      await screenshot(phone.page, 'form-designer', 'app-builder');
      await expectNoSidewaysScroll(phone.page, 'app builder');
    } finally {
      await phone.close();
    }
  });
});
