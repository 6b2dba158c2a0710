import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { xlsxCells } from '../../test/xlsx.js';
import { label } from '../records/test-fixtures.js';
import { buildWorld, otherWorkspace, type ReportWorld, widget } from '../reports/test-fixtures.js';

/**
 * The attack suite of dashboards: the shared prefetch (one scan of a form serving every widget of a
 * dashboard, and the result cache serving one caller what another caller's run computed), filter controls
 * and drill values that might widen a rep's scope, target series joined from forms the rep may view only in
 * part or not at all, percent of total and previous period (computed over the caller's own rows only, as
 * docs/reports.md "How access applies" says), click-through, the XLSX export, and another workspace.
 *
 * The rep (scope own, `margin` hidden) owns deals a (north, 100) and b (south, 200); other reps and the
 * owner hold 400, 800 and 1600, and targets of 2000 the rep may not see.
 */

let t: TestApp;
let w: ReportWorld;
let mallory: { headers: Record<string, string>; workspaceId: string };
let requests = 0;
const leaks: string[] = [];

type Who = { headers: Record<string, string> };
type Answer = { rows: Record<string, unknown>[]; meta: Record<string, unknown>; status?: number };

function call(method: 'GET' | 'POST' | 'PUT', path: string, who: Who, payload?: unknown, ws = w.ws) {
  requests += 1;
  return t.app.inject({
    method,
    url: `/api/v1/workspaces/${ws}${path}`,
    headers: who.headers,
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
}

/** Values of records or targets outside the rep's scope, of hidden margins, and sums holding any of them. */
const FOREIGN = [400, 800, 1600, 1200, 2400, 2800, 3100, 2000, 3500, 11, 44, 88, 99, 176, 198, 264];

function expectNothingForeign(res: LightMyRequestResponse | string, what: string): void {
  const body = typeof res === 'string' ? res : res.body;
  for (const value of FOREIGN) {
    if (new RegExp(`(?<![0-9a-zA-Z.:-])${value}(?![0-9a-zA-Z])`).test(body)) leaks.push(`${what}: ${value}`);
  }
  expect(leaks.filter((l) => l.startsWith(`${what}:`))).toEqual([]);
}

const amount = { key: 'amount', aggregate: 'sum', field: 'amount' };
const board = () => `/apps/${w.appId}/dashboards/board`;

const BOARD = {
  key: 'board',
  name: label('Board'),
  filters: [
    { key: 'member', type: 'member', field: '_owner' },
    { key: 'region', type: 'select', field: 'region', label: label('Region') },
    { key: 'period', type: 'period', field: 'closeDate' },
    // A control a manager put on the field hidden from reps.
    { key: 'margin', type: 'select', field: 'margin', label: label('Margin') },
    // A member control naming each form's own field: deals by owner, targets by assignee.
    { key: 'person', type: 'member', field: '_owner', fields: [{ form: 'targets', field: 'assignee' }] },
  ],
  widgets: [
    widget({ key: 'kpi', type: 'kpi', measures: [{ key: 'n', aggregate: 'count' }, amount] }),
    // Same form, its own filter: the prefetch's common match must not lend it to the others.
    widget({
      key: 'north',
      type: 'kpi',
      measures: [{ key: 'n', aggregate: 'count' }, amount],
      filter: { field: 'region', op: 'eq', value: 'north' },
    }),
    widget({ key: 'byOwner', type: 'bar', dimensions: [{ field: '_owner' }], measures: [amount] }),
    widget({
      key: 'share',
      type: 'table',
      dimensions: [{ field: 'region' }],
      measures: [amount, { key: 'share', percentOfTotal: 'amount' }],
    }),
    widget({
      key: 'monthly',
      type: 'line',
      dimensions: [{ field: 'closeDate', granularity: 'month' }],
      measures: [amount, { key: 'last', previous: 'amount' }],
    }),
    widget({
      key: 'funnel',
      type: 'funnel',
      dimensions: [{ field: 'stage' }],
      options: { stages: ['lead', 'proposal', 'won'] },
    }),
    widget({
      key: 'target',
      type: 'kpi',
      measures: [amount, { key: 'target', target: { form: 'targets', aggregate: 'sum', field: 'amount' } }],
    }),
    widget({
      key: 'byMemberTarget',
      type: 'bar',
      dimensions: [{ field: '_owner' }],
      measures: [
        amount,
        {
          key: 'target',
          target: { form: 'targets', aggregate: 'sum', field: 'amount', match: [{ field: 'assignee' }] },
        },
      ],
    }),
    widget({
      key: 'ledger',
      type: 'kpi',
      measures: [amount, { key: 'target', target: { form: 'ledger', aggregate: 'sum', field: 'amount' } }],
    }),
    widget({ key: 'margin', type: 'kpi', measures: [{ key: 'm', aggregate: 'max', field: 'margin' }] }),
    widget({
      key: 'drill',
      type: 'bar',
      dimensions: [{ field: 'region' }],
      measures: [amount],
      drilldown: [{ field: 'stage' }],
    }),
  ],
  layout: [],
};

beforeAll(async () => {
  t = await createTestApp();
  w = await buildWorld(t);
  mallory = await otherWorkspace(t, w.owner, 'mallory@evil.example');
  const form = async (key: string) => {
    const res = await call('POST', `/apps/${w.appId}/forms`, w.owner, {
      key,
      name: label(key),
      fields: [
        { key: 'assignee', type: 'member', label: label('Assignee') },
        { key: 'amount', type: 'number', label: label('Amount') },
      ],
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };
  const targets = await form('targets');
  const ledger = await form('ledger');
  // Reps see their own targets only, may export deals, and do not see the ledger at all.
  const roles = await call('GET', `/apps/${w.appId}/roles`, w.owner);
  const list = roles.json().roles as { key: string; forms: Record<string, unknown>[] }[];
  const rep = list.find((r) => r.key === 'rep');
  const deals = rep?.forms.find((f) => f.form === 'deals');
  if (deals) deals.export = true;
  rep?.forms.push({
    form: 'targets',
    view: { custom: { field: 'assignee', op: 'eq', value: { $me: true } } },
  });
  const saved = await call('PUT', `/apps/${w.appId}/roles`, w.owner, { roles: list, v: roles.json().v });
  expect(saved.statusCode, saved.body).toBe(200);
  for (const [form, who, value] of [
    [targets, w.rep.userId, 1500],
    [targets, w.otherRep.userId, 2000],
    [ledger, w.rep.userId, 2000],
  ] as const) {
    const res = await call('POST', `/forms/${form}/records`, w.owner, {
      data: { assignee: who, amount: value },
    });
    expect(res.statusCode, res.body).toBe(201);
  }
  const created = await call('POST', `/apps/${w.appId}/dashboards`, w.owner, BOARD);
  expect(created.statusCode, created.body).toBe(201);
});

afterAll(async () => {
  await t?.close();
  console.info(`dashboard attack suite: ${requests} requests, ${leaks.length} leaks`);
});

async function dashboard(who: Who, body: Record<string, unknown> = {}): Promise<Record<string, Answer>> {
  const res = await call('POST', `${board()}/query`, who, body);
  expect(res.statusCode, res.body).toBe(200);
  return res.json().widgets;
}

/** The rep's own figures, worked out by hand from their two deals and their one target. */
function expectRepFigures(a: Record<string, Answer>, label: string): void {
  const rows = (key: string) => (a[key] as Answer).rows;
  expect(rows('kpi'), label).toEqual([{ n: 2, amount: 300 }]);
  expect(rows('north'), label).toEqual([{ n: 1, amount: 100 }]);
  expect(rows('byOwner'), label).toEqual([{ _owner: w.rep.userId, amount: 300 }]);
  // Percent of total over the rep's own rows: 100 / 300 and 200 / 300, never ÷ 3,100.
  expect(
    rows('share').map((r) => [r.region, r.amount, Math.round((r.share as number) * 1000)]),
    label,
  ).toEqual([
    ['north', 100, 333],
    ['south', 200, 667],
  ]);
  // The previous month of February is the rep's January (100), not anybody's.
  expect(
    rows('monthly').map((r) => [r.closeDate, r.amount, r.last]),
    label,
  ).toEqual([
    ['2026-01', 100, null],
    ['2026-02', 200, 100],
  ]);
  expect(
    rows('funnel').map((r) => [r.stage, r.count]),
    label,
  ).toEqual([
    ['lead', 1],
    ['proposal', 0],
    ['won', 1],
  ]);
  // Targets through the targets form's access layer: the rep's own 1,500, not 3,500.
  expect(rows('target'), label).toEqual([{ amount: 300, target: 1500 }]);
  expect(rows('byMemberTarget'), label).toEqual([{ _owner: w.rep.userId, amount: 300, target: 1500 }]);
  // A form the rep may not view: no figure, the widget still answered.
  expect(rows('ledger'), label).toEqual([{ amount: 300, target: null }]);
  expect((a.ledger as Answer).meta.unavailableTargets, label).toEqual(['target']);
  // The hidden field: refused in place.
  expect((a.margin as Answer).status, label).toBe(422);
}

describe('the shared prefetch and the result cache', () => {
  it("serves the rep only the rep's figures, whoever ran the same dashboard before", async () => {
    // The lead and the other rep fill the result cache first; then the rep, twice (the second from cache).
    const lead = await dashboard(w.lead);
    expect((lead.kpi as Answer).rows).toEqual([{ n: 5, amount: 3100 }]);
    const other = await dashboard(w.otherRep);
    expect((other.kpi as Answer).rows).toEqual([{ n: 2, amount: 1200 }]);
    for (const round of ['first', 'cached']) {
      const res = await call('POST', `${board()}/query`, w.rep, {});
      expectNothingForeign(res, `rep dashboard (${round})`);
      expectRepFigures(res.json().widgets, round);
    }
    // Then the owner, after the rep: the rep's run did not narrow anybody else's answer either.
    expect(((await dashboard(w.owner)).kpi as Answer).rows).toEqual([{ n: 5, amount: 3100 }]);
  });

  it('answers each widget exactly as it answers alone', async () => {
    const all = await dashboard(w.rep);
    for (const key of BOARD.widgets.map((x) => x.key as string)) {
      const alone = await call('POST', `${board()}/widgets/${key}/query`, w.rep, {});
      if (key === 'margin') {
        expect(alone.statusCode).toBe(422);
        continue;
      }
      expect(alone.statusCode, alone.body).toBe(200);
      expectNothingForeign(alone, `rep widget ${key}`);
      expect(alone.json().rows, key).toEqual((all[key] as Answer).rows);
    }
  });
});

describe('filter controls and drill values', () => {
  it("a member control naming another rep, or every region, narrows the rep's scope and never widens it", async () => {
    const theirs = await call('POST', `${board()}/query`, w.rep, { controls: { member: w.otherRep.userId } });
    expectNothingForeign(theirs, 'member control');
    const answers = theirs.json().widgets as Record<string, Answer>;
    expect(answers.kpi?.rows).toEqual([{ n: 0, amount: 0 }]);
    expect(answers.byOwner?.rows).toEqual([]);
    const regions = await call('POST', `${board()}/query`, w.rep, {
      controls: {
        region: ['north', 'south', 'east'],
        member: '$me',
        period: { from: '2000-01-01', to: '2099-12-31' },
      },
    });
    expectNothingForeign(regions, 'every region');
    expect((regions.json().widgets.kpi as Answer).rows).toEqual([{ n: 2, amount: 300 }]);
  });

  it('a control on the hidden field is refused alike whatever value the rep tries', async () => {
    const shapes = new Set<string>();
    for (const value of [11, 12, '11', [11, 22]]) {
      const res = await call('POST', `${board()}/widgets/kpi/query`, w.rep, { controls: { margin: value } });
      expect(res.statusCode, res.body).toBe(400);
      expectNothingForeign(res, `margin control ${JSON.stringify(value)}`);
      shapes.add(
        `${res.statusCode} ${JSON.stringify(res.json().error.details.map((d: { path: string }) => d.path))}`,
      );
    }
    expect(shapes.size).toBe(1);
    // The lead, who sees margin, filters by it: the refusal was the rep's access, not the control.
    const lead = await call('POST', `${board()}/widgets/kpi/query`, w.lead, {
      controls: { margin: [11, 99] },
    });
    expect(lead.json().rows).toEqual([{ n: 2, amount: 1700 }]);
  });

  it("a control naming each form's own field narrows the deals and the targets alike, never widens", async () => {
    // Another rep picked: none of their deals, none of their targets (the rep's role shows only their own).
    const other = await call('POST', `${board()}/widgets/target/query`, w.rep, {
      controls: { person: w.otherRep.userId },
    });
    expect(other.statusCode, other.body).toBe(200);
    expectNothingForeign(other, 'person control on another rep');
    expect(other.json().rows).toEqual([{ amount: 0, target: 0 }]);
    // The rep themselves: their deals (300) and their target (1,500), as without the control.
    const own = await call('POST', `${board()}/widgets/target/query`, w.rep, { controls: { person: '$me' } });
    expect(own.json().rows).toEqual([{ amount: 300, target: 1500 }]);
    // The owner picking the other rep gets that rep's target through the form's own field (assignee).
    const lead = await call('POST', `${board()}/widgets/target/query`, w.owner, {
      controls: { person: w.otherRep.userId },
    });
    expect(lead.json().rows[0].target).toBe(2000);
  });

  it('operator-shaped control values are refused', async () => {
    for (const controls of [
      { member: { $ne: null } },
      { region: { $ne: null } },
      { region: [{ $gt: '' }] },
      { period: { from: { $gt: '' }, to: '2099-01-01' } },
      { nope: 1 },
    ]) {
      const res = await call('POST', `${board()}/widgets/kpi/query`, w.rep, { controls });
      expect(res.statusCode, `${JSON.stringify(controls)}: ${res.body}`).toBe(400);
    }
  });

  it("drill values reach only the rep's own records; operator-shaped ones are refused", async () => {
    const east = await call('POST', `${board()}/widgets/drill/query`, w.rep, { drill: ['east'] });
    expect(east.statusCode, east.body).toBe(200);
    expect(east.json().rows).toEqual([]);
    expectNothingForeign(east, 'drill east');
    const north = await call('POST', `${board()}/widgets/drill/query`, w.rep, { drill: ['north'] });
    expect(north.json().rows).toEqual([{ stage: 'lead', amount: 100 }]);
    for (const drill of [[{ $ne: null }], [{ $regex: '.' }], ['north', 'lead', 'x']]) {
      const res = await call('POST', `${board()}/widgets/drill/query`, w.rep, { drill });
      expect(res.statusCode, `${JSON.stringify(drill)}: ${res.body}`).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
      expectNothingForeign(res, `drill ${JSON.stringify(drill)}`);
    }
  });

  it("click-through gives a filter the record list applies within the rep's scope", async () => {
    for (const [region, count] of [
      ['east', 0],
      ['north', 1],
    ] as const) {
      const cell = await call('POST', `${board()}/widgets/share/cell`, w.rep, { cell: { region } });
      expect(cell.statusCode, cell.body).toBe(200);
      const filter = encodeURIComponent(JSON.stringify(cell.json().filter));
      const list = await call('GET', `/forms/${w.formId}/records?filter=${filter}`, w.rep);
      expect(list.statusCode, list.body).toBe(200);
      expectNothingForeign(list, `click-through ${region}`);
      expect(list.json().items).toHaveLength(count);
    }
    const hostile = await call('POST', `${board()}/widgets/share/cell`, w.rep, {
      cell: { region: { $ne: null } },
    });
    expect(hostile.statusCode, hostile.body).toBeGreaterThanOrEqual(400);
    expect(hostile.statusCode).toBeLessThan(500);
  });
});

describe('XLSX export of a widget', () => {
  it('holds only what the rep may see', async () => {
    for (const [key, own] of [
      ['share', '200'],
      ['monthly', '200'],
      ['byMemberTarget', '1500'],
      ['ledger', '300'],
    ]) {
      const res = await call('POST', `${board()}/widgets/${key}/export`, w.rep, {});
      expect(res.statusCode, res.body).toBe(200);
      const cells = await xlsxCells(res);
      expectNothingForeign(cells.join('\n'), `xlsx ${key}`);
      expect(cells, key).toContain(own);
    }
    const margin = await call('POST', `${board()}/widgets/margin/export`, w.rep, {});
    expect(margin.statusCode).toBe(422);
  });
});

describe('another workspace', () => {
  it("a member of another workspace reaches none of the dashboard's routes", async () => {
    const paths: ['GET' | 'POST', string, unknown?][] = [
      ['GET', `/apps/${w.appId}/dashboards`],
      ['GET', board()],
      ['POST', `${board()}/query`, {}],
      ['POST', `${board()}/widgets/kpi/query`, {}],
      ['POST', `${board()}/widgets/kpi/export`, {}],
      ['POST', `${board()}/widgets/share/cell`, { cell: { region: 'north' } }],
    ];
    for (const [method, path, body] of paths) {
      // In the victim's workspace, and with the victim's app id inside the attacker's own.
      for (const ws of [w.ws, mallory.workspaceId]) {
        const res = await call(method, path, mallory, body, ws);
        expect(res.statusCode, `${method} ${path} in ${ws}: ${res.body}`).toBe(404);
        expectNothingForeign(res, `mallory ${path}`);
      }
    }
  });

  it('made its requests without a leak', () => {
    expect(requests).toBeGreaterThanOrEqual(40);
    expect(leaks).toEqual([]);
  });
});
