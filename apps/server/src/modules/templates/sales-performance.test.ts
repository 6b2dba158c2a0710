import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import {
  as,
  create,
  expectStatus,
  list,
  read,
  type SalesWorld,
  salesWorld,
  settle,
  widget,
  win,
} from './__tests__/sales-world.js';

// The sales-performance template driven through the public HTTP API only, reproducing the worked numbers
// of SALES-TEMPLATE.md. The clock starts on 2026-05-31 and moves forward as the story goes.
let time = Date.parse('2026-05-31T00:00:00Z');
let t: TestApp;
let w: SalesWorld;

beforeAll(async () => {
  t = await createTestApp({}, { clock: () => new Date(time), pollJobs: false });
  w = await salesWorld(t);
}, 120_000);
afterAll(async () => t?.close());

const run = (key: string, record: string) =>
  as(w, undefined, 'POST', `/automations/${w.automations[key]}/run`, { record });

describe('importing the template', () => {
  it('is in the catalogue and imports with its forms, automations and dashboards by key', async () => {
    const catalogue = (
      await t.app.inject({ method: 'GET', url: '/api/v1/templates', headers: w.owner.headers })
    ).json();
    expect(catalogue).toEqual(
      expect.arrayContaining([expect.objectContaining({ key: 'sales_performance', version: '1.0.0' })]),
    );
    expect(Object.keys(w.forms)).toEqual([
      'customers',
      'visits',
      'opportunities',
      'quotes',
      'contracts',
      'payments',
      'targets',
      'commission_plans',
      'commission_statements',
      'scorecard_templates',
      'scorecards',
      'awards',
    ]);
    expect(Object.keys(w.automations).sort()).toEqual([
      'create_contract_on_win',
      'distribute_target',
      'monthly_statements',
      'pacing_alert',
      'track_highest_stage',
    ]);
    expect(Object.keys(w.dashboards).sort()).toEqual(['my_performance', 'sales_cockpit']);
  });
});

describe('targets broken down (distribute_target)', () => {
  it('splits 10,000,000 equally over three regions: 3,333,334 / 3,333,333 / 3,333,333', async () => {
    const d = w.departments;
    const company = await create(w, undefined, 'targets', {
      name: 'Company 2027',
      periodType: 'year',
      periodStart: '2027-01-01',
      level: 'company',
      assigneeDept: d.sales,
      amount: 10_000_000,
      method: 'equal',
    });
    const regions = [];
    for (const [name, dept] of [
      ['East', d.east],
      ['North', d.north],
      ['South', d.south],
    ] as const) {
      regions.push(
        await create(w, undefined, 'targets', {
          name: `${name} 2027`,
          periodType: 'year',
          periodStart: '2027-01-01',
          level: 'region',
          assigneeDept: dept,
          parent: company.id,
        }),
      );
    }
    const res = expectStatus(await run('distribute_target', company.id), 200).json();
    expect(res.status).toBe('succeeded');
    const amounts = await Promise.all(
      regions.map(async (r) => (await read(w, undefined, 'targets', r.id)).data.amount),
    );
    expect(amounts).toEqual([3_333_334, 3_333_333, 3_333_333]);
  });

  it("splits by last year's actuals 4.2M / 2.8M / 2.0M: 4,666,667 / 3,111,111 / 2,222,222", async () => {
    const { ann, cai, dan } = w.people;
    // Last year's revenue per region comes from won opportunities of their reps (contracts by automation).
    await win(w, ann, 4_200_000, '2025-09-10');
    await win(w, cai, 2_800_000, '2025-10-10');
    await win(w, dan, 2_000_000, '2025-11-10');
    await settle(w);
    const d = w.departments;
    const company = await create(w, undefined, 'targets', {
      name: 'Company 2026',
      periodType: 'year',
      periodStart: '2026-01-01',
      level: 'company',
      assigneeDept: d.sales,
      amount: 10_000_000,
      method: 'history',
    });
    const regions = [];
    for (const dept of [d.east, d.north, d.south]) {
      regions.push(
        await create(w, undefined, 'targets', {
          name: 'Region 2026',
          periodType: 'year',
          periodStart: '2026-01-01',
          level: 'region',
          assigneeDept: dept,
          parent: company.id,
        }),
      );
    }
    expect(regions.map((r) => r.data.lastPeriodActual)).toEqual([4_200_000, 2_800_000, 2_000_000]);
    const res = expectStatus(await run('distribute_target', company.id), 200).json();
    expect(res.status).toBe('succeeded');
    const amounts = await Promise.all(
      regions.map(async (r) => (await read(w, undefined, 'targets', r.id)).data.amount),
    );
    expect(amounts).toEqual([4_666_667, 3_111_111, 2_222_222]);
  });
});

const tiers = [
  { from: 0, to: 0.5, rate: 0.02 },
  { from: 0.5, to: 1, rate: 0.05 },
  { from: 1, rate: 0.08 },
];

describe("commission (monthly_statements, TIERED over the plan's tier table)", () => {
  const plans: Record<string, string> = {};

  beforeAll(async () => {
    for (const [name, extra] of [
      ['Standard', { mode: 'graduated', validFrom: '2026-01-01' }],
      ['Retro', { mode: 'retroactive', validFrom: '2026-01-01', validTo: '2026-01-31' }],
      ['Capped', { mode: 'graduated', capAttainment: 1.5, validFrom: '2020-01-01', validTo: '2020-12-31' }],
    ] as const) {
      plans[name] = (
        await create(w, undefined, 'commission_plans', { name, basis: 'booked', tiers, ...extra })
      ).id;
    }
    const { ann, bob } = w.people;
    for (const rep of [ann, bob]) {
      await create(w, undefined, 'targets', {
        name: `May ${rep.email}`,
        periodType: 'month',
        periodStart: '2026-05-01',
        level: 'rep',
        assignee: rep.userId,
        assigneeDept: w.departments.east1,
        metric: 'revenue',
        amount: 1_000_000,
      });
    }
    // Ann books 1,300,000 in May (attainment 130%), Bob 1,800,000.
    await win(w, ann, 800_000, '2026-05-06');
    await win(w, ann, 500_000, '2026-05-20');
    await win(w, bob, 1_800_000, '2026-05-15');
    await settle(w);
  });

  it('on the 1st, creates a statement per member holding sales_rep for the month just ended: graduated 59,000', async () => {
    time = Date.parse('2026-06-01T01:30:00Z'); // 09:30 in Shanghai, after the 09:00 run was due
    await settle(w);
    const statements = await list(w, undefined, 'commission_statements');
    const may = statements.filter((s) => s.data.periodStart === '2026-05-01');
    const { ann, bob, cai, dan } = w.people;
    expect(may.map((s) => s.data.rep).sort()).toEqual([ann, bob, cai, dan].map((p) => p.userId).sort());
    const of = (rep: string) => may.find((s) => s.data.rep === rep)?.data ?? {};
    expect(of(ann.userId)).toMatchObject({
      plan: plans.Standard,
      planMode: 'graduated',
      quota: 1_000_000,
      credited: 1_300_000,
      attainment: 1.3,
      commission: 59_000,
      payable: 59_000,
    });
    // 500,000 × 2% + 500,000 × 5% + 800,000 × 8%, no cap on the standard plan.
    expect(of(bob.userId)).toMatchObject({ credited: 1_800_000, commission: 99_000 });
    // Each statement belongs to its rep.
    expect(may.find((s) => s.data.rep === ann.userId)?.owner).toBe(ann.userId);
  });

  it('retroactive pays the whole 1,300,000 at 8%: 104,000; capped at 150% graduated on 1,800,000: 75,000', async () => {
    const { ann, bob, fay } = w.people;
    const retro = await create(w, fay, 'commission_statements', {
      rep: ann.userId,
      periodType: 'month',
      periodStart: '2026-05-01',
      plan: plans.Retro,
    });
    expect(retro.data).toMatchObject({ quota: 1_000_000, credited: 1_300_000, commission: 104_000 });
    const capped = await create(w, fay, 'commission_statements', {
      rep: bob.userId,
      periodType: 'month',
      periodStart: '2026-05-01',
      plan: plans.Capped,
      adjustments: [{ kind: 'clawback', amount: -5000, reason: 'returned order' }],
    });
    expect(capped.data).toMatchObject({ credited: 1_800_000, commission: 75_000, payable: 70_000 });
  });
});

describe('scorecards', () => {
  it('scores 115 / 75 / 120 (capped) weighted 50/30/20 to 104: grade A, bonus coefficient 1.2', async () => {
    const template = await create(w, undefined, 'scorecard_templates', {
      name: 'Rep monthly',
      indicators: [
        { name: 'Revenue', kind: 'result', weight: 0.5, target: 1_000_000, rule: 'linear-capped', cap: 1.2 },
        {
          name: 'Collections',
          kind: 'result',
          weight: 0.3,
          target: 800_000,
          rule: 'linear-capped',
          cap: 1.2,
        },
        { name: 'Visits', kind: 'behaviour', weight: 0.2, target: 40, rule: 'linear-capped', cap: 1.2 },
      ],
    });
    expect(template.data.totalWeight).toBe(1);
    const rows = (template.data.indicators as Array<Record<string, unknown>>).map(({ _id, ...row }) => row);
    const actuals = [1_150_000, 600_000, 50];
    const card = await create(w, w.people.manager, 'scorecards', {
      rep: w.people.ann.userId,
      periodType: 'month',
      periodStart: '2026-05-01',
      indicators: rows.map((row, i) => ({ ...row, actual: actuals[i] })),
    });
    expect((card.data.indicators as Array<{ score: number }>).map((r) => r.score)).toEqual([115, 75, 120]);
    expect(card.data).toMatchObject({ template: template.id, total: 104, grade: 'A', bonusCoefficient: 1.2 });
  });
});

describe('pacing (pacing_alert, daily)', () => {
  it('on day 12 of a 30-day month, 100,000 of 300,000: expected 120,000, pace 83.3%, run-rate 250,000 → alert', async () => {
    const { ann, manager, bob } = w.people;
    const target = await create(w, undefined, 'targets', {
      name: 'Ann June',
      periodType: 'month',
      periodStart: '2026-06-01',
      level: 'rep',
      assignee: ann.userId,
      assigneeDept: w.departments.east1,
      metric: 'revenue',
      amount: 300_000,
    });
    await win(w, ann, 100_000, '2026-06-05');
    time = Date.parse('2026-06-12T01:30:00Z');
    await settle(w);
    const data = (await read(w, undefined, 'targets', target.id)).data;
    expect(data).toMatchObject({
      actual: 100_000,
      periodDays: 30,
      elapsedDays: 12,
      expected: 120_000,
      pace: 0.8333,
      forecast: 250_000,
    });
    const inbox = async (who: typeof ann) =>
      (
        expectStatus(await as(w, who, 'GET', '/notifications'), 200).json() as {
          items: Array<{ title: string; body: string }>;
        }
      ).items;
    for (const who of [ann, manager]) {
      const notes = (await inbox(who)).filter((n) => n.title.includes('Ann June'));
      expect(notes.length).toBeGreaterThan(0);
      expect(notes[0]?.body).toContain('83.3%');
    }
    expect((await inbox(bob)).some((n) => n.title.includes('Ann June'))).toBe(false);
    const behind = expectStatus(await widget(w, manager, 'sales_cockpit', 'behindPace'), 200).json();
    expect(behind.rows).toEqual([
      expect.objectContaining({ assignee: ann.userId, target: 300_000, actual: 100_000, pace: 0.8333 }),
    ]);
  });
});

describe('what a rep sees', () => {
  it('only their own records, their own dashboard numbers and their own commission', async () => {
    const { ann, bob, manager } = w.people;
    const opportunities = await list(w, ann, 'opportunities');
    expect(opportunities.length).toBeGreaterThan(0);
    expect(opportunities.every((o) => o.owner === ann.userId)).toBe(true);
    const bobs = await list(w, bob, 'opportunities');
    expect(
      (await as(w, ann, 'GET', `/forms/${w.forms.opportunities}/records/${bobs[0]?.id}`)).statusCode,
    ).toBe(404);
    // The manager of East 1 sees both of their reps, nobody else's.
    const team = await list(w, manager, 'opportunities');
    expect(new Set(team.map((o) => o.owner))).toEqual(new Set([ann.userId, bob.userId]));

    const statements = await list(w, ann, 'commission_statements');
    expect(statements.map((s) => s.data.commission)).toEqual([59_000]);
    // The plan's tiers, mode and cap stay out of reach: only the declassified results show.
    expect(statements[0]?.data.planTiers ?? null).toBeNull();
    expect(statements[0]?.data.planMode ?? null).toBeNull();
    const mine = expectStatus(await widget(w, ann, 'my_performance', 'myCommission'), 200).json();
    expect(mine.rows[0]).toMatchObject({ commission: 59_000 });
    const target = expectStatus(await widget(w, ann, 'my_performance', 'myTarget'), 200).json();
    expect(target.rows[0]).toMatchObject({ target: 300_000, actual: 100_000 });
    // The cockpit is not among a rep's dashboards.
    expect((await widget(w, ann, 'sales_cockpit', 'revenueThisMonth')).statusCode).toBe(404);
  });
});
