import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { addMember, runSetup, type Session } from '../auth/test-helpers.js';
import { label } from '../records/test-fixtures.js';
import { otherWorkspace } from '../reports/test-fixtures.js';

/**
 * A dashboard of every widget type through `POST .../dashboards/:dashboard/query`, on the embedded store
 * (so through its compiled fast path), against figures worked out by hand below: permissions per widget,
 * every filter control on every widget, empty answers, nulls, a month boundary in a time zone, subform
 * columns as dimension and measure, and the funnel and leaderboard numbers of SALES-TEMPLATE.md.
 */

let t: TestApp;
let owner: Session & { workspaceId: string };
let rep: Session;
let rep2: Session;
let rep3: Session;
let base: string;
let appId: string;
let southTeam: string;

const options = (...values: string[]) => values.map((value) => ({ value, label: label(value) }));
const post = (path: string, payload: unknown, who: { headers: Record<string, string> } = owner) =>
  t.app.inject({ method: 'POST', url: `${base}${path}`, headers: who.headers, payload: payload as object });

/**
 * The deals, by who creates them (hand-worked figures in the tests refer to these numbers):
 * 1 rep   north won  500 at 2026-01-31T15:30Z (23:30 on Jan 31 in Shanghai), items a×2, b×1
 * 2 rep2  north lead 400 at 2026-01-31T16:30Z (00:30 on Feb 1 in Shanghai), items a×5
 * 3 rep3  south won  400 at 2026-02-15T04:00Z, no items (rep3 is in the South team)
 * 4 owner (no region) lead 300 at 2026-03-01T02:00Z, items b×4
 * 5 rep   east  lost (no amount, no date, no items)
 */
const DEALS: { by: () => Session; data: Record<string, unknown> }[] = [
  {
    by: () => rep,
    data: {
      region: 'north',
      stage: 'won',
      amount: 500,
      closedAt: '2026-01-31T15:30:00.000Z',
      items: [
        { product: 'a', qty: 2 },
        { product: 'b', qty: 1 },
      ],
    },
  },
  {
    by: () => rep2,
    data: {
      region: 'north',
      stage: 'lead',
      amount: 400,
      closedAt: '2026-01-31T16:30:00.000Z',
      items: [{ product: 'a', qty: 5 }],
    },
  },
  {
    by: () => rep3,
    data: { region: 'south', stage: 'won', amount: 400, closedAt: '2026-02-15T04:00:00.000Z' },
  },
  {
    by: () => owner,
    data: {
      stage: 'lead',
      amount: 300,
      closedAt: '2026-03-01T02:00:00.000Z',
      items: [{ product: 'b', qty: 4 }],
    },
  },
  { by: () => rep, data: { region: 'east', stage: 'lost' } },
];

const w = (key: string, spec: Record<string, unknown>) => ({
  key,
  title: label(key),
  source: { form: 'deals' },
  ...spec,
});
const amount = { key: 'amount', aggregate: 'sum', field: 'amount' };

const cockpit = {
  key: 'cockpit',
  name: label('Cockpit'),
  filters: [
    { key: 'period', type: 'period', field: 'closedAt' },
    { key: 'member', type: 'member', field: '_owner' },
    { key: 'dept', type: 'department', field: '_dept' },
    { key: 'region', type: 'select', field: 'region', label: label('Region') },
  ],
  widgets: [
    w('kpi', {
      type: 'kpi',
      measures: [
        amount,
        { key: 'n', aggregate: 'count' },
        { key: 'regions', aggregate: 'countDistinct', field: 'region' },
      ],
    }),
    w('byMember', { type: 'bar', dimensions: [{ field: '_owner' }], measures: [amount] }),
    w('byMonth', {
      type: 'line',
      dimensions: [{ field: 'closedAt', granularity: 'month' }],
      measures: [amount],
    }),
    w('funnel', {
      type: 'funnel',
      dimensions: [{ field: 'stage' }],
      options: { stages: ['lead', 'won'], cumulative: true },
    }),
    w('pivot', { type: 'pivot', dimensions: [{ field: 'region' }, { field: 'stage' }], measures: [amount] }),
    w('ranking', { type: 'ranking', dimensions: [{ field: '_owner' }], measures: [amount] }),
    w('table', {
      type: 'table',
      dimensions: [{ field: 'region' }],
      measures: [{ key: 'n', aggregate: 'count' }, amount, { key: 'avg', aggregate: 'avg', field: 'amount' }],
    }),
    w('gauge', { type: 'gauge', measures: [amount], options: { min: 0, max: 2000 } }),
    w('items', {
      type: 'bar',
      dimensions: [{ field: 'items.product' }],
      measures: [
        { key: 'rows', aggregate: 'count' },
        { key: 'qty', aggregate: 'sum', field: 'items.qty' },
      ],
    }),
  ],
  layout: [],
};

type Row = Record<string, unknown>;
type Answer = { rows: Row[]; meta: Row };

/** Every widget's answer at once, as the web app loads the dashboard. */
async function dashboard(who: Session, body: Record<string, unknown> = {}): Promise<Record<string, Answer>> {
  const res = await post(
    `/apps/${appId}/dashboards/cockpit/query`,
    { timeZone: 'Asia/Shanghai', ...body },
    who,
  );
  expect(res.statusCode, res.body).toBe(200);
  for (const [key, answer] of Object.entries(res.json().widgets as Record<string, { error?: unknown }>))
    if (!body.widgets) expect(answer.error, `${key}: ${JSON.stringify(answer.error)}`).toBeUndefined();
  return res.json().widgets;
}

/**
 * Each widget's figures in a compact form: kpi and gauge their row; bar, ranking and table their rows;
 * the line its month → amount; the funnel stage → count; the pivot "region/stage" → amount (non-zero only).
 */
function figures(answers: Record<string, Answer>, names: Record<string, string>) {
  const who = (id: unknown) => names[id as string] ?? String(id);
  const a = (key: string) => answers[key] as Answer;
  const pivot: Record<string, unknown> = {};
  const values = (a('pivot').meta.pivot as { values: unknown[] }).values;
  for (const row of a('pivot').rows)
    values.forEach((stage, i) => {
      const v = row[`amount:${i}`];
      if (v !== 0) pivot[`${row.region}/${stage}`] = v;
    });
  return {
    kpi: a('kpi').rows,
    byMember: a('byMember').rows.map((r) => [who(r._owner), r.amount]),
    byMonth: a('byMonth').rows.map((r) => [r.closedAt, r.amount]),
    funnel: a('funnel').rows.map((r) => [r.stage, r.count]),
    pivot,
    ranking: a('ranking').rows.map((r) => [r.rank, who(r._owner), r.amount]),
    table: a('table').rows.map((r) => [r.region, r.n, r.amount, r.avg]),
    gauge: a('gauge').rows,
    items: a('items').rows.map((r) => [r['items.product'], r.rows, r.qty]),
  };
}

let names: Record<string, string>;

beforeAll(async () => {
  t = await createTestApp();
  owner = await runSetup(t.app);
  base = `/api/v1/workspaces/${owner.workspaceId}`;
  const app = await post('/apps', {
    key: 'sales',
    name: label('Sales'),
    roles: [{ key: 'rep', name: label('Rep'), forms: [{ form: 'deals', submit: true, view: 'own' }] }],
  });
  expect(app.statusCode, app.body).toBe(201);
  appId = app.json().id;
  const form = await post(`/apps/${appId}/forms`, {
    key: 'deals',
    name: label('Deals'),
    fields: [
      { key: 'region', type: 'select', label: label('Region'), options: options('north', 'south', 'east') },
      { key: 'stage', type: 'select', label: label('Stage'), options: options('lead', 'won', 'lost') },
      { key: 'amount', type: 'number', label: label('Amount') },
      { key: 'closedAt', type: 'datetime', label: label('Closed at') },
      {
        key: 'items',
        type: 'subform',
        label: label('Items'),
        columns: [
          { key: 'product', type: 'text', label: label('Product') },
          { key: 'qty', type: 'number', label: label('Qty') },
        ],
      },
    ],
  });
  expect(form.statusCode, form.body).toBe(201);
  const south = await post('/departments', { name: 'South team' });
  southTeam = south.json().id;
  const ws = owner.workspaceId;
  rep = await addMember(t.app, owner, ws, 'rep@example.com', ['member', 'rep']);
  rep2 = await addMember(t.app, owner, ws, 'rep2@example.com', ['member', 'rep']);
  rep3 = await addMember(t.app, owner, ws, 'rep3@example.com', ['member', 'rep'], { department: southTeam });
  names = { [rep.userId]: 'rep', [rep2.userId]: 'rep2', [rep3.userId]: 'rep3', [owner.userId]: 'owner' };
  for (const deal of DEALS) {
    const created = await post(`/forms/${form.json().id}/records`, { data: deal.data }, deal.by());
    expect(created.statusCode, created.body).toBe(201);
  }
  const saved = await post(`/apps/${appId}/dashboards`, cockpit);
  expect(saved.statusCode, saved.body).toBe(201);
});
afterAll(async () => t?.close());

describe('a dashboard of every widget type', () => {
  it('answers every widget for the owner, nulls as their own group, months in the viewer time zone', async () => {
    expect(figures(await dashboard(owner), names)).toEqual({
      kpi: [{ amount: 1600, n: 5, regions: 3 }],
      byMember: expect.arrayContaining([
        ['rep', 500],
        ['rep2', 400],
        ['rep3', 400],
        ['owner', 300],
      ]),
      // Deal 1 (23:30 on Jan 31 in Shanghai) is January's; deal 2 (00:30 on Feb 1 there) February's; deal 5
      // has no date.
      byMonth: [
        [null, 0],
        ['2026-01', 500],
        ['2026-02', 800],
        ['2026-03', 300],
      ],
      funnel: [
        ['lead', 4],
        ['won', 2],
      ],
      pivot: { 'null/lead': 300, 'north/lead': 400, 'north/won': 500, 'south/won': 400 },
      // SALES-TEMPLATE.md: revenue 500, 400, 400, 300 ranks 1, 2, 2, 4.
      ranking: [
        [1, 'rep', 500],
        [2, expect.stringMatching(/^rep[23]$/), 400],
        [2, expect.stringMatching(/^rep[23]$/), 400],
        [4, 'owner', 300],
      ],
      table: [
        [null, 1, 300, 300],
        ['east', 1, 0, null],
        ['north', 2, 900, 450],
        ['south', 1, 400, 400],
      ],
      gauge: [{ amount: 1600 }],
      // One row per subform row: a×2 and a×5, b×1 and b×4.
      items: [
        ['a', 2, 7],
        ['b', 2, 5],
      ],
    });
    // In UTC both deals at the end of January are January's.
    const utc = figures(await dashboard(owner, { timeZone: 'UTC' }), names);
    expect(utc.byMonth).toEqual([
      [null, 0],
      ['2026-01', 900],
      ['2026-02', 400],
      ['2026-03', 300],
    ]);
  });

  it("sums only what a rep may see, in every widget (the rep's own deals 1 and 5)", async () => {
    expect(figures(await dashboard(rep), names)).toEqual({
      kpi: [{ amount: 500, n: 2, regions: 2 }],
      byMember: [['rep', 500]],
      byMonth: [
        [null, 0],
        ['2026-01', 500],
      ],
      funnel: [
        ['lead', 1],
        ['won', 1],
      ],
      pivot: { 'north/won': 500 },
      ranking: [[1, 'rep', 500]],
      table: [
        ['east', 1, 0, null],
        ['north', 1, 500, 500],
      ],
      gauge: [{ amount: 500 }],
      items: [
        ['a', 1, 2],
        ['b', 1, 1],
      ],
    });
    const ranking = (await dashboard(rep)).ranking as Answer;
    expect(ranking.meta).toMatchObject({ viewerRank: 1 });
  });

  it('applies each filter control to every widget', async () => {
    // The period in the viewer's time zone: January in Shanghai holds deal 1 only.
    const january = figures(
      await dashboard(owner, { controls: { period: { from: '2026-01-01', to: '2026-01-31' } } }),
      names,
    );
    expect(january).toMatchObject({
      kpi: [{ amount: 500, n: 1, regions: 1 }],
      byMember: [['rep', 500]],
      byMonth: [['2026-01', 500]],
      funnel: [
        ['lead', 1],
        ['won', 1],
      ],
      pivot: { 'north/won': 500 },
      ranking: [[1, 'rep', 500]],
      table: [['north', 1, 500, 500]],
      gauge: [{ amount: 500 }],
      items: [
        ['a', 1, 2],
        ['b', 1, 1],
      ],
    });
    // A member: deal 2.
    const member = figures(await dashboard(owner, { controls: { member: rep2.userId } }), names);
    expect(member).toEqual({
      kpi: [{ amount: 400, n: 1, regions: 1 }],
      byMember: [['rep2', 400]],
      byMonth: [['2026-02', 400]],
      funnel: [
        ['lead', 1],
        ['won', 0],
      ],
      pivot: { 'north/lead': 400 },
      ranking: [[1, 'rep2', 400]],
      table: [['north', 1, 400, 400]],
      gauge: [{ amount: 400 }],
      items: [['a', 1, 5]],
    });
    // A department (the South team): deal 3 of rep3.
    const dept = figures(await dashboard(owner, { controls: { dept: southTeam } }), names);
    expect(dept).toEqual({
      kpi: [{ amount: 400, n: 1, regions: 1 }],
      byMember: [['rep3', 400]],
      byMonth: [['2026-02', 400]],
      funnel: [
        ['lead', 1],
        ['won', 1],
      ],
      pivot: { 'south/won': 400 },
      ranking: [[1, 'rep3', 400]],
      table: [['south', 1, 400, 400]],
      gauge: [{ amount: 400 }],
      items: [],
    });
    // A select field: north holds deals 1 and 2.
    const north = figures(await dashboard(owner, { controls: { region: ['north'] } }), names);
    expect(north).toMatchObject({
      kpi: [{ amount: 900, n: 2, regions: 1 }],
      byMonth: [
        ['2026-01', 500],
        ['2026-02', 400],
      ],
      pivot: { 'north/lead': 400, 'north/won': 500 },
      ranking: [
        [1, 'rep', 500],
        [2, 'rep2', 400],
      ],
      table: [['north', 2, 900, 450]],
      gauge: [{ amount: 900 }],
      items: [
        ['a', 2, 7],
        ['b', 1, 1],
      ],
    });
    // Controls and-ed with the rep's scope: the rep's north deal only.
    const repNorth = figures(await dashboard(rep, { controls: { region: ['north', 'south'] } }), names);
    expect(repNorth.kpi).toEqual([{ amount: 500, n: 1, regions: 1 }]);
    expect(repNorth.table).toEqual([['north', 1, 500, 500]]);
  });

  it('answers empty figures when nothing matches', async () => {
    const none = figures(
      await dashboard(owner, { controls: { region: ['east'], member: rep2.userId } }),
      names,
    );
    expect(none).toEqual({
      kpi: [{ amount: 0, n: 0, regions: 0 }],
      byMember: [],
      byMonth: [],
      funnel: [
        ['lead', 0],
        ['won', 0],
      ],
      pivot: {},
      ranking: [],
      table: [],
      gauge: [{ amount: 0 }],
      items: [],
    });
  });

  it('answers only the widgets asked for; a widget that fails answers its error in place', async () => {
    const some = await dashboard(owner, { widgets: ['gauge', 'nope'] });
    expect(Object.keys(some)).toEqual(['gauge', 'nope']);
    expect((some.gauge as Answer).rows).toEqual([{ amount: 1600 }]);
    expect(some.nope).toMatchObject({ status: 404, error: { code: 'NOT_FOUND' } });
    const bad = await post(`/apps/${appId}/dashboards/cockpit/query`, { controls: { period: 'someday' } });
    expect(bad.statusCode).toBe(200);
    expect(bad.json().widgets.kpi).toMatchObject({
      status: 400,
      error: { details: [{ path: '/controls/period' }] },
    });
    expect((await post(`/apps/${appId}/dashboards/nope/query`, {})).statusCode).toBe(404);
    // Members of another workspace, and members holding no role of the app, learn nothing.
    const mallory = await otherWorkspace(t, owner, 'mallory@evil.example');
    expect((await post(`/apps/${appId}/dashboards/cockpit/query`, {}, mallory)).statusCode).toBe(404);
    const stranger = await addMember(t.app, owner, owner.workspaceId, 'stranger@example.com', ['member']);
    expect((await post(`/apps/${appId}/dashboards/cockpit/query`, {}, stranger)).statusCode).toBe(404);
    expect((await post(`/apps/${appId}/dashboards/cockpit/query`, { widgets: 'kpi' })).statusCode).toBe(400);
  });
});

describe('funnel of SALES-TEMPLATE.md through the route', () => {
  it('counts what reached at least each stage, with conversions, over the stored opportunities', async () => {
    const stages = ['lead', 'qualified', 'proposal', 'negotiation', 'won'];
    const form = await post(`/apps/${appId}/forms`, {
      key: 'opps',
      name: label('Opportunities'),
      fields: [
        { key: 'highestStage', type: 'select', label: label('Highest stage'), options: options(...stages) },
      ],
    });
    expect(form.statusCode, form.body).toBe(201);
    // Highest stage reached: lead 80, qualified 60, proposal 30, negotiation 12, won 18.
    const counts = [80, 60, 30, 12, 18];
    const records = stages.flatMap((stage, i) =>
      Array.from({ length: counts[i] as number }, () => ({ data: { highestStage: stage } })),
    );
    const batch = await post(`/forms/${form.json().id}/records/batch`, { records });
    expect(batch.statusCode, batch.body).toBe(200);
    expect(batch.json().created).toBe(200);
    const funnel = await post(`/apps/${appId}/dashboards`, {
      key: 'pipeline',
      name: label('Pipeline'),
      widgets: [
        {
          key: 'funnel',
          title: label('Funnel'),
          type: 'funnel',
          source: { form: 'opps' },
          dimensions: [{ field: 'highestStage' }],
          options: { stages, cumulative: true },
        },
      ],
      layout: [],
    });
    expect(funnel.statusCode, funnel.body).toBe(201);
    const res = await post(`/apps/${appId}/dashboards/pipeline/query`, {});
    const answer = res.json().widgets.funnel as Answer;
    expect(answer.rows.map((r) => [r.highestStage, r.count, r.conversion, r.overall])).toEqual([
      ['lead', 200, null, 1],
      ['qualified', 120, 0.6, 0.6],
      ['proposal', 60, 0.5, 0.3],
      ['negotiation', 30, 0.5, 0.15],
      ['won', 18, 0.6, 0.09],
    ]);
    expect(answer.meta).toMatchObject({ overallConversion: 0.09 });
  });
});
