import type { Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import en from '../apps/web/src/i18n/en.json' with { type: 'json' };
import zh from '../apps/web/src/i18n/zh-CN.json' with { type: 'json' };
import { DESKTOP, launchSignedIn, PHONE } from './helpers/browser.js';
import { type ApiCaller, setupWorkspace } from './helpers/fixtures.js';
import { expectNoSidewaysScroll, screenshot } from './helpers/screens.js';
import { type RunningServer, startServer } from './helpers/server.js';

// Details a first-time user notices on the screens used every day (issue 18): a form filled at a desk
// keeps a readable width, a computed field with nothing to show yet says so with a dash, a long name in
// the app's menu is shown whole in a tooltip, and the phone's record list keeps its toolbar on two lines.
let server: RunningServer;
let owner: ApiCaller;
let ws: string;
let appId: string;
let dealsId: string;
let payoutsId: string;
let payoutId: string;
// A form of a date and a number only: nothing to title its records by (issue 18: they showed '#4fc87d').
let visitsAppId: string;
let visitsId: string;
let visitId: string;
let visitCreatedAt: string;
let followUpsId: string;
let followUpId: string;
// A form of many fields: its list is wider than any screen.
let inspectionsId: string;
let inspectionId: string;
const WIDE_FIELDS = [
  ['site', 'text', 'Site as written on the contract', '合同上的站点名称'],
  ['inspector', 'text', 'Inspector in charge', '负责检查员'],
  ['region', 'text', 'Sales region of the site', '站点所属区域'],
  ['street', 'text', 'Street address', '街道地址'],
  ['contact', 'text', 'Contact person on site', '现场联系人'],
  ['phone', 'phone', 'Contact telephone', '联系电话'],
  ['email', 'email', 'Contact e-mail address', '联系邮箱'],
  ['units', 'number', 'Units inspected', '检查单元数'],
  ['score', 'number', 'Overall score', '总体评分'],
  ['fee', 'money', 'Inspection fee', '检查费用'],
  ['visited', 'date', 'Date of the visit', '检查日期'],
  ['remarks', 'text', 'Remarks of the inspector', '检查员备注'],
] as const;

const LONG_NAME = 'Quarterly statements of every regional team';
const label = (en: string, zh = en) => ({ en, 'zh-CN': zh });

beforeAll(async () => {
  server = await startServer();
  ({ owner, ws } = await setupWorkspace(server));
  appId = (
    await owner.call<{ id: string }>('POST', `/workspaces/${ws}/apps`, { key: 'crm', name: label('CRM') })
  ).id;
  const customers = await owner.call<{ id: string }>('POST', `/workspaces/${ws}/apps/${appId}/forms`, {
    key: 'customers',
    name: label('Customers', '客户'),
    titleField: 'name',
    fields: [
      { key: 'name', type: 'text', label: label('Name', '名称'), required: true },
      { key: 'city', type: 'text', label: label('City', '城市') },
    ],
  });
  await owner.call('POST', `/workspaces/${ws}/forms/${customers.id}/records`, {
    data: { name: 'ACME Trading', city: 'Hangzhou' },
  });
  const deals = await owner.call<{ id: string }>('POST', `/workspaces/${ws}/apps/${appId}/forms`, {
    key: 'deals',
    name: label('Deals', '商机'),
    titleField: 'title',
    fields: [
      { key: 'title', type: 'text', label: label('Title', '标题'), required: true },
      {
        key: 'customer',
        type: 'relation',
        label: label('Customer', '客户'),
        form: 'customers',
        displayField: 'name',
      },
      { key: 'city', type: 'lookup', label: label('City', '城市'), relation: 'customer', field: 'city' },
    ],
  });
  dealsId = deals.id;
  await owner.call('POST', `/workspaces/${ws}/forms/${dealsId}/records`, { data: { title: 'First deal' } });
  await owner.call('POST', `/workspaces/${ws}/apps/${appId}/forms`, {
    key: 'statements',
    name: label(LONG_NAME, '各区域团队的季度结算单与明细'),
    fields: [{ key: 'title', type: 'text', label: label('Title', '标题') }],
  });
  // A TIERED formula: the explain view shows it tier by tier (1,300,000 graduated over 0 / 500k / 1M).
  payoutsId = (
    await owner.call<{ id: string }>('POST', `/workspaces/${ws}/apps/${appId}/forms`, {
      key: 'payouts',
      name: label('Payouts', '奖金'),
      titleField: 'title',
      fields: [
        { key: 'title', type: 'text', label: label('Title', '标题') },
        { key: 'amount', type: 'number', label: label('Amount', '金额') },
        {
          key: 'payout',
          type: 'formula',
          label: label('Payout', '奖金额'),
          expression: 'TIERED(amount, [0, 500000, 1000000], [0.02, 0.05, 0.08], "graduated")',
          resultType: 'number',
        },
      ],
    })
  ).id;
  payoutId = (
    await owner.call<{ id: string }>('POST', `/workspaces/${ws}/forms/${payoutsId}/records`, {
      data: { title: 'Q4 payout', amount: 1300000 },
    })
  ).id;

  const me = await owner.call<{ user: { id: string } }>('GET', '/auth/me');
  visitsAppId = (
    await owner.call<{ id: string }>('POST', `/workspaces/${ws}/apps`, {
      key: 'field',
      name: label('Field work', '外勤'),
    })
  ).id;
  visitsId = (
    await owner.call<{ id: string }>('POST', `/workspaces/${ws}/apps/${visitsAppId}/forms`, {
      key: 'visits',
      name: label('Visit', '拜访'),
      fields: [
        { key: 'day', type: 'date', label: label('Day', '日期') },
        { key: 'minutes', type: 'number', label: label('Minutes', '分钟') },
      ],
    })
  ).id;
  followUpsId = (
    await owner.call<{ id: string }>('POST', `/workspaces/${ws}/apps/${visitsAppId}/forms`, {
      key: 'followups',
      name: label('Follow-ups', '跟进'),
      titleField: 'note',
      fields: [
        { key: 'note', type: 'text', label: label('Note', '备注') },
        { key: 'visit', type: 'relation', label: label('Visit', '拜访'), form: 'visits' },
      ],
    })
  ).id;
  // Each visit is checked by the owner: the inbox names the visit too.
  await owner.call('POST', `/workspaces/${ws}/apps/${visitsAppId}/flows`, {
    publish: true,
    definition: {
      key: 'visit_check',
      name: label('Visit check', '拜访确认'),
      form: 'visits',
      nodes: [
        { id: 'start', type: 'start' },
        {
          id: 'check',
          type: 'approval',
          name: label('Check', '确认'),
          mode: 'or',
          assignees: [{ kind: 'member', members: [me.user.id] }],
        },
        { id: 'end', type: 'end' },
      ],
      edges: [
        { from: 'start', to: 'check' },
        { from: 'check', to: 'end' },
      ],
    },
  });
  const visit = await owner.call<{ id: string; createdAt: string }>(
    'POST',
    `/workspaces/${ws}/forms/${visitsId}/records`,
    { data: { day: '2026-12-04', minutes: 45 } },
  );
  visitId = visit.id;
  visitCreatedAt = visit.createdAt;
  followUpId = (
    await owner.call<{ id: string }>('POST', `/workspaces/${ws}/forms/${followUpsId}/records`, {
      data: { note: 'Send the brochure', visit: visitId },
    })
  ).id;
  inspectionsId = (
    await owner.call<{ id: string }>('POST', `/workspaces/${ws}/apps/${visitsAppId}/forms`, {
      key: 'inspections',
      name: label('Inspections', '检查'),
      titleField: 'site',
      fields: WIDE_FIELDS.map(([key, type, en, zh]) => ({
        key,
        type,
        label: label(en, zh),
        ...(type === 'money' ? { currency: 'CNY' } : {}),
      })),
    })
  ).id;
  inspectionId = (
    await owner.call<{ id: string }>('POST', `/workspaces/${ws}/forms/${inspectionsId}/records`, {
      data: {
        site: 'Hangzhou West warehouse, building 3',
        inspector: 'Olivia Owner',
        region: 'East China (Zhejiang and Jiangsu)',
        street: '88 Wenyi West Road, Xihu District',
        contact: 'Wang Xiaoming',
        phone: '+86 571 8888 1234',
        email: 'wang.xiaoming@example.com',
        units: 128,
        score: 92.5,
        fee: 12800,
        visited: '2026-12-03',
        remarks: 'All fire exits clear; two extinguishers due for service next month',
      },
    })
  ).id;
});

afterAll(async () => {
  if (server) expect(await server.stop()).toBe(0);
});

describe('everyday details', () => {
  it('keeps the form at a readable width on a 1440 px desk and shows a dash for an empty lookup until a customer is chosen', async () => {
    const desk = await launchSignedIn(server.url, owner.token, { viewport: DESKTOP });
    try {
      const { page } = desk;
      await page.goto(`${server.url}/apps/${appId}/forms/${dealsId}/new`);
      const form = page.getByTestId('record-form');
      await form.waitFor();
      const formBox = await form.boundingBox();
      const pageBox = await page.getByTestId('fill-page').boundingBox();
      // The page has more room than the form takes: the inputs stop at a readable width.
      expect(pageBox?.width ?? 0).toBeGreaterThan(1000);
      expect(formBox?.width ?? 0).toBeLessThanOrEqual(880);
      const titleBox = await page.locator('#field-title').boundingBox();
      expect(titleBox?.width ?? 0).toBeLessThan(880);

      // The lookup has nothing to show before a customer is chosen: a dash, not an empty line.
      const city = page.getByTestId('field-city');
      await expect.poll(() => city.getByTestId('field-empty').textContent()).toBe('—');
      await screenshot(page, 'everyday-details', 'fill-empty-lookup');
      await page.locator('#field-customer').click();
      await page.keyboard.type('acme');
      await page.locator('.ant-select-item-option', { hasText: 'ACME Trading' }).click();
      await expect.poll(() => city.textContent()).toContain('Hangzhou');
      expect(await city.getByTestId('field-empty').count()).toBe(0);
      await expectNoSidewaysScroll(page, 'fill page');
      await screenshot(page, 'everyday-details', 'fill');
    } finally {
      await desk.close();
    }
  });

  it('shows a long menu name whole in a tooltip on hover and on keyboard focus, and a short one without', async () => {
    const desk = await launchSignedIn(server.url, owner.token, { viewport: DESKTOP });
    try {
      const { page } = desk;
      await page.goto(`${server.url}/apps/${appId}/forms/${dealsId}`);
      await page.getByTestId('records-page').waitFor();
      const entry = page.getByTestId('app-menu-link').filter({ hasText: LONG_NAME });
      // The menu is narrower than the name: it is cut with an ellipsis...
      const cut = await entry.evaluate((link) => {
        const name = link.querySelector('span');
        return name !== null && name.scrollWidth > name.clientWidth;
      });
      expect(cut).toBe(true);
      // ...and hovering shows it whole.
      await entry.hover();
      const tooltip = page.getByRole('tooltip', { name: LONG_NAME });
      await tooltip.waitFor();
      await screenshot(page, 'everyday-details', 'menu-tooltip');
      // A name that fits gets no tooltip.
      await page.getByTestId('app-menu-link').filter({ hasText: 'Customers' }).hover();
      await tooltip.waitFor({ state: 'hidden' });
      expect(await page.getByRole('tooltip').filter({ hasText: 'Customers' }).count()).toBe(0);
      // The keyboard reaches it too: focus on the link shows the whole name.
      await entry.focus();
      await tooltip.waitFor();
    } finally {
      await desk.close();
    }
  });

  for (const [language, viewport, formName] of [
    ['en', DESKTOP, 'Visit'],
    ['zh-CN', PHONE, '拜访'],
  ] as const) {
    it(`names a record without a title field by its form and creation time, never its id (${language}, ${viewport.width} px)`, async () => {
      const browser = await launchSignedIn(server.url, owner.token, {
        viewport,
        isMobile: viewport === PHONE,
        language,
      });
      try {
        const { page } = browser;
        await page.goto(`${server.url}/apps/${visitsAppId}/forms/${visitsId}/records/${visitId}`);
        const record = page.getByTestId('record-page');
        await record.waitFor();
        // The creation time as the browser shows it in this language and time zone.
        const when = await page.evaluate(
          ([iso, lang]) =>
            new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso)),
          [visitCreatedAt, language] as const,
        );
        const name = `${formName} · ${when}`;
        const idPart = visitId.slice(-6);
        const heading = record.getByRole('heading').first();
        await expect.poll(() => heading.textContent()).toBe(name);
        expect(await record.textContent()).not.toContain(idPart);
        await expectNoSidewaysScroll(page, 'record without a title');
        await screenshot(page, 'everyday-details', `untitled-record-${language}`);

        // A record that links to it names it the same way, and so does the picker of a new one.
        await page.goto(`${server.url}/apps/${visitsAppId}/forms/${followUpsId}/records/${followUpId}`);
        await expect.poll(() => page.getByTestId('record-page').textContent()).toContain(name);
        expect(await page.getByTestId('record-page').textContent()).not.toContain(idPart);
        await page.goto(`${server.url}/apps/${visitsAppId}/forms/${followUpsId}/new`);
        await page.locator('#field-visit').click();
        const option = page.locator('.ant-select-item-option', { hasText: name });
        await option.waitFor();
        await option.click();
        await expect.poll(() => page.getByTestId('field-visit').textContent()).toContain(name);
        expect(await page.getByTestId('field-visit').textContent()).not.toContain(idPart);
        await screenshot(page, 'everyday-details', `untitled-relation-${language}`);

        // The inbox: the task to check the visit.
        await page.goto(`${server.url}/inbox`);
        const subject = page.getByTestId('task-subject').first();
        await expect.poll(() => subject.textContent()).toBe(name);
        await expectNoSidewaysScroll(page, 'inbox');
        await screenshot(page, 'everyday-details', `untitled-inbox-${language}`);

        if (viewport === PHONE) {
          // The phone's record list: the card is titled the same way.
          await page.goto(`${server.url}/apps/${visitsAppId}/forms/${visitsId}`);
          const title = page.getByTestId('record-card').first().getByTestId('record-card-title');
          await expect.poll(() => title.textContent()).toBe(name);
          // ...and does not show the time a second time below it.
          const card = (await page.getByTestId('record-card').first().textContent()) ?? '';
          expect(card.split(when)).toHaveLength(2);
          await expectNoSidewaysScroll(page, 'phone list of untitled records');
          await screenshot(page, 'everyday-details', `untitled-cards-${language}`);
        }
      } finally {
        await browser.close();
      }
    });
  }

  it('reaches every column of a wide list inside the table at 1440 px, the first column staying put', async () => {
    const desk = await launchSignedIn(server.url, owner.token, { viewport: DESKTOP });
    try {
      const { page } = desk;
      await page.goto(`${server.url}/apps/${visitsAppId}/forms/${inspectionsId}`);
      await page.getByTestId('record-table').locator('tbody tr.ant-table-row').first().waitFor();
      // Every field a column.
      await page.getByRole('button', { name: en.records.columns }).click();
      const chooser = page.getByTestId('column-chooser');
      for (const [, , name] of WIDE_FIELDS) {
        const box = chooser.getByRole('checkbox', { name, exact: true });
        if (!(await box.isChecked())) await box.check();
      }
      await page.keyboard.press('Escape');
      const table = page.getByTestId('record-table');
      const last = table.locator('thead th').last();
      await expect.poll(() => table.locator('thead th').count()).toBe(WIDE_FIELDS.length + 2);
      await expectNoSidewaysScroll(page, 'wide record list');
      // The table scrolls inside itself: scrolled to its end, the last column is whole in view, and the
      // first column (the record's link) is still where it was.
      const scroller = table.locator('.ant-table-content');
      const geometry = () =>
        scroller.evaluate((box) => {
          const head = box.querySelectorAll('thead th');
          const rect = (el: Element | undefined) => el?.getBoundingClientRect() ?? new DOMRect();
          const first = rect(head[1]);
          const lastHead = rect(head[head.length - 1]);
          const container = box.closest('.ant-table-container');
          return {
            overflow: getComputedStyle(box).overflowX,
            scrollable: box.scrollWidth - box.clientWidth,
            left: rect(box).left,
            right: rect(box).right,
            firstLeft: first.left,
            lastRight: lastHead.right,
            // The cue at the right edge that more columns are there.
            moreCue: container ? getComputedStyle(container, '::after').boxShadow : '',
          };
        });
      const before = await geometry();
      expect(before.overflow).toBe('auto');
      expect(before.scrollable).toBeGreaterThan(0);
      expect(before.moreCue).toContain('inset');
      await screenshot(page, 'everyday-details', 'wide-list');
      await scroller.evaluate((box) => {
        box.scrollLeft = box.scrollWidth;
      });
      // At the end there is no more to cue (the shadow follows the scroll event).
      await expect.poll(async () => (await geometry()).moreCue).toBe('none');
      const after = await geometry();
      expect(after.lastRight).toBeLessThanOrEqual(after.right + 1);
      expect(Math.abs(after.firstLeft - before.firstLeft)).toBeLessThan(1);
      // The columns ticked last come last: the remarks.
      expect(await last.textContent()).toBe('Remarks of the inspector');
      expect(await table.locator('tbody tr.ant-table-row td').last().textContent()).toContain('fire exits');
      await screenshot(page, 'everyday-details', 'wide-list-scrolled');
    } finally {
      await desk.close();
    }
  });

  for (const language of ['en', 'zh-CN'] as const) {
    it(`never scrolls a phone sideways on a wide form's list, record and form (${language}, 375 px)`, async () => {
      const phone = await launchSignedIn(server.url, owner.token, {
        viewport: PHONE,
        isMobile: true,
        language,
      });
      try {
        const { page } = phone;
        const base = `${server.url}/apps/${visitsAppId}/forms/${inspectionsId}`;
        await page.goto(base);
        await page.getByTestId('record-card').first().waitFor();
        await expectNoSidewaysScroll(page, 'phone list of a wide form');
        await screenshot(page, 'everyday-details', `wide-phone-list-${language}`);
        await page.goto(`${base}/records/${inspectionId}`);
        await page.getByTestId('record-page').waitFor();
        await expect.poll(() => page.getByTestId('record-page').textContent()).toContain('wang.xiaoming');
        await expectNoSidewaysScroll(page, 'phone record of a wide form');
        await screenshot(page, 'everyday-details', `wide-phone-record-${language}`);
        await page.goto(`${base}/new`);
        await page.getByTestId('record-form').waitFor();
        await expectNoSidewaysScroll(page, 'phone form of a wide form');
      } finally {
        await phone.close();
      }
    });
  }

  for (const [language, viewport, words] of [
    ['en', DESKTOP, en],
    ['zh-CN', PHONE, zh],
  ] as const) {
    it(`explains a TIERED value tier by tier on the record page (${language}, ${viewport.width} px)`, async () => {
      const browser = await launchSignedIn(server.url, owner.token, {
        viewport,
        isMobile: viewport === PHONE,
        language,
      });
      try {
        const { page } = browser;
        await page.goto(`${server.url}/apps/${appId}/forms/${payoutsId}/records/${payoutId}`);
        await page.getByTestId('record-page').getByTestId('explain-payout').first().click();
        const tiers = page.getByTestId('explain-drawer').getByTestId('explain-tiers');
        await tiers.waitFor();
        // The steps are what was read and computed; the constants written in the formula are not steps.
        const steps = await page.getByTestId('explain-step-text').allTextContents();
        expect(steps).toEqual([
          'amount',
          'TIERED(amount, [0, 500000, 1000000], [0.02, 0.05, 0.08], "graduated")',
        ]);
        // Each tier: its bounds, rate, the slice of 1,300,000 in it and what that slice pays — a table
        // at a desk; on a phone a block per tier of label/value rows.
        const tierValues = [
          ['2 %', '500,000', '10,000'],
          ['5 %', '500,000', '25,000'],
          ['8 %', '300,000', '24,000'],
        ];
        if (viewport === DESKTOP) {
          const rows = await tiers
            .locator('tbody tr.ant-table-row')
            .evaluateAll((trs) =>
              trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent)),
            );
          expect(rows.map((cells) => cells.slice(1))).toEqual(tierValues);
          expect(await tiers.locator('.ant-table-summary').textContent()).toContain('59,000');
        } else {
          expect(await tiers.locator('table').count()).toBe(0);
          const blocks = tiers.getByTestId('explain-tier');
          expect(await blocks.count()).toBe(3);
          for (const [i, values] of tierValues.entries()) {
            expect(await blocks.nth(i).getByTestId('explain-tier-value').allTextContents()).toEqual(values);
            expect(await blocks.nth(i).locator('dt').allTextContents()).toEqual([
              words.explain.rate,
              words.explain.slice,
              words.explain.amount,
            ]);
          }
          expect(await blocks.first().getByTestId('explain-tier-range').textContent()).toBe(
            `${words.explain.tier} 0 – 500,000`,
          );
          expect(await tiers.getByTestId('explain-tiers-total').textContent()).toBe(
            `${words.explain.total}59,000`,
          );
        }
        // Nothing in the drawer scrolls sideways, nor the page.
        const sideways = await page
          .getByTestId('explain-drawer')
          .locator('.ant-drawer-body')
          .evaluate(
            (body) =>
              [body, ...Array.from(body.querySelectorAll('*'))].filter(
                (el) =>
                  el.scrollWidth > el.clientWidth + 1 &&
                  ['auto', 'scroll'].includes(getComputedStyle(el).overflowX),
              ).length,
          );
        expect(sideways).toBe(0);
        await expectNoSidewaysScroll(page, 'explain drawer');
        await screenshot(page, 'everyday-details', `explain-tiers-${language}`);
      } finally {
        await browser.close();
      }
    });
  }

  for (const [language, words] of [
    ['en', en],
    ['zh-CN', zh],
  ] as const) {
    it(`keeps the phone record list's filter, views and reload on one line, and its cards say when a value is empty (${language}, 375 px)`, async () => {
      const phone = await launchSignedIn(server.url, owner.token, {
        viewport: PHONE,
        isMobile: true,
        language,
      });
      try {
        const { page } = phone;
        await page.goto(`${server.url}/apps/${appId}/forms/${dealsId}`);
        const card = page.getByTestId('record-card').filter({ hasText: 'First deal' });
        await card.waitFor();
        // The card's values: customer and city, empty here, each a dash beside its label; the creation
        // time is the card's last line and not a row again.
        expect(await card.getByTestId('card-value').allTextContents()).toEqual(
          language === 'en' ? ['Customer—', 'City—'] : ['客户—', '城市—'],
        );
        expect(await card.getByTestId('card-empty').count()).toBe(2);
        const centre = async (button: Locator) => {
          const box = await button.boundingBox();
          if (!box) throw new Error('a toolbar button has no box');
          return box.y + box.height / 2;
        };
        const middle = (name: string) => centre(page.getByRole('button', { name, exact: true }));
        const filter = await centre(page.getByTestId('open-filter'));
        expect(Math.abs((await middle(words.records.reload)) - filter)).toBeLessThan(2);
        expect(Math.abs((await middle(words.records.saveView)) - filter)).toBeLessThan(2);
        // With a saved view picked, its delete button joins the line and it still fits.
        await page.getByRole('button', { name: words.records.saveView, exact: true }).click();
        await page.getByLabel(words.records.viewName).fill(`Mine (${language})`);
        await page.getByRole('dialog').getByRole('button', { name: words.records.saveView }).click();
        await page.getByRole('button', { name: words.records.deleteView, exact: true }).waitFor();
        expect(Math.abs((await middle(words.records.reload)) - filter)).toBeLessThan(2);
        expect(Math.abs((await middle(words.records.deleteView)) - filter)).toBeLessThan(2);
        await expectNoSidewaysScroll(page, 'phone record list');
        await screenshot(page, 'everyday-details', `phone-list-${language}`);

        // The form on a phone uses the whole width, and the empty lookup shows its dash there too.
        await page.goto(`${server.url}/apps/${appId}/forms/${dealsId}/new`);
        await page.getByTestId('record-form').waitFor();
        await expect.poll(() => page.getByTestId('field-city').getByTestId('field-empty').count()).toBe(1);
        const form = await page.getByTestId('record-form').boundingBox();
        expect(form?.width ?? 0).toBeGreaterThan(PHONE.width - 40);
        const input = await page.locator('#field-title').boundingBox();
        expect(input?.width ?? 0).toBeGreaterThan(PHONE.width - 100);
        await expectNoSidewaysScroll(page, 'phone fill page');
        await screenshot(page, 'everyday-details', `phone-fill-${language}`);

        // The import wizard's four steps are one row on a phone, and the upload is on the first screen.
        await page.goto(`${server.url}/apps/${appId}/forms/${dealsId}/import`);
        const steps = page.getByTestId('import-steps').locator('.ant-steps-item');
        await steps.first().waitFor();
        const tops = await steps.evaluateAll((items) =>
          items.map((item) => item.getBoundingClientRect().top),
        );
        expect(tops).toHaveLength(4);
        expect(new Set(tops).size).toBe(1);
        const upload = await page.getByTestId('import-page').locator('.ant-upload-drag').boundingBox();
        expect((upload?.y ?? PHONE.height) + 40).toBeLessThan(PHONE.height);
        await expectNoSidewaysScroll(page, 'phone import wizard');
        await screenshot(page, 'everyday-details', `phone-import-${language}`);
      } finally {
        await phone.close();
      }
    });
  }
});
