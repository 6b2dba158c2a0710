import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import en from '../apps/web/src/i18n/en.json' with { type: 'json' };
import zhCN from '../apps/web/src/i18n/zh-CN.json' with { type: 'json' };
import { choose } from './helpers/antd.js';
import { type BrowserSession, DESKTOP, launchSignedIn, PHONE } from './helpers/browser.js';
import { type ApiCaller, setupWorkspace } from './helpers/fixtures.js';
import { expectNoSidewaysScroll, screenshot } from './helpers/screens.js';
import { type RunningServer, startServer } from './helpers/server.js';

// One server: an owner builds "when a deal's stage changes to won, create a contract" in the automation
// editor, a deal is won, and the run log shows the run and the record its action created; run now on a
// picked record; off and on again; the editor and its run log at phone width in Chinese.
let server: RunningServer;
let browser: BrowserSession;
let owner: ApiCaller;
let ws: string;
let appId: string;

/** The owner's API calls, answered whatever their status (the tests check it). */
const call = <T>(method: string, path: string, body?: unknown) => owner.request<T>(method, path, body);

const label = (en: string, zh: string) => ({ en, 'zh-CN': zh });
const a = en.automations;

beforeAll(async () => {
  server = await startServer();
  ({ owner, ws } = await setupWorkspace(server));
  const app = await call<{ id: string }>('POST', `/workspaces/${ws}/apps`, {
    key: 'shop',
    name: { en: 'Shop' },
  });
  appId = app.json.id;
  for (const form of [
    {
      key: 'deals',
      name: label('Deals', '商机'),
      titleField: 'title',
      fields: [
        { key: 'title', type: 'text', label: label('Title', '标题') },
        {
          key: 'stage',
          type: 'select',
          label: label('Stage', '阶段'),
          options: [
            { value: 'open', label: label('Open', '进行中') },
            { value: 'won', label: label('Won', '赢单') },
          ],
        },
        { key: 'amount', type: 'number', label: label('Amount', '金额') },
      ],
    },
    {
      key: 'contracts',
      name: label('Contracts', '合同'),
      fields: [
        { key: 'title', type: 'text', label: label('Title', '标题') },
        { key: 'value', type: 'number', label: label('Value', '金额') },
      ],
    },
  ]) {
    const created = await call('POST', `/workspaces/${ws}/apps/${appId}/forms`, form);
    expect(created.status, JSON.stringify(created.json)).toBe(201);
  }
  browser = await launchSignedIn(server.url, owner.token, { locale: 'en-US', viewport: DESKTOP });
});

afterAll(async () => {
  await browser?.close();
  if (server) expect(await server.stop()).toBe(0);
});

describe('automation editor', () => {
  it('builds "create a record when a field changes", and shows its runs with what each action did', async () => {
    const { page } = browser;
    await page.goto(`${server.url}/build/${appId}`);
    await page.getByTestId('automations-card').getByText(a.empty).waitFor();
    await page.getByTestId('new-automation').click();
    await page.getByTestId('automation-editor').waitFor();

    // Trigger: the stage of a deal changes to "won".
    await page.getByLabel(`${a.name} (English)`, { exact: true }).fill('Contract on win');
    await choose(page, `Kind of ${a.trigger}`, a.enum.fieldChanged);
    await choose(page, `${a.trigger} ${a.props.form}`, 'Deals (deals)');
    await choose(page, `${a.trigger} ${a.props.field}`, 'Stage (stage)');
    await page.getByLabel(`${a.trigger} ${a.props.to}`, { exact: true }).fill('won');

    // Condition, written with autocomplete.
    await page.getByTestId('step-conditions').getByRole('button', { name: a.addCondition }).click();
    const condition = page.getByRole('combobox', { name: 'Condition 1', exact: true });
    await condition.pressSequentially('amou');
    await page.getByTestId('formula-suggestions').getByText('amount', { exact: true }).waitFor();
    await page.keyboard.press('Enter');
    await condition.pressSequentially(' > 0');
    expect(await condition.inputValue()).toBe('amount > 0');

    // Action: create a contract, its config generated from the action registry's schema.
    const create = a.actions.createRecord;
    await choose(page, a.addAction, create);
    const action = page.getByTestId('action-0');
    await choose(page, `${create} ${a.props.form}`, 'Contracts (contracts)');
    const values = `${create} ${a.props.values}`;
    await action.getByRole('button', { name: en.designer.list.add }).click();
    await page.getByRole('combobox', { name: `${values} title`, exact: true }).fill('title');
    await action.getByRole('button', { name: en.designer.list.add }).click();
    await choose(page, `${values} key 2`, 'Value (value)');
    await page.getByRole('combobox', { name: `${values} value`, exact: true }).fill('amount * 0.1');
    // A typo shows at once, before any save.
    await page.getByRole('combobox', { name: `${values} value`, exact: true }).fill('amont * 0.1');
    await action.getByTestId('formula-error').waitFor();
    await page.getByRole('combobox', { name: `${values} value`, exact: true }).fill('amount * 0.1');
    await action.getByTestId('formula-error').waitFor({ state: 'detached' });
    await screenshot(page, 'automation-editor', 'design');

    await page.getByTestId('save-automation').click();
    await page.waitForURL(/\/automations\/[0-9a-f]{24}$/);
    const id = page.url().split('/').pop() as string;
    const stored = await call<{ enabled: boolean; definition: Record<string, unknown> }>(
      'GET',
      `/workspaces/${ws}/automations/${id}`,
    );
    expect(stored.json.enabled).toBe(true);
    expect(stored.json.definition).toMatchObject({
      name: { en: 'Contract on win' },
      trigger: { type: 'fieldChanged', form: 'deals', field: 'stage', to: 'won' },
      conditions: ['amount > 0'],
      actions: [
        {
          type: 'createRecord',
          config: { form: 'contracts', values: { title: 'title', value: 'amount * 0.1' } },
        },
      ],
    });

    // A deal is won: the automation runs in the background and its run shows in the log.
    const forms = await call<Array<{ id: string; key: string }>>(
      'GET',
      `/workspaces/${ws}/apps/${appId}/forms`,
    );
    const formId = (key: string) => forms.json.find((f) => f.key === key)?.id as string;
    const deal = await call<{ id: string; v: number }>(
      'POST',
      `/workspaces/${ws}/forms/${formId('deals')}/records`,
      {
        data: { title: 'Acme renewal', stage: 'open', amount: 5000 },
      },
    );
    await call('PATCH', `/workspaces/${ws}/forms/${formId('deals')}/records/${deal.json.id}`, {
      data: { stage: 'won' },
      v: deal.json.v,
    });
    await page.getByRole('tab', { name: a.runLog }).click();
    const log = page.getByTestId('run-log');
    // The run is a job: refresh until it has finished (an entry can show up while its action still runs).
    await expect
      .poll(
        async () => {
          await log.getByRole('button', { name: a.refresh }).click();
          return log.getByTestId('run-entry').filter({ hasText: a.status.succeeded }).count();
        },
        { timeout: 30_000 },
      )
      .toBe(1);
    await log.getByTestId('run-entry').first().click();
    const created = log.getByTestId('run-action-0');
    await created.getByText(a.status.succeeded).waitFor();
    expect(await created.textContent()).toMatch(/Created record #[0-9a-f]{6} in Contracts/);
    const contracts = await call<{ items: Array<{ data: Record<string, unknown> }> }>(
      'GET',
      `/workspaces/${ws}/forms/${formId('contracts')}/records`,
    );
    expect(contracts.json.items.map((r) => r.data)).toEqual([{ title: 'Acme renewal', value: 500 }]);
    await screenshot(page, 'automation-editor', 'run-log');

    // Run now, on a deal picked by searching its title.
    await page.getByTestId('run-now').click();
    await choose(page, a.runRecord, `Acme renewal · #${deal.json.id.slice(-6)}`, 'Acme');
    await page.getByRole('button', { name: a.runOk, exact: true }).click();
    const result = page.getByTestId('run-result');
    await result.getByText(a.status.succeeded).waitFor();
    expect(await result.textContent()).toMatch(/Created record #[0-9a-f]{6} in Contracts/);
    await screenshot(page, 'automation-editor', 'run-now');
    await page.keyboard.press('Escape');
    await expect.poll(() => log.getByTestId('run-entry').count()).toBe(2);
    expect(await log.getByTestId('run-entry').first().textContent()).toContain(a.enum.manual);

    // Off: a won deal no longer runs it (checked through the API), and on again.
    await page.getByTestId('automation-enabled').click();
    await page.getByText(a.disabledDone).waitFor();
    expect(
      (await call<{ enabled: boolean }>('GET', `/workspaces/${ws}/automations/${id}`)).json.enabled,
    ).toBe(false);
    await page.getByTestId('automation-enabled').click();
    await page.getByText(a.enabledDone).waitFor();
    await expectNoSidewaysScroll(page, 'automation editor');
  });

  it('works at phone width, in Chinese, without sideways scroll', async () => {
    const phone = await launchSignedIn(server.url, owner.token, {
      locale: 'zh-CN',
      viewport: PHONE,
      isMobile: true,
    });
    try {
      const list = await call<Array<{ id: string }>>('GET', `/workspaces/${ws}/apps/${appId}/automations`);
      await phone.page.goto(`${server.url}/build/${appId}/automations/${list.json[0]?.id}`);
      await phone.page.getByTestId('step-actions').getByText(zhCN.automations.actions.createRecord).waitFor();
      expect(await phone.page.getByTestId('step-trigger').textContent()).toContain(
        zhCN.automations.enum.fieldChanged,
      );
      await screenshot(phone.page, 'automation-editor', 'design');
      await expectNoSidewaysScroll(phone.page, 'automation editor');
      await phone.page.getByRole('tab', { name: zhCN.automations.runLog }).click();
      await phone.page.getByTestId('run-entry').first().click();
      await phone.page.getByTestId('run-action-0').waitFor();
      await screenshot(phone.page, 'automation-editor', 'run-log');
      await expectNoSidewaysScroll(phone.page, 'run log');
    } finally {
      await phone.close();
    }
  });
});
