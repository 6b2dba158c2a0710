import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AA_TEXT } from '../apps/web/src/features/dashboards/label-contrast.js';
import { PALETTE } from '../apps/web/src/features/dashboards/palette.js';
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

/**
 * Reads the funnel's canvas: for each stage (the pixels of its palette colour), the contrast between the
 * stage's fill and the most contrasting pixel inside it on the rows it spans — the core of its label's
 * glyphs. A label drawn white on a light stage scores that (low) white-on-fill ratio.
 */
async function funnelLabelContrasts(page: Page): Promise<number[]> {
  const canvas = page.getByTestId('widget-funnel').locator('canvas').first();
  return canvas.evaluate((element, palette) => {
    const c = element as HTMLCanvasElement;
    const data = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data;
    if (!data) return [];
    const lin = (v: number) => {
      const x = v / 255;
      return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
    };
    const lum = (r: number, g: number, b: number) => 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
    const ratio = (a: number, b: number) => (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const out: number[] = [];
    for (const hex of palette) {
      const [r, g, b] = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)) as [
        number,
        number,
        number,
      ];
      const fill = lum(r, g, b);
      let best = 0;
      let seen = false;
      for (let y = 0; y < c.height; y++) {
        let left = -1;
        let right = -1;
        for (let x = 0; x < c.width; x++) {
          const at = (y * c.width + x) * 4;
          if (data[at] === r && data[at + 1] === g && data[at + 2] === b) {
            if (left < 0) left = x;
            right = x;
          }
        }
        if (left < 0) continue;
        seen = true;
        for (let x = left; x <= right; x++) {
          const at = (y * c.width + x) * 4;
          best = Math.max(best, ratio(fill, lum(data[at] ?? 0, data[at + 1] ?? 0, data[at + 2] ?? 0)));
        }
      }
      if (seen) out.push(best);
    }
    return out;
  }, PALETTE);
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
    // Every stage's label reads on its fill (WCAG AA), the amber and cyan stages included.
    const contrasts = await funnelLabelContrasts(page);
    expect(contrasts.length).toBeGreaterThanOrEqual(5);
    for (const contrast of contrasts) expect(contrast).toBeGreaterThanOrEqual(AA_TEXT);
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
    await page.getByTestId('widget-funnel').scrollIntoViewIfNeeded();
    for (const contrast of await funnelLabelContrasts(page)) expect(contrast).toBeGreaterThanOrEqual(AA_TEXT);
    await screenshot(page, 'dashboard', 'cockpit');
    await expectNoSidewaysScroll(page, 'the cockpit at 375 px');
  }, 90_000);
});
