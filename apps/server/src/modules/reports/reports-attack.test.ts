import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { buildWorld, DEALS, otherWorkspace, type ReportWorld, widget } from './test-fixtures.js';

/**
 * The attack suite (issue 6) of report queries: tenancy, data scopes, fields hidden from a role, filter
 * injection and hostile bodies. Every request is counted; a status other than the expected one is a leak.
 */

let t: TestApp;
let victim: ReportWorld;
let attacker: ReportWorld;
let requests = 0;
const leaks: string[] = [];

beforeAll(async () => {
  t = await createTestApp();
  victim = await buildWorld(t);
  // The attacker owns a workspace of their own, with a form of the same key.
  const mallory = await otherWorkspace(t, victim.owner, 'mallory@evil.example');
  attacker = await buildWorld(t, { owner: mallory, domain: 'evil.example' });
});

afterAll(async () => {
  await t?.close();
  console.info(`reports attack suite: ${requests} requests, ${leaks.length} leaks`);
});

async function send(
  who: { headers: Record<string, string> } | null,
  body: unknown,
  options: { ws?: string; raw?: string; contentType?: string; route?: 'query' | 'cell' | 'export' } = {},
): Promise<LightMyRequestResponse> {
  requests += 1;
  const headers: Record<string, string> = { ...(who?.headers ?? {}) };
  if (options.contentType) headers['content-type'] = options.contentType;
  return t.app.inject({
    method: 'POST',
    url: `/api/v1/workspaces/${options.ws ?? victim.ws}/reports/${options.route ?? 'query'}`,
    headers,
    ...(options.raw !== undefined ? { payload: options.raw } : { payload: body as Record<string, unknown> }),
  });
}

function expectStatus(res: LightMyRequestResponse, status: number, label: string): void {
  if (res.statusCode !== status) leaks.push(`${label}: ${res.statusCode}`);
  expect(res.statusCode, `${label}: ${res.body.slice(0, 300)}`).toBe(status);
  expect(Object.keys(res.json()), label).toEqual(['error']);
}

/**
 * No value of the hidden field (margin) may appear in an answer, nor its name in a result (a refusal may
 * repeat the name the caller sent).
 */
function expectNoMargins(res: LightMyRequestResponse, label: string): void {
  const margins = DEALS.map((d) => d.data.margin as number);
  const total = margins.reduce((a, b) => a + b, 0);
  for (const value of [...margins, total, ...margins.map((m) => m * 2), total * 2]) {
    // As a number of its own, not inside another number or a hex id.
    if (new RegExp(`(?<![0-9a-zA-Z.])${value}(?![0-9a-zA-Z])`).test(res.body))
      leaks.push(`${label}: margin ${value}`);
  }
  if (res.statusCode === 200) expect(res.body, label).not.toContain('margin');
}

const kpi = widget({
  type: 'kpi',
  measures: [{ aggregate: 'count' }, { aggregate: 'sum', field: 'amount' }],
});

describe('credentials and tenancy', () => {
  it('no or forged credentials → 401', async () => {
    expectStatus(await send(null, { widget: kpi }), 401, 'no credentials');
    expectStatus(
      await send({ headers: { authorization: `Bearer fls_${'Z'.repeat(43)}` } }, { widget: kpi }),
      401,
      'forged',
    );
    expectStatus(
      await send({ headers: { authorization: 'Basic dmljdGltOnB3' } }, { widget: kpi }),
      401,
      'basic',
    );
  });

  it("another workspace's owner → 404, whatever the body", async () => {
    for (const body of [{ widget: kpi }, { widget: kpi, appId: victim.appId }, {}, { widget: 'x' }]) {
      expectStatus(
        await send(attacker.owner, body),
        404,
        `attacker on victim ws ${JSON.stringify(body).slice(0, 40)}`,
      );
    }
  });

  it("the victim's app id inside the attacker's own workspace is not found; the same form key reads only own data", async () => {
    expectStatus(
      await send(attacker.owner, { widget: kpi, appId: victim.appId }, { ws: attacker.ws }),
      404,
      "victim's appId in attacker's ws",
    );
    requests += 1;
    const own = await send(attacker.owner, { widget: kpi }, { ws: attacker.ws });
    expect(own.statusCode).toBe(200);
    // The attacker's world has its own five deals; the victim's records never add in.
    expect(own.json().rows).toEqual([{ count: 5, sum_amount: 3100 }]);
  });

  it('a member whose roles do not grant the form → 403', async () => {
    expectStatus(await send(victim.outsider, { widget: kpi }), 403, 'outsider');
  });
});

describe('data scope', () => {
  it('a rep with scope "own" aggregates only own records, whatever the grouping or filters', async () => {
    const mine = DEALS.filter((d) => d.by === 'rep');
    const own = await send(victim.rep, { widget: kpi });
    expect(own.statusCode, own.body).toBe(200);
    expect(own.json().rows).toEqual([
      { count: mine.length, sum_amount: mine.reduce((s, d) => s + (d.data.amount as number), 0) },
    ]);
    const owners = await send(victim.rep, {
      widget: widget({ type: 'table', dimensions: [{ field: '_owner' }] }),
    });
    expect(owners.json().rows).toEqual([{ _owner: victim.rep.userId, count: mine.length }]);
    for (const filters of [
      [{ field: '_owner', op: 'eq', value: victim.otherRep.userId }],
      [
        {
          or: [
            { field: '_owner', op: 'eq', value: victim.otherRep.userId },
            { field: 'amount', op: 'gte', value: 0 },
          ],
        },
      ],
      [{ field: '_owner', op: 'ne', value: { $me: true } }],
    ]) {
      requests += 1;
      const res = await send(victim.rep, { widget: kpi, filters });
      expect(res.statusCode).toBe(200);
      const [row] = res.json().rows;
      if (row.count > mine.length) leaks.push(`scope escaped with ${JSON.stringify(filters)}`);
      expect(row.count).toBeLessThanOrEqual(mine.length);
    }
    // A lead (scope "all") sees every record: the scope, not the route, made the difference.
    requests += 1;
    expect((await send(victim.lead, { widget: kpi })).json().rows[0].count).toBe(DEALS.length);
  });
});

describe('hidden fields', () => {
  it('are absent from results of every widget type', async () => {
    for (const type of ['table', 'bar', 'ranking', 'funnel', 'pivot']) {
      const dimensions = type === 'pivot' ? [{ field: 'region' }, { field: 'stage' }] : [{ field: 'region' }];
      const res = await send(victim.rep, { widget: widget({ type, dimensions }) });
      expect(res.statusCode, res.body).toBe(200);
      expectNoMargins(res, `${type} as rep`);
    }
  });

  it('cannot be a dimension, a measure, a filter or a sort (so no value can be read out or inferred)', async () => {
    const margin = 'margin';
    const cases: [string, unknown, number][] = [
      ['dimension', { widget: widget({ type: 'bar', dimensions: [{ field: margin }] }) }, 422],
      [
        'pivot dimension',
        { widget: widget({ type: 'pivot', dimensions: [{ field: 'region' }, { field: margin }] }) },
        422,
      ],
      ...(['sum', 'avg', 'min', 'max', 'countDistinct', 'count'] as const).map(
        (aggregate): [string, unknown, number] => [
          `measure ${aggregate}`,
          { widget: widget({ type: 'kpi', measures: [{ aggregate, field: margin }] }) },
          422,
        ],
      ),
      [
        'widget filter',
        { widget: widget({ type: 'kpi', filter: { field: margin, op: 'gt', value: 50 } }) },
        400,
      ],
      ['body filter', { widget: kpi, filters: [{ field: margin, op: 'gt', value: 50 }] }, 400],
      ['empty filter', { widget: kpi, filters: [{ field: margin, op: 'empty' }] }, 400],
      [
        'nested filter',
        { widget: kpi, filters: [{ or: [{ and: [{ field: margin, op: 'between', value: [1, 50] }] }] }] },
        400,
      ],
      [
        'sort',
        {
          widget: widget({
            type: 'table',
            dimensions: [{ field: 'region' }],
            sort: [{ by: margin, dir: 'desc' }],
          }),
        },
        422,
      ],
    ];
    const bar = widget({ type: 'bar', dimensions: [{ field: 'region' }] });
    const derived: [string, unknown, number][] = [
      ['drill-down level', { widget: { ...bar, drilldown: [{ field: margin }] }, drill: ['north'] }, 422],
      [
        'formula over a hidden field',
        {
          widget: widget({
            type: 'kpi',
            measures: [{ aggregate: 'count' }, { key: 'x', formula: 'margin * 2' }],
          }),
        },
        422,
      ],
      [
        'target series of the hidden field',
        {
          widget: widget({
            type: 'bar',
            dimensions: [{ field: 'region' }],
            measures: [
              {
                key: 't',
                target: { form: 'deals', aggregate: 'max', field: margin, match: [{ field: 'region' }] },
              },
            ],
          }),
        },
        422,
      ],
      [
        'target series matched on the hidden field',
        {
          widget: widget({
            type: 'bar',
            dimensions: [{ field: 'amount' }],
            measures: [
              { key: 't', target: { form: 'deals', aggregate: 'count', match: [{ field: margin }] } },
            ],
          }),
        },
        422,
      ],
      [
        'target series filtered by the hidden field',
        {
          widget: widget({
            type: 'kpi',
            measures: [
              {
                key: 't',
                target: { form: 'deals', aggregate: 'count', filter: { field: margin, op: 'gt', value: 50 } },
              },
            ],
          }),
        },
        422,
      ],
    ];
    for (const [label, body, status] of [...cases, ...derived]) {
      const res = await send(victim.rep, body);
      expectStatus(res, status, `hidden field as ${label}`);
      expectNoMargins(res, `hidden field as ${label}`);
    }
    for (const route of ['cell', 'export'] as const) {
      const body = { widget: widget({ type: 'bar', dimensions: [{ field: margin }] }), cell: { margin: 11 } };
      const res = await send(victim.rep, route === 'cell' ? body : { widget: body.widget }, { route });
      expectStatus(res, route === 'cell' ? 422 : 422, `hidden field in ${route}`);
      expectNoMargins(res, `hidden field in ${route}`);
    }
    // The same requests work for a role that may see the field: the refusal is the access layer's.
    requests += 1;
    const lead = await send(victim.lead, {
      widget: widget({ type: 'kpi', measures: [{ aggregate: 'max', field: margin }] }),
    });
    expect(lead.json().rows).toEqual([{ max_margin: 99 }]);
  });
});

describe('fields made of hidden ones', () => {
  it('a formula over the hidden field (marginx2 = margin * 2) is refused wherever margin is', async () => {
    const field = 'marginx2';
    const cases: [string, unknown, number][] = [
      ['dimension', { widget: widget({ type: 'bar', dimensions: [{ field }] }) }, 422],
      ...(['sum', 'avg', 'min', 'max', 'countDistinct', 'count'] as const).map(
        (aggregate): [string, unknown, number] => [
          `measure ${aggregate}`,
          { widget: widget({ type: 'kpi', measures: [{ aggregate, field }] }) },
          422,
        ],
      ),
      ['widget filter', { widget: widget({ type: 'kpi', filter: { field, op: 'gt', value: 50 } }) }, 400],
      ['body filter', { widget: kpi, filters: [{ field, op: 'gt', value: 50 }] }, 400],
      [
        'sort',
        {
          widget: widget({
            type: 'table',
            dimensions: [{ field: 'region' }],
            sort: [{ by: field, dir: 'desc' }],
          }),
        },
        422,
      ],
      [
        'formula measure',
        {
          widget: widget({
            type: 'kpi',
            measures: [{ aggregate: 'count' }, { key: 'x', formula: 'marginx2 + 0' }],
          }),
        },
        422,
      ],
    ];
    for (const [label, body, status] of cases) {
      const res = await send(victim.rep, body);
      expectStatus(res, status, `${field} as ${label}`);
      expectNoMargins(res, `${field} as ${label}`);
    }
    // The lead, who sees margin, gets it.
    requests += 1;
    const lead = await send(victim.lead, {
      widget: widget({ type: 'kpi', measures: [{ aggregate: 'max', field }] }),
    });
    expect(lead.json().rows).toEqual([{ max_marginx2: 198 }]);
  });
});

describe('injection and hostile bodies', () => {
  it('refuses MongoDB operators anywhere in filters with 400', async () => {
    const hostile: unknown[] = [
      { $where: 'sleep(1000)' },
      { $function: { body: 'function() { return true }', args: [], lang: 'js' } },
      { $expr: { $gt: ['$data.margin', 0] } },
      { $accumulator: {} },
      { field: 'amount', op: 'eq', value: { $gt: 0 } },
      { field: 'amount', op: 'in', value: [{ $ne: null }] },
      { field: '$where', op: 'eq', value: 1 },
      { field: 'data.margin', op: 'gt', value: 0 },
      { field: 'amount', op: '$gt', value: 0 },
      { field: 'amount', op: 'eq', value: 1, $or: [{}] },
      { and: [{ field: 'amount', op: 'eq', value: 1 }], $where: '1' },
      JSON.parse('{"__proto__": {"field": "amount", "op": "gte", "value": 0}}'),
      JSON.parse('{"field": "__proto__", "op": "eq", "value": 1}'),
      JSON.parse('{"field": "constructor", "op": "eq", "value": 1}'),
    ];
    // As a scoped rep and as the owner (whose scope adds nothing to the match).
    for (const who of [victim.rep, victim.owner]) {
      for (const filter of hostile) {
        const label = JSON.stringify(filter).slice(0, 80);
        expectStatus(await send(who, { widget: kpi, filters: [filter] }), 400, `filters ${label}`);
        expectStatus(await send(who, { widget: { ...kpi, filter } }), 400, `widget.filter ${label}`);
      }
    }
  });

  it('refuses operator-shaped names in dimensions, measures and the body with 400', async () => {
    const cases: unknown[] = [
      { widget: widget({ type: 'bar', dimensions: [{ field: '$where' }] }) },
      { widget: widget({ type: 'kpi', measures: [{ aggregate: '$function', field: 'amount' }] }) },
      { widget: widget({ type: 'kpi', measures: [{ aggregate: 'sum', field: { $literal: 1 } }] }) },
      { widget: widget({ type: 'kpi', source: { form: { $ne: null } } }) },
      { widget: widget({ type: 'kpi', source: { form: 'deals', $where: '1' } }) },
      { widget: { ...kpi, $where: '1' } },
      { widget: kpi, $where: '1' },
      { widget: kpi, appId: { $ne: null } },
      JSON.parse('{"widget": {"__proto__": {"type": "kpi"}, "key": "w"}}'),
    ];
    for (const who of [victim.rep, victim.owner]) {
      for (const body of cases) {
        expectStatus(await send(who, body), 400, `body ${JSON.stringify(body).slice(0, 80)}`);
      }
    }
    // A path-shaped name is no path: it names no field of the form.
    const pathLike = { widget: widget({ type: 'bar', dimensions: [{ field: 'data.amount' }] }) };
    expectStatus(await send(victim.owner, pathLike), 422, 'dimension data.amount');
  });

  it('answers invalid, empty, oversized and deeply nested bodies with 400 or 413', async () => {
    expectStatus(
      await send(victim.rep, null, { raw: '{"widget":', contentType: 'application/json' }),
      400,
      'bad JSON',
    );
    expectStatus(
      await send(victim.rep, null, { raw: '', contentType: 'application/json' }),
      400,
      'empty body',
    );
    expectStatus(await send(victim.rep, []), 400, 'array body');
    expectStatus(await send(victim.rep, { widget: [] }), 400, 'array widget');
    expectStatus(
      await send(victim.rep, { widget: { ...kpi, limit: 10_001 } }),
      400,
      'limit over the maximum',
    );
    expectStatus(
      await send(victim.rep, { widget: { ...kpi, title: { en: 'x'.repeat(600) } } }),
      400,
      'long title',
    );
    const many = Array.from({ length: 21 }, () => ({ field: 'amount', op: 'gte', value: 0 }));
    expectStatus(await send(victim.rep, { widget: kpi, filters: many }), 400, 'too many filters');
    let deep: unknown = { field: 'amount', op: 'gte', value: 0 };
    for (let i = 0; i < 12; i += 1) deep = { and: [deep] };
    expectStatus(await send(victim.rep, { widget: kpi, filters: [deep] }), 400, 'deep filter');
    // 3,000 levels overflowed the stack of the widget's schema check (500): depth is limited before it.
    // Written out by hand: JSON.stringify of such a value overflows the test's own stack.
    const abyss = `${'{"and":['.repeat(3000)}{"field":"amount","op":"gte","value":0}${']}'.repeat(3000)}`;
    const raw = (body: string) => ({ raw: body, contentType: 'application/json' });
    const kpiJson = JSON.stringify(kpi);
    const inFilters = `{"widget":${kpiJson},"filters":[${abyss}]}`;
    const inWidget = `{"widget":${kpiJson.slice(0, -1)},"filter":${abyss}}}`;
    expectStatus(await send(victim.rep, null, raw(inFilters)), 400, 'abyss in filters');
    const nested = await send(victim.rep, null, raw(inWidget));
    expectStatus(nested, 400, 'abyss in widget');
    expect(nested.json().error.details[0].path).toMatch(/^\/widget\/filter\/and\/0/);
    expectStatus(await send(victim.rep, null, { ...raw(inWidget), route: 'export' }), 400, 'abyss in export');
    expectStatus(await send(victim.rep, null, { ...raw(inWidget), route: 'cell' }), 400, 'abyss in cell');
    const wide = { or: Array.from({ length: 300 }, (_, i) => ({ field: 'amount', op: 'eq', value: i })) };
    expectStatus(await send(victim.rep, { widget: kpi, filters: [wide] }), 400, 'wide filter');
    const huge = {
      widget: kpi,
      filters: [{ field: 'name', op: 'in', value: Array.from({ length: 20_000 }, () => 'xxxx') }],
    };
    expectStatus(await send(victim.rep, huge), 413, 'huge body');
    const tooManyDims = widget({
      type: 'table',
      dimensions: Array.from({ length: 6 }, () => ({ field: 'region' })),
    });
    expectStatus(await send(victim.rep, { widget: tooManyDims }), 400, 'six dimensions');
  });

  it('made at least 100 requests without a leak', () => {
    expect(requests).toBeGreaterThanOrEqual(100);
    expect(leaks).toEqual([]);
  });
});
