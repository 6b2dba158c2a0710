import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import {
  as,
  create,
  expectStatus,
  list,
  type SalesWorld,
  salesWorld,
  settle,
  widget,
  win,
} from './__tests__/sales-world.js';

/**
 * More worked numbers of SALES-TEMPLATE.md through the public API — the funnel, leaderboard ties,
 * retroactive commission under the cap — and the pack as a unit: export → import, importing twice.
 */
/** Each case drives automations through the job queue: generous for a shared machine, never asserted. */
const SLOW = { timeout: 240_000 };
const time = Date.parse('2026-07-10T02:00:00Z');
let t: TestApp;
let w: SalesWorld;

beforeAll(async () => {
  t = await createTestApp({}, { clock: () => new Date(time), pollJobs: false });
  w = await salesWorld(t);
}, 120_000);
afterAll(() => t?.close());

describe('opportunity funnel (cumulative by the highest stage reached)', () => {
  it(
    '80 / 60 / 30 / 12 / 18 reached → 200 / 120 / 60 / 30 / 18; conversions 60%, 50%, 50%, 60%; win rate 9%',
    SLOW,
    async () => {
      const { manager } = w.people;
      const reached = { lead: 80, qualified: 60, proposal: 30, negotiation: 12, won: 18 };
      const records = Object.entries(reached).flatMap(([stage, n]) =>
        Array.from({ length: n }, (_, i) => ({ data: { name: `${stage} ${i}`, stage } })),
      );
      const batch = expectStatus(
        await as(w, manager, 'POST', `/forms/${w.forms.opportunities}/records/batch`, { records }),
        200,
      ).json() as { created: number };
      expect(batch.created).toBe(200);
      // Some of those that stopped short were lost afterwards: the funnel still counts how far they got.
      const leads = (
        await list(w, manager, 'opportunities', { field: 'stage', op: 'eq', value: 'proposal' })
      ).slice(0, 10);
      await settle(w);
      for (const o of leads) {
        const current = expectStatus(
          await as(w, manager, 'GET', `/forms/${w.forms.opportunities}/records/${o.id}`),
          200,
        ).json() as { v: number };
        expectStatus(
          await as(w, manager, 'PATCH', `/forms/${w.forms.opportunities}/records/${o.id}`, {
            data: { stage: 'lost' },
            v: current.v,
          }),
          200,
        );
      }
      await settle(w);
      const funnel = expectStatus(
        await widget(w, undefined, 'sales_cockpit', 'funnel', { member: manager.userId }),
        200,
      ).json() as {
        rows: Array<{ highestStage: string; count: number; conversion: number | null; overall: number }>;
        meta: Record<string, unknown>;
      };
      expect(funnel.rows.map((r) => [r.highestStage, r.count, r.conversion])).toEqual([
        ['lead', 200, null],
        ['qualified', 120, 0.6],
        ['proposal', 60, 0.5],
        ['negotiation', 30, 0.5],
        ['won', 18, 0.6],
      ]);
      expect(funnel.rows.at(-1)?.overall).toBe(0.09);
      expect(funnel.meta).toMatchObject({ overallConversion: 0.09 });
    },
  );
});

describe('leaderboard', () => {
  it('revenue 500, 400, 400, 300 ranks 1, 2, 2, 4, and marks the rep who looks', SLOW, async () => {
    const { ann, bob, cai, dan } = w.people;
    await win(w, ann, 500, '2026-03-02');
    await win(w, bob, 400, '2026-04-02');
    await win(w, cai, 400, '2026-05-02');
    await win(w, dan, 300, '2026-06-02');
    await settle(w);
    const board = expectStatus(await widget(w, undefined, 'sales_cockpit', 'leaderboard'), 200).json() as {
      rows: Array<{ _owner: string; revenue: number; rank: number }>;
    };
    expect(board.rows.map((r) => [r.rank, r.revenue])).toEqual([
      [1, 500],
      [2, 400],
      [2, 400],
      [4, 300],
    ]);
    expect(board.rows[0]?._owner).toBe(ann.userId);
    expect(new Set(board.rows.slice(1, 3).map((r) => r._owner))).toEqual(new Set([bob.userId, cai.userId]));
  });
});

describe('retroactive commission under a cap', () => {
  it(
    'credited 1,800,000 against 1,000,000 capped at 150%: 1,500,000 × 8% = 120,000 (graduated: 75,000; uncapped retroactive 144,000)',
    SLOW,
    async () => {
      const { fay, bob } = w.people;
      const tiers = [
        { from: 0, to: 0.5, rate: 0.02 },
        { from: 0.5, to: 1, rate: 0.05 },
        { from: 1, rate: 0.08 },
      ];
      const plan = async (name: string, mode: string, cap?: number) =>
        (
          await create(w, undefined, 'commission_plans', {
            name,
            basis: 'booked',
            mode,
            tiers,
            ...(cap ? { capAttainment: cap } : {}),
            validFrom: '2025-01-01',
            validTo: '2025-01-31',
          })
        ).id;
      await create(w, undefined, 'targets', {
        name: 'Bob Jan 2025',
        periodType: 'month',
        periodStart: '2025-01-01',
        level: 'rep',
        assignee: bob.userId,
        assigneeDept: w.departments.east1,
        metric: 'revenue',
        amount: 1_000_000,
      });
      await win(w, bob, 1_800_000, '2025-01-20');
      await settle(w);
      const statement = async (planId: string) =>
        (
          await create(w, fay, 'commission_statements', {
            rep: bob.userId,
            periodType: 'month',
            periodStart: '2025-01-01',
            plan: planId,
          })
        ).data;
      expect(await statement(await plan('Retro capped', 'retroactive', 1.5))).toMatchObject({
        credited: 1_800_000,
        attainment: 1.8,
        commission: 120_000,
      });
      expect(await statement(await plan('Graduated capped', 'graduated', 1.5))).toMatchObject({
        commission: 75_000,
      });
      expect(await statement(await plan('Retro uncapped', 'retroactive'))).toMatchObject({
        commission: 144_000,
      });
    },
  );
});

describe('the pack as a unit', () => {
  it('exports with its records and imports back as an equal, separate app', SLOW, async () => {
    await create(w, undefined, 'customers', { name: 'Round trip Ltd', level: 'A', region: 'east' });
    const exported = expectStatus(
      await as(w, undefined, 'GET', `/apps/${w.appId}/export?data=true`),
      200,
    ).json() as {
      manifest: { key: string };
      forms: Array<{ key: string }>;
      automations?: Array<{ key: string }>;
      dashboards?: Array<{ key: string }>;
      roles?: Array<{ key: string }>;
      records?: Record<string, unknown[]>;
    };
    expect(exported.forms.map((f) => f.key)).toHaveLength(12);
    expect(exported.records?.customers?.map((r) => (r as { data: { name: string } }).data.name)).toContain(
      'Round trip Ltd',
    );
    // People travel by email (docs/template-format.md), so statements, scorecards and awards, whose
    // required field names a person, come along with the rest.
    expect(Object.keys(exported.records ?? {})).toEqual(
      expect.arrayContaining(['commission_statements', 'customers']),
    );
    const again = expectStatus(
      await as(w, undefined, 'POST', '/apps/import', {
        pack: exported,
        demoData: true,
        appKey: 'sales_copy',
      }),
      201,
    ).json() as { appId: string; forms: Record<string, string>; records: number };
    expect(again.records).toBe(Object.values(exported.records ?? {}).reduce((n, list) => n + list.length, 0));
    expect(again.appId).not.toBe(w.appId);
    expect(Object.keys(again.forms).sort()).toEqual(exported.forms.map((f) => f.key).sort());
    const reexported = expectStatus(
      await as(w, undefined, 'GET', `/apps/${again.appId}/export`),
      200,
    ).json() as typeof exported;
    // Definitions round-trip: the same forms, automations, dashboards and roles by key, field by field.
    const { records: _records, ...definitions } = exported;
    const strip = (pack: Record<string, unknown>) =>
      JSON.parse(JSON.stringify({ ...pack, app: undefined, manifest: undefined }));
    expect(strip(reexported as Record<string, unknown>)).toEqual(
      strip(definitions as Record<string, unknown>),
    );
    const copied = expectStatus(
      await as(
        w,
        undefined,
        'GET',
        `/forms/${again.forms.customers}/records?q=${encodeURIComponent('Round trip')}`,
      ),
      200,
    ).json() as { items: Array<{ data: Record<string, unknown> }> };
    expect(copied.items.map((r) => [r.data.name, r.data.level, r.data.region])).toEqual([
      ['Round trip Ltd', 'A', 'east'],
    ]);
  });

  it(
    'imported twice, the apps are independent: records, automations and dashboards stay with their app',
    SLOW,
    async () => {
      const second = expectStatus(
        await as(w, undefined, 'POST', '/apps/import', {
          template: 'sales_performance',
          appKey: 'sales_two',
        }),
        201,
      ).json() as { appId: string; forms: Record<string, string> };
      expect(second.forms.opportunities).not.toBe(w.forms.opportunities);
      const before = (await list(w, undefined, 'contracts')).length;
      // A win in the second app makes a contract in the second app only.
      const { ann } = w.people;
      expectStatus(
        await as(w, ann, 'POST', `/forms/${second.forms.opportunities}/records`, {
          data: { name: 'Second app deal', amount: 700, stage: 'won', closedOn: '2026-07-01' },
        }),
        201,
      );
      await settle(w);
      expect((await list(w, undefined, 'contracts')).length).toBe(before);
      const theirs = expectStatus(
        await as(w, undefined, 'GET', `/forms/${second.forms.contracts}/records`),
        200,
      ).json() as {
        items: Array<{ data: { amount: number } }>;
      };
      expect(theirs.items.map((c) => c.data.amount)).toEqual([700]);
      const board = expectStatus(
        await as(
          w,
          undefined,
          'POST',
          `/apps/${second.appId}/dashboards/sales_cockpit/widgets/leaderboard/query`,
          {},
        ),
        200,
      ).json() as { rows: Array<{ revenue: number }> };
      expect(board.rows.map((r) => r.revenue)).toEqual([700]);
    },
  );
});
