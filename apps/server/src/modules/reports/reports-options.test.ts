import ExcelJS from 'exceljs';
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { label } from '../records/test-fixtures.js';
import { reportCacheStats } from './cache.js';
import { buildWorld, query, type ReportWorld, widget } from './test-fixtures.js';

let t: TestApp;
let w: ReportWorld;
let targetsForm: string;
let quotesForm: string;

const post = (path: string, payload: unknown, who: { headers: Record<string, string> } = w.owner) =>
  t.app.inject({ method: 'POST', url: `${w.base}${path}`, headers: who.headers, payload: payload as object });
const ask = (body: unknown, who: { headers: Record<string, string> } = w.owner) => query(t, w, who, body);

beforeAll(async () => {
  t = await createTestApp();
  w = await buildWorld(t);
  // A targets form (one target per member and month) and a quotes form with a subform, in the same app.
  const targets = await post(`/apps/${w.appId}/forms`, {
    key: 'targets',
    name: label('Targets'),
    fields: [
      { key: 'assignee', type: 'member', label: label('Assignee') },
      { key: 'periodStart', type: 'date', label: label('Period') },
      { key: 'amount', type: 'number', label: label('Target') },
    ],
  });
  expect(targets.statusCode, targets.body).toBe(201);
  targetsForm = targets.json().id;
  const quotes = await post(`/apps/${w.appId}/forms`, {
    key: 'quotes',
    name: label('Quotes'),
    fields: [
      { key: 'region', type: 'text', label: label('Region') },
      {
        key: 'items',
        type: 'subform',
        label: label('Items'),
        columns: [
          { key: 'product', type: 'text', label: label('Product') },
          { key: 'qty', type: 'number', label: label('Qty') },
          { key: 'cost', type: 'number', label: label('Cost') },
        ],
      },
    ],
  });
  expect(quotes.statusCode, quotes.body).toBe(201);
  quotesForm = quotes.json().id;
  // Reps see the targets assigned to them and quotes of their own, without the cost column.
  const roles = await t.app.inject({
    method: 'GET',
    url: `${w.base}/apps/${w.appId}/roles`,
    headers: w.owner.headers,
  });
  const list = roles.json().roles as { key: string; forms: object[] }[];
  const rep = list.find((r) => r.key === 'rep');
  rep?.forms.push(
    { form: 'targets', view: { custom: { field: 'assignee', op: 'eq', value: { $me: true } } } },
    { form: 'quotes', submit: true, view: 'own', fields: [{ field: 'items.cost', access: 'hidden' }] },
  );
  const saved = await t.app.inject({
    method: 'PUT',
    url: `${w.base}/apps/${w.appId}/roles`,
    headers: w.owner.headers,
    payload: { roles: list, v: roles.json().v },
  });
  expect(saved.statusCode, saved.body).toBe(200);
  for (const [who, month, amount] of [
    [w.rep.userId, '2026-01-01', 1000],
    [w.otherRep.userId, '2026-01-01', 2000],
    [w.rep.userId, '2026-02-01', 500],
  ] as const) {
    const created = await post(`/forms/${targetsForm}/records`, {
      data: { assignee: who, periodStart: month, amount },
    });
    expect(created.statusCode, created.body).toBe(201);
  }
  // The rep may not write the cost column hidden from them.
  for (const items of [
    [
      { product: 'a', qty: 2 },
      { product: 'b', qty: 1 },
    ],
    [{ product: 'a', qty: 3 }],
  ]) {
    const created = await post(`/forms/${quotesForm}/records`, { data: { region: 'n', items } }, w.rep);
    expect(created.statusCode, created.body).toBe(201);
  }
  await post(`/forms/${quotesForm}/records`, {
    data: { region: 's', items: [{ product: 'a', qty: 100, cost: 9 }] },
  });
});
afterAll(async () => t?.close());

describe('time zones', () => {
  it('counts date buckets and periods in the time zone the request names, and refuses unknown zones', async () => {
    const res = await ask({
      widget: widget({ type: 'line', dimensions: [{ field: '_createdAt', granularity: 'year' }] }),
      timeZone: 'Asia/Shanghai',
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().meta.timeZone).toBe('Asia/Shanghai');
    const bad = await ask({ widget: widget({ type: 'kpi' }), timeZone: 'Mars/Olympus' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details).toEqual([{ path: '/timeZone', message: expect.any(String) }]);
  });
});

describe('target series', () => {
  const byMember = widget({
    type: 'bar',
    dimensions: [{ field: '_owner' }],
    measures: [
      { key: 'revenue', aggregate: 'sum', field: 'amount' },
      {
        key: 'target',
        target: {
          form: 'targets',
          aggregate: 'sum',
          field: 'amount',
          match: [{ field: 'assignee' }],
          period: 'periodStart',
        },
      },
    ],
    filter: { field: 'closeDate', op: 'lt', value: '2026-03-01' },
  });

  it('joins each member with their target, through the access layer of the target form', async () => {
    const owner = await ask({ widget: byMember });
    expect(owner.statusCode, owner.body).toBe(200);
    // Deals before March: rep's a (100) and b (200); the targets sum January and February.
    expect(owner.json().rows).toEqual([{ _owner: w.rep.userId, revenue: 300, target: 1500 }]);
    const rep = await ask({ widget: { ...byMember, filter: undefined } }, w.rep);
    // The rep sums only their own deals and sees only their own target.
    expect(rep.json().rows).toEqual([{ _owner: w.rep.userId, revenue: 300, target: 1500 }]);
  });

  it('applies the period filters to the target form’s period field', async () => {
    const january = await ask({
      widget: { ...byMember, filter: undefined },
      filters: [{ field: 'closeDate', op: 'between', value: ['2026-01-01', '2026-01-31'] }],
    });
    // Only $period values move to the target form; a plain date range is the widget form's own filter.
    expect(january.json().rows).toEqual([{ _owner: w.rep.userId, revenue: 100, target: 1500 }]);
    const kpi = await ask({
      widget: widget({
        type: 'kpi',
        measures: [
          { key: 'revenue', aggregate: 'sum', field: 'amount' },
          {
            key: 'target',
            target: { form: 'targets', aggregate: 'sum', field: 'amount', period: 'periodStart' },
          },
          { key: 'progress', formula: 'revenue / target' },
        ],
      }),
      filters: [{ field: '_createdAt', op: 'eq', value: { $period: 'lastYear' } }],
    });
    // Nothing was created last year and no target starts then.
    expect(kpi.json().rows).toEqual([{ revenue: 0, target: 0, progress: null }]);
  });

  it('leaves the target empty for a caller who may not view the target form', async () => {
    const res = await ask({ widget: byMember }, w.lead);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().rows).toEqual([{ _owner: w.rep.userId, revenue: 300, target: null }]);
    expect(res.json().meta.unavailableTargets).toEqual(['target']);
  });

  it('refuses a target that does not match the dimensions or names an unknown field', async () => {
    const res = await ask({
      widget: widget({
        type: 'bar',
        dimensions: [{ field: 'region' }],
        measures: [
          { aggregate: 'count' },
          {
            key: 'goal',
            target: { form: 'targets', aggregate: 'sum', field: 'nope', match: [{ field: 'assignee' }] },
          },
        ],
      }),
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.details[0].path).toBe('/widget/measures/1/target/measures/0/field');
  });
});

describe('previous period', () => {
  it('runs the widget again over the previous period and joins the groups', async () => {
    const res = await ask({
      widget: widget({
        type: 'bar',
        dimensions: [{ field: 'region' }],
        measures: [
          { key: 'n', aggregate: 'count' },
          { key: 'before', previous: 'n' },
        ],
      }),
      filters: [{ field: '_createdAt', op: 'eq', value: { $period: 'thisYear' } }],
    });
    expect(res.statusCode, res.body).toBe(200);
    // Every deal was created this year; none last year.
    expect(res.json().rows).toEqual([
      { region: 'east', n: 2, before: 0, before_delta: 2, before_change: null },
      { region: 'north', n: 2, before: 0, before_delta: 2, before_change: null },
      { region: 'south', n: 1, before: 0, before_delta: 1, before_change: null },
    ]);
    const without = await ask({
      widget: widget({
        type: 'kpi',
        measures: [
          { key: 'n', aggregate: 'count' },
          { key: 'before', previous: 'n' },
        ],
      }),
    });
    expect(without.statusCode).toBe(422);
    expect(without.json().error.details[0].path).toBe('/widget/measures/1/previous');
  });
});

describe('drill-down and click-through', () => {
  const hierarchy = widget({
    type: 'bar',
    dimensions: [{ field: 'region' }],
    drilldown: [{ field: 'stage' }, { field: 'name' }],
    measures: [{ aggregate: 'sum', field: 'amount' }],
  });

  it('drills region → stage → name, each level filtered by the values above it', async () => {
    const top = await ask({ widget: hierarchy });
    expect(top.json().meta.drill).toEqual({ level: 0, levels: 3, path: [] });
    const stages = await ask({ widget: hierarchy, drill: ['east'] });
    expect(stages.json().rows).toEqual([
      { stage: 'proposal', sum_amount: 800 },
      { stage: 'won', sum_amount: 1600 },
    ]);
    const names = await ask({ widget: hierarchy, drill: ['east', 'won'] });
    expect(names.json().rows).toEqual([{ name: 'e', sum_amount: 1600 }]);
    const tooDeep = await ask({ widget: hierarchy, drill: ['east', 'won', 'e'] });
    expect(tooDeep.statusCode).toBe(422);
    expect(tooDeep.json().error.details[0].path).toBe('/drill');
  });

  it('answers the record filter behind a cell, and the record list shows exactly those records', async () => {
    const cell = await post('/reports/cell', {
      widget: widget({
        type: 'pivot',
        dimensions: [{ field: 'region' }, { field: 'closeDate', granularity: 'month' }],
      }),
      filters: [{ field: 'amount', op: 'gte', value: 150 }],
      cell: { region: 'east', closeDate: '2026-05' },
    });
    expect(cell.statusCode, cell.body).toBe(200);
    expect(cell.json()).toMatchObject({ app: w.appId, form: w.formId, formKey: 'deals' });
    expect(cell.json().filter).toEqual({
      and: [
        { field: 'amount', op: 'gte', value: 150 },
        { field: 'region', op: 'eq', value: 'east' },
        { field: 'closeDate', op: 'gte', value: '2026-05-01' },
        { field: 'closeDate', op: 'lt', value: '2026-06-01' },
      ],
    });
    const list = await t.app.inject({
      method: 'GET',
      url: `${w.base}/forms/${w.formId}/records?filter=${encodeURIComponent(JSON.stringify(cell.json().filter))}`,
      headers: w.owner.headers,
    });
    expect(
      list
        .json()
        .items.map((r: { data: { name: string } }) => r.data.name)
        .sort(),
    ).toEqual(['d', 'e']);
    // The rep's list with the same filter shows only what the rep may see (none of these).
    const repList = await t.app.inject({
      method: 'GET',
      url: `${w.base}/forms/${w.formId}/records?filter=${encodeURIComponent(JSON.stringify(cell.json().filter))}`,
      headers: w.rep.headers,
    });
    expect(repList.json().items).toEqual([]);
    const bad = await post('/reports/cell', {
      widget: widget({ type: 'bar', dimensions: [{ field: 'closeDate', granularity: 'month' }] }),
      cell: { closeDate: 'May' },
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.details[0].path).toBe('/cell/closeDate');
  });
});

describe('subform columns', () => {
  it('counts one row per subform row; hidden columns cannot be named', async () => {
    const byProduct = widget({
      type: 'bar',
      source: { form: 'quotes' },
      dimensions: [{ field: 'items.product' }],
      measures: [
        { key: 'rows', aggregate: 'count' },
        { key: 'qty', aggregate: 'sum', field: 'items.qty' },
      ],
    });
    const owner = await ask({ widget: byProduct });
    expect(owner.statusCode, owner.body).toBe(200);
    expect(owner.json().rows).toEqual([
      { 'items.product': 'a', rows: 3, qty: 105 },
      { 'items.product': 'b', rows: 1, qty: 1 },
    ]);
    const rep = await ask({ widget: byProduct }, w.rep);
    expect(rep.json().rows).toEqual([
      { 'items.product': 'a', rows: 2, qty: 5 },
      { 'items.product': 'b', rows: 1, qty: 1 },
    ]);
    const hidden = await ask(
      { widget: { ...byProduct, measures: [{ aggregate: 'max', field: 'items.cost' }] } },
      w.rep,
    );
    expect(hidden.statusCode).toBe(422);
    expect(hidden.json().error.details).toEqual([
      {
        path: '/widget/measures/0/field',
        message: 'unknown field "items.cost"',
        code: 'report.unknownField',
      },
    ]);
  });
});

describe('export', () => {
  it('sends the widget as XLSX with labelled columns and neutralised formulas; needs export', async () => {
    const created = await post(`/forms/${w.formId}/records`, {
      data: { name: '=HYPERLINK("x")', region: 'north', amount: 1 },
    });
    expect(created.statusCode).toBe(201);
    const byName = widget({
      key: 'names',
      type: 'table',
      dimensions: [{ field: 'name' }],
      measures: [{ aggregate: 'sum', field: 'amount' }],
      filter: { field: 'region', op: 'eq', value: 'north' },
    });
    const res = await post('/reports/export', { widget: byName });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(res.rawPayload as never);
    const rows = book.worksheets[0]
      ?.getSheetValues()
      .slice(1)
      .map((r) => (r as unknown[]).slice(1));
    expect(rows).toEqual([
      ['Name', 'Amount'],
      ['\'=HYPERLINK("x")', 1],
      ['a', 100],
      ['c', 400],
    ]);
    const zh = await t.app.inject({
      method: 'POST',
      url: `${w.base}/reports/export`,
      headers: { ...w.owner.headers, 'accept-language': 'zh-CN' },
      payload: { widget: byName },
    });
    expect(zh.statusCode).toBe(200);
    // Reps have no export permission on deals.
    const rep = await post('/reports/export', { widget: byName }, w.rep);
    expect(rep.statusCode).toBe(403);
    const audit = await t.app.inject({
      method: 'GET',
      url: `${w.base}/audit?action=records.exported`,
      headers: w.owner.headers,
    });
    expect(audit.json().items[0].details).toMatchObject({ form: 'deals', format: 'xlsx', widget: 'names' });
  });
});

describe('result cache', () => {
  it('serves an unchanged answer again, drops it on a write, and never shares it across scopes', async () => {
    const kpi = { widget: widget({ type: 'kpi', measures: [{ aggregate: 'sum', field: 'amount' }] }) };
    const first = await ask(kpi, w.rep);
    const before = reportCacheStats(t.store.connection);
    const again = await ask(kpi, w.rep);
    expect(again.json()).toEqual(first.json());
    expect(reportCacheStats(t.store.connection).hits).toBe(before.hits + 1);
    // The other rep runs the same widget: a different scope, a different answer, never the cached one.
    const other = await ask(kpi, w.otherRep);
    expect(other.json().rows).toEqual([{ sum_amount: 1200 }]);
    expect(first.json().rows).toEqual([{ sum_amount: 300 }]);
    // A write to the form: the next answer is computed again and includes it.
    await post(`/forms/${w.formId}/records`, { data: { name: 'new', amount: 50 } }, w.rep);
    const after = await ask(kpi, w.rep);
    expect(after.json().rows).toEqual([{ sum_amount: 350 }]);
  });

  it("counts in the store every write of a stream, those made while the form's counter was being bumped too", async () => {
    // What other server instances compare their kept answers with: the form's counter in the store.
    const stamps = t.store.connection.collection<{ _id: Types.ObjectId; n: number }>('report_stamps');
    const stored = async () => (await stamps.findOne({ _id: new Types.ObjectId(w.formId) }))?.n ?? 0;
    // Settled: no bump of an earlier test's writes is still on its way or waiting for its interval (else
    // the first write below could share it, and the count would start from a bump it is not part of).
    let last = -1;
    await vi.waitFor(
      async () => {
        const now = await stored();
        const settled = now > 0 && now === last;
        last = now;
        expect(settled).toBe(true);
      },
      { timeout: 10_000, interval: 250 },
    );
    const write = async (amount: number) => {
      const res = await post(
        `/forms/${w.formId}/records`,
        { data: { name: `stream ${amount}`, amount } },
        w.rep,
      );
      expect(res.statusCode).toBe(201);
    };
    // The first write after a quiet spell is bumped at once.
    await write(1);
    await vi.waitFor(async () => expect(await stored()).toBe(last + 1), { timeout: 10_000, interval: 1 });
    // The next ones, made while that bump's interval runs, share one more bump: without it they would be
    // missed by every other instance.
    await write(2);
    await write(3);
    await vi.waitFor(async () => expect(await stored()).toBeGreaterThanOrEqual(last + 2), {
      timeout: 10_000,
    });
  });
});
