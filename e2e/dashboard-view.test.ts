import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserSession, DESKTOP, launchBrowser, PHONE } from './helpers/browser.js';
import { type ApiCaller, setupWorkspace } from './helpers/fixtures.js';
import { type SalesPack, seedSalesPack } from './helpers/sales-pack.js';
import { expectNoSidewaysScroll, screenshot } from './helpers/screens.js';
import { type RunningServer, startServer } from './helpers/server.js';

// The sales template's cockpit as a manager opens it: every widget drawn from real records at 1440 px,
// stacked at 375 px without sideways scroll, a KPI's click-through lands on the records behind it.
let server: RunningServer;
let owner: ApiCaller;
let ws: string;
let pack: SalesPack;
let browser: BrowserSession | undefined;
const OWNER = { email: 'olivia@example.com', password: 'correct-horse-battery-9' };

beforeAll(async () => {
  server = await startServer();
  ({ owner, ws } = await setupWorkspace(server));
  pack = await seedSalesPack(server, owner, ws);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  expect(await server?.stop()).toBe(0);
});

async function signInAt(viewport: { width: number; height: number }, isMobile = false) {
  await browser?.close();
  browser = await launchBrowser({ viewport, isMobile });
  const { page } = browser;
  // Charts draw at once (no entry animation), so screenshots show the figures.
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await page.goto(`${server.url}/login`);
  await page.getByLabel('Email').fill(OWNER.email);
  await page.getByLabel('Password').fill(OWNER.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${server.url}/`);
  return page;
}

const COCKPIT_WIDGETS = [
  'revenueThisMonth',
  'collectionsThisMonth',
  'winRate',
  'pipeline',
  'trend',
  'funnel',
  'byRegion',
  'byTeam',
  'leaderboard',
  'byRep',
  'visitsPerRep',
  'behindPace',
];

describe('the sales cockpit', () => {
  it('renders every widget with data at 1440 px', async () => {
    const page = await signInAt(DESKTOP);
    await page.goto(`${server.url}/apps/${pack.appId}/dashboards/sales_cockpit`);
    await page.getByTestId('dashboard-page').waitFor();
    for (const key of COCKPIT_WIDGETS) {
      await page.locator(`[data-testid="widget-${key}"][data-state="success"]`).waitFor({ timeout: 20_000 });
    }
    // Figures from the seeded records, not placeholders: the pipeline counts the six open or lost deals' open ones.
    await expect(page.getByTestId('widget-pipeline').getByTestId('kpi-value').textContent()).resolves.toMatch(
      /\d/,
    );
    expect(await page.getByTestId('widget-trend').locator('canvas').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('widget-funnel').locator('canvas').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('widget-leaderboard').locator('li').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('widget-byRegion').locator('canvas').count()).toBeGreaterThan(0);
    // The KPI card shows its target and the progress towards it.
    await page.getByTestId('widget-revenueThisMonth').getByTestId('kpi-target').waitFor();
    await screenshot(page, 'dashboard', 'cockpit');
    await expectNoSidewaysScroll(page, 'the cockpit at 1440 px');
  }, 90_000);

  it('refreshes a widget by itself when a record of its form is added', async () => {
    const page = browser?.page;
    if (!page) throw new Error('no browser');
    const count = page.getByTestId('widget-pipeline').getByText(/^Opportunities:/);
    await expect(count.textContent()).resolves.toContain('5');
    await pack.reps.ann.caller.call('POST', `/workspaces/${ws}/forms/${pack.forms.opportunities}/records`, {
      data: { name: 'Fresh lead', stage: 'lead', amount: 1_000 },
    });
    await page.getByTestId('widget-pipeline').getByText('CN¥151,000').waitFor({ timeout: 15_000 });
    await expect(count.textContent()).resolves.toContain('6');
  }, 30_000);

  it('opens the records behind a KPI figure', async () => {
    const page = browser?.page;
    if (!page) throw new Error('no browser');
    await page.getByTestId('widget-pipeline').getByTestId('kpi-value').click();
    await page.waitForURL(/\/forms\/[0-9a-f]{24}\?filter=/);
    const url = new URL(page.url());
    expect(url.pathname).toContain(`/forms/${pack.forms.opportunities}`);
    expect(url.searchParams.get('filter')).toContain('"nin"');
  }, 30_000);

  it('stacks the widgets at 375 px without sideways scroll', async () => {
    const page = await signInAt(PHONE, true);
    await page.goto(`${server.url}/apps/${pack.appId}/dashboards/sales_cockpit`);
    for (const key of COCKPIT_WIDGETS) {
      await page.locator(`[data-testid="widget-${key}"][data-state="success"]`).waitFor({ timeout: 20_000 });
    }
    const boxes = await Promise.all(
      ['revenueThisMonth', 'collectionsThisMonth'].map((key) =>
        page.getByTestId(`widget-${key}`).boundingBox(),
      ),
    );
    const [first, second] = boxes;
    expect(first && second && second.y >= first.y + first.height).toBe(true);
    expect(first?.width).toBeGreaterThan(300);
    await screenshot(page, 'dashboard', 'cockpit');
    await expectNoSidewaysScroll(page, 'the cockpit at 375 px');
  }, 90_000);
});
