import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { GALLERY_DEMO_SCALE } from '../demo/gallery.js';
import { loadDemoGenerator } from '../demo/load.js';
import { type DemoGenerator, type DemoPlan, planCounts } from '../demo/plan.js';
import { type DemoRunResult, drainJobs, runDemo } from '../demo/run.js';
import { seedDemo } from '../demo/seed.js';

/**
 * The sales-performance demo: the pack's seeded generator and the engine's generic seeder, which writes
 * the plan through the public API (batches as each member, automations running in between).
 */
const time = Date.parse('2026-11-16T04:00:00Z');
let t: TestApp;
let generate: DemoGenerator;
let demo: Extract<DemoRunResult, { seeded: true }>;

const records = (plan: DemoPlan, form: string) =>
  plan.steps.flatMap((s) => (s.kind === 'records' && s.form === form ? s.records : []));

beforeAll(async () => {
  t = await createTestApp({}, { clock: () => new Date(time), pollJobs: false });
  generate = (await loadDemoGenerator(t.config.templatesDir, 'sales_performance')) as DemoGenerator;
  const result = await runDemo(t.app, {
    scale: 0.05,
    today: '2026-11-16',
  });
  if (!result.seeded) throw new Error('not seeded');
  demo = result;
}, 600_000);
afterAll(() => t?.close());

describe('the demo generator', () => {
  it('is deterministic: the same seed, scale and day give the same plan; another seed another', () => {
    const a = generate({ seed: 7, today: '2026-11-16' });
    expect(JSON.stringify(generate({ seed: 7, today: '2026-11-16' }))).toBe(JSON.stringify(a));
    expect(JSON.stringify(generate({ seed: 8, today: '2026-11-16' }))).not.toBe(JSON.stringify(a));
  });

  it('holds one company, 3 regions, 6 teams, 30 reps with managers and the volumes of one unit', () => {
    const plan = generate({ today: '2026-11-16' });
    const regions = plan.departments.filter((d) => d.parent === 'sales');
    const teams = plan.departments.filter((d) => regions.some((r) => r.ref === d.parent));
    expect([regions.length, teams.length]).toEqual([3, 6]);
    const reps = plan.members.filter((m) => m.roles.includes('sales_rep'));
    expect(reps).toHaveLength(30);
    expect(
      reps.every(
        (r) => r.manager && plan.members.find((m) => m.ref === r.manager)?.roles.includes('sales_manager'),
      ),
    ).toBe(true);
    expect(records(plan, 'customers')).toHaveLength(500);
    expect(records(plan, 'visits')).toHaveLength(3000);
    expect(records(plan, 'opportunities')).toHaveLength(1200);
    // Targets: company, regions, teams and reps per year, and 12 months per rep.
    const targets = records(plan, 'targets');
    expect(targets.filter((r) => r.data.periodType === 'month')).toHaveLength(360);
    expect(new Set(targets.map((r) => r.data.level))).toEqual(new Set(['company', 'region', 'team', 'rep']));
    expect(records(plan, 'commission_plans')).toHaveLength(2);
    // Visits and opportunities span the last 12 months.
    const days = records(plan, 'visits')
      .map((r) => String(r.data.visitDate))
      .sort();
    expect(days[0]! >= '2025-11-16' && days.at(-1)! <= '2026-11-16').toBe(true);
    // Scale multiplies the volume.
    expect(records(generate({ scale: 3, today: '2026-11-16' }), 'visits')).toHaveLength(9000);
  });
});

describe('the seeded demo workspace', () => {
  const as = (token: string, method: 'GET' | 'POST', url: string, payload?: Record<string, unknown>) =>
    t.app.inject({
      method,
      url: `/api/v1/workspaces/${demo.ws}${url}`,
      headers: { authorization: `Bearer ${token}` },
      ...(payload ? { payload } : {}),
    });
  const signIn = async (email: string) => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email, password: demo.password },
    });
    expect(res.statusCode).toBe(200);
    return res.json() as { token: string; user: { id: string } };
  };
  const count = async (token: string, form: string) => {
    let n = 0;
    let cursor: string | undefined;
    do {
      const page = (
        await as(
          token,
          'GET',
          `/forms/${demo.forms[form]}/records?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        )
      ).json() as { items: Array<{ owner: string }>; nextCursor?: string | null };
      n += page.items.length;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return n;
  };

  it('signs in as the owner, a manager and a rep, with every planned record written', async () => {
    expect(demo.signIn.map((s) => s.label)).toEqual([
      'owner',
      'sales director',
      'team manager',
      'sales rep',
      'finance',
    ]);
    const owner = await signIn(demo.signIn[0]!.email);
    expect(demo.written).toEqual(demo.planned);
    for (const form of ['customers', 'visits', 'opportunities', 'quotes', 'payments', 'targets']) {
      expect(await count(owner.token, form)).toBe(demo.planned[form]);
    }
    // Won opportunities became contracts through create_contract_on_win, one each.
    const won = (
      (
        await as(
          owner.token,
          'GET',
          `/forms/${demo.forms.opportunities}/records?limit=200&filter=${encodeURIComponent(JSON.stringify({ field: 'stage', op: 'eq', value: 'won' }))}`,
        )
      ).json() as { items: unknown[] }
    ).items.length;
    expect(won).toBeGreaterThan(0);
    expect(await count(owner.token, 'contracts')).toBe(won);
    // The bulk-loaded opportunities hold what track_highest_stage and create_contract_on_win would have
    // written: highestStage is the stage reached (won ones raised by the automation), and each won one's
    // contract has its amount, owner and close day.
    const all = async (form: string) => {
      const items: Array<{ id: string; owner: string; data: Record<string, unknown> }> = [];
      let cursor: string | undefined;
      do {
        const page = (
          await as(
            owner.token,
            'GET',
            `/forms/${demo.forms[form]}/records?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
          )
        ).json() as { items: typeof items; nextCursor?: string | null };
        items.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return items;
    };
    const opportunities = await all('opportunities');
    const contracts = await all('contracts');
    const stages = ['lead', 'qualified', 'proposal', 'negotiation', 'won'];
    for (const o of opportunities) {
      if (o.data.stage === 'lost') expect(stages.slice(0, 4)).toContain(o.data.highestStage);
      else expect(o.data.highestStage).toBe(o.data.stage);
      if (o.data.stage !== 'won') continue;
      const contract = contracts.find((c) => c.data.opportunity === o.id);
      expect(contract?.data).toMatchObject({ amount: o.data.amount, signedOn: o.data.closedOn });
      expect(contract?.owner).toBe(o.owner);
    }
    // Last month's statements (monthly_statements, run once) and scorecards: one per rep.
    expect(await count(owner.token, 'commission_statements')).toBe(30);
    expect(await count(owner.token, 'scorecards')).toBe(30);
  });

  it('large quotes wait for approval in their manager’s inbox', async () => {
    const owner = await signIn(demo.signIn[0]!.email);
    const filter = encodeURIComponent(
      JSON.stringify({ field: '_flowStatus', op: 'eq', value: 'inProgress' }),
    );
    const waiting = (
      (
        await as(owner.token, 'GET', `/forms/${demo.forms.quotes}/records?limit=200&filter=${filter}`)
      ).json() as {
        items: Array<{ id: string; data: { total: number; maxDiscount: number } }>;
      }
    ).items;
    expect(waiting.length).toBeGreaterThan(0);
    expect(waiting.every((q) => q.data.maxDiscount > 0.15 || q.data.total > 500_000)).toBe(true);
    const first = waiting[0]!;
    const flow = (
      (await as(owner.token, 'GET', `/forms/${demo.forms.quotes}/records/${first.id}/flow`)).json() as {
        flow: { current: Array<{ node: string; tasks: Array<{ assignee: string }> }> };
      }
    ).flow;
    expect(flow.current[0]?.node).toBe('manager');
    const assignee = flow.current[0]?.tasks[0]?.assignee;
    const member = demo.members.find((m) => m.userId === assignee);
    expect(member?.ref).toMatch(/\.manager$/);
    const manager = await signIn(member!.email);
    const inbox = (await as(manager.token, 'GET', '/tasks?status=pending')).json() as {
      items: Array<{ record: string }>;
    };
    expect(inbox.items.map((task) => task.record)).toContain(first.id);
  });

  it('a rep sees their own records only; the cockpit is populated for the owner', async () => {
    const rep = await signIn(demo.signIn[3]!.email);
    const mine = (
      (await as(rep.token, 'GET', `/forms/${demo.forms.opportunities}/records?limit=200`)).json() as {
        items: Array<{ owner: string }>;
      }
    ).items;
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((o) => o.owner === rep.user.id)).toBe(true);
    const owner = await signIn(demo.signIn[0]!.email);
    const widget = async (key: string) => {
      const res = await as(
        owner.token,
        'POST',
        `/apps/${demo.appId}/dashboards/sales_cockpit/widgets/${key}/query`,
        {},
      );
      expect(res.statusCode).toBe(200);
      return res.json() as { rows: Array<Record<string, unknown>> };
    };
    expect((await widget('funnel')).rows.length).toBe(5);
    const leaders = (await widget('leaderboard')).rows;
    expect(leaders.length).toBeGreaterThan(3);
    expect((await widget('visitsPerRep')).rows.length).toBeGreaterThan(0);
  });
});

describe('export → import of the demo app into another workspace', () => {
  const inject = async (token: string, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) =>
    t.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: { authorization: `Bearer ${token}` },
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    });
  const login = async (email: string) =>
    (
      (
        await t.app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { email, password: demo.password },
        })
      ).json() as { token: string; user: { id: string } }
    ).token;
  const listAll = async (token: string, ws: string, form: string) => {
    const items: Array<{ id: string; owner: string; data: Record<string, unknown> }> = [];
    let cursor: string | undefined;
    do {
      const res = await inject(
        token,
        'GET',
        `/workspaces/${ws}/forms/${form}/records?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(res.statusCode, res.body).toBe(200);
      const page = res.json() as { items: typeof items; nextCursor?: string | null };
      items.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return items;
  };

  it('keeps every record, and who owns and is named in them where those people are members', async () => {
    const owner = await login('owner@example.com');
    const rep01 = demo.members.find((m) => m.ref === 'rep01')!;
    const rep02 = demo.members.find((m) => m.ref === 'rep02')!;
    const exported = await inject(owner, 'GET', `/workspaces/${demo.ws}/apps/${demo.appId}/export?data=true`);
    expect(exported.statusCode).toBe(200);
    const pack = exported.json() as { records: Record<string, Array<{ owner?: string }>> };
    // People are named by email, never by an id of the source workspace.
    expect(pack.records.opportunities?.some((r) => r.owner === rep01.email)).toBe(true);

    // The target workspace has the owner and rep01 (same emails); rep02 is not a member there.
    const target = ((await inject(owner, 'POST', '/workspaces', { name: 'Copy' })).json() as { id: string })
      .id;
    const invited = await inject(owner, 'POST', `/workspaces/${target}/members`, {
      email: rep01.email,
      name: 'Rep 01',
      roles: ['member'],
    });
    expect(invited.statusCode, invited.body).toBe(202);
    const accepted = await t.app.inject({
      method: 'POST',
      url: '/api/v1/invitations/accept',
      payload: {
        token: (invited.json() as { token: string }).token,
        name: 'Rep 01',
        password: demo.password,
      },
    });
    expect(accepted.statusCode, accepted.body).toBe(201);

    const imported = await inject(owner, 'POST', `/workspaces/${target}/apps/import`, {
      pack: pack,
      demoData: true,
    });
    expect(imported.statusCode, imported.body).toBe(201);
    const copy = imported.json() as { forms: Record<string, string>; records: number };
    const total = Object.values(pack.records).reduce((n, list) => n + list.length, 0);
    expect(copy.records).toBe(total);
    const targetOwner = (
      (await inject(owner, 'GET', `/workspaces/${target}/members`)).json() as Array<{
        userId: string;
        email: string;
      }>
    ).find((m) => m.email === 'owner@example.com')!.userId;
    expect(
      await inject(owner, 'PATCH', `/workspaces/${target}/members/${rep01.userId}`, {
        roles: ['member', 'sales_rep'],
      }),
    ).toMatchObject({ statusCode: 200 });

    // Record counts per form are the source's.
    for (const form of Object.keys(demo.forms)) {
      const source = await listAll(owner, demo.ws, demo.forms[form]!);
      const copied = await listAll(owner, target, copy.forms[form]!);
      expect([form, copied.length]).toEqual([form, source.length]);
    }
    // rep01's opportunities are rep01's there too, owner field and all; rep02's are the importer's.
    const sourceOpps = await listAll(owner, demo.ws, demo.forms.opportunities!);
    const copiedOpps = await listAll(owner, target, copy.forms.opportunities!);
    const byName = new Map(copiedOpps.map((o) => [o.data.name, o]));
    for (const o of sourceOpps) {
      const twin = byName.get(o.data.name);
      expect(twin?.data).toMatchObject({ stage: o.data.stage, amount: o.data.amount });
      if (o.owner === rep01.userId) {
        expect(twin?.owner).toBe(rep01.userId);
        expect(twin?.data.owner).toBe(rep01.userId);
      } else if (o.owner === rep02.userId) {
        expect(twin?.owner).toBe(targetOwner);
        // A person who is not a member is left out: the field's default (the current user) applies.
        expect(twin?.data.owner).toBe(targetOwner);
      }
    }
    // A required member field: rep01's statement names rep01; rep02's names the importer, who stands in.
    const statements = await listAll(owner, target, copy.forms.commission_statements!);
    expect(statements.filter((s) => s.data.rep === rep01.userId)).toHaveLength(1);
    expect(statements.some((s) => s.data.rep === targetOwner)).toBe(true);
    // rep01 signed in to the target sees exactly their own opportunities.
    const mine = await listAll(await login(rep01.email), target, copy.forms.opportunities!);
    expect(mine.length).toBe(sourceOpps.filter((o) => o.owner === rep01.userId).length);
    expect(mine.every((o) => o.owner === rep01.userId)).toBe(true);
  }, 600_000);
});

describe('a gallery import with demo data', () => {
  it('writes the generated demo at gallery scale into the new app; a rep sees only own records', async () => {
    const login = async (email: string, password: string) => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email, password },
      });
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as { token: string; user: { id: string } };
    };
    const owner = await login('owner@example.com', demo.password);
    const call = async (token: string, url: string, payload?: unknown) => {
      const res = await t.app.inject({
        method: payload === undefined ? 'GET' : 'POST',
        url: `/api/v1/workspaces/${demo.ws}${url}`,
        headers: { authorization: `Bearer ${token}` },
        ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
      });
      return res;
    };
    const res = await call(owner.token, '/apps/import', {
      template: 'sales_performance',
      demoData: true,
      appKey: 'sales_gallery',
    });
    expect(res.statusCode, res.body).toBe(201);
    const imported = res.json() as {
      appId: string;
      forms: Record<string, string>;
      records: number;
      demo: { password: string; accounts: Array<{ label: string; email: string }> };
    };
    // The plan the gallery seeds, counted per form: every record written into the new app.
    const planned = planCounts(generate({ scale: GALLERY_DEMO_SCALE }));
    expect(imported.records).toBe(Object.values(planned).reduce((a, b) => a + b, 0));
    const countAll = async (token: string, form: string) => {
      const items: Array<{ owner: string; data: Record<string, unknown> }> = [];
      let cursor: string | undefined;
      do {
        const page = (
          await call(
            token,
            `/forms/${imported.forms[form]}/records?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
          )
        ).json() as { items: typeof items; nextCursor?: string | null };
        items.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return items;
    };
    for (const [form, n] of Object.entries(planned)) {
      expect([form, (await countAll(owner.token, form)).length]).toEqual([form, n]);
    }
    // The automations ran in the new app: a contract per won opportunity, a statement per member holding
    // sales_rep in the workspace (the 30 new reps and the 30 of the demo before).
    const opportunities = await countAll(owner.token, 'opportunities');
    const won = opportunities.filter((o) => o.data.stage === 'won').length;
    expect((await countAll(owner.token, 'contracts')).length).toBe(won);
    const reps = ((await call(owner.token, '/members')).json() as Array<{ roles: string[] }>).filter((m) =>
      m.roles.includes('sales_rep'),
    );
    expect(reps).toHaveLength(60);
    expect((await countAll(owner.token, 'commission_statements')).length).toBe(reps.length);
    // Its people are new accounts of their own (never the demo workspace's rep01), with the answer's password.
    const repAccount = imported.demo.accounts.find((a) => a.label === 'sales rep')!;
    expect(repAccount.email).not.toBe('rep01@example.com');
    const rep = await login(repAccount.email, imported.demo.password);
    const mine = await countAll(rep.token, 'opportunities');
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((o) => o.owner === rep.user.id)).toBe(true);
    expect(mine.length).toBe(opportunities.filter((o) => o.owner === rep.user.id).length);
  }, 600_000);
});

describe('the bulk plan writes what the automations would', () => {
  it('gives the same records, rollups, statements and cockpit as the live variant (a run per won deal)', async () => {
    const login = async (email: string) =>
      (
        await t.app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { email, password: demo.password },
        })
      ).json() as { token: string; user: { id: string } };
    const owner = await login('owner@example.com');
    const call = async (url: string, payload?: unknown) => {
      const res = await t.app.inject({
        method: payload === undefined ? 'GET' : 'POST',
        url: `/api/v1${url}`,
        headers: { authorization: `Bearer ${owner.token}` },
        ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
      });
      expect(res.statusCode, res.body).toBeLessThan(300);
      return res.json() as unknown;
    };
    // The same plan (seed, scale, day) in the live variant, seeded into a workspace of its own: opportunities
    // won by their reps, track_highest_stage and create_contract_on_win running per record.
    const ws = ((await call('/workspaces', { name: 'Live' })) as { id: string }).id;
    const plan = generate({ scale: 0.05, today: '2026-11-16', viaAutomations: true });
    expect(planCounts(plan).contracts).toBeUndefined();
    const live = await seedDemo(t.app, {
      template: 'sales_performance',
      plan: { ...plan, members: plan.members.map((m) => ({ ...m, email: m.email.replace('@', '+live@') })) },
      ws,
      owner: { token: owner.token, userId: owner.user.id },
      drain: () => drainJobs(t.app),
    });

    /** Everything a workspace's demo holds, with ids replaced by what they name (member refs, names). */
    const snapshot = async (
      space: string,
      appId: string,
      forms: Record<string, string>,
      members: Array<{ ref: string; userId: string }>,
    ) => {
      const names = new Map<string, string>(members.map((m) => [m.userId, `member ${m.ref}`]));
      type Node = { id: string; name: string; children?: Node[] };
      const walk = (nodes: Node[]) => {
        for (const n of nodes) {
          names.set(n.id, `department ${n.name}`);
          walk(n.children ?? []);
        }
      };
      walk((await call(`/workspaces/${space}/departments`)) as Node[]);
      const all = async (form: string) => {
        const items: Array<{ id: string; owner: string; data: Record<string, unknown> }> = [];
        let cursor: string | undefined;
        do {
          const page = (await call(
            `/workspaces/${space}/forms/${forms[form]}/records?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
          )) as { items: typeof items; nextCursor?: string | null };
          items.push(...page.items);
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        return items;
      };
      const canonical = (value: unknown) =>
        JSON.parse(
          JSON.stringify(value).replace(/"([0-9a-f]{24})"/g, (m, id) => JSON.stringify(names.get(id) ?? m)),
        );
      const out: Record<string, unknown[]> = {};
      // Forms in the order their records are named by later ones (a contract by its opportunity's name).
      for (const form of [
        'commission_plans',
        'scorecard_templates',
        'customers',
        'opportunities',
        'contracts',
        'quotes',
        'visits',
        'payments',
        'targets',
        'commission_statements',
        'scorecards',
        'awards',
      ]) {
        const items = await all(form);
        for (const item of items) {
          const label = item.data.name ?? item.data.opportunity ?? item.id;
          names.set(item.id, `${form} ${String(names.get(String(label)) ?? label)}`);
        }
        out[form] = items
          .map((item) => {
            // Serial numbers, writers and times differ between the variants by nature.
            const { no: _no, creator: _creator, createdAt: _createdAt, ...data } = item.data;
            return JSON.stringify(canonical({ owner: item.owner, data }));
          })
          .sort();
      }
      const cockpit = (
        (await call(`/workspaces/${space}/apps/${appId}/dashboards/sales_cockpit`)) as {
          dashboard: { widgets: Array<{ key: string }> };
        }
      ).dashboard.widgets;
      for (const widget of cockpit) {
        const answer = (await call(
          `/workspaces/${space}/apps/${appId}/dashboards/sales_cockpit/widgets/${widget.key}/query`,
          {},
        )) as { rows: unknown[] };
        out[`cockpit ${widget.key}`] = canonical(answer.rows) as unknown[];
      }
      return out;
    };
    const bulk = await snapshot(demo.ws, demo.appId, demo.forms, demo.members);
    const viaAutomations = await snapshot(ws, live.appId, live.forms, live.members);
    expect(bulk.contracts?.length).toBeGreaterThan(0);
    expect(bulk.commission_statements).toHaveLength(30);
    for (const key of Object.keys(viaAutomations))
      expect([key, bulk[key]]).toEqual([key, viaAutomations[key]]);
  }, 600_000);
});
