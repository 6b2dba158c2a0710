import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { label } from '../records/test-fixtures.js';
import { buildWorld, query, type ReportWorld, widget } from './test-fixtures.js';

let t: TestApp;
let w: ReportWorld;

beforeAll(async () => {
  t = await createTestApp();
  w = await buildWorld(t);
});
afterAll(async () => t?.close());

const ask = (body: unknown, who: { headers: Record<string, string> } = w.owner) => query(t, w, who, body);

describe('POST /workspaces/:ws/reports/query', () => {
  it('groups and aggregates every record for the owner', async () => {
    const res = await ask({
      widget: widget({
        type: 'bar',
        dimensions: [{ field: 'region' }],
        measures: [{ aggregate: 'sum', field: 'amount' }, { aggregate: 'count' }],
      }),
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.columns).toEqual([
      { key: 'region', type: 'dimension', field: 'region', label: { en: 'Region' } },
      { key: 'sum_amount', type: 'measure', aggregate: 'sum', field: 'amount', label: { en: 'Amount' } },
      { key: 'count', type: 'measure', aggregate: 'count' },
    ]);
    expect(body.rows).toEqual([
      { region: 'east', sum_amount: 2400, count: 2 },
      { region: 'north', sum_amount: 500, count: 2 },
      { region: 'south', sum_amount: 200, count: 1 },
    ]);
    expect(body.meta).toMatchObject({
      widget: 'w',
      type: 'bar',
      rowCount: 3,
      truncated: false,
      timeZone: 'UTC',
    });
  });

  it('buckets dates, and a kpi answers one row', async () => {
    const months = await ask({
      widget: widget({ type: 'line', dimensions: [{ field: 'closeDate', granularity: 'quarter' }] }),
    });
    expect(months.json().rows).toEqual([
      { closeDate: '2026-Q1', count: 2 },
      { closeDate: '2026-Q2', count: 3 },
    ]);
    const created = await ask({
      widget: widget({ type: 'line', dimensions: [{ field: '_createdAt', granularity: 'year' }] }),
    });
    expect(created.json().rows).toEqual([{ _createdAt: String(new Date().getUTCFullYear()), count: 5 }]);
    const kpi = await ask({
      widget: widget({
        type: 'kpi',
        measures: [
          { aggregate: 'avg', field: 'amount' },
          { aggregate: 'max', field: 'closeDate' },
        ],
      }),
    });
    expect(kpi.json().rows).toEqual([{ avg_amount: 620, max_closeDate: '2026-05-21' }]);
  });

  it('groups by owner as id strings and counts multi-valued fields per value', async () => {
    const owners = await ask({ widget: widget({ type: 'pie', dimensions: [{ field: '_owner' }] }) });
    const counts = Object.fromEntries(
      owners.json().rows.map((r: { _owner: string; count: number }) => [r._owner, r.count]),
    );
    expect(counts).toEqual({ [w.rep.userId]: 2, [w.otherRep.userId]: 2, [w.owner.userId]: 1 });
    const tags = await ask({ widget: widget({ type: 'bar', dimensions: [{ field: 'tags' }] }) });
    expect(tags.json().rows).toEqual([
      { tags: null, count: 3 },
      { tags: 'x', count: 2 },
      { tags: 'y', count: 1 },
    ]);
  });

  it("and-s the widget's filter with the body's filters, special values included", async () => {
    const res = await ask({
      widget: widget({
        type: 'table',
        dimensions: [{ field: 'stage' }],
        measures: [{ aggregate: 'sum', field: 'amount' }],
        filter: { field: 'amount', op: 'gte', value: 200 },
      }),
      filters: [
        { field: 'region', op: 'in', value: ['east', 'south'] },
        { field: '_owner', op: 'ne', value: { $me: true } },
      ],
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().rows).toEqual([
      { stage: 'proposal', sum_amount: 800 },
      { stage: 'won', sum_amount: 200 },
    ]);
  });

  it('funnel follows options.stages with conversion; ranking ranks', async () => {
    const funnel = await ask({
      widget: widget({
        type: 'funnel',
        dimensions: [{ field: 'stage' }],
        options: { stages: ['lead', 'proposal', 'won'] },
      }),
    });
    expect(funnel.json().rows).toEqual([
      { stage: 'lead', count: 2, conversion: null, overall: 1 },
      { stage: 'proposal', count: 1, conversion: 0.5, overall: 0.5 },
      { stage: 'won', count: 2, conversion: 2, overall: 1 },
    ]);
    const ranking = await ask({
      widget: widget({
        type: 'ranking',
        dimensions: [{ field: 'name' }],
        measures: [{ aggregate: 'sum', field: 'amount' }],
        limit: 2,
      }),
    });
    expect(ranking.json().rows).toEqual([
      { rank: 1, name: 'e', sum_amount: 1600, viewer: false },
      { rank: 2, name: 'd', sum_amount: 800, viewer: false },
    ]);
    expect(ranking.json().meta.truncated).toBe(true);
  });

  it('leaves deleted records out', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: `${w.base}/forms/${w.formId}/records`,
      headers: w.owner.headers,
      payload: { data: { name: 'gone', region: 'south', amount: 5 } },
    });
    const count = async () => (await ask({ widget: widget({ type: 'kpi' }) })).json().rows[0].count as number;
    expect(await count()).toBe(6);
    await t.app.inject({
      method: 'DELETE',
      url: `${w.base}/forms/${w.formId}/records/${created.json().id}`,
      headers: w.owner.headers,
    });
    expect(await count()).toBe(5);
  });

  it('API tokens query as their one role', async () => {
    const token = async (role: string) => {
      const res = await t.app.inject({
        method: 'POST',
        url: `${w.base}/api-tokens`,
        headers: w.owner.headers,
        payload: { name: `BI ${role}`, role },
      });
      expect(res.statusCode, res.body).toBe(201);
      return { headers: { authorization: `Bearer ${res.json().token}` } };
    };
    const margins = widget({ type: 'kpi', measures: [{ aggregate: 'sum', field: 'margin' }] });
    const lead = await token('lead');
    expect((await ask({ widget: margins }, lead)).json().rows).toEqual([{ sum_margin: 264 }]);
    // A rep token owns no records (scope own) and may not name the hidden margin.
    const rep = await token('rep');
    expect((await ask({ widget: widget({ type: 'kpi' }) }, rep)).json().rows).toEqual([{ count: 0 }]);
    expect((await ask({ widget: margins }, rep)).statusCode).toBe(422);
  });

  it('answers 400 for widgets the meta-model refuses and 422 for widgets that do not fit the form', async () => {
    const invalid = await ask({ widget: widget({ type: 'donut' }) });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().error.code).toBe('VALIDATION_FAILED');
    expect(invalid.json().error.details.map((d: { path: string }) => d.path)).toContain('/widget/type');
    const missing = await ask({ widget: { type: 'kpi' } });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.details.map((d: { path: string }) => d.path)).toEqual(
      expect.arrayContaining(['/widget/key', '/widget/title', '/widget/source']),
    );
    const unfit = await ask({
      widget: widget({
        type: 'bar',
        dimensions: [{ field: 'nope' }],
        measures: [{ aggregate: 'sum', field: 'name' }],
      }),
    });
    expect(unfit.statusCode).toBe(422);
    expect(unfit.json().error.details).toEqual([
      { path: '/widget/dimensions/0/field', message: 'unknown field "nope"', code: 'report.unknownField' },
      {
        path: '/widget/measures/0/field',
        message: 'sum does not apply to a text field',
        code: 'report.aggregateKind',
      },
    ]);
  });

  it('resolves the form by key, by appId when several apps share the key; unknown forms are 404', async () => {
    const other = await t.app.inject({
      method: 'POST',
      url: `${w.base}/apps`,
      headers: w.owner.headers,
      payload: { key: 'crm2', name: label('CRM 2') },
    });
    const otherApp = other.json().id as string;
    const form = await t.app.inject({
      method: 'POST',
      url: `${w.base}/apps/${otherApp}/forms`,
      headers: w.owner.headers,
      payload: {
        key: 'deals',
        name: label('Deals'),
        fields: [{ key: 'amount', type: 'number', label: label('A') }],
      },
    });
    expect(form.statusCode, form.body).toBe(201);
    const kpi = widget({ type: 'kpi' });
    const ambiguous = await ask({ widget: kpi });
    expect(ambiguous.statusCode).toBe(422);
    expect(ambiguous.json().error.details).toEqual([{ path: '/appId', message: 'name the app of the form' }]);
    expect((await ask({ widget: kpi, appId: w.appId })).json().rows).toEqual([{ count: 5 }]);
    expect((await ask({ widget: kpi, appId: otherApp })).json().rows).toEqual([{ count: 0 }]);
    expect((await ask({ widget: kpi, appId: 'ffffffffffffffffffffffff' })).statusCode).toBe(404);
    expect((await ask({ widget: kpi, appId: 'nope' })).statusCode).toBe(404);
    expect((await ask({ widget: widget({ type: 'kpi', source: { form: 'nothing' } }) })).statusCode).toBe(
      404,
    );
  });
});
