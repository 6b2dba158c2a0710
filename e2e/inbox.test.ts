import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import en from '../apps/web/src/i18n/en.json' with { type: 'json' };
import { type BrowserSession, DESKTOP, launchBrowser, PHONE, storeSession } from './helpers/browser.js';
import { type ApiCaller, addMember, setupWorkspace, signIn } from './helpers/fixtures.js';
import { expectNoSidewaysScroll, screenshot } from './helpers/screens.js';
import { type RunningServer, startServer } from './helpers/server.js';

// The approval story on one server: a staff member submits expense claims; their manager's inbox shows each
// new task without a reload, with its count; the manager approves one from its drawer while the submitter,
// watching the claim on a phone, sees its flow become approved; a reject needs a comment; a transfer and an
// added signer go to the people named; several claims are approved at once. The submitter's UI language
// travels as Accept-Language on every API call.
let server: RunningServer;
let owner: ApiCaller;
let ws: string;
let appId: string;
let claimsId: string;
let staff: ApiCaller;
let manager: BrowserSession;
let submitter: BrowserSession;
const people = {
  staff: { email: 'sam@example.com', password: 'staff-password-2026', name: 'Sam Staff' },
  manager: { email: 'mia@example.com', password: 'manager-password-2026', name: 'Mia Manager' },
  tom: { email: 'tom@example.com', password: 'tom-password-2026', name: 'Tom Deputy' },
  ann: { email: 'ann@example.com', password: 'ann-password-2026', name: 'Ann Auditor' },
};
const ids: Record<keyof typeof people, string> = { staff: '', manager: '', tom: '', ann: '' };

const label = (text: string) => ({ en: text, 'zh-CN': text });

async function submitClaim(title: string, amount: number): Promise<string> {
  const record = await staff.call<{ id: string; flow?: { status: string } }>(
    'POST',
    `/workspaces/${ws}/forms/${claimsId}/records`,
    { data: { title, amount } },
  );
  expect(record.flow?.status).toBe('inProgress');
  return record.id;
}

async function tasksOf(who: keyof typeof people) {
  const caller = await signIn(server, people[who].email, people[who].password);
  return caller.call<{ items: Array<{ id: string; record: string; kind: string }> }>(
    'GET',
    `/workspaces/${ws}/tasks?status=pending`,
  );
}

beforeAll(async () => {
  server = await startServer();
  ({ owner, ws } = await setupWorkspace(server));
  const app = await owner.call<{ id: string }>('POST', `/workspaces/${ws}/apps`, {
    key: 'expenses',
    name: label('Expenses'),
    roles: [
      {
        key: 'staff',
        name: label('Staff'),
        forms: [{ form: 'claims', submit: true, view: 'own', edit: 'own' }],
      },
    ],
  });
  appId = app.id;
  const claims = await owner.call<{ id: string }>('POST', `/workspaces/${ws}/apps/${appId}/forms`, {
    key: 'claims',
    name: label('Claims'),
    titleField: 'title',
    fields: [
      { key: 'title', type: 'text', label: label('Title'), required: true },
      { key: 'amount', type: 'money', currency: 'CNY', label: label('Amount') },
      {
        key: 'lines',
        type: 'subform',
        label: label('Receipts'),
        columns: [
          { key: 'item', type: 'text', label: label('Item') },
          { key: 'vendor', type: 'text', label: label('Vendor') },
          { key: 'qty', type: 'number', label: label('Qty') },
          { key: 'unitPrice', type: 'money', currency: 'CNY', label: label('Unit price') },
          { key: 'note', type: 'text', label: label('Note') },
          { key: 'lineTotal', type: 'money', currency: 'CNY', label: label('Line total') },
        ],
      },
    ],
  });
  claimsId = claims.id;
  for (const [key, person] of Object.entries(people)) {
    const member = await addMember(server, owner, ws, {
      ...person,
      roles: key === 'staff' ? ['member', 'staff'] : ['member'],
    });
    ids[key as keyof typeof people] = member.userId;
  }
  await owner.call('POST', `/workspaces/${ws}/apps/${appId}/flows`, {
    publish: true,
    definition: {
      key: 'claim_approval',
      name: label('Claim approval'),
      form: 'claims',
      nodes: [
        { id: 'start', type: 'start' },
        {
          id: 'manager',
          type: 'approval',
          name: label('Manager'),
          mode: 'or',
          assignees: [{ kind: 'member', members: [ids.manager] }],
        },
        { id: 'end', type: 'end' },
      ],
      edges: [
        { from: 'start', to: 'manager' },
        { from: 'manager', to: 'end' },
      ],
    },
  });
  staff = await signIn(server, people.staff.email, people.staff.password);
  const boss = await signIn(server, people.manager.email, people.manager.password);
  manager = await launchBrowser({ viewport: DESKTOP });
  await storeSession(manager.page, server.url, boss.token);
  submitter = await launchBrowser({ viewport: PHONE, isMobile: true });
  await storeSession(submitter.page, server.url, staff.token);
});

afterAll(async () => {
  await manager?.close();
  await submitter?.close();
  if (server) expect(await server.stop()).toBe(0);
});

describe('the task inbox', () => {
  it('shows a new task to the manager without a reload, counted beside the inbox', async () => {
    const { page } = manager;
    await page.goto(`${server.url}/inbox`);
    await page.getByTestId('inbox-empty').waitFor();
    await screenshot(page, 'inbox', 'empty');
    await submitClaim('Taxi to the airport', 86);
    const item = page.getByTestId('task-item').filter({ hasText: 'Taxi to the airport' });
    await item.waitFor();
    await page.getByRole('navigation').getByTestId('inbox-badge').getByText('1').waitFor();
    await page.getByRole('tab', { name: /To do/ }).getByText('1').waitFor();
    await screenshot(page, 'inbox', 'new-task');
  });

  it('approves from the drawer while the submitter sees the flow become approved', async () => {
    const claim = (await tasksOf('manager')).items[0]?.record as string;
    const phone = submitter.page;
    await phone.goto(`${server.url}/apps/${appId}/forms/${claimsId}/records/${claim}`);
    // On a phone the flow is a tab of the record.
    await phone.getByRole('tab', { name: en.records.tabFlow }).click();
    // The print view holds a second, hidden copy of the timeline.
    const timeline = phone.locator('[data-testid=flow-timeline]:visible');
    await timeline.getByText(en.flowTimeline.status.inProgress, { exact: true }).waitFor();
    await expectNoSidewaysScroll(phone, 'record flow');

    const { page } = manager;
    await page
      .getByTestId('task-item')
      .filter({ hasText: 'Taxi to the airport' })
      .getByTestId('task-open')
      .click();
    const drawer = page.getByTestId('task-detail');
    await drawer.getByText('Taxi to the airport').first().waitFor();
    await drawer.getByTestId('task-flow-status').getByText(en.flowTimeline.status.inProgress).waitFor();
    await screenshot(page, 'inbox', 'task');
    await drawer.getByLabel(en.inbox.comment).fill('Receipts look fine');
    await drawer.getByTestId('task-approve').click();
    await page.getByTestId('inbox-empty').waitFor();

    // The submitter's page follows without a reload: approved, by whom, with the comment.
    await timeline.getByText(en.flowTimeline.status.approved, { exact: true }).waitFor();
    await timeline.getByText('Receipts look fine').waitFor();
    await screenshot(phone, 'inbox', 'submitter-approved');
    await page.getByRole('tab', { name: en.inbox.list.done }).click();
    await page.getByTestId('task-item').filter({ hasText: 'Taxi to the airport' }).waitFor();
  });

  it('needs a comment to reject, and sends transfers and added signers to the people named', async () => {
    const { page } = manager;
    await page.getByRole('tab', { name: /To do/ }).click();
    await submitClaim('Team dinner', 1200);
    await submitClaim('Conference ticket', 900);
    await submitClaim('New monitor', 1500);
    const open = async (title: string) => {
      await page.getByTestId('task-item').filter({ hasText: title }).getByTestId('task-open').click();
      return page.getByTestId('task-detail');
    };

    let drawer = await open('Team dinner');
    await drawer.getByTestId('task-reject').click();
    await drawer.getByTestId('task-error').getByText(en.inbox.commentNeeded).waitFor();
    await drawer.getByLabel(en.inbox.comment).fill('Over the limit for dinners');
    await drawer.getByTestId('task-reject').click();
    await page.getByTestId('task-item').filter({ hasText: 'Team dinner' }).waitFor({ state: 'detached' });

    drawer = await open('Conference ticket');
    await drawer.getByTestId('task-transfer').click();
    let dialog = page.getByRole('dialog').filter({ has: page.getByLabel(en.inbox.pickWho) });
    await dialog.getByLabel(en.inbox.pickWho).click();
    await page.keyboard.type('Tom');
    await page.locator('.ant-select-item-option', { hasText: 'Tom Deputy' }).click();
    await dialog.getByTestId('task-confirm').click();
    await page
      .getByTestId('task-item')
      .filter({ hasText: 'Conference ticket' })
      .waitFor({ state: 'detached' });
    expect((await tasksOf('tom')).items).toHaveLength(1);

    drawer = await open('New monitor');
    await drawer.getByTestId('task-addSigner').click();
    dialog = page.getByRole('dialog').filter({ has: page.getByLabel(en.inbox.pickWho) });
    // Where first: the member list stays open over the dialog once someone is picked.
    await dialog.getByText(en.inbox.signerBefore).click();
    await dialog.getByLabel(en.inbox.pickWho).click();
    await page.keyboard.type('Ann');
    await page.locator('.ant-select-item-option', { hasText: 'Ann Auditor' }).click();
    await dialog.locator('.ant-modal-title').click(); // closes the member list
    await screenshot(page, 'inbox', 'add-signer');
    await dialog.getByTestId('task-confirm').click();
    // Ann signs first; the manager's own task waits until she has.
    await expect.poll(async () => (await tasksOf('ann')).items.length).toBe(1);
    const rejected = await owner.call<{
      items: Array<{ data: { title: string }; flow?: { status: string } }>;
    }>('GET', `/workspaces/${ws}/forms/${claimsId}/records?limit=10`);
    expect(rejected.items.find((r) => r.data.title === 'Team dinner')?.flow?.status).toBe('rejected');
  });

  it('names a page of tasks with one request, and approves several tasks at once', async () => {
    const { page } = manager;
    // The list carries each record's title: no task is read one by one to name it.
    const lists: string[] = [];
    const details: string[] = [];
    const onRequest = (request: { method(): string; url(): string }) => {
      const path = new URL(request.url()).pathname;
      if (request.method() !== 'GET') return;
      if (/\/tasks$/.test(path)) lists.push(path);
      if (/\/tasks\/[0-9a-f]{24}$/.test(path)) details.push(path);
    };
    page.on('request', onRequest);
    await page.goto(`${server.url}/inbox`);
    for (const title of ['Hotel Shanghai', 'Train to Hangzhou', 'Printer paper'])
      await submitClaim(title, 300);
    for (const title of ['Hotel Shanghai', 'Train to Hangzhou', 'Printer paper'])
      await page.getByTestId('task-item').filter({ hasText: title }).waitFor();
    page.off('request', onRequest);
    expect(lists.length).toBeGreaterThan(0);
    expect(details).toEqual([]);
    await page.getByText(en.inbox.selectAll).click();
    await page.getByTestId('bulk-approve').click();
    await page.getByRole('button', { name: 'OK' }).click();
    for (const title of ['Hotel Shanghai', 'Train to Hangzhou', 'Printer paper'])
      await page.getByTestId('task-item').filter({ hasText: title }).waitFor({ state: 'detached' });
    const list = await owner.call<{ items: Array<{ data: { title: string }; flow?: { status: string } }> }>(
      'GET',
      `/workspaces/${ws}/forms/${claimsId}/records?limit=20`,
    );
    for (const title of ['Hotel Shanghai', 'Train to Hangzhou', 'Printer paper'])
      expect(list.items.find((r) => r.data.title === title)?.flow?.status).toBe('approved');
  });

  it('words a copy as a copy and a single task in the singular, at 1440 and 375 px', async () => {
    // A flow that only copies people: nothing for them to decide, so the notice must not say "task".
    const memos = await owner.call<{ id: string }>('POST', `/workspaces/${ws}/apps/${appId}/forms`, {
      key: 'memos',
      name: label('Memos'),
      titleField: 'title',
      fields: [{ key: 'title', type: 'text', label: label('Title'), required: true }],
    });
    await owner.call('POST', `/workspaces/${ws}/apps/${appId}/flows`, {
      publish: true,
      definition: {
        key: 'memo_copies',
        name: label('Memo copies'),
        form: 'memos',
        nodes: [
          { id: 'start', type: 'start' },
          {
            id: 'tell',
            type: 'cc',
            name: label('Tell'),
            recipients: [{ kind: 'member', members: [ids.manager, ids.staff] }],
          },
          { id: 'end', type: 'end' },
        ],
        edges: [
          { from: 'start', to: 'tell' },
          { from: 'tell', to: 'end' },
        ],
      },
    });
    // Both pages are live (their sockets answered earlier steps); leaving the inbox in the page keeps them so.
    const { page } = manager;
    await page.getByRole('navigation').getByRole('link', { name: en.nav.home }).click();
    await page.waitForURL((url) => url.pathname === '/');
    const phone = submitter.page;
    const notice = (p: typeof page, title: string) =>
      p.locator('.ant-notification-notice').filter({ has: p.getByText(title, { exact: true }) });

    await submitClaim('Parking at the client', 40);
    await notice(page, en.inbox.newTasks_one).waitFor();
    await page.locator('.ant-notification-notice-close').click();
    await notice(page, en.inbox.newTasks_one).waitFor({ state: 'detached' });

    await owner.call('POST', `/workspaces/${ws}/forms/${memos.id}/records`, {
      data: { title: 'Office closed on Friday' },
    });
    const copied = notice(page, en.inbox.newCopies_one);
    await copied.waitFor();
    await notice(phone, en.inbox.newCopies_one).waitFor();
    expect(await page.getByText(/task\(s\)|new task/).count()).toBe(0);
    await screenshot(page, 'inbox', 'copy-notice');
    await screenshot(phone, 'inbox', 'copy-notice');
    await expectNoSidewaysScroll(phone, 'copy notice');
    // The notice opens the list of copies, where the memo is.
    await copied.getByRole('button', { name: en.inbox.open }).click();
    await page.waitForURL((url) => url.searchParams.get('list') === 'cc');
    await page.getByRole('tab', { name: new RegExp(en.inbox.list.cc), selected: true }).waitFor();
    await page.getByTestId('task-item').filter({ hasText: en.inbox.kind.cc }).first().waitFor();
  });

  it("fits a claim's line items in the drawer: every column reachable inside the table, never the page", async () => {
    const { page } = manager;
    const lines = [
      {
        item: 'Hotel, two nights',
        vendor: 'Jinjiang Inn Pudong',
        qty: 2,
        unitPrice: 420,
        note: 'Client visit',
        lineTotal: 840,
      },
      { item: 'Taxi', vendor: 'Didi', qty: 3, unitPrice: 35, note: 'Airport and back', lineTotal: 105 },
    ];
    await staff.call('POST', `/workspaces/${ws}/forms/${claimsId}/records`, {
      data: { title: 'Shanghai trip', amount: 945, lines },
    });
    for (const viewport of [DESKTOP, PHONE]) {
      await page.setViewportSize(viewport);
      await page.goto(`${server.url}/inbox`);
      await page
        .getByTestId('task-item')
        .filter({ hasText: 'Shanghai trip' })
        .getByTestId('task-open')
        .click();
      const drawer = page.getByTestId('task-detail');
      const table = drawer.getByTestId('subform-lines');
      await table.getByText('Jinjiang Inn Pudong').first().waitFor();
      await screenshot(page, 'inbox', 'line-items');
      if (viewport === DESKTOP) {
        const section = table.locator('section');
        const { scroll, client } = await section.evaluate((e) => ({
          scroll: e.scrollWidth,
          client: e.clientWidth,
        }));
        expect(scroll, 'the line items scroll sideways at 1440 px').toBeLessThanOrEqual(client);
      }
      const body = await page.locator('.ant-drawer-body').boundingBox();
      const box = await table.boundingBox();
      // The table sits inside the drawer; what does not fit scrolls inside the table.
      expect(box && body && box.x + box.width <= body.x + body.width + 0.5).toBe(true);
      // At 1440 px every column shows side by side, the last one included, without scrolling anything.
      const cell = await table.getByText('CN¥840.00').first().boundingBox();
      expect(cell && body && cell.x >= body.x && cell.x + cell.width <= body.x + body.width + 0.5).toBe(true);
      await expectNoSidewaysScroll(page, `the task drawer at ${viewport.width} px`);
      await page.keyboard.press('Escape');
      await drawer.waitFor({ state: 'detached' });
    }
    await page.setViewportSize(DESKTOP);
  });

  it('sends the UI language as Accept-Language, and fits a phone', async () => {
    const { page } = submitter;
    await page.evaluate(() => localStorage.setItem('formloom.lang', 'zh-CN'));
    const call = page.waitForRequest((request) => request.url().includes('/api/v1/workspaces/'));
    await page.goto(`${server.url}/inbox?list=started`);
    expect((await call).headers()['accept-language']).toBe('zh-CN');
    await page.getByTestId('task-item').first().waitFor();
    await expectNoSidewaysScroll(page, 'inbox');
    await screenshot(page, 'inbox', 'started');
    await page.evaluate(() => localStorage.setItem('formloom.lang', 'en'));
  });
});
