import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { xlsxCells } from '../../test/xlsx.js';
import { type AccessWorld, buildAccessWorld, request, SECRETS, secretsIn } from './attack-fixtures.js';

/**
 * The attack suite of links someone else made: the owner links the rep's own deal (customer, partners and
 * a subform row's supplier) to another rep's customer the rep may not view. Every path that shows the
 * rep's deal — record, list, search, CSV, XLSX, history, report dimensions over the relation and their
 * XLSX — must show at most the related record's id, never its name or hidden values.
 */

let t: TestApp;
let w: AccessWorld;
let requests = 0;

beforeAll(async () => {
  t = await createTestApp();
  w = await buildAccessWorld(t);
  const deal = `/forms/${w.forms.deals}/records/${w.ids.mine}`;
  const v = (await request(t, w, w.owner, 'GET', deal)).json().v;
  const linked = await request(t, w, w.owner, 'PATCH', deal, {
    v,
    data: {
      customer: w.ids.secretCo,
      partners: [w.ids.secretCo, w.ids.acme],
      items: [{ sku: 'a', qty: 2, cost: SECRETS.cost, supplier: w.ids.secretCo }],
    },
  });
  expect(linked.statusCode, linked.body).toBe(200);
});
afterAll(async () => {
  await t?.close();
  console.info(`links attack suite: ${requests} requests`);
});

function send(method: 'GET' | 'POST', path: string, payload?: unknown): Promise<LightMyRequestResponse> {
  requests += 1;
  return request(t, w, w.rep, method, path, payload);
}

const deals = () => `/forms/${w.forms.deals}/records`;
const bar = (form: string, field: string) => ({
  widget: { key: 'w', title: { en: 'W' }, source: { form }, type: 'bar', dimensions: [{ field }] },
});

describe('a link to a record the rep may not view, made by someone who may', () => {
  it('record, list, CSV and history show its id at most, never its name or values', async () => {
    const paths = [
      `${deals()}/${w.ids.mine}`,
      deals(),
      `${deals()}/export?format=csv`,
      `${deals()}/${w.ids.mine}/history`,
    ];
    for (const path of paths) {
      const res = await send('GET', path);
      expect(res.statusCode, `${path}: ${res.body.slice(0, 200)}`).toBe(200);
      expect(secretsIn(res.body), path).toEqual([]);
    }
    const mine = (await send('GET', `${deals()}/${w.ids.mine}`)).json().data;
    expect(mine).toMatchObject({ customer: w.ids.secretCo, customerName: null });
    expect(mine.items[0]).toMatchObject({ supplier: w.ids.secretCo, supplierName: null });
    const xlsx = await send('GET', `${deals()}/export?format=xlsx`);
    expect(secretsIn((await xlsxCells(xlsx)).join('\n'))).toEqual([]);
  });

  it("a search for its name does not find the rep's deal (no oracle through the lookup)", async () => {
    const hit = await send('GET', `${deals()}?q=${encodeURIComponent('Zanzibar')}`);
    expect(hit.statusCode).toBe(200);
    expect(hit.json().items).toEqual([]);
    const filtered = await send(
      'GET',
      `${deals()}?filter=${encodeURIComponent(JSON.stringify({ field: 'customerName', op: 'contains', value: 'Zan' }))}`,
    );
    expect(filtered.statusCode).toBe(400);
  });

  it('reports grouped by the relation (and its XLSX) give ids, never the related names', async () => {
    for (const [form, field] of [
      ['deals', 'customer'],
      ['deals', 'partners'],
      ['deals', 'items.supplier'],
      ['visits', 'deal'],
    ] as const) {
      const res = await send('POST', '/reports/query', bar(form, field));
      expect(res.statusCode, `${field}: ${res.body}`).toBe(200);
      expect(secretsIn(res.body), field).toEqual([]);
      const file = await send('POST', '/reports/export', bar(form, field));
      expect(file.statusCode).toBe(200);
      expect(secretsIn((await xlsxCells(file)).join('\n')), `${field} xlsx`).toEqual([]);
    }
    const byCustomer = await send('POST', '/reports/query', bar('deals', 'customer'));
    expect(byCustomer.json().rows).toEqual([{ customer: w.ids.secretCo, count: 1 }]);
  });
});
