import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import en from '../apps/web/src/i18n/en.json' with { type: 'json' };
import zhCN from '../apps/web/src/i18n/zh-CN.json' with { type: 'json' };
import { choose } from './helpers/antd.js';
import { type BrowserSession, DESKTOP, launchSignedIn, PHONE } from './helpers/browser.js';
import { type ApiCaller, addMember, apiRequest, setupWorkspace } from './helpers/fixtures.js';
import { expectNoSidewaysScroll, screenshot } from './helpers/screens.js';
import { type RunningServer, startServer } from './helpers/server.js';

// One server: an owner draws "large requests need both Olivia and Mia (countersign), others pass" on the
// flow canvas, sees the server's refusal (a role deleted meanwhile) at the node it concerns, publishes version 1; a large request
// submitted through the API opens a task for each countersigner, a small one passes straight through.
let server: RunningServer;
let browser: BrowserSession;
let owner: ApiCaller;
let ws: string;
let appId: string;
let formId: string;

/** API calls as the owner (or as `as`), answered whatever their status (the tests check it). */
const call = <T>(method: string, path: string, body?: unknown, as = owner.token) =>
  apiRequest<T>(server, as, method, path, body);

const label = (en: string, zh: string) => ({ en, 'zh-CN': zh });
const f = en.flows;
const fields = [
  { key: 'title', type: 'text', label: label('Title', '标题') },
  { key: 'amount', type: 'number', label: label('Amount', '金额') },
  { key: 'note', type: 'text', label: label('Note', '备注') },
];

/** Draws an edge by dragging from one handle to another, as a pointer user does. */
async function drag(page: Page, from: Locator, to: Locator): Promise<void> {
  const a = await from.boundingBox();
  const b = await to.boundingBox();
  if (!a || !b) throw new Error('handle not on screen');
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 12 });
  await page.mouse.up();
}

const problemsAt = (page: Page, node: string) =>
  page.getByTestId(`flow-node-${node}`).getAttribute('data-problems');

beforeAll(async () => {
  server = await startServer();
  ({ owner, ws } = await setupWorkspace(server));
  await addMember(server, owner, ws, {
    email: 'mia@example.com',
    name: 'Mia Member',
    password: 'correct-horse-battery-9',
    roles: ['member'],
  });
  appId = (
    await call<{ id: string }>('POST', `/workspaces/${ws}/apps`, { key: 'buy', name: { en: 'Buying' } })
  ).json.id;
  const form = await call<{ id: string }>('POST', `/workspaces/${ws}/apps/${appId}/forms`, {
    key: 'requests',
    name: label('Requests', '申请'),
    titleField: 'title',
    fields,
  });
  expect(form.status, JSON.stringify(form.json)).toBe(201);
  formId = form.json.id;
  const roles = await call('PUT', `/workspaces/${ws}/apps/${appId}/roles`, {
    roles: [{ key: 'buyers', name: label('Buyers', '采购'), forms: [] }],
    v: 1,
  });
  expect(roles.status, JSON.stringify(roles.json)).toBe(200);
  browser = await launchSignedIn(server.url, owner.token, { locale: 'en-US', viewport: DESKTOP });
});

afterAll(async () => {
  await browser?.close();
  if (server) expect(await server.stop()).toBe(0);
});

describe('flow designer', () => {
  it('draws a condition branch and a countersign step, publishes, and a submission opens the tasks', async () => {
    const { page } = browser;
    await page.goto(`${server.url}/build/${appId}`);
    await page.getByTestId('flow-of-requests').click();
    await page.getByTestId('flow-designer').waitFor();
    // A new flow starts as start → approval by the manager → end.
    await page.getByTestId('flow-node-approval1').click();
    await page.getByRole('button', { name: `Remove ${f.types.approval} (approval1)` }).click();
    await page.getByTestId('flow-node-approval1').waitFor({ state: 'detached' });

    // By keyboard: with the start selected, the palette's condition is added after it.
    await page.getByTestId('flow-node-start').click();
    await page.getByTestId('palette-condition').focus();
    await page.keyboard.press('Enter');
    const panel = page.getByTestId('node-panel');
    await panel.getByText(`${f.types.condition} (condition1)`).waitFor();
    const condition = page.getByRole('combobox', { name: 'Condition of branch1', exact: true });
    await condition.pressSequentially('amou');
    await page.getByTestId('formula-suggestions').getByText('amount', { exact: true }).waitFor();
    await page.keyboard.press('Enter');
    await condition.pressSequentially(' > 1000');
    expect(await condition.inputValue()).toBe('amount > 1000');

    // The approval goes on the condition's first free branch; it becomes a countersign of two members.
    await page.getByTestId('palette-approval').click();
    await panel.getByText(`${f.types.approval} (approval1)`).waitFor();
    await page.getByRole('radio', { name: f.mode.and }).check();
    await choose(page, `Kind of ${f.props.assignees} 1`, f.enum.member);
    const members = page.getByLabel(`${f.props.assignees} 1 ${f.props.members}`, { exact: true });
    await members.click();
    const list = await members.getAttribute('aria-controls');
    const popup = page.locator('.ant-select-dropdown').filter({ has: page.locator(`[id="${list}"]`) });
    for (const name of ['Olivia Owner (olivia@example.com)', 'Mia Member (mia@example.com)'])
      await popup.getByTitle(name, { exact: true }).click();
    await page.keyboard.press('Escape');
    const grid = page.getByTestId('field-access');
    await grid.getByRole('radiogroup', { name: 'Access to Note' }).getByText(f.accessShort.editable).click();
    // A day to decide, after which it is approved in the assignee's name.
    await panel.getByRole('button', { name: `Set ${f.props.deadline}` }).click();
    await page.getByLabel(`${f.props.deadline} ${f.props.minutes}`, { exact: true }).fill('1440');
    await panel.getByRole('button', { name: `Set ${f.props.deadline} ${f.props.onTimeout}` }).click();
    await choose(page, `${f.props.deadline} ${f.props.onTimeout} ${f.props.action}`, f.enum.approve);
    // It leads nowhere yet: the engine's check says so at the node.
    await expect.poll(() => problemsAt(page, 'approval1')).not.toBe('0');

    // By pointer: edges dragged from the approval and from the default branch to the end.
    await page.getByRole('button', { name: f.fitView }).click();
    await drag(page, page.getByTestId('handle-out-approval1'), page.getByTestId('handle-in-end'));
    await drag(page, page.getByTestId('handle-out-condition1-otherwise'), page.getByTestId('handle-in-end'));
    for (const node of ['start', 'condition1', 'approval1', 'end'])
      await expect.poll(() => problemsAt(page, node), { message: node }).toBe('0');
    await page.getByRole('button', { name: f.autoLayout }).click();
    await page.getByRole('button', { name: f.fitView }).click();
    await screenshot(page, 'flow-designer', 'drawn');

    // The app's buyers sign too; meanwhile another admin deletes that role: the server refuses the flow,
    // and its refusal is shown at the approval node.
    await page.getByTestId('flow-node-approval1').click();
    await panel.getByRole('button', { name: en.designer.list.add }).click();
    await choose(page, `Kind of ${f.props.assignees} 2`, f.enum.role);
    await choose(page, `${f.props.assignees} 2 ${f.props.role}`, 'Buyers (buyers)');
    await expect.poll(() => problemsAt(page, 'approval1')).toBe('0');
    expect((await call('PUT', `/workspaces/${ws}/apps/${appId}/roles`, { roles: [], v: 2 })).status).toBe(
      200,
    );
    await page.getByTestId('publish-flow').click();
    await page.getByTestId('flow-refused').waitFor();
    await expect.poll(() => problemsAt(page, 'approval1')).toBe('1');
    expect(await panel.getByRole('alert').first().textContent()).toContain('buyers');
    await screenshot(page, 'flow-designer', 'refused');
    await panel.getByRole('button', { name: en.designer.list.remove.replace('{{position}}', '2') }).click();
    await expect.poll(() => problemsAt(page, 'approval1')).toBe('0');

    await page.getByTestId('publish-flow').click();
    await page.getByTestId('flow-version').getByText(f.version.replace('{{version}}', '1')).waitFor();
    const flows = await call<
      Array<{ version: number; published: { nodes: Array<Record<string, unknown>> } }>
    >('GET', `/workspaces/${ws}/apps/${appId}/flows`);
    expect(flows.json.map((x) => x.version)).toEqual([1]);
    expect(flows.json[0]?.published.nodes.find((n) => n.id === 'approval1')).toMatchObject({
      type: 'approval',
      mode: 'and',
      assignees: [{ kind: 'member', members: [expect.any(String), expect.any(String)] }],
      fields: [{ field: 'note', access: 'editable' }],
      deadline: { minutes: 1440, onTimeout: { action: 'approve' } },
    });

    // A large request opens a task for each countersigner; a small one takes the default branch.
    const large = await call<{ id: string }>('POST', `/workspaces/${ws}/forms/${formId}/records`, {
      data: { title: 'New laptops', amount: 5000 },
    });
    expect(large.status, JSON.stringify(large.json)).toBe(201);
    await call('POST', `/workspaces/${ws}/forms/${formId}/records`, { data: { title: 'Pens', amount: 12 } });
    const login = await call<{ token: string }>('POST', '/auth/login', {
      email: 'mia@example.com',
      password: 'correct-horse-battery-9',
    });
    for (const as of [owner.token, login.json.token]) {
      const tasks = await call<{ items: Array<{ record: string; step: string; kind: string }> }>(
        'GET',
        `/workspaces/${ws}/tasks?status=pending`,
        undefined,
        as,
      );
      expect(tasks.json.items.map((x) => ({ record: x.record, step: x.step, kind: x.kind }))).toEqual([
        { record: large.json.id, step: 'approval1', kind: 'approve' },
      ]);
    }
    await expectNoSidewaysScroll(page, 'flow designer');
  });

  it('works at phone width, in Chinese, without sideways scroll', async () => {
    const phone = await launchSignedIn(server.url, owner.token, {
      locale: 'zh-CN',
      viewport: PHONE,
      isMobile: true,
    });
    try {
      await phone.page.goto(`${server.url}/build/${appId}/forms/${formId}/flow`);
      await phone.page.getByTestId('flow-node-approval1').waitFor();
      await phone.page
        .getByTestId('flow-version')
        .getByText(zhCN.flows.version.replace('{{version}}', '1'))
        .waitFor();
      await phone.page.getByTestId('flow-node-approval1').click();
      await phone.page.getByTestId('node-panel').getByText(zhCN.flows.mode.and).waitFor();
      await screenshot(phone.page, 'flow-designer', 'published');
      await expectNoSidewaysScroll(phone.page, 'flow designer');
    } finally {
      await phone.close();
    }
  });
});
