import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import en from '../apps/web/src/i18n/en.json' with { type: 'json' };
import { type BrowserSession, DESKTOP, launchBrowser, PHONE, storeSession } from './helpers/browser.js';
import { type ApiCaller, setupWorkspace } from './helpers/fixtures.js';
import { expectNoSidewaysScroll, screenshot } from './helpers/screens.js';
import { type RunningServer, startServer } from './helpers/server.js';

// The ops story on one server: an admin of an empty workspace goes from the home page to the gallery,
// imports a pack with its demo data (watching a progress bar) and lands in the new app; then brings
// 5,000 customers in from an Excel file, sees the bad rows before anything is written, imports the rest
// with a progress bar, and undoes it.
let server: RunningServer;
let owner: ApiCaller;
let ws: string;
let catalogue: string;
let browser: BrowserSession;
let appId: string;

const t = (en: string, zh: string) => ({ en, 'zh-CN': zh });
const REGIONS = ['east', 'north', 'south'];
const BAD_ROWS = [
  { line: 101, name: '', why: 'missing name' },
  { line: 777, region: 'moon' },
  { line: 1500, score: 'lots' },
  { line: 2222, duplicate: true },
  { line: 4999, region: 'mars' },
];

/** A small pack: customers, orders with lines and totals, a dashboard, a menu, and demo records. */
function pack() {
  const customers = Array.from({ length: 12 }, (_, i) => ({
    ref: `c${i + 1}`,
    data: { name: `Demo customer ${i + 1}`, region: REGIONS[i % 3], score: 50 + i },
  }));
  const orders = Array.from({ length: 6 }, (_, i) => ({
    data: {
      title: `Demo order ${i + 1}`,
      customer: `c${i + 1}`,
      items: [{ product: 'Widget', qty: i + 1, price: 100 }],
    },
  }));
  return {
    manifest: {
      key: 'trading',
      name: t('Trading desk', '贸易台'),
      version: '1.0.0',
      description: t(
        'Customers and orders with line totals, for a small trading team.',
        '客户与订单，含明细小计，适合小型贸易团队。',
      ),
      locales: ['en', 'zh-CN'],
    },
    app: {
      key: 'trading',
      name: t('Trading desk', '贸易台'),
      color: '#059669',
      menu: [
        {
          kind: 'group',
          label: t('Sales', '销售'),
          items: [
            { kind: 'form', form: 'customers' },
            { kind: 'form', form: 'orders' },
          ],
        },
        { kind: 'dashboard', dashboard: 'overview', label: t('Overview', '概览') },
      ],
    },
    forms: [
      {
        key: 'customers',
        name: t('Customers', '客户'),
        titleField: 'name',
        fields: [
          { key: 'name', type: 'text', label: t('Name', '名称'), required: true, unique: true },
          {
            key: 'region',
            type: 'select',
            label: t('Region', '区域'),
            options: REGIONS.map((value) => ({ value, label: t(value, value) })),
          },
          { key: 'score', type: 'number', label: t('Score', '评分') },
        ],
      },
      {
        key: 'orders',
        name: t('Orders', '订单'),
        titleField: 'title',
        fields: [
          { key: 'title', type: 'text', label: t('Title', '标题'), required: true },
          {
            key: 'customer',
            type: 'relation',
            label: t('Customer', '客户'),
            form: 'customers',
            displayField: 'name',
          },
          {
            key: 'items',
            type: 'subform',
            label: t('Lines', '明细'),
            columns: [
              { key: 'product', type: 'text', label: t('Product', '产品') },
              { key: 'qty', type: 'number', label: t('Qty', '数量') },
              { key: 'price', type: 'money', currency: 'CNY', label: t('Price', '单价') },
              {
                key: 'amount',
                type: 'formula',
                label: t('Amount', '金额'),
                expression: 'qty * price',
                resultType: 'number',
              },
            ],
          },
          {
            key: 'total',
            type: 'formula',
            label: t('Total', '合计'),
            expression: 'SUM(items.amount)',
            resultType: 'number',
          },
        ],
      },
    ],
    dashboards: [
      {
        key: 'overview',
        name: t('Overview', '概览'),
        widgets: [
          {
            key: 'count',
            type: 'kpi',
            title: t('Orders', '订单数'),
            source: { form: 'orders' },
            measures: [{ aggregate: 'count' }],
          },
        ],
        layout: [{ widget: 'count', x: 0, y: 0, w: 6, h: 4 }],
      },
    ],
    records: { customers, orders },
  };
}

/** The same pack under another key whose tenth demo customer is in a region the form does not offer. */
function faultyPack() {
  const faulty = pack();
  faulty.manifest = { ...faulty.manifest, key: 'faulty', name: t('Faulty ledger', '有误的台账') };
  faulty.app = { ...faulty.app, key: 'faulty', name: t('Faulty ledger', '有误的台账') };
  const tenth = faulty.records.customers[9];
  if (tenth) tenth.data.region = 'moon';
  return faulty;
}

/** 5,000 customers, a few of them wrong in ways the server must report row by row. */
async function customersWorkbook(): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('Customers');
  sheet.addRow(['名称', 'Region', 'score ', 'Remarks']);
  for (let line = 2; line <= 5001; line++) {
    const bad = BAD_ROWS.find((b) => b.line === line);
    const name = bad?.duplicate
      ? 'Imported 00010'
      : bad && 'name' in bad
        ? bad.name
        : `Imported ${String(line - 1).padStart(5, '0')}`;
    sheet.addRow([name, bad?.region ?? REGIONS[line % 3], bad?.score ?? line % 100, 'from the old CRM']);
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}

beforeAll(async () => {
  catalogue = await mkdtemp(join(tmpdir(), 'formloom-catalogue-'));
  await mkdir(join(catalogue, 'trading'));
  await writeFile(join(catalogue, 'trading', 'pack.json'), JSON.stringify(pack()));
  await mkdir(join(catalogue, 'faulty'));
  await writeFile(join(catalogue, 'faulty', 'pack.json'), JSON.stringify(faultyPack()));
  server = await startServer({ env: { TEMPLATES_DIR: catalogue } });
  ({ owner, ws } = await setupWorkspace(server));
  browser = await launchBrowser({ viewport: DESKTOP });
  await storeSession(browser.page, server.url, owner.token);
});

afterAll(async () => {
  await browser?.close();
  if (server) expect(await server.stop()).toBe(0);
  await rm(catalogue, { recursive: true, force: true });
});

describe('an ops admin', () => {
  it('goes from an empty workspace to the gallery and sees what a pack holds', async () => {
    const { page } = browser;
    await page.goto(`${server.url}/`);
    const empty = page.getByTestId('apps-empty');
    await empty.waitFor();
    await screenshot(page, 'templates', 'empty-home');
    await empty.getByRole('button', { name: en.apps.browseTemplates }).click();
    await page.getByTestId('template-gallery').waitFor();
    await page.getByTestId('template-card').filter({ hasText: 'Trading desk' }).click();
    const detail = page.getByTestId('template-page');
    await detail.getByText('Customers and orders with line totals').waitFor();
    await detail.getByText(en.templates.demoCount.replace('{{count}}', '12')).waitFor();
    // A form's preview lists its fields and types.
    await detail.getByTestId('template-forms').getByText('Orders').click();
    await detail.getByTestId('form-preview').getByText('Lines').waitFor();
    await screenshot(page, 'templates', 'detail');
  });

  it('uses the template with its demo data, watching the progress, and lands in the new app', async () => {
    const { page } = browser;
    await page.getByRole('button', { name: en.templates.use }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.getByTestId('demo-data').isChecked()).toBe(true);
    await dialog.getByRole('button', { name: en.templates.use }).click();
    await dialog.getByTestId('import-progress').waitFor();
    await page.waitForURL(/\/apps\/[0-9a-f]{24}/);
    appId = /\/apps\/([0-9a-f]{24})/.exec(page.url())?.[1] ?? '';
    const shell = page.getByTestId('app-shell');
    await shell.getByRole('navigation').getByText('Overview').waitFor();
    // The menu's first form opens, with the pack's demo records.
    await page.getByTestId('record-table').getByText('Demo customer 12').waitFor();
    await screenshot(page, 'templates', 'new-app');
    // The dashboard entry draws the pack's dashboard over the demo records.
    await shell.getByRole('navigation').getByText('Overview').click();
    await page
      .getByTestId('dashboard-page')
      .locator('[data-testid^="widget-"][data-state="success"]')
      .first()
      .waitFor();
    const orders = await owner.call<Array<{ key: string; id: string }>>(
      'GET',
      `/workspaces/${ws}/apps/${appId}/forms`,
    );
    const ordersId = orders.find((f) => f.key === 'orders')?.id;
    const list = await owner.call<{ items: Array<{ data: { total: number } }> }>(
      'GET',
      `/workspaces/${ws}/forms/${ordersId}/records?sort=title`,
    );
    expect(list.items.map((r) => r.data.total)).toEqual([100, 200, 300, 400, 500, 600]);
  });

  it('imports 5,000 customers from Excel: guesses the columns, reports the bad rows, shows progress, and can undo it', async () => {
    const { page } = browser;
    await page.getByTestId('app-shell').getByRole('navigation').getByText('Customers').click();
    await page.getByTestId('records-page').getByRole('button', { name: en.records.import }).click();
    const wizard = page.getByTestId('import-page');
    await wizard.locator('input[type=file]').setInputFiles({
      name: 'customers.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer: await customersWorkbook(),
    });
    const mapping = wizard.getByTestId('column-mapping');
    await mapping.waitFor();
    // The server's guesses: the Chinese label, a case and space difference; "Remarks" matches nothing.
    // A row reads: the column, its first values, the field it goes into.
    const row = (column: string) => mapping.getByRole('row').filter({ hasText: column }).textContent();
    expect(await row('名称')).toContain('Name');
    expect(await row('score')).toContain('Score');
    expect(await row('Remarks')).toContain(en.importer.skipColumn);
    await screenshot(page, 'import', 'mapping');
    await wizard.getByText(en.importer.skipBad).click();
    await wizard.getByTestId('check-import').click();
    const summary = wizard.getByTestId('check-summary');
    await summary.waitFor({ timeout: 120_000 });
    expect(await summary.textContent()).toContain('5000 rows checked: 4995 good, 5 with problems');
    const bad = wizard.getByTestId('bad-rows');
    for (const line of [101, 777, 1500, 2222, 4999])
      await bad.getByRole('cell', { name: String(line), exact: true }).waitFor();
    await screenshot(page, 'import', 'bad-rows');
    await wizard.getByTestId('run-import').click();
    await wizard.getByTestId('import-progress').waitFor();
    await screenshot(page, 'import', 'progress');
    const result = wizard.getByTestId('import-result');
    await result.waitFor({ timeout: 180_000 });
    expect(await result.textContent()).toContain('Imported: 4995 added, 0 updated');
    const customers = (
      await owner.call<Array<{ key: string; id: string }>>('GET', `/workspaces/${ws}/apps/${appId}/forms`)
    ).find((f) => f.key === 'customers')?.id;
    const count = async () =>
      (
        await owner.call<{ items: unknown[] }>(
          'GET',
          `/workspaces/${ws}/forms/${customers}/records?q=Imported&limit=1`,
        )
      ).items.length;
    expect(await count()).toBe(1);
    await result.getByTestId('undo-import').click();
    await result.getByText('Import undone: 4995 changes taken back').waitFor({ timeout: 120_000 });
    expect(await count()).toBe(0);
  }, 300_000);

  it('sees an import that fails part-way end in a red bar with its message, and nothing of it left', async () => {
    const { page } = browser;
    await page.goto(`${server.url}/templates/faulty`);
    await page.getByTestId('template-page').getByText('Faulty ledger').first().waitFor();
    await page.getByRole('button', { name: en.templates.use }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: en.templates.use }).click();
    // The socket's last notice turns the bar red, with the answer's message under it.
    const failed = dialog.locator('[data-testid="import-progress"][data-phase="failed"]');
    await failed.waitFor();
    const prefix = en.templates.phase.failed.replace('{{message}}', '');
    await failed.getByText(prefix, { exact: false }).waitFor();
    expect((await failed.textContent())?.length ?? 0).toBeGreaterThan(prefix.length + 5);
    await dialog.getByRole('alert').getByText('/records/customers/9', { exact: false }).first().waitFor();
    await screenshot(page, 'templates', 'import-failed');
    const apps = await owner.call<Array<{ key: string }>>('GET', `/workspaces/${ws}/apps`);
    expect(apps.map((a) => a.key)).toEqual(['trading']);
    await dialog.getByRole('button', { name: en.common.cancel }).click();
  });

  it('shows the gallery and the new app on a phone without sideways scroll', async () => {
    const phone = await launchBrowser({ viewport: PHONE, isMobile: true });
    try {
      const { page } = phone;
      await storeSession(page, server.url, owner.token);
      for (const [path, testId, step] of [
        ['/templates', 'template-gallery', 'gallery'],
        ['/templates/trading', 'template-page', 'detail'],
        [`/apps/${appId}`, 'app-home', 'app-menu'],
      ] as const) {
        await page.goto(`${server.url}${path}`);
        await page.getByTestId(testId).waitFor();
        await page
          .getByTestId(testId)
          .getByText(/Trading desk|Customers/)
          .first()
          .waitFor();
        await expectNoSidewaysScroll(page, path);
        await screenshot(page, 'templates', step);
      }
      // A failed import's red bar and message fit a phone too.
      await page.goto(`${server.url}/templates/faulty`);
      await page.getByTestId('template-page').getByText('Faulty ledger').first().waitFor();
      await page.getByRole('button', { name: en.templates.use }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByRole('button', { name: en.templates.use }).click();
      await dialog.locator('[data-testid="import-progress"][data-phase="failed"]').waitFor();
      await dialog.getByRole('alert').waitFor();
      await expectNoSidewaysScroll(page, 'a failed import');
      await screenshot(page, 'templates', 'import-failed');
    } finally {
      await phone.close();
    }
  });
});
