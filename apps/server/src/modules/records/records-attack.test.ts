import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { type AccessWorld, buildAccessWorld, request, SECRETS, secretsIn } from './attack-fixtures.js';

/**
 * The attack suite of the records write path (issue 10): oracles that tell a hidden value by how a write
 * is answered. Every request is counted; an answer that differs by the secret is a leak.
 */

let t: TestApp;
let w: AccessWorld;
let requests = 0;
const leaks: string[] = [];

beforeAll(async () => {
  t = await createTestApp();
  w = await buildAccessWorld(t);
});

afterAll(async () => {
  await t?.close();
  console.info(`records attack suite: ${requests} requests, ${leaks.length} leaks`);
});

function send(
  who: { headers: Record<string, string> },
  method: 'GET' | 'POST' | 'PATCH',
  path: string,
  payload?: unknown,
): Promise<LightMyRequestResponse> {
  requests += 1;
  return request(t, w, who, method, path, payload);
}

/** The answer without what differs between any two requests (ids of the request itself). */
function shape(res: LightMyRequestResponse): string {
  return `${res.statusCode} ${res.body}`;
}

async function currentV(form: string, id: string): Promise<number> {
  return (await send(w.owner, 'GET', `/forms/${form}/records/${id}`)).json().v;
}

describe('equality oracle on writes', () => {
  it('a PATCH naming a hidden field is refused alike whether it holds the stored value or not', async () => {
    const path = `/forms/${w.forms.deals}/records/${w.ids.mine}`;
    const v = await currentV(w.forms.deals, w.ids.mine);
    const answers = [];
    for (const margin of [SECRETS.margin, SECRETS.margin + 1, null, 'x']) {
      answers.push(await send(w.rep, 'PATCH', path, { v, data: { margin } }));
    }
    for (const res of answers) {
      expect(res.statusCode, res.body).toBe(403);
      if (shape(res) !== shape(answers[0] as LightMyRequestResponse))
        leaks.push(`PATCH margin: ${shape(res)}`);
    }
    expect(answers[0]?.json().error.details).toEqual([
      { path: '/data/margin', message: 'you may not change this field' },
    ]);
    // Nothing was written.
    expect(await currentV(w.forms.deals, w.ids.mine)).toBe(v);
  });

  it('so is a read-only field, and a hidden subform column, on update and create', async () => {
    const path = `/forms/${w.forms.deals}/records/${w.ids.mine}`;
    const v = await currentV(w.forms.deals, w.ids.mine);
    // discount is read-only for the rep and stored as 5.
    const same = await send(w.rep, 'PATCH', path, { v, data: { discount: 5 } });
    const other = await send(w.rep, 'PATCH', path, { v, data: { discount: 6 } });
    expect([same.statusCode, other.statusCode]).toEqual([403, 403]);
    expect(shape(same)).toBe(shape(other));
    const rows = await send(w.rep, 'PATCH', path, {
      v,
      data: { items: [{ sku: 'a', qty: 2, cost: SECRETS.cost }] },
    });
    expect(rows.statusCode).toBe(403);
    expect(rows.json().error.details[0].path).toBe('/data/items/cost');
    const create = await send(w.rep, 'POST', `/forms/${w.forms.deals}/records`, {
      data: { name: 'x', margin: SECRETS.margin },
    });
    expect(create.statusCode).toBe(403);
  });

  it('an import naming a hidden field fails its rows whatever the cells hold, dry run included', async () => {
    const csv = `name,code,margin\nA,IMP-1,${SECRETS.margin}\nB,IMP-2,1\n`;
    const dry = await send(w.rep, 'POST', `/forms/${w.forms.deals}/records/import`, {
      format: 'csv',
      content: csv,
      dryRun: true,
    });
    expect(dry.statusCode, dry.body).toBe(200);
    const report = dry.json();
    expect(report.valid).toBe(0);
    expect(report.errors.map((e: { details: unknown }) => e.details)).toEqual([
      [{ path: '/rows/2/margin', message: 'you may not change this field' }],
      [{ path: '/rows/3/margin', message: 'you may not change this field' }],
    ]);
    const upsert = await send(w.rep, 'POST', `/forms/${w.forms.deals}/records/import`, {
      format: 'csv',
      content: `code,margin\nMINE-1,${SECRETS.margin}\n`,
      upsertBy: 'code',
      dryRun: true,
    });
    expect(upsert.json().errors[0].details).toEqual([
      { path: '/rows/2/margin', message: 'you may not change this field' },
    ]);
  });
});

describe('unique-value oracle', () => {
  /** Nothing in the answer names the record holding the value, or its owner. */
  function expectAnonymous(res: LightMyRequestResponse, label: string) {
    for (const secret of [w.ids.theirs, w.otherRep.userId, 'rep2', 'Theirs']) {
      if (res.body.includes(secret as string)) leaks.push(`${label}: ${secret}`);
      expect(res.body, label).not.toContain(secret);
    }
  }

  it('a taken value answers 409 at the field, without the other record or its owner', async () => {
    const created = await send(w.rep, 'POST', `/forms/${w.forms.deals}/records`, {
      data: { name: 'dup', code: SECRETS.theirCode },
    });
    expect(created.statusCode).toBe(409);
    expect(created.json().error.details).toEqual([
      { path: '/data/code', message: 'another record already has this value' },
    ]);
    expectAnonymous(created, 'create');
    const v = await currentV(w.forms.deals, w.ids.mine);
    const updated = await send(w.rep, 'PATCH', `/forms/${w.forms.deals}/records/${w.ids.mine}`, {
      v,
      data: { code: SECRETS.theirCode },
    });
    expect(updated.statusCode).toBe(409);
    expectAnonymous(updated, 'update');
  });

  it('an import dry run upserting by the unique field reports the taken value the same way', async () => {
    const dry = await send(w.rep, 'POST', `/forms/${w.forms.deals}/records/import`, {
      format: 'csv',
      content: `code,name\n${SECRETS.theirCode},mine now\n`,
      upsertBy: 'code',
      dryRun: true,
    });
    expect(dry.statusCode, dry.body).toBe(200);
    // The record is out of the rep's scope: it is not updated, and creating one collides.
    expect(dry.json()).toMatchObject({ valid: 0, updated: 0 });
    expect(dry.json().errors[0].details).toEqual([
      { path: '/rows/2/code', message: 'another record already has this value' },
    ]);
    expectAnonymous(dry, 'import dry run');
  });
});

describe('linking to what the caller cannot see', () => {
  const UNKNOWN = 'bbbbbbbbbbbbbbbbbbbbbbbb';
  /** The answer with the named id replaced, so answers for two ids compare as words. */
  const words = (res: LightMyRequestResponse, id: string) =>
    `${res.statusCode} ${res.body.replaceAll(id, '<id>')}`;

  it('a relation naming a record the caller may not view is refused like an unknown id', async () => {
    const deals = `/forms/${w.forms.deals}/records`;
    const cases: Array<[string, (id: string) => Record<string, unknown>]> = [
      ['single', (id) => ({ name: 'link', customer: id })],
      ['multiple', (id) => ({ name: 'link', partners: [w.ids.acme, id] })],
      ['subform column', (id) => ({ name: 'link', items: [{ sku: 'a', qty: 1, supplier: id }] })],
    ];
    for (const [label, data] of cases) {
      const hidden = await send(w.rep, 'POST', deals, { data: data(w.ids.secretCo) });
      const unknown = await send(w.rep, 'POST', deals, { data: data(UNKNOWN) });
      expect(hidden.statusCode, `${label}: ${hidden.body}`).toBe(400);
      if (words(hidden, w.ids.secretCo) !== words(unknown, UNKNOWN)) leaks.push(`${label}: ${hidden.body}`);
      expect(words(hidden, w.ids.secretCo), label).toBe(words(unknown, UNKNOWN));
      expect(hidden.body, label).not.toContain(SECRETS.secretName);
    }
    const paths = async (data: Record<string, unknown>) =>
      (await send(w.rep, 'POST', deals, { data })).json().error.details.map((d: { path: string }) => d.path);
    expect(await paths(cases[1]?.[1](w.ids.secretCo) ?? {})).toEqual(['/data/partners/1']);
    expect(await paths(cases[2]?.[1](w.ids.secretCo) ?? {})).toEqual(['/data/items/0/supplier']);
    // The rep's own customer links fine, and its name is looked up.
    const own = await send(w.rep, 'POST', deals, { data: { name: 'ok', customer: w.ids.acme } });
    expect(own.statusCode, own.body).toBe(201);
    expect(own.json().data.customerName).toBe('Acme');
  });

  it('on update and import too', async () => {
    const v = await currentV(w.forms.deals, w.ids.mine);
    const patch = await send(w.rep, 'PATCH', `/forms/${w.forms.deals}/records/${w.ids.mine}`, {
      v,
      data: { customer: w.ids.secretCo },
    });
    expect(patch.statusCode).toBe(400);
    expect(patch.json().error.details[0].path).toBe('/data/customer');
    const byId = await send(w.rep, 'POST', `/forms/${w.forms.deals}/records/import`, {
      format: 'csv',
      content: `name,customer\nA,${w.ids.secretCo}\nB,${UNKNOWN}\n`,
      dryRun: true,
    });
    const [first, second] = byId.json().errors;
    expect(first.details[0].message.replace(w.ids.secretCo, '<id>')).toBe(
      second.details[0].message.replace(UNKNOWN, '<id>'),
    );
    // By display name: another rep's customer is a name that names nothing.
    const byName = await send(w.rep, 'POST', `/forms/${w.forms.deals}/records/import`, {
      format: 'csv',
      content: `name,customer\nA,${SECRETS.secretName}\nB,Nobody\n`,
      dryRun: true,
    });
    const named = byName
      .json()
      .errors.map((e: { details: Array<{ message: string }> }) => e.details[0]?.message);
    expect(named).toEqual([`no record named "${SECRETS.secretName}"`, 'no record named "Nobody"']);
  });

  it('a link made by someone allowed to stays when the caller edits other fields', async () => {
    const deal = await send(w.rep, 'POST', `/forms/${w.forms.deals}/records`, { data: { name: 'handed' } });
    const linked = await send(w.owner, 'PATCH', `/forms/${w.forms.deals}/records/${deal.json().id}`, {
      v: 1,
      data: { customer: w.ids.secretCo },
    });
    expect(linked.statusCode, linked.body).toBe(200);
    const edit = await send(w.rep, 'PATCH', `/forms/${w.forms.deals}/records/${deal.json().id}`, {
      v: 2,
      data: { name: 'renamed' },
    });
    expect(edit.statusCode, edit.body).toBe(200);
    // Naming it again is not linking anew either; naming another hidden record is.
    const again = await send(w.rep, 'PATCH', `/forms/${w.forms.deals}/records/${deal.json().id}`, {
      v: 3,
      data: { customer: w.ids.secretCo, partners: [w.ids.secretCo] },
    });
    expect(again.statusCode).toBe(400);
    expect(again.json().error.details.map((d: { path: string }) => d.path)).toEqual(['/data/partners/0']);
  });
});

describe('search, saved views and exports of a view', () => {
  it("a search finds nothing outside the rep's scope, and nothing through a hidden subform column", async () => {
    const theirs = await send(w.rep, 'GET', `/forms/${w.forms.customers}/records?q=Zanzibar`);
    expect(theirs.statusCode).toBe(200);
    expect(theirs.json().items).toEqual([]);
    const lead = await send(w.lead, 'GET', `/forms/${w.forms.customers}/records?q=zanzibar`);
    expect(lead.json().items.map((r: { data: { name: string } }) => r.data.name)).toEqual([
      SECRETS.secretName,
    ]);
    // The owner finds the other rep's deal by its code; the rep, searching the same word, does not.
    const code = SECRETS.theirCode.toLowerCase();
    expect(
      (await send(w.owner, 'GET', `/forms/${w.forms.deals}/records?q=${code}`)).json().items,
    ).toHaveLength(1);
    expect((await send(w.rep, 'GET', `/forms/${w.forms.deals}/records?q=${code}`)).json().items).toEqual([]);
  });

  it('a saved view or an export naming a hidden field is refused like an unknown field', async () => {
    for (const config of [
      { columns: ['name', 'margin'] },
      { filter: { field: 'margin', op: 'gt', value: 15 } },
      { sort: '-margin' },
    ]) {
      const res = await send(w.rep, 'POST', `/forms/${w.forms.deals}/views`, { name: 'peek', config });
      expect(res.statusCode, JSON.stringify(config)).toBe(400);
      expect(res.body).not.toContain(String(SECRETS.margin));
    }
    const exported = await send(w.rep, 'GET', `/forms/${w.forms.deals}/records/export?fields=name,margin`);
    expect(exported.statusCode).toBe(400);
    const sorted = await send(w.rep, 'GET', `/forms/${w.forms.deals}/records/export?sort=-margin`);
    expect(sorted.statusCode).toBe(400);
  });
});

describe('derived values inherit access', () => {
  const visits: Record<string, string> = {};
  type Deal = { id: string; data: Record<string, unknown> };

  beforeAll(async () => {
    // The owner links the rep's deal to another rep's customer, in a multiple relation and a subform row.
    const v = await currentV(w.forms.deals, w.ids.mine);
    const linked = await send(w.owner, 'PATCH', `/forms/${w.forms.deals}/records/${w.ids.mine}`, {
      v,
      data: {
        partners: [w.ids.acme, w.ids.secretCo],
        items: [
          { sku: 'a', qty: 2, cost: SECRETS.cost, supplier: w.ids.secretCo },
          { sku: 'b', qty: 1, supplier: w.ids.acme },
        ],
      },
    });
    expect(linked.statusCode, linked.body).toBe(200);
    // Visits the rep may all view, of the rep's deal and of a deal the rep may not view.
    for (const [name, deal] of [
      ['toMine', w.ids.mine],
      ['toOther', w.ids.theirs],
    ] as const) {
      const res = await send(w.owner, 'POST', `/forms/${w.forms.visits}/records`, {
        data: { note: name, deal },
      });
      expect(res.statusCode, res.body).toBe(201);
      visits[name] = res.json().id;
    }
  });

  function expectNoSecrets(res: LightMyRequestResponse, label: string) {
    const found = secretsIn(res.body);
    for (const name of found) leaks.push(`${label}: ${name}`);
    expect(found, label).toEqual([]);
  }

  it('list and get: values made of hidden ones are absent, a declassified one is shown', async () => {
    const list = await send(w.rep, 'GET', `/forms/${w.forms.deals}/records`);
    expect(list.statusCode, list.body).toBe(200);
    expectNoSecrets(list, 'list');
    const one = await send(w.rep, 'GET', `/forms/${w.forms.deals}/records/${w.ids.mine}`);
    expectNoSecrets(one, 'get');
    const mine = one.json() as Deal;
    for (const key of ['margin', 'marginx2', 'marginx4', 'itemsCost', 'customerLimit'])
      expect(mine.data, key).not.toHaveProperty(key);
    expect(mine.data).toMatchObject({ payable: 7929, qtyTotal: 3, customerName: 'Acme' });
    // Record by record: the other rep's customer is not shown, item by item and row by row.
    expect(mine.data.partnerNames).toEqual(['Acme', null]);
    expect(mine.data.items).toEqual([
      { sku: 'a', qty: 2, supplier: w.ids.secretCo, supplierName: null },
      { sku: 'b', qty: 1, supplier: w.ids.acme, supplierName: 'Acme' },
    ]);
    // The lead sees what the values are made of.
    const lead = (await send(w.lead, 'GET', `/forms/${w.forms.deals}/records/${w.ids.mine}`)).json() as Deal;
    expect(lead.data).toMatchObject({
      marginx2: SECRETS.marginx2,
      partnerNames: ['Acme', SECRETS.secretName],
    });
  });

  it('filter, sort and projection refuse them like unknown fields', async () => {
    const deals = `/forms/${w.forms.deals}/records`;
    const filter = (field: string) =>
      `filter=${encodeURIComponent(JSON.stringify({ field, op: 'gt', value: 1 }))}`;
    for (const field of ['marginx2', 'marginx4', 'itemsCost', 'customerLimit', 'customerName']) {
      // Values shown record by record (customerName) may be projected, not filtered or sorted by.
      const projection = field === 'customerName' ? [] : [`fields=name,${field}`];
      for (const query of [filter(field), `sort=-${field}`, ...projection]) {
        const res = await send(w.rep, 'GET', `${deals}?${query}`);
        expect(res.statusCode, `${query}: ${res.body}`).toBe(400);
        expectNoSecrets(res, query);
      }
    }
    // A projection of looked-up values is masked like the whole record, and holds what was asked for.
    const projected = await send(w.rep, 'GET', `${deals}?fields=name,customerName,partnerNames`);
    expect(projected.statusCode, projected.body).toBe(200);
    expectNoSecrets(projected, 'projection');
    const mine = (projected.json().items as Deal[]).find((item) => item.data.name === 'Mine');
    expect(mine?.data).toEqual({ name: 'Mine', customerName: 'Acme', partnerNames: ['Acme', null] });
    const allowed = await send(w.rep, 'GET', `${deals}?${filter('qtyTotal')}&sort=-payable`);
    expect(allowed.statusCode, allowed.body).toBe(200);
  });

  it('subform columns filter row by row; hidden and derived-hidden ones answer alike whatever the value', async () => {
    const deals = `/forms/${w.forms.deals}/records`;
    const filter = (node: unknown) => `filter=${encodeURIComponent(JSON.stringify(node))}`;
    // items.cost is hidden, items.lineCost is made of it, items.supplierName is shown row by row.
    for (const field of ['items.cost', 'items.lineCost', 'items.supplierName']) {
      const answers = new Set<string>();
      for (const node of [
        { field, op: 'eq', value: SECRETS.cost },
        { field, op: 'eq', value: SECRETS.cost + 1 },
        { field, op: 'gte', value: 0 },
        { field, op: 'empty' },
        { field, op: 'notEmpty' },
      ]) {
        const res = await send(w.rep, 'GET', `${deals}?${filter(node)}`);
        expect(res.statusCode, `${field}: ${res.body}`).toBe(400);
        expectNoSecrets(res, field);
        answers.add(JSON.stringify(res.json().error.details.map((d: { path: string }) => d.path)));
      }
      expect([...answers]).toEqual([JSON.stringify(['/query/filter/field'])]);
      const sorted = await send(w.rep, 'GET', `${deals}?sort=${field}`);
      expect(sorted.statusCode).toBe(400);
    }
    // A visible column filters: a record matches when one of its rows does.
    const visible = await send(
      w.rep,
      'GET',
      `${deals}?${filter({ field: 'items.qty', op: 'eq', value: 2 })}`,
    );
    expect(visible.statusCode, visible.body).toBe(200);
    expectNoSecrets(visible, 'items.qty');
  });

  it('history shows no hidden column, derived value or hidden related record', async () => {
    const history = await send(w.rep, 'GET', `/forms/${w.forms.deals}/records/${w.ids.mine}/history`);
    expect(history.statusCode).toBe(200);
    expectNoSecrets(history, 'history');
    // The owner's history holds them: the test would see a leak.
    const owners = await send(w.owner, 'GET', `/forms/${w.forms.deals}/records/${w.ids.mine}/history`);
    expect(secretsIn(owners.body)).toEqual(expect.arrayContaining(['marginx2', 'cost', 'secretName']));
  });

  it('CSV and XLSX exports hold none of them', async () => {
    const { default: ExcelJS } = await import('exceljs');
    const csv = await send(w.rep, 'GET', `/forms/${w.forms.deals}/records/export?format=csv`);
    expect(csv.statusCode, csv.body).toBe(200);
    expectNoSecrets(csv, 'csv');
    expect(csv.body).not.toContain('Margin x2');
    const xlsx = await send(w.rep, 'GET', `/forms/${w.forms.deals}/records/export?format=xlsx`);
    expect(xlsx.statusCode).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const cells: string[] = [];
    book.worksheets[0]?.eachRow((row) => {
      row.eachCell((cell) => {
        cells.push(String(cell.value));
      });
    });
    const text = cells.join('\n');
    expect(secretsIn(text)).toEqual([]);
    expect(text).toContain('7929');
  });

  it('lookups from another form: hidden fields and records the caller may not view read as nothing', async () => {
    const list = await send(w.rep, 'GET', `/forms/${w.forms.visits}/records`);
    expect(list.statusCode).toBe(200);
    expectNoSecrets(list, 'visits');
    const byNote = new Map(
      (list.json().items as Deal[]).map((item) => [item.data.note as string, item.data]),
    );
    expect(byNote.get('toMine')).toMatchObject({ dealName: 'Mine', dealAmount: 100 });
    expect(byNote.get('toOther')).toMatchObject({ dealName: null, dealAmount: null });
    for (const data of byNote.values()) {
      expect(data).not.toHaveProperty('dealMargin');
      expect(data).not.toHaveProperty('dealMarginx2');
    }
    const filtered = await send(
      w.rep,
      'GET',
      `/forms/${w.forms.visits}/records?filter=${encodeURIComponent(
        JSON.stringify({ field: 'dealName', op: 'eq', value: SECRETS.theirName }),
      )}`,
    );
    expect(filtered.statusCode).toBe(400);
    const csv = await send(w.rep, 'GET', `/forms/${w.forms.visits}/records/export?format=csv`);
    expectNoSecrets(csv, 'visits csv');
    const history = await send(w.rep, 'GET', `/forms/${w.forms.visits}/records/${visits.toOther}/history`);
    expectNoSecrets(history, 'visit history');
  });

  it('reports refuse them as measures, dimensions and filters', async () => {
    const widget = (form: string, spec: Record<string, unknown>) => ({
      widget: { key: 'w', title: { en: 'W' }, source: { form }, type: 'kpi', ...spec },
    });
    const cases: Array<[string, unknown, number]> = [
      ['max marginx2', widget('deals', { measures: [{ aggregate: 'max', field: 'marginx2' }] }), 422],
      ['sum itemsCost', widget('deals', { measures: [{ aggregate: 'sum', field: 'itemsCost' }] }), 422],
      ['by customer name', widget('deals', { type: 'bar', dimensions: [{ field: 'customerName' }] }), 422],
      ['by deal name', widget('visits', { type: 'bar', dimensions: [{ field: 'dealName' }] }), 422],
      [
        'by supplier name (a row lookup)',
        widget('deals', { type: 'bar', dimensions: [{ field: 'items.supplierName' }] }),
        422,
      ],
      [
        'sum of a hidden row value',
        widget('deals', { measures: [{ aggregate: 'sum', field: 'items.lineCost' }] }),
        422,
      ],
      ['filter marginx4', widget('deals', { filter: { field: 'marginx4', op: 'gt', value: 0 } }), 400],
    ];
    for (const [label, body, status] of cases) {
      const res = await send(w.rep, 'POST', '/reports/query', body);
      expect(res.statusCode, `${label}: ${res.body}`).toBe(status);
      expectNoSecrets(res, label);
    }
    const payable = await send(
      w.rep,
      'POST',
      '/reports/query',
      widget('deals', { measures: [{ aggregate: 'max', field: 'payable' }] }),
    );
    expect(payable.json().rows).toEqual([{ max_payable: 7929 }]);
  });
});

describe('spreadsheet formula injection (OWASP CSV injection)', () => {
  const dangerous = ['=HYPERLINK("http://evil.test","x")', '+1+cmd|/C calc', '-2+3', '@SUM(1)', '\tx', '\rx'];

  it('exported text starting with = + - @ tab or CR gets a leading apostrophe; numbers stay numbers', async () => {
    const created: string[] = [];
    for (const [i, name] of dangerous.entries()) {
      const res = await send(w.rep, 'POST', `/forms/${w.forms.deals}/records`, {
        data: { name, code: `INJ-${i}`, amount: -5 - i },
      });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json().data.name).toBe(name);
      created.push(res.json().id);
    }
    const { default: Papa } = await import('papaparse');
    const csv = await send(
      w.rep,
      'GET',
      `/forms/${w.forms.deals}/records/export?format=csv&fields=name,amount`,
    );
    expect(csv.statusCode, csv.body).toBe(200);
    for (const [i, name] of dangerous.entries()) {
      // The row as a CSV writer puts it: the text with its apostrophe (quoted where needed), the number bare.
      expect(csv.body).toContain(`\r\n${Papa.unparse([[created[i], `'${name}`, -5 - i]])},`);
    }

    const { default: ExcelJS } = await import('exceljs');
    const xlsx = await send(
      w.rep,
      'GET',
      `/forms/${w.forms.deals}/records/export?format=xlsx&fields=name,amount`,
    );
    expect(xlsx.statusCode).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const cells = new Map<string, [unknown, unknown]>();
    book.worksheets[0]?.eachRow((row) => {
      cells.set(String(row.getCell(1).value), [row.getCell(2).value, row.getCell(3).value]);
    });
    for (const [i, name] of dangerous.entries()) {
      const [text, amount] = cells.get(created[i] as string) ?? [];
      // XML reads a carriage return back as a line feed.
      expect(text).toBe(`'${name.replace(/\r/g, '\n')}`);
      // A number cell, not text that only looks like one.
      expect(amount).toBe(-5 - i);
    }
  });
});

describe('hostile filters', () => {
  it('a list or export filter nested 3,000 deep answers 400 at the filter, not 500', async () => {
    // Written out by hand: JSON.stringify of such a value overflows the test's own stack.
    const abyss = `${'{"and":['.repeat(3000)}{"field":"amount","op":"gte","value":0}${']}'.repeat(3000)}`;
    for (const path of ['records', 'records/export']) {
      const res = await send(
        w.rep,
        'GET',
        `/forms/${w.forms.deals}/${path}?filter=${encodeURIComponent(abyss)}`,
      );
      expect(res.statusCode, `${path}: ${res.body.slice(0, 300)}`).toBe(400);
      expect(res.json().error.code).toBe('VALIDATION_FAILED');
    }
    requests += 1;
    const view = await t.app.inject({
      method: 'POST',
      url: `${w.base}/forms/${w.forms.deals}/views`,
      headers: { ...w.rep.headers, 'content-type': 'application/json' },
      payload: `{"name":"deep","filter":${abyss}}`,
    });
    expect(view.statusCode, view.body.slice(0, 300)).toBe(400);
    expect(view.json().error.details[0].path).toMatch(/^\/filter\/and\/0/);
  });
});
